/**
 * A light suffix stripper so inflections share one stem: "stabbing/stabbed/stabs" -> "stab", "slices/sliced/slicing"
 * -> "slic", "bodies" -> "body". It is deliberately cruder than Porter: rules are written with the same function
 * (frames.ts stems its own word lists), so only consistency matters, not linguistic correctness.
 */

/** Irregular forms a suffix rule cannot reach. */
const IRREGULAR: Record<string, string> = {
  bled: 'bleed', slain: 'slay', slew: 'slay', hung: 'hang', shot: 'shoot', cut: 'cut', beaten: 'beat', died: 'die',
  dying: 'die', dead: 'dead', torn: 'tear', tore: 'tear', stole: 'steal', stolen: 'steal', took: 'take',
  taken: 'take', burnt: 'burn', men: 'man', women: 'woman', children: 'child', people: 'person', kids: 'kid',
  knives: 'knife', lives: 'life', wives: 'wife', teeth: 'tooth', feet: 'foot', mice: 'mouse', thrown: 'throw',
  threw: 'throw', blew: 'blow', blown: 'blow', ate: 'eat', eaten: 'eat', made: 'make', sold: 'sell', bought: 'buy',
  fought: 'fight', ran: 'run', hid: 'hide', hidden: 'hide', gave: 'give', given: 'give', went: 'go', gone: 'go',
  is: 'is', was: 'was', has: 'has', this: 'this', his: 'his', its: 'its', us: 'us', yes: 'yes', always: 'always',
};

const VOWEL = /[aeiouy]/;

function undouble(w: string): string {
  // "stabb" -> "stab", "cutt" -> "cut"; keep "ll", "ss", "zz" ("kill", "kiss", "buzz").
  return /([^aeioulsz])\1$/.test(w) ? w.slice(0, -1) : w;
}

export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular) return irregular;
  if (word.length <= 3) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (/(?:ss|us|is)$/.test(w)) { /* "kiss", "virus", "penis": not plurals */ }
  else if (/(?:ches|shes|xes|sses|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s')) w = w.slice(0, -1);
  for (const suffix of ['ingly', 'edly', 'ing', 'ed', 'ly']) {
    const rest = w.slice(0, -suffix.length);
    if (w.endsWith(suffix) && rest.length >= 3 && VOWEL.test(rest)) {
      w = undouble(rest);
      break;
    }
  }
  // A silent final "e" goes so "slice" meets "slicing" -> "slic".
  if (w.length > 3 && w.endsWith('e') && !w.endsWith('ee')) w = w.slice(0, -1);
  return w;
}

/** Stems every word of a normalized reading (lowercase words separated by single spaces). */
export function stemText(normalized: string): string {
  return normalized.split(' ').map((w) => (/^\p{L}+$/u.test(w) ? stem(w) : w)).join(' ');
}

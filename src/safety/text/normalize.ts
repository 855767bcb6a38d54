/**
 * Turns a prompt into the plain lowercase words a lexicon can match, undoing the usual evasions: Unicode
 * compatibility forms (fullwidth, ligatures, math letters), zero-width and other invisible characters, accents,
 * Cyrillic/Greek look-alikes, leetspeak ("p0rn", "b!tch"), letters spaced out ("p o r n", "s.e.x") and stretched
 * letters ("seeeexxx").
 *
 * Because some undoings are ambiguous ("bloooody" is "bloody" but "seeexxx" is "sex"; "a c u m" may be "a cum" or
 * "acum"), the result is a small set of candidate spellings; the classifier checks each and unions the findings.
 */

/** Look-alike letters from other scripts that NFKC leaves alone. Only ones that render like a Latin letter. */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w', ү: 'y', ѵ: 'v', ѡ: 'w', ԍ: 'g',
  // Armenian
  ց: 'g', օ: 'o', ս: 'u', հ: 'h', ո: 'n',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c',
  ς: 's', γ: 'y', μ: 'u', ϳ: 'j',
  // Latin oddities: IPA letters and small capitals
  ı: 'i', ł: 'l', ø: 'o', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ɑ: 'a', ʀ: 'r', ɡ: 'g', ɩ: 'i', ɪ: 'i', ʏ: 'y',
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ɢ: 'g', ʜ: 'h', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm', ɴ: 'n', ᴏ: 'o',
  ᴘ: 'p', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z',
};

/** Leetspeak substitutions, applied only inside tokens that also contain letters (so "1024" stays a number). */
const LEET: Record<string, string> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
  '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't', '€': 'e', '¡': 'i',
};

/** Tokens that are numbers with a unit ("12yo", "3d", "1024x1024", "16yrs") and must not be read as leetspeak. */
const NUMBER_WITH_UNIT = /^\d+(?:yo|y\/o|yrs?|years?|th|st|nd|rd|d|k|px|s|m|am|pm|mm|cm|x\d+)$/;

const INVISIBLE = /[\p{Cf}\p{Cc}\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0]/gu;

/** The candidate spellings of one prompt, each a string of lowercase words separated by single spaces. */
export interface NormalizedText {
  /** The main reading. */
  primary: string;
  /** Other readings worth checking (stretched letters collapsed, a leading "a"/"i" split off a spelled-out run). */
  alternates: string[];
  /** Lowercased text with only Unicode cleanup, digits intact: for ages ("12yo", "14 year old"). */
  withDigits: string;
}

function stripInvisibleAndAccents(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC')
    .toLowerCase();
}

function mapConfusables(text: string): string {
  let out = '';
  for (const ch of text) out += CONFUSABLES[ch] ?? ch;
  return out;
}

function undoLeet(chunk: string): string {
  const core = chunk.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (!/\p{L}/u.test(chunk) || NUMBER_WITH_UNIT.test(core)) return chunk;
  // Only substitute characters that sit next to a letter or another substitute: "b!tch" but not a trailing "wow!".
  const chars = [...chunk];
  const isLeet = (c: string | undefined) => c !== undefined && c in LEET;
  const isLetter = (c: string | undefined) => c !== undefined && /\p{L}/u.test(c);
  return chars
    .map((c, i) => {
      if (!isLeet(c)) return c;
      const left = chars[i - 1];
      const right = chars[i + 1];
      const touchesWord = isLetter(left) || isLetter(right) || (isLeet(left) && isLeet(right));
      // Trailing punctuation after a word ("help!", "cost$") is punctuation, not a letter.
      const trailingPunct = (c === '!' || c === '$' || c === '|' || c === '+') && !isLetter(right) && !isLeet(right);
      return touchesWord && !trailingPunct ? LEET[c] : c;
    })
    .join('');
}

/** A word and whether a wide gap (two or more spaces, a tab or a line break) separates it from the word before. */
interface Token { word: string; wideGap: boolean }

/** Splits into words; punctuation and symbols separate words. */
function words(text: string): Token[] {
  const tokens: Token[] = [];
  let wideGap = false;
  for (const part of text.split(/([^\p{L}\p{N}]+)/u)) {
    if (part.length === 0) continue;
    if (/[\p{L}\p{N}]/u.test(part)) {
      tokens.push({ word: part, wideGap });
      wideGap = false;
    } else {
      wideGap = /\s{2,}|[\t\n\r]/u.test(part);
    }
  }
  return tokens;
}

/**
 * Splits a run of one-letter words at its wide gaps when the run mixes narrow and wide ones: "n u d e  w o m a n"
 * spells two words, where the writer marked the word boundary with a double space. A run spaced uniformly
 * ("p o r n", "p  o  r  n") stays one piece.
 */
function splitAtWideGaps(run: Token[]): string[][] {
  const inner = run.slice(1);
  const wide = inner.filter((t) => t.wideGap).length;
  if (wide === 0 || wide === inner.length) return [run.map((t) => t.word)];
  const pieces: string[][] = [[]];
  run.forEach((t, i) => {
    if (i > 0 && t.wideGap) pieces.push([]);
    pieces[pieces.length - 1].push(t.word);
  });
  return pieces;
}

/**
 * Joins runs of three or more one-letter words ("p o r n", "s.e.x.y" after splitting) into one word. Returns the
 * joined words and, when a run begins with a word that is also an English one-letter word ("a", "i"), the reading
 * with that letter kept apart ("a c u m" -> "a cum").
 */
function joinSpelledOut(tokens: Token[]): { joined: string[]; articleSplit: string[] | null } {
  const joined: string[] = [];
  const articleSplit: string[] = [];
  let sawArticleRun = false;
  let i = 0;
  while (i < tokens.length) {
    let j = i;
    while (j < tokens.length && tokens[j].word.length === 1 && /\p{L}/u.test(tokens[j].word)) j++;
    if (j - i >= 3) {
      for (const letters of splitAtWideGaps(tokens.slice(i, j))) {
        const run = letters.join('');
        joined.push(run);
        if ((run[0] === 'a' || run[0] === 'i') && letters.length >= 4) {
          articleSplit.push(run[0], run.slice(1));
          sawArticleRun = true;
        } else {
          articleSplit.push(run);
        }
      }
      i = j;
    } else {
      joined.push(tokens[i].word);
      articleSplit.push(tokens[i].word);
      i++;
    }
  }
  return { joined, articleSplit: sawArticleRun ? articleSplit : null };
}

/** "seeeexxxx" -> "seexx" (a real double letter survives) and, separately, "sex" (every stretched run to one). */
function squeezeRepeats(word: string): { toTwo: string; toOne: string } {
  return { toTwo: word.replace(/(\p{L})\1{2,}/gu, '$1$1'), toOne: word.replace(/(\p{L})\1+/gu, '$1') };
}

export function normalizeText(text: string): NormalizedText {
  const cleaned = mapConfusables(stripInvisibleAndAccents(text));
  // Whitespace is kept as written: a wide gap can mark a word boundary inside spelled-out letters.
  const deLeeted = cleaned.split(/(\s+)/).map((chunk) => (/^\s+$/.test(chunk) ? chunk : undoLeet(chunk))).join('');
  const { joined, articleSplit } = joinSpelledOut(words(deLeeted));

  const stretched = joined.some((w) => /(\p{L})\1{2,}/u.test(w));
  const primaryWords = joined.map((w) => squeezeRepeats(w).toTwo);
  const alternates: string[] = [];
  if (stretched) {
    alternates.push(joined.map((w) => (/(\p{L})\1{2,}/u.test(w) ? squeezeRepeats(w).toOne : w)).join(' '));
  }
  if (articleSplit) alternates.push(articleSplit.map((w) => squeezeRepeats(w).toTwo).join(' '));

  return { primary: primaryWords.join(' '), alternates, withDigits: cleaned.replace(/\s+/g, ' ').trim() };
}

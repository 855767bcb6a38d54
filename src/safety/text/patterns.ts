/**
 * Building blocks for the lexicon: word lists turned into regular expressions over normalized text (lowercase words
 * separated by single spaces, see normalize.ts). Kept apart so every rule file reads as data.
 */

/** `(?:a|b|c)`: alternatives, longest first so "blowjobs" is preferred to "blowjob" when both are listed. */
export function anyOf(...alternatives: string[]): string {
  return `(?:${[...alternatives].sort((a, b) => b.length - a.length).join('|')})`;
}

/** A whole-word (or whole-phrase) match of `source`. */
export function wordRe(source: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${source})(?![\\p{L}\\p{N}])`, 'u');
}

/** Up to `n` arbitrary words between two parts: `a${gap(2)}b` matches "a b", "a x b", "a x y b". */
export function gap(n: number): string {
  return `(?: [\\p{L}\\p{N}_]+){0,${n}} `;
}

/** People an act of violence or a sexual act can be aimed at. */
export const PERSON = anyOf(
  'man', 'men', 'woman', 'women', 'person', 'people', 'guy', 'guys', 'girl', 'girls', 'boy', 'boys', 'child',
  'children', 'kid', 'kids', 'baby', 'babies', 'officer', 'officers', 'cop', 'cops', 'police', 'policeman',
  'president', 'teacher', 'teachers', 'student', 'students', 'crowd', 'him', 'her', 'them', 'victim', 'victims',
  'family', 'wife', 'husband', 'hostage', 'hostages', 'civilian', 'civilians', 'worker', 'workers', 'protester',
  'protesters', 'prisoner', 'prisoners', 'soldier', 'soldiers', 'neighbor', 'neighbour', 'someone', 'somebody',
  'everyone', 'mother', 'father', 'mom', 'dad', 'girlfriend', 'boyfriend', 'classmate', 'coworker', 'toddler',
  'infant', 'lady', 'priest', 'journalist', 'politician', 'pedestrian', 'pedestrians', 'passenger', 'passengers',
  'villager', 'villagers', 'refugee', 'refugees', 'patient', 'patients', 'senator', 'judge',
);

/** Protected groups for the hate rules. */
export const GROUP = anyOf(
  'jews', 'jew', 'jewish people', 'muslims', 'muslim people', 'blacks', 'black people', 'black men', 'black women',
  'gays', 'gay people', 'homosexuals', 'lesbians', 'trans people', 'transgender people', 'trans women', 'trans men',
  'transgenders', 'immigrants', 'migrants', 'refugees', 'mexicans', 'asians', 'chinese people', 'chinese', 'arabs',
  'africans', 'christians', 'catholics', 'hindus', 'sikhs', 'women', 'latinos', 'hispanics', 'indians',
  'whites', 'white people', 'gypsies', 'roma', 'disabled people', 'the disabled', 'jewish', 'muslim', 'islam',
  'gay men', 'asian people', 'mexican people', 'indian people', 'arab people', 'african people', 'muslim women',
  'jewish women', 'trans kids', 'autistic people', 'deaf people', 'roma people', 'black kids', 'native americans',
);

/** What "X should not be allowed to ..." protects them from, not a right denied: "to be harassed", "to drown". */
export const NOT_A_RIGHT = anyOf(
  'be harassed', 'be abused', 'be hurt', 'be harmed', 'drown', 'die', 'suffer', 'starve', 'be mistreated',
  'be discriminated against', 'be exploited', 'be attacked', 'be ignored', 'be treated', 'go hungry', 'be deported',
  'be bullied', 'be paid less', 'be left behind', 'be silenced', 'freeze', 'be detained', 'be separated',
);
/** Words that deny a group's humanity or brand it as a threat. */
export const DEHUMANIZING = anyOf(
  'vermin', 'rats', 'apes', 'monkeys', 'animals', 'subhuman', 'sub human', 'parasites', 'cockroaches', 'roaches',
  'insects', 'inferior', 'filth', 'disease', 'a disease', 'plague', 'a plague', 'scum', 'savages', 'terrorists',
  'criminals', 'rapists', 'freaks', 'mentally ill', 'property', 'not human', 'evil', 'pigs', 'dogs', 'cancer',
  'a cancer', 'an infestation', 'invaders', 'degenerates', 'pedophiles', 'groomers',
);

/** People close to someone: the usual targets of targeted harassment. */
const ACQUAINTANCE = anyOf(
  'coworker', 'coworkers', 'co worker', 'colleague', 'colleagues', 'classmate', 'classmates', 'roommate',
  'neighbor', 'neighbour', 'neighbors', 'boss', 'teacher', 'ex', 'ex girlfriend', 'ex boyfriend', 'ex wife',
  'ex husband', 'sister', 'brother', 'cousin', 'mom', 'mother', 'dad', 'father', 'friend', 'teammate', 'student',
  'girlfriend', 'boyfriend', 'wife', 'husband', 'manager', 'landlord', 'aunt', 'uncle', 'niece', 'nephew',
  'stepmom', 'stepdad', 'stepmother', 'stepfather', 'crush', 'bully', 'principal', 'tenant', 'employee',
);
const NEARBY_PERSON = `${anyOf('the', 'a', 'this', 'that')} ${anyOf('girl', 'boy', 'kid', 'guy', 'woman', 'man', 'teacher', 'lady', 'dude')} ${anyOf('from', 'in', 'at', 'next door in')} ${anyOf('my', 'our')} ${anyOf('class', 'school', 'office', 'team', 'work', 'building', 'street', 'gym', 'church', 'dorm', 'neighborhood', 'neighbourhood')}`;
export const PERSONAL_TARGET = `(?:(?:my|our|his|her|their)${gap(2)}${ACQUAINTANCE}|${NEARBY_PERSON})`;
/** The requester's own acquaintances ("my ex"), where even a neutral depiction of sex or violence is targeted. */
export const OWN_ACQUAINTANCE = `(?:(?:my|our)${gap(2)}${ACQUAINTANCE}|${NEARBY_PERSON})`;

/** Insults that, aimed at a real person, make an image harassment. Words with common kind senses ("fat cat",
 * "ugly sweater", "my dog") are left to INSULT_PHRASE, which needs them used as an insult. */
export const INSULT = anyOf(
  'stupid', 'stoopid', 'dumb', 'worthless', 'loser', 'freak', 'idiot', 'moron', 'retard', 'retarded', 'braindead',
  'brain dead', 'disgusting', 'whore', 'slut', 'bitch', 'cunt', 'useless', 'pathetic', 'piece of shit', 'scum',
  'skank', 'weirdo', 'nobody will ever love', 'everyone hates', 'hideous', 'fatso', 'dumbass', 'asshole',
  'bastard', 'twat', 'fool', 'imbecile', 'dimwit', 'halfwit', 'cretin', 'degenerate', 'slob', 'trash',
  'crackhead', 'junkie', 'child abuser', 'abuser', 'pedophile', 'rapist', 'nobody likes you', 'obese',
);

/** Insults made of ordinary words: "as a fat pig", "like a clown", "so ugly". */
export const INSULT_PHRASE = `${anyOf('fat', 'ugly', 'dirty', 'gross', 'smelly', 'stinky')}${gap(1)}${anyOf('pig', 'cow', 'slob', 'whale', 'hog', 'loser', 'freak', 'face', 'pigs', 'cows', 'troll')}|${anyOf('as', 'like', 'into')} an? (?:${anyOf('fat', 'ugly', 'dirty', 'stupid', 'disgusting', 'filthy', 'smelly')} )*${anyOf('pig', 'cow', 'rat', 'cockroach', 'worm', 'hog', 'slob', 'whale')}|look like ${anyOf('a clown', 'a fool', 'an idiot', 'a joke', 'a loser', 'a freak')}|${anyOf('is', 'so', 'too', 'being', 'looks', 'looking')} ${anyOf('fat', 'ugly', 'gross', 'stupid', 'dumb', 'pathetic')}|with pig ears|oink`;

/** Verbs of humiliation and exposure aimed at an acquaintance. */
export const HUMILIATE = anyOf(
  'humiliate', 'humiliating', 'humiliated', 'humiliation', 'mock', 'mocking', 'mocks', 'shame', 'shaming',
  'bully', 'bullying', 'make fun of', 'making fun of', 'embarrass', 'embarrassing', 'insult', 'insulting',
  'ridicule', 'ridiculing', 'degrade', 'degrading', 'revenge', 'doxx', 'doxxing', 'dox', 'doxing', 'expose',
  'exposing', 'laughingstock', 'blackmail', 'get him fired', 'get her fired', 'get them fired', 'ruin', 'ruining',
  'frame', 'framing', 'fake screenshot', 'fake texts', 'fake messages', 'post it online', 'post it on',
  'put up around', 'so everyone can see', 'share it with everyone', 'send it to everyone', 'laughs at',
  'laugh at', 'make fun', 'look bad', 'looks like a',
);

/** The subset of HUMILIATE that is abusive whoever it is aimed at ("bully the new kid"). */
export const HUMILIATE_ANYONE = anyOf(
  'humiliate', 'humiliating', 'humiliated', 'mocking', 'shaming', 'bully', 'bullying', 'make fun of',
  'making fun of', 'ridicule', 'ridiculing', 'doxx', 'doxxing', 'laughingstock', 'blackmail',
);

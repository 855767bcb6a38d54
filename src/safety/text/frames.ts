/**
 * Frame rules over the stemmed reading (stem.ts): a category is signalled by a combination of concepts close together
 * (an act of violence near a sign of gore, a method of self-harm near a wish to die, a how-to frame near a crime),
 * whatever the word order and inflection. Concept lists are written as plain words and stemmed here, so each list
 * covers "stab/stabs/stabbed/stabbing" at once. These rules add vocabulary breadth to the exact-phrase lexicon.
 */
import type { ModerationCategory } from '../categories.ts';
import type { LexiconRule, TextTier } from './lexicon.ts';
import { anyOf, gap, wordRe } from './patterns.ts';
import { stemText } from './stem.ts';

/** Alternatives of stemmed words/phrases: `w('stabbing', 'slit throat')` -> `(?:stab|slit throat)`. */
function w(...phrases: string[]): string {
  return anyOf(...new Set(phrases.map((p) => stemText(p))));
}
/** `a` and `b` within `n` words of each other, in either order. */
function near(a: string, b: string, n: number): string {
  return `(?:${a})${gap(n)}(?:${b})|(?:${b})${gap(n)}(?:${a})`;
}
function rule(id: string, category: ModerationCategory, tier: TextTier, source: string): LexiconRule {
  return { id, category, tier, pattern: wordRe(source) };
}

// ---- shared concepts ----
const POSS = w('my', 'your', 'his', 'her', 'their', 'our', 'a', 'the', 'someone s', 'its');
const BODY_PART = w(
  'head', 'skull', 'face', 'eye', 'eyes', 'throat', 'neck', 'chest', 'heart', 'stomach', 'belly', 'brain', 'temple',
);
const PERSON_WORD = w(
  'man', 'woman', 'person', 'guy', 'girl', 'boy', 'child', 'kid', 'baby', 'victim', 'body', 'corpse', 'soldier',
  'prisoner', 'hostage', 'civilian', 'someone', 'him', 'her', 'them', 'surfer', 'swimmer', 'hiker', 'worker',
);

// ---- violence/graphic ----
const VIOLENT_ACT = w(
  'stab', 'slash', 'slit', 'behead', 'decapitate', 'dismember', 'mutilate', 'disembowel', 'eviscerate',
  'torture', 'maim', 'shoot', 'blow off', 'blow apart', 'blow up', 'chop', 'hack', 'sever', 'gouge', 'rip', 'tear',
  'crush', 'smash', 'bludgeon', 'impale', 'execute', 'slaughter', 'butcher', 'massacre', 'murder', 'kill', 'strangle',
  'maul', 'bite', 'eat alive', 'skin alive', 'skin', 'flay', 'burn', 'beat', 'cut', 'saw', 'chainsaw', 'rip apart',
  'tear apart', 'shred', 'trample', 'run over', 'electrocute', 'whip', 'brand', 'pierce', 'crucify',
);
const GORE_SIGN = w(
  'blood', 'bloody', 'bleed', 'gore', 'gory', 'guts', 'brains', 'brain matter', 'entrails', 'intestines', 'innards',
  'organs', 'viscera', 'flesh', 'raw flesh', 'severed', 'splatter', 'splattered', 'gush', 'spurt', 'pulp',
  'mangled', 'exposed bone', 'broken bones', 'gash', 'corpse', 'dead body', 'carnage',
  'mutilated', 'eyeball', 'eyeballs',
);
const GORE_STRONG_SIGN = w(
  'gore', 'gory', 'guts', 'brains', 'brain matter', 'entrails', 'intestines', 'innards', 'organs', 'viscera',
  'raw flesh', 'severed', 'gushing', 'spurting', 'splattered', 'pulp', 'mangled', 'exposed bone', 'eyeball', 'eyeballs',
);
const STRONG_GORE = w(
  'decapitated', 'decapitation', 'beheaded', 'disemboweled', 'disembowelled', 'eviscerated', 'dismembered',
  'mutilated', 'flayed', 'impaled', 'entrails', 'innards', 'viscera', 'brain matter', 'guts spilling',
  'severed head', 'severed limbs', 'eyes removed', 'eyes gouged', 'eyes ripped out', 'skinned alive',
  'burned alive', 'blown apart', 'head blown', 'heads blown',
);
const WEAPON = w(
  'bullet', 'knife', 'blade', 'machete', 'axe', 'hatchet', 'sword', 'spear', 'dagger', 'cleaver', 'chainsaw',
  'shotgun', 'gun', 'pistol', 'rifle', 'hammer', 'crowbar', 'screwdriver', 'ice pick',
);
const CORPSE = w('corpse', 'corpses', 'dead body', 'dead bodies', 'cadaver');
const CORPSE_STATE = w(
  'burned', 'charred', 'pile', 'piles', 'mangled', 'rotting', 'decomposing', 'bloated', 'mutilated', 'headless',
  'maggots', 'bloody', 'hanging', 'mass grave', 'bullet', 'stab',
);

// ---- self-harm ----
const SH_METHOD = w(
  'pill', 'pills', 'overdose', 'noose', 'razor', 'razor blade', 'poison', 'bleach', 'sleeping pills', 'painkillers',
  'wrists', 'tylenol', 'insulin', 'antifreeze',
);
const SH_PLACE = w('rope', 'blade', 'bridge', 'rooftop', 'ledge', 'train tracks', 'gun', 'jump', 'hang', 'cut', 'roof', 'cliff');
const SH_INTENT_STRONG = w(
  'never wake up', 'not wake up', 'end it', 'end it all', 'end my life', 'end his life',
  'end her life', 'end their life', 'take his own life', 'take her own life', 'take my own life',
  'take their own life', 'taking his own life', 'kill himself', 'kill herself', 'kill myself', 'kill themselves',
  'suicide', 'goodbye letter', 'goodbye note', 'final note', 'last note', 'farewell letter', 'unalive',
  'no reason to live', 'disappear forever',
);
const OWN_LIFE = `${w('take', 'end', 'ending')} ${w('his', 'her', 'their', 'my', 'your', 'one s')} own ${w('life', 'lives')}`;
const PRO_ED = w(
  'pro anorexia', 'pro bulimia', 'pro ana', 'pro mia', 'thinspo', 'thinspiration', 'bonespo', 'meanspo',
  'starve yourself', 'starve themselves', 'starve herself', 'starving yourself', 'eat less than', 'skip meals',
  'purge after', 'make yourself throw up', 'make yourself vomit', 'ribs showing', 'see your ribs', 'collarbones showing',
);
const SH_GLORIFY = w('celebrate', 'glorify', 'romanticize', 'aesthetic', 'it helps', 'feels good', 'encourage', 'promote', 'tips', 'motivation', 'goals');
const SH_ACT = w('sh', 'cutting', 'self harm', 'self injury', 'burning myself', 'starving', 'purging', 'anorexia', 'bulimia');

// ---- hate ----
const GROUP = w(
  'jew', 'jews', 'jewish people', 'muslim', 'muslims', 'black people', 'blacks', 'gay', 'gays', 'gay people',
  'homosexual', 'lesbians', 'trans people', 'transgender people', 'trannies', 'immigrant', 'immigrants', 'migrant',
  'migrants', 'refugees', 'mexicans', 'asians', 'arabs', 'africans', 'hindus', 'sikhs', 'latinos',
  'hispanics', 'gypsies', 'roma', 'disabled people', 'christians', 'catholics', 'foreigners',
);
const GROUP_HARM = w(
  'thrown off buildings', 'throw off buildings', 'gassed', 'gas', 'exterminated', 'exterminate', 'killed', 'kill',
  'hanged', 'hang', 'burned', 'burn', 'shot', 'deported', 'deport', 'sent back', 'send back', 'go back', 'removed',
  'wiped out', 'eradicated', 'sterilized', 'locked up', 'lynched', 'die', 'banned', 'get rid of', 'purged',
  'put in camps', 'in camps', 'back to the jungle', 'where they belong', 'in cages',
);
const NORMATIVE = w('should', 'must', 'deserve', 'need to', 'needs to', 'ought to', 'have to', 'let s', 'time to', 'send', 'get rid of', 'all', 'every', 'death to');
const DEHUMANIZE = w(
  'apes', 'ape', 'monkeys', 'monkey', 'gorilla', 'rats', 'rat', 'vermin', 'cockroaches', 'roaches', 'insects',
  'parasites', 'pigs', 'dogs', 'animals', 'subhuman', 'diseased', 'disease', 'plague', 'infestation', 'invaders',
  'invading', 'perverts', 'pedophiles', 'groomers', 'rapists', 'terrorists', 'criminals', 'savages', 'filth',
  'scum', 'degenerates', 'inferior', 'snakes', 'leeches',
);
const DEHUMANIZE_LINK = w(
  'are', 'is', 'as', 'like', 'into', 'being', 'r', 'were', 'drawn as', 'shown as', 'depicted as', 'portrayed as', 'turned into',
  'drawn like', 'shown like', 'depicted like', 'look like', 'looking like', 'as if they were', 'compared to',
);
const FILLER = `(?: ${w('all', 'just', 'nothing but', 'dirty', 'filthy', 'disgusting', 'stinking', 'diseased', 'a', 'an', 'the', 'bunch of', 'pack of', 'swarm of')})*`;
/** Extremist slogans that call for or celebrate harm (severe) and the codes and labels of the movements (mature). */
const EXTREMIST_SLOGAN = w(
  'six million wasn t enough', 'day of the rope', 'jews will not replace us', 'you will not replace us',
  'keep the race pure', 'race pure', 'racial purity', 'racially pure', 'pure white race', 'racial holy war',
);
const EXTREMIST_CODE = w(
  '6mwe', '6 mwe', 'rahowa', 'white nationalist', 'white nationalism', 'ethnostate', 'master race', 'remigration',
  '14 88', 'sonnenrad', 'black sun symbol', 'atomwaffen', 'proud boys', 'patriot front',
);

// ---- harassment ----
const TARGET = `(?:${w('my', 'our')}${gap(1)}${w(
  'ex', 'coworker', 'colleague', 'classmate', 'roommate', 'neighbor', 'neighbour', 'boss', 'teacher', 'sister',
  'brother', 'cousin', 'friend', 'teammate', 'girlfriend', 'boyfriend', 'wife', 'husband', 'manager', 'landlord',
  'stepmom', 'stepdad', 'crush', 'bully', 'principal', 'tenant', 'employee', 'student', 'mother in law', 'neighbors',
)}|${w('the', 'this', 'that')}${gap(1)}${w('new', 'fat', 'weird', 'quiet', 'ugly')}? ?${w('girl', 'boy', 'kid', 'guy', 'woman', 'man', 'teacher', 'lady')} ${w('at', 'from', 'in')} ${w('my', 'our', 'the')}? ?${w('school', 'work', 'office', 'class', 'gym', 'church', 'team', 'building', 'street')})`;
const ABUSE = w(
  'whore', 'slut', 'skank', 'bitch', 'cunt', 'loser', 'freak', 'idiot', 'moron', 'retard',
  'stupid', 'worthless', 'pathetic', 'disgusting', 'nobody would miss you', 'nobody likes you',
  'kill yourself', 'kys', 'in a coffin', 'crosshairs', 'we know where you live', 'i know where you live',
  'you re next', 'naked', 'nude', 'topless', 'humiliating', 'humiliate', 'embarrassing', 'mock', 'ridicule',
  'so i can send it', 'so everyone can see', 'send it to her family', 'send it to his family',
);
/** The target's face put on an animal's body ("my ex's face on a pig's body"). */
const INSULT_ANIMAL = w('pig', 'cow', 'whale', 'rat', 'dog', 'hog', 'donkey', 'monkey', 'cockroach', 'slug', 'worm');
const ANIMAL_BODY = `${w('face', 'head')} on ${w('a', 'the', 'an')} ${INSULT_ANIMAL}(?: s)? ${w('body')}|${w('as', 'like', 'into', 'look like')} ${w('a', 'an')}(?: ${w('fat', 'ugly', 'dirty', 'disgusting', 'stupid', 'filthy', 'smelly')})* ${INSULT_ANIMAL}`;
const THREAT = w(
  'crosshairs', 'crosshair', 'we know where you live', 'i know where you live', 'you re next', 'you are next',
  'you will pay', 'watch your back', 'we are coming for you', 'coming for you', 'you will die', 'your days are numbered',
);
const FAKE_NUDE = `${w('fake', 'faked', 'deepfake', 'photoshopped', 'leaked', 'ai generated', 'undressed')} ${w('nude', 'nudes', 'naked photo', 'naked picture', 'naked pic', 'sex tape', 'topless photo', 'porn')}`;

// ---- illicit ----
const INSTRUCT = w(
  'how to', 'how i', 'step by step', 'steps', 'guide', 'tutorial', 'instruction', 'instructions', 'diagram', 'chart',
  'recipe', 'explain', 'explaining', 'showing how', 'where to', 'printable', 'template', 'lesson', 'manual', 'plans',
  'blueprint', 'teach', 'infographic', 'walkthrough', 'cheat sheet', 'illustrated', 'labelled', 'labeled',
);
const CRIME = w(
  'launder', 'money laundering', 'counterfeit', 'skimming', 'card skimmer', 'atm skimmer', 'hack into', 'shoplift',
  'steal a car', 'steal cars', 'steal credit cards', 'steal an identity', 'steal someone s identity',
  'pick a lock', 'hotwire', 'untraceable', 'ghost gun', '3d printed gun', 'lower receiver', 'auto sear',
  'full auto', 'silencer', 'suppressor', 'pipe bomb', 'car bomb', 'make a bomb', 'build a bomb', 'bomb making',
  'ied', 'detonator', 'fentanyl', 'meth', 'methamphetamine', 'cocaine', 'heroin', 'stolen credit card',
  'fake id', 'fake passport', 'poison someone', 'evade police', 'evade taxes', 'break into', 'burglarize', 'rob a',
  'ransomware', 'credit card numbers', 'bring down a bridge', 'derail a train', 'nerve agent', 'ricin', 'sarin',
  'napalm', 'thermite', 'molotov', 'place explosives', 'plant explosives',
);
const CRIME_STRONG = w(
  'to scam people', 'scam people', 'stolen credit card', 'stolen credit cards', 'buy stolen', 'buying stolen',
  'launder drug money', 'launder money', 'untraceable gun', 'untraceable firearm', 'untraceable rifle',
  'ghost gun', 'place explosives', 'plant a bomb', 'plant explosives', 'where to place explosives',
);
const DRUG_SLANG = w(
  'xanax', 'xans', 'oxy', 'oxys', 'percs', 'percocet', 'molly', 'coke', 'crack', 'meth', 'heroin', 'smack',
  'ketamine', 'lsd', 'shrooms', 'weed', 'fentanyl', 'pills', 'ecstasy', 'mdma',
);
const DRUG_USE = w('popping', 'snorting', 'smoking', 'injecting', 'shooting up', 'vaping', 'sniffing', 'huffing', 'railing', 'dropping', 'tripping on', 'high on', 'doing lines of');

// ---- sexual ----
const SEX_SLANG_ACT = w(
  'hooking up', 'banging', 'screwing', 'shagging', 'humping', 'boning', 'fucking', 'going at it', 'getting it on', 'riding him', 'riding her', 'sucking him off', 'eating her out', 'fondling',
  'groping', 'touching her private parts', 'touching his private parts', 'touching private parts',
);
const EXPLICIT_CUE = w('explicit', 'nsfw', 'uncensored', 'naked', 'nude', 'nothing hidden', 'in bed', 'on the bed', 'on the couch', 'graphic', 'porn', 'xxx', 'lewd', '18+');
const SEX_BODY = w(
  'pussy', 'cock', 'dick', 'cum', 'jizz', 'spunk', 'cooch', 'coochie', 'schlong', 'private parts', 'genitals',
);
const BREAST_SLANG = w('tits', 'titties', 'boobs', 'nipples', 'nipple', 'breasts', 'areola', 'areolas');
const SEX_BODY_CONTEXT = w(
  'spreading', 'showing', 'exposing', 'flashing', 'out', 'licking', 'sucking', 'touching', 'rubbing', 'grabbing',
  'fingering', 'on her face', 'on his face', 'dripping', 'close up', 'visible',
);
const SUGGESTIVE_MINOR = w(
  'lifting her skirt', 'lifting up her skirt', 'upskirt', 'in her underwear', 'in his underwear', 'in their underwear',
  'only underwear', 'skimpy', 'spread legs', 'bent over', 'private parts', 'touching', 'fondling', 'groping',
  'molest', 'molested', 'molesting', 'grooming', 'nude', 'naked', 'no clothes', 'lewd', 'erotic', 'seductive',
);

const SELF_VERB = w(
  'kill', 'hang', 'shoot', 'stab', 'cut', 'burn', 'starve', 'harm', 'hurt', 'poison', 'drown', 'suffocate',
  'overdose', 'slit', 'strangle', 'electrocute', 'choke', 'unalive', 'mutilate', 'slice', 'carve',
);
const REFLEXIVE = w('myself', 'yourself', 'himself', 'herself', 'themselves', 'themself', 'yourselves');
const SEXUAL_ABUSE = w(
  'molest', 'molested', 'molesting', 'molestation', 'groped', 'groping', 'fondled', 'fondling', 'sexually assaulted',
  'sexually assaulting', 'sexual assault', 'sexually abused', 'sexually abusing', 'forced to have sex', 'forced sex',
  'non consensual sex', 'drugged and raped', 'date rape',
);

// ---- second round: broader phrasing ----
const BODY_DAMAGE = `${w('face', 'skull', 'head', 'eye', 'eyes', 'jaw', 'teeth', 'ribcage', 'chest')} ${w('smashed', 'bashed', 'caved', 'crushed', 'blown', 'ripped', 'torn', 'cut', 'peeled', 'sliced', 'split', 'stomped', 'kicked')} ${w('in', 'off', 'open', 'out', 'apart')}|${w('skinned', 'severed', 'flayed', 'peeled')} ${w('human')}? ?${w('face', 'faces', 'head', 'skin', 'scalp')}|human skin|${w('blow', 'blew', 'blowing')} ${w('his', 'her', 'their', 'someone s', 'a man s', 'a woman s')} ${w('brains', 'head', 'face')} ${w('out', 'off')}`;
const THROWN_INTO = `${PERSON_WORD}${gap(2)}${w('thrown', 'tossed', 'pushed', 'fed', 'shoved', 'dropped')} ${w('into', 'in', 'to')} ${w('a', 'the')}? ?${w('fire', 'furnace', 'oven', 'wood chipper', 'woodchipper', 'meat grinder', 'boiling water', 'acid', 'bonfire', 'pit of fire')}`;
const OWN_SUICIDE = `${w('blow', 'blowing', 'blew')} ${w('my', 'his', 'her', 'their', 'your')} ${w('own')}? ?${w('brains')} out|${w('put', 'putting')} a bullet in ${w('my', 'his', 'her', 'their', 'your')} ${w('own')}? ?${w('head', 'brain', 'skull')}`;
const SH_WOUND = `${w('slashed', 'slit', 'sliced', 'carved', 'scarred')} ${w('wrist', 'wrists', 'forearm', 'forearms', 'arm', 'arms', 'thigh', 'thighs')}`;
const XENOPHOBIC = `${w(
  'go back to your country', 'go back where you came from', 'go back to africa', 'go back to mexico',
  'speak english or get out', 'speak english or leave',
)}|${near(GROUP, w('know your place', 'know their place'), 8)}`;
const PERSONAL_THREAT = `${w('we', 'i', 'they')} ${w('will', 'ill', 'll', 'are going to', 're going to', 'am going to', 'm going to', 'gonna', 're coming to', 'are coming to')} ${w('kill', 'burn', 'hurt', 'find', 'get', 'shoot', 'stab', 'end', 'destroy', 'rape', 'murder', 'gut', 'hang')} you|target on ${w('his', 'her', 'their', 'your')} ${w('forehead', 'chest', 'head', 'back', 'face', 'house', 'door')}|watch your back|you will regret`;
const TARGET_HURT = w(
  'get shot', 'getting shot', 'being shot', 'shot dead', 'murdered', 'stabbed', 'hanged', 'beheaded',
  'run over', 'beaten up', 'blown up', 'set on fire', 'strangled', 'tortured', 'burned alive', 'in a body bag',
);
const EVADE = w(
  'pass a drug test', 'cheat a drug test', 'beat a drug test', 'fake urine', 'synthetic urine', 'fool a breathalyzer',
  'beat a breathalyzer', 'evade the police', 'outrun the police', 'dispose of a body', 'get rid of a body',
  'hide a body',
);
const FAKE = w('fake', 'forged', 'counterfeit', 'phony', 'phoney', 'falsified', 'bogus', 'fraudulent');
const DOCUMENT = w(
  'doctor note', 'doctors note', 'sick note', 'id', 'id card', 'passport', 'license', 'licence', 'diploma',
  'vaccine card', 'vaccination card', 'prescription', 'receipt', 'parking ticket', 'cheque', 'banknote', 'money',
  'bill', 'bills', 'dollar', 'dollars', 'euro', 'euros', 'pay stub', 'bank statement', 'birth certificate',
  'social security card', 'visa', 'green card', 'work permit', 'transcript',
);
/** ("fisting" is in the unstemmed lexicon: its stem "fist" is also the stem of "fists".) */
const SEX_ACT_SLANG = w(
  'suck off', 'sucking off', 'sucking him off', 'sucking a guy off', 'sucks him off', 'going down on her',
  'going down on him', 'eating her out', 'eat her out', 'blowing him', 'jerking him off', 'jerk him off',
  'riding his dick', 'sitting on his face', 'face sitting', 'titty fuck', 'pegging', 'squirting',
);
const MINOR_EXTRA = w(
  'grade schooler', 'grade schoolers', 'first grader', 'second grader', 'third grader', 'fourth grader',
  'fifth grader', 'sixth grader', 'seventh grader', 'eighth grader', 'kindergartener', 'kindergartner',
  'prepubescent', 'pubescent', 'underaged', 'youngster', 'little one', 'elementary schooler', 'junior high girl',
  'junior high boy',
);
const MINOR_WITH_ADULT = w(
  'kissing an adult', 'kissing a grown man', 'kissing an older man', 'with an adult man', 'with an older man',
  'on a date with an adult', 'in bed with an adult', 'in bed with a man', 'romantic with an adult', 'adult man on the lips',
);

/** Rules over the stemmed reading. Exported for tests and the classifier. */
export const FRAME_RULES: readonly LexiconRule[] = [
  // A violent act next to blood is depicted violence (mature); next to gore proper it is graphic (severe).
  rule('frame.violence.act-blood', 'violence/graphic', 'mature', near(VIOLENT_ACT, GORE_SIGN, 4)),
  rule('frame.violence.act-gore', 'violence/graphic', 'severe', near(VIOLENT_ACT, GORE_STRONG_SIGN, 6)),
  rule('frame.violence.strong-gore', 'violence/graphic', 'severe', STRONG_GORE),
  rule('frame.violence.weapon-in-body', 'violence/graphic', 'mature',
    `${WEAPON}${gap(1)}${w('in', 'into', 'through', 'to')} ${POSS}?(?: ${PERSON_WORD} s)? ?${BODY_PART}`),
  rule('frame.violence.person-torn', 'violence/graphic', 'severe',
    `${PERSON_WORD}${gap(3)}${w('in half', 'to pieces', 'to a pulp', 'to a bloody pulp')}`),
  rule('frame.violence.body-damage', 'violence/graphic', 'severe', BODY_DAMAGE),
  rule('frame.violence.thrown-into', 'violence/graphic', 'severe', THROWN_INTO),
  rule('frame.violence.corpse-state', 'violence/graphic', 'severe', near(CORPSE, CORPSE_STATE, 3)),

  // A means of suicide next to the wish to die reads as a method (severe); a place next to it as a depiction (mature).
  rule('frame.self-harm.method-intent', 'self-harm', 'severe', near(SH_METHOD, `${SH_INTENT_STRONG}|${w('die', 'to die')}`, 6)),
  rule('frame.self-harm.place-intent', 'self-harm', 'mature', near(SH_PLACE, SH_INTENT_STRONG, 6)),
  rule('frame.self-harm.own-life', 'self-harm', 'mature', OWN_LIFE),
  rule('frame.self-harm.reflexive', 'self-harm', 'severe', `${SELF_VERB} ${REFLEXIVE}`),
  rule('frame.self-harm.own-gun', 'self-harm', 'severe', OWN_SUICIDE),
  rule('frame.self-harm.wounds', 'self-harm', 'mature', SH_WOUND),
  rule('frame.self-harm.pro-ed', 'self-harm', 'severe', PRO_ED),
  rule('frame.self-harm.glorify', 'self-harm', 'severe', near(SH_ACT, SH_GLORIFY, 6)),

  rule('frame.hate.harm-group', 'hate', 'severe',
    `${GROUP}${gap(3)}${w('should', 'must', 'deserve to', 'need to', 'ought to', 'have to')}${gap(2)}${GROUP_HARM}|${NORMATIVE}${gap(2)}${GROUP}${gap(3)}${GROUP_HARM}|${GROUP_HARM}${gap(2)}${w('all', 'every', 'the', 'those', 'these')} ${GROUP}`),
  rule('frame.hate.dehumanize', 'hate', 'severe', `${GROUP} ${DEHUMANIZE_LINK}${FILLER} ${DEHUMANIZE}`),
  rule('frame.hate.xenophobic', 'hate', 'severe', XENOPHOBIC),
  rule('frame.hate.extremist-slogan', 'hate', 'severe', EXTREMIST_SLOGAN),
  rule('frame.hate.extremist-code', 'hate', 'mature', EXTREMIST_CODE),

  rule('frame.harassment.target-abuse', 'harassment', 'severe', near(TARGET, `${ABUSE}|${ANIMAL_BODY}`, 14)),
  rule('frame.harassment.threat', 'harassment', 'severe', `${THREAT}|${PERSONAL_THREAT}`),
  rule('frame.harassment.target-hurt', 'harassment', 'severe', near(TARGET, TARGET_HURT, 6)),
  rule('frame.harassment.fake-nude', 'harassment', 'severe', FAKE_NUDE),

  rule('frame.illicit.instruct-crime', 'illicit', 'severe', near(INSTRUCT, CRIME, 6)),
  rule('frame.illicit.strong', 'illicit', 'severe', `${CRIME_STRONG}|${EVADE}`),
  rule('frame.illicit.forgery', 'illicit', 'severe', `${FAKE}${gap(2)}${DOCUMENT}`),
  rule('frame.illicit.drug-use', 'illicit', 'mature', `${DRUG_USE}${gap(1)}${DRUG_SLANG}`),

  rule('frame.sexual.slang-act', 'sexual', 'severe', near(SEX_SLANG_ACT, EXPLICIT_CUE, 6)),
  rule('frame.sexual.body-act', 'sexual', 'severe', near(SEX_BODY, SEX_BODY_CONTEXT, 3)),
  rule('frame.sexual.breasts-shown', 'sexual', 'mature', near(BREAST_SLANG, SEX_BODY_CONTEXT, 3)),
  rule('frame.sexual.abuse', 'sexual', 'severe', SEXUAL_ABUSE),
  rule('frame.sexual.act-slang', 'sexual', 'severe', SEX_ACT_SLANG),
  rule('frame.sexual.fake-nude', 'sexual', 'severe', FAKE_NUDE),
];

/** Cues that make any mention of a minor sexual ("lifting her skirt", "in her underwear"). */
export const MINOR_SEXUAL_FRAME = wordRe(`${SUGGESTIVE_MINOR}|${MINOR_WITH_ADULT}`);
/** Words for children the unstemmed MINOR list lacks, matched on the stemmed reading. */
export const MINOR_FRAME = wordRe(MINOR_EXTRA);

export function stemmedReading(blanked: string): string {
  return stemText(blanked);
}

/**
 * The category lexicon: one rule per line of meaning, each a whole-word pattern over normalized text with a category
 * and a tier. "severe" is blocked at every level; "mature" (nudity, depicted violence, drug use, hate symbols) only at
 * `auto` by default - see policy.ts. Rules that need two signals at once (a minor AND sexual content, an
 * acquaintance AND sexual or violent content) live in text-classifier.ts.
 *
 * Words with common innocent senses are left out or narrowed ("penetration" of a market, "erection" of a tower,
 * "escort" of a motorcade); benign-senses.ts blanks the phrases that remain ambiguous.
 * The hate rules necessarily spell out slurs; they are data for recognising abuse, never output.
 */
import type { ModerationCategory } from '../categories.ts';
import {
  anyOf, wordRe, gap, PERSON, GROUP, DEHUMANIZING, NOT_A_RIGHT, PERSONAL_TARGET, INSULT, INSULT_PHRASE, HUMILIATE, HUMILIATE_ANYONE,
} from './patterns.ts';

export type TextTier = 'mature' | 'severe';

export interface LexiconRule {
  /** Stable name for audit logs and evaluation output; never contains prompt text. */
  id: string;
  category: ModerationCategory;
  tier: TextTier;
  pattern: RegExp;
}

function rule(id: string, category: ModerationCategory, tier: TextTier, source: string): LexiconRule {
  return { id, category, tier, pattern: wordRe(source) };
}

const REFLEXIVE = anyOf('myself', 'yourself', 'himself', 'herself', 'themselves', 'yourselves', 'themself', 'ourselves');
const POSSESSIVE = anyOf('my', 'your', 'his', 'her', 'their', 'our');
const DRUG = anyOf(
  'cocaine', 'heroin', 'meth', 'methamphetamine', 'crystal meth', 'fentanyl', 'crack cocaine', 'lsd', 'mdma',
  'ecstasy pills', 'ketamine', 'pcp', 'dmt', 'ghb', 'angel dust', 'black tar', 'speedball', 'krokodil', 'psilocybin', 'magic mushrooms', 'shrooms', 'oxycontin', 'xanax bars',
);
const WEAPON_OR_AGENT = anyOf(
  'pipe bomb', 'pipe bombs', 'bomb', 'bombs', 'explosive', 'explosives', 'ied', 'ieds', 'napalm', 'tatp', 'c4',
  'semtex', 'nerve agent', 'sarin', 'ricin', 'anthrax', 'mustard gas', 'molotov cocktail', 'molotov cocktails',
  'molotov', 'ghost gun', 'ghost guns', 'silencer', 'suppressor', 'auto sear', 'untraceable gun', 'thermite',
  'chlorine gas', 'poison gas', 'dirty bomb', 'car bomb', 'suicide vest', 'grenade', 'grenades', 'nail bomb',
  'bioweapon', 'chemical weapon', 'detonator', 'detonators', 'blasting cap', 'fuse for a bomb', 'zip gun',
  'full auto conversion', 'bump stock', 'flamethrower', 'letter bomb', 'booby trap', 'landmine', 'land mine',
  DRUG,
);
const HOW_TO = anyOf(
  'how to', 'how do i', 'how can i', 'instructions', 'instruction', 'step by step', 'guide', 'tutorial', 'recipe',
  'diagram', 'blueprint', 'blueprints', 'schematic', 'schematics', 'infographic', 'template', 'manual',
  'walkthrough', 'make', 'making', 'build', 'building', 'cook', 'cooking', 'synthesize', 'synthesizing',
  'synthesise', 'manufacture', 'manufacturing', 'assemble', 'assembling', 'homemade', 'home made', 'diy',
  'extract', 'extracting', 'extraction', 'wiring', 'wire', 'grow', 'growing', 'brew', 'brewing', 'produce',
  'producing', 'refine', 'refining', 'plans for', 'formula for',
);
const FORGEABLE = anyOf(
  'money', 'bill', 'bills', 'banknote', 'banknotes', 'currency', 'dollar', 'dollars', 'dollar bill', 'euro',
  'euros', 'passport', 'passports', 'id', 'ids', 'id card', 'id cards', 'driver s license', 'drivers license',
  'driver s licence', 'license', 'licence', 'vaccination card', 'vaccine card', 'vaccination cards',
  'prescription', 'prescriptions', 'diploma', 'diplomas', 'visa', 'social security card', 'cheque',
  'documents', 'signature', 'coins', 'certificate', 'certificate of authenticity', 'birth certificate',
  'green card', 'work permit', 'boarding pass', 'receipt', 'receipts', 'doctor s note', 'sick note', 'rolex',
  'designer bags', 'designer handbags', 'bank statement', 'pay stub', 'tickets',
);

const CP_CONTEXT = anyOf(
  'nude', 'nudes', 'naked', 'porn', 'explicit', 'nsfw', 'sexy', 'lewd', 'xxx', 'sex', 'sexual', 'erotic', 'hot',
  'underage', 'preteen', 'preteens', 'pre teen', 'minors', 'young girls', 'young boys', 'little girls', 'little boys',
  'loli', 'lolis', 'shota', 'jailbait', 'teen', 'teens', 'young teens', 'barely legal',
  'trade', 'trading', 'traded', 'collection', 'stash', 'links', 'link', 'vids', 'videos', 'video', 'pics', 'pictures',
  'images', 'content', 'mega', 'telegram', 'dump', 'archive', 'sell', 'selling', 'buy', 'download', 'hardcore',
);
const PILLS = anyOf(
  'pills', 'pill', 'painkillers', 'pain killers', 'sleeping pills', 'tylenol', 'paracetamol', 'acetaminophen',
  'ibuprofen', 'advil', 'aspirin', 'benadryl', 'xanax', 'oxy', 'oxys', 'opioids', 'meds', 'medication', 'insulin',
  'tablets', 'antidepressants', 'benzos', 'sleeping tablets', 'prescription pills', 'my meds', 'my pills',
);
const OD_INTENT = anyOf(
  'od', 'o d', 'overdose', 'overdosing', 'die', 'to die', 'be fatal', 'be lethal', 'lethal', 'fatal', 'kill me',
  'kill myself', 'never wake up', 'not wake up', 'don t wake up', 'dont wake up', 'won t wake up', 'wont wake up',
  'end it', 'painlessly', 'painless', 'peacefully',
);
/** Demeaning claims about a whole group ("women are too stupid to vote"): hate without a slur or an animal word. */
const DEMEANING_TRAIT = anyOf(
  'too stupid', 'too dumb', 'too emotional', 'too weak', 'too primitive', 'not smart enough', 'not intelligent enough',
  'incapable of', 'unfit to', 'unfit for', 'less intelligent', 'stupider', 'dumber', 'born stupid', 'naturally stupid',
  'naturally inferior', 'a burden', 'worthless', 'good for nothing', 'only good for', 'only good at', 'lazy',
  'all lazy', 'thieves', 'all thieves', 'liars', 'all liars', 'greedy', 'violent by nature', 'born to serve',
  'meant to serve', 'made to serve', 'all dirty', 'dirty thieves', 'stupid', 'dumb', 'disgusting', 'a mistake', 'mentally inferior',
  'ruining everything', 'the problem', 'a threat', 'worse than', 'not equal', 'second class', 'a mental illness',
  'mental illness', 'an abomination', 'abominations', 'unnatural', 'a virus',
);
/** One member of a group, for a caricature captioned as if it showed them all ("... they are all like this"). */
const GROUP_MEMBER = anyOf(
  'muslim', 'arab', 'jew', 'mexican', 'black man', 'black woman', 'gay man', 'immigrant', 'refugee', 'chinese man',
  'asian', 'asian man', 'asian woman', 'trans woman', 'gypsy', 'hindu', 'sikh', 'african', 'indian man', 'migrant',
);
const DEMEANING_PLACE = anyOf(
  'belong in the kitchen', 'belongs in the kitchen', 'belong in cages', 'belong in a cage', 'belong in a zoo',
  'belong in zoos', 'belong in chains', 'belong in the fields', 'belong in the ghetto', 'belong in prison',
  'belong in jail', 'belong in the trash', 'should stay in the kitchen', 'stay in the kitchen', 'back in the kitchen',
  'back to the kitchen', 'get back in the kitchen', 'make me a sandwich', 'know their place', 'belong barefoot',
  'should stay home', 'should stay at home', 'must stay home', 'obey their husbands', 'should obey men', 'must obey men',
  'should be seen and not heard', 'should shut up and', 'belong at home',
);
const DENIED_RIGHT = `${anyOf('don t deserve', 'dont deserve', 'do not deserve', 'deserve no')} ${anyOf('rights', 'any rights', 'respect', 'to live', 'to be here', 'citizenship', 'equal rights', 'human rights', 'to exist', 'the vote', 'jobs', 'to be treated as humans', 'to be treated like people')}|${anyOf('shouldnt', 'cant', 'should not', 'shouldn t', 'should never', 'must not', 'mustn t', 'must never', 'cannot', 'can t', 'don t deserve to', 'do not deserve to', 'have no right to', 'has no right to', 'should be banned from', 'should be barred from', 'shouldn t even be allowed to', 'should not even be allowed to')} ${anyOf(`be allowed to(?! ${NOT_A_RIGHT})`, 'be allowed(?! to)', `be permitted to(?! ${NOT_A_RIGHT})`, 'be trusted', 'be trusted to', 'be trusted with', 'vote', 'drive', 'work', 'own property', 'hold office', 'teach', 'marry', 'adopt', 'have rights', 'be citizens', 'go to school', 'voting', 'driving', 'exist', 'breed', 'have children', 'live here')}`;

export const LEXICON: readonly LexiconRule[] = [
  // ---- sexual: explicit (severe) ----
  rule('sexual.porn', 'sexual', 'severe', `porn\\p{L}*|xxx|nsfw|hentai|smut|rule 34|r34`),
  rule('sexual.act', 'sexual', 'severe', anyOf(
    'blowjob', 'blowjobs', 'blow job', 'handjob', 'handjobs', 'hand job', 'fellatio', 'cunnilingus', 'cumshot',
    'cumshots', 'cum', 'cumming', 'creampie', 'gangbang', 'orgy', 'orgies', 'bukkake', 'deepthroat',
    'deepthroating', 'intercourse', 'masturbate', 'masturbating', 'masturbation', 'masturbates', 'jerking off',
    'jacking off', 'orgasm', 'orgasms', 'orgasming', 'ejaculating', 'ejaculation', 'ejaculate', 'dildo', 'dildos',
    'sex toy', 'sex toys', 'fingering herself', 'threesome', 'rimming', 'sodomy', 'bestiality', 'zoophilia',
    'incest', 'raping', 'rape', 'raped', 'making love', 'make love', 'giving head', 'gives head', 'give head',
    'sixty nine position', 'doggy style', 'doggystyle', 'missionary position', 'cowgirl position', 'erect penis',
    'hard on', 'boner', 'genital contact', 'sexual penetration', 'being penetrated',
    'erect member', 'erect shaft', 'fisting', 'railed', 'getting railed', 'being railed', 'getting fucked', 'being fucked', 'cum on', 'sperm on', 'semen',
  )),
  rule('sexual.having-sex', 'sexual', 'severe',
    `(?:having|have|has|had|doing|performing|perform|performs|giving|gives|receiving)${gap(1)}(?:anal |oral |rough |group |hardcore |explicit |graphic )?(?:sex|sex acts?)|${anyOf('anal', 'oral', 'group', 'hardcore', 'explicit', 'rough', 'public', 'graphic', 'steamy')} sex|sex ${anyOf('scene', 'scenes', 'tape', 'tapes', 'act', 'acts', 'video', 'videos', 'position', 'positions', 'doll', 'dolls', 'slave', 'show')}|sex with|sexual intercourse|sexual acts?`),
  // "giving a man head": oral sex with the partner named in between ("giving her head a pat" is not).
  rule('sexual.giving-head', 'sexual', 'severe',
    `${anyOf('giving', 'gives', 'give', 'gave', 'getting', 'gets', 'got')} ${anyOf('him', 'a man', 'a guy', 'the man', 'the guy', 'her boyfriend', 'her husband', 'his boyfriend', 'a stranger', 'her man', 'her partner', 'a dude', 'the driver', 'her boss', 'her teacher', 'some guy', 'his girlfriend', 'a woman', 'a girl')} head(?! ${anyOf('a', 'start', 'count', 'of', 'lice', 'injury', 'injuries', 'massage', 'pat', 'rub', 'scratch', 'shave', 'turn', 'wound', 'wrap', 'to', 'nod', 'shake', 'butt', 'band', 'scarf', 'tilt')})`),
  rule('sexual.fucking', 'sexual', 'severe',
    `fuck(?:ing|s|ed)? ${anyOf('her', 'him', 'them', 'each other', 'on', 'in', 'a', 'the', 'hard', 'scene', 'video')}|(?:are|is|were|couple|people|men|women) fucking`),
  rule('sexual.genitals', 'sexual', 'severe', anyOf(
    'penis', 'penises', 'vagina', 'vaginas', 'vulva', 'labia', 'genital', 'genitals', 'genitalia', 'clitoris',
    'clit', 'testicles', 'scrotum', 'pubic hair', 'spread pussy',
  )),
  // Slang with innocent senses (the bird, the name, the cat): mature, so `low` lets the rare innocent use through.
  rule('sexual.slang', 'sexual', 'mature', anyOf('cock', 'cocks', 'dick', 'dicks', 'pussy', 'pussies', 'anus', 'twat')),
  rule('sexual.explicit', 'sexual', 'severe',
    `sexually explicit|${anyOf('explicit', 'graphic', 'uncensored')} ${anyOf('sex', 'sexual', 'nude', 'nudes', 'nudity', 'porn', 'content', 'material', 'scene', 'act', 'acts', 'genitals')}|legs spread|spread(?:ing)? ${anyOf('her', 'his', 'their')} ${anyOf('legs', 'pussy', 'cheeks', 'ass')}|every detail visible|nothing left to the imagination`),
  rule('sexual.deepfake-nude', 'sexual', 'severe',
    `(?:deepfake|deep fake|nudify|undress app)${gap(4)}${anyOf('nude', 'naked', 'porn', 'topless', 'undressed', 'sex')}|${anyOf('nude', 'naked', 'porn', 'topless', 'sex')} ${anyOf('deepfake', 'deep fake', 'deepfakes')}|nudify|nudified`),
  // ---- sexual: nudity and suggestive content (mature) ----
  rule('sexual.nudity', 'sexual', 'mature', anyOf(
    'nude', 'nudes', 'nudity', 'naked', 'topless', 'bottomless', 'nip slip', 'full frontal', 'unclothed', 'undressed',
    'undressing', 'undress', 'disrobing', 'skinny dipping', 'bare breasts', 'bare breasted', 'bare chested woman',
    'breasts', 'boobs', 'tits', 'nipples', 'nipple', 'buttocks', 'bare butt', 'bare ass', 'in the nude',
    'taking off her bra', 'takes off her bra', 'taking off her clothes', 'takes off her clothes', 'without clothes',
    'no clothes', 'wearing nothing', 'stark naked', 'butt naked', 'in the buff', 'g string', 'thong bikini',
    'see through top', 'see through lingerie', 'wet t shirt',
    // Misspellings and baby talk the spelling rules cannot reach ("nakid", "titties", "send noods").
    'nakid', 'nakit', 'nakkid', 'nekkid', 'nekid', 'neked', 'nakey', 'nakie', 'nakie pics', 'nudez', 'noods', 'nudies',
    'titties', 'titty', 'tittys', 'tiddies', 'tiddy', 'boobies', 'boobys', 'bewbs', 'booty pics', 'nakked', 'nakd',
    'naykid', 'naykd', 'nekked', 'nakeddd',
    'top off', 'shirt off her', 'bra off', 'panties off', 'clothes off', 'see through nightgown', 'see through dress', 'see through shirt', 'sheer lingerie', 'wardrobe malfunction',
  )),
  rule('sexual.suggestive', 'sexual', 'mature',
    `${anyOf('erotic', 'erotica', 'erotically', 'boudoir', 'striptease', 'stripper', 'strippers', 'strip club', 'lap dance', 'busty', 'cleavage', 'sexualized', 'sexualised', 'sexualizing', 'fetish', 'bdsm', 'bondage', 'lewd', 'horny', 'aroused', 'sexual', 'sexually', 'sex', 'onlyfans', 'camgirl', 'prostitute', 'prostitutes', 'making out', 'make out', 'foreplay', 'pin up nude', 'ahegao', 'ecchi')}|(?:in|wearing|wears|only) lingerie|lingerie ${anyOf('model', 'photo', 'shoot', 'pose', 'selfie')}`),
  rule('sexual.sexy-person', 'sexual', 'mature',
    `${anyOf('alluring', 'sexy', 'seductive', 'seductively', 'provocative', 'provocatively', 'suggestive', 'suggestively', 'sultry', 'steamy')}${gap(2)}${anyOf('woman', 'women', 'girl', 'girls', 'man', 'men', 'lady', 'ladies', 'guy', 'boy', 'boys', 'body', 'pose', 'poses', 'posing', 'selfie', 'outfit', 'model', 'nurse', 'maid', 'teacher', 'cheerleader', 'teen', 'teenage', 'teenager', 'schoolgirl', 'babe', 'bride', 'dance', 'dancing', 'kid', 'child', 'lighting')}|${anyOf('posing', 'pose', 'poses', 'posed', 'dressed', 'dancing', 'looking', 'smiling', 'lying', 'undressing')} ${anyOf('sexy', 'seductively', 'provocatively', 'suggestively', 'sexually')}`),

  // ---- sexual/minors: terms that mean sexualised children on their own (always severe) ----
  rule('minors.terms', 'sexual/minors', 'severe',
    `${anyOf('loli', 'lolis', 'lolicon', 'shota', 'shotacon', 'jailbait', 'csam', 'child porn', 'kiddie porn', 'kiddy porn', 'pedo', 'pedos', 'pedophile', 'pedophiles', 'pedophilia', 'paedophile', 'paedophilia', 'preteen porn', 'cp porn', 'child sexual abuse', 'child abuse material', 'underage sex', 'underage porn', 'underage nude', 'underage naked', 'child bride', 'child brides')}`),

  // "cp" (child sexual abuse material) is also cerebral palsy, the Unix copy command and "club penguin", so it counts
  // only next to a sexual word, a word for minors that is not also a patient ("underage", "preteen") or the
  // vocabulary of trading material ("links", "vids", "collection").
  rule('minors.cp', 'sexual/minors', 'severe', `cp${gap(3)}${CP_CONTEXT}|${CP_CONTEXT}${gap(3)}cp|${anyOf('make', 'making', 'generate', 'generating', 'create', 'draw', 'render', 'produce', 'show me', 'send me', 'give me', 'need', 'want', 'looking for', 'share', 'sharing', 'post', 'posting')} ${anyOf('some', 'more', 'new', 'real')}? ?cp(?! ${anyOf('file', 'files', 'command', 'backup', 'copy', 'folder', 'directory', 'directories')})`),

  // ---- violence/graphic ----
  rule('violence.gore', 'violence/graphic', 'severe', anyOf(
    'decapitated', 'decapitation', 'decapitating', 'decapitate', 'beheaded', 'beheading', 'behead', 'beheads',
    'disemboweled', 'disembowelled', 'disemboweling', 'disembowelment', 'dismembered', 'dismembering',
    'dismemberment', 'dismember', 'eviscerated', 'evisceration', 'mutilated', 'mutilation', 'mutilating', 'gore',
    'gory', 'gorey', 'goriest', 'entrails', 'guts spilling', 'spilled guts', 'spilling guts', 'intestines spilling',
    'intestines hanging', 'intestines hanging out', 'guts hanging out', 'guts on the floor', 'guts everywhere',
    'skinned alive', 'flayed', 'flaying', 'burned alive', 'burnt alive', 'burning alive', 'exposed bone',
    'exposed bones', 'mass grave', 'brains splattered', 'brain matter', 'splattered brains', 'lynching', 'lynched',
    'impaled', 'impalement', 'crucified alive', 'snuff film', 'face ripped off', 'head blown off', 'head exploding',
    'exploding head', 'skull crushed', 'crushed skull', 'chunks of flesh', 'flesh torn', 'torn flesh', 'ripped open',
    'fingernails pulled out', 'eyes gouged out', 'gouged out', 'cut into pieces', 'chopped into pieces',
    'chopped up body', 'hacked to pieces', 'body in pieces', 'severed head', 'severed heads', 'severed leg',
    'severed legs', 'severed arm', 'severed arms', 'severed hand', 'severed limb', 'severed limbs', 'severed finger',
    'severed fingers', 'compound fracture', 'bone sticking out', 'autopsy photo', 'charred bodies', 'charred body',
    'organs removed', 'organs spilling', 'exposed organs', 'internal organs exposed', 'chest cavity opened', 'chest cavity open', 'cut open', 'sliced open', 'tearing out', 'ripping out', 'torn out', 'ripped out', 'throat slit', 'slit throat', 'slashed throat', 'throat cut', 'blood spraying', 'blood spurting', 'spraying blood', 'spurting blood', 'arterial spray', 'bleeding to death', 'bled to death', 'stabbed repeatedly', 'screaming in agony', 'writhing in agony', 'shot point blank', 'execution video', 'burning body', 'burning bodies',
  )),
  // Torture with a named tool is graphic whatever the wording of the wound: "tortured with a power drill".
  rule('violence.torture-tool', 'violence/graphic', 'severe',
    `${anyOf('tortured', 'torturing', 'torture', 'tortures', 'being tortured')}${gap(2)}with ${anyOf('a', 'an', 'the')}? ?${anyOf('power drill', 'drill', 'pliers', 'blowtorch', 'blow torch', 'acid', 'hot iron', 'branding iron', 'electric shocks', 'chainsaw', 'hammer', 'nail gun', 'scalpel', 'razor', 'boiling water', 'knives', 'knife', 'pliers and a knife', 'hot pokers', 'hot poker')}`),
  rule('violence.torn-body', 'violence/graphic', 'severe',
    `${anyOf('body', 'bodies', 'man', 'woman', 'person', 'corpse', 'people', 'victim', 'soldier', 'limbs', 'child')}${gap(2)}${anyOf('torn apart', 'ripped apart', 'blown apart', 'torn to pieces', 'blown to pieces', 'torn in half', 'cut in half', 'cut into pieces', 'in pieces')}`),
  rule('violence.graphic-word', 'violence/graphic', 'severe',
    `graphic ${anyOf('violence', 'torture', 'injury', 'injuries', 'wound', 'wounds', 'death', 'murder', 'killing', 'gore', 'execution', 'mutilation', 'dismemberment')}`),
  rule('violence.blood', 'violence/graphic', 'mature',
    `${anyOf('pool of blood', 'pools of blood', 'covered in blood', 'blood everywhere', 'blood splatter', 'blood splattered', 'blood spatter', 'blood dripping', 'dripping blood', 'dripping with blood', 'blood gushing', 'gushing blood', 'blood pouring', 'soaked in blood', 'blood soaked', 'bloodbath', 'blood bath', 'full of blood', 'blood on the pavement', 'blood on the floor', 'blood on the walls', 'blood on the ground', 'bleeding', 'bleeds', 'bled out', 'bleeding out', 'bleed out', 'gunshot wound', 'gunshot wounds', 'stab wound', 'stab wounds', 'massacre', 'massacred', 'corpse', 'corpses', 'dead body', 'dead bodies', 'murder scene', 'murdered', 'murdering', 'murders', 'murder', 'murderer', 'axe murderer', 'serial killer', 'torture', 'tortured', 'torturing', 'torture chamber', 'public hanging', 'hanged', 'public execution', 'execution style', 'school shooting', 'mass shooting', 'shooting spree', 'drive by shooting', 'carnage', 'slaughtered', 'bloodshed', 'shotgun blast', 'bullet wound', 'bullet wounds', 'bullet hole in his head', 'suicide bomber', 'suicide bombing', 'terrorist attack', 'car bombing', 'war crimes', 'genocide', 'ethnic cleansing', 'atrocity', 'atrocities', 'opening fire', 'open fire on', 'opens fire', 'opened fire', 'lying dead', 'lay dead', 'roadkill', 'animal cruelty', 'animal abuse', 'blood around', 'bloody water', 'tortured with', 'gunman', 'active shooter', 'hit by a car', 'run over by', 'dead man', 'dead woman', 'dead child', 'dead children', 'dead baby', 'dead soldiers', 'killing spree', 'stabbing spree', 'bloodied', 'bloodstained', 'blood stained')}|${anyOf('beaten', 'beat', 'stabbed', 'stabbing', 'kicked', 'burned', 'burnt', 'hacked', 'bludgeoned', 'tortured', 'clubbed', 'stoned', 'shot', 'strangled', 'choked')} to death|beaten up|bloody ${anyOf('corpse', 'body', 'bodies', 'knife', 'murder', 'massacre', 'fight', 'wound', 'wounds', 'face', 'mess', 'scene', 'battle', 'hands', 'victim', 'axe', 'machete', 'stump', 'pulp')}|(?:shot|stabbed|bleeding|shooting|shoots|shoot) (?:him |her |them |someone )?in the ${anyOf('head', 'face', 'chest', 'back', 'neck', 'heart', 'stomach', 'eye')}|standing over ${anyOf('his', 'her', 'the', 'a')} ${anyOf('victim', 'victims', 'body', 'corpse')}`),
  rule('violence.act-on-person', 'violence/graphic', 'mature',
    `${anyOf('stab', 'stabs', 'stabbing', 'stabbed', 'shoot', 'shoots', 'shooting', 'shot', 'kill', 'kills', 'killing', 'killed', 'murder', 'murders', 'murdering', 'strangle', 'strangles', 'strangling', 'strangled', 'execute', 'executes', 'executing', 'executed', 'beat', 'beats', 'beating', 'slaughter', 'slaughtering', 'torture', 'torturing', 'assassinate', 'assassinating', 'maim', 'maiming', 'butcher', 'butchering', 'punching', 'kicking', 'slit the throat of', 'slitting the throat of', 'gun down', 'gunning down', 'gunned down', 'behead', 'hack', 'hacking', 'mutilate')}${gap(2)}${anyOf(PERSON, 'rival', 'rivals', 'enemy', 'stranger', 'bystander', 'bystanders', 'shopkeeper', 'cashier', 'guard')}`),

  // ---- self-harm ----
  rule('self-harm.reflexive', 'self-harm', 'severe',
    `${anyOf('kill', 'kills', 'killing', 'killed', 'shoot', 'shooting', 'shot', 'hang', 'hanging', 'hanged', 'cutting', 'stab', 'stabbing', 'burning', 'starve', 'starving', 'starved', 'harm', 'harming', 'poison', 'poisoning', 'suffocate', 'suffocating', 'overdose', 'overdosing', 'mutilate', 'mutilating', 'slit', 'slitting', 'drown', 'drowning')} ${REFLEXIVE}|kys|unalive ${REFLEXIVE}|unaliving|gun to ${anyOf('his', 'her', 'their', 'my', 'your')} own ${anyOf('head', 'temple', 'mouth', 'chin')}|${anyOf('pointing', 'holding', 'putting', 'puts', 'points', 'pressing')} a gun to ${anyOf('his', 'her', 'their', 'my', 'your')} ${anyOf('head', 'temple', 'mouth', 'chin')}|gun in ${anyOf('his', 'her', 'their', 'my')} ${anyOf('own', '')} ?mouth`),
  rule('self-harm.intent', 'self-harm', 'severe',
    `${anyOf('commit suicide', 'committing suicide', 'commits suicide', 'committed suicide', 'suicide note', 'suicide method', 'suicide methods', 'suicide guide', 'suicide instructions', 'suicide pact', 'how to commit suicide', 'want to die', 'wants to die', 'wanted to die', 'wanna die', 'end my life', 'end your life', 'end his life', 'end her life', 'end their life', 'end their lives', 'end it all', 'ending it all', 'take my own life', 'take your own life', 'cutting aesthetic', 'self harm aesthetic', 'thinspo', 'thinspiration', 'pro ana', 'pro mia', 'proana', 'hanging from a noose', 'hanging from the noose', 'hanging by a noose', 'bleed out fastest', 'painless way to die', 'painless death', 'does it take to die', 'lethal dose', 'how to die', 'ways to die', 'better off dead', 'skip meals', 'purge after eating', 'purging after meals', 'stop eating', 'seeing your ribs', 'see your ribs', 'skin and bones goals', 'thigh gap goals', 'razor cuts', 'razor blade cuts', 'self inflicted cuts', 'covered in cuts', 'fresh cuts on', 'cut marks on', 'let go and fall', 'ready to let go', 'jump in front of a train', 'jump in front of the train', 'in front of a train to', 'step off the ledge', 'rope around her neck', 'rope around his neck', 'rope around their neck', 'rope around my neck', 'noose around her neck', 'noose around his neck', 'noose around their neck', 'noose around my neck', 'noose around the neck')}|${anyOf('razor', 'razor blade', 'blade')}${gap(6)}${anyOf('wrist', 'wrists', 'bathtub', 'bath', 'forearm', 'forearms')}|${anyOf('wrist', 'wrists', 'bathtub', 'forearm', 'forearms')}${gap(6)}${anyOf('razor', 'razor blade', 'cuts')}|${anyOf('cut', 'cuts', 'cutting', 'slit', 'slits', 'slitting', 'slash', 'slashing', 'slashed')} ${POSSESSIVE}?(?: own)? ?${anyOf('wrist', 'wrists', 'veins', 'vein', 'throat')}|${anyOf('cutting', 'slashing', 'slicing', 'carving')} ${POSSESSIVE} ${anyOf('arm', 'arms', 'thighs', 'legs', 'skin', 'stomach')}|where to cut${gap(3)}${anyOf('arm', 'wrist', 'wrists', 'vein', 'veins', 'bleed')}|${anyOf('fresh', 'bleeding', 'open', 'deep')} ${anyOf('cuts', 'slashes', 'scars')} on ${anyOf(POSSESSIVE, 'the')} ${anyOf('arm', 'arms', 'wrist', 'wrists', 'thighs', 'thigh', 'legs', 'skin')}|${anyOf('cuts', 'scars', 'wounds')} ${anyOf('fresh', 'bleeding')}|${anyOf('glorify', 'glorifying', 'glorifies', 'romanticize', 'romanticizing', 'encourage', 'encouraging', 'encourages', 'promote', 'promoting', 'motivational poster for', 'tips for', 'poster for')}${gap(2)}${anyOf('self harm', 'selfharm', 'suicide', 'cutting', 'anorexia', 'bulimia', 'starvation', 'self injury', 'eating disorder', 'eating disorders')}|${anyOf('how to', 'instructions to', 'instructions for', 'guide to', 'ways to', 'best way to', 'tips to')} ${anyOf('overdose', 'slit your', 'slit my', 'starve yourself', 'starve myself', 'hide cuts', 'hide self harm', 'hide my cuts')}|overdose on ${anyOf('pills', 'drugs', 'sleeping pills', 'painkillers', 'tylenol', 'insulin')}|${anyOf('sleeping pills', 'pills')}${gap(4)}${anyOf('to die', 'die')}|jump off${gap(3)}${anyOf('to die', 'to end')}`),
  // Method requests and chat shorthand that never say "suicide": "how many painkillers to od painlessly", "kms".
  rule('self-harm.method-request', 'self-harm', 'severe',
    `${anyOf('how many', 'how much', 'what dose', 'what amount', 'enough')}${gap(2)}${PILLS}${gap(8)}${OD_INTENT}|${OD_INTENT}${gap(6)}${anyOf('how many', 'how much')}${gap(2)}${PILLS}|${anyOf('od', 'overdose', 'overdosing', 'o d')}${gap(4)}${anyOf('painlessly', 'painless', 'peacefully', 'in my sleep', 'without pain', 'without feeling it', 'quickly and quietly')}|${anyOf('painlessly', 'painless', 'peacefully', 'quietly')} ${anyOf('od', 'overdose', 'o d')}|${anyOf('od', 'o d', 'overdosing')} on ${PILLS}|${PILLS}${gap(2)}enough${gap(2)}${OD_INTENT}|${anyOf('best', 'easiest', 'quickest', 'fastest', 'most painless', 'surest', 'which', 'what')}${gap(1)}${PILLS}${gap(2)}${anyOf('to od', 'to overdose', 'to overdose on', 'to od on', 'for an overdose', 'to die', 'to die from')}|${anyOf('best', 'easiest', 'quickest', 'fastest', 'most painless', 'surest', 'least painful')} ${anyOf('way', 'ways', 'method', 'methods')} to ${anyOf('od', 'overdose', 'unalive')}|${anyOf('swallow', 'swallowing', 'take', 'taking', 'down', 'downing')} ${anyOf('all', 'a whole bottle of', 'the whole bottle of', 'a bottle of', 'every one of')} ${anyOf('my', 'the', 'these', 'those')}? ?${PILLS}${gap(4)}${OD_INTENT}`),
  rule('self-harm.shorthand', 'self-harm', 'severe',
    `(?<!\\p{N} )kms(?! ${anyOf('of', 'away', 'from', 'long', 'per', 'north', 'south', 'east', 'west', 'an hour', 'a day', 'to the', 'h', 'hr')})|sh ${anyOf('aesthetic', 'inspo', 'goals', 'vent art', 'vent', 'pics', 'scars aesthetic', 'cuts', 'tips', 'blades', 'kit')}|${anyOf('unalive', 'unaliving', 'unalived')} ${REFLEXIVE}|${anyOf('want to', 'wanna', 'going to', 'gonna', 'plan to', 'planning to', 'how to', 'ways to', 'thinking about', 'trying to', 'try to', 'should i', 'time to', 'ready to')}${gap(1)}${anyOf('unalive', 'unaliving', 'kms', 'kys', 'od')}`),
  rule('self-harm.depiction', 'self-harm', 'mature',
    `${anyOf('suicide', 'suicides', 'suicidal', 'self harm', 'selfharm', 'self harming', 'self injury', 'self injuring', 'self inflicted', 'noose', 'nooses', 'overdose', 'overdosing', 'anorexic', 'cutting scars', 'waiting for the train')}|${anyOf('roof', 'rooftop', 'building', 'bridge', 'ledge', 'cliff', 'edge', 'train tracks', 'railway tracks')}${gap(6)}${anyOf('about to jump', 'waiting for the train', 'to end it')}|about to jump off`),

  // ---- hate ----
  rule('hate.slur', 'hate', 'severe', anyOf(
    'nigger', 'niggers', 'nigga', 'niggas', 'nigg', 'kike', 'kikes', 'faggot', 'faggots', 'fag', 'fags', 'chink',
    'chinks', 'spic', 'spics', 'wetback', 'wetbacks', 'raghead', 'ragheads', 'towelhead', 'towelheads', 'tranny',
    'trannies', 'gook', 'gooks', 'coon', 'coons', 'dyke', 'dykes', 'sandnigger', 'beaner', 'beaners', 'paki',
    'pakis', 'zipperhead', 'kaffir', 'jigaboo', 'porch monkey', 'shemale', 'heeb', 'yid', 'gyppo', 'golliwog',
  )),
  rule('hate.dehumanizing', 'hate', 'severe',
    `${GROUP} (?:are|is|r|as|like|were|being|=)${gap(2)}${DEHUMANIZING}|${anyOf('all', 'every', 'those', 'these', 'filthy', 'dirty')} ${GROUP}${gap(1)}(?:are|is)${gap(2)}${DEHUMANIZING}|${anyOf('calling', 'depicting', 'drawing', 'showing', 'portraying', 'saying')} ${GROUP}${gap(1)}${DEHUMANIZING}|${GROUP}${gap(1)}(?:are|is) ${anyOf('less intelligent', 'genetically inferior', 'a lower race', 'an inferior race', 'not real people', 'born criminals', 'destroying our country', 'ruining our country', 'controlling the world', 'control the world', 'control the media', 'controlling the media')}|${anyOf('jewish', 'jew', 'jews')}${gap(2)}${anyOf('bankers', 'banker')}${gap(2)}${anyOf('controlling', 'control', 'rule', 'ruling', 'puppet', 'puppets', 'tentacles', 'greedy')}|${GROUP}${gap(1)}(?:are|is) ${anyOf('pedophiles', 'groomers', 'predators', 'rapists')}|${anyOf(GROUP, 'gay man', 'gay men', 'black man', 'jewish man', 'muslim man', 'trans woman', 'immigrant', 'mexican man', 'arab man')}${gap(2)}${anyOf('shown as', 'portrayed as', 'depicted as', 'drawn as')}${gap(2)}${anyOf(DEHUMANIZING, 'predator', 'predators', 'pedophile', 'monster', 'monsters', 'vermin', 'rat', 'snake', 'snakes', 'parasite', 'animal', 'ape', 'monkey')}|preying on children|${anyOf('no blacks', 'no jews', 'no irish', 'no mexicans', 'no gays', 'no muslims', 'whites only', 'white only', 'no coloreds', 'no coloureds')}|${anyOf('celebrating', 'celebrate', 'promoting', 'glorifying')} segregation|${anyOf('hook nosed', 'hooknosed', 'big nosed', 'greedy', 'money grubbing', 'scheming', 'dirty', 'filthy')} ${anyOf('jew', 'jews', 'jewish banker', 'jewish bankers')}|${anyOf('jew', 'jews')} ${anyOf('stealing', 'counting money', 'hoarding money', 'controlling')}`),
  rule('hate.demeaning', 'hate', 'severe',
    `${anyOf('girls', 'females', 'ladies', 'women drivers')} (?:are|r|=)(?: ${anyOf('all', 'just', 'naturally', 'simply', 'genetically')})? ${anyOf('too stupid', 'too dumb', 'too emotional', 'not smart enough', 'incapable of', 'inferior', 'less intelligent', 'only good for', 'born to serve', 'meant to serve')}|${GROUP}(?: ${anyOf('really', 'truly', 'honestly', 'clearly', 'obviously', 'all')})? (?:are|r|is|were|being|=)(?: ${anyOf('all', 'just', 'so', 'naturally', 'simply', 'always', 'genetically')})? ${DEMEANING_TRAIT}|${GROUP}${gap(2)}${DEMEANING_PLACE}|${GROUP}${gap(1)}${DENIED_RIGHT}|${anyOf(GROUP, GROUP_MEMBER)}${gap(12)}${anyOf('they are all like this', 'they re all like this', 'they are all like that', 'they re all like that', 'they are all the same', 'they re all the same', 'all of them are like this', 'every one of them is like this')}|${anyOf('ban', 'bar', 'banning', 'barring')} ${GROUP} from ${anyOf('voting', 'driving', 'working', 'school', 'schools', 'office', 'marrying', 'adopting', 'our country', 'the country')}`),
  rule('hate.violence-against-group', 'hate', 'severe',
    `${anyOf('kill', 'shoot', 'hang', 'burn', 'beat', 'deport', 'eliminate', 'remove', 'ban')} ${anyOf('all', 'every', 'those', 'these', 'all the', 'every single')} ${GROUP}|${anyOf('gas', 'exterminate', 'exterminating', 'eradicate', 'genocide', 'death to', 'wipe out', 'lynch', 'purge', 'cleanse', 'gas the', 'exterminate the', 'eradicate the')} ${anyOf('all', 'the', 'all the', 'every')}? ?${GROUP}|${GROUP}${gap(3)}(?:must|should|need to|deserve to) (?:be|die)${gap(1)}${anyOf('exterminated', 'killed', 'gassed', 'beaten', 'eradicated', 'deported', 'wiped out', 'burned', 'hanged', 'shot', 'die', 'lynched', 'enslaved', 'sterilized')}`),
  rule('hate.extremism', 'hate', 'severe',
    `${anyOf('heil hitler', 'sieg heil', 'hitler was right', 'white power', '1488', 'fourteen words', 'gas chamber', 'gas chambers', 'holocaust hoax', 'holocaust was a hoax', 'holocaust never happened', 'holocaust denial', 'nazi propaganda', 'burning a cross', 'cross burning', 'burning cross', 'race war', 'racial holy war', 'great replacement', 'white genocide', 'racist cartoon', 'racist caricature', 'racist meme', 'antisemitic', 'anti semitic', 'happy merchant', 'jewish world domination', 'zionist occupied government', 'zog')}|${anyOf('glorify', 'glorifying', 'glorifies', 'celebrating', 'celebrate', 'praising', 'praise')}${gap(1)}${anyOf('the holocaust', 'holocaust', 'nazis', 'nazism', 'hitler', 'genocide', 'slavery', 'isis', 'terrorism', 'the kkk', 'kkk', 'lynching', 'ethnic cleansing', '9 11 attacks')}|${anyOf('isis', 'isil', 'daesh', 'al qaeda', 'jihadi', 'jihadist', 'terrorist', 'extremist', 'nazi', 'neo nazi', 'white supremacist')} ${anyOf('recruitment', 'recruiting', 'propaganda', 'manifesto')}`),
  rule('hate.lynching', 'hate', 'severe',
    `${anyOf('lynch', 'lynching', 'lynched', 'lynchings')}${gap(2)}${anyOf('black', 'jewish', 'gay', 'mexican', 'muslim', 'asian', 'immigrant', 'trans', 'chinese', 'arab')}`),
  rule('hate.symbols', 'hate', 'mature', anyOf(
    'swastika', 'swastikas', 'neo nazi', 'neo nazis', 'neonazi', 'kkk', 'ku klux klan', 'white supremacist',
    'white supremacists', 'white supremacy', 'white pride', 'skinhead', 'skinheads', 'ss flag', 'ss flags',
    'ss insignia', 'ss bolts', 'totenkopf', 'nazi flag', 'nazi salute', 'hitler salute', 'roman salute',
    'confederate flag rally', 'isis flag', 'aryan', 'blood and soil', 'heil', 'sieg', 'third reich flag', 'flag of the third reich', 'reich flag', 'reichskriegsflagge', 'nazi banner', 'ss banner', 'iron cross flag', 'confederate battle flag rally',
  )),

  // ---- harassment ----
  rule('harassment.targeted', 'harassment', 'severe',
    `${PERSONAL_TARGET}${gap(8)}${anyOf(INSULT, INSULT_PHRASE, HUMILIATE)}|${anyOf(INSULT, INSULT_PHRASE, HUMILIATE)}${gap(8)}${PERSONAL_TARGET}`),
  rule('harassment.direct-insult', 'harassment', 'severe',
    `(?:you are|you re|youre|u r|ur|you)(?: a| an| such a| such an)?${gap(1)}${INSULT}|${anyOf('die', 'go die', 'drop dead', 'rot in hell')} you|kill yourself|kys|everyone hates you|nobody will ever love you|nobody loves you|${anyOf('should', 'should just', 'deserves to', 'ought to', 'needs to', 'should go')} ${anyOf('die', 'kill herself', 'kill himself', 'kill themselves', 'rot')}`),
  rule('harassment.threat', 'harassment', 'severe',
    `i${anyOf(' will', ' ll', 'll', ' am going to', ' m going to', ' m gonna', ' am gonna', ' gonna', ' want to')} ${anyOf('find', 'hurt', 'kill', 'shoot', 'stab', 'rape', 'beat', 'get', 'end', 'destroy', 'murder')} you|i know where you live|you re next|you are next|youre next|target on ${anyOf('his', 'her', 'their', 'your')} ${anyOf('head', 'back', 'face')}|${anyOf('death threat', 'death threats', 'threatening note', 'threatening letter', 'threatening message')}`),
  rule('harassment.humiliate-person', 'harassment', 'severe',
    `${HUMILIATE_ANYONE}${gap(4)}${anyOf(PERSON, 'kid', 'classmate', 'coworker', 'fat kid', 'nerd', 'girl', 'boy')}|${HUMILIATE_ANYONE}${gap(8)}${INSULT}|${anyOf('doxx', 'doxxing', 'dox', 'doxing')}|home address and photo|${anyOf('fake screenshot', 'fake texts', 'fake messages', 'fake tweet', 'fake post')}${gap(3)}${anyOf('saying', 'admitting', 'confessing')}`),

  // ---- illicit ----
  rule('illicit.how-to-weapons-drugs', 'illicit', 'severe', `${HOW_TO}${gap(5)}${WEAPON_OR_AGENT}`),
  rule('illicit.forgery', 'illicit', 'severe',
    `${anyOf('counterfeit', 'counterfeiting', 'forged', 'forging', 'forgery', 'fake', 'fraudulent', 'falsified', 'falsify', 'bogus')}${gap(2)}${FORGEABLE}|${FORGEABLE} forgery`),
  rule('illicit.crime', 'illicit', 'severe',
    `${anyOf('steal', 'stealing', 'hotwire', 'hotwiring', 'hot wiring', 'carjack', 'carjacking')}${gap(2)}${anyOf('car', 'cars', 'vehicle', 'truck', 'motorcycle', 'identity', 'identities', 'credit card', 'credit cards', 'catalytic converter')}|credit card ${anyOf('skimmer', 'skimmers', 'skimming', 'fraud', 'cloning', 'numbers dump')}|card skimmer|carding tutorial|${anyOf('buy', 'buying', 'buys', 'sell', 'selling', 'sells', 'order', 'ordering', 'deal', 'dealing', 'smuggle', 'smuggling', 'traffic', 'trafficking')}${gap(2)}${DRUG}|${anyOf('smuggle', 'smuggling', 'sneak', 'sneaking', 'hide', 'hiding')}${gap(2)}${anyOf(DRUG, 'drugs', 'guns', 'a gun', 'weapons', 'a knife')}${gap(3)}${anyOf('security', 'airport', 'customs', 'border', 'tsa', 'metal detector')}|${anyOf('pick', 'picking')} a lock to ${anyOf('break', 'get', 'sneak')}|break into${gap(2)}${anyOf('house', 'home', 'car', 'cars', 'apartment', 'store', 'office', 'account', 'phone', 'tesla', 'bmw', 'vehicle', 'safe', 'atm', 'building', 'school', 'locker', 'email', 'instagram', 'bank')}|${anyOf('human smuggling', 'smuggling migrants', 'smuggle migrants', 'smuggling people', 'smuggle people', 'people smuggling', 'human trafficking', 'sex trafficking', 'traffic women', 'trafficking women', 'trafficking girls')}|${anyOf('ransomware', 'malware', 'keylogger', 'spyware', 'botnet', 'phishing kit', 'phishing page', 'phishing site', 'phishing email')} ${anyOf('tutorial', 'guide', 'code', 'builder', 'kit', 'instructions', 'poster', 'template')}|${anyOf('launder', 'laundering')} money|money laundering${gap(1)}${anyOf('guide', 'tutorial', 'scheme')}|dark web ${anyOf('market', 'drugs', 'guns', 'order')}|on the dark web|${anyOf('remote', 'homemade', 'improvised', 'timed')} ${anyOf('detonator', 'detonators', 'explosive', 'explosive device', 'bomb')}`),
  rule('illicit.drug-use', 'illicit', 'mature',
    `${DRUG}|${anyOf('smoking crack', 'crack pipe', 'crack den', 'crack house', 'lines of coke', 'line of coke', 'drug dealer', 'drug dealers', 'drug deal', 'injecting a needle', 'injecting heroin', 'injecting drugs', 'shooting up', 'meth lab', 'drug lab', 'meth cook', 'bags of meth', 'bags of cocaine', 'bag of cocaine', 'tweaking on', 'high on meth', 'high on cocaine')}|snort\\p{L}* ${anyOf('cocaine', 'coke', 'lines', 'a line', 'drugs', 'powder', 'pills', 'heroin', 'meth')}`),
];

/**
 * The category lexicon: one rule per line of meaning, each a whole-word pattern over normalized text with a category
 * and a tier. "severe" is blocked at every level; "mature" (nudity, depicted violence, drug use, hate symbols) only at
 * `auto` by default - see policy.ts. Rules that need two signals at once (a minor AND sexual content, a personal
 * target AND an insult) live in text-classifier.ts.
 *
 * The hate rules necessarily spell out slurs; they are data for recognising abuse, never output.
 */
import type { ModerationCategory } from '../categories.ts';
import { anyOf, wordRe, gap, PERSON, GROUP, DEHUMANIZING, PERSONAL_TARGET, INSULT, HUMILIATE } from './patterns.ts';

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
const DRUG = anyOf(
  'cocaine', 'heroin', 'meth', 'methamphetamine', 'crystal meth', 'fentanyl', 'crack cocaine', 'lsd', 'mdma',
  'ecstasy pills', 'oxycodone', 'opioids', 'drugs', 'ketamine', 'pcp',
);
const WEAPON_OR_AGENT = anyOf(
  'pipe bomb', 'pipe bombs', 'bomb', 'bombs', 'explosive', 'explosives', 'ied', 'ieds', 'napalm', 'tatp', 'c4',
  'semtex', 'nerve agent', 'sarin', 'ricin', 'anthrax', 'mustard gas', 'molotov cocktail', 'molotov cocktails',
  'molotov', 'ghost gun', 'ghost guns', 'silencer', 'suppressor', 'auto sear', 'untraceable gun', 'thermite',
  'chlorine gas', 'poison gas', 'dirty bomb', 'car bomb', 'suicide vest', 'grenade', 'grenades', 'nail bomb',
  'bioweapon', 'chemical weapon', 'meth', 'methamphetamine', 'fentanyl', 'crack cocaine', 'cocaine', 'heroin',
  'lsd', 'mdma', 'crystal meth', 'ricin toxin', 'poison',
);
const HOW_TO = anyOf(
  'how to', 'how do i', 'how can i', 'instructions', 'instruction', 'step by step', 'guide', 'tutorial', 'recipe',
  'diagram', 'blueprint', 'blueprints', 'schematic', 'schematics', 'infographic', 'template', 'manual',
  'walkthrough', 'make', 'making', 'build', 'building', 'cook', 'cooking', 'synthesize', 'synthesizing',
  'synthesise', 'manufacture', 'manufacturing', 'assemble', 'assembling', 'homemade', 'home made', 'diy',
);
const FORGEABLE = anyOf(
  'money', 'bill', 'bills', 'banknote', 'banknotes', 'currency', 'dollar', 'dollars', 'dollar bill', 'euro',
  'euros', 'passport', 'passports', 'id', 'ids', 'id card', 'id cards', 'driver s license', 'drivers license',
  'driver s licence', 'license', 'licence', 'vaccination card', 'vaccine card', 'vaccination cards',
  'prescription', 'prescriptions', 'diploma', 'diplomas', 'visa', 'social security card', 'check', 'cheque',
  'documents', 'signature', 'notes', 'coins', 'stamp', 'stamps', 'certificate', 'degree',
);

export const LEXICON: readonly LexiconRule[] = [
  // ---- sexual: explicit (severe) ----
  rule('sexual.porn', 'sexual', 'severe', `porn\\p{L}*|xxx|nsfw|hentai|smut|rule 34|r34`),
  rule('sexual.act', 'sexual', 'severe', anyOf(
    'blowjob', 'blowjobs', 'handjob', 'handjobs', 'fellatio', 'cunnilingus', 'cumshot', 'cumshots', 'cum', 'creampie',
    'gangbang', 'orgy', 'orgies', 'bukkake', 'deepthroat', 'deepthroating', 'intercourse', 'masturbate',
    'masturbating', 'masturbation', 'masturbates', 'orgasm', 'orgasms', 'orgasming', 'ejaculating', 'ejaculation',
    'ejaculate', 'penetration', 'penetrating', 'dildo', 'dildos', 'sex toy', 'sex toys', 'fingering herself',
    'threesome', 'rimming', 'sodomy', 'bestiality', 'zoophilia', 'incest', 'rape porn', 'raping', 'rape', 'raped',
  )),
  rule('sexual.having-sex', 'sexual', 'severe',
    `(?:having|have|has|had|doing|performing|perform|performs|giving|gives|receiving)${gap(1)}(?:anal |oral |rough |group |hardcore |explicit )?(?:sex|sex acts?)|${anyOf('anal', 'oral', 'group', 'hardcore', 'explicit', 'rough', 'public')} sex|sex ${anyOf('scene', 'scenes', 'tape', 'tapes', 'act', 'acts', 'video', 'videos', 'position', 'positions', 'doll', 'dolls', 'slave', 'show')}|sex with|sexual intercourse|sexual acts?`),
  rule('sexual.fucking', 'sexual', 'severe',
    `fuck(?:ing|s|ed)? ${anyOf('her', 'him', 'them', 'each other', 'on', 'in', 'a', 'the', 'hard', 'scene', 'video')}|(?:are|is|were|couple|people|men|women) fucking`),
  rule('sexual.genitals', 'sexual', 'severe', anyOf(
    'penis', 'penises', 'erect penis', 'erection', 'vagina', 'vaginas', 'vulva', 'labia', 'genital', 'genitals',
    'genitalia', 'clitoris', 'clit', 'testicles', 'scrotum', 'cock', 'cocks', 'dick', 'dicks', 'pussy', 'pussies',
    'anus', 'asshole',
  )),
  rule('sexual.explicit', 'sexual', 'severe',
    `sexually explicit|explicit ${anyOf('sex', 'sexual', 'nude', 'nudes', 'nudity', 'porn', 'content', 'image', 'images', 'photo', 'photos', 'picture', 'material', 'scene', 'act', 'acts')}|legs spread|spread(?:ing)? ${anyOf('her', 'his', 'their')} ${anyOf('legs', 'pussy', 'cheeks', 'ass')}`),
  rule('sexual.deepfake-nude', 'sexual', 'severe',
    `(?:deepfake|deep fake|nudify|undress app)${gap(4)}${anyOf('nude', 'naked', 'porn', 'topless', 'undressed', 'sex')}|${anyOf('nude', 'naked', 'porn', 'topless', 'sex')} ${anyOf('deepfake', 'deep fake', 'deepfakes')}|nudify|nudified`),
  // ---- sexual: nudity and suggestive content (mature) ----
  rule('sexual.nudity', 'sexual', 'mature', anyOf(
    'nude', 'nudes', 'nudity', 'naked', 'topless', 'bottomless', 'nip slip', 'full frontal', 'unclothed', 'undressed',
    'undressing', 'undress', 'disrobing', 'skinny dipping', 'bare breasts', 'bare breasted', 'bare chested woman',
    'breasts', 'boobs', 'tits', 'nipples', 'nipple', 'buttocks', 'bare butt', 'bare ass', 'in the nude',
  )),
  rule('sexual.suggestive', 'sexual', 'mature',
    `${anyOf('erotic', 'erotica', 'erotically', 'boudoir', 'striptease', 'stripper', 'strippers', 'strip club', 'lap dance', 'busty', 'cleavage', 'sexualized', 'sexualised', 'sexualizing', 'fetish', 'bdsm', 'bondage', 'kinky', 'lewd', 'horny', 'aroused', 'sexual', 'sexually', 'sex', 'onlyfans', 'playboy', 'camgirl', 'escort', 'prostitute', 'hooker')}|(?:in|wearing|wears|only) lingerie|lingerie ${anyOf('model', 'photo', 'shoot', 'pose', 'selfie')}`),
  rule('sexual.sexy-person', 'sexual', 'mature',
    `${anyOf('sexy', 'seductive', 'seductively', 'provocative', 'provocatively', 'suggestive', 'suggestively', 'sultry', 'steamy')}${gap(2)}${anyOf('woman', 'women', 'girl', 'girls', 'man', 'men', 'lady', 'ladies', 'guy', 'boy', 'boys', 'body', 'pose', 'poses', 'posing', 'photo', 'picture', 'image', 'selfie', 'outfit', 'model', 'nurse', 'maid', 'teacher', 'cheerleader', 'teen', 'teenage', 'teenager', 'schoolgirl', 'babe', 'bride', 'look', 'dance', 'dancing', 'way', 'manner', 'kid', 'child')}|${anyOf('posing', 'pose', 'poses', 'posed', 'dressed', 'dancing', 'looking', 'smiling', 'lying', 'undressing')} ${anyOf('sexy', 'seductively', 'provocatively', 'suggestively', 'sexually')}`),

  // ---- sexual/minors: terms that mean sexualised children on their own (always severe) ----
  rule('minors.terms', 'sexual/minors', 'severe',
    `${anyOf('loli', 'lolis', 'lolicon', 'shota', 'shotacon', 'jailbait', 'csam', 'child porn', 'kiddie porn', 'kiddy porn', 'pedo', 'pedos', 'pedophile', 'pedophiles', 'pedophilia', 'paedophile', 'paedophilia', 'preteen porn', 'cp porn', 'child sexual abuse', 'child abuse material', 'underage sex', 'underage porn', 'underage nude', 'underage naked')}`),

  // ---- violence/graphic ----
  rule('violence.gore', 'violence/graphic', 'severe', anyOf(
    'decapitated', 'decapitation', 'decapitating', 'decapitate', 'beheaded', 'beheading', 'behead', 'beheads',
    'disemboweled', 'disembowelled', 'disemboweling', 'disembowelment', 'dismembered', 'dismembering',
    'dismemberment', 'dismember', 'eviscerated', 'evisceration', 'mutilated', 'mutilation', 'mutilating', 'gore',
    'gory', 'gorey', 'goriest', 'entrails', 'guts spilling', 'spilled guts', 'spilling guts', 'intestines spilling',
    'guts on the floor', 'guts everywhere', 'skinned alive', 'flayed', 'flaying', 'burned alive', 'burnt alive',
    'burning alive', 'exposed bone', 'exposed bones', 'mass grave', 'brains splattered', 'brain matter',
    'splattered brains', 'lynching', 'lynched', 'lynch', 'impaled', 'impalement', 'crucified alive', 'snuff',
    'face ripped off', 'ripped apart', 'torn apart', 'torn to pieces', 'blown to pieces', 'head blown off',
    'body parts', 'severed', 'fingernails pulled out', 'eyes gouged out', 'gouged out',
  )),
  rule('violence.graphic-word', 'violence/graphic', 'severe',
    `graphic ${anyOf('violence', 'torture', 'injury', 'injuries', 'wound', 'wounds', 'death', 'murder', 'killing', 'gore', 'execution', 'mutilation', 'crash', 'accident')}|${anyOf('violence', 'wounds', 'injuries', 'murder', 'death', 'crash')}${gap(3)}graphic`),
  rule('violence.blood', 'violence/graphic', 'mature',
    `${anyOf('pool of blood', 'pools of blood', 'covered in blood', 'blood everywhere', 'blood splatter', 'blood splattered', 'blood spatter', 'blood dripping', 'dripping blood', 'dripping with blood', 'blood gushing', 'gushing blood', 'blood pouring', 'soaked in blood', 'blood soaked', 'bloodbath', 'blood bath', 'full of blood', 'bleeding', 'bleeds', 'bled out', 'bleeding out', 'gunshot wound', 'gunshot wounds', 'stab wound', 'stab wounds', 'massacre', 'massacred', 'corpse', 'corpses', 'dead body', 'dead bodies', 'murder scene', 'murdered', 'murdering', 'murders', 'murder', 'torture', 'tortured', 'torturing', 'public hanging', 'hanged', 'execution', 'school shooting', 'mass shooting', 'shooting spree', 'beaten to death', 'beat to death', 'beaten up', 'to death', 'carnage', 'slaughtered', 'bloodshed')}|bloody ${anyOf('corpse', 'body', 'bodies', 'knife', 'murder', 'massacre', 'fight', 'wound', 'wounds', 'face', 'mess', 'scene', 'battle', 'hands', 'victim', 'axe', 'machete', 'corpse')}|(?:shot|stabbed|bleeding) in the ${anyOf('head', 'face', 'chest', 'back', 'neck', 'heart', 'stomach', 'eye')}`),
  rule('violence.act-on-person', 'violence/graphic', 'mature',
    `${anyOf('stab', 'stabs', 'stabbing', 'stabbed', 'shoot', 'shoots', 'shooting', 'shot', 'kill', 'kills', 'killing', 'killed', 'murder', 'murders', 'murdering', 'strangle', 'strangles', 'strangling', 'strangled', 'choking', 'execute', 'executes', 'executing', 'executed', 'beat', 'beats', 'beating', 'slaughter', 'slaughtering', 'torture', 'torturing', 'burn', 'burning', 'drown', 'drowning', 'assassinate', 'assassinating', 'maim', 'maiming', 'butcher', 'butchering', 'punching', 'kicking', 'slit the throat of', 'slitting the throat of', 'run over', 'running over')}${gap(3)}${PERSON}`),

  // ---- self-harm ----
  rule('self-harm.reflexive', 'self-harm', 'severe',
    `${anyOf('kill', 'kills', 'killing', 'killed', 'shoot', 'shooting', 'shot', 'hang', 'hanging', 'hanged', 'cut', 'cutting', 'cuts', 'stab', 'stabbing', 'burn', 'burning', 'burned', 'starve', 'starving', 'starved', 'hurt', 'hurting', 'harm', 'harming', 'poison', 'poisoning', 'drown', 'drowning', 'suffocate', 'suffocating', 'overdose', 'overdosing', 'mutilate', 'mutilating', 'slit', 'slitting')} ${REFLEXIVE}|kys|unalive ${REFLEXIVE}|unaliving`),
  rule('self-harm.intent', 'self-harm', 'severe',
    `${anyOf('commit suicide', 'committing suicide', 'commits suicide', 'committed suicide', 'suicide note', 'suicide method', 'suicide methods', 'suicide guide', 'suicide instructions', 'suicide pact', 'how to commit suicide', 'want to die', 'wants to die', 'wanted to die', 'wanna die', 'end my life', 'end your life', 'end his life', 'end her life', 'end their life', 'end their lives', 'take my own life', 'take your own life', 'cutting aesthetic', 'self harm aesthetic', 'thinspo', 'thinspiration', 'pro ana', 'pro mia', 'proana', 'hanging from a noose', 'hanging from the noose', 'hanging by a noose')}|${anyOf('cut', 'cuts', 'cutting', 'slit', 'slits', 'slitting', 'slash', 'slashing', 'slashed', 'open', 'opened')} ${anyOf('my', 'your', 'his', 'her', 'their')}?(?: own)? ?${anyOf('wrist', 'wrists', 'veins', 'vein', 'arms', 'thighs')}|${anyOf('fresh', 'bleeding', 'open', 'deep')} ${anyOf('cuts', 'self harm cuts', 'scars', 'slashes')}|${anyOf('cuts', 'scars', 'wounds')} ${anyOf('fresh', 'bleeding')}|${anyOf('glorify', 'glorifying', 'glorifies', 'romanticize', 'romanticizing', 'encourage', 'encouraging', 'encourages', 'promote', 'promoting')}${gap(2)}${anyOf('self harm', 'selfharm', 'suicide', 'cutting', 'anorexia', 'starvation', 'self injury')}|${anyOf('how to', 'instructions to', 'instructions for', 'guide to', 'ways to', 'best way to')} ${anyOf('overdose', 'kill', 'hang', 'cut', 'slit', 'starve')}|overdose on ${anyOf('pills', 'drugs', 'sleeping pills', 'painkillers', 'tylenol')}`),
  rule('self-harm.depiction', 'self-harm', 'mature',
    `${anyOf('suicide', 'suicides', 'suicidal', 'self harm', 'selfharm', 'self harming', 'self injury', 'self injuring', 'self inflicted', 'noose', 'nooses', 'overdose', 'overdosing', 'emaciated', 'anorexic', 'razor blades', 'cutting scars')}|${anyOf('roof', 'rooftop', 'building', 'bridge', 'ledge', 'cliff', 'edge')}${gap(6)}about to jump|about to jump off`),

  // ---- hate ----
  rule('hate.slur', 'hate', 'severe', anyOf(
    'nigger', 'niggers', 'nigga', 'niggas', 'nigg', 'kike', 'kikes', 'faggot', 'faggots', 'fag', 'fags', 'chink',
    'chinks', 'spic', 'spics', 'wetback', 'wetbacks', 'raghead', 'ragheads', 'towelhead', 'towelheads', 'tranny',
    'trannies', 'gook', 'gooks', 'coon', 'coons', 'dyke', 'dykes', 'sandnigger', 'beaner', 'beaners', 'paki',
    'pakis', 'zipperhead', 'kaffir', 'jigaboo', 'porch monkey', 'shemale', 'heeb', 'yid', 'gyppo', 'golliwog',
  )),
  rule('hate.dehumanizing', 'hate', 'severe',
    `${GROUP}(?: (?:are|is|r|as|like|were|being))?${gap(2)}${DEHUMANIZING}|${anyOf('all', 'every', 'those', 'these', 'filthy', 'dirty')} ${GROUP}${gap(1)}(?:are|is)${gap(2)}${DEHUMANIZING}|${anyOf('calling', 'depicting', 'drawing', 'showing', 'portraying')} ${GROUP}${gap(1)}${DEHUMANIZING}`),
  rule('hate.violence-against-group', 'hate', 'severe',
    `${anyOf('kill', 'gas', 'exterminate', 'exterminating', 'burn', 'hang', 'lynch', 'shoot', 'eradicate', 'wipe out', 'deport', 'genocide', 'purge', 'cleanse', 'death to', 'beat', 'eliminate')} ${anyOf('all', 'the', 'all the', 'every', 'those', 'these')}? ?${GROUP}|${GROUP}${gap(3)}(?:must|should|need to|deserve to) (?:be|die)${gap(1)}${anyOf('exterminated', 'killed', 'gassed', 'beaten', 'eradicated', 'deported', 'wiped out', 'burned', 'hanged', 'shot', 'die', 'lynched', 'enslaved')}`),
  rule('hate.extremism', 'hate', 'severe',
    `${anyOf('heil hitler', 'sieg heil', 'hitler was right', 'white power', '1488', 'fourteen words', 'gas chamber', 'gas chambers', 'holocaust hoax', 'holocaust was a hoax', 'holocaust never happened', 'holocaust denial', 'nazi propaganda', 'burning a cross', 'cross burning', 'burning cross', 'race war', 'racial holy war', 'great replacement', 'white genocide', 'racist cartoon', 'racist caricature', 'racist meme', 'antisemitic', 'anti semitic', 'happy merchant')}|${anyOf('glorify', 'glorifying', 'glorifies', 'celebrating', 'celebrate', 'praising', 'praise')}${gap(1)}${anyOf('the holocaust', 'holocaust', 'nazis', 'nazism', 'hitler', 'genocide', 'slavery', 'isis', 'terrorism', 'the kkk', 'kkk', 'lynching', 'ethnic cleansing', '9 11 attacks')}|${anyOf('isis', 'isil', 'daesh', 'al qaeda', 'jihadi', 'jihadist', 'terrorist', 'extremist', 'nazi', 'neo nazi', 'white supremacist')} ${anyOf('recruitment', 'recruiting', 'propaganda', 'manifesto')}`),
  rule('hate.lynching', 'hate', 'severe',
    `${anyOf('lynch', 'lynching', 'lynched', 'lynchings')}${gap(2)}${anyOf('black', 'jewish', 'gay', 'mexican', 'muslim', 'asian', 'immigrant', 'trans', 'chinese', 'arab')}`),
  rule('hate.symbols', 'hate', 'mature', anyOf(
    'swastika', 'swastikas', 'neo nazi', 'neo nazis', 'neonazi', 'kkk', 'ku klux klan', 'white supremacist',
    'white supremacists', 'white supremacy', 'white pride', 'skinhead', 'skinheads', 'ss flag', 'ss flags',
    'ss insignia', 'ss bolts', 'totenkopf', 'nazi flag', 'nazi salute', 'confederate flag rally', 'isis flag',
    'aryan', 'blood and soil',
  )),

  // ---- harassment ----
  rule('harassment.targeted', 'harassment', 'severe',
    `${PERSONAL_TARGET}(?: [\\p{L}\\p{N}_]+)*? ${anyOf(INSULT, HUMILIATE)}|${anyOf(INSULT, HUMILIATE)}(?: [\\p{L}\\p{N}_]+)*? ${PERSONAL_TARGET}`),
  rule('harassment.direct-insult', 'harassment', 'severe',
    `(?:you are|you re|youre|u r|ur|you)(?: a| an| such a| such an)?${gap(1)}${INSULT}|${anyOf('die', 'go die', 'drop dead', 'rot in hell')} you|kill yourself|kys|everyone hates you|nobody will ever love you|nobody loves you`),
  rule('harassment.threat', 'harassment', 'severe',
    `i${anyOf(' will', ' ll', 'll', ' am going to', ' m going to', ' m gonna', ' am gonna', ' gonna', ' want to')} ${anyOf('find', 'hurt', 'kill', 'shoot', 'stab', 'rape', 'beat', 'get', 'end', 'destroy', 'murder')} you|i know where you live|you re next|you are next|youre next|watch your back|you will pay|you ll pay|target on ${anyOf('his', 'her', 'their', 'your')} ${anyOf('head', 'back', 'face')}`),
  rule('harassment.humiliate-person', 'harassment', 'severe',
    `${HUMILIATE}${gap(4)}${anyOf(PERSON, 'kid', 'classmate', 'coworker', 'fat kid', 'nerd', 'girl', 'boy')}|${HUMILIATE}${gap(8)}${INSULT}|${anyOf('doxx', 'doxxing', 'dox', 'doxing')}|home address and photo`),

  // ---- illicit ----
  rule('illicit.how-to-weapons-drugs', 'illicit', 'severe', `${HOW_TO}${gap(5)}${WEAPON_OR_AGENT}`),
  rule('illicit.forgery', 'illicit', 'severe',
    `${anyOf('counterfeit', 'counterfeiting', 'forged', 'forge', 'forging', 'forgery', 'fake', 'fraudulent', 'falsified', 'replica')}${gap(2)}${FORGEABLE}|${FORGEABLE} forgery`),
  rule('illicit.crime', 'illicit', 'severe',
    `${anyOf('steal', 'stealing', 'hotwire', 'hotwiring', 'hot wiring', 'carjack', 'carjacking')}${gap(2)}${anyOf('car', 'cars', 'vehicle', 'truck', 'motorcycle', 'bike', 'identity', 'identities', 'credit card', 'credit cards', 'catalytic converter')}|credit card ${anyOf('skimmer', 'skimmers', 'skimming', 'fraud', 'cloning', 'numbers dump')}|card skimmer|carding tutorial|${anyOf('buy', 'buying', 'buys', 'sell', 'selling', 'sells', 'order', 'ordering', 'deal', 'dealing', 'smuggle', 'smuggling', 'traffic', 'trafficking')}${gap(2)}${DRUG}|${anyOf('pick', 'picking')} a lock to ${anyOf('break', 'get', 'sneak')}|break into ${anyOf('my', 'a', 'the', 'someone s', 'his', 'her', 'their')}${gap(1)}${anyOf('house', 'home', 'car', 'apartment', 'store', 'office', 'account', 'phone')}|${anyOf('ransomware', 'malware', 'keylogger', 'spyware', 'botnet', 'phishing kit', 'phishing page', 'phishing site', 'phishing email')} ${anyOf('tutorial', 'guide', 'code', 'builder', 'kit', 'instructions', 'poster', 'template')}|human trafficking|${anyOf('launder', 'laundering')} money|money laundering${gap(1)}${anyOf('guide', 'tutorial', 'scheme')}|dark web ${anyOf('market', 'drugs', 'guns', 'order')}|on the dark web`),
  rule('illicit.drug-use', 'illicit', 'mature',
    `${DRUG}|${anyOf('smoking crack', 'crack pipe', 'crack den', 'crack house', 'snorting', 'snort', 'lines of coke', 'drug dealer', 'drug dealers', 'drug deal', 'injecting a needle', 'injecting heroin', 'injecting drugs', 'shooting up', 'meth lab', 'drug lab', 'bags of meth', 'bags of cocaine')}`),
];

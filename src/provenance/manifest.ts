/**
 * The manifest definition Atelier signs, in the JSON shape c2pa-rs's Builder takes. Kept free of the native binding
 * so what we claim about an image can be read (and tested) on its own.
 */
import type { SignRequest, SignedFormat } from './content-credentials.ts';
import { SIGNED_MIME } from './formats.ts';

export const TRAINED_ALGORITHMIC_MEDIA = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
/** IPTC's term for a picture that mixes an existing image with AI-generated content: what an edit produces. */
export const COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA =
  'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia';

/** OpenAI's edit endpoint takes up to 16 images; a mask makes 17. More than this is a caller bug, not a request. */
export const MAX_INGREDIENTS = 20;

export interface ManifestAction {
  action: string;
  digitalSourceType?: string;
  softwareAgent?: { name: string };
  /** c2pa-rs resolves these ingredient labels to hashed URIs of the ingredient assertions when it signs. */
  parameters?: { ingredientIds: string[] };
}

export interface IngredientDefinition {
  title: string;
  format: string;
  relationship: 'parentOf' | 'componentOf' | 'inputTo';
  label: string;
}

export interface ManifestDefinition {
  claim_generator_info: { name: string; version: string }[];
  title: string;
  format: string;
  assertions: { label: 'c2pa.actions'; data: { actions: ManifestAction[] } }[];
}

export interface ManifestPlan {
  definition: ManifestDefinition;
  /** In the order of request.ingredients; each is added with its asset bytes so its own manifest is kept. */
  ingredients: IngredientDefinition[];
}

const EXTENSION: Record<SignedFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };
const MAX_TITLE_LENGTH = 200;

/** Titles come from upload file names, i.e. from the client: no control characters, bounded length. */
function cleanTitle(title: string, index: number): string {
  const clean = title.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_TITLE_LENGTH);
  return clean || `input-${index + 1}`;
}

/**
 * Generations get `c2pa.created` (trainedAlgorithmicMedia). Edits and variations get `c2pa.opened` on the first
 * input image (the parent) and `c2pa.edited` (compositeWithTrainedAlgorithmicMedia) naming the other inputs, e.g.
 * further reference images or the mask. The model is the softwareAgent of the action that made the pixels.
 */
export function planManifest(request: SignRequest, version: string): ManifestPlan {
  if (request.ingredients.length > MAX_INGREDIENTS) {
    throw new Error(`too many ingredients (${request.ingredients.length}); at most ${MAX_INGREDIENTS}`);
  }
  if (request.action === 'edited' && request.ingredients.length === 0) {
    throw new Error("an 'edited' image needs at least one ingredient (the image that was edited)");
  }
  const agent = { name: request.model };
  const ingredients: IngredientDefinition[] = request.ingredients.map((ing, i) => ({
    title: cleanTitle(ing.title, i),
    format: SIGNED_MIME[ing.format],
    relationship: request.action === 'created' ? 'inputTo' : i === 0 ? 'parentOf' : 'componentOf',
    label: `ingredient-${i}`,
  }));
  const ids = (list: IngredientDefinition[]) => (list.length ? { parameters: { ingredientIds: list.map((x) => x.label) } } : {});

  const actions: ManifestAction[] =
    request.action === 'created'
      ? [{ action: 'c2pa.created', digitalSourceType: TRAINED_ALGORITHMIC_MEDIA, softwareAgent: agent, ...ids(ingredients) }]
      : [
          { action: 'c2pa.opened', ...ids(ingredients.slice(0, 1)) },
          {
            action: 'c2pa.edited',
            digitalSourceType: COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA,
            softwareAgent: agent,
            ...ids(ingredients.slice(1)),
          },
        ];

  return {
    definition: {
      claim_generator_info: [{ name: 'Atelier', version }],
      title: `image.${EXTENSION[request.format]}`,
      format: SIGNED_MIME[request.format],
      assertions: [{ label: 'c2pa.actions', data: { actions } }],
    },
    ingredients,
  };
}

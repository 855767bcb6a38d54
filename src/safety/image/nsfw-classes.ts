/** What the nsfwjs model outputs, shared by both runtimes (tfjs-nsfw-model.ts and onnx-nsfw-model.ts). */

/** The model's five classes, as probabilities summing to 1. */
export interface NsfwScores {
  Drawing: number;
  Hentai: number;
  Neutral: number;
  Porn: number;
  Sexy: number;
}

/** The classes in the order of the model's output vector (nsfwjs's NSFW_CLASSES). */
export const NSFW_CLASS_NAMES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const satisfies ReadonlyArray<keyof NsfwScores>;

/** MobileNetV2's input side; images are resized to it before inference. */
export const MODEL_INPUT_SIZE = 224;

export function scoresFromVector(probabilities: ArrayLike<number>): NsfwScores {
  if (probabilities.length !== NSFW_CLASS_NAMES.length) {
    throw new Error(`expected ${NSFW_CLASS_NAMES.length} class probabilities, got ${probabilities.length}`);
  }
  const scores: NsfwScores = { Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0 };
  NSFW_CLASS_NAMES.forEach((name, i) => (scores[name] = Number(probabilities[i])));
  return scores;
}

export function checkModelInput(rgb: Uint8Array): void {
  if (!(rgb instanceof Uint8Array) || rgb.length !== MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3) {
    throw new RangeError(`expected ${MODEL_INPUT_SIZE}x${MODEL_INPUT_SIZE} RGB pixels, got ${rgb?.length} bytes`);
  }
}

/**
 * The ContentCredentials interface the request path calls on every encoded image before it leaves the server.
 * Implementations (c2pa-rs binding, signers, verification) live beside this file.
 */
export type SignedFormat = 'png' | 'jpeg' | 'webp';

export interface Ingredient {
  /** The input image exactly as uploaded (it may carry its own manifest). */
  data: Buffer;
  format: SignedFormat;
  title: string;
}

export interface SignRequest {
  /** The encoded image, final bytes except for the manifest. */
  image: Buffer;
  format: SignedFormat;
  /** The model that made it, recorded as the softwareAgent. */
  model: string;
  /** "created" for generations, "edited" for edits and variations. */
  action: 'created' | 'edited';
  ingredients: Ingredient[];
}

export interface ContentCredentials {
  /** Returns the same image with a signed C2PA manifest embedded. */
  sign(request: SignRequest): Promise<Buffer>;
}

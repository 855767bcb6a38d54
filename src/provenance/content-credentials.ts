/**
 * The ContentCredentials interface the request path calls on every encoded image before it leaves the server.
 * Implementations (c2pa-rs binding, signers, verification) live beside this file; `./index.ts` is the entry point.
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

/** Signature algorithms C2PA allows (COSE names, as c2pa-rs spells them). */
export type SigningAlgorithm = 'es256' | 'es384' | 'es512' | 'ps256' | 'ps384' | 'ps512' | 'ed25519';

/**
 * A signer whose private key never enters this process (KMS, HSM, a signing service).
 * Atelier hands it the bytes C2PA wants signed (the COSE Sig_structure) and embeds what it returns.
 */
export interface RemoteSigner {
  alg: SigningAlgorithm;
  /** The signing certificate first, then its intermediates (PEM, concatenated). The root is not needed. */
  certificateChainPem: string;
  /**
   * Signs `data` and returns the raw signature: for ECDSA the IEEE P1363 form r||s that COSE specifies (the
   * binding also accepts DER and converts it), for RSA-PSS the PKCS#1 octets, for Ed25519 the 64 bytes.
   */
  sign(data: Buffer): Promise<Buffer>;
  /** Optional RFC 3161 timestamp authority used for this signer (overrides the configured one). */
  tsaUrl?: string;
}

/** c2pa-rs's verdict: `trusted` implies valid and a signer chain ending in one of the given trust anchors. */
export type ValidationState = 'trusted' | 'valid' | 'invalid' | 'absent';

export interface ValidationStatus {
  code: string;
  url?: string;
  explanation?: string;
}

export interface ActionSummary {
  action: string;
  digitalSourceType?: string;
  softwareAgent?: string;
  /** Instance ids (or titles) of the ingredients the action refers to. */
  ingredients?: string[];
}

export interface IngredientSummary {
  title?: string;
  format?: string;
  relationship?: string;
  /** True when the ingredient carried its own C2PA manifest, which is kept inside this one. */
  hasManifest: boolean;
  /** c2pa-rs's verdict on the ingredient's own manifest, when it has one. */
  validationState?: string;
}

export interface SignerSummary {
  /** The organization (O=) of the signing certificate's subject; c2pa-rs calls it the claim's issuer. */
  organization?: string;
  commonName?: string;
  alg?: string;
  /** Signing time (from the timestamp authority when one was used). */
  time?: string;
}

export interface VerificationReport {
  state: ValidationState;
  /** Same as state === 'valid' || state === 'trusted'. */
  valid: boolean;
  /** Media type of the file, e.g. image/png. */
  format?: string;
  title?: string;
  claimGenerator?: string;
  actions: ActionSummary[];
  /** The model (or tool) that made the image, from the c2pa.created / c2pa.edited action. */
  softwareAgent?: string;
  ingredients: IngredientSummary[];
  signer?: SignerSummary;
  /** Status codes of the active manifest, as c2pa-rs reports them (e.g. `assertion.dataHash.mismatch`). */
  success: string[];
  informational: string[];
  failure: ValidationStatus[];
}

export interface VerifyOptions {
  /** PEM certificates whose chains count as trusted. Without them a good manifest is `valid`, never `trusted`. */
  trustAnchorsPem?: string;
}

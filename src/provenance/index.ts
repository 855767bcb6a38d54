/**
 * Content Credentials (C2PA): the one import other parts need.
 *   const credentials = await createContentCredentials({ home, version });
 *   const signed = await credentials.sign({ image, format, model, action: 'created', ingredients: [] });
 *   const report = await verifyImage(signed, { trustAnchorsPem: credentials.localTrustAnchorPem });
 */
export type * from './content-credentials.ts';
export {
  createContentCredentials,
  type AtelierContentCredentials,
  type ContentCredentialsOptions,
  type SignerDescription,
} from './c2pa-credentials.ts';
export { verifyImage, MAX_VERIFY_BYTES } from './verify.ts';
export { keySigner } from './key-signer.ts';
export { ensureLocalCredentials, localCredentialFiles, LOCAL_CA_NOTICE } from './local-ca.ts';
export { sniffFormat } from './formats.ts';

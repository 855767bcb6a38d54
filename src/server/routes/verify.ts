/**
 * POST /v1/provenance/verify: c2pa-rs's verdict on an uploaded image's Content Credentials.
 * Body: multipart/form-data with the image in a `file` field, or the raw image (any image/* type or
 * application/octet-stream). Answers 200 with a VerificationReport for every readable image, including
 * `state: "absent"` (no manifest) and `"invalid"` (tampered); bad uploads get OpenAI's error envelope.
 *
 * Trust anchors: the options' `trustAnchorsPem`, plus this installation's local CA when it exists, so images this
 * server signed with its own CA verify as `trusted` here (and only `valid` elsewhere).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { atelierHome } from '../../config/config.ts';
import { ApiError, invalidParam } from '../../contract/api-error.ts';
import { localCredentialFiles } from '../../provenance/local-ca.ts';
import { MAX_VERIFY_BYTES, verifyImage } from '../../provenance/verify.ts';

export interface VerifyRouteOptions {
  /** Data directory whose credentials/ca.pem is trusted (default $ATELIER_HOME or ~/.atelier). */
  home?: string;
  /** Extra trusted CA certificates (PEM). */
  trustAnchorsPem?: string;
  /** Trust the local CA of `home` (default true). */
  trustLocalCa?: boolean;
}


async function readUpload(req: FastifyRequest): Promise<Buffer> {
  if (req.isMultipart()) {
    const part = await req.file({ limits: { fileSize: MAX_VERIFY_BYTES, files: 1, fields: 8 } });
    if (!part) throw invalidParam('file', "The multipart body has no 'file' field with the image.", 'missing_file');
    if (part.fieldname !== 'file') {
      throw invalidParam('file', `Send the image in a field named 'file' (got '${part.fieldname}').`, 'missing_file');
    }
    return part.toBuffer();
  }
  if (!Buffer.isBuffer(req.body)) {
    throw invalidParam('file', 'Send the image as multipart/form-data (field `file`) or as a raw image body.', 'missing_file');
  }
  return req.body;
}

/** OpenAI's envelope for everything this route can fail with; internals are never echoed for 5xx. */
function sendError(err: FastifyError | ApiError, reply: FastifyReply): void {
  if (err instanceof ApiError) {
    void reply.code(err.status).headers(err.headers).send(err.toBody());
    return;
  }
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
  const api =
    status === 413 || err.code === 'FST_REQ_FILE_TOO_LARGE'
      ? new ApiError({ status: 413, param: 'file', code: 'file_too_large', message: `The image is larger than ${MAX_VERIFY_BYTES} bytes.` })
      : status === 415
        ? new ApiError({ status: 415, param: 'file', code: 'unsupported_media_type', message: 'Send multipart/form-data or an image/* body.' })
        : status < 500
          ? new ApiError({ status, param: 'file', message: err.message })
          : new ApiError({ status: 500, message: 'The image could not be verified.' });
  void reply.code(api.status).send(api.toBody());
}

export default async function verifyRoutes(app: FastifyInstance, opts: VerifyRouteOptions = {}): Promise<void> {
  const caPath = localCredentialFiles(opts.home ?? atelierHome()).caCertPath;
  let localCaPem: string | undefined;
  // Read lazily: the server may create its local CA after this plugin is registered.
  async function trustAnchors(): Promise<string | undefined> {
    if ((opts.trustLocalCa ?? true) && localCaPem === undefined && existsSync(caPath)) localCaPem = await readFile(caPath, 'utf8');
    const pem = [opts.trustAnchorsPem, localCaPem].filter(Boolean).join('\n');
    return pem || undefined;
  }

  if (!app.hasContentTypeParser('multipart/form-data')) {
    await app.register(multipart, { limits: { fileSize: MAX_VERIFY_BYTES, files: 1, fields: 8 } });
  }
  // Raw uploads: the bytes decide the format (sniffed in verifyImage), the declared type only routes the body here.
  app.addContentTypeParser(
    /^(image\/[a-z0-9.+-]+|application\/octet-stream)$/i,
    { parseAs: 'buffer', bodyLimit: MAX_VERIFY_BYTES },
    (_req, body, done) => done(null, body),
  );
  app.setErrorHandler((err: FastifyError, _req, reply) => sendError(err, reply));

  app.post('/v1/provenance/verify', { bodyLimit: MAX_VERIFY_BYTES + 1024 * 1024 }, async (req) => {
    const bytes = await readUpload(req);
    const report = await verifyImage(bytes, { trustAnchorsPem: await trustAnchors() });
    return { object: 'provenance.verification', ...report };
  });
}

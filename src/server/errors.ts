/**
 * Every error leaves the server in OpenAI's envelope. ApiErrors pass through; fastify's own 4xx errors (bad JSON,
 * wrong content type, body too large) get OpenAI's wording; anything else is a logged 500 with no internals leaked.
 */
import { ApiError } from '../contract/api-error.ts';
import { invalidJsonBody } from '../contract/errors.ts';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

export function toApiError(err: unknown): { error: ApiError; unexpected: boolean } {
  if (err instanceof ApiError) return { error: err, unexpected: false };
  const e = (typeof err === 'object' && err !== null ? err : {}) as FastifyLikeError;
  const status = e.statusCode ?? 500;
  const code = e.code ?? '';
  if (err instanceof SyntaxError || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (status === 400 && /JSON|prototype/i.test(e.message ?? ''))) {
    return { error: invalidJsonBody(), unexpected: false };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      error: new ApiError({ status: 415, message: `Unsupported content type. This endpoint expects application/json or multipart/form-data as documented.`, param: null, code: 'unsupported_media_type' }),
      unexpected: false,
    };
  }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { error: new ApiError({ status: 413, message: 'The request body is larger than this endpoint accepts.', param: null, code: 'request_too_large' }), unexpected: false };
  }
  if (status >= 400 && status < 500) {
    return { error: new ApiError({ status, message: e.message || 'Invalid request.', param: null, code: null }), unexpected: false };
  }
  return {
    error: new ApiError({ status: 500, message: 'The server had an error while processing your request. Sorry about that!', code: 'server_error' }),
    unexpected: true,
  };
}

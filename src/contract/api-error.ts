/**
 * The one error type every layer throws when a request cannot be served. The server turns it into OpenAI's envelope
 * `{error:{message,type,param,code}}` (plus any extra fields such as `moderation_details`) with `status`.
 */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'image_generation_user_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error';

export interface ApiErrorOptions {
  status: number;
  message: string;
  type?: ApiErrorType;
  param?: string | null;
  code?: string | null;
  /** Extra top-level fields inside `error`, e.g. `moderation_details`. */
  extra?: Record<string, unknown>;
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(opts: ApiErrorOptions) {
    super(opts.message);
    this.name = 'ApiError';
    this.status = opts.status;
    this.type = opts.type ?? (opts.status >= 500 ? 'server_error' : 'invalid_request_error');
    this.param = opts.param ?? null;
    this.code = opts.code ?? null;
    this.extra = opts.extra ?? {};
    this.headers = opts.headers ?? {};
  }

  /** The JSON body OpenAI sends for this error. */
  toBody(): { error: Record<string, unknown> } {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code, ...this.extra },
    };
  }
}

/** A 400 invalid_request_error naming the offending parameter. */
export function invalidParam(param: string, message: string, code: string | null = 'invalid_value'): ApiError {
  return new ApiError({ status: 400, message, param, code });
}

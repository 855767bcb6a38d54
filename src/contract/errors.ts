/**
 * OpenAI's wording for parameter errors, written once. Every validator builds its errors here so the messages stay
 * identical to what the official API sends (reference §4) and every error names its `param`.
 */
import { ApiError, invalidParam } from './api-error.ts';

/** "'a', 'b', and 'c'" — OpenAI's list style in "Supported values are: ..." messages. */
export function quotedList(values: readonly string[], conjunction = 'and'): string {
  const q = values.map((v) => `'${v}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} ${conjunction} ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, ${conjunction} ${q[q.length - 1]}`;
}

/** The JSON type name OpenAI uses in "but got ... instead". */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

export function unknownParameter(param: string): ApiError {
  return invalidParam(param, `Unknown parameter: '${param}'.`, 'unknown_parameter');
}

export function unsupportedParameter(param: string, model: string): ApiError {
  return invalidParam(
    param,
    `Unsupported parameter: '${param}' is not supported with the model '${model}'.`,
    'unsupported_parameter',
  );
}

export function missingParameter(param: string): ApiError {
  return invalidParam(param, `Missing required parameter: '${param}'.`, 'missing_required_parameter');
}

export function invalidEnumValue(param: string, value: string, allowed: readonly string[]): ApiError {
  return invalidParam(param, `Invalid value: '${value}'. Supported values are: ${quotedList(allowed)}.`, 'invalid_value');
}

export function invalidType(param: string, expected: string, value: unknown): ApiError {
  return invalidParam(
    param,
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(value)} instead.`,
    'invalid_type',
  );
}

export function integerAboveMax(param: string, max: number, value: number): ApiError {
  return invalidParam(
    param,
    `Invalid '${param}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
    'integer_above_max_value',
  );
}

export function integerBelowMin(param: string, min: number, value: number): ApiError {
  return invalidParam(
    param,
    `Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
    'integer_below_min_value',
  );
}

export function stringTooLong(param: string, max: number, length: number): ApiError {
  return invalidParam(
    param,
    `Invalid '${param}': string too long. Expected a string with maximum length ${max}, but got a string with length ${length} instead.`,
    'string_above_max_length',
  );
}

export function stringTooShort(param: string, min: number): ApiError {
  return invalidParam(
    param,
    `Invalid '${param}': string too short. Expected a string with minimum length ${min}, but got an empty string instead.`,
    'string_below_min_length',
  );
}

export function arrayTooLong(param: string, max: number, length: number): ApiError {
  return invalidParam(
    param,
    `Invalid '${param}': array too long. Expected an array with maximum length ${max}, but got an array with length ${length} instead.`,
    'array_above_max_length',
  );
}

/** The exact message OpenAI sends for a body that is not JSON. */
export function invalidJsonBody(): ApiError {
  return new ApiError({
    status: 400,
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    param: null,
    code: null,
  });
}

export function invalidUrl(method: string, url: string): ApiError {
  return new ApiError({ status: 404, message: `Invalid URL (${method} ${url})`, param: null, code: null });
}

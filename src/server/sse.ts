/**
 * Server-sent events in the wire format of reference §3: `event: <type>\ndata: <json>\n\n`. A failure after the
 * stream started is sent as `event: error` whose data is OpenAI's Error object, which the SDK raises as an APIError.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from '../contract/api-error.ts';

export function startEventStream(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
}

/** Writes one event; resolves when the socket accepted it (so a slow client slows the stream, not memory). */
export function writeEvent(res: ServerResponse, type: string, data: object): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  const ok = res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  if (ok) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * The data of `event: error`. The OpenAPI ErrorEvent says the data is an Error object ({message,type,param,code});
 * the node SDK only raises an APIError when the data has an `error` key. Both are satisfied: the Error fields at the
 * top level and the same object under `error`.
 */
export function errorEventData(err: unknown): Record<string, unknown> {
  const apiError =
    err instanceof ApiError
      ? err
      : new ApiError({ status: 500, message: 'The server had an error while processing your request.', code: 'server_error' });
  const body = apiError.toBody().error;
  return { ...body, error: body };
}

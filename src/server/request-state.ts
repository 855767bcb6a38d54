/** Per-request state the image routes fill in for the after-response record (metering seam). */
import type { ImageUsage } from '../metering/usage.ts';
import type { RequestSummary } from './deps.ts';

export interface RequestState {
  startedAt: number;
  summary?: RequestSummary;
  usage?: ImageUsage;
  /** Error code sent to the client, including mid-stream failures and disconnects. */
  error?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    atelier?: RequestState;
  }
}

/** GET /health: liveness plus the engine queue, for load balancers and `atelier serve` users. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../server-context.ts';

export function healthRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', async () => ({
      status: 'ok',
      uptime_s: Math.floor(Date.now() / 1000) - ctx.startedAt,
      queue: ctx.queue.stats(),
    }));
  };
}

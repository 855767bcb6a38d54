/**
 * `GET /v1/organization/usage/images` and `GET /v1/organization/costs` in OpenAI's shapes, from the metering ledger.
 * Admin-key protected (`atelier keys create --admin`); while no keys exist at all, loopback callers may read them,
 * like every other endpoint of a keyless server.
 *
 * The plugin is encapsulated and renders its own errors in OpenAI's envelope so it behaves the same whether or not
 * the host app has an error handler.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../contract/api-error.ts';
import { isLoopbackAddress } from '../../metering/binding.ts';
import type { Metering } from '../../metering/metering.ts';
import { costsPage, imagesUsagePage, type RawQuery } from '../../metering/usage-report.ts';

export interface OrganizationUsageOptions {
  metering: Metering;
}

function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.code(err.status).headers(err.headers).send(err.toBody());
}

export default async function organizationUsageRoutes(app: FastifyInstance, opts: OrganizationUsageOptions): Promise<void> {
  const { metering } = opts;

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) return sendError(reply, err);
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, new ApiError({ status: err.statusCode, message: err.message }));
    }
    request.log.error(err);
    return sendError(reply, new ApiError({ status: 500, message: 'The server had an error while reading usage.' }));
  });

  async function authorize(request: FastifyRequest): Promise<void> {
    await metering.authenticateAdmin(request.headers.authorization, isLoopbackAddress(request.socket.remoteAddress));
  }

  const nowSec = () => Math.floor(Date.now() / 1000);

  app.get('/v1/organization/usage/images', async (request) => {
    await authorize(request);
    return imagesUsagePage(metering.store, request.query as RawQuery, nowSec());
  });

  app.get('/v1/organization/costs', async (request) => {
    await authorize(request);
    return costsPage(metering.store, request.query as RawQuery, nowSec());
  });
}

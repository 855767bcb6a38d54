/**
 * GET /v1/images/files/{name}: the images behind DALL·E-style `url` responses. Like OpenAI's signed blob URLs they
 * need no API key (the 128-bit random name is the capability) and expire after the configured TTL (60 minutes).
 */
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../../contract/api-error.ts';
import type { ServerContext } from '../server-context.ts';

export const IMAGE_FILES_PREFIX = '/v1/images/files/';

export function imageFileRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { name: string } }>(`${IMAGE_FILES_PREFIX}:name`, async (request, reply) => {
      const image = /^[0-9a-f]{32}\.(png|jpeg|webp)$/.test(request.params.name) ? ctx.store.get(request.params.name) : undefined;
      if (!image) {
        throw new ApiError({ status: 404, message: 'This image does not exist or its URL has expired.', param: null, code: 'image_not_found' });
      }
      reply.header('content-type', image.contentType);
      reply.header('cache-control', 'private, max-age=3600');
      return reply.send(image.data);
    });
  };
}

/**
 * GET /v1/models and /v1/models/{id}: the OpenAI names this server answers to (aliases) and the local models it has
 * installed, as OpenAI model objects (reference §7).
 */
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../../contract/api-error.ts';
import type { ModelList, ModelObject } from '../../contract/responses.ts';
import type { ServerContext } from '../server-context.ts';

/** Creation times OpenAI reports (or its release dates) for the names Atelier aliases. */
const OPENAI_CREATED: Record<string, number> = {
  'gpt-image-1': 1745517030,
  'gpt-image-1-mini': 1759708800,
  'gpt-image-1.5': 1765843200,
  'dall-e-2': 1698798177,
  'dall-e-3': 1698785189,
};

async function listModels(ctx: ServerContext): Promise<ModelObject[]> {
  const local = (await ctx.engines.list()).filter((m) => m.installed);
  const seen = new Set<string>();
  const out: ModelObject[] = [];
  const add = (id: string, created: number): void => {
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, object: 'model', created, owned_by: 'atelier' });
  };
  for (const alias of Object.keys(ctx.config.aliases)) add(alias, OPENAI_CREATED[alias] ?? ctx.startedAt);
  for (const model of local) add(model.id, ctx.startedAt);
  return out;
}

export function modelRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/v1/models', async (): Promise<ModelList> => ({ object: 'list', data: await listModels(ctx) }));
    app.get<{ Params: { id: string } }>('/v1/models/:id', async (request) => {
      const found = (await listModels(ctx)).find((m) => m.id === request.params.id);
      if (!found) {
        throw new ApiError({
          status: 404,
          message: `The model '${request.params.id}' does not exist`,
          param: 'model',
          code: 'model_not_found',
        });
      }
      return found;
    });
  };
}

/**
 * Model resolution: the OpenAI names (gpt-image-1, dall-e-2, ...) are aliases the configuration maps onto local
 * models; local model ids are accepted directly. Loading goes through the EngineProvider, whose errors already name
 * the missing model and the command that installs it.
 */
import { ApiError } from '../contract/api-error.ts';
import { quotedList } from '../contract/errors.ts';
import type { Engine, EngineProvider, EngineTask } from './engine.ts';

export interface ResolvedModel {
  /** The name the client used. */
  requested: string;
  /** The local model that does the work. */
  localId: string;
}

export async function resolveModel(
  name: string,
  aliases: Readonly<Record<string, string>>,
  provider: EngineProvider,
): Promise<ResolvedModel> {
  const target = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
  if (target) return { requested: name, localId: target };
  const local = await provider.list();
  if (local.some((m) => m.id === name)) return { requested: name, localId: name };
  const known = [...Object.keys(aliases), ...local.map((m) => m.id)];
  throw new ApiError({
    status: 400,
    message: `Invalid value: '${name}'. Supported values are: ${quotedList(known)}.`,
    param: 'model',
    code: 'invalid_value',
  });
}

/** Loads the engine for a resolved model; any failure becomes an OpenAI-style error naming the model. */
export async function loadEngine(provider: EngineProvider, model: ResolvedModel): Promise<Engine> {
  try {
    return await provider.load(model.localId);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError({
      status: 500,
      message: `The model '${model.localId}' (for '${model.requested}') could not be loaded: ${(err as Error).message}`,
      param: 'model',
      code: 'model_load_failed',
    });
  }
}

/**
 * The engine task for an endpoint. Variations fall back to image-to-image with an empty prompt when the engine has
 * no dedicated variation mode; a missing capability is a 400 naming the model.
 */
export function pickTask(engine: Engine, wanted: EngineTask, model: ResolvedModel): EngineTask {
  const tasks = engine.info.tasks;
  if (tasks.includes(wanted)) return wanted;
  if (wanted === 'variation' && tasks.includes('image-to-image')) return 'image-to-image';
  throw new ApiError({
    status: 400,
    message: `The model '${model.requested}' (local model '${model.localId}') does not support ${wanted}. It supports: ${tasks.join(', ')}.`,
    param: 'model',
    code: 'unsupported_model',
  });
}

/** The error every request gets when a model is not installed: it names the model and the command that gets it. */
export function modelNotInstalled(id: string): ApiError {
  return new ApiError({
    status: 404,
    message: `The model '${id}' is not installed on this server. Install it with \`atelier pull ${id}\`, then retry.`,
    param: 'model',
    code: 'model_not_found',
  });
}

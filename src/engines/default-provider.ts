/**
 * The server's default EngineProvider: the diffusion model store (src/diffusion/provider.ts) when it is present.
 * Without it there is no way to make pixels, so every load fails with an error naming the model and `atelier pull`;
 * Atelier never substitutes fake images.
 */
import { modelNotInstalled } from './registry.ts';
import type { EngineProvider } from './engine.ts';

type ProviderFactory = (opts: { home: string }) => EngineProvider;

/** A provider with no models: lists nothing, and every load says which model is missing and how to get it. */
export function noModelsProvider(): EngineProvider {
  return {
    async list() {
      return [];
    },
    async load(id: string) {
      throw modelNotInstalled(id);
    },
  };
}

export async function createDefaultProvider(home: string): Promise<EngineProvider> {
  const url = new URL('../diffusion/provider.ts', import.meta.url);
  let mod: { createDiffusionProvider?: unknown };
  try {
    mod = (await import(url.href)) as { createDiffusionProvider?: unknown };
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Only "the diffusion module is not there" means no engine; a broken module must surface.
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('provider.ts')) return noModelsProvider();
    throw err;
  }
  if (typeof mod.createDiffusionProvider !== 'function') return noModelsProvider();
  return (mod.createDiffusionProvider as ProviderFactory)({ home });
}

/**
 * The production wiring used by `atelier serve`, `atelier generate` and `atelier models`: configuration from
 * $ATELIER_HOME and the diffusion model store as the engine provider. Moderation, content credentials and metering
 * hooks are added here as they land (they are optional in AppDeps).
 */
import { atelierHome, loadConfig, type AtelierConfig } from '../config/config.ts';
import { createDefaultProvider } from '../engines/default-provider.ts';
import type { AppDeps } from './deps.ts';

export interface DefaultDepsOptions {
  home?: string;
  config?: AtelierConfig;
  logger?: boolean;
}

export async function createDefaultDeps(opts: DefaultDepsOptions = {}): Promise<AppDeps & { home: string }> {
  const home = opts.home ?? atelierHome();
  const config = opts.config ?? loadConfig(home);
  const engines = await createDefaultProvider(home);
  return { home, config, engines, logger: opts.logger };
}

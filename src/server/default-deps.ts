/**
 * The production wiring used by `atelier serve`, `atelier generate` and `atelier models`: configuration from
 * $ATELIER_HOME, the diffusion model store as the engine provider and, unless a command does not make images, the
 * real stages of the straight path: moderation, content credentials and (for the server) metering.
 */
import { join } from 'node:path';
import { atelierHome, loadConfig, type AtelierConfig } from '../config/config.ts';
import { createDefaultProvider } from '../engines/default-provider.ts';
import { attachMetering } from '../metering/server-hooks.ts';
import { createMetering, type Metering } from '../metering/metering.ts';
import { createContentCredentials } from '../provenance/index.ts';
import verifyRoutes from './routes/verify.ts';
import { createModerator } from '../safety/index.ts';
import type { ModerationPolicyOverrides } from '../safety/policy.ts';
import { ATELIER_VERSION } from '../version.ts';
import type { AppDeps } from './deps.ts';

export interface DefaultDepsOptions {
  home?: string;
  config?: AtelierConfig;
  logger?: boolean;
  /**
   * Which stages to build: 'none' (listing models), 'images' (moderation + content credentials, for the CLI), or
   * 'server' (also metering: keys, limits, ledger, and the verify/usage routes). Default 'images'.
   */
  stages?: 'none' | 'images' | 'server';
  /** With stages 'server': serve clients on other addresses even when no API key exists (`--allow-keyless`). */
  allowKeylessRemote?: boolean;
}

export type DefaultDeps = AppDeps & { home: string; metering?: Metering };

export async function createDefaultDeps(opts: DefaultDepsOptions = {}): Promise<DefaultDeps> {
  const home = opts.home ?? atelierHome();
  const config = opts.config ?? loadConfig(home);
  const engines = await createDefaultProvider(home);
  const deps: DefaultDeps = { home, config, engines, logger: opts.logger };
  const stages = opts.stages ?? 'images';
  if (stages === 'none') return deps;

  const mod = config.moderation;
  deps.moderator = await createModerator({
    policy: mod.policy as ModerationPolicyOverrides | undefined,
    externalUrl: mod.externalUrl,
    externalKey: mod.externalKeyEnv ? process.env[mod.externalKeyEnv] : undefined,
    auditLogPath: mod.auditLogPath ?? join(home, 'moderation-audit.jsonl'),
    // Load the image classifier now so the first request does not pay for it.
    preloadImageModel: stages === 'server',
  });
  deps.credentials = await createContentCredentials({ home, version: ATELIER_VERSION, ...config.credentials });

  if (stages === 'server') {
    const metering = createMetering({ home, allowKeylessRemote: opts.allowKeylessRemote });
    const { hooks, plugin } = attachMetering(metering);
    deps.metering = metering;
    deps.hooks = hooks;
    deps.tokenRules = (model) => metering.lookup(model).tokens;
    deps.extraRoutes = [plugin, async (app) => verifyRoutes(app, { home })];
  }
  return deps;
}

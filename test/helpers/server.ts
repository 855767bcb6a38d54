/** Starts the real app on 127.0.0.1:0 with injected doubles and hands back an official SDK client pointed at it. */
import OpenAI from 'openai';
import { defaultConfig, type AtelierConfig } from '../../src/config/config.ts';
import { createApp } from '../../src/server/app.ts';
import type { AppDeps } from '../../src/server/deps.ts';
import { TestEngine, testProvider } from './test-engine.ts';

export interface TestServer {
  url: string;
  client: OpenAI;
  engine: TestEngine;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<AppDeps, 'config'>> {
  engine?: TestEngine;
  config?: (config: AtelierConfig) => void;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const engine = opts.engine ?? new TestEngine();
  const config = defaultConfig();
  for (const alias of Object.keys(config.aliases)) config.aliases[alias] = engine.info.id;
  opts.config?.(config);
  const app = await createApp({ ...opts, engines: opts.engines ?? testProvider(engine), config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0, timeout: 30_000 });
  return { url, client, engine, close: () => app.close() };
}

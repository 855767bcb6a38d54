/**
 * The real Atelier server (createApp) with metering attached, a test-double engine (test/helpers/test-engine.ts,
 * 30 ms per image) and a key-less loopback setup, as a child process for the crash test. Prints `listening <port>`.
 * Usage: node --import tsx test/metering/real-server-harness.ts <home> [rateWindowMs]
 */
import { defaultConfig } from '../../src/config/config.ts';
import { createMetering } from '../../src/metering/metering.ts';
import { attachMetering } from '../../src/metering/server-hooks.ts';
import { createApp } from '../../src/server/app.ts';
import { TestEngine, testProvider } from '../helpers/test-engine.ts';

const [home, windowArg] = process.argv.slice(2);
if (!home) {
  console.error('usage: real-server-harness.ts <home>');
  process.exit(2);
}
const metering = createMetering({ home, rateWindowMs: windowArg ? Number(windowArg) : undefined });
const engine = new TestEngine({ delayMs: 30 });
const config = defaultConfig();
for (const alias of Object.keys(config.aliases)) config.aliases[alias] = engine.info.id;
config.limits.maxConcurrentJobs = 4;
config.limits.maxQueuedJobs = 64;
const { hooks, plugin } = attachMetering(metering);
const app = await createApp({ engines: testProvider(engine), config, hooks, extraRoutes: [plugin] });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => metering.close()).then(() => process.exit(0));
});

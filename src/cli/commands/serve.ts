/**
 * `atelier serve`: the OpenAI-compatible Images API on 127.0.0.1:8080 by default. Precedence for host and port:
 * flags, then the HOST/PORT environment variables, then $ATELIER_HOME/config.json.
 */
import { parseArgs } from 'node:util';
import { createApp } from '../../server/app.ts';
import { assertSafeBinding } from '../../metering/binding.ts';
import { createDefaultDeps } from '../../server/default-deps.ts';

export const summary = 'Start the OpenAI-compatible Images API server';

const HELP = `Usage: atelier serve [--host HOST] [--port PORT] [--allow-keyless] [--quiet]

Serves POST /v1/images/generations, /v1/images/edits, /v1/images/variations, GET /v1/models and /health.
Point the OpenAI SDK at http://HOST:PORT/v1.

Options:
  --host HOST   interface to listen on (env HOST; default 127.0.0.1)
  --port PORT   TCP port (env PORT; default 8080; 0 picks a free port)
  --allow-keyless  listen on a non-loopback address even though no API key exists
                (by default Atelier refuses: create one with \`atelier keys create\`)
  --quiet       no request log
  -h, --help    show this help

Configuration: $ATELIER_HOME/config.json (ATELIER_HOME defaults to ~/.atelier).`;

function parsePort(value: string | undefined, where: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${where}: '${value}' is not a port number`);
  return port;
}

export async function run(args: string[]): Promise<number> {
  let values: { host?: string; port?: string; quiet?: boolean; help?: boolean; 'allow-keyless'?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'allow-keyless': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`atelier serve: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let port: number;
  let host: string;
  const allowKeyless = values['allow-keyless'] === true;
  const deps = await createDefaultDeps({ logger: !values.quiet, stages: 'server', allowKeylessRemote: allowKeyless });
  try {
    port = parsePort(values.port, '--port') ?? parsePort(process.env.PORT, 'PORT') ?? deps.config.port;
    host = values.host ?? (process.env.HOST || undefined) ?? deps.config.host;
  } catch (err) {
    console.error(`atelier serve: ${(err as Error).message}`);
    return 2;
  }
  try {
    // Without API keys the server is open to anyone who can reach it: loopback only, unless explicitly forced.
    assertSafeBinding(host, (await deps.metering?.keysExist()) ?? false, allowKeyless);
  } catch (err) {
    console.error(`atelier serve: ${(err as Error).message}`);
    return 2;
  }
  const app = await createApp(deps);
  try {
    await app.listen({ host, port });
  } catch (err) {
    console.error(`atelier serve: cannot listen on ${host}:${port}: ${(err as Error).message}`);
    return 1;
  }
  const address = app.server.address();
  const actualPort = address && typeof address === 'object' ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  console.log(`Atelier is serving the Images API at http://${shownHost}:${actualPort}/v1 (data: ${deps.home})`);
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      app.close().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

// Starts the crash harness as a child process and waits for its port.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface Harness {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** `metering`: Metering behind a tiny HTTP server; `server`: the real Atelier app with metering attached. */
export type HarnessKind = 'metering' | 'server';

const scripts: Record<HarnessKind, string> = {
  metering: fileURLToPath(new URL('./crash-harness.ts', import.meta.url)),
  server: fileURLToPath(new URL('./real-server-harness.ts', import.meta.url)),
};

export async function startHarness(home: string, rateWindowMs?: number, kind: HarnessKind = 'metering'): Promise<Harness> {
  const args = ['--import', 'tsx', scripts[kind], home, ...(rateWindowMs ? [String(rateWindowMs)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`harness exited with ${code} before listening`)));
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * In-process admission to the engine: at most `concurrency` jobs run, at most `maxWaiting` wait, and a waiting job
 * whose client disconnects leaves the queue. Engines are CPU/GPU bound, so running more at once only slows all.
 */
import { ApiError } from '../contract/api-error.ts';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class JobQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Resolves with a release function once a slot is free. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new ApiError({
          status: 429,
          type: 'rate_limit_error',
          message: `The server is busy: ${this.waiting.length} requests are already waiting for the engine. Retry shortly.`,
          code: 'server_busy',
          headers: { 'retry-after': '5' },
        });
      }
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject };
        this.waiting.push(waiter);
        signal.addEventListener(
          'abort',
          () => {
            const i = this.waiting.indexOf(waiter);
            if (i >= 0) this.waiting.splice(i, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    }
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.waiting.shift()?.resolve();
    };
  }
}

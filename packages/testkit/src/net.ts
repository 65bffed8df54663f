import { createServer } from 'node:net';

/** Ports freePort() handed out in this process, oldest first (bounded: the oldest is forgotten). */
const handedOut = new Set<number>();
const HANDED_OUT_LIMIT = 4096;

function portFreeNow(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A TCP port that was free on `host` a moment ago (for child processes that cannot take port 0).
 * Never one this process was given before (the kernel may offer a just-closed port again, and a
 * test asking for a daemon's p2p, api and status ports in a row must get three different ones).
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = await portFreeNow(host);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (handedOut.size > HANDED_OUT_LIMIT) handedOut.delete(handedOut.values().next().value!);
    return port;
  }
}

export interface WaitForOptions {
  /** Give up after this long, so a broken test fails instead of hanging (default 10 s). */
  timeoutMs?: number;
  /** What is being waited for, for the error message. */
  what?: string;
  /** Poll interval (default 5 ms). */
  intervalMs?: number;
}

/**
 * Resolve once `predicate` returns a truthy value. This polls a condition the
 * test cannot subscribe to; the timeout is a safety net, not a timing assertion.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitForOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, what = 'condition', intervalMs = 5 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolve with the arguments of the next `event` emitted by `emitter`. */
export function nextEvent<T = unknown>(
  emitter: { once(event: string, fn: (...args: any[]) => void): unknown }, // eslint-disable-line @typescript-eslint/no-explicit-any -- any emitter's listener fits
  event: string,
): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (value: T) => resolve(value)));
}

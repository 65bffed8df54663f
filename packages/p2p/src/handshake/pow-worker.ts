import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PeerAddress } from '@gossip5/protocol';
import { POW_ATTEMPTS_FACTOR, POW_SOLVER_QUEUE_LIMIT } from '../constants.js';
import { P2PError, P2PErrorCode } from '../errors.js';

/**
 * The worker's program. It is neither CommonJS nor ESM specific (dynamic
 * imports only), because an eval'd worker is run as either depending on the
 * surroundings. It imports the built @gossip5/protocol from the URL the main
 * thread resolved, so it works the same from the built dist and under tsx.
 */
function workerSource(protocolEntry: string): string {
  return `
Promise.all([import('node:worker_threads'), import(${JSON.stringify(protocolEntry)})]).then(([wt, protocol]) => {
  wt.parentPort.on('message', (m) => {
    try {
      const solution = protocol.solveProofOfWork(m.nonce, m.address, m.difficulty, { maxAttempts: m.maxAttempts });
      wt.parentPort.postMessage({ id: m.id, solution });
    } catch (err) {
      wt.parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
    }
  });
});
`;
}

/** file: URL of @gossip5/protocol's ESM entry, resolved from this package. */
export function protocolUrl(): string {
  const meta = import.meta as ImportMeta & { resolve?: (specifier: string) => string };
  if (typeof meta.resolve === 'function') return meta.resolve('@gossip5/protocol');
  // Loaded as CommonJS (tsx's require hook): find the entry through the package manifest.
  const require = createRequire(meta.url);
  const manifestPath = require.resolve('@gossip5/protocol/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports?: { '.'?: { import?: string } };
    module?: string;
    main?: string;
  };
  const entry = manifest.exports?.['.']?.import ?? manifest.module ?? manifest.main ?? 'index.js';
  return pathToFileURL(resolvePath(dirname(manifestPath), entry)).href;
}

interface Job {
  id: number;
  nonce: Uint8Array;
  address: PeerAddress;
  difficulty: number;
  signal: AbortSignal | undefined;
  onAbort: () => void;
  resolve(solution: Uint8Array): void;
  reject(err: Error): void;
}

/** Hashes to try before giving up: POW_ATTEMPTS_FACTOR times the expected 2^difficulty. */
export function attemptBudget(difficulty: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, POW_ATTEMPTS_FACTOR * 2 ** difficulty);
}

/**
 * One long-lived worker thread that solves proofs of work, one at a time, so the event loop serving
 * links never hashes. Jobs wait in a queue of at most `limit` (the one being solved included): a job
 * that does not fit fails at once. A job whose signal aborts leaves the queue; if it is the one being
 * solved, the worker is terminated (hashing cannot be interrupted otherwise) and the next job starts
 * on a fresh one. So hostile listeners asking for hard work cannot keep honest joins waiting once
 * their handshakes have timed out. Started on first use, unref'd, restarted if it dies, terminated
 * by `close()`.
 */
export class PowWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private closed = false;
  /** Jobs dropped because their handshake ended, and workers terminated for it (for tests and stats). */
  cancelled = 0;
  terminations = 0;

  constructor(private readonly limit = POW_SOLVER_QUEUE_LIMIT) {}

  solve = (nonce: Uint8Array, address: PeerAddress, difficulty: number, signal?: AbortSignal): Promise<Uint8Array> => {
    if (this.closed) return Promise.reject(new P2PError(P2PErrorCode.PowFailed, 'solver closed'));
    if (signal?.aborted) return Promise.reject(new P2PError(P2PErrorCode.PowFailed, 'handshake ended'));
    if (this.busy >= this.limit) {
      return Promise.reject(new P2PError(P2PErrorCode.PowFailed, `solver queue full (${this.limit} jobs)`));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        nonce,
        address: { family: address.family, host: address.host, port: address.port } as PeerAddress,
        difficulty,
        signal,
        onAbort: () => this.abort(job),
        resolve,
        reject,
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  };

  /** Jobs waiting or being solved. */
  get busy(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll('solver closed');
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    this.ensure().postMessage({
      id: job.id,
      nonce: job.nonce,
      address: job.address,
      difficulty: job.difficulty,
      maxAttempts: attemptBudget(job.difficulty),
    });
  }

  private settle(job: Job): void {
    job.signal?.removeEventListener('abort', job.onAbort);
    if (this.running === job) this.running = undefined;
  }

  private abort(job: Job): void {
    this.cancelled++;
    if (this.running === job) {
      this.settle(job);
      const w = this.worker;
      this.worker = undefined;
      this.terminations++;
      void w?.terminate();
    } else {
      const i = this.queue.indexOf(job);
      if (i < 0) return;
      this.queue.splice(i, 1);
      this.settle(job);
    }
    job.reject(new P2PError(P2PErrorCode.PowFailed, 'handshake ended'));
    this.pump();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerSource(protocolUrl()), { eval: true });
    worker.unref();
    worker.on('message', (m: { id?: number; solution?: Uint8Array; error?: string }) => {
      const job = this.running;
      if (m.id === undefined || !job || job.id !== m.id) return;
      this.settle(job);
      if (m.solution) job.resolve(new Uint8Array(m.solution));
      else job.reject(new P2PError(P2PErrorCode.PowFailed, m.error ?? 'no solution within the attempt budget'));
      this.pump();
    });
    worker.on('error', (err) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(`solver worker failed: ${err.message}`);
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll('solver worker exited');
    });
    this.worker = worker;
    return worker;
  }

  private failAll(reason: string): void {
    const jobs = [...(this.running ? [this.running] : []), ...this.queue.splice(0)];
    for (const job of jobs) {
      this.settle(job);
      job.reject(new P2PError(P2PErrorCode.PowFailed, reason));
    }
  }
}

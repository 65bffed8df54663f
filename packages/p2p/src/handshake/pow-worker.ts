import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PeerAddress } from '@gossip5/protocol';
import { POW_ATTEMPTS_FACTOR } from '../constants.js';
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

interface Pending {
  resolve(solution: Uint8Array): void;
  reject(err: Error): void;
}

/** Hashes to try before giving up: POW_ATTEMPTS_FACTOR times the expected 2^difficulty. */
export function attemptBudget(difficulty: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, POW_ATTEMPTS_FACTOR * 2 ** difficulty);
}

/**
 * One long-lived worker thread that solves proofs of work, one at a time, so
 * the event loop serving links never hashes. Started on first use, unref'd,
 * restarted if it dies, terminated by `close()`.
 */
export class PowWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  solve = (nonce: Uint8Array, address: PeerAddress, difficulty: number): Promise<Uint8Array> => {
    if (this.closed) return Promise.reject(new P2PError(P2PErrorCode.PowFailed, 'solver closed'));
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({
        id,
        nonce,
        address: { family: address.family, host: address.host, port: address.port },
        difficulty,
        maxAttempts: attemptBudget(difficulty),
      });
    });
  };

  /** Solutions still awaited. */
  get busy(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll('solver closed');
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerSource(protocolUrl()), { eval: true });
    worker.unref();
    worker.on('message', (m: { id?: number; solution?: Uint8Array; error?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.solution) p.resolve(new Uint8Array(m.solution));
      else p.reject(new P2PError(P2PErrorCode.PowFailed, m.error ?? 'no solution within the attempt budget'));
    });
    worker.on('error', (err) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(`solver worker failed: ${err.message}`);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll('solver worker exited');
    });
    this.worker = worker;
    return worker;
  }

  private failAll(reason: string): void {
    for (const p of this.pending.values()) p.reject(new P2PError(P2PErrorCode.PowFailed, reason));
    this.pending.clear();
  }
}

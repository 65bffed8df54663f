/**
 * The fuzzing loop: run the seeds, then mutate corpus entries, keep every input
 * that reaches a new coverage bucket, and record every input that throws (or
 * leaves an unhandled rejection behind) as a crash, deduplicated by its first
 * message line and top stack frame.
 */
import { createHash } from 'node:crypto';
import type { FuzzTarget } from '../target.js';
import { CoverageMap } from './coverage.js';
import { mutate } from './mutate.js';
import { Rng } from './rng.js';

export interface Crash {
  key: string;
  input: Uint8Array;
  error: unknown;
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  seeds: Uint8Array[];
  /** Stop after this many distinct crashes (default 20). */
  maxCrashes?: number;
  onCrash?(crash: Crash): void;
  /** Called about every second with progress. */
  onProgress?(execs: number, corpus: number, covered: number): void;
}

export interface FuzzResult {
  execs: number;
  crashes: Crash[];
  seconds: number;
  corpus: number;
  coverage: { covered: number; total: number };
  instrumented: boolean;
}

export function crashKey(err: unknown): string {
  if (!(err instanceof Error)) return `non-error: ${String(err).slice(0, 200)}`;
  const frame = (err.stack ?? '').split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
  return `${err.name}: ${err.message.split('\n')[0]} ${frame.trim()}`;
}

export function inputId(input: Uint8Array): string {
  return createHash('sha1').update(input).digest('hex');
}

/** Rejections nobody handled, attributed to the input that was running. */
let unhandled: unknown[] = [];
let listening = false;
function watchRejections(): void {
  if (listening) return;
  listening = true;
  process.on('unhandledRejection', (reason) => {
    unhandled.push(reason);
  });
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function fuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzResult> {
  watchRejections();
  const coverage = new CoverageMap();
  const rng = new Rng(options.seed);
  const corpus: Uint8Array[] = [];
  const crashes = new Map<string, Crash>();
  const maxCrashes = options.maxCrashes ?? 20;
  const dictionary = target.dictionary ?? [];
  const started = performance.now();
  let lastYield = started;
  let lastProgress = started;
  let execs = 0;

  const attempt = async (input: Uint8Array): Promise<unknown> => {
    try {
      const r = target.run(input);
      if (r !== undefined && typeof (r as Promise<void>).then === 'function') await r;
      return undefined;
    } catch (err) {
      return err ?? new Error(`threw ${String(err)}`);
    }
  };

  const runOne = async (input: Uint8Array): Promise<boolean> => {
    coverage.reset();
    let error = await attempt(input);
    execs++;
    const now = performance.now();
    if (now - lastYield > 50) {
      // Let timers, I/O and rejection tracking run between synchronous inputs.
      lastYield = now;
      await yieldToLoop();
    }
    if (error === undefined && unhandled.length > 0) error = unhandled[0];
    unhandled = [];
    if (error !== undefined) {
      // Errors are made without stack traces while fuzzing (most inputs end in a ProtocolError,
      // and capturing a stack costs more than decoding); run a crash again to get its stack.
      Error.stackTraceLimit = 20;
      const again = await attempt(input);
      Error.stackTraceLimit = 0;
      unhandled = [];
      if (again !== undefined) error = again;
      const key = crashKey(error);
      if (!crashes.has(key)) {
        const crash = { key, input: input.slice(), error };
        crashes.set(key, crash);
        options.onCrash?.(crash);
      }
      coverage.collect();
      return false;
    }
    if (options.onProgress && now - lastProgress > 1000) {
      lastProgress = now;
      options.onProgress(execs, corpus.length, coverage.summary().covered);
    }
    return coverage.collect();
  };

  await target.setup?.();
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const s of options.seeds) {
      const input = s.length > target.maxLen ? s.subarray(0, target.maxLen) : s;
      await runOne(input);
      corpus.push(input);
    }
    if (corpus.length === 0) corpus.push(new Uint8Array(0));
    while (execs < options.runs && crashes.size < maxCrashes) {
      // Favour recent finds a little: they tend to sit deeper.
      const pick = rng.chance(3) ? corpus.length - 1 - rng.below(Math.min(corpus.length, 8)) : rng.below(corpus.length);
      const child = mutate(corpus[pick]!, { rng, maxLen: target.maxLen, corpus, dictionary });
      if (await runOne(child)) corpus.push(child.slice());
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    await target.teardown?.();
  }
  await yieldToLoop();
  return {
    execs,
    crashes: [...crashes.values()],
    seconds: (performance.now() - started) / 1000,
    corpus: corpus.length,
    coverage: coverage.summary(),
    instrumented: coverage.instrumented,
  };
}

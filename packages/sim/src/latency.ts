import { mix32 } from './random.js';

/** How one-way link delays are drawn: once per pair of hosts, the same both ways. */
export type LatencyModel = { kind: 'uniform'; minMs: number; maxMs: number } | { kind: 'fixed'; ms: number };

/** `uniform:10:100` (default), `fixed:50`. */
export function parseLatency(text: string): LatencyModel {
  const [kind, a, b] = text.split(':');
  const num = (s: string | undefined) => {
    const v = Number(s);
    if (s === undefined || s === '' || !Number.isFinite(v) || v < 0) throw new Error(`--latency ${text}: bad number ${s ?? ''}`);
    return v;
  };
  if (kind === 'uniform') {
    const minMs = num(a);
    const maxMs = num(b);
    if (maxMs < minMs) throw new Error(`--latency ${text}: max below min`);
    return { kind, minMs, maxMs };
  }
  if (kind === 'fixed' && b === undefined) return { kind, ms: num(a) };
  throw new Error(`--latency ${text}: expected uniform:MIN:MAX or fixed:MS`);
}

export function describeLatency(m: LatencyModel): string {
  return m.kind === 'uniform' ? `uniform:${m.minMs}:${m.maxMs}` : `fixed:${m.ms}`;
}

/**
 * The delay function for MemoryNetwork: a stateless seeded hash of the (unordered) pair of host
 * indices, so nothing is stored per pair and the draw does not depend on the order links form in.
 */
export function latencyFunction(model: LatencyModel, seed: number, indexOf: (host: string) => number): (from: string, to: string) => number {
  if (model.kind === 'fixed') return () => model.ms;
  const { minMs, maxMs } = model;
  const span = Math.floor(maxMs) - Math.ceil(minMs) + 1;
  const base = Math.ceil(minMs);
  return (from, to) => {
    const a = indexOf(from);
    const b = indexOf(to);
    const h = a < b ? mix32(seed, a, b) : mix32(seed, b, a);
    return base + (h % span);
  };
}

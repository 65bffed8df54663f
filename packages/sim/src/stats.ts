import type { Deliveries } from './deliveries.js';

/** What the deliveries add up to, over the (item, node) pairs that should have happened. */
export interface DeliveryStats {
  expected: number;
  delivered: number;
  /** Per ms of latency: how many expected deliveries had it. */
  latencyHistogram: number[];
  /** Per hop count: how many expected deliveries took it. */
  hopHistogram: number[];
  /** Per item: the nodes that should have got it (the origin not counted). */
  expectedPerItem: number[];
}

/**
 * `shouldGet(item, node)`: node was up when item was published, is alive at the end, and is not
 * its origin.
 */
export function deliveryStats(d: Deliveries, nodes: number, shouldGet: (item: number, node: number) => boolean): DeliveryStats {
  let expected = 0;
  let delivered = 0;
  const lat: number[] = [];
  const hops: number[] = [];
  const expectedPerItem: number[] = [];
  for (let k = 0; k < d.items; k++) {
    let e = 0;
    if (d.publishedAt[k]! >= 0) {
      const base = k * d.capacity;
      for (let i = 0; i < nodes; i++) {
        if (!shouldGet(k, i)) continue;
        e++;
        const l = d.latency[base + i]!;
        if (l < 0) continue;
        delivered++;
        lat[l] = (lat[l] ?? 0) + 1;
        const h = d.hops[base + i]!;
        hops[h] = (hops[h] ?? 0) + 1;
      }
    }
    expectedPerItem.push(e);
    expected += e;
  }
  return {
    expected,
    delivered,
    latencyHistogram: Array.from(lat, (v) => v ?? 0),
    hopHistogram: Array.from(hops, (v) => v ?? 0),
    expectedPerItem,
  };
}

/** The smallest value with at least fraction q of `total` at or below it (histogram by value). */
export function percentile(hist: readonly number[], total: number, q: number): number | null {
  if (total <= 0) return null;
  const want = Math.ceil(q * total);
  let acc = 0;
  for (let v = 0; v < hist.length; v++) {
    acc += hist[v] ?? 0;
    if (acc >= want && acc > 0) return v;
  }
  return null;
}

export function maxIndex(hist: readonly number[]): number | null {
  for (let v = hist.length - 1; v >= 0; v--) if ((hist[v] ?? 0) > 0) return v;
  return null;
}

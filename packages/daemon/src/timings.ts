import { Histogram } from 'prom-client';
import type { P2PNode } from '@gossip5/p2p';
import type { Clock } from './clock.js';

/** Where a duration goes, in seconds (a prom-client Histogram, or anything that counts). */
export interface Observer {
  observe(seconds: number): void;
}

/** Upper bounds (s) of the validation-latency buckets: local modules answer in ms, the timeout is 10 s. */
export const VALIDATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Upper bounds (s) of the join-time buckets: a handshake with proof of work, or bootstrap back-off up to 60 s. */
export const JOIN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];

/**
 * The daemon's two histograms, fixed buckets (so bounded whatever the load), kept whether or not
 * metrics are served, and registered into the metrics registry when they are.
 * - validation: from handing a network item to the local modules to its verdict;
 * - join: from start, or from the moment the node lost its last neighbour, to its next first neighbour.
 */
export class Timings {
  readonly validation = new Histogram({
    name: 'gossip5_validation_seconds',
    help: 'Time from handing a network item to the local modules to its verdict.',
    buckets: VALIDATION_BUCKETS,
    registers: [],
  });
  readonly join = new Histogram({
    name: 'gossip5_join_seconds',
    help: 'Time from start, or from losing the last neighbour, to having a neighbour again.',
    buckets: JOIN_BUCKETS,
    registers: [],
  });
  private aloneSince: number | undefined;

  constructor(private readonly clock: Clock) {}

  /** Watch `p2p`'s neighbours from now on (call before it starts). */
  watchJoins(p2p: Pick<P2PNode, 'on' | 'neighbours'>): void {
    this.aloneSince = this.clock.now();
    p2p.on('neighbour-up', () => {
      if (this.aloneSince === undefined) return;
      this.join.observe((this.clock.now() - this.aloneSince) / 1000);
      this.aloneSince = undefined;
    });
    p2p.on('neighbour-down', () => {
      if (p2p.neighbours().length === 0 && this.aloneSince === undefined) this.aloneSince = this.clock.now();
    });
  }
}

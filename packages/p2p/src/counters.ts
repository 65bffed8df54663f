import { typeName } from '@gossip5/protocol';
import type { Clock, Logger } from './types.js';

interface WarnState {
  at: number;
  suppressed: number;
}

/**
 * Counts drops by reason and warns about them at most once per reason per
 * `intervalMs` of the injected clock, each warning stating how many drops of
 * that reason were not warned about since the previous one.
 */
export class DropCounter {
  readonly counts: Record<string, number> = {};
  private readonly warned = new Map<string, WarnState>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  /** Count one drop of `reason`; `fields` go into the warning when one is due. */
  drop(reason: string, fields: Record<string, unknown> = {}, msg = `dropped: ${reason}`): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
    const now = this.clock.now();
    const state = this.warned.get(reason);
    if (state && now - state.at < this.intervalMs) {
      state.suppressed++;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    this.logger.warn(
      { ...fields, reason, dropped: suppressed + 1, total: this.counts[reason] },
      suppressed > 0 ? `${msg} (${suppressed + 1} since the last warning)` : msg,
    );
    this.warned.set(reason, { at: now, suppressed: 0 });
  }
}

/** Every counter of a node except the gauges, which the node reads from its parts. */
export class Counters {
  linksUp = 0;
  linksDown = 0;
  readonly linksDownByReason: Record<string, number> = {};
  handshakesOk = 0;
  readonly handshakesFailed: Record<string, number> = {};
  itemsOriginated = 0;
  itemsReceived = 0;
  itemsDuplicate = 0;
  itemsForwarded = 0;
  itemsStoppedInvalid = 0;
  itemsStoppedUnsubscribed = 0;
  itemsTtlExpired = 0;
  readonly messagesSent: Record<string, number> = {};
  readonly messagesReceived: Record<string, number> = {};
  readonly drops: DropCounter;

  constructor(logger: Logger, clock: Clock, warnIntervalMs: number) {
    this.drops = new DropCounter(logger, clock, warnIntervalMs);
  }

  sent(type: number): void {
    const name = typeName(type);
    this.messagesSent[name] = (this.messagesSent[name] ?? 0) + 1;
  }

  received(type: number): void {
    const name = typeName(type);
    this.messagesReceived[name] = (this.messagesReceived[name] ?? 0) + 1;
  }

  linkDown(reason: string): void {
    this.linksDown++;
    this.linksDownByReason[reason] = (this.linksDownByReason[reason] ?? 0) + 1;
  }

  handshakeFailed(reason: string): void {
    this.handshakesFailed[reason] = (this.handshakesFailed[reason] ?? 0) + 1;
  }
}

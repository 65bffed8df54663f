import { typeName } from '@gossip5/protocol';

/** Slots 0..19 for types 500..519 (extensions included); one more for anything else. */
const FIRST_TYPE = 500;
const TYPE_SLOTS = 21;
const OTHER_SLOT = TYPE_SLOTS - 1;

function slot(type: number): number {
  const i = type - FIRST_TYPE;
  return i >= 0 && i < OTHER_SLOT ? i : OTHER_SLOT;
}

function byName(counts: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  counts.forEach((n, i) => {
    if (n > 0) out[i === OTHER_SLOT ? 'other' : typeName(FIRST_TYPE + i)] = n;
  });
  return out;
}
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

  /** Count `n` drops (default one) of `reason`; `fields` go into the warning when one is due. */
  drop(reason: string, fields: Record<string, unknown> = {}, msg = `dropped: ${reason}`, n = 1): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + n;
    const now = this.clock.now();
    const state = this.warned.get(reason);
    if (state && now - state.at < this.intervalMs) {
      state.suppressed += n;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    this.logger.warn(
      { ...fields, reason, dropped: suppressed + n, total: this.counts[reason] },
      suppressed > 0 || n > 1 ? `${msg} (${suppressed + n} since the last warning)` : msg,
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
  itemsNoOtherNeighbour = 0;
  /** PEER NOTIFICATIONs handed to the spreader (from established links). */
  notificationsIn = 0;
  itemsUndecidedAtStop = 0;
  itemsOriginatedDuplicate = 0;
  /** Messages by type (index = type - 500), counted per frame: names are attached only in `stats()`. */
  private readonly sentByType = new Array<number>(TYPE_SLOTS).fill(0);
  private readonly receivedByType = new Array<number>(TYPE_SLOTS).fill(0);
  readonly drops: DropCounter;

  constructor(logger: Logger, clock: Clock, warnIntervalMs: number) {
    this.drops = new DropCounter(logger, clock, warnIntervalMs);
  }

  sent(type: number): void {
    this.sentByType[slot(type)]!++;
  }

  received(type: number): void {
    this.receivedByType[slot(type)]!++;
  }

  /** Messages sent, by type name ("PEER NOTIFICATION"); types never sent are left out. */
  get messagesSent(): Record<string, number> {
    return byName(this.sentByType);
  }

  /** Messages received, by type name; types never received are left out. */
  get messagesReceived(): Record<string, number> {
    return byName(this.receivedByType);
  }

  linkDown(reason: string): void {
    this.linksDown++;
    this.linksDownByReason[reason] = (this.linksDownByReason[reason] ?? 0) + 1;
  }

  handshakeFailed(reason: string): void {
    this.handshakesFailed[reason] = (this.handshakesFailed[reason] ?? 0) + 1;
  }
}

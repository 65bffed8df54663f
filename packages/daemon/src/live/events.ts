/**
 * The recent item and link events of one node, for the live view (GET /events): a ring of the last
 * LIVE_EVENTS_LIMIT events, each numbered, so a poller asks for what came after the last one it saw.
 */

/** Events kept; older ones are overwritten (a poller that fell behind sees `missed` > 0). */
export const LIVE_EVENTS_LIMIT = 1024;

export type LiveEvent =
  /** A local module announced this item here. */
  | { seq: number; at: number; kind: 'originated'; id: string; dataType: number }
  /** The item arrived here for the first time, from the neighbour `from`. */
  | { seq: number; at: number; kind: 'received'; id: string; dataType: number; from: string }
  | { seq: number; at: number; kind: 'link-up' | 'link-down'; peer: string };

type Unnumbered<E> = E extends LiveEvent ? Omit<E, 'seq' | 'at'> : never;

/** What GET /events?after=N returns. */
export interface EventsPage {
  /** The seq of the newest event (0 when none yet): ask `after` it next time. */
  last: number;
  /** Events after `after` that were already overwritten. */
  missed: number;
  limit: number;
  events: LiveEvent[];
}

/** An item event as recorded, per item: its id stays a bigint until someone asks (GET /events). */
interface ItemSlot {
  seq: number;
  at: number;
  kind: 'originated' | 'received';
  messageId: bigint;
  dataType: number;
  from: string;
}

export class LiveEvents {
  private readonly ring: Array<LiveEvent | ItemSlot | undefined>;
  private seq = 0;

  constructor(
    private readonly now: () => number,
    readonly limit = LIVE_EVENTS_LIMIT,
  ) {
    this.ring = new Array<LiveEvent | ItemSlot | undefined>(limit);
  }

  record(event: Unnumbered<LiveEvent>): void {
    this.seq++;
    this.ring[this.seq % this.limit] = { seq: this.seq, at: this.now(), ...event } as LiveEvent;
  }

  /** The same as record() for an item (every item passes here): no hex string or spread per item. */
  recordItem(kind: 'originated' | 'received', messageId: bigint, dataType: number, from = ''): void {
    this.seq++;
    this.ring[this.seq % this.limit] = { seq: this.seq, at: this.now(), kind, messageId, dataType, from };
  }

  /** The events numbered above `after`, oldest first. */
  after(after: number): EventsPage {
    // A poller ahead of us saw an earlier run of this node: start it again from the beginning.
    if (after > this.seq) after = 0;
    const from = Math.max(after + 1, this.seq - this.limit + 1, 1);
    const events: LiveEvent[] = [];
    for (let s = from; s <= this.seq; s++) events.push(toEvent(this.ring[s % this.limit]!));
    return { last: this.seq, missed: Math.max(0, from - (after + 1)), limit: this.limit, events };
  }
}

function toEvent(slot: LiveEvent | ItemSlot): LiveEvent {
  if (!('messageId' in slot)) return slot;
  const { seq, at, kind, dataType } = slot;
  const id = slot.messageId.toString(16);
  return kind === 'originated' ? { seq, at, kind, id, dataType } : { seq, at, kind, id, dataType, from: slot.from };
}

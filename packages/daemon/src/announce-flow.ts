import type { ApiServer } from '@gossip5/api';
import type { P2PNode } from '@gossip5/p2p';
import type { Clock } from './clock.js';

/** Marks of the spreading path above which local announcers are paused, and below which they resume. */
export interface FlowMarks {
  /** Bytes queued on the fullest link (its hard limit is 1 MiB: past it the link is closed). */
  linkHighBytes: number;
  linkLowBytes: number;
  /** Bytes queued towards the fullest local module (its hard limit is 4 MiB: slow-consumer). */
  moduleHighBytes: number;
  moduleLowBytes: number;
  /** Network items awaiting a verdict (the p2p backlog limit is 1 024). */
  pendingHigh: number;
  pendingLow: number;
  /** The fullest local module's pending validations, as a share of its limit (past it: pending-limit). */
  modulePendingHigh: number;
  modulePendingLow: number;
}

/** Defaults: well below each hard limit, so what was already read when pausing still fits. */
export const DEFAULT_FLOW_MARKS: FlowMarks = {
  linkHighBytes: 256 * 1024,
  linkLowBytes: 128 * 1024,
  moduleHighBytes: 1024 * 1024,
  moduleLowBytes: 512 * 1024,
  pendingHigh: 768,
  pendingLow: 384,
  modulePendingHigh: 0.75,
  modulePendingLow: 0.5,
};

/** While paused, how often the marks are checked to resume. */
export const FLOW_CHECK_MS = 5;

/**
 * Backpressure from the spreading path to local announcers: after each ANNOUNCE, if a link's send
 * queue, a module's queue or pending validations, or the validation backlog is above its high mark, the API stops reading
 * announcing modules (TCP slows them); it resumes when all are below their low marks. Nothing an
 * announcer sent is dropped for lack of room: it is read later.
 */
export class AnnounceFlow {
  private paused = false;
  private timer: unknown;
  /** Times announcers were paused, and the clock time spent paused. */
  pauses = 0;
  pausedMs = 0;
  private pausedAt = 0;

  constructor(
    private readonly api: ApiServer,
    private readonly p2p: P2PNode,
    private readonly clock: Clock,
    private readonly marks: FlowMarks = DEFAULT_FLOW_MARKS,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** Call after handling an ANNOUNCE. */
  afterAnnounce(): void {
    if (this.paused || !this.aboveHigh()) return;
    this.paused = true;
    this.pauses++;
    this.pausedAt = this.clock.now();
    this.api.pauseAnnouncers();
    this.timer = this.clock.setTimeout(this.check, FLOW_CHECK_MS);
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly check = (): void => {
    this.timer = undefined;
    if (!this.belowLow()) {
      this.timer = this.clock.setTimeout(this.check, FLOW_CHECK_MS);
      return;
    }
    this.paused = false;
    this.pausedMs += this.clock.now() - this.pausedAt;
    this.api.resumeAnnouncers();
  };

  private aboveHigh(): boolean {
    const m = this.marks;
    return (
      this.p2p.maxSendQueuedBytes() > m.linkHighBytes ||
      this.api.maxQueuedBytes() > m.moduleHighBytes ||
      this.p2p.pendingValidations() > m.pendingHigh ||
      this.api.maxPendingShare() > m.modulePendingHigh
    );
  }

  private belowLow(): boolean {
    const m = this.marks;
    return (
      this.p2p.maxSendQueuedBytes() <= m.linkLowBytes &&
      this.api.maxQueuedBytes() <= m.moduleLowBytes &&
      this.p2p.pendingValidations() <= m.pendingLow &&
      this.api.maxPendingShare() <= m.modulePendingLow
    );
  }
}

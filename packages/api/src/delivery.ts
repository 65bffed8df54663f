import type { DeadlineQueue } from './deadline-queue.js';
import type { Verdict } from './types.js';
import type { PendingValidations } from './pending-validations.js';

/** A connection an item was handed to: what a Delivery needs to release its message id. */
export interface DeliveryTarget {
  readonly pending: PendingValidations<Delivery>;
}

export interface DeliveryInit {
  /** Trusted items (awaitValidation false) settle at once; their ids stay reserved for the window. */
  trusted: boolean;
  /** The validation window: one shared queue, so a delivery costs no timer of its own. */
  deadlines: DeadlineQueue<Delivery>;
  /** Called exactly once with the verdict. */
  onVerdict: (verdict: Verdict) => void;
  /** Called exactly once when the delivery holds no id and no timer any more. */
  onRelease: () => void;
}

/**
 * One item handed to a set of modules, and the verdict on it:
 * - `invalid` as soon as one V=0 arrives, one target is lost (disconnected or
 *   could not be asked), or the validation window closes with answers missing;
 * - `valid` as soon as the last awaited V=1 arrives;
 * - `unsubscribed` when nobody was notified.
 * On settling it releases every id still reserved, so late answers are
 * unknown ids (ignored) and nothing outlives the delivery. A trusted delivery
 * settles at begin() but keeps its ids reserved until each is answered or the
 * window closes, so they are not reused for another item in the meantime.
 */
export class Delivery {
  private readonly awaiting = new Map<DeliveryTarget, number>();
  private notified = 0;
  private verdict: Verdict | undefined;
  private released = false;
  private begun = false;
  private missing = false;

  constructor(private readonly init: DeliveryInit) {}

  /** True once the verdict is known. */
  get settled(): boolean {
    return this.verdict !== undefined;
  }

  /** Number of targets whose answer is still awaited (or whose id is still reserved). */
  get outstanding(): number {
    return this.awaiting.size;
  }

  /** Record that `target` was sent the item under `id` (already reserved in target.pending). */
  add(target: DeliveryTarget, id: number): void {
    if (this.released) {
      target.pending.cancel(id);
      return;
    }
    this.awaiting.set(target, id);
    this.notified++;
  }

  /**
   * A target could not be asked (its pending validations are full, or it was just closed as a slow
   * consumer): for an awaited delivery that is a missing answer, so the verdict will be `invalid`.
   * The other targets are still notified; the verdict is given at begin(), and their ids stay
   * reserved until answered or until the window closes, as for a trusted delivery.
   */
  fail(): void {
    if (!this.init.trusted) this.missing = true;
  }

  /** All targets were added: settle what can be settled and arm the validation window. */
  begin(): void {
    if (this.begun) return;
    this.begun = true;
    if (this.init.trusted) this.settle(this.notified > 0 ? 'valid' : 'unsubscribed', false);
    else if (this.missing) this.settle('invalid', false);
    else if (!this.settled && this.notified === 0) this.settle('unsubscribed');
    else if (!this.settled && this.awaiting.size === 0) this.settle('valid');
    if (this.released) return;
    if (this.awaiting.size === 0) this.release();
    else this.init.deadlines.add(this, () => this.onTimeout());
  }

  /**
   * An answer from `target` (its id was already taken from target.pending).
   * Returns true if it counted towards the verdict, false if it was ignored.
   */
  answer(target: DeliveryTarget, valid: boolean): boolean {
    if (!this.awaiting.delete(target)) return false;
    if (this.init.trusted || this.settled) {
      if (this.begun && this.awaiting.size === 0) this.release();
      return false;
    }
    if (!valid) this.settle('invalid');
    else if (this.begun && this.awaiting.size === 0) this.settle('valid');
    return true;
  }

  /** `target` closed; its id is already gone from its (cleared) pending set. */
  lost(target: DeliveryTarget): void {
    if (!this.awaiting.delete(target)) return;
    if (!this.init.trusted && !this.settled) this.settle('invalid');
    else if (this.begun && this.awaiting.size === 0) this.release();
  }

  /** Settle as invalid now if not settled (server stopping), and release everything. */
  abort(): void {
    if (!this.settled) this.settle('invalid');
    else this.release();
  }

  private onTimeout(): void {
    if (!this.settled) this.settle('invalid');
    else this.release();
  }

  private settle(verdict: Verdict, release = true): void {
    if (this.settled) return;
    this.verdict = verdict;
    this.init.onVerdict(verdict);
    if (release) this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.init.deadlines.delete(this);
    for (const [target, id] of this.awaiting) target.pending.cancel(id);
    this.awaiting.clear();
    this.init.onRelease();
  }
}

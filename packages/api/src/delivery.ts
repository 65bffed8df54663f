import type { DeadlineQueue } from './deadline-queue.js';
import type { Verdict } from './types.js';
import type { PendingValidations } from './pending-validations.js';

/** A connection an item was handed to: what a Delivery needs to release its message id. */
export interface DeliveryTarget {
  readonly pending: PendingValidations<Delivery>;
}

/** Where the verdict on one delivered item goes: `token` is what the caller handed in with it. */
export type VerdictCallback<T> = (token: T, verdict: Verdict) => void;

/**
 * What every Delivery reports to: one object (the server) for all of them, so a delivery costs
 * no closures of its own.
 */
export interface DeliveryOwner {
  /** The validation window: one shared queue, so a delivery costs no timer of its own. */
  readonly deadlines: DeadlineQueue<Delivery>;
  /** Called once per delivery with its verdict, before the caller's callback. */
  decided(verdict: Verdict): void;
  /** Called once per delivery when it holds no id and no timer any more. */
  released(delivery: Delivery): void;
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
 *
 * The targets are the subscribers of one data type (usually one or two): two parallel arrays,
 * searched linearly, cost less than a Map per item.
 */
export class Delivery {
  private readonly targets: DeliveryTarget[] = [];
  private readonly ids: number[] = [];
  private notified = 0;
  private verdict: Verdict | undefined;
  private released = false;
  private begun = false;
  private missing = false;

  constructor(
    private readonly owner: DeliveryOwner,
    /** Trusted items (awaitValidation false) settle at once; their ids stay reserved for the window. */
    private readonly trusted: boolean,
    private token: unknown,
    /** Called exactly once with `token` and the verdict (the caller's types: see ApiServer.deliverThen). */
    private done: VerdictCallback<unknown> | undefined,
  ) {}

  /** True once the verdict is known. */
  get settled(): boolean {
    return this.verdict !== undefined;
  }

  /** Number of targets whose answer is still awaited (or whose id is still reserved). */
  get outstanding(): number {
    return this.targets.length;
  }

  /** Record that `target` was sent the item under `id` (already reserved in target.pending). */
  add(target: DeliveryTarget, id: number): void {
    if (this.released) {
      target.pending.cancel(id);
      return;
    }
    this.targets.push(target);
    this.ids.push(id);
    this.notified++;
  }

  /**
   * A target could not be asked (its pending validations are full, or it was just closed as a slow
   * consumer): for an awaited delivery that is a missing answer, so the verdict will be `invalid`.
   * The other targets are still notified; the verdict is given at begin(), and their ids stay
   * reserved until answered or until the window closes, as for a trusted delivery.
   */
  fail(): void {
    if (!this.trusted) this.missing = true;
  }

  /** All targets were added: settle what can be settled and arm the validation window. */
  begin(): void {
    if (this.begun) return;
    this.begun = true;
    if (this.trusted) this.settle(this.notified > 0 ? 'valid' : 'unsubscribed', false);
    else if (this.missing) this.settle('invalid', false);
    else if (!this.settled && this.notified === 0) this.settle('unsubscribed');
    else if (!this.settled && this.targets.length === 0) this.settle('valid');
    if (this.released) return;
    if (this.targets.length === 0) this.release();
    else this.owner.deadlines.add(this);
  }

  /**
   * An answer from `target` (its id was already taken from target.pending).
   * Returns true if it counted towards the verdict, false if it was ignored.
   */
  answer(target: DeliveryTarget, valid: boolean): boolean {
    if (!this.forget(target)) return false;
    if (this.trusted || this.settled) {
      if (this.begun && this.targets.length === 0) this.release();
      return false;
    }
    if (!valid) this.settle('invalid');
    else if (this.begun && this.targets.length === 0) this.settle('valid');
    return true;
  }

  /** `target` closed; its id is already gone from its (cleared) pending set. */
  lost(target: DeliveryTarget): void {
    if (!this.forget(target)) return;
    if (!this.trusted && !this.settled) this.settle('invalid');
    else if (this.begun && this.targets.length === 0) this.release();
  }

  /** Settle as invalid now if not settled (server stopping), and release everything. */
  abort(): void {
    if (!this.settled) this.settle('invalid');
    else this.release();
  }

  /** The validation window closed (DeadlineQueue). */
  expire(): void {
    if (!this.settled) this.settle('invalid');
    else this.release();
  }

  /** Drop `target` from the awaited ones; false if it was not awaited. */
  private forget(target: DeliveryTarget): boolean {
    const targets = this.targets;
    const i = targets.indexOf(target);
    if (i < 0) return false;
    const last = targets.length - 1;
    targets[i] = targets[last]!;
    this.ids[i] = this.ids[last]!;
    targets.pop();
    this.ids.pop();
    return true;
  }

  private settle(verdict: Verdict, release = true): void {
    if (this.settled) return;
    this.verdict = verdict;
    this.owner.decided(verdict);
    const done = this.done!;
    const token = this.token;
    this.done = undefined;
    this.token = undefined;
    done(token, verdict);
    if (release) this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.deadlines.delete(this);
    const { targets, ids } = this;
    for (let i = 0; i < targets.length; i++) targets[i]!.pending.cancel(ids[i]!);
    targets.length = 0;
    ids.length = 0;
    this.owner.released(this);
  }
}

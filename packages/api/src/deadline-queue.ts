import type { TimerRef, Timers } from './timers.js';

/**
 * Deadlines that all lie the same `delayMs` after they are added, served by
 * one timer instead of one each. With a fixed delay and a clock that does not
 * go back, insertion order is deadline order, so an insertion-ordered Map is
 * the queue: add and delete are O(1), and it holds exactly the live entries.
 * Every due key goes to the one `onDue` given at construction, so an entry is
 * its key and its deadline: no record or closure per add.
 */
export class DeadlineQueue<K> {
  private readonly entries = new Map<K, number>();
  private timer: TimerRef | undefined;
  /** Deadline the armed timer was set for. */
  private armedFor = 0;
  private readonly fireFn = (): void => this.fire();

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
    readonly delayMs: number,
    private readonly onDue: (key: K) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Call `onDue(key)` once `delayMs` has passed, unless `key` is deleted first. Re-adding a key moves it to the back. */
  add(key: K): void {
    this.entries.delete(key);
    this.entries.set(key, this.now() + this.delayMs);
    if (!this.timer) this.arm();
  }

  delete(key: K): void {
    if (!this.entries.delete(key)) return;
    if (this.entries.size === 0) this.disarm();
  }

  private arm(): void {
    const head = this.entries.values().next();
    if (head.done) return;
    this.armedFor = head.value;
    this.timer = this.timers.set(this.fireFn, Math.max(0, this.armedFor - this.now()));
  }

  private disarm(): void {
    this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    // Entries whose deadline is the one the timer was set for, or earlier, are due; a clock that
    // fires a timer a little early must not make us wait another full round.
    const due = Math.max(this.armedFor, this.now());
    for (const [key, at] of this.entries) {
      if (at > due) break;
      this.entries.delete(key);
      this.onDue(key);
    }
    if (!this.timer) this.arm();
  }
}

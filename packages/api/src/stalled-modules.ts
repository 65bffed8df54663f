/** What the tracker needs of a module connection. */
export interface StallTarget {
  close(reason: 'validation-stalled', details: Record<string, unknown>): void;
}

/**
 * Modules that could not be asked about an item (pending validations full) and have answered
 * nothing since. One that stays so for `limitMs` (the validation timeout: every item it was asked
 * about has expired unanswered meanwhile) is disconnected as `validation-stalled`, so it stops
 * costing every item of its data types a refused verdict. One entry per such connection (bounded
 * by the connection limit); an entry goes when the module answers anything, or closes.
 */
export class StalledModules<T extends StallTarget> {
  private readonly since = new Map<T, number>();

  constructor(
    private readonly now: () => number,
    private readonly limitMs: number,
  ) {}

  /** `conn` could not be asked about an item: its pending validations are full. */
  full(conn: T): void {
    const first = this.since.get(conn);
    const now = this.now();
    if (first === undefined) {
      this.since.set(conn, now);
      return;
    }
    if (now - first < this.limitMs) return;
    this.since.delete(conn);
    conn.close('validation-stalled', { fullForMs: now - first, limitMs: this.limitMs, why: 'pending validations full' });
  }

  /** `conn` sent a VALIDATION: it is slow, perhaps, but not stuck. */
  answered(conn: T): void {
    if (this.since.size > 0) this.since.delete(conn);
  }

  /** `conn` closed. */
  forget(conn: T): void {
    this.since.delete(conn);
  }
}

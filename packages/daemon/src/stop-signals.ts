/**
 * What a stop signal means, by when it comes: the first starts the graceful stop; one within
 * REPEATED_SIGNAL_GRACE_MS of it is the same stop relayed (pnpm forwards the process group's SIGTERM
 * to its child, so a daemon under pnpm gets it twice) and is ignored; a later one means "exit now".
 */

/** A repeat this soon after the first signal is not a second request. */
export const REPEATED_SIGNAL_GRACE_MS = 1_000;

export type SignalAction = 'stop' | 'ignore' | 'exit-now';

export class StopSignals {
  private firstAt: number | undefined;

  constructor(
    private readonly clock: { now(): number },
    private readonly graceMs = REPEATED_SIGNAL_GRACE_MS,
  ) {}

  /** Call on every SIGINT, SIGTERM or parent exit; says what to do. */
  next(): SignalAction {
    const now = this.clock.now();
    if (this.firstAt === undefined) {
      this.firstAt = now;
      return 'stop';
    }
    return now - this.firstAt < this.graceMs ? 'ignore' : 'exit-now';
  }
}

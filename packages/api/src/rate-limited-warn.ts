import type { Clock, Logger } from './types.js';

interface ReasonState {
  at: number;
  suppressed: number;
}

/**
 * Warnings for repeated events (drops) at most once per reason per
 * `intervalMs` of the injected clock. Each warning states how many were
 * suppressed since the previous one. Reasons are a fixed, small set of
 * strings chosen by the caller, so the map stays tiny.
 */
export class RateLimitedWarn {
  private readonly reasons = new Map<string, ReasonState>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  /** Log `msg` at warn level unless `reason` was warned about within the interval. Returns true if logged. */
  warn(reason: string, fields: Record<string, unknown>, msg: string): boolean {
    const now = this.clock.now();
    const state = this.reasons.get(reason);
    if (state && now - state.at < this.intervalMs) {
      state.suppressed++;
      return false;
    }
    this.logger.warn({ ...fields, reason, suppressedSinceLastWarning: state?.suppressed ?? 0 }, msg);
    this.reasons.set(reason, { at: now, suppressed: 0 });
    return true;
  }
}

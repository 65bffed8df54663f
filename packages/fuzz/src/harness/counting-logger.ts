/**
 * A logger that keeps counts, not records (millions of inputs): warn and error
 * lines, and the fields of the last warning, so a target can check that bad
 * input gives one warning naming the remote, and nothing at error level.
 */
export interface CountingState {
  warns: number;
  errors: number;
  lastWarn: Record<string, unknown> | undefined;
  lastError: string | undefined;
}

export class CountingLogger {
  constructor(
    readonly state: CountingState = { warns: 0, errors: 0, lastWarn: undefined, lastError: undefined },
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  child(bindings: Record<string, unknown>): CountingLogger {
    return new CountingLogger(this.state, { ...this.bindings, ...bindings });
  }

  debug(): void {}
  info(): void {}

  warn(obj: unknown, msg?: string): void {
    this.state.warns++;
    this.state.lastWarn = { ...this.bindings, ...(typeof obj === 'object' && obj ? obj : {}), msg: msg ?? obj };
  }

  error(obj: unknown, msg?: string): void {
    this.state.errors++;
    this.state.lastError = `${msg ?? ''} ${JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? String(v) : v instanceof Error ? v.stack : v))}`;
  }
}

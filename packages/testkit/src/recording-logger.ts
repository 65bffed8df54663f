/** The structural logger every Gossip-5 package takes (pino satisfies it). */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  /** Child bindings merged with the object argument. */
  fields: Record<string, unknown>;
}

/** A logger that keeps every record in memory so tests can assert on log lines. */
export class RecordingLogger implements Logger {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  child(bindings: Record<string, unknown>): RecordingLogger {
    return new RecordingLogger(this.records, { ...this.bindings, ...bindings });
  }

  private add(level: LogRecord['level'], obj: unknown, msg?: string): void {
    if (typeof obj === 'string') {
      this.records.push({ level, msg: obj, fields: { ...this.bindings } });
    } else {
      this.records.push({ level, msg: msg ?? '', fields: { ...this.bindings, ...(obj as object) } });
    }
  }

  debug(obj: unknown, msg?: string): void {
    this.add('debug', obj, msg);
  }
  info(obj: unknown, msg?: string): void {
    this.add('info', obj, msg);
  }
  warn(obj: unknown, msg?: string): void {
    this.add('warn', obj, msg);
  }
  error(obj: unknown, msg?: string): void {
    this.add('error', obj, msg);
  }

  /** Records at `level` (or any level) whose message or fields mention `text`. */
  find(text: string, level?: LogRecord['level']): LogRecord[] {
    return this.records.filter(
      (r) => (!level || r.level === level) && (r.msg.includes(text) || JSON.stringify(r.fields, replacer).includes(text)),
    );
  }
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  child: () => silentLogger,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

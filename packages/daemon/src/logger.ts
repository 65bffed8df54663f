import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type LogLevel = LevelWithSilent;

export interface RootLogger {
  logger: PinoLogger;
  /** Write out everything buffered; call before exiting. */
  flush(): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable output (default: when stdout is a terminal). */
  pretty?: boolean;
  /** Extra fields on every line, e.g. `{ node: 'A' }`. */
  base?: Record<string, unknown>;
}

/**
 * The daemon's one root logger: JSON lines to stdout (asynchronous, buffered),
 * or pino-pretty when stdout is a terminal. Components get `logger.child()`.
 */
export function createRootLogger(options: LoggerOptions): RootLogger {
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
  const common = {
    level: options.level,
    base: { pid: process.pid, ...options.base },
    serializers: { err: pino.stdSerializers.err },
  };
  if (usePretty) {
    const stream = pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
    const logger = pino(common, stream);
    return { logger, flush: () => undefined };
  }
  // Asynchronous, but without a minimum batch: a line is written as soon as the previous write is done,
  // so `tail -f` and log shippers see it at once.
  const destination = pino.destination({ dest: 1, sync: false });
  const logger = pino(common, destination);
  return {
    logger,
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        // stdout already closed: nothing left to do
      }
    },
  };
}

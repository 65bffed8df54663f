import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import type { Clock } from './clock.js';

export type LogLevel = LevelWithSilent;

export interface RootLogger {
  logger: PinoLogger;
  /**
   * Wait until what was logged has been written, at most `maxMs` (of `clock`), and resolve at once when
   * stdout has gone away (a reader such as `| head` that exited). Call before exiting.
   */
  flush(clock: Clock, maxMs?: number): Promise<void>;
}

/** The longest a daemon waits for its log lines to leave before it exits anyway. */
export const LOG_FLUSH_MS = 1_000;

/** What the exit path reads of sonic-boom's state (not in its typings). */
interface DestinationState {
  _writing?: boolean;
  _len?: number;
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
    return { logger, flush: () => Promise.resolve() };
  }
  // Asynchronous, but without a minimum batch: a line is written as soon as the previous write is done,
  // so `tail -f` and log shippers see it at once.
  //
  // No synchronous flush on the way out: sonic-boom's flushSync retries a write that failed with EPIPE
  // forever (it retries every error, not only EAGAIN), so `gossip5 | head` hung at exit. Instead the
  // exit path waits for the asynchronous writes to drain; a broken pipe surfaces there as an error,
  // after which pino stops writing (and its own exit hook has nothing left to write).
  const destination = pino.destination({ dest: 1, sync: false });
  let broken = false;
  destination.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') broken = true;
  });
  const logger = pino(common, destination);
  return {
    logger,
    flush: (clock, maxMs = LOG_FLUSH_MS) =>
      new Promise<void>((resolve) => {
        const state = destination as unknown as DestinationState;
        if (broken || (!state._writing && !state._len)) {
          resolve();
          return;
        }
        const done = () => {
          clock.clearTimeout(timer);
          destination.off('drain', done);
          destination.off('error', done);
          resolve();
        };
        const timer = clock.setTimeout(done, maxMs);
        destination.on('drain', done);
        destination.on('error', done);
      }),
  };
}

import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
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
  /** Where lines go: a file descriptor (default 1, stdout). For tests. */
  destination?: number;
  /** Colours in pretty mode (default: on). */
  colorize?: boolean;
}

/** Resolves when `start(done)` calls done, or after `maxMs` of `clock`, whichever comes first. */
function bounded(clock: Clock, maxMs: number, start: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clock.clearTimeout(timer);
      resolve();
    };
    const timer = clock.setTimeout(done, maxMs);
    start(done);
  });
}

/**
 * The daemon's one root logger: JSON lines to stdout (asynchronous, buffered), or, when stdout
 * is a terminal, pino-pretty in a worker thread (`pino.transport`): the daemon's event loop only
 * copies each JSON line into a shared buffer, the formatting happens off it. Components get
 * `logger.child()`.
 */
export function createRootLogger(options: LoggerOptions): RootLogger {
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
  const dest = options.destination ?? 1;
  const common = {
    level: options.level,
    base: { pid: process.pid, ...options.base },
    serializers: { err: pino.stdSerializers.err },
  };
  if (usePretty) {
    // In the worker the writes are synchronous, so a line the worker has taken is a line written:
    // flush() (the worker has taken everything) then loses nothing at exit, and pino's own exit hook
    // ends the worker.
    const transport = pino.transport({
      target: 'pino-pretty',
      options: {
        colorize: options.colorize ?? true,
        sync: true,
        destination: dest,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
      },
    });
    const logger = pino(common, transport);
    return {
      logger,
      flush: (clock, maxMs = LOG_FLUSH_MS) =>
        bounded(clock, maxMs, (done) => {
          const state = transport as unknown as { destroyed?: boolean; closed?: boolean };
          if (state.destroyed || state.closed) return done();
          try {
            transport.flush(() => done());
          } catch {
            done(); // the worker is gone (the terminal closed): nothing left to do
          }
        }),
    };
  }
  // Asynchronous, but without a minimum batch: a line is written as soon as the previous write is done,
  // so `tail -f` and log shippers see it at once.
  //
  // No synchronous flush on the way out: sonic-boom's flushSync retries a write that failed with EPIPE
  // forever (it retries every error, not only EAGAIN), so `gossip5 | head` hung at exit. Instead the
  // exit path waits for the asynchronous writes to drain; a broken pipe surfaces there as an error,
  // after which pino stops writing (and its own exit hook has nothing left to write). Waiting for the
  // drain also keeps the order: the last lines cannot overtake a write in flight.
  const destination = pino.destination({ dest, sync: false });
  let broken = false;
  destination.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') broken = true;
  });
  const logger = pino(common, destination);
  return {
    logger,
    flush: (clock, maxMs = LOG_FLUSH_MS) => {
      const state = destination as unknown as DestinationState;
      if (broken || (!state._writing && !state._len)) return Promise.resolve();
      return bounded(clock, maxMs, (done) => {
        const finish = () => {
          destination.off('drain', finish);
          destination.off('error', finish);
          done();
        };
        destination.on('drain', finish);
        destination.on('error', finish);
      });
    },
  };
}

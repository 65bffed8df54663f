import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Clock, Logger, RandomBytes } from './types.js';

/** A logger that drops everything: the default when none is given. */
export const silentLogger: Logger = {
  child: () => silentLogger,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/**
 * The real clock. Its timers are unref'd: a node's listener keeps the process
 * alive, its timers alone do not.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Cryptographically strong random bytes. */
export const systemRandomBytes: RandomBytes = (n) => new Uint8Array(cryptoRandomBytes(n));

/**
 * Errors of the daemon's start-up path. Both carry a stable `code`; compare
 * errors by `code` (see `isConfigError` / `isUsageError`), not `instanceof`.
 * Their messages are one line each, ready to print as they are.
 */

/** Stable codes of the errors in this file. */
export const DaemonErrorCode = {
  /** The INI file is missing, unreadable or holds a bad value. */
  Config: 'GOSSIP_ERR_CONFIG',
  /** The command line is wrong (unknown flag, missing -c, bad number, ...). */
  Usage: 'GOSSIP_ERR_USAGE',
} as const;

/** Collapse any line breaks so a message always stays on one line. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * A problem with the config file. The message is one line:
 * `<file>: <key>: <what is wrong>`, or `<file>: <what is wrong>` when no key
 * is concerned (the file itself is missing or unreadable).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = DaemonErrorCode.Config;
  /** Absolute path of the INI file. */
  readonly file: string;
  /** The key concerned, as `[gossip] degree`, `[gossip]` or `hostkey`; undefined for file-level problems. */
  readonly key: string | undefined;
  /** What is wrong, without the file and key prefix. */
  readonly problem: string;

  constructor(file: string, key: string | undefined, problem: string, options?: { cause?: unknown }) {
    const text = oneLine(problem);
    super(key === undefined ? `${file}: ${text}` : `${file}: ${key}: ${text}`, options);
    this.file = file;
    this.key = key;
    this.problem = text;
  }
}

/** A bad command line. The message is one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = DaemonErrorCode.Usage;

  constructor(message: string, options?: { cause?: unknown }) {
    super(oneLine(message), options);
  }
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** True for a ConfigError, by its code. */
export function isConfigError(err: unknown): err is ConfigError {
  return hasCode(err, DaemonErrorCode.Config);
}

/** True for a UsageError, by its code. */
export function isUsageError(err: unknown): err is UsageError {
  return hasCode(err, DaemonErrorCode.Usage);
}

import { isAbsolute, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_LIMITS, parseSecondsToMs } from './config.js';
import { UsageError } from './errors.js';
import { usageFromParseError } from './usage-error.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type CliLogLevel = (typeof LOG_LEVELS)[number];

/** What the daemon's command line asks for. */
export interface CliOptions {
  /** Absolute path of the INI file (`''` only when help or version is set and -c was not given). */
  configPath: string;
  /** `-v SECONDS`, in ms; overrides the file's `validation_timeout`. */
  validationTimeoutMs?: number;
  /** `-s SECONDS`, in ms; overrides the file's `spread_suppression`. */
  spreadSuppressionMs?: number;
  /** `--log-level`, else env LOG_LEVEL, else `info`. */
  logLevel: CliLogLevel;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: gossip5 -c PATH [-v SECONDS] [-s SECONDS] [--log-level LEVEL]
       gossip5 keygen --out FILE [--type rsa|ed25519] [--bits N]   (a new hostkey)
       gossip5 --help | --version

Gossip-5 daemon of the VoidPhone P2P stack: spreads items between peers (P2P
port) and hands them to local modules (API port), both set in the INI file.

Options:
  -c, --config PATH               INI file with a [gossip] section (required).
                                  A relative path is taken from the directory
                                  the command was typed in (INIT_CWD under pnpm).
  -v, --validation-timeout SECS   How long local modules may take to validate
                                  an item before it is dropped (default 10, or
                                  validation_timeout in the file). Decimals allowed.
  -s, --spread-suppression SECS   How long an item id is remembered so the item
                                  is not delivered or spread twice (default 300,
                                  or spread_suppression in the file).
  -l, --log-level LEVEL           trace, debug, info, warn, error, fatal or
                                  silent (default: env LOG_LEVEL, else info).
  -h, --help                      Print this help and exit.
  -V, --version                   Print the version and exit.

SIGTERM or SIGINT stops the node gracefully (5 s deadline); started from a
package script, it also stops when the process that started it goes away
(GOSSIP5_WATCH_PARENT=1 or 0 forces this on or off).
Exit status: 0 after a clean stop, 1 when the stop timed out or a port is
busy, 2 for a bad command line or config file.
Example: pnpm --filter daemon start -c peer.ini`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'validation-timeout': { type: 'string', short: 'v' },
  'spread-suppression': { type: 'string', short: 's' },
  'log-level': { type: 'string', short: 'l' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type OptionName = keyof typeof OPTIONS;

function flagName(name: OptionName): string {
  return `-${OPTIONS[name].short}/--${name}`;
}

function seconds(name: 'validation-timeout' | 'spread-suppression', text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const { min, max } = CONFIG_LIMITS[name === 'validation-timeout' ? 'validation_timeout' : 'spread_suppression'];
  const ms = parseSecondsToMs(text.trim(), min, max);
  if (typeof ms === 'string') throw new UsageError(`${flagName(name)} ${ms}`);
  return ms;
}

function logLevel(text: string | undefined, source: string): CliLogLevel | undefined {
  if (text === undefined || text === '') return undefined;
  const level = text.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as CliLogLevel;
  throw new UsageError(`${source} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`);
}

/**
 * Parse the daemon's arguments (without `node` and the script path). A
 * leading `--` (as some `pnpm start -- ...` invocations pass) is skipped.
 * Throws UsageError (code GOSSIP_ERR_USAGE) with a one-line message.
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): CliOptions {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    throw usageFromParseError(err);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`${flagName(token.name as OptionName)} given more than once`);
    seen.add(token.name);
  }
  const { values } = parsed;
  const help = values.help === true;
  const version = values.version === true;

  let configPath = '';
  if (values.config !== undefined) {
    if (values.config.trim() === '') throw new UsageError(`${flagName('config')} needs a file path`);
    const base = env.INIT_CWD && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : cwd;
    configPath = resolvePath(base, values.config);
  } else if (!help && !version) {
    throw new UsageError(`${flagName('config')} PATH is required`);
  }

  const options: CliOptions = {
    configPath,
    logLevel: logLevel(values['log-level'], flagName('log-level')) ?? logLevel(env.LOG_LEVEL, 'LOG_LEVEL') ?? 'info',
    help,
    version,
  };
  const v = seconds('validation-timeout', values['validation-timeout']);
  if (v !== undefined) options.validationTimeoutMs = v;
  const s = seconds('spread-suppression', values['spread-suppression']);
  if (s !== undefined) options.spreadSuppressionMs = s;
  return options;
}

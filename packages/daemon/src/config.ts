import { lookup } from 'node:dns/promises';
import { readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, resolve as resolvePath } from 'node:path';
import { parseNetwork, POW_DIFFICULTY_RANGE } from '@gossip5/p2p';
import { isProtocolError, makePeerAddress, splitHostPort } from '@gossip5/protocol';
import ini from 'ini';
import { ConfigError } from './errors.js';
import { nearestKey } from './nearest-key.js';

/** A listening or dialing address from the config. */
export interface Endpoint {
  /** Canonical IP literal (after name resolution), without brackets: `127.0.0.1`, `::1`. */
  host: string;
  family: 4 | 6;
  /** 1..65535 (port 0 is refused: a node must advertise a real port). */
  port: number;
  /** The value as written in the file, e.g. `localhost:6001`. */
  text: string;
}

/** The validated, frozen configuration of one daemon. */
export interface GossipConfig {
  /** Absolute path of the INI file. */
  file: string;
  /**
   * Top-level `hostkey` (VoidPhone-wide): absolute path of the PEM private key (a relative path is taken
   * from the INI file's directory). Undefined when absent or empty: links are then plaintext.
   */
  hostkey: string | undefined;
  /** `allow_plaintext`: with a hostkey, also link to plaintext peers (mixed or legacy networks). */
  allowPlaintext: boolean;
  /** `bootstrapper_identity`: the bootstrapper's identity (64 hex digits), pinned from the start. */
  bootstrapperIdentity: Uint8Array | undefined;
  cacheSize: number;
  degree: number;
  p2pTtl: number;
  /** Undefined when absent, or when it equals `p2pAddress`: this node is the bootstrapper. */
  bootstrapper: Endpoint | undefined;
  p2pAddress: Endpoint;
  apiAddress: Endpoint;
  /** Where GET /metrics (Prometheus) and GET /status (JSON) are served; off when absent. */
  metricsAddress: Endpoint | undefined;
  powDifficulty: number;
  relayUnsubscribed: boolean;
  /** `lazy_push`: Plumtree lazy push toward peers that offer it too (default on). */
  lazyPush: boolean;
  validationTimeoutMs: number;
  spreadSuppressionMs: number;
  maxModuleConnections: number;
  /** How often a full node tries one random known peer, so separate clusters merge (0 = never). */
  shuffleIntervalMs: number;
  /** A peer's HELLO address must have the IP its connection comes from (`verify_peer_address`; off behind NAT). */
  verifyPeerAddress: boolean;
  /** Networks without per-group limits besides loopback (`exempt_networks`, comma list of a.b.c.d/n, v6/n). */
  exemptNetworks: string[];
  /** One line per problem that does not stop the daemon (unknown key, wildcard p2p_address). */
  warnings: string[];
}

/** Values from the command line that take precedence over the file. */
export interface ConfigOverrides {
  validationTimeoutMs?: number;
  spreadSuppressionMs?: number;
}

/** Resolves a host name to one address. Injectable for tests. */
export type HostResolver = (host: string) => Promise<{ address: string; family: number }>;

export interface ConfigDeps {
  /** Default: node:dns lookup, first IPv4 answer, else the first answer. */
  resolveHost?: HostResolver;
}

/** Default `p2p_ttl`: hops of a PUSH announcing a newcomer. */
export const DEFAULT_P2P_TTL = 5;
/** Default `pow_difficulty`: leading zero bits of the join proof of work. */
export const DEFAULT_POW_DIFFICULTY = 18;
/** Default `relay_unsubscribed`: relay items of types no local module subscribed to. */
export const DEFAULT_RELAY_UNSUBSCRIBED = true;
/** Default `lazy_push`: on (eager push along a tree, ids to the other neighbours, pulls repair). */
export const DEFAULT_LAZY_PUSH = true;
/** Default validation timeout (`validation_timeout`, `-v`): 10 s. */
export const DEFAULT_VALIDATION_TIMEOUT_MS = 10_000;
/** Default spread-suppression time (`spread_suppression`, `-s`): 300 s. */
export const DEFAULT_SPREAD_SUPPRESSION_MS = 300_000;
/** Default `max_api_connections`: module connections served at once. */
export const DEFAULT_MAX_API_CONNECTIONS = 1024;
/** Default `allow_plaintext`: with a hostkey, authenticated links only. */
export const DEFAULT_ALLOW_PLAINTEXT = false;
/** Default `shuffle_interval`: 60 s (the p2p package's default). */
export const DEFAULT_SHUFFLE_INTERVAL_MS = 60_000;
/** A config file larger than this is refused before it is read. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** Inclusive bounds of every numeric key (seconds for the two time keys). */
export const CONFIG_LIMITS = {
  cache_size: { min: 1, max: 1_000_000 },
  degree: { min: 1, max: 1000 },
  p2p_ttl: { min: 0, max: 255 },
  // The one range the p2p package accepts and its dialers solve: a node is never configured unjoinable.
  pow_difficulty: { min: POW_DIFFICULTY_RANGE.min, max: POW_DIFFICULTY_RANGE.max },
  max_api_connections: { min: 1, max: 100_000 },
  validation_timeout: { min: 0.001, max: 3600 },
  spread_suppression: { min: 0.001, max: 86_400 },
  shuffle_interval: { min: 0, max: 86_400 },
} as const;

/** Every key `[gossip]` understands; anything else is warned about and ignored. */
export const GOSSIP_KEYS = [
  'cache_size',
  'degree',
  'p2p_ttl',
  'bootstrapper',
  'p2p_address',
  'api_address',
  'metrics_address',
  'pow_difficulty',
  'relay_unsubscribed',
  'lazy_push',
  'validation_timeout',
  'spread_suppression',
  'max_api_connections',
  'shuffle_interval',
  'verify_peer_address',
  'exempt_networks',
  'allow_plaintext',
  'bootstrapper_identity',
] as const;

type GossipKey = (typeof GOSSIP_KEYS)[number];

const TRUE_WORDS = new Set(['true', 'yes', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', '0', 'off']);

/**
 * Parse a plain decimal integer (digits only: no sign, exponent, blanks or
 * suffix) within [min, max]. Returns an error text instead of throwing.
 */
export function parseDecimalInteger(text: string, min: number, max: number): number | string {
  const n = /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  return `must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`;
}

/**
 * Parse positive decimal seconds (`10`, `0.5`, `.25`) within [min, max] into
 * whole milliseconds. Returns an error text instead of throwing.
 */
export function parseSecondsToMs(text: string, min: number, max: number): number | string {
  const s = /^([0-9]{1,9}(\.[0-9]{0,9})?|\.[0-9]{1,9})$/.test(text) ? Number(text) : NaN;
  if (Number.isFinite(s) && s >= min && s <= max) return s === 0 ? 0 : Math.max(1, Math.round(s * 1000));
  return `must be seconds from ${min} to ${max} (a decimal number like 2 or 0.5), got ${JSON.stringify(text)}`;
}

async function defaultResolveHost(host: string): Promise<{ address: string; family: number }> {
  const all = await lookup(host, { all: true });
  const chosen = all.find((a) => a.family === 4) ?? all[0];
  if (!chosen) throw Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' });
  return chosen;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** True when two listening endpoints would fight over the same socket. */
function endpointsClash(a: Endpoint, b: Endpoint): boolean {
  if (a.port !== b.port) return false;
  if (a.host === b.host) return true;
  if (a.host === '::' || b.host === '::') return true; // dual-stack wildcard takes both families
  return (a.host === '0.0.0.0' && b.family === 4) || (b.host === '0.0.0.0' && a.family === 4);
}

class Reader {
  readonly warnings: string[] = [];

  constructor(
    readonly file: string,
    private readonly section: Record<string, unknown>,
    private readonly resolveHost: HostResolver,
  ) {
    for (const [key, value] of Object.entries(section)) {
      // `[gossip.x]` is another section that ini nests here: not ours, ignore it.
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) continue;
      if (!(GOSSIP_KEYS as readonly string[]).includes(key)) {
        // A near miss of a known key is a typo, not a key for a newer version: ignoring it would
        // silently run with the default (a misspelt bootstrapper starts a lone bootstrapper).
        const near = nearestKey(key, GOSSIP_KEYS);
        if (near !== undefined) throw new ConfigError(file, `[gossip] ${key}`, `unknown key; did you mean ${near}?`);
        this.warnings.push(`${file}: [gossip] ${key}: unknown key, ignored`);
      }
    }
  }

  fail(key: GossipKey, problem: string): never {
    throw new ConfigError(this.file, `[gossip] ${key}`, problem);
  }

  /** The trimmed text of a key, or undefined when the key is absent. */
  text(key: GossipKey, required: boolean): string | undefined {
    let value = Object.hasOwn(this.section, key) ? this.section[key] : undefined;
    if (Array.isArray(value)) {
      // ini turns a repeated key into an array (and a key first seen in an
      // earlier section into a one-element array).
      if (value.length > 1) this.fail(key, `set ${value.length} times; keep exactly one line`);
      value = value[0];
    }
    if (typeof value === 'object' && value !== null) value = undefined; // a [gossip.key] section
    if (value === undefined) {
      if (required) this.fail(key, 'missing (required)');
      return undefined;
    }
    const text = String(value).trim();
    if (text === '') this.fail(key, 'has no value; remove the line to use the default, or give one');
    return text;
  }

  integer(key: keyof typeof CONFIG_LIMITS, fallback?: number): number {
    const text = this.text(key, fallback === undefined);
    if (text === undefined) return fallback!;
    const { min, max } = CONFIG_LIMITS[key];
    const n = parseDecimalInteger(text, min, max);
    return typeof n === 'number' ? n : this.fail(key, n);
  }

  seconds(key: 'validation_timeout' | 'spread_suppression' | 'shuffle_interval', fallbackMs: number): number {
    const text = this.text(key, false);
    if (text === undefined) return fallbackMs;
    const { min, max } = CONFIG_LIMITS[key];
    const ms = parseSecondsToMs(text, min, max);
    return typeof ms === 'number' ? ms : this.fail(key, ms);
  }

  boolean(key: GossipKey, fallback: boolean): boolean {
    const text = this.text(key, false);
    if (text === undefined) return fallback;
    const word = text.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return this.fail(key, `must be true or false (also yes/no, 1/0, on/off), got ${JSON.stringify(text)}`);
  }

  async endpoint(key: 'bootstrapper' | 'p2p_address' | 'api_address' | 'metrics_address', required: boolean): Promise<Endpoint | undefined> {
    const text = this.text(key, required);
    if (text === undefined) return undefined;
    let host: string;
    let port: number;
    try {
      ({ host, port } = splitHostPort(text));
    } catch (err) {
      if (isProtocolError(err) && err.field === 'port') {
        return this.fail(key, `port must be a number from 1 to 65535 in ${JSON.stringify(text)}`);
      }
      const reason = isProtocolError(err) ? err.reason : String(err);
      return this.fail(key, `${reason} (expected host:port, [v6]:port or name:port)`);
    }
    if (port === 0) this.fail(key, `port must be a number from 1 to 65535 (0 is not a real port) in ${JSON.stringify(text)}`);
    if (text.startsWith('[') && isIP(host) !== 6) {
      this.fail(key, `brackets are for IPv6 literals only, got ${JSON.stringify(text)}`);
    }
    let ip = host;
    if (isIP(host) === 0) {
      try {
        ip = (await this.resolveHost(host)).address;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        this.fail(key, `cannot resolve host name ${JSON.stringify(host)} (${String(code ?? err)})`);
      }
    }
    try {
      const addr = makePeerAddress(ip, port);
      return { host: addr.host, family: addr.family, port, text };
    } catch (err) {
      const reason = isProtocolError(err) ? err.reason : String(err);
      return this.fail(key, `${reason} in ${JSON.stringify(text)}`);
    }
  }
}

function freeze(config: GossipConfig): GossipConfig {
  for (const e of [config.bootstrapper, config.p2pAddress, config.apiAddress, config.metricsAddress]) if (e) Object.freeze(e);
  Object.freeze(config.warnings);
  Object.freeze(config.exemptNetworks);
  return Object.freeze(config);
}

function readHostkey(file: string, top: Record<string, unknown>): string | undefined {
  let value = Object.hasOwn(top, 'hostkey') ? top.hostkey : undefined;
  if (Array.isArray(value)) {
    if (value.length > 1) throw new ConfigError(file, 'hostkey', `set ${value.length} times; keep exactly one line`);
    value = value[0];
  }
  if (value === undefined || (typeof value === 'object' && value !== null)) return undefined;
  // `hostkey =` (empty) means no key, as an absent key does: plaintext links.
  if (value === true || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') throw new ConfigError(file, 'hostkey', 'must be a file path');
  return resolvePath(dirname(file), value.trim());
}

/**
 * Validate the text of an INI file (see the package README for every key).
 * `file` names the file in error messages; it is made absolute.
 * Throws ConfigError (code GOSSIP_ERR_CONFIG) on the first problem.
 */
export async function parseConfig(
  text: string,
  file: string,
  overrides: ConfigOverrides = {},
  deps: ConfigDeps = {},
): Promise<GossipConfig> {
  const abs = resolvePath(file);
  const top = ini.parse(text.replace(/^\uFEFF/, ''), { bracketedArray: false }) as Record<string, unknown>;
  const hostkey = readHostkey(abs, top);
  const gossip = Object.hasOwn(top, 'gossip') ? top.gossip : undefined;
  if (typeof gossip !== 'object' || gossip === null || Array.isArray(gossip)) {
    throw new ConfigError(abs, '[gossip]', 'section missing (section and key names are case-sensitive)');
  }
  const r = new Reader(abs, gossip as Record<string, unknown>, deps.resolveHost ?? defaultResolveHost);

  const cacheSize = r.integer('cache_size');
  const degree = r.integer('degree');
  const p2pTtl = r.integer('p2p_ttl', DEFAULT_P2P_TTL);
  const powDifficulty = r.integer('pow_difficulty', DEFAULT_POW_DIFFICULTY);
  const maxModuleConnections = r.integer('max_api_connections', DEFAULT_MAX_API_CONNECTIONS);
  const relayUnsubscribed = r.boolean('relay_unsubscribed', DEFAULT_RELAY_UNSUBSCRIBED);
  const lazyPush = r.boolean('lazy_push', DEFAULT_LAZY_PUSH);
  const validationTimeoutMs = r.seconds('validation_timeout', DEFAULT_VALIDATION_TIMEOUT_MS);
  const spreadSuppressionMs = r.seconds('spread_suppression', DEFAULT_SPREAD_SUPPRESSION_MS);
  const shuffleIntervalMs = r.seconds('shuffle_interval', DEFAULT_SHUFFLE_INTERVAL_MS);
  const verifyPeerAddress = r.boolean('verify_peer_address', true);
  const exemptNetworks = (r.text('exempt_networks', false) ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const n of exemptNetworks) {
    try {
      parseNetwork(n);
    } catch (err) {
      r.fail('exempt_networks', err instanceof Error ? err.message : String(err));
    }
  }
  const allowPlaintext = r.boolean('allow_plaintext', DEFAULT_ALLOW_PLAINTEXT);
  const bootIdText = r.text('bootstrapper_identity', false);
  if (bootIdText !== undefined && !/^[0-9a-fA-F]{64}$/.test(bootIdText)) {
    r.fail('bootstrapper_identity', `must be 64 hex digits (SHA-256 of the bootstrapper's public key), got ${JSON.stringify(bootIdText)}`);
  }
  const bootstrapperIdentity = bootIdText === undefined ? undefined : new Uint8Array(Buffer.from(bootIdText, 'hex'));
  const p2pAddress = (await r.endpoint('p2p_address', true))!;
  const apiAddress = (await r.endpoint('api_address', true))!;
  let bootstrapper = await r.endpoint('bootstrapper', false);
  const metricsAddress = await r.endpoint('metrics_address', false);
  if (metricsAddress) {
    for (const [other, e] of [['p2p_address', p2pAddress], ['api_address', apiAddress]] as const) {
      if (endpointsClash(metricsAddress, e)) r.fail('metrics_address', `must not share a port with ${other} (${e.text})`);
    }
  }

  if (endpointsClash(p2pAddress, apiAddress)) {
    r.fail('api_address', `must not share a port with p2p_address (${p2pAddress.text} and ${apiAddress.text})`);
  }
  if (bootstrapper && isWildcard(bootstrapper.host)) {
    r.fail('bootstrapper', `${bootstrapper.text} is a wildcard address, not one a node can dial`);
  }
  if (bootstrapper && bootstrapper.host === p2pAddress.host && bootstrapper.port === p2pAddress.port) {
    bootstrapper = undefined; // "I am the bootstrapper": one file can name the same bootstrapper for all nodes
  }
  if (isWildcard(p2pAddress.host)) {
    r.warnings.push(
      `${abs}: [gossip] p2p_address: ${p2pAddress.text} is a wildcard; peers will be told to dial ${p2pAddress.text}, set a reachable address`,
    );
  }

  return freeze({
    file: abs,
    hostkey,
    cacheSize,
    degree,
    p2pTtl,
    bootstrapper,
    p2pAddress,
    apiAddress,
    metricsAddress,
    powDifficulty,
    relayUnsubscribed,
    lazyPush,
    validationTimeoutMs: overrides.validationTimeoutMs ?? validationTimeoutMs,
    spreadSuppressionMs: overrides.spreadSuppressionMs ?? spreadSuppressionMs,
    maxModuleConnections,
    shuffleIntervalMs,
    verifyPeerAddress,
    exemptNetworks,
    allowPlaintext,
    bootstrapperIdentity,
    warnings: r.warnings,
  });
}

function readProblem(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read the file: permission denied';
  if (code === 'EISDIR') return 'is a directory, not a config file';
  return `cannot read the file: ${String(code ?? (err as Error).message ?? err)}`;
}

/**
 * Read and validate an INI file. A relative `file` resolves against the
 * process's working directory (the CLI already makes `-c` absolute).
 * Throws ConfigError (code GOSSIP_ERR_CONFIG) on the first problem.
 */
export async function loadConfig(
  file: string,
  overrides: ConfigOverrides = {},
  deps: ConfigDeps = {},
): Promise<GossipConfig> {
  const abs = resolvePath(file);
  let text: string;
  try {
    const info = await stat(abs);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw new ConfigError(abs, undefined, 'is not a regular file');
    if (info.size > MAX_CONFIG_FILE_BYTES) {
      throw new ConfigError(abs, undefined, `is ${info.size} bytes; a config file may have at most ${MAX_CONFIG_FILE_BYTES}`);
    }
    text = await readFile(abs, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(abs, undefined, readProblem(err), { cause: err });
  }
  return parseConfig(text, abs, overrides, deps);
}

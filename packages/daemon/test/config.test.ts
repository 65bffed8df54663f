import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_MAX_API_CONNECTIONS,
  DEFAULT_P2P_TTL,
  DEFAULT_POW_DIFFICULTY,
  DEFAULT_SPREAD_SUPPRESSION_MS,
  DEFAULT_VALIDATION_TIMEOUT_MS,
  GOSSIP_KEYS,
  MAX_CONFIG_FILE_BYTES,
  loadConfig,
  parseConfig,
  type ConfigDeps,
  type GossipConfig,
} from '../src/config.js';
import { DEFAULT_API } from '../src/client.js';
import { isConfigError } from '../src/errors.js';
import { editDistance, nearestKey } from '../src/nearest-key.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => join(FIXTURES, name);
const FILE = resolve('/etc/gossip/test.ini');

/** No real DNS in error tests: every name fails to resolve, except `peer.example` -> 10.0.0.7. */
const fakeDns: ConfigDeps = {
  resolveHost: async (host) => {
    if (host === 'peer.example') return { address: '10.0.0.7', family: 4 };
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  },
};

const BASE: Record<string, string> = {
  cache_size: '50',
  degree: '30',
  p2p_address: '127.0.0.1:6011',
  api_address: '127.0.0.1:7011',
};

/** A [gossip] section from BASE, with keys changed (a string) or removed (null). */
function ini(changes: Record<string, string | null> = {}, extra = ''): string {
  const keys = { ...BASE, ...changes };
  const lines = Object.entries(keys)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} = ${v}`);
  return `[gossip]\n${lines.join('\n')}\n${extra}`;
}

async function configError(promise: Promise<GossipConfig>): Promise<Error & { code: string; file: string; key?: string }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isConfigError(err), `expected a ConfigError, got ${String(err)}`);
    const e = err as Error & { code: string; file: string; key?: string; name: string };
    assert.is(e.code, 'GOSSIP_ERR_CONFIG');
    assert.is(e.name, 'ConfigError');
    assert.not.match(e.message, /[\r\n]/, 'one line');
    return e;
  }
  assert.unreachable('expected a ConfigError, the config was accepted');
  throw new Error('unreachable');
}

/** Assert parseConfig rejects `text` with a one-line message naming FILE, the key and the problem. */
async function rejects(text: string, key: string, problem: RegExp): Promise<void> {
  const err = await configError(parseConfig(text, FILE, {}, fakeDns));
  assert.is(err.file, FILE);
  assert.is(err.key, key);
  assert.ok(err.message.startsWith(`${FILE}: ${key}: `), err.message);
  assert.match(err.message, problem);
}

// ---------------------------------------------------------------- happy paths

test('the spec example INI', async () => {
  const c = await loadConfig(fixture('spec-example.ini'));
  assert.is(c.file, fixture('spec-example.ini'));
  assert.is(c.hostkey, '/path/to/hostkey.pem');
  assert.is(c.cacheSize, 50);
  assert.is(c.degree, 30);
  assert.is(c.p2pTtl, 10);
  assert.equal(c.bootstrapper, { host: '127.0.0.1', family: 4, port: 6001, text: '127.0.0.1:6001' });
  assert.equal(c.p2pAddress, { host: '127.0.0.1', family: 4, port: 6011, text: '127.0.0.1:6011' });
  assert.equal(c.apiAddress, { host: '127.0.0.1', family: 4, port: 7011, text: '127.0.0.1:7011' });
  assert.equal(c.warnings, []);
});

test('defaults of every optional key', async () => {
  const c = await loadConfig(fixture('minimal.ini'));
  assert.is(c.hostkey, undefined);
  assert.is(c.bootstrapper, undefined);
  assert.is(c.p2pTtl, DEFAULT_P2P_TTL);
  assert.is(c.p2pTtl, 5);
  assert.is(c.powDifficulty, DEFAULT_POW_DIFFICULTY);
  assert.is(c.relayUnsubscribed, true);
  assert.is(c.lazyPush, true, 'lazy_push defaults to on');
  assert.is(c.validationTimeoutMs, DEFAULT_VALIDATION_TIMEOUT_MS);
  assert.is(c.validationTimeoutMs, 10_000);
  assert.is(c.spreadSuppressionMs, DEFAULT_SPREAD_SUPPRESSION_MS);
  assert.is(c.spreadSuppressionMs, 300_000);
  assert.is(c.maxModuleConnections, DEFAULT_MAX_API_CONNECTIONS);
});

test('every optional key set', async () => {
  const c = await loadConfig(fixture('all-keys.ini'));
  assert.is(c.cacheSize, 1000);
  assert.is(c.degree, 12);
  assert.is(c.p2pTtl, 0);
  assert.is(c.bootstrapper?.port, 6001);
  assert.is(c.powDifficulty, 4);
  assert.is(c.relayUnsubscribed, false);
  assert.is(c.lazyPush, false);
  assert.is(c.validationTimeoutMs, 2500);
  assert.is(c.spreadSuppressionMs, 60_000);
  assert.is(c.maxModuleConnections, 16);
  assert.is(c.verifyPeerAddress, false);
  assert.equal(c.exemptNetworks, ['10.0.0.0/8', 'fd00::/8']);
});

test('exempt_networks must be networks; verify_peer_address defaults to on', async () => {
  await rejects(ini({ exempt_networks: '10.0.0.0/33' }), '[gossip] exempt_networks', /prefix/);
  await rejects(ini({ exempt_networks: 'lan' }), '[gossip] exempt_networks', /not an IP network/);
  const c = await parseConfig(ini({}), FILE, {}, fakeDns);
  assert.is(c.verifyPeerAddress, true);
  assert.equal(c.exemptNetworks, []);
});

test('-v and -s overrides win over the file', async () => {
  const c = await loadConfig(fixture('all-keys.ini'), { validationTimeoutMs: 750, spreadSuppressionMs: 5000 });
  assert.is(c.validationTimeoutMs, 750);
  assert.is(c.spreadSuppressionMs, 5000);
  const d = await loadConfig(fixture('minimal.ini'), { validationTimeoutMs: 1 });
  assert.is(d.validationTimeoutMs, 1);
  assert.is(d.spreadSuppressionMs, DEFAULT_SPREAD_SUPPRESSION_MS);
});

test('IPv6 addresses are accepted and canonicalised', async () => {
  const c = await loadConfig(fixture('ipv6.ini'));
  assert.equal(c.p2pAddress, { host: '::1', family: 6, port: 6002, text: '[0:0::1]:6002' });
  assert.equal(c.apiAddress, { host: '::1', family: 6, port: 7002, text: '[::1]:7002' });
  assert.equal(c.bootstrapper, { host: '2001:db8::1', family: 6, port: 6001, text: '[2001:DB8:0:0::1]:6001' });
});

test('localhost resolves to a loopback literal (real lookup)', async () => {
  const c = await loadConfig(fixture('localhost.ini'));
  assert.ok(['127.0.0.1', '::1'].includes(c.p2pAddress.host), c.p2pAddress.host);
  assert.is(c.p2pAddress.port, 6003);
  assert.is(c.p2pAddress.text, 'localhost:6003');
  assert.is(c.apiAddress.host, c.p2pAddress.host);
  assert.is(c.apiAddress.port, 7003);
});

test('a resolvable name becomes its address; the text stays as written', async () => {
  const c = await parseConfig(ini({ bootstrapper: 'peer.example:6001' }), FILE, {}, fakeDns);
  assert.equal(c.bootstrapper, { host: '10.0.0.7', family: 4, port: 6001, text: 'peer.example:6001' });
});

test('other sections and other top-level keys are ignored, even with bad values', async () => {
  const c = await loadConfig(fixture('other-sections.ini'));
  assert.is(c.hostkey, join(dirname(fixture('other-sections.ini')), 'keys/hostkey.pem'), 'relative to the INI file');
  assert.is(c.cacheSize, 20);
  assert.is(c.degree, 4);
  assert.is(c.p2pAddress.port, 6004);
  assert.is(c.apiAddress.port, 7004);
  assert.equal(c.warnings, []);
  const d = await parseConfig(`voidphone_version = 2\n${ini()}\n[gossip.extra]\nx = 1\n`, FILE, {}, fakeDns);
  assert.is(d.degree, 30);
  assert.equal(d.warnings, []);
});

test('an unknown [gossip] key is warned about and ignored', async () => {
  const file = fixture('unknown-key.ini');
  const c = await loadConfig(file);
  assert.equal(c.warnings, [`${file}: [gossip] max_conections: unknown key, ignored`]);
  assert.is(c.maxModuleConnections, DEFAULT_MAX_API_CONNECTIONS);
});

test('a near miss of a known key is an error that names the key it resembles', async () => {
  await rejects(ini({ degree: null }, 'degre = 30\n'), '[gossip] degre', /unknown key; did you mean degree\?/);
  await rejects(ini({}, 'bootstraper = 127.0.0.1:6012\n'), '[gossip] bootstraper', /did you mean bootstrapper\?/);
  await rejects(ini({}, 'Cache_Size = 5\n'), '[gossip] Cache_Size', /did you mean cache_size\?/);
  await rejects(ini({}, 'p2p_tll = 5\n'), '[gossip] p2p_tll', /did you mean p2p_ttl\?/);
});

test('editDistance and nearestKey', () => {
  assert.is(editDistance('degre', 'degree'), 1);
  assert.is(editDistance('p2p_tll', 'p2p_ttl'), 1);
  assert.is(editDistance('abc', 'abc'), 0);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(nearestKey('colour', GOSSIP_KEYS), undefined);
  assert.is(nearestKey('DEGREE', GOSSIP_KEYS), 'degree');
});

test('a wildcard p2p_address is accepted with a warning', async () => {
  const c = await parseConfig(ini({ p2p_address: '0.0.0.0:6011' }), FILE, {}, fakeDns);
  assert.is(c.p2pAddress.host, '0.0.0.0');
  assert.is(c.warnings.length, 1);
  assert.match(c.warnings[0]!, /\[gossip\] p2p_address: 0\.0\.0\.0:6011 is a wildcard/);
});

test('bootstrapper equal to the own p2p_address means "I am the bootstrapper"', async () => {
  const c = await parseConfig(ini({ bootstrapper: '127.0.0.1:6011' }), FILE, {}, fakeDns);
  assert.is(c.bootstrapper, undefined);
  const d = await parseConfig(ini({ bootstrapper: '127.0.0.1:6012' }), FILE, {}, fakeDns);
  assert.is(d.bootstrapper?.port, 6012);
});

test('relay_unsubscribed accepts true/false/yes/no/1/0 in any case', async () => {
  const cases: Array<[string, boolean]> = [
    ['true', true], ['false', false], ['yes', true], ['no', false], ['1', true], ['0', false], ['TRUE', true], ['No', false],
  ];
  for (const [text, expected] of cases) {
    const c = await parseConfig(ini({ relay_unsubscribed: text }), FILE, {}, fakeDns);
    assert.is(c.relayUnsubscribed, expected, text);
  }
});

test('lazy_push accepts on/off and the other boolean words, and refuses anything else', async () => {
  const cases: Array<[string, boolean]> = [['on', true], ['off', false], ['OFF', false], ['yes', true], ['0', false]];
  for (const [text, expected] of cases) {
    const c = await parseConfig(ini({ lazy_push: text }), FILE, {}, fakeDns);
    assert.is(c.lazyPush, expected, text);
  }
  await rejects(ini({ lazy_push: 'sometimes' }), '[gossip] lazy_push', /must be true or false.*got "sometimes"/);
});

test('quoted values, CRLF line ends and a byte-order mark are read', async () => {
  const text = '\uFEFF[gossip]\r\ncache_size = "50"\r\ndegree = 30\r\np2p_address = "127.0.0.1:6011"\r\napi_address = 127.0.0.1:7011\r\n';
  const c = await parseConfig(text, FILE, {}, fakeDns);
  assert.is(c.cacheSize, 50);
  assert.is(c.p2pAddress.port, 6011);
});

test('fractional seconds and bounds of the time keys', async () => {
  const c = await parseConfig(ini({ validation_timeout: '0.25', spread_suppression: '.5' }), FILE, {}, fakeDns);
  assert.is(c.validationTimeoutMs, 250);
  assert.is(c.spreadSuppressionMs, 500);
});

test('the result is frozen and the file path is absolute', async () => {
  const c = await parseConfig(ini(), 'relative/peer.ini', {}, fakeDns);
  assert.is(c.file, resolve('relative/peer.ini'));
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.p2pAddress));
  assert.ok(Object.isFrozen(c.warnings));
});

// ---------------------------------------------------------------- file errors

test('a missing file', async () => {
  const file = fixture('does-not-exist.ini');
  const err = await configError(loadConfig(file));
  assert.is(err.file, file);
  assert.is(err.key, undefined);
  assert.is(err.message, `${file}: file not found`);
});

test('a directory, a device and an oversized file are refused', async () => {
  const dir = await configError(loadConfig(FIXTURES));
  assert.is(dir.message, `${FIXTURES}: is a directory, not a config file`);
  const dev = await configError(loadConfig('/dev/null'));
  assert.is(dev.message, '/dev/null: is not a regular file');
  const tmp = await mkdtemp(join(tmpdir(), 'gossip5-config-'));
  try {
    const big = join(tmp, 'big.ini');
    await writeFile(big, `${ini()}\n${';'.repeat(MAX_CONFIG_FILE_BYTES)}\n`);
    const err = await configError(loadConfig(big));
    assert.is(err.file, big);
    assert.match(err.message, /at most 1048576/);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test('fixture files with errors name the file and the key', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['no-gossip-section.ini', '[gossip]', /section missing/],
    ['duplicate-key.ini', '[gossip] degree', /set 2 times/],
    ['bad-degree.ini', '[gossip] degree', /from 1 to 1000, got "0"/],
  ];
  for (const [name, key, problem] of cases) {
    const err = await configError(loadConfig(fixture(name)));
    assert.is(err.file, fixture(name));
    assert.is(err.key, key);
    assert.ok(err.message.startsWith(`${fixture(name)}: ${key}: `), err.message);
    assert.match(err.message, problem);
  }
});

// ---------------------------------------------------------------- key errors

test('missing required keys', async () => {
  for (const key of ['cache_size', 'degree', 'p2p_address', 'api_address']) {
    await rejects(ini({ [key]: null }), `[gossip] ${key}`, /missing \(required\)/);
  }
});

test('a missing or misspelt [gossip] section', async () => {
  await rejects('hostkey = x\n[nse]\ndegree = 3\n', '[gossip]', /section missing/);
  await rejects(ini().replace('[gossip]', '[Gossip]'), '[gossip]', /section missing/);
  await rejects('', '[gossip]', /section missing/);
});

test('numbers must be plain decimal integers', async () => {
  for (const bad of ['10abc', '1e3', '-1', '+5', '0x10', '1.5', '1 000', 'true', 'null']) {
    await rejects(ini({ cache_size: bad }), '[gossip] cache_size', new RegExp(`must be a whole number from 1 to 1000000, got ${JSON.stringify(bad).replace(/[+.]/g, '\\$&')}`));
  }
  await rejects(ini({ cache_size: '' }), '[gossip] cache_size', /has no value/);
  await rejects(ini({}, 'degree\n').replace('degree = 30\n', ''), '[gossip] degree', /got "true"/);
});

test('numeric ranges', async () => {
  await rejects(ini({ cache_size: '0' }), '[gossip] cache_size', /from 1 to 1000000, got "0"/);
  await rejects(ini({ cache_size: '1000001' }), '[gossip] cache_size', /got "1000001"/);
  await rejects(ini({ degree: '0' }), '[gossip] degree', /from 1 to 1000, got "0"/);
  await rejects(ini({ degree: '1001' }), '[gossip] degree', /got "1001"/);
  await rejects(ini({ p2p_ttl: '256' }), '[gossip] p2p_ttl', /from 0 to 255, got "256"/);
  await rejects(ini({ pow_difficulty: '25' }), '[gossip] pow_difficulty', /from 0 to 24/);
  await rejects(ini({ max_api_connections: '0' }), '[gossip] max_api_connections', /from 1 to 100000/);
  await rejects(ini({ relay_unsubscribed: 'maybe' }), '[gossip] relay_unsubscribed', /must be true or false.*got "maybe"/);
});

test('seconds must be positive decimals', async () => {
  for (const bad of ['0', '-1', 'abc', '1e3', '10s', '0.0001', '3601']) {
    await rejects(ini({ validation_timeout: bad }), '[gossip] validation_timeout', /must be seconds from 0\.001 to 3600/);
  }
  await rejects(ini({ spread_suppression: '0' }), '[gossip] spread_suppression', /must be seconds from 0\.001 to 86400/);
  await rejects(ini({ shuffle_interval: '-1' }), '[gossip] shuffle_interval', /must be seconds from 0 to 86400/);
});

test('shuffle_interval: seconds, 0 turns the shuffle off, default 60 s', async () => {
  assert.is((await parseConfig(ini({ shuffle_interval: '0' }), FILE, {}, fakeDns)).shuffleIntervalMs, 0);
  assert.is((await parseConfig(ini({ shuffle_interval: '2.5' }), FILE, {}, fakeDns)).shuffleIntervalMs, 2500);
  assert.is((await parseConfig(ini(), FILE, {}, fakeDns)).shuffleIntervalMs, 60_000);
});

test('bad addresses', async () => {
  const key = '[gossip] p2p_address';
  await rejects(ini({ p2p_address: '127.0.0.1' }), key, /expected host:port/);
  await rejects(ini({ p2p_address: '::1:6011' }), key, /expected host:port/);
  await rejects(ini({ p2p_address: '[::1:6011' }), key, /\[v6\]:port/);
  await rejects(ini({ p2p_address: '127.0.0.1:abc' }), key, /port must be a number from 1 to 65535 in "127\.0\.0\.1:abc"/);
  await rejects(ini({ p2p_address: '127.0.0.1:65536' }), key, /port must be a number from 1 to 65535 in "127\.0\.0\.1:65536"/);
  await rejects(ini({ p2p_address: '127.0.0.1:0' }), key, /0 is not a real port/);
  await rejects(ini({ api_address: '127.0.0.1:0' }), '[gossip] api_address', /0 is not a real port/);
  await rejects(ini({ p2p_address: '[127.0.0.1]:6011' }), key, /brackets are for IPv6 literals/);
  await rejects(ini({ p2p_address: ':6011' }), key, /expected host:port/);
});

test('an unresolvable name is a ConfigError naming the key', async () => {
  await rejects(ini({ bootstrapper: 'nowhere.invalid:6001' }), '[gossip] bootstrapper', /cannot resolve host name "nowhere\.invalid" \(ENOTFOUND\)/);
  await rejects(ini({ api_address: 'nowhere.invalid:7011' }), '[gossip] api_address', /cannot resolve/);
});

test('p2p_address and api_address must not share a socket', async () => {
  await rejects(ini({ api_address: '127.0.0.1:6011' }), '[gossip] api_address', /must not share a port with p2p_address/);
  await rejects(ini({ api_address: '0.0.0.0:6011' }), '[gossip] api_address', /must not share a port/);
  await rejects(ini({ api_address: '[::]:6011' }), '[gossip] api_address', /must not share a port/);
  // Same port on different addresses of one family is fine.
  const c = await parseConfig(ini({ api_address: '127.0.0.2:6011' }), FILE, {}, fakeDns);
  assert.is(c.apiAddress.host, '127.0.0.2');
});

test('a wildcard bootstrapper cannot be dialed', async () => {
  await rejects(ini({ bootstrapper: '0.0.0.0:6001' }), '[gossip] bootstrapper', /wildcard address/);
});

test('duplicate keys, also across two [gossip] sections', async () => {
  await rejects(ini({}, 'degree = 31\n'), '[gossip] degree', /set 2 times; keep exactly one line/);
  await rejects(ini({}, '[gossip]\napi_address = 127.0.0.1:7012\n'), '[gossip] api_address', /set 2 times/);
  await rejects(`hostkey = a\nhostkey = b\n${ini()}`, 'hostkey', /set 2 times/);
});

test('a key named in an earlier section is not a duplicate', async () => {
  const c = await parseConfig(`[nse]\ndegree = 1\n[onion]\ndegree = 2\n${ini()}`, FILE, {}, fakeDns);
  assert.is(c.degree, 30);
});

test('an empty hostkey means no key (plaintext), as an absent one does', async () => {
  assert.is((await parseConfig(`hostkey =\n${ini()}`, FILE, {}, fakeDns)).hostkey, undefined);
  assert.is((await parseConfig(`hostkey\n${ini()}`, FILE, {}, fakeDns)).hostkey, undefined);
});

test('allow_plaintext is a boolean (default false); bootstrapper_identity is 64 hex digits', async () => {
  assert.is((await parseConfig(ini(), FILE, {}, fakeDns)).allowPlaintext, false);
  assert.is((await parseConfig(ini({ allow_plaintext: 'yes' }), FILE, {}, fakeDns)).allowPlaintext, true);
  await rejects(ini({ allow_plaintext: 'maybe' }), '[gossip] allow_plaintext', /must be true or false/);
  const hexId = 'ab'.repeat(32);
  const c = await parseConfig(ini({ bootstrapper_identity: hexId.toUpperCase() }), FILE, {}, fakeDns);
  assert.equal(c.bootstrapperIdentity, new Uint8Array(32).fill(0xab));
  await rejects(ini({ bootstrapper_identity: 'abc' }), '[gossip] bootstrapper_identity', /64 hex digits/);
});

// ---------------------------------------------------------------- shipped files

test('the shipped peer.ini and examples/*.ini load without warnings', async () => {
  const root = join(FIXTURES, '..', '..', '..', '..');
  const peer = await loadConfig(join(root, 'peer.ini'));
  assert.is(peer.bootstrapper, undefined);
  assert.equal([peer.p2pAddress.text, peer.apiAddress.text], ['127.0.0.1:16001', '127.0.0.1:17001']);
  assert.equal([peer.cacheSize, peer.degree, peer.p2pTtl], [100, 8, 5]);
  assert.is(peer.apiAddress.text, DEFAULT_API, 'the client talks to peer.ini by default');
  assert.equal(peer.warnings, []);
  const boot = await loadConfig(join(root, 'examples', 'bootstrap.ini'));
  assert.is(boot.bootstrapper, undefined);
  assert.equal([boot.p2pAddress.port, boot.apiAddress.port], [16101, 17101]);
  for (const i of [1, 2, 3]) {
    const c = await loadConfig(join(root, 'examples', `peer${i}.ini`));
    assert.is(c.bootstrapper?.text, '127.0.0.1:16101');
    assert.equal([c.p2pAddress.port, c.apiAddress.port], [16101 + i, 17101 + i]);
    assert.equal(c.warnings, []);
  }
});

test.run();

import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadHostIdentity } from '../src/hostkey.js';
import { keygen, parseKeygenArgs } from '../src/keygen.js';

let dir = '';
const INI = '/etc/gossip/peer.ini';

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gossip5-hostkey-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configError(p: Promise<unknown>): Promise<Error & { code?: string; key?: string; file?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a ConfigError');
}

test('no hostkey, an empty file and /dev/null mean plaintext (undefined)', async () => {
  assert.is(await loadHostIdentity({ file: INI, hostkey: undefined }), undefined);
  assert.is(await loadHostIdentity({ file: INI, hostkey: '/dev/null' }), undefined);
  const empty = join(dir, 'empty.pem');
  await writeFile(empty, '');
  assert.is(await loadHostIdentity({ file: INI, hostkey: empty }), undefined);
});

test('a missing, unreadable or unparsable key file is a ConfigError naming hostkey, the key file and the INI', async () => {
  const garbage = join(dir, 'garbage.pem');
  await writeFile(garbage, 'not a key\n');
  const pub = join(dir, 'public.pem');
  await writeFile(pub, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const cases: Array<[string, RegExp]> = [
    [join(dir, 'missing.pem'), /file not found/],
    [dir, /is a directory/],
    [garbage, /not a private key/],
    [pub, /not a private key/],
  ];
  for (const [path, why] of cases) {
    const err = await configError(loadHostIdentity({ file: INI, hostkey: path }));
    assert.is(err.code, 'GOSSIP_ERR_CONFIG');
    assert.is(err.key, 'hostkey');
    assert.ok(err.message.startsWith(`${INI}: hostkey: ${path}: `), err.message);
    assert.match(err.message, why);
    assert.not.match(err.message, /\n/);
  }
});

test('keygen writes an Ed25519 key with mode 0600 whose identity the daemon reads back; never overwrites', async () => {
  const out = join(dir, 'ed.pem');
  const made = await keygen(parseKeygenArgs(['--out', out, '--type', 'ed25519']));
  assert.is(((await stat(out)).mode & 0o777).toString(8), '600');
  const loaded = await loadHostIdentity({ file: INI, hostkey: out });
  assert.is(loaded?.hex, made.hex);
  assert.is(loaded?.keyType, 'ed25519');
  const before = await readFile(out, 'utf8');
  const err = (await configError(keygen(parseKeygenArgs(['--out', out, '--type', 'ed25519'])))) as Error & { code?: string };
  assert.is(err.code, 'EEXIST');
  assert.is(await readFile(out, 'utf8'), before);
});

test('keygen arguments: --out required, type rsa or ed25519, RSA bits 2048..16384', () => {
  assert.equal(parseKeygenArgs(['--out', 'k.pem'], '/w'), { out: '/w/k.pem', type: 'rsa', bits: 4096 });
  for (const bad of [[], ['--out', 'k', '--type', 'dsa'], ['--out', 'k', '--bits', '1024'], ['--out', 'k', '--bits', 'x'], ['--nope']]) {
    let code;
    try {
      parseKeygenArgs(bad);
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    assert.is(code, 'GOSSIP_ERR_USAGE', JSON.stringify(bad));
  }
});

test('the documented openssl lines make keys the daemon accepts (RSA PKCS#8 and PKCS#1, Ed25519)', async () => {
  const rsa = join(dir, 'openssl-rsa.pem');
  const pkcs1 = join(dir, 'openssl-rsa1.pem');
  const ed = join(dir, 'openssl-ed.pem');
  // 2048 bits here for speed; the documented line uses 4096.
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', rsa], { stdio: 'ignore' });
  execFileSync('openssl', ['genpkey', '-algorithm', 'ED25519', '-out', ed], { stdio: 'ignore' });
  execFileSync('openssl', ['rsa', '-in', rsa, '-traditional', '-out', pkcs1], { stdio: 'ignore' });
  const a = await loadHostIdentity({ file: INI, hostkey: rsa });
  const b = await loadHostIdentity({ file: INI, hostkey: pkcs1 });
  const c = await loadHostIdentity({ file: INI, hostkey: ed });
  assert.is(a?.keyType, 'rsa');
  assert.is(a?.hex, b?.hex, 'PKCS#1 and PKCS#8 of one key: one identity');
  assert.is(c?.keyType, 'ed25519');
  // The identity is the SHA-256 of the public key's DER, as openssl computes it too.
  const der = execFileSync('openssl', ['pkey', '-in', ed, '-pubout', '-outform', 'DER']);
  const digest = execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: der }).toString().split(' ')[0];
  assert.is(c?.hex, digest);
});

test.run();

import { createHash, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHostIdentity } from '../../src/identity/host-identity.js';
import { IdentityPins } from '../../src/identity/pins.js';
import { makeKey } from '../keys.js';
import { rejection } from '../helpers.js';

const sha256 = (b: Buffer) => new Uint8Array(createHash('sha256').update(b).digest());

for (const type of ['ed25519', 'rsa'] as const) {
  test(`a ${type} hostkey: identity = SHA-256 of the SPKI DER, certificate carries that key`, async () => {
    const key = makeKey(type);
    const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const id = await createHostIdentity(pem);
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    assert.equal(id.id, sha256(spki));
    assert.is(id.hex, Buffer.from(sha256(spki)).toString('hex'));
    assert.is(id.keyType, type);
    const cert = new X509Certificate(id.certPem);
    assert.equal(sha256(cert.publicKey.export({ type: 'spki', format: 'der' })), id.id);
    assert.ok(cert.verify(cert.publicKey), 'self-signed by the hostkey');
  });
}

test('a PKCS#1 RSA PEM (openssl genrsa -traditional) gives the same identity as its PKCS#8 form', async () => {
  const key = makeKey('rsa');
  const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString();
  const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.ok(pkcs1.includes('BEGIN RSA PRIVATE KEY'));
  assert.equal((await createHostIdentity(new TextEncoder().encode(pkcs1))).id, (await createHostIdentity(pkcs8)).id);
});

test('not a key, a public key, a short RSA key and an EC key are refused with GOSSIP_ERR_P2P_BAD_HOSTKEY', async () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const pub = createPublicKey(makeKey('ed25519')).export({ type: 'spki', format: 'pem' }).toString();
  const cases: Array<[unknown, RegExp]> = [
    ['hello', /not a private key/],
    [new Uint8Array([1, 2, 3]), /not a private key/],
    [pub, /not a private key/],
    [short, /RSA key of 1024 bits; at least 2048/],
    [ec, /unsupported key type ec/],
  ];
  for (const [input, why] of cases) {
    const err = (await rejection(() => createHostIdentity(input as string))) as Error & { code?: string };
    assert.is(err.code, 'GOSSIP_ERR_P2P_BAD_HOSTKEY');
    assert.match(err.message, why);
    assert.not.match(err.message, /\n/);
  }
});

test('pins: a verified pin wins over hints, hints never replace a pin, the oldest is forgotten at the limit', () => {
  const evicted: string[] = [];
  const pins = new IdentityPins({ limit: 2, onEvict: (k) => evicted.push(k) });
  const a = new Uint8Array(32).fill(1);
  const b = new Uint8Array(32).fill(2);
  assert.ok(pins.hint('x', a));
  assert.not.ok(pins.hint('x', b), 'a hint does not replace a pin');
  assert.not.ok(pins.hint('z', new Uint8Array(32)), 'zero = unknown, not pinned');
  pins.verified('x', b);
  assert.equal(pins.get('x'), b);
  assert.is(pins.sourceOf('x'), 'verified');
  pins.verified('y', a);
  pins.hint('w', a);
  assert.equal(evicted, ['x']);
  assert.is(pins.size, 2);
});

test.run();

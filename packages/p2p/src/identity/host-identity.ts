import { createHash, createPrivateKey, createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { IDENTITY_SIZE } from '@gossip5/protocol';
import { P2PError, P2PErrorCode } from '../errors.js';

/** Key types a node may use and accept from peers. */
export type HostKeyType = 'rsa' | 'ed25519';

/** Smallest RSA modulus accepted, own or a peer's (VoidPhone uses 4096). */
export const MIN_RSA_BITS = 2048;

/** This node's identity: its hostkey, the self-signed certificate TLS presents, and the hash that names it. */
export interface HostIdentity {
  /** SHA-256 of the public key (SubjectPublicKeyInfo DER), 32 bytes. */
  readonly id: Uint8Array;
  /** `id` as 64 lowercase hex digits. */
  readonly hex: string;
  readonly keyType: HostKeyType;
  /** The private key, PEM (PKCS#8), for node:tls. */
  readonly keyPem: string;
  /** A self-signed X.509 certificate over the public key, PEM, for node:tls. Its fields carry no meaning. */
  readonly certPem: string;
}

/** SHA-256 of a public key's SubjectPublicKeyInfo DER: the identity of whoever holds the private key. */
export function identityOf(publicKey: KeyObject): Uint8Array {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return new Uint8Array(createHash('sha256').update(spki).digest());
}

export function identityHex(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

/** Undefined when `key` is of a type and size this package accepts, else why not. */
export function keyProblem(key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return undefined;
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= MIN_RSA_BITS ? undefined : `RSA key of ${bits} bits; at least ${MIN_RSA_BITS} required`;
  }
  return `unsupported key type ${String(type)} (RSA or Ed25519 only)`;
}

function bad(message: string, cause?: unknown): never {
  throw new P2PError(P2PErrorCode.BadHostKey, message, cause === undefined ? undefined : { cause });
}

/**
 * Build the identity of a node from its private key (PEM or DER PKCS#8/PKCS#1 text or bytes, or a KeyObject).
 * Throws P2PError GOSSIP_ERR_P2P_BAD_HOSTKEY with a one-line reason when it is not a usable private key.
 */
export async function createHostIdentity(privateKey: string | Uint8Array | KeyObject): Promise<HostIdentity> {
  let key: KeyObject;
  try {
    if (privateKey instanceof KeyObject) key = privateKey;
    else if (typeof privateKey === 'string') key = createPrivateKey(privateKey);
    else {
      const bytes = Buffer.from(privateKey.buffer, privateKey.byteOffset, privateKey.byteLength);
      const text = bytes.toString('latin1');
      key = text.includes('-----BEGIN') ? createPrivateKey(text) : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
    }
  } catch (err) {
    const reason = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
    return bad(`not a private key (${reason})`, err);
  }
  if (key.type !== 'private') bad(`not a private key (a ${key.type} key)`);
  const problem = keyProblem(key);
  if (problem) bad(problem);
  const keyType = key.asymmetricKeyType as HostKeyType;
  const publicKey = createPublicKey(key);
  const id = identityOf(publicKey);
  if (id.length !== IDENTITY_SIZE) bad('identity is not 32 bytes'); // cannot happen: SHA-256
  const certPem = await selfSignedCertificate(key, publicKey, keyType, id);
  return Object.freeze({
    id,
    hex: identityHex(id),
    keyType,
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem,
  });
}

/** The certificate only carries the public key to the peer: subject, dates and serial are fixed and not checked. */
async function selfSignedCertificate(
  key: KeyObject,
  publicKey: KeyObject,
  keyType: HostKeyType,
  id: Uint8Array,
): Promise<string> {
  const alg =
    keyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : ({ name: 'Ed25519' } as const);
  const subtle = webcrypto.subtle;
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keys = {
    privateKey: await subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']),
    publicKey: await subtle.importKey('spki', spki, alg, true, ['verify']),
  };
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      // Positive 8-byte serial from the identity: stable for a key, no randomness needed.
      serialNumber: `01${identityHex(id).slice(0, 14)}`,
      name: `CN=gossip5 ${identityHex(id).slice(0, 16)}`,
      notBefore: new Date('2000-01-01T00:00:00Z'),
      notAfter: new Date('9999-12-31T23:59:59Z'),
      signingAlgorithm: alg,
      keys,
    },
    webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  );
  return cert.toString('pem');
}

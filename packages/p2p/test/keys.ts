import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createHostIdentity, type HostIdentity } from '../src/identity/host-identity.js';

/** A fresh private key made at test time: Ed25519, or RSA of `bits` (2048 keeps tests fast). */
export function makeKey(type: 'ed25519' | 'rsa', bits = 2048): KeyObject {
  return type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: bits }).privateKey
    : generateKeyPairSync('ed25519').privateKey;
}

export function makeIdentity(type: 'ed25519' | 'rsa', bits = 2048): Promise<HostIdentity> {
  return createHostIdentity(makeKey(type, bits));
}

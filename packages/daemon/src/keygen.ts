import { generateKeyPair, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createHostIdentity, MIN_RSA_BITS, type HostIdentity } from '@gossip5/p2p';
import { UsageError } from './errors.js';
import { usageFromParseError } from './usage-error.js';

export const KEYGEN_USAGE = `Usage: gossip5 keygen --out FILE [--type rsa|ed25519] [--bits N]

Writes a new hostkey (PKCS#8 PEM, mode 0600; an existing file is never
overwritten) and prints the node's identity: SHA-256 of its public key, the
value peers may pin (bootstrapper_identity). Defaults: RSA of 4096 bits, as
VoidPhone uses. The same key from openssl:
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out FILE
  openssl genpkey -algorithm ED25519 -out FILE`;

export interface KeygenOptions {
  /** Absolute path of the file to create. */
  out: string;
  type: 'rsa' | 'ed25519';
  /** RSA modulus bits (ignored for Ed25519). */
  bits: number;
}

/** Parse `keygen`'s arguments (after the word `keygen`). Throws UsageError. */
export function parseKeygenArgs(argv: string[], cwd: string = process.cwd()): KeygenOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: 'string', short: 'o' }, type: { type: 'string' }, bits: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw usageFromParseError(err);
  }
  if (!values.out || values.out.trim() === '') throw new UsageError('keygen: --out FILE is required');
  const type = values.type ?? 'rsa';
  if (type !== 'rsa' && type !== 'ed25519') throw new UsageError(`keygen: --type must be rsa or ed25519, got ${JSON.stringify(type)}`);
  const bits = values.bits === undefined ? 4096 : Number(values.bits);
  if (!Number.isInteger(bits) || bits < MIN_RSA_BITS || bits > 16384 || bits % 8 !== 0) {
    throw new UsageError(`keygen: --bits must be a multiple of 8 from ${MIN_RSA_BITS} to 16384, got ${JSON.stringify(values.bits)}`);
  }
  return { out: isAbsolute(values.out) ? values.out : resolvePath(cwd, values.out), type, bits };
}

const generate = promisify(generateKeyPair);

/** Make the key, write it (never over an existing file) and return its identity. */
export async function keygen(opts: KeygenOptions): Promise<HostIdentity> {
  const { privateKey } = (
    opts.type === 'rsa' ? await generate('rsa', { modulusLength: opts.bits }) : await generate('ed25519')
  ) as { privateKey: KeyObject };
  const identity = await createHostIdentity(privateKey);
  await writeFile(opts.out, identity.keyPem, { flag: 'wx', mode: 0o600 });
  return identity;
}

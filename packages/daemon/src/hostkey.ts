import { readFile } from 'node:fs/promises';
import { createHostIdentity, isP2PError, type HostIdentity } from '@gossip5/p2p';
import type { GossipConfig } from './config.js';
import { ConfigError } from './errors.js';

/** A hostkey file larger than this is not a private key (a 4096-bit RSA PEM is about 3.3 KB). */
export const MAX_HOSTKEY_FILE_BYTES = 64 * 1024;

/**
 * The node's identity from `hostkey`, or undefined when there is none: no `hostkey` line, an empty
 * value, or an empty file such as /dev/null. A file that cannot be read or is not a usable private key
 * throws ConfigError naming `hostkey` and the file (the daemon exits 2).
 */
export async function loadHostIdentity(config: Pick<GossipConfig, 'file' | 'hostkey'>): Promise<HostIdentity | undefined> {
  const path = config.hostkey;
  if (path === undefined) return undefined;
  const fail = (problem: string, cause?: unknown): never => {
    throw new ConfigError(config.file, 'hostkey', `${path}: ${problem}`, cause === undefined ? undefined : { cause });
  };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory, not a key file'
            : `cannot read the file (${String(code ?? err)})`;
    return fail(why, err);
  }
  if (bytes.length === 0) return undefined;
  if (bytes.length > MAX_HOSTKEY_FILE_BYTES) fail(`is ${bytes.length} bytes; a key file has at most ${MAX_HOSTKEY_FILE_BYTES}`);
  try {
    return await createHostIdentity(new Uint8Array(bytes));
  } catch (err) {
    if (isP2PError(err)) return fail(err.message, err);
    throw err;
  } finally {
    bytes.fill(0);
  }
}

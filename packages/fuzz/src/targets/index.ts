/** Every fuzz target by name, in the order `pnpm fuzz` runs them. Each loads only what it fuzzes. */
import type { FuzzTarget } from '../target.js';
import { knownTypes } from './dictionary.js';

export function targetNames(): string[] {
  return [...knownTypes().map((t) => `decode-${t}`), 'frame-decoder', 'api-connection', 'p2p-handshake', 'p2p-link'];
}

/** A fresh target (its state, such as a server, is made in setup()). */
export async function makeTarget(name: string): Promise<FuzzTarget> {
  const m = /^decode-(\d+)$/.exec(name);
  if (m && knownTypes().includes(Number(m[1]))) return (await import('./decode.js')).decodeTarget(Number(m[1]));
  if (name === 'frame-decoder') return (await import('./frame-decoder.js')).frameDecoderTarget;
  if (name === 'api-connection') return (await import('./api-connection.js')).apiConnectionTarget();
  if (name === 'p2p-handshake') return (await import('./p2p-handshake.js')).p2pHandshakeTarget();
  if (name === 'p2p-link') return (await import('./p2p-link.js')).p2pLinkTarget();
  throw new Error(`unknown fuzz target ${name} (known: ${targetNames().join(', ')})`);
}

/** Every fuzz target by name, in the order `pnpm fuzz` runs them. Each loads only what it fuzzes. */
import type { FuzzTarget } from '../target.js';
import { knownTypes } from './dictionary.js';

/** With GOSSIP5_FUZZ_SELFTEST=1, a target that crashes on purpose (for the runner's own tests). */
const selftest = (): string[] => (process.env['GOSSIP5_FUZZ_SELFTEST'] === '1' ? ['selftest-crash'] : []);

export function targetNames(): string[] {
  return [...selftest(), ...knownTypes().map((t) => `decode-${t}`), 'frame-decoder', 'api-connection', 'p2p-handshake', 'p2p-link'];
}

/** A fresh target (its state, such as a server, is made in setup()). */
export async function makeTarget(name: string): Promise<FuzzTarget> {
  const m = /^decode-(\d+)$/.exec(name);
  if (m && knownTypes().includes(Number(m[1]))) return (await import('./decode.js')).decodeTarget(Number(m[1]));
  if (name === 'frame-decoder') return (await import('./frame-decoder.js')).frameDecoderTarget;
  if (name === 'api-connection') return (await import('./api-connection.js')).apiConnectionTarget();
  if (name === 'selftest-crash' && selftest().length > 0) {
    return {
      name,
      corpus: name,
      maxLen: 16,
      run(data) {
        if (data.length >= 3) throw new Error('selftest: an input of 3 bytes or more');
      },
    };
  }
  if (name === 'p2p-handshake') return (await import('./p2p-handshake.js')).p2pHandshakeTarget();
  if (name === 'p2p-link') return (await import('./p2p-link.js')).p2pLinkTarget();
  throw new Error(`unknown fuzz target ${name} (known: ${targetNames().join(', ')})`);
}

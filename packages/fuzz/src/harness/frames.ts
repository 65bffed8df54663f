import { FrameDecoder, type Message } from '@gossip5/protocol';
import { check } from '../target.js';
import { decodeChecked } from './protocol-checks.js';

/** Split bytes a server wrote into messages; every one must be a whole, well-formed frame. */
export function parseWritten(bytes: Uint8Array, who: string): Message[] {
  if (bytes.length === 0) return [];
  const decoder = new FrameDecoder();
  const frames = decoder.push(bytes);
  check(decoder.buffered === 0, `${who} wrote an incomplete frame`);
  return frames.map((f) => {
    const msg = decodeChecked(f);
    check(msg !== undefined, `${who} wrote a frame that does not decode`);
    return msg;
  });
}

/**
 * Let what the code under test queued run: socket 'close' events and refused dials (next tick),
 * then the promise callbacks they start (validations, verdicts).
 */
export const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

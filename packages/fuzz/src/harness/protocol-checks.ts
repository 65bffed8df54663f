import { isDeepStrictEqual } from 'node:util';
import { decodeMessage, encodeMessage, isProtocolError, type Message } from '@gossip5/protocol';
import { check, InvariantError } from '../target.js';

/** Run `fn`; a ProtocolError is an expected outcome (returned), anything else thrown is a finding. */
export function protocolErrorOnly<T>(fn: () => T, what: string): { value: T } | { error: Error } {
  try {
    return { value: fn() };
  } catch (err) {
    if (isProtocolError(err)) return { error: err };
    throw new InvariantError(`${what} threw a non-protocol error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, {
      cause: err,
    });
  }
}

/**
 * For a frame that decoded: re-encoding must succeed, give a frame of the same
 * size (only reserved bits may differ), decode to an equal message, and be
 * canonical (encoding that again gives the same bytes).
 */
export function checkRoundTrip(frame: Uint8Array, msg: Message): void {
  const encoded = protocolErrorOnly(() => encodeMessage(msg), 'encodeMessage');
  if ('error' in encoded) throw new InvariantError(`a decoded ${msg.type} does not encode: ${encoded.error.message}`);
  const bytes = encoded.value;
  check(bytes.length === frame.length, `re-encoded ${msg.type} is ${bytes.length} bytes, the frame was ${frame.length}`);
  const again = protocolErrorOnly(() => decodeMessage(bytes), 'decodeMessage');
  if ('error' in again) throw new InvariantError(`encodeMessage(${msg.type}) made a frame that does not decode: ${again.error.message}`);
  check(isDeepStrictEqual(again.value, msg), `decode(encode(x)) differs from x for type ${msg.type}`);
  const canonical = encodeMessage(again.value);
  check(isDeepStrictEqual(canonical, bytes), `encoding of type ${msg.type} is not canonical`);
}

/** Decode one whole frame; a decoded message must round-trip. Returns it, or undefined after a ProtocolError. */
export function decodeChecked(frame: Uint8Array): Message | undefined {
  const r = protocolErrorOnly(() => decodeMessage(frame), 'decodeMessage');
  if ('error' in r) return undefined;
  checkRoundTrip(frame, r.value);
  return r.value;
}

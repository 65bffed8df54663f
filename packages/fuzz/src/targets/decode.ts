/**
 * `decode-T`: the body decoder of one message type. The input is a body; the
 * target frames it with a correct header of type T, so every execution
 * reaches that type's decoder. Only ProtocolError may escape, an error must
 * name T, and whatever decodes must round-trip (see checkRoundTrip).
 */
import { decodeMessage, HEADER_SIZE, MAX_FRAME_SIZE } from '@gossip5/protocol';
import { check, type FuzzTarget } from '../target.js';
import { checkRoundTrip, protocolErrorOnly } from '../harness/protocol-checks.js';
import { wireDictionary } from './dictionary.js';

export function decodeTarget(type: number): FuzzTarget {
  return {
    name: `decode-${type}`,
    corpus: `decode-${type}`,
    maxLen: 1024,
    dictionary: wireDictionary(),
    run(body) {
      const size = Math.min(HEADER_SIZE + body.length, MAX_FRAME_SIZE);
      const frame = new Uint8Array(size);
      frame[0] = size >>> 8;
      frame[1] = size & 0xff;
      frame[2] = type >>> 8;
      frame[3] = type & 0xff;
      frame.set(body.subarray(0, size - HEADER_SIZE), HEADER_SIZE);
      const r = protocolErrorOnly(() => decodeMessage(frame), `decodeMessage(${type})`);
      if ('error' in r) {
        const e = r.error as { messageType?: number };
        check(e.messageType === type, `a ProtocolError for a ${type} body names type ${String(e.messageType)}`);
        return;
      }
      check(r.value.type === type, `a ${type} frame decoded as type ${r.value.type}`);
      checkRoundTrip(frame, r.value);
    },
  };
}

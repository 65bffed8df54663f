/**
 * Property-based tests (fast-check). The seed is fixed so that every run checks
 * the same cases; set FC_SEED to explore others and FC_RUNS to check more.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  isProtocolError,
  makePeerAddress,
  MessageType,
  type Message,
} from '../src/index.js';
import { frameish, fullIPv6, ipv6Bytes, message, messageOf, peerAddress, smallMessage } from './arbitraries.js';
import { concat, toHex } from './helpers.js';

const seed = process.env.FC_SEED === undefined ? 0x6055195 : Number(process.env.FC_SEED);
const scale = process.env.FC_RUNS === undefined ? 1 : Number(process.env.FC_RUNS) / 100;
const runs = (n: number) => ({ seed, numRuns: Math.max(1, Math.round(n * scale)) });

/** Outcome of decoding: the message, or the error code. */
function outcome(frame: Uint8Array): { ok: true; msg: Message } | { ok: false; code: string; message: string } {
  try {
    return { ok: true, msg: decodeMessage(frame) };
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    return { ok: false, code: err.code, message: err.message };
  }
}

/** A frame with its reserved fields set to 0 (and PING/VALIDATION flags reduced to bit 0). */
function zeroReserved(frame: Uint8Array): Uint8Array {
  const out = frame.slice();
  const b = 4;
  switch ((out[2]! << 8) | out[3]!) {
    case MessageType.GossipAnnounce:
    case MessageType.Push:
    case MessageType.AuthPush:
    case MessageType.PeerNotification:
      out[b + 1] = 0;
      break;
    case MessageType.GossipNotify:
      out[b] = 0;
      out[b + 1] = 0;
      break;
    case MessageType.GossipValidation:
      out[b + 2] = 0;
      out[b + 3]! &= 1;
      break;
    case MessageType.Ping:
      out[b]! &= 1;
      out[b + 1] = 0;
      break;
  }
  return out;
}

// --- round trips ---------------------------------------------------------------------------------

for (const [type, arb] of Object.entries(messageOf)) {
  test(`round trip: decode(encode(m)) equals m for type ${type}`, () => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<Message>, (m) => {
        const frame = encodeMessage(m);
        assert.is((frame[0]! << 8) | frame[1]!, frame.length);
        assert.is((frame[2]! << 8) | frame[3]!, m.type);
        assert.equal(decodeMessage(frame), m);
        // Encoding is deterministic.
        assert.is(toHex(encodeMessage(decodeMessage(frame))), toHex(frame));
      }),
      runs(150),
    );
  });
}

test('canonical hosts: formatting matches the WHATWG URL serializer except for IPv4-mapped addresses', () => {
  fc.assert(
    fc.property(ipv6Bytes, (bytes) => {
      const host = makePeerAddress(fullIPv6(bytes), 1).host;
      const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
      const url = new URL(`http://[${fullIPv6(bytes)}]/`).hostname.slice(1, -1);
      if (mapped) assert.is(host, `::ffff:${bytes.subarray(12).join('.')}`);
      else assert.is(host, url);
    }),
    runs(500),
  );
});

test('PeerAddress text round trip: parse(format(a)) equals a', () => {
  fc.assert(
    fc.property(peerAddress, (a) => {
      assert.equal(makePeerAddress(a.host, a.port), a);
    }),
    runs(300),
  );
});

// --- streams -------------------------------------------------------------------------------------

test('FrameDecoder: any chunking of a stream of frames yields exactly those frames', () => {
  fc.assert(
    fc.property(
      fc.array(smallMessage, { minLength: 1, maxLength: 25 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
      (msgs, cutFractions) => {
        const frames = msgs.map(encodeMessage);
        const stream = concat(frames);
        const starts: number[] = [];
        frames.reduce((at, f) => (starts.push(at), at + f.length), 0);
        const cuts = [...new Set(cutFractions.map((x) => Math.floor(x * stream.length)))].sort((a, b) => a - b);
        const d = new FrameDecoder();
        const got: Uint8Array[] = [];
        let from = 0;
        for (const to of [...cuts, stream.length]) {
          got.push(...d.push(stream.subarray(from, to)));
          from = to;
          // Exactly the bytes of the frame in progress are held, never more.
          const frameStart = to === stream.length ? to : Math.max(...starts.filter((s) => s <= to));
          assert.is(d.buffered, to - frameStart);
        }
        assert.equal(got.map(toHex), frames.map(toHex));
        assert.equal(got.map(decodeMessage), msgs);
      },
    ),
    runs(200),
  );
});

test('FrameDecoder: arbitrary bytes give frames or a ProtocolError, nothing else', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
      const d = new FrameDecoder({ maxFrameSize: 1024 });
      try {
        for (const c of chunks) {
          for (const f of d.push(c)) {
            assert.ok(f.length >= 4 && f.length <= 1024);
            assert.is((f[0]! << 8) | f[1]!, f.length);
          }
          assert.ok(d.buffered <= 1024);
        }
      } catch (err) {
        if (!isProtocolError(err)) throw err;
      }
    }),
    runs(300),
  );
});

// --- decoding arbitrary frames ---------------------------------------------------------------------------

test('decodeMessage on arbitrary frames returns a message or throws a ProtocolError, nothing else', () => {
  let decoded = 0;
  fc.assert(
    fc.property(frameish, (frame) => {
      const r = outcome(frame);
      if (r.ok) decoded++;
    }),
    runs(2000),
  );
  assert.ok(decoded > 100, `enough arbitrary frames decode (${decoded}) for the other checks to bite`);
});

test('decodeMessage never reads past its frame: a view inside other bytes decodes the same', () => {
  fc.assert(
    fc.property(frameish, fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (frame, before, after) => {
      const big = concat([before, frame, after]);
      const view = big.subarray(before.length, before.length + frame.length);
      const alone = outcome(frame.slice());
      const inside = outcome(view);
      assert.equal(inside, alone);
      if (inside.ok && 'data' in inside.msg) {
        // Data views stay within the frame.
        const d = inside.msg.data;
        assert.ok(d.byteOffset >= view.byteOffset && d.byteOffset + d.length <= view.byteOffset + view.length);
      }
    }),
    runs(1000),
  );
});

test('a frame that decodes re-encodes to the same bytes with reserved fields zeroed', () => {
  fc.assert(
    fc.property(frameish, (frame) => {
      const r = outcome(frame);
      if (!r.ok) return;
      assert.is(toHex(encodeMessage(r.msg)), toHex(zeroReserved(frame)));
    }),
    runs(2000),
  );
});

test('FrameDecoder: a header fails only when its size is below 4, and the decoder then stays poisoned', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), message, (header, m) => {
      const d = new FrameDecoder();
      const size = (header[0]! << 8) | header[1]!;
      try {
        d.push(header);
      } catch (err) {
        assert.ok(isProtocolError(err));
        assert.ok(size < 4, 'only a size below 4 fails at the header');
        let again: unknown;
        try {
          d.push(encodeMessage(m));
        } catch (e) {
          again = e;
        }
        assert.is(again, err);
        return;
      }
      assert.ok(size >= 4);
    }),
    runs(300),
  );
});

test.run();

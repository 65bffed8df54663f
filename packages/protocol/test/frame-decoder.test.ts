/** FrameDecoder: chunks of any size in, whole frames out, bounded and fail-stop. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage, ErrorCode, FrameDecoder, MessageType } from '../src/index.js';
import { concat, expectProtocolError, hex, seededBytes, toHex } from './helpers.js';

const PING = hex('000a 01fe 00 00 deadbeef');
const NOTIFY = hex('0008 01f5 0000 021c');
const EMPTY = hex('0004 01f4'); // a 4-byte frame: header only, empty body
const BIG = encodeMessage({
  type: MessageType.PeerNotification,
  ttl: 1,
  messageId: 1n,
  dataType: 1,
  data: seededBytes(3)(1000),
});

const hexes = (frames: Uint8Array[]) => frames.map(toHex);

test('one whole frame in one chunk is returned as a view of the chunk (no copy)', () => {
  const d = new FrameDecoder();
  const out = d.push(PING);
  assert.equal(hexes(out), [toHex(PING)]);
  assert.is(out[0]!.buffer, PING.buffer);
  assert.is(d.buffered, 0);
});

test('many frames in one chunk come out in order', () => {
  const frames = [PING, NOTIFY, EMPTY, BIG, PING, EMPTY, EMPTY, NOTIFY];
  const d = new FrameDecoder();
  assert.equal(hexes(d.push(concat(frames))), hexes(frames));
  assert.is(d.buffered, 0);
});

for (const split of [1, 2, 3]) {
  test(`a header split after ${split} byte(s) is reassembled`, () => {
    const d = new FrameDecoder();
    assert.equal(d.push(PING.subarray(0, split)), []);
    assert.is(d.buffered, split);
    assert.equal(hexes(d.push(PING.subarray(split))), [toHex(PING)]);
    assert.is(d.buffered, 0);
  });

  test(`a header split after ${split} byte(s) of a 4-byte frame, followed by another frame`, () => {
    const d = new FrameDecoder();
    const stream = concat([EMPTY, NOTIFY]);
    assert.equal(d.push(stream.subarray(0, split)), []);
    assert.equal(hexes(d.push(stream.subarray(split))), [toHex(EMPTY), toHex(NOTIFY)]);
  });
}

test('a header split across three chunks (1 + 1 + 2 bytes)', () => {
  const d = new FrameDecoder();
  assert.equal(d.push(NOTIFY.subarray(0, 1)), []);
  assert.equal(d.push(NOTIFY.subarray(1, 2)), []);
  assert.equal(d.push(NOTIFY.subarray(2, 4)), []);
  assert.is(d.buffered, 4);
  assert.equal(hexes(d.push(NOTIFY.subarray(4))), [toHex(NOTIFY)]);
});

test('a frame fed one byte at a time', () => {
  const d = new FrameDecoder();
  const got: Uint8Array[] = [];
  for (let i = 0; i < BIG.length; i++) {
    got.push(...d.push(BIG.subarray(i, i + 1)));
    assert.is(d.buffered, (i + 1) % BIG.length);
  }
  assert.equal(hexes(got), [toHex(BIG)]);
});

test('the tail of one frame and the head of the next in one chunk', () => {
  const stream = concat([BIG, PING, BIG]);
  const d = new FrameDecoder();
  const cut1 = 700; // inside the first BIG
  const cut2 = BIG.length + PING.length + 2; // inside the second BIG's header
  assert.equal(d.push(stream.subarray(0, cut1)), []);
  assert.equal(hexes(d.push(stream.subarray(cut1, cut2))), [toHex(BIG), toHex(PING)]);
  assert.is(d.buffered, 2);
  assert.equal(hexes(d.push(stream.subarray(cut2))), [toHex(BIG)]);
});

test('a 4-byte frame (empty body) is a whole frame', () => {
  const d = new FrameDecoder();
  assert.equal(hexes(d.push(EMPTY)), [toHex(EMPTY)]);
  assert.equal(hexes(d.push(concat([EMPTY, EMPTY]))), [toHex(EMPTY), toHex(EMPTY)]);
});

test('an empty chunk yields nothing and changes nothing', () => {
  const d = new FrameDecoder();
  assert.equal(d.push(new Uint8Array(0)), []);
  d.push(PING.subarray(0, 5));
  assert.equal(d.push(new Uint8Array(0)), []);
  assert.is(d.buffered, 5);
});

test('a frame completed across chunks is a copy: reusing the chunks does not change it', () => {
  const chunkA = PING.slice(0, 6);
  const chunkB = PING.slice(6);
  const d = new FrameDecoder();
  d.push(chunkA);
  const [frame] = d.push(chunkB);
  chunkA.fill(0);
  chunkB.fill(0);
  assert.is(toHex(frame!), toHex(PING));
});

test('Node Buffers work as chunks', () => {
  const d = new FrameDecoder();
  const out = d.push(Buffer.from(concat([PING, NOTIFY])));
  assert.equal(hexes(out), [toHex(PING), toHex(NOTIFY)]);
});

// --- bounded memory ---------------------------------------------------------------------------

test('buffered bytes never exceed the frame being assembled; the copy is exactly one frame', () => {
  const d = new FrameDecoder();
  const stream = concat([BIG, BIG, BIG]);
  const frames: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += 333) {
    frames.push(...d.push(stream.subarray(at, at + 333)));
    assert.ok(d.buffered < BIG.length, `buffered ${d.buffered}`);
  }
  assert.is(frames.length, 3);
  for (const f of frames) {
    assert.is(toHex(f), toHex(BIG));
    // A frame split across chunks is assembled in an allocation of its own size.
    if (f.buffer !== stream.buffer) assert.is(f.buffer.byteLength, BIG.length);
  }
  assert.is(d.buffered, 0);
});

// --- errors -----------------------------------------------------------------------------------

test('a size below 4 is SIZE_TOO_SMALL and poisons the decoder', () => {
  for (const size of ['0000', '0001', '0003']) {
    const d = new FrameDecoder();
    const err = expectProtocolError(() => d.push(concat([PING, hex(`${size} 01f4 0000`)])), {
      code: ErrorCode.SizeTooSmall,
      messageType: 500,
    });
    // Every later push fails the same way, even with a valid frame.
    let again: unknown;
    try {
      d.push(PING);
    } catch (e) {
      again = e;
    }
    assert.is(again, err);
  }
});

test('a size below 4 in a header split across chunks is rejected too', () => {
  const d = new FrameDecoder();
  assert.equal(d.push(hex('00')), []);
  expectProtocolError(() => d.push(hex('02 01f5')), { code: ErrorCode.SizeTooSmall, messageType: 501 });
  expectProtocolError(() => d.push(NOTIFY), { code: ErrorCode.SizeTooSmall });
});

test('maxFrameSize is enforced from the header alone, before any body byte arrives', () => {
  const d = new FrameDecoder({ maxFrameSize: 100 });
  assert.is(d.maxFrameSize, 100);
  // Exactly 100 is fine.
  const ok = new Uint8Array(100);
  ok.set(hex('0064 01f4'));
  assert.is(d.push(ok).length, 1);
  // A header announcing 101 bytes fails at once, with nothing buffered.
  expectProtocolError(() => d.push(hex('0065 01f4')), { code: ErrorCode.TooLarge, messageType: 500 });
  assert.is(d.buffered, 0);
  expectProtocolError(() => d.push(PING), { code: ErrorCode.TooLarge });
});

test('maxFrameSize is also enforced for a header split across chunks', () => {
  const d = new FrameDecoder({ maxFrameSize: 64 });
  d.push(hex('ff'));
  expectProtocolError(() => d.push(hex('ff 01ff')), { code: ErrorCode.TooLarge, messageType: 511 });
});

test('the default maxFrameSize is 65535 and a 65535-byte frame passes', () => {
  const d = new FrameDecoder();
  assert.is(d.maxFrameSize, 65535);
  const big = new Uint8Array(65535);
  big.set(hex('ffff 01ff'));
  const out = [...d.push(big.subarray(0, 30000)), ...d.push(big.subarray(30000))];
  assert.is(out.length, 1);
  assert.is(out[0]!.length, 65535);
});

test('maxFrameSize outside 4..65535 is refused', () => {
  for (const max of [0, 3, 65536, 1.5, Number.NaN]) {
    expectProtocolError(() => new FrameDecoder({ maxFrameSize: max }), { code: ErrorCode.OutOfRange });
  }
  assert.is(new FrameDecoder({ maxFrameSize: 4 }).push(EMPTY).length, 1);
});

test('read returns the frames before a bad header together with the error, then stays poisoned', () => {
  const d = new FrameDecoder();
  const good = Uint8Array.of(0, 8, 0x01, 0xf5, 0, 0, 0, 1);
  const { frames, error } = d.read(Uint8Array.of(...good, ...good, 0, 1, 0x01, 0xf4));
  assert.is(frames.length, 2);
  assert.equal([...frames[1]!], [...good]);
  assert.is(error?.code, ErrorCode.SizeTooSmall);
  const again = d.read(good);
  assert.is(again.frames.length, 0);
  assert.is(again.error, error);
  assert.throws(() => d.push(good), (e: unknown) => e === error);
});

test.run();

/**
 * encodeMessage / decodeMessage at the frame level: the header checks that
 * apply to every type, the helpers for header fields, and the shape of the
 * frames encodeMessage returns.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeMessage,
  encodeMessage,
  ErrorCode,
  frameSize,
  frameType,
  HEADER_SIZE,
  isKnownType,
  MAX_FRAME_SIZE,
  MessageType,
  type Message,
} from '../src/index.js';
import { concat, expectProtocolError, hex, seededBytes, toHex } from './helpers.js';

// --- header checks -----------------------------------------------------------------------

test('a frame shorter than the 4-byte header is SIZE_TOO_SMALL', () => {
  for (const h of ['', '00', '0004', '0004 01']) {
    expectProtocolError(() => decodeMessage(hex(h)), { code: ErrorCode.SizeTooSmall });
  }
});

test('a size field below 4 is SIZE_TOO_SMALL and the message names the type', () => {
  for (const size of ['0000', '0001', '0002', '0003']) {
    const err = expectProtocolError(() => decodeMessage(hex(`${size} 01f5`)), {
      code: ErrorCode.SizeTooSmall,
      messageType: 501,
    });
    assert.is(err.field, 'size');
  }
  // Even with a body behind it: the size field is what counts.
  expectProtocolError(() => decodeMessage(hex('0003 01f7 0001 0001')), {
    code: ErrorCode.SizeTooSmall,
    messageType: 503,
  });
});

test('a size field that disagrees with the frame length is FRAME_SIZE_MISMATCH', () => {
  const cases = [
    '0009 01f5 0000 021c', // says 9, has 8
    '0007 01f5 0000 021c', // says 7, has 8
    'ffff 01f5 0000 021c', // says 65535, has 8
    '0004 01f8 0010', // says 4, has 6
  ];
  for (const c of cases) {
    const frame = hex(c);
    const err = expectProtocolError(() => decodeMessage(frame), {
      code: ErrorCode.FrameSizeMismatch,
      messageType: frameType(frame),
    });
    assert.is(err.field, 'size');
  }
});

test('an unknown type is UNKNOWN_TYPE and the message names the number', () => {
  for (const type of [0, 1, 499, 517, 519, 520, 1000, 65535]) {
    const frame = hex(`0008 ${type.toString(16).padStart(4, '0')} 0000 0000`);
    const err = expectProtocolError(() => decodeMessage(frame), {
      code: ErrorCode.UnknownType,
      includes: String(type),
    });
    assert.is(err.field, 'type');
  }
});

test('encodeMessage refuses unknown types and non-objects with UNKNOWN_TYPE', () => {
  const bad = [{ type: 499 }, { type: 517 }, { type: 500.5 }, { type: -1 }, {}, null, undefined, 42];
  for (const msg of bad) {
    expectProtocolError(() => encodeMessage(msg as unknown as Message), { code: ErrorCode.UnknownType });
  }
});

test('isKnownType knows exactly 500..516', () => {
  for (let t = 0; t < 1024; t++) assert.is(isKnownType(t), t >= 500 && t <= 516, `type ${t}`);
  assert.is(isKnownType(500.5), false);
  assert.is(isKnownType(Number.NaN), false);
});

test('frameSize and frameType read the header at an offset', () => {
  const bytes = hex('aa bb 0123 01ff cc');
  assert.is(frameSize(bytes, 2), 0x0123);
  assert.is(frameType(bytes, 2), 0x01ff);
  assert.is(frameSize(hex('ffff 0000')), 65535);
  assert.is(frameType(hex('0004 01f4')), 500);
});

test('constants match the spec', () => {
  assert.is(HEADER_SIZE, 4);
  assert.is(MAX_FRAME_SIZE, 65535);
  assert.is(MessageType.GossipAnnounce, 500);
  assert.is(MessageType.PeerNotification, 511);
  const numbers = Object.values(MessageType).sort((a, b) => a - b);
  assert.equal(numbers, [500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516]);
});

// --- decoding a frame inside a larger buffer ---------------------------------------------

test('decodeMessage reads only its frame when it is a view into a larger buffer', () => {
  const frame = hex('000b 01f6 beef 021c 010203');
  const filler = seededBytes(7);
  const big = concat([filler(13), frame, filler(29)]);
  const view = big.subarray(13, 13 + frame.length);
  const msg = decodeMessage(view) as { data: Uint8Array };
  assert.equal(msg, decodeMessage(frame));
  assert.is(msg.data.byteOffset, 13 + 8);
  assert.is(msg.data.length, 3);
});

test('decodeMessage accepts a Node Buffer', () => {
  const msg = decodeMessage(Buffer.from('000d01f4030002 1c68656c6c6f'.replace(/ /g, ''), 'hex'));
  assert.is(msg.type, MessageType.GossipAnnounce);
  assert.is(Buffer.from((msg as { data: Uint8Array }).data).toString(), 'hello');
});

// --- frames returned by encodeMessage ------------------------------------------------------

test('encoded frames never share bytes, whatever their size', () => {
  const random = seededBytes(99);
  const frames: Uint8Array[] = [];
  const sizes = [0, 1, 56, 57, 60, 61, 100, 500, 1000, 2000, 2040, 2041, 5000, 60];
  for (let round = 0; round < 40; round++) {
    for (const n of sizes) {
      const data = random(n);
      const frame = encodeMessage({ type: MessageType.GossipAnnounce, ttl: 1, dataType: n, data });
      assert.is(frame.length, 8 + n);
      frames.push(frame);
    }
  }
  // Re-decode each one after all the others were written: nothing was overwritten.
  const random2 = seededBytes(99);
  let i = 0;
  for (let round = 0; round < 40; round++) {
    for (const n of sizes) {
      const msg = decodeMessage(frames[i++]!) as { dataType: number; data: Uint8Array };
      assert.is(msg.dataType, n);
      assert.equal(msg.data, random2(n));
    }
  }
});

test('encoded frames are zero-filled where the message writes zeros, even from a shared slab', () => {
  for (let i = 0; i < 100; i++) {
    const frame = encodeMessage({ type: MessageType.GossipAnnounce, ttl: 0, dataType: 0, data: new Uint8Array(200) });
    assert.ok(frame.subarray(4).every((b) => b === 0));
  }
});

test('encodeMessage keeps working after a frame buffer was transferred away', () => {
  const data = new Uint8Array(300).fill(5);
  const first = encodeMessage({ type: MessageType.GossipAnnounce, ttl: 1, dataType: 1, data });
  // Transferring detaches the whole underlying buffer (a pooled slab, here).
  structuredClone(first.buffer, { transfer: [first.buffer as ArrayBuffer] });
  assert.is(first.length, 0);
  const next = encodeMessage({ type: MessageType.GossipAnnounce, ttl: 1, dataType: 1, data });
  assert.is(toHex(next.subarray(0, 8)), '013401f401000001');
  assert.equal(next.subarray(8), data);
});

test.run();

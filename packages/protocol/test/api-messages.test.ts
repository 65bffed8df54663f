/**
 * API messages 500-503 (VoidPhone specification): golden byte vectors written
 * by hand from the spec tables, malformed bodies, reserved fields on receipt.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeMessage, encodeMessage, ErrorCode, frameSize, MessageType, type Message } from '../src/index.js';
import { ascii, expectProtocolError, hex, toHex } from './helpers.js';

interface Vector {
  name: string;
  /** size u16 | type u16 | body, as the spec tables lay it out. */
  hex: string;
  msg: Message;
}

const VECTORS: Vector[] = [
  {
    name: '500 ANNOUNCE ttl 3, data_type 540, data "hello"',
    // size 13 | type 500 | ttl 3 | reserved 0 | data_type 0x021c | "hello"
    hex: '000d | 01f4 | 03 | 00 | 021c | 68 65 6c 6c 6f',
    msg: { type: MessageType.GossipAnnounce, ttl: 3, dataType: 540, data: ascii('hello') },
  },
  {
    name: '500 ANNOUNCE with empty data, ttl 0 (unlimited), data_type 65535',
    hex: '0008 | 01f4 | 00 | 00 | ffff',
    msg: { type: MessageType.GossipAnnounce, ttl: 0, dataType: 65535, data: new Uint8Array(0) },
  },
  {
    name: '500 ANNOUNCE ttl 255, data_type 0',
    hex: '0009 | 01f4 | ff | 00 | 0000 | 2a',
    msg: { type: MessageType.GossipAnnounce, ttl: 255, dataType: 0, data: new Uint8Array([42]) },
  },
  {
    name: '501 NOTIFY data_type 540',
    // size 8 | type 501 | reserved 0x0000 | data_type 0x021c
    hex: '0008 | 01f5 | 0000 | 021c',
    msg: { type: MessageType.GossipNotify, dataType: 540 },
  },
  {
    name: '502 NOTIFICATION message_id 0xbeef, data_type 540, data 01 02 03',
    // size 11 | type 502 | message_id | data_type | data
    hex: '000b | 01f6 | beef | 021c | 01 02 03',
    msg: {
      type: MessageType.GossipNotification,
      messageId: 0xbeef,
      dataType: 540,
      data: new Uint8Array([1, 2, 3]),
    },
  },
  {
    name: '502 NOTIFICATION with empty data',
    hex: '0008 | 01f6 | 0000 | 0001',
    msg: { type: MessageType.GossipNotification, messageId: 0, dataType: 1, data: new Uint8Array(0) },
  },
  {
    name: '503 VALIDATION V=1',
    // size 8 | type 503 | message_id 0x0102 | flags: bit 0 set
    hex: '0008 | 01f7 | 0102 | 0001',
    msg: { type: MessageType.GossipValidation, messageId: 0x0102, valid: true },
  },
  {
    name: '503 VALIDATION V=0',
    hex: '0008 | 01f7 | ffff | 0000',
    msg: { type: MessageType.GossipValidation, messageId: 0xffff, valid: false },
  },
];

for (const v of VECTORS) {
  test(`golden: encode ${v.name}`, () => {
    assert.is(toHex(encodeMessage(v.msg)), toHex(hex(v.hex)));
  });
  test(`golden: decode ${v.name}`, () => {
    assert.equal(decodeMessage(hex(v.hex)), v.msg);
  });
}

test('decoded data is a view into the frame, not a copy', () => {
  const frame = hex('000d 01f4 03 00 021c 68656c6c6f');
  const msg = decodeMessage(frame);
  if (msg.type !== MessageType.GossipAnnounce) return assert.unreachable('an ANNOUNCE');
  assert.is(msg.data.buffer, frame.buffer);
  assert.is(msg.data.byteOffset, frame.byteOffset + 8);
  frame[8] = 0x48; // 'H'
  assert.is(new TextDecoder().decode(msg.data), 'Hello');
});

test('an ANNOUNCE with more data than the network carries (65527 bytes) still decodes', () => {
  // The spec refuses such an ANNOUNCE in the daemon, with the connection kept open:
  // it is not malformed, so the codec must hand it over.
  const frame = new Uint8Array(65535);
  frame.set(hex('ffff 01f4 01 00 0007'));
  const msg = decodeMessage(frame);
  assert.is(msg.type, MessageType.GossipAnnounce);
  assert.is((msg as { data: Uint8Array }).data.length, 65527);
});

// --- reserved fields on receipt -----------------------------------------------------------

test('reserved: ANNOUNCE reserved byte 0xff is ignored', () => {
  assert.equal(decodeMessage(hex('0009 01f4 05 ff 0001 99')), {
    type: MessageType.GossipAnnounce,
    ttl: 5,
    dataType: 1,
    data: new Uint8Array([0x99]),
  });
});

test('reserved: NOTIFY reserved u16 0xabcd is ignored', () => {
  assert.equal(decodeMessage(hex('0008 01f5 abcd 021c')), { type: MessageType.GossipNotify, dataType: 540 });
});

test('reserved: VALIDATION flags 0xfffe (bit 0 clear) decode as valid=false', () => {
  assert.equal(decodeMessage(hex('0008 01f7 0007 fffe')), {
    type: MessageType.GossipValidation,
    messageId: 7,
    valid: false,
  });
});

test('reserved: VALIDATION flags 0xffff and 0x8001 decode as valid=true', () => {
  for (const flags of ['ffff', '8001', '0003']) {
    assert.equal(decodeMessage(hex(`0008 01f7 0007 ${flags}`)), {
      type: MessageType.GossipValidation,
      messageId: 7,
      valid: true,
    });
  }
});

test('reserved fields are written as 0', () => {
  const announce = encodeMessage({ type: MessageType.GossipAnnounce, ttl: 9, dataType: 3, data: new Uint8Array(0) });
  assert.is(announce[5], 0);
  const notify = encodeMessage({ type: MessageType.GossipNotify, dataType: 0xffff });
  assert.is(toHex(notify.subarray(4, 6)), '0000');
  const validation = encodeMessage({ type: MessageType.GossipValidation, messageId: 0xffff, valid: true });
  assert.is(toHex(validation.subarray(6, 8)), '0001');
});

// --- malformed bodies --------------------------------------------------------------

const MALFORMED: Array<{ name: string; hex: string; type: number }> = [
  { name: 'ANNOUNCE body of 0 bytes', hex: '0004 01f4', type: 500 },
  { name: 'ANNOUNCE body of 3 bytes (shorter than its fixed fields)', hex: '0007 01f4 01 00 00', type: 500 },
  { name: 'NOTIFY body of 0 bytes', hex: '0004 01f5', type: 501 },
  { name: 'NOTIFY body of 3 bytes', hex: '0007 01f5 0000 02', type: 501 },
  { name: 'NOTIFY body of 5 bytes', hex: '0009 01f5 0000 021c 00', type: 501 },
  { name: 'NOTIFICATION body of 3 bytes', hex: '0007 01f6 0001 00', type: 502 },
  { name: 'VALIDATION body of 2 bytes', hex: '0006 01f7 0001', type: 503 },
  { name: 'VALIDATION body of 3 bytes', hex: '0007 01f7 0001 00', type: 503 },
  { name: 'VALIDATION body of 5 bytes', hex: '0009 01f7 0001 0001 00', type: 503 },
  { name: 'VALIDATION body of 8 bytes', hex: '000c 01f7 0001 0001 0001 0001', type: 503 },
];

for (const m of MALFORMED) {
  test(`malformed: ${m.name} -> BAD_LENGTH`, () => {
    const bytes = hex(m.hex);
    assert.is(frameSize(bytes), bytes.length, 'the vector has a correct size field');
    expectProtocolError(() => decodeMessage(bytes), { code: ErrorCode.BadLength, messageType: m.type });
  });
}

// --- encoder range checks ------------------------------------------------------------------

const announce = (over: Record<string, unknown>) =>
  ({ type: MessageType.GossipAnnounce, ttl: 1, dataType: 1, data: new Uint8Array(4), ...over }) as Message;

const OUT_OF_RANGE: Array<{ name: string; msg: Message; field: string }> = [
  { name: 'ANNOUNCE ttl 300', msg: announce({ ttl: 300 }), field: 'ttl' },
  { name: 'ANNOUNCE ttl 256', msg: announce({ ttl: 256 }), field: 'ttl' },
  { name: 'ANNOUNCE ttl -1', msg: announce({ ttl: -1 }), field: 'ttl' },
  { name: 'ANNOUNCE ttl 1.5', msg: announce({ ttl: 1.5 }), field: 'ttl' },
  { name: 'ANNOUNCE ttl NaN', msg: announce({ ttl: Number.NaN }), field: 'ttl' },
  { name: 'ANNOUNCE ttl "3"', msg: announce({ ttl: '3' }), field: 'ttl' },
  { name: 'ANNOUNCE dataType 70000', msg: announce({ dataType: 70000 }), field: 'dataType' },
  { name: 'ANNOUNCE dataType 65536', msg: announce({ dataType: 65536 }), field: 'dataType' },
  { name: 'ANNOUNCE dataType -1', msg: announce({ dataType: -1 }), field: 'dataType' },
  { name: 'ANNOUNCE data as a string', msg: announce({ data: 'hello' }), field: 'data' },
  { name: 'ANNOUNCE data as an array of numbers', msg: announce({ data: [1, 2] }), field: 'data' },
  {
    name: 'NOTIFY dataType 70000',
    msg: { type: MessageType.GossipNotify, dataType: 70000 },
    field: 'dataType',
  },
  {
    name: 'NOTIFY dataType 0.5',
    msg: { type: MessageType.GossipNotify, dataType: 0.5 },
    field: 'dataType',
  },
  {
    name: 'NOTIFICATION messageId 65536',
    msg: { type: MessageType.GossipNotification, messageId: 65536, dataType: 1, data: new Uint8Array(0) },
    field: 'messageId',
  },
  {
    name: 'NOTIFICATION messageId -1',
    msg: { type: MessageType.GossipNotification, messageId: -1, dataType: 1, data: new Uint8Array(0) },
    field: 'messageId',
  },
  {
    name: 'VALIDATION messageId 1.25',
    msg: { type: MessageType.GossipValidation, messageId: 1.25, valid: true },
    field: 'messageId',
  },
  {
    name: 'VALIDATION valid "yes"',
    msg: { type: MessageType.GossipValidation, messageId: 1, valid: 'yes' as unknown as boolean },
    field: 'valid',
  },
];

for (const c of OUT_OF_RANGE) {
  test(`encode rejects ${c.name} (OUT_OF_RANGE)`, () => {
    const err = expectProtocolError(() => encodeMessage(c.msg), {
      code: ErrorCode.OutOfRange,
      messageType: c.msg.type,
    });
    assert.is(err.field, c.field);
  });
}

test('encode rejects a 70 000-byte ANNOUNCE with TOO_LARGE', () => {
  const err = expectProtocolError(() => encodeMessage(announce({ data: new Uint8Array(70_000) })), {
    code: ErrorCode.TooLarge,
    messageType: 500,
  });
  assert.is(err.field, 'data');
});

test('ANNOUNCE and NOTIFICATION: 65527 data bytes fill a 65535-byte frame, one more is TOO_LARGE', () => {
  for (const type of [MessageType.GossipAnnounce, MessageType.GossipNotification] as const) {
    const base =
      type === MessageType.GossipAnnounce
        ? { type, ttl: 0, dataType: 1 }
        : { type, messageId: 1, dataType: 1 };
    const frame = encodeMessage({ ...base, data: new Uint8Array(65527).fill(7) } as Message);
    assert.is(frame.length, 65535);
    assert.is(toHex(frame.subarray(0, 4)), type === 500 ? 'ffff01f4' : 'ffff01f6');
    expectProtocolError(() => encodeMessage({ ...base, data: new Uint8Array(65528) } as Message), {
      code: ErrorCode.TooLarge,
      messageType: type,
    });
  }
});

test.run();

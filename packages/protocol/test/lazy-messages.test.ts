/**
 * The lazy push extension, 512-514 (HELLO flag bit 0): golden byte vectors written by hand from the
 * table in docs/protocol.md, encoder refusals, malformed bodies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeMessage,
  encodeMessage,
  ErrorCode,
  frameSize,
  HelloFlag,
  IHAVE_ENTRY_SIZE,
  MAX_FRAME_SIZE,
  MAX_GRAFT_IDS,
  MAX_IHAVE_ENTRIES,
  MessageType,
  type Message,
} from '../src/index.js';
import { expectProtocolError, hex, toHex } from './helpers.js';

interface Vector {
  name: string;
  hex: string;
  msg: Message;
}

const VECTORS: Vector[] = [
  {
    name: '512 IHAVE with one id',
    // size 15 | type 512 | count 1 | message_id | ttl 4
    hex: '000f | 0200 | 0001 | 01020304 05060708 | 04',
    msg: { type: MessageType.IHave, entries: [{ messageId: 0x0102030405060708n, ttl: 4 }] },
  },
  {
    name: '512 IHAVE with three ids (top bit, zero, 2^64-1; ttl 0 = unlimited)',
    // size 33 | type 512 | count 3 | 3 x (id, ttl)
    hex: `0021 | 0200 | 0003
          | 80000000 00000001 | 00
          | 00000000 00000000 | ff
          | ffffffff ffffffff | 09`,
    msg: {
      type: MessageType.IHave,
      entries: [
        { messageId: 0x8000000000000001n, ttl: 0 },
        { messageId: 0n, ttl: 255 },
        { messageId: 0xffffffffffffffffn, ttl: 9 },
      ],
    },
  },
  {
    name: '513 GRAFT with no id (only: push to me eagerly)',
    hex: '0006 | 0201 | 0000',
    msg: { type: MessageType.Graft, messageIds: [] },
  },
  {
    name: '513 GRAFT with two ids',
    hex: '0016 | 0201 | 0002 | deadbeef 00000001 | 00000000 0000002a',
    msg: { type: MessageType.Graft, messageIds: [0xdeadbeef00000001n, 42n] },
  },
  {
    name: '514 PRUNE',
    hex: '0004 | 0202',
    msg: { type: MessageType.Prune },
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

test('constants: type numbers, flag bit 0, entry size and the per-frame maxima fill a frame', () => {
  assert.is(MessageType.IHave, 512);
  assert.is(MessageType.Graft, 513);
  assert.is(MessageType.Prune, 514);
  assert.is(HelloFlag.LazyPush, 1);
  assert.is(HelloFlag.ContentIds, 2);
  assert.is(HelloFlag.Authenticated, 4);
  assert.is(HelloFlag.Settled, 8);
  assert.is(IHAVE_ENTRY_SIZE, 9);
  assert.is(MAX_IHAVE_ENTRIES, 7281);
  assert.is(MAX_GRAFT_IDS, 8191);
  const ihave = encodeMessage({
    type: MessageType.IHave,
    entries: Array.from({ length: MAX_IHAVE_ENTRIES }, (_, i) => ({ messageId: BigInt(i), ttl: i & 0xff })),
  });
  assert.ok(ihave.length <= MAX_FRAME_SIZE && ihave.length + IHAVE_ENTRY_SIZE > MAX_FRAME_SIZE);
  const back = decodeMessage(ihave) as { entries: Array<{ messageId: bigint; ttl: number }> };
  assert.equal(back.entries[7280], { messageId: 7280n, ttl: 7280 & 0xff });
  const graft = encodeMessage({
    type: MessageType.Graft,
    messageIds: Array.from({ length: MAX_GRAFT_IDS }, (_, i) => BigInt(i)),
  });
  assert.ok(graft.length <= MAX_FRAME_SIZE && graft.length + 8 > MAX_FRAME_SIZE);
});

// --- encoder refusals ----------------------------------------------------------------------

const bad = (over: Record<string, unknown>): Message => ({ ...(over as object) }) as Message;

const REFUSED: Array<{ name: string; msg: Message; code: ErrorCode; field: string }> = [
  { name: '512 without entries', msg: bad({ type: 512, entries: [] }), code: ErrorCode.OutOfRange, field: 'entries' },
  { name: '512 entries not an array', msg: bad({ type: 512, entries: 3 }), code: ErrorCode.OutOfRange, field: 'entries' },
  {
    name: '512 too many entries',
    msg: bad({ type: 512, entries: Array.from({ length: MAX_IHAVE_ENTRIES + 1 }, () => ({ messageId: 1n, ttl: 1 })) }),
    code: ErrorCode.OutOfRange,
    field: 'entries',
  },
  {
    name: '512 id 2^64',
    msg: bad({ type: 512, entries: [{ messageId: 2n ** 64n, ttl: 1 }] }),
    code: ErrorCode.OutOfRange,
    field: 'entries.messageId',
  },
  {
    name: '512 id as a number',
    msg: bad({ type: 512, entries: [{ messageId: 5, ttl: 1 }] }),
    code: ErrorCode.OutOfRange,
    field: 'entries.messageId',
  },
  {
    name: '512 ttl 256',
    msg: bad({ type: 512, entries: [{ messageId: 1n, ttl: 256 }] }),
    code: ErrorCode.OutOfRange,
    field: 'entries.ttl',
  },
  { name: '513 ids not an array', msg: bad({ type: 513 }), code: ErrorCode.OutOfRange, field: 'messageIds' },
  { name: '513 id -1n', msg: bad({ type: 513, messageIds: [-1n] }), code: ErrorCode.OutOfRange, field: 'messageIds' },
  {
    name: '513 too many ids',
    msg: bad({ type: 513, messageIds: Array.from({ length: MAX_GRAFT_IDS + 1 }, () => 1n) }),
    code: ErrorCode.OutOfRange,
    field: 'messageIds',
  },
];

for (const r of REFUSED) {
  test(`encode refuses ${r.name}`, () => {
    const err = expectProtocolError(() => encodeMessage(r.msg), { code: r.code, messageType: r.msg.type });
    assert.is(err.field, r.field);
  });
}

// --- malformed bodies ---------------------------------------------------------------------

const ID = '0000000000000001';

const MALFORMED: Array<{ name: string; hex: string; type: number }> = [
  { name: '512 body of 0 bytes', hex: '0004 0200', type: 512 },
  { name: '512 body of 1 byte', hex: '0005 0200 00', type: 512 },
  { name: '512 count 0 (an empty IHAVE)', hex: '0006 0200 0000', type: 512 },
  { name: '512 count 1 with no entry', hex: '0006 0200 0001', type: 512 },
  { name: '512 count 1 with an entry cut short (no ttl)', hex: `000e 0200 0001 ${ID}`, type: 512 },
  { name: '512 count 1 with a byte after the entry', hex: `0010 0200 0001 ${ID} 01 00`, type: 512 },
  { name: '512 count 2 with one entry', hex: `000f 0200 0002 ${ID} 01`, type: 512 },
  { name: '512 count 65535 with one entry', hex: `000f 0200 ffff ${ID} 01`, type: 512 },
  { name: '513 body of 0 bytes', hex: '0004 0201', type: 513 },
  { name: '513 body of 1 byte', hex: '0005 0201 00', type: 513 },
  { name: '513 count 1 with 7 id bytes', hex: '000d 0201 0001 00000000000001', type: 513 },
  { name: '513 count 0 with an id', hex: `000e 0201 0000 ${ID}`, type: 513 },
  { name: '513 count 2 with one id', hex: `000e 0201 0002 ${ID}`, type: 513 },
  { name: '514 body of 1 byte', hex: '0005 0202 00', type: 514 },
  { name: '514 body of 2 bytes', hex: '0006 0202 0000', type: 514 },
];

for (const m of MALFORMED) {
  test(`malformed: ${m.name} -> BAD_LENGTH`, () => {
    const bytes = hex(m.hex);
    assert.is(frameSize(bytes), bytes.length, 'the vector has a correct size field');
    expectProtocolError(() => decodeMessage(bytes), { code: ErrorCode.BadLength, messageType: m.type });
  });
}

test('a decoded IHAVE or GRAFT does not keep a view of the frame (ids are values)', () => {
  const frame = hex(`000f 0200 0001 ${ID} 07`);
  const msg = decodeMessage(frame);
  frame.fill(0xee, 4);
  assert.equal(msg, { type: MessageType.IHave, entries: [{ messageId: 1n, ttl: 7 }] });
});

test.run();

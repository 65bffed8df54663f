/**
 * P2P messages 504-511 (Gossip-5; the lazy push extension 512-514 is in lazy-messages.test.ts) and the
 * authenticated-links extension 515-516: golden byte vectors written by hand from
 * the spec tables, malformed bodies, reserved fields on receipt.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeMessage,
  encodeMessage,
  ErrorCode,
  frameSize,
  HelloFlag,
  MessageType,
  type Message,
  type PeerAddress,
} from '../src/index.js';
import { expectProtocolError, hex, toHex } from './helpers.js';

const v4 = (host: string, port: number): PeerAddress => ({ family: 4, host, port });
const v6 = (host: string, port: number): PeerAddress => ({ family: 6, host, port });

const NONCE_HEX = '000102030405060708090a0b0c0d0e0f';
const NONCE = hex(NONCE_HEX);
const ID_ONE_HEX = '0000000000000000000000000000000000000000000000000000000000000001';
const ID_ONE = hex(ID_ONE_HEX);
const ID_FF = hex('ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff');

interface Vector {
  name: string;
  hex: string;
  msg: Message;
}

// PeerAddress = family u8 | port u16 | 4 or 16 address bytes.
const VECTORS: Vector[] = [
  {
    name: '504 PEER REQUEST max 16',
    hex: '0006 | 01f8 | 0010',
    msg: { type: MessageType.PeerRequest, max: 16 },
  },
  {
    name: '505 PEER RESPONSE with 0 addresses',
    hex: '0006 | 01f9 | 0000',
    msg: { type: MessageType.PeerResponse, peers: [] },
  },
  {
    name: '505 PEER RESPONSE with IPv4, IPv6, IPv4 addresses',
    // size 39 | type 505 | count 3
    // | 04 port 6001 127.0.0.1 | 06 port 6002 2001:db8::1 | 04 port 80 10.0.0.2
    hex: `0027 | 01f9 | 0003
          | 04 1771 7f000001
          | 06 1772 20010db8 00000000 00000000 00000001
          | 04 0050 0a000002`,
    msg: {
      type: MessageType.PeerResponse,
      peers: [v4('127.0.0.1', 6001), v6('2001:db8::1', 6002), v4('10.0.0.2', 80)],
    },
  },
  {
    name: '506 VERIFICATION REQUEST difficulty 18',
    // size 22 | type 506 | difficulty 18 | reserved 0 | nonce
    hex: `0016 | 01fa | 12 | 00 | ${NONCE_HEX}`,
    msg: { type: MessageType.VerificationRequest, difficulty: 18, flags: 0, nonce: NONCE },
  },
  {
    name: '506 VERIFICATION REQUEST from a listener that sets HELLO flag bit 0 (lazy push)',
    hex: `0016 | 01fa | 08 | 01 | ${NONCE_HEX}`,
    msg: { type: MessageType.VerificationRequest, difficulty: 8, flags: 1, nonce: NONCE },
  },
  {
    name: '507 VERIFICATION RESPONSE with an IPv4 address',
    // size 35 | type 507 | nonce | solution | 04 port 6001 192.0.2.7
    hex: `0023 | 01fb | ${NONCE_HEX} | 00000000 00012345 | 04 1771 c0000207`,
    msg: {
      type: MessageType.VerificationResponse,
      nonce: NONCE,
      solution: hex('0000000000012345'),
      address: v4('192.0.2.7', 6001),
    },
  },
  {
    name: '507 VERIFICATION RESPONSE with an IPv6 address',
    // size 47 | type 507 | nonce | solution | 06 port 7000 fe80::1
    hex: `002f | 01fb | ${NONCE_HEX} | ffffffff ffffffff | 06 1b58 fe800000 00000000 00000000 00000001`,
    msg: {
      type: MessageType.VerificationResponse,
      nonce: NONCE,
      solution: hex('ffffffffffffffff'),
      address: v6('fe80::1', 7000),
    },
  },
  {
    name: '508 HELLO from 127.0.0.1:6001',
    // size 13 | type 508 | version 1 | flags 0 | 04 port 6001 127.0.0.1
    hex: '000d | 01fc | 01 | 00 | 04 1771 7f000001',
    msg: { type: MessageType.Hello, version: 1, flags: 0, address: v4('127.0.0.1', 6001) },
  },
  {
    name: '508 HELLO with flag bit 0 (lazy push) set',
    hex: '000d | 01fc | 01 | 01 | 04 1771 7f000001',
    msg: { type: MessageType.Hello, version: 1, flags: 1, address: v4('127.0.0.1', 6001) },
  },
  {
    name: '508 HELLO with every flag bit set (unknown bits are carried, not refused)',
    hex: '000d | 01fc | 01 | ff | 04 1771 7f000001',
    msg: { type: MessageType.Hello, version: 1, flags: 0xff, address: v4('127.0.0.1', 6001) },
  },
  {
    name: '508 HELLO from [::1]:6001',
    hex: '0019 | 01fc | 01 | 00 | 06 1771 00000000 00000000 00000000 00000001',
    msg: { type: MessageType.Hello, version: 1, flags: 0, address: v6('::1', 6001) },
  },
  {
    name: '509 PUSH ttl 5 for [2001:db8::abcd]:6003',
    hex: '0019 | 01fd | 05 | 00 | 06 1773 20010db8 00000000 00000000 0000abcd',
    msg: { type: MessageType.Push, ttl: 5, address: v6('2001:db8::abcd', 6003) },
  },
  {
    name: '509 PUSH ttl 0 for 10.1.2.3:65535',
    hex: '000d | 01fd | 00 | 00 | 04 ffff 0a010203',
    msg: { type: MessageType.Push, ttl: 0, address: v4('10.1.2.3', 65535) },
  },
  {
    name: '510 PING request, token 0xdeadbeef',
    // size 10 | type 510 | flags 0 | reserved 0 | token
    hex: '000a | 01fe | 00 | 00 | deadbeef',
    msg: { type: MessageType.Ping, reply: false, token: 0xdeadbeef },
  },
  {
    name: '510 PING reply, token 1',
    hex: '000a | 01fe | 01 | 00 | 00000001',
    msg: { type: MessageType.Ping, reply: true, token: 1 },
  },
  {
    name: '511 PEER NOTIFICATION with message id 0x8000000000000001 (top bit set)',
    // size 18 | type 511 | ttl 7 | flags 0 | message_id | data_type 540 | "hi"
    hex: '0012 | 01ff | 07 | 00 | 80000000 00000001 | 021c | 68 69',
    msg: {
      type: MessageType.PeerNotification,
      ttl: 7,
      messageId: 0x8000000000000001n,
      dataType: 540,
      data: new Uint8Array([0x68, 0x69]),
    },
  },
  {
    name: '511 PEER NOTIFICATION with message id 2^64-1 and empty data',
    hex: '0010 | 01ff | 00 | 00 | ffffffff ffffffff | ffff',
    msg: {
      type: MessageType.PeerNotification,
      ttl: 0,
      messageId: 0xffffffffffffffffn,
      dataType: 65535,
      data: new Uint8Array(0),
    },
  },
  {
    name: '511 PEER NOTIFICATION with message id 0x0102030405060708',
    hex: '0011 | 01ff | ff | 00 | 01020304 05060708 | 0001 | 00',
    msg: {
      type: MessageType.PeerNotification,
      ttl: 255,
      messageId: 0x0102030405060708n,
      dataType: 1,
      data: new Uint8Array([0]),
    },
  },
  {
    name: '508 HELLO with flag bit 2 (authenticated)',
    // size 13 | type 508 | version 1 | flags 0x04 | 04 port 6001 127.0.0.1
    hex: '000d | 01fc | 01 | 04 | 04 1771 7f000001',
    msg: { type: MessageType.Hello, version: 1, address: v4('127.0.0.1', 6001), flags: HelloFlag.Authenticated },
  },
  {
    name: '508 HELLO with flag bits 0 and 3 (lazy push, settled dial)',
    // size 13 | type 508 | version 1 | flags 0x09 | 04 port 6001 127.0.0.1
    hex: '000d | 01fc | 01 | 09 | 04 1771 7f000001',
    msg: { type: MessageType.Hello, version: 1, address: v4('127.0.0.1', 6001), flags: HelloFlag.LazyPush | HelloFlag.Settled },
  },
  {
    name: '515 AUTH PEER RESPONSE with 0 entries',
    hex: '0006 | 0203 | 0000',
    msg: { type: MessageType.AuthPeerResponse, peers: [] },
  },
  {
    name: '515 AUTH PEER RESPONSE with an IPv4 and an IPv6 entry',
    // size 96 | type 515 | count 2 | identity 0..01 | 04 port 6001 127.0.0.1 | identity ff.. | 06 port 6002 2001:db8::1
    hex: `0060 | 0203 | 0002
          | 0000000000000000000000000000000000000000000000000000000000000001 | 04 1771 7f000001
          | ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff | 06 1772 20010db8 00000000 00000000 00000001`,
    msg: {
      type: MessageType.AuthPeerResponse,
      peers: [
        { address: v4('127.0.0.1', 6001), identity: ID_ONE },
        { address: v6('2001:db8::1', 6002), identity: ID_FF },
      ],
    },
  },
  {
    name: '516 AUTH PUSH ttl 3',
    // size 45 | type 516 | ttl 3 | reserved 0 | identity 0..01 | 04 port 6001 127.0.0.1
    hex: '002d | 0204 | 03 | 00 | 0000000000000000000000000000000000000000000000000000000000000001 | 04 1771 7f000001',
    msg: { type: MessageType.AuthPush, ttl: 3, identity: ID_ONE, address: v4('127.0.0.1', 6001) },
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

test('decoded PeerAddress hosts are canonical and IPv4-mapped ones keep dotted form', () => {
  const msg = decodeMessage(hex('0019 01fd 01 00 06 0050 00000000 00000000 0000ffff c0000201'));
  assert.equal(msg, { type: MessageType.Push, ttl: 1, address: v6('::ffff:192.0.2.1', 80) });
});

test('encoding accepts any spelling of a host and writes the same bytes', () => {
  const spellings = ['2001:db8::1', '2001:DB8:0:0:0:0:0:1', '2001:0db8:0000:0000:0000:0000:0000:0001'];
  for (const host of spellings) {
    const frame = encodeMessage({ type: MessageType.Hello, version: 1, address: v6(host, 6001) });
    assert.is(toHex(frame), toHex(hex('0019 01fc 01 00 06 1771 20010db8 00000000 00000000 00000001')));
  }
});

test('511 data is a view into the frame; nonce and solution of 506/507 are copies', () => {
  const frame = hex('0012 01ff 07 00 8000000000000001 021c 6869');
  const msg = decodeMessage(frame) as { data: Uint8Array };
  assert.is(msg.data.buffer, frame.buffer);
  const resp = hex(`0023 01fb ${NONCE_HEX} 0000000000012345 04 1771 c0000207`);
  const vr = decodeMessage(resp) as { nonce: Uint8Array; solution: Uint8Array };
  resp.fill(0xee, 4, 28);
  assert.equal(vr.nonce, NONCE);
  assert.equal(vr.solution, hex('0000000000012345'));
});

// --- reserved fields on receipt -------------------------------------------------------------

const RESERVED: Vector[] = [
  {
    name: '516 reserved byte 0x01',
    hex: `002d 0204 03 01 ${ID_ONE_HEX} 04 1771 7f000001`,
    msg: { type: MessageType.AuthPush, ttl: 3, identity: ID_ONE, address: v4('127.0.0.1', 6001) },
  },
  {
    name: '509 reserved byte 0x80',
    hex: '000d 01fd 02 80 04 1771 7f000001',
    msg: { type: MessageType.Push, ttl: 2, address: v4('127.0.0.1', 6001) },
  },
  {
    name: '510 flags 0xfe (bit 0 clear) and reserved 0xff',
    hex: '000a 01fe fe ff 00000005',
    msg: { type: MessageType.Ping, reply: false, token: 5 },
  },
  {
    name: '510 flags 0xff (bit 0 set)',
    hex: '000a 01fe ff 00 00000005',
    msg: { type: MessageType.Ping, reply: true, token: 5 },
  },
  {
    name: '511 flags 0xff',
    hex: '0010 01ff 03 ff 0000000000000009 0001',
    msg: { type: MessageType.PeerNotification, ttl: 3, messageId: 9n, dataType: 1, data: new Uint8Array(0) },
  },
];

for (const r of RESERVED) {
  test(`reserved: ${r.name} is ignored on receipt and written back as 0`, () => {
    const msg = decodeMessage(hex(r.hex));
    assert.equal(msg, r.msg);
    const again = encodeMessage(msg);
    const sent = hex(r.hex);
    // Only the reserved byte differs: it is written as 0 (PING keeps its reply bit).
    const diff = [...sent.keys()].filter((i) => sent[i] !== again[i]);
    for (const i of diff) assert.is(again[i], r.msg.type === MessageType.Ping && i === 4 ? (sent[i]! & 1) : 0);
    assert.ok(diff.length >= 1);
  });
}

test('HELLO flags are carried as a byte: bits this version does not know come back as sent', () => {
  const msg = decodeMessage(hex('000d 01fc 01 ff 04 1771 7f000001'));
  assert.equal(msg, { type: MessageType.Hello, version: 1, address: v4('127.0.0.1', 6001), flags: 0xff });
  assert.is(toHex(encodeMessage(msg)), toHex(hex('000d 01fc 01 ff 04 1771 7f000001')));
  expectProtocolError(
    () => encodeMessage({ type: MessageType.Hello, version: 1, address: v4('127.0.0.1', 1), flags: 256 }),
    { code: ErrorCode.OutOfRange, messageType: 508 },
  );
});

test('515 and 516 identities are copies, not views into the frame', () => {
  const frame = hex(`002d 0204 03 00 ${ID_ONE_HEX} 04 1771 7f000001`);
  const msg = decodeMessage(frame) as { identity: Uint8Array };
  frame.fill(0xee, 6, 38);
  assert.equal(msg.identity, ID_ONE);
});

test('515 and 516 refuse identities that are not 32 bytes', () => {
  const address = v4('127.0.0.1', 1);
  for (const identity of [new Uint8Array(31), new Uint8Array(33), 'x']) {
    expectProtocolError(
      () => encodeMessage({ type: MessageType.AuthPush, ttl: 1, address, identity } as unknown as Message),
      { code: ErrorCode.OutOfRange, messageType: 516 },
    );
    expectProtocolError(
      () =>
        encodeMessage({ type: MessageType.AuthPeerResponse, peers: [{ address, identity }] } as unknown as Message),
      { code: ErrorCode.OutOfRange, messageType: 515 },
    );
  }
});

// --- malformed bodies ---------------------------------------------------------------------------

const A4 = '04 1771 7f000001';
const A6 = '06 1771 00000000 00000000 00000000 00000001';

const BAD_LENGTH: Array<{ name: string; hex: string; type: number }> = [
  { name: '504 body of 0 bytes', hex: '0004 01f8', type: 504 },
  { name: '504 body of 1 byte', hex: '0005 01f8 00', type: 504 },
  { name: '504 body of 3 bytes', hex: '0007 01f8 0010 00', type: 504 },
  { name: '505 body of 1 byte', hex: '0005 01f9 00', type: 505 },
  { name: '505 count 2 with one address (count too high)', hex: `000d 01f9 0002 ${A4}`, type: 505 },
  { name: '505 count 1 with no address bytes', hex: '0006 01f9 0001', type: 505 },
  { name: '505 count 65535 with one address', hex: `000d 01f9 ffff ${A4}`, type: 505 },
  { name: '505 count 1 with two addresses (count too low)', hex: `0014 01f9 0001 ${A4} ${A4}`, type: 505 },
  { name: '505 count 0 with one address (count too low)', hex: `000d 01f9 0000 ${A4}`, type: 505 },
  { name: '505 count 1 with a truncated IPv6 address', hex: '0017 01f9 0001 06 1771 00000000 00000000 00000000 0000', type: 505 },
  { name: '505 count 2, second address truncated', hex: `0012 01f9 0002 ${A4} 04 1771 7f00`, type: 505 },
  { name: '506 body of 17 bytes', hex: `0015 01fa 08 00 ${NONCE_HEX.slice(2)}`, type: 506 },
  { name: '506 body of 19 bytes', hex: `0017 01fa 08 00 ${NONCE_HEX} 00`, type: 506 },
  { name: '506 body of 0 bytes', hex: '0004 01fa', type: 506 },
  { name: '507 body of 30 bytes (IPv4 address truncated)', hex: `0022 01fb ${NONCE_HEX} 0000000000000001 04 1771 7f0000`, type: 507 },
  { name: '507 with a byte after the IPv4 address', hex: `0024 01fb ${NONCE_HEX} 0000000000000001 ${A4} 00`, type: 507 },
  { name: '507 with an IPv6 family and only 4 address bytes', hex: `0023 01fb ${NONCE_HEX} 0000000000000001 06 1771 7f000001`, type: 507 },
  { name: '507 with a byte after the IPv6 address', hex: `0030 01fb ${NONCE_HEX} 0000000000000001 ${A6} 00`, type: 507 },
  { name: '507 body of 24 bytes (no address)', hex: `001c 01fb ${NONCE_HEX} 0000000000000001`, type: 507 },
  { name: '508 body of 2 bytes (no address)', hex: '0006 01fc 01 00', type: 508 },
  { name: '508 IPv4 address truncated', hex: '000c 01fc 01 00 04 1771 7f0000', type: 508 },
  { name: '508 byte after the IPv4 address', hex: `000e 01fc 01 00 ${A4} ff`, type: 508 },
  { name: '508 IPv6 address truncated to 4 bytes', hex: '000d 01fc 01 00 06 1771 7f000001', type: 508 },
  { name: '508 IPv6 address truncated to 15 bytes', hex: '0018 01fc 01 00 06 1771 00000000 00000000 00000000 000000', type: 508 },
  { name: '508 bytes after the IPv6 address', hex: `001b 01fc 01 00 ${A6} 0000`, type: 508 },
  { name: '509 body of 2 bytes (no address)', hex: '0006 01fd 05 00', type: 509 },
  { name: '509 IPv4 address truncated', hex: '000c 01fd 05 00 04 1771 7f0000', type: 509 },
  { name: '509 byte after the IPv4 address', hex: `000e 01fd 05 00 ${A4} 00`, type: 509 },
  { name: '509 IPv6 address truncated', hex: '000e 01fd 05 00 06 1771 0000000000', type: 509 },
  { name: '510 body of 5 bytes', hex: '0009 01fe 00 00 000000', type: 510 },
  { name: '510 body of 7 bytes', hex: '000b 01fe 00 00 00000000 00', type: 510 },
  { name: '510 body of 0 bytes', hex: '0004 01fe', type: 510 },
  { name: '511 body of 11 bytes', hex: '000f 01ff 01 00 0000000000000001 00', type: 511 },
  { name: '511 body of 0 bytes', hex: '0004 01ff', type: 511 },
  { name: '515 body of 1 byte', hex: '0005 0203 00', type: 515 },
  { name: '515 count 1 with no entry bytes', hex: '0006 0203 0001', type: 515 },
  { name: '515 count 1 with only an identity', hex: `0026 0203 0001 ${ID_ONE_HEX}`, type: 515 },
  { name: '515 count 1 with the address truncated', hex: `0029 0203 0001 ${ID_ONE_HEX} 04 1771`, type: 515 },
  { name: '515 count 2 with one entry', hex: `002d 0203 0002 ${ID_ONE_HEX} ${A4}`, type: 515 },
  { name: '515 count 0 with one entry', hex: `002d 0203 0000 ${ID_ONE_HEX} ${A4}`, type: 515 },
  { name: '515 one entry and a trailing byte', hex: `002e 0203 0001 ${ID_ONE_HEX} ${A4} 00`, type: 515 },
  { name: '516 body of 2 bytes', hex: '0006 0204 03 00', type: 516 },
  { name: '516 identity and no address', hex: `0026 0204 03 00 ${ID_ONE_HEX}`, type: 516 },
  { name: '516 identity truncated, no address', hex: `0016 0204 03 00 ${ID_ONE_HEX.slice(0, 32)}`, type: 516 },
  { name: '516 byte after the IPv4 address', hex: `002e 0204 03 00 ${ID_ONE_HEX} ${A4} 00`, type: 516 },
];

for (const m of BAD_LENGTH) {
  test(`malformed: ${m.name} -> BAD_LENGTH`, () => {
    const bytes = hex(m.hex);
    assert.is(frameSize(bytes), bytes.length, 'the vector has a correct size field');
    expectProtocolError(() => decodeMessage(bytes), { code: ErrorCode.BadLength, messageType: m.type });
  });
}

test('a PEER RESPONSE count that disagrees with its bytes is reported on the count field', () => {
  for (const h of [`000d 01f9 0002 ${A4}`, '0006 01f9 0001', `0014 01f9 0001 ${A4} ${A4}`]) {
    const err = expectProtocolError(() => decodeMessage(hex(h)), { code: ErrorCode.BadLength, messageType: 505 });
    assert.is(err.field, 'count');
  }
});

const FAMILY_CARRIERS: Array<{ name: string; type: number; frame: (address: string) => string }> = [
  { name: '505', type: 505, frame: (a) => `000d 01f9 0001 ${a}` },
  { name: '505 (second address)', type: 505, frame: (a) => `0014 01f9 0002 ${A4} ${a}` },
  { name: '507', type: 507, frame: (a) => `0023 01fb ${NONCE_HEX} 0000000000000001 ${a}` },
  { name: '508', type: 508, frame: (a) => `000d 01fc 01 00 ${a}` },
  { name: '509', type: 509, frame: (a) => `000d 01fd 01 00 ${a}` },
  { name: '515', type: 515, frame: (a) => `002d 0203 0001 ${ID_ONE_HEX} ${a}` },
  { name: '516', type: 516, frame: (a) => `002d 0204 01 00 ${ID_ONE_HEX} ${a}` },
];

for (const carrier of FAMILY_CARRIERS) {
  for (const family of ['00', '05', 'ff']) {
    test(`malformed: ${carrier.name} with address family 0x${family} -> BAD_ADDRESS_FAMILY`, () => {
      const frame = hex(carrier.frame(`${family} 1771 7f000001`));
      assert.is(frameSize(frame), frame.length, 'the vector has a correct size field');
      const err = expectProtocolError(() => decodeMessage(frame), {
        code: ErrorCode.BadAddressFamily,
        messageType: carrier.type,
      });
      assert.is(err.field, 'address.family');
    });
  }
}

for (const version of ['00', '02', 'ff']) {
  test(`malformed: HELLO version 0x${version} -> BAD_VERSION`, () => {
    const err = expectProtocolError(() => decodeMessage(hex(`000d 01fc ${version} 00 ${A4}`)), {
      code: ErrorCode.BadVersion,
      messageType: 508,
    });
    assert.is(err.field, 'version');
  });
}

test.run();

/**
 * P2P encoders (504-511) refuse values that do not fit their fields, with a
 * ProtocolError naming the type and the field, and accept the limits exactly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeMessage,
  encodeMessage,
  ErrorCode,
  MAX_ITEM_DATA,
  MessageType,
  type Message,
  type PeerAddress,
} from '../src/index.js';
import { expectProtocolError, toHex } from './helpers.js';

const A4: PeerAddress = { family: 4, host: '127.0.0.1', port: 6001 };
const A6: PeerAddress = { family: 6, host: '::1', port: 6001 };
const NONCE = new Uint8Array(16).fill(1);
const SOLUTION = new Uint8Array(8).fill(2);

const pn = (over: Record<string, unknown>) =>
  ({
    type: MessageType.PeerNotification,
    ttl: 1,
    messageId: 1n,
    dataType: 1,
    data: new Uint8Array(0),
    ...over,
  }) as Message;

const bad = (over: Record<string, unknown>): Message => ({ ...(over as object) }) as Message;

const CASES: Array<{ name: string; msg: Message; code: ErrorCode; field: string }> = [
  { name: '504 max 65536', msg: bad({ type: 504, max: 65536 }), code: ErrorCode.OutOfRange, field: 'max' },
  { name: '504 max -1', msg: bad({ type: 504, max: -1 }), code: ErrorCode.OutOfRange, field: 'max' },
  { name: '505 peers not an array', msg: bad({ type: 505, peers: 'x' }), code: ErrorCode.OutOfRange, field: 'peers' },
  { name: '505 peers containing null', msg: bad({ type: 505, peers: [A4, null] }), code: ErrorCode.OutOfRange, field: 'address' },
  {
    name: '505 address with family 5',
    msg: bad({ type: 505, peers: [{ family: 5, host: '1.2.3.4', port: 1 }] }),
    code: ErrorCode.BadAddressFamily,
    field: 'address.family',
  },
  {
    name: '505 address with port 70000',
    msg: bad({ type: 505, peers: [{ ...A4, port: 70000 }] }),
    code: ErrorCode.OutOfRange,
    field: 'address.port',
  },
  {
    name: '505 address with port -1',
    msg: bad({ type: 505, peers: [{ ...A4, port: -1 }] }),
    code: ErrorCode.OutOfRange,
    field: 'address.port',
  },
  {
    name: '505 address with host "localhost"',
    msg: bad({ type: 505, peers: [{ ...A4, host: 'localhost' }] }),
    code: ErrorCode.BadAddress,
    field: 'address.host',
  },
  {
    name: '506 difficulty 256',
    msg: bad({ type: 506, difficulty: 256, nonce: NONCE }),
    code: ErrorCode.OutOfRange,
    field: 'difficulty',
  },
  {
    name: '506 nonce of 15 bytes',
    msg: bad({ type: 506, difficulty: 8, nonce: new Uint8Array(15) }),
    code: ErrorCode.OutOfRange,
    field: 'nonce',
  },
  {
    name: '506 nonce of 17 bytes',
    msg: bad({ type: 506, difficulty: 8, nonce: new Uint8Array(17) }),
    code: ErrorCode.OutOfRange,
    field: 'nonce',
  },
  {
    name: '506 nonce as an array of numbers',
    msg: bad({ type: 506, difficulty: 8, nonce: new Array(16).fill(0) }),
    code: ErrorCode.OutOfRange,
    field: 'nonce',
  },
  {
    name: '507 nonce of 15 bytes',
    msg: bad({ type: 507, nonce: new Uint8Array(15), solution: SOLUTION, address: A4 }),
    code: ErrorCode.OutOfRange,
    field: 'nonce',
  },
  {
    name: '507 solution of 7 bytes',
    msg: bad({ type: 507, nonce: NONCE, solution: new Uint8Array(7), address: A4 }),
    code: ErrorCode.OutOfRange,
    field: 'solution',
  },
  {
    name: '507 IPv6 family with an IPv4 host',
    msg: bad({ type: 507, nonce: NONCE, solution: SOLUTION, address: { family: 6, host: '1.2.3.4', port: 1 } }),
    code: ErrorCode.BadAddress,
    field: 'address.host',
  },
  {
    name: '508 version 2',
    msg: bad({ type: 508, version: 2, address: A4 }),
    code: ErrorCode.BadVersion,
    field: 'version',
  },
  {
    name: '508 version 0',
    msg: bad({ type: 508, version: 0, address: A4 }),
    code: ErrorCode.BadVersion,
    field: 'version',
  },
  {
    name: '508 IPv4 family with an IPv6 host',
    msg: bad({ type: 508, version: 1, address: { family: 4, host: '::1', port: 1 } }),
    code: ErrorCode.BadAddress,
    field: 'address.host',
  },
  {
    name: '508 host "1.2.3.256"',
    msg: bad({ type: 508, version: 1, address: { family: 4, host: '1.2.3.256', port: 1 } }),
    code: ErrorCode.BadAddress,
    field: 'address.host',
  },
  {
    name: '508 host "[::1]" (brackets belong to host:port text only)',
    msg: bad({ type: 508, version: 1, address: { family: 6, host: '[::1]', port: 1 } }),
    code: ErrorCode.BadAddress,
    field: 'address.host',
  },
  {
    name: '508 without an address',
    msg: bad({ type: 508, version: 1 }),
    code: ErrorCode.OutOfRange,
    field: 'address',
  },
  { name: '509 ttl 300', msg: bad({ type: 509, ttl: 300, address: A6 }), code: ErrorCode.OutOfRange, field: 'ttl' },
  {
    name: '509 family 0',
    msg: bad({ type: 509, ttl: 1, address: { family: 0, host: '::1', port: 1 } }),
    code: ErrorCode.BadAddressFamily,
    field: 'address.family',
  },
  { name: '508 flags 256', msg: bad({ type: 508, version: 1, flags: 256, address: A6 }), code: ErrorCode.OutOfRange, field: 'flags' },
  {
    name: '506 flags -1',
    msg: bad({ type: 506, difficulty: 1, flags: -1, nonce: new Uint8Array(16) }),
    code: ErrorCode.OutOfRange,
    field: 'flags',
  },
  { name: '510 token 2^32', msg: bad({ type: 510, reply: false, token: 2 ** 32 }), code: ErrorCode.OutOfRange, field: 'token' },
  { name: '510 token -1', msg: bad({ type: 510, reply: false, token: -1 }), code: ErrorCode.OutOfRange, field: 'token' },
  { name: '510 token 1.5', msg: bad({ type: 510, reply: false, token: 1.5 }), code: ErrorCode.OutOfRange, field: 'token' },
  { name: '510 reply 1', msg: bad({ type: 510, reply: 1, token: 1 }), code: ErrorCode.OutOfRange, field: 'reply' },
  { name: '511 ttl 300', msg: pn({ ttl: 300 }), code: ErrorCode.OutOfRange, field: 'ttl' },
  { name: '511 messageId -1n', msg: pn({ messageId: -1n }), code: ErrorCode.OutOfRange, field: 'messageId' },
  { name: '511 messageId 2n**64n', msg: pn({ messageId: 2n ** 64n }), code: ErrorCode.OutOfRange, field: 'messageId' },
  { name: '511 messageId as a number', msg: pn({ messageId: 5 }), code: ErrorCode.OutOfRange, field: 'messageId' },
  { name: '511 dataType 70000', msg: pn({ dataType: 70000 }), code: ErrorCode.OutOfRange, field: 'dataType' },
  {
    name: '511 data of 65520 bytes',
    msg: pn({ data: new Uint8Array(MAX_ITEM_DATA + 1) }),
    code: ErrorCode.TooLarge,
    field: 'data',
  },
];

for (const c of CASES) {
  test(`encode rejects ${c.name} (${c.code})`, () => {
    const err = expectProtocolError(() => encodeMessage(c.msg), { code: c.code, messageType: c.msg.type });
    assert.is(err.field, c.field);
  });
}

test('MAX_ITEM_DATA is 65519: a 511 with that much data is exactly a 65535-byte frame', () => {
  assert.is(MAX_ITEM_DATA, 65519);
  const data = new Uint8Array(MAX_ITEM_DATA).fill(0xab);
  const frame = encodeMessage(pn({ messageId: 2n ** 64n - 1n, data }));
  assert.is(frame.length, 65535);
  assert.is(toHex(frame.subarray(0, 4)), 'ffff01ff');
  const back = decodeMessage(frame) as { data: Uint8Array; messageId: bigint };
  assert.is(back.data.length, MAX_ITEM_DATA);
  assert.is(back.messageId, 2n ** 64n - 1n);
});

test('a PEER RESPONSE that would exceed 65535 bytes is TOO_LARGE; the largest that fits encodes', () => {
  // (65535 - 4 - 2) / 19 = 3448 IPv6 addresses fit, 3449 do not.
  const peers = new Array<PeerAddress>(3449).fill(A6);
  expectProtocolError(() => encodeMessage({ type: MessageType.PeerResponse, peers }), {
    code: ErrorCode.TooLarge,
    messageType: 505,
  });
  const fits = encodeMessage({ type: MessageType.PeerResponse, peers: peers.slice(1) });
  assert.is(fits.length, 4 + 2 + 3448 * 19);
  const back = decodeMessage(fits) as { peers: PeerAddress[] };
  assert.is(back.peers.length, 3448);
  assert.equal(back.peers[3447], A6);
});

test('the largest values of every field encode and decode', () => {
  const msgs: Message[] = [
    { type: MessageType.PeerRequest, max: 65535 },
    { type: MessageType.VerificationRequest, difficulty: 255, flags: 255, nonce: new Uint8Array(16).fill(0xff) },
    { type: MessageType.Push, ttl: 255, address: { family: 6, host: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', port: 65535 } },
    { type: MessageType.Ping, reply: true, token: 0xffffffff },
    { type: MessageType.Hello, version: 1, flags: 255, address: { family: 4, host: '255.255.255.255', port: 0 } },
  ];
  for (const m of msgs) assert.equal(decodeMessage(encodeMessage(m)), m);
});

test.run();

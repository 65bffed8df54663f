/** fast-check arbitraries for valid messages of every type (used by properties.test.ts). */
import fc from 'fast-check';
import {
  encodeMessage,
  makePeerAddress,
  MAX_ITEM_DATA,
  MessageType,
  type Message,
  type PeerAddress,
} from '../src/index.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const port = u16;
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

/** Mostly small, sometimes large data: up to `max` bytes. */
const data = (max: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: max - 16, maxLength: max }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }) },
  );

/** 16 bytes with many zero groups, so that :: compression and the mapped prefix are exercised. */
export const ipv6Bytes = fc.oneof(
  fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), u16), { minLength: 8, maxLength: 8 }).map((groups) => {
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      out[2 * i] = g >>> 8;
      out[2 * i + 1] = g & 0xff;
    });
    return out;
  }),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((v4) => {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(v4, 12);
    return out;
  }),
);

/** The full, uncompressed text of 16 address bytes (eight groups of four hex digits). */
export function fullIPv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16).padStart(4, '0'));
  return groups.join(':');
}

export const peerAddress: fc.Arbitrary<PeerAddress> = fc.oneof(
  fc.tuple(fc.ipV4(), port).map(([h, p]) => makePeerAddress(h, p)),
  fc.tuple(fc.ipV6(), port).map(([h, p]) => makePeerAddress(h, p)),
  fc.tuple(ipv6Bytes, port).map(([b, p]) => makePeerAddress(fullIPv6(b), p)),
);

/** fc.record with ordinary objects, so that results compare equal to decoded messages. */
const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { noNullPrototype: true });

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

export const messageOf: { [T in Message['type']]: fc.Arbitrary<Extract<Message, { type: T }>> } = {
  500: record({
    type: fc.constant(MessageType.GossipAnnounce),
    ttl: u8,
    dataType: u16,
    data: data(65527),
  }),
  501: record({ type: fc.constant(MessageType.GossipNotify), dataType: u16 }),
  502: record({
    type: fc.constant(MessageType.GossipNotification),
    messageId: u16,
    dataType: u16,
    data: data(65527),
  }),
  503: record({ type: fc.constant(MessageType.GossipValidation), messageId: u16, valid: fc.boolean() }),
  504: record({ type: fc.constant(MessageType.PeerRequest), max: u16 }),
  505: record({
    type: fc.constant(MessageType.PeerResponse),
    peers: fc.array(peerAddress, { maxLength: 40 }),
  }),
  506: record({ type: fc.constant(MessageType.VerificationRequest), difficulty: u8, flags: u8, nonce: bytes(16) }),
  507: record({
    type: fc.constant(MessageType.VerificationResponse),
    nonce: bytes(16),
    solution: bytes(8),
    address: peerAddress,
  }),
  508: record({
    type: fc.constant(MessageType.Hello),
    version: fc.constant(1 as const),
    flags: u8,
    address: peerAddress,
  }),
  509: record({ type: fc.constant(MessageType.Push), ttl: u8, address: peerAddress }),
  510: record({ type: fc.constant(MessageType.Ping), reply: fc.boolean(), token: u32 }),
  511: record({
    type: fc.constant(MessageType.PeerNotification),
    ttl: u8,
    messageId: u64,
    dataType: u16,
    data: data(MAX_ITEM_DATA),
  }),
  512: record({
    type: fc.constant(MessageType.IHave),
    entries: fc.array(record({ messageId: u64, ttl: u8 }), { minLength: 1, maxLength: 300 }),
  }),
  513: record({ type: fc.constant(MessageType.Graft), messageIds: fc.array(u64, { maxLength: 300 }) }),
  514: record({ type: fc.constant(MessageType.Prune) }),
  515: record({
    type: fc.constant(MessageType.AuthPeerResponse),
    peers: fc.array(record({ address: peerAddress, identity: bytes(32) }), { maxLength: 40 }),
  }),
  516: record({ type: fc.constant(MessageType.AuthPush), ttl: u8, identity: bytes(32), address: peerAddress }),
};

/** Any valid message, every type equally likely. */
export const message: fc.Arbitrary<Message> = fc.oneof(...Object.values(messageOf)) as fc.Arbitrary<Message>;

/** Small valid messages only (no large data), for streams of many frames. */
export const smallMessage: fc.Arbitrary<Message> = message.filter((m) => !('data' in m) || m.data.length <= 4096);

/**
 * A frame with a correct size field but a body that is anything: random
 * bytes, or a valid frame with bytes overwritten, cut off or appended.
 */
export const frameish: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.integer({ min: 500, max: 516 }), fc.integer({ min: 0, max: 0xffff })),
      fc.uint8Array({ maxLength: 120 }),
    )
    .map(([type, body]) => withHeader(type, body)),
  fc
    .tuple(
      smallMessage,
      fc.array(fc.tuple(fc.nat(), u8), { maxLength: 4 }),
      fc.integer({ min: -24, max: 24 }),
      fc.uint8Array({ maxLength: 24 }),
    )
    .map(([msg, pokes, cut, extra]) => mutate(msg, pokes, cut, extra)),
);

function withHeader(type: number, body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(4 + body.length);
  frame[0] = frame.length >>> 8;
  frame[1] = frame.length & 0xff;
  frame[2] = type >>> 8;
  frame[3] = type & 0xff;
  frame.set(body, 4);
  return frame;
}

function mutate(msg: Message, pokes: Array<[number, number]>, cut: number, extra: Uint8Array): Uint8Array {
  const valid = encodeMessage(msg);
  let body: Uint8Array = valid.slice(4);
  for (const [at, value] of pokes) if (body.length > 0) body[at % body.length] = value;
  if (cut < 0) body = body.subarray(0, Math.max(0, body.length + cut));
  else if (cut > 0) body = Uint8Array.from([...body, ...extra.subarray(0, cut)]);
  return withHeader(msg.type, body);
}

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, MessageType, encodeMessage } from '@gossip5/protocol';
import { waitFor, type FakeModule } from '@gossip5/testkit';
import { ApiErrorCode } from '../src/index.js';
import { bytes, concat, rawFrame, startHarness, type Harness } from './helpers.js';

/**
 * Every malformed case of the specification, on one server. After each, a
 * witness module that was connected all along must still be served.
 */
const test = suite<{ h: Harness; witness: FakeModule; round: number }>('malformed input', {
  h: undefined as never,
  witness: undefined as never,
  round: 0,
});

const W = 77;

test.before(async (ctx) => {
  ctx.h = await startHarness();
  ctx.witness = await ctx.h.subscriber(W);
});

test.after(async (ctx) => {
  await ctx.h.stop();
});

const FORBIDDEN = ApiErrorCode.ForbiddenType;

const cases: Array<[string, Uint8Array, string]> = [
  ['size field 0', bytes(0, 0, 0x01, 0xf4), ErrorCode.SizeTooSmall],
  ['size field 3', bytes(0, 3, 0x01, 0xf5, 0, 0, 0, 1), ErrorCode.SizeTooSmall],
  ['unknown type 0', rawFrame(0, bytes()), ErrorCode.UnknownType],
  ['unknown type 499', rawFrame(499, bytes(0, 0, 0, 1)), ErrorCode.UnknownType],
  ['unknown type 600', rawFrame(600, bytes(0, 0, 0, 1)), ErrorCode.UnknownType],
  ['unknown type 65535', rawFrame(65_535, bytes()), ErrorCode.UnknownType],
  [
    'GOSSIP NOTIFICATION (502) from a module',
    encodeMessage({ type: MessageType.GossipNotification, messageId: 1, dataType: W, data: bytes(1) }),
    FORBIDDEN,
  ],
  ['PEER REQUEST (504)', encodeMessage({ type: MessageType.PeerRequest, max: 4 }), FORBIDDEN],
  ['PEER RESPONSE (505)', encodeMessage({ type: MessageType.PeerResponse, peers: [] }), FORBIDDEN],
  ['VERIFICATION REQUEST (506)', rawFrame(506, new Uint8Array(18)), FORBIDDEN],
  ['VERIFICATION RESPONSE (507)', rawFrame(507, new Uint8Array(31)), FORBIDDEN],
  [
    'HELLO (508)',
    encodeMessage({ type: MessageType.Hello, version: 1, address: { family: 4, host: '127.0.0.1', port: 1 } }),
    FORBIDDEN,
  ],
  ['PUSH (509)', rawFrame(509, new Uint8Array(9)), FORBIDDEN],
  ['PING (510)', encodeMessage({ type: MessageType.Ping, reply: false, token: 1 }), FORBIDDEN],
  [
    'PEER NOTIFICATION (511)',
    encodeMessage({ type: MessageType.PeerNotification, ttl: 1, messageId: 1n, dataType: W, data: bytes(1) }),
    FORBIDDEN,
  ],
  ['IHAVE (512)', encodeMessage({ type: MessageType.IHave, entries: [{ messageId: 1n, ttl: 1 }] }), FORBIDDEN],
  ['GRAFT (513)', encodeMessage({ type: MessageType.Graft, messageIds: [1n] }), FORBIDDEN],
  ['PRUNE (514)', encodeMessage({ type: MessageType.Prune }), FORBIDDEN],
  ['AUTH PEER RESPONSE (515)', encodeMessage({ type: MessageType.AuthPeerResponse, peers: [] }), FORBIDDEN],
  [
    'AUTH PUSH (516)',
    encodeMessage({ type: MessageType.AuthPush, ttl: 1, identity: new Uint8Array(32), address: { family: 4, host: '127.0.0.1', port: 1 } }),
    FORBIDDEN,
  ],
  ['a forbidden type with an empty body (504)', rawFrame(504, bytes()), FORBIDDEN],
  ['NOTIFY with an empty body', rawFrame(501, bytes()), ErrorCode.BadLength],
  ['NOTIFY with a 3-byte body', rawFrame(501, bytes(0, 0, 1)), ErrorCode.BadLength],
  ['NOTIFY with a 5-byte body', rawFrame(501, bytes(0, 0, 0, 1, 0)), ErrorCode.BadLength],
  ['VALIDATION with an empty body', rawFrame(503, bytes()), ErrorCode.BadLength],
  ['VALIDATION with a 3-byte body', rawFrame(503, bytes(0, 0, 1)), ErrorCode.BadLength],
  ['VALIDATION with a 6-byte body', rawFrame(503, bytes(0, 0, 0, 1, 0, 0)), ErrorCode.BadLength],
  ['ANNOUNCE with an empty body', rawFrame(500, bytes()), ErrorCode.BadLength],
  ['ANNOUNCE with a 3-byte body', rawFrame(500, bytes(1, 0, 0)), ErrorCode.BadLength],
  [
    'a bad frame after good ones in the same chunk',
    concat(
      encodeMessage({ type: MessageType.GossipNotify, dataType: 5 }),
      encodeMessage({ type: MessageType.GossipAnnounce, ttl: 1, dataType: 5, data: bytes(1) }),
      rawFrame(501, bytes(0)),
      encodeMessage({ type: MessageType.GossipNotify, dataType: 6 }),
    ),
    ErrorCode.BadLength,
  ],
];

for (const [name, frame, code] of cases) {
  test(`${name}: closes that connection with a warning naming ${code} and the remote`, async (ctx) => {
    const { h, witness } = ctx;
    const before = h.server.stats();
    const bad = await h.connect();
    bad.subscribe(W); // a subscription the bad module must lose with its connection
    bad.sendRaw(frame);
    await bad.waitForClose();
    const s = h.server.stats();
    assert.is(s.closes.malformed, before.closes.malformed + 1);
    assert.is(s.malformed[code], (before.malformed[code] ?? 0) + 1);
    const warns = h.logger.records.filter((r) => r.level === 'warn' && r.fields['remote'] === bad.localAddress);
    assert.is(warns.length, 1, 'one warning for this connection');
    assert.is(warns[0]!.fields['reason'], 'malformed');
    assert.is(warns[0]!.fields['code'], code);
    assert.ok(String(warns[0]!.fields['why']).length > 0, 'the warning says why');
    assert.ok(warns[0]!.msg.includes(bad.localAddress));
    assert.is(h.server.connectionCount(), 1, 'only the witness is left');
    assert.is(s.subscriptions, 1);
    assert.not.ok(h.server.hasSubscribers(6), 'nothing after the bad frame was processed');
    // The witness is still served.
    ctx.round++;
    assert.is(await h.server.deliver({ dataType: W, data: bytes(ctx.round) }), 'valid');
    assert.is((await witness.nextNotification()).data[0], ctx.round);
    assert.is(witness.notifications.length, ctx.round);
  });
}

test('not malformed: VALIDATION for an unknown id, ANNOUNCE with empty data, reserved fields set', async (ctx) => {
  const { h } = ctx;
  const m = await h.connect();
  const announces: number[] = [];
  const onAnnounce = (a: { dataType: number }): void => {
    announces.push(a.dataType);
  };
  h.server.on('announce', onAnnounce);
  m.sendRaw(
    concat(
      rawFrame(503, bytes(0x12, 0x34, 0xff, 0xfe)), // unknown id, reserved flag bits set
      rawFrame(500, bytes(0, 0xff, 0, 8)), // empty data, reserved byte set
      rawFrame(501, bytes(0xff, 0xff, 0, 9)), // reserved field set
    ),
  );
  await waitFor(() => h.server.hasSubscribers(9));
  h.server.off('announce', onAnnounce);
  assert.equal(announces, [8]);
  assert.ok(m.isOpen);
  assert.is(h.logger.find(m.localAddress, 'warn').length, 0);
  m.destroy();
  await m.waitForClose();
});

test('a VALIDATION followed by garbage in the same segment still counts; then the connection is closed', async (ctx) => {
  const T = 4242;
  const m = await ctx.h.subscriber(T, 'silent');
  const verdict = ctx.h.server.deliver({ dataType: T, data: bytes(1, 2) });
  const n = await m.nextNotification();
  const validation = encodeMessage({ type: MessageType.GossipValidation, messageId: n.messageId, valid: true });
  m.sendRaw(concat(validation, bytes(0, 1, 0x01, 0xf4)));
  assert.is(await verdict, 'valid', 'the verdict before the bad header was not lost');
  await m.waitForClose();
});

test.run();

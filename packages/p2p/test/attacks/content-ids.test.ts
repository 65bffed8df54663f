/**
 * Attack table row 8 (issue 11): a neighbour that saw item X first sends garbage under X's id.
 * Links that negotiated HELLO bit 1 carry content-derived ids, checked before the id is marked seen.
 */
import { HelloFlag, makePeerAddress, MessageType, type PeerNotification } from '@gossip5/protocol';
import { FakeClock, FakePeer, RecordingLogger, seededRandomBytes } from '@gossip5/testkit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Counters } from '../../src/counters.js';
import { contentId, HELLO_FLAG_CONTENT_IDS } from '../../src/spread/content-id.js';
import { KnowledgeBase } from '../../src/spread/knowledge-base.js';
import { SeenIds } from '../../src/spread/seen-ids.js';
import { Spreader } from '../../src/spread/spreader.js';
import type { Link } from '../../src/transport/link.js';
import type { ReceivedItem } from '../../src/types.js';
import { target, until } from './helpers.js';

interface FakeLink {
  key: string;
  remote: string;
  flags: number;
  firstItems: number;
  closed: string | undefined;
  frames: number;
  close(reason: string): void;
  sendFrame(frame: Uint8Array, type: number): boolean;
  pauseReading(): void;
  resumeReading(): void;
}

function link(key: string, flags: number): FakeLink {
  return {
    key,
    remote: key,
    flags,
    firstItems: 0,
    closed: undefined,
    frames: 0,
    close(reason) {
      this.closed ??= reason;
    },
    sendFrame() {
      this.frames++;
      return true;
    },
    pauseReading() {},
    resumeReading() {},
  };
}

function setup(links: FakeLink[], contentIds = true) {
  const clock = new FakeClock();
  const counters = new Counters(new RecordingLogger(), clock, 1_000);
  const accepted: ReceivedItem[] = [];
  const spreader = new Spreader({
    random: seededRandomBytes(3),
    validator: { validate: async () => 'valid' },
    counters,
    logger: new RecordingLogger(),
    seen: new SeenIds({ clock, ttlMs: 60_000, limit: 1_000, seed: [1, 2] }),
    knowledge: new KnowledgeBase(100, 1 << 20, clock),
    relayUnsubscribed: true,
    lazy: undefined,
    contentIds,
    maxPendingValidations: 100,
    neighbours: () => links as unknown as Link[],
    neighbourCount: () => links.length,
    accepted: (item) => accepted.push(item),
  });
  return { spreader, accepted, counters };
}

const note = (messageId: bigint, data: Uint8Array): PeerNotification => ({
  type: MessageType.PeerNotification,
  ttl: 5,
  messageId,
  dataType: 7,
  data,
});

const real = Uint8Array.of(1, 2, 3);
const realId = contentId(7, real);

test('row 8: garbage under a real item’s id from a content-id link closes it, and the real item still passes', async () => {
  const forger = link('forger', HELLO_FLAG_CONTENT_IDS);
  const honest = link('honest', HELLO_FLAG_CONTENT_IDS);
  const { spreader, accepted, counters } = setup([forger, honest]);
  spreader.onNotification(forger as unknown as Link, note(realId, Uint8Array.of(6, 6, 6)));
  assert.is(forger.closed, 'forged-message-id');
  assert.is(counters.drops.counts['forged-message-id'], 1, 'counted, so every notification has one outcome');
  assert.is(accepted.length, 0, 'the forgery was not taken, its id not marked seen');
  spreader.onNotification(honest as unknown as Link, note(realId, real));
  assert.is(honest.closed, undefined);
  assert.equal(accepted.map((i) => i.data), [real]);
});

test('row 8: plain peers keep today’s behaviour: any id is taken from a link without bit 1', () => {
  const plain = link('plain', 0);
  const { spreader, accepted } = setup([plain]);
  spreader.onNotification(plain as unknown as Link, note(0x1234n, Uint8Array.of(9)));
  assert.is(plain.closed, undefined);
  assert.is(accepted.length, 1);
});

test('row 8: an item with a random id (a plain origin) is forwarded to plain links only', async () => {
  const plainIn = link('in', 0);
  const plainOut = link('out', 0);
  const strict = link('strict', HELLO_FLAG_CONTENT_IDS);
  const { spreader } = setup([plainIn, plainOut, strict]);
  spreader.onNotification(plainIn as unknown as Link, note(0x1234n, Uint8Array.of(9)));
  await new Promise((r) => setImmediate(r));
  assert.is(plainOut.frames, 1);
  assert.is(strict.frames, 0, 'it would be taken for a forgery there');
  spreader.onNotification(plainIn as unknown as Link, note(realId, real));
  await new Promise((r) => setImmediate(r));
  assert.is(strict.frames, 1, 'a content-derived one goes everywhere');
});

test('origination with content ids: the id is the first 8 bytes of SHA-256(data type, data); the same content is one item', () => {
  const out = link('out', HELLO_FLAG_CONTENT_IDS);
  const { spreader, counters } = setup([out]);
  const id = spreader.originate({ ttl: 3, dataType: 7, data: real });
  assert.is(id, realId);
  assert.is(id, 0xa040461523bdf4a8n, 'SHA-256(00 07 01 02 03), first 8 bytes, big-endian');
  assert.is(spreader.originate({ ttl: 3, dataType: 7, data: real }), realId);
  assert.is(out.frames, 1);
  assert.is(counters.itemsOriginatedDuplicate, 1);
  assert.is(counters.itemsOriginated, 1);
  const { spreader: random } = setup([link('x', 0)], false);
  assert.is.not(random.originate({ ttl: 3, dataType: 7, data: real }), realId);
});

test('row 8, real node: bit 1 is negotiated in the handshake; a forged id from such a peer closes its link, a plain peer is unaffected', async () => {
  const t = await target({ degree: 8 });
  const items: bigint[] = [];
  t.node.on('item', (i) => items.push(i.messageId));
  try {
    const strict = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40300), flags: HelloFlag.ContentIds });
    const request = await strict.hello();
    assert.is((request.flags ?? 0) & HelloFlag.ContentIds, HelloFlag.ContentIds, 'the node offers bit 1');
    strict.respond(request);
    await strict.next(MessageType.PeerResponse);
    const plain = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40301) });
    await plain.handshake();
    plain.send(note(0x77n, Uint8Array.of(1)));
    await until('the plain item is taken', () => items.includes(0x77n));
    strict.send(note(realId, Uint8Array.of(6, 6, 6)));
    await strict.closedByRemote();
    assert.is(t.node.stats().linksDownByReason['forged-message-id'], 1);
    assert.not.ok(items.includes(realId), 'the forgery was not taken');
    plain.send(note(realId, real));
    await until('the real item still passes', () => items.includes(realId));
    plain.close();
  } finally {
    await t.node.stop();
  }
});

test.run();

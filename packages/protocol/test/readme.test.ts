/**
 * The examples of README.md: every TypeScript block of the README must appear
 * in test/readme/*.ts (which the typecheck compiles), and those files run here.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  MessageType,
  type Message,
} from '../src/index.js';
import { hex, seededBytes, toHex } from './helpers.js';
import { contentIdExample } from './readme/content-id.js';
import { runModule } from './readme/module-client.js';
import { authenticatedExample, handshakeExample, peerAddressExamples, peerNotificationExample } from './readme/p2p.js';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
const exampleDir = join(here, 'readme');
const examples = readdirSync(exampleDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join(exampleDir, f), 'utf8'));

/** Lines without their indentation, so a block may come from inside a function. */
const normalize = (code: string) =>
  code
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .trim();

test('every ts block of the README appears in an example file that the tests compile and run', () => {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 8, `found ${blocks.length} blocks`);
  const sources = examples.map((e) => normalize(e.replaceAll("'../../src/index.js'", "'@gossip5/protocol'")));
  for (const block of blocks) {
    const b = normalize(block);
    assert.ok(
      sources.some((s) => s.includes(b)),
      `README block not found verbatim in test/readme/*.ts:\n${block}`,
    );
  }
});

test('the README lists every error code', async () => {
  const { ErrorCode } = await import('../src/index.js');
  for (const [name, code] of Object.entries(ErrorCode)) {
    assert.ok(readme.includes(`| \`${code}\` | \`${name}\` |`), `${code} is in the table`);
  }
});

// --- the module example against a fake gossip API server ------------------------------------

/** A tiny stand-in for the gossip API: records decoded frames, lets the test send frames. */
class FakeGossip {
  readonly received: Message[] = [];
  private readonly waiters: Array<() => void> = [];
  socket: Socket | undefined;
  isClosed = false;
  closed: Promise<void>;
  private closedResolve!: () => void;

  constructor(readonly server: Server) {
    this.closed = new Promise((resolve) => (this.closedResolve = resolve));
    server.on('connection', (socket) => {
      this.socket = socket;
      const frames = new FrameDecoder();
      socket.on('data', (chunk) => {
        for (const f of frames.push(chunk)) this.received.push(decodeMessage(f));
        for (const w of this.waiters.splice(0)) w();
      });
      socket.on('close', () => {
        this.isClosed = true;
        this.closedResolve();
        for (const w of this.waiters.splice(0)) w();
      });
    });
  }

  /** Resolve once `count` messages arrived (event-driven, no polling). */
  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) {
      if (this.isClosed) throw new Error(`connection closed after ${this.received.length} messages`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

test('the README module subscribes, announces, validates notifications and closes on a bad frame', async () => {
  const server = createServer();
  const gossip = new FakeGossip(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = runModule(port);
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    await gossip.waitFor(2);
    assert.equal(gossip.received[0], { type: MessageType.GossipNotify, dataType: 540 });
    const ann = gossip.received[1] as Extract<Message, { type: 500 }>;
    assert.is(ann.type, MessageType.GossipAnnounce);
    assert.is(ann.ttl, 0);
    assert.is(ann.dataType, 540);
    assert.is(new TextDecoder().decode(ann.data), 'hello from module A');

    // Two notifications in one write, the second split across two writes.
    const n1 = encodeMessage({
      type: MessageType.GossipNotification,
      messageId: 7,
      dataType: 540,
      data: new TextEncoder().encode('hello world'),
    });
    const n2 = encodeMessage({
      type: MessageType.GossipNotification,
      messageId: 8,
      dataType: 540,
      data: new TextEncoder().encode('spam'),
    });
    gossip.socket!.write(Buffer.concat([n1, n2.subarray(0, 3)]));
    gossip.socket!.write(n2.subarray(3));
    await gossip.waitFor(4);
    assert.equal(gossip.received.slice(2), [
      { type: MessageType.GossipValidation, messageId: 7, valid: true },
      { type: MessageType.GossipValidation, messageId: 8, valid: false },
    ]);

    // A frame with size 2 is malformed: the module warns and closes the connection.
    gossip.socket!.write(hex('0002 01f6'));
    await gossip.closed;
    assert.is(warnings.length, 1);
    assert.match(String((warnings[0] as unknown[])[0]), 'GOSSIP_ERR_SIZE_TOO_SMALL');
  } finally {
    console.warn = warn;
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

// --- the P2P examples -------------------------------------------------------------------

test('the README handshake example is accepted', () => {
  assert.is(handshakeExample(seededBytes(11)), true);
});

test('the README PEER NOTIFICATION example matches the spec layout', () => {
  assert.is(toHex(peerNotificationExample()), toHex(hex('0012 01ff 05 00 8000000000000001 021c 6869')));
});

test('the README content id example is the first 8 bytes of SHA-256(type u16 BE || data)', () => {
  const digest = createHash('sha256').update(Uint8Array.of(0x02, 0x1c, 0x68, 0x69)).digest();
  assert.is(contentIdExample(), digest.readBigUInt64BE(0));
});

test('the README authenticated-links example round-trips the identity and the flag', () => {
  const identity = new Uint8Array(32).fill(7);
  const r = authenticatedExample(identity);
  assert.equal(r.got, { type: MessageType.AuthPush, ttl: 3, identity, address: { family: 4, host: '127.0.0.1', port: 6001 } });
  assert.is(r.authenticated, 4);
});

test('the README PeerAddress example gives what its comments say', () => {
  const r = peerAddressExamples();
  assert.equal(r.a, { family: 6, host: '2001:db8::1', port: 6001 });
  assert.equal(r.b, r.a);
  assert.is(r.same, true);
  assert.is(r.key, '[2001:db8::1]:6001');
  assert.is(r.host, 'gossip.example.org');
  assert.is(r.port, 6001);
});

test.run();

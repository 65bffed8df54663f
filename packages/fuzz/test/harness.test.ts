/** The pieces the targets are built from: input splitting, the framing model, mutation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage, ErrorCode, MessageType, NONCE_SIZE, SOLUTION_SIZE } from '@gossip5/protocol';
import { MemorySocket } from '../src/harness/memory-socket.js';
import { checkResting, startP2PHarness } from '../src/harness/p2p-node.js';
import { splitInput, unsplit } from '../src/harness/split.js';
import { modelFraming } from '../src/targets/frame-decoder.js';
import { mutate } from '../src/engine/mutate.js';
import { Rng } from '../src/engine/rng.js';

test('splitInput: cut count, u16 cut points taken modulo the stream, sorted', () => {
  const stream = [10, 11, 12, 13, 14];
  const { stream: s, chunks } = splitInput(Uint8Array.from([2, 0, 3, 0, 1, ...stream]));
  assert.equal([...s], stream);
  assert.equal(chunks.map((c) => [...c]), [[10], [11, 12], [13, 14]]);
  const wrapped = splitInput(Uint8Array.from([1, 0xff, 0xff, 1, 2]));
  assert.equal(wrapped.chunks.map((c) => c.length), [0xffff % 3, 2 - (0xffff % 3)]);
  assert.equal(splitInput(unsplit(Uint8Array.from([1, 2, 3]))).chunks.map((c) => [...c]), [[1, 2, 3]]);
  assert.equal(splitInput(new Uint8Array(0)).chunks.length, 1);
});

test('modelFraming: whole frames, the rest, and the two size errors', () => {
  const m = modelFraming(Uint8Array.from([0, 4, 1, 0xf4, 0, 6, 1, 0xfe, 9]), 65535);
  assert.is(m.frames.length, 1);
  assert.is(m.rest, 5);
  assert.is(m.error, undefined);
  assert.is(modelFraming(Uint8Array.from([0, 3, 0, 0]), 65535).error, ErrorCode.SizeTooSmall);
  assert.is(modelFraming(Uint8Array.from([0, 9, 0, 0]), 8).error, ErrorCode.TooLarge);
});

test('mutate is deterministic for a seed and respects maxLen', () => {
  const run = (seed: number) => {
    const rng = new Rng(seed);
    let d: Uint8Array = Uint8Array.from([1, 2, 3, 4]);
    const out: string[] = [];
    for (let i = 0; i < 200; i++) {
      d = mutate(d, { rng, maxLen: 32, corpus: [Uint8Array.from([9, 9])], dictionary: [Uint8Array.from([1, 0xf4])] });
      assert.ok(d.length <= 32);
      out.push(Buffer.from(d).toString('hex'));
    }
    return out;
  };
  assert.equal(run(7), run(7));
  assert.not.equal(run(7), run(8));
});

test('p2p harness: with zero random bytes a peer that knows the nonce gets linked, and the node returns to rest', async () => {
  const h = await startP2PHarness((n) => new Uint8Array(n));
  try {
    const address = { family: 4 as const, host: '127.0.0.9', port: 6001 };
    const sock = new MemorySocket(5555, address.host);
    h.accept(sock);
    sock.feed(encodeMessage({ type: MessageType.Hello, version: 1, address }));
    const nonce = new Uint8Array(NONCE_SIZE);
    sock.feed(encodeMessage({ type: MessageType.VerificationResponse, nonce, solution: new Uint8Array(SOLUTION_SIZE), address }));
    assert.is(h.node.neighbours().length, 2);
    sock.hangUp();
    await checkResting(h);
    assert.is(h.node.neighbours().length, 1);
  } finally {
    await h.stop();
  }
});

test.run();

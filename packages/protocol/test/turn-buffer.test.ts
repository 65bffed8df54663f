import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TurnBuffer } from '../src/index.js';

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

function sink() {
  const writes: Uint8Array[] = [];
  return { writes, destroyed: false, write: (b: Uint8Array) => (writes.push(b), true) };
}

test('TurnBuffer: the frames of one turn leave in one write, in order, growing past the first size', async () => {
  const s = sink();
  const t = new TurnBuffer(s);
  const frames = Array.from({ length: 100 }, (_, i) => new Uint8Array(100).fill(i));
  for (const f of frames) {
    const { bytes, at } = t.reserve(f.length);
    bytes.set(f, at);
  }
  assert.is(t.length, 10_000);
  assert.is(s.writes.length, 0, 'nothing before the turn ends');
  await tick();
  assert.is(s.writes.length, 1);
  assert.equal([...s.writes[0]!], frames.flatMap((f) => [...f]));
  assert.is(t.length, 0);
  const { bytes, at } = t.reserve(2);
  bytes[at] = 7;
  bytes[at + 1] = 8;
  await tick();
  assert.equal(s.writes.length, 2);
  assert.equal([...s.writes[1]!], [7, 8], 'the next turn is a write of its own; the first one is not overwritten');
  assert.is(s.writes[0]![0], 0);
});

test('TurnBuffer: the gathered buffer itself is written (no copy), and the next turn writes into a fresh one', async () => {
  const s = sink();
  const t = new TurnBuffer(s);
  const first = t.reserve(3);
  first.bytes.set([1, 2, 3], first.at);
  await tick();
  assert.is(s.writes[0]!.buffer, first.bytes.buffer, 'the same memory');
  assert.is(s.writes[0]!.byteOffset, first.bytes.byteOffset);
  const second = t.reserve(3);
  second.bytes.set([4, 5, 6], second.at);
  assert.not.ok(second.bytes === first.bytes, 'a new buffer for the next turn');
  await tick();
  assert.equal([...s.writes[0]!], [1, 2, 3], 'the first write is untouched by the second turn');
  assert.equal([...s.writes[1]!], [4, 5, 6]);
});

test('TurnBuffer: after drop, or on a destroyed socket, nothing is written', async () => {
  const s = sink();
  const t = new TurnBuffer(s);
  t.reserve(10);
  t.drop();
  await tick();
  assert.is(s.writes.length, 0);
  const s2 = sink();
  const t2 = new TurnBuffer(s2);
  t2.reserve(10);
  s2.destroyed = true;
  await tick();
  assert.is(s2.writes.length, 0);
});

test('TurnBuffer: frames appended in one turn leave in one write, copied (the shared frame may be reused), flush sends at once', async () => {
  const writes: Uint8Array[] = [];
  const sink = { destroyed: false, write: (b: Uint8Array) => (writes.push(b), true) };
  const t = new TurnBuffer(sink);
  const frame = new Uint8Array([1, 2, 3]);
  for (let i = 0; i < 3000; i++) t.append(frame);
  frame.fill(9);
  assert.is(t.length, 9000);
  await tick();
  assert.is(writes.length, 1);
  assert.is(writes[0]!.length, 9000);
  assert.ok(writes[0]!.every((b, i) => b === (i % 3) + 1), 'the bytes as they were when appended');
  t.append(frame);
  t.flush();
  assert.is(writes.length, 2, 'flush writes without waiting for the turn to end');
  await tick();
  assert.is(writes.length, 2, 'and nothing is written twice');
  t.append(frame);
  t.drop();
  await tick();
  assert.is(writes.length, 2, 'dropped');
});

test.run();

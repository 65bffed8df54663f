import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TurnBuffer } from '../../src/transport/turn-buffer.js';

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

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

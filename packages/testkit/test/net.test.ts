import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../src/net.js';

test('freePort never hands out the same port twice in one process', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 300; i++) ports.push(await freePort());
  assert.equal(new Set(ports).size, ports.length);
  for (const p of ports) assert.ok(p > 0 && p < 65536);
});

test.run();

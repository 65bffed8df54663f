import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePeerAddress, verifyProofOfWork } from '@gossip5/protocol';
import { PowWorker, protocolUrl } from '../../src/handshake/pow-worker.js';

const address = makePeerAddress('127.0.0.1', 7000);

test('the protocol entry the worker imports is a file that exists', () => {
  const url = protocolUrl();
  assert.match(url, /^file:/);
  assert.ok(existsSync(fileURLToPath(url)));
});

test('solves in a worker thread while the event loop keeps turning', async () => {
  const worker = new PowWorker();
  try {
    // With this nonce the first solution is candidate 1,911,148: a fixed, large amount of work.
    const nonce = new Uint8Array(16).fill(3);
    let solved = false;
    const solving = worker.solve(nonce, address, 20).then((s) => {
      solved = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 0));
    assert.not.ok(solved, 'a timer ran before the solution: hashing is off the event loop');
    assert.is(worker.busy, 1);
    const solution = await solving;
    assert.ok(verifyProofOfWork(nonce, address, solution, 20));
    assert.is(new DataView(solution.buffer, solution.byteOffset, 8).getBigUint64(0), 1_911_148n);
  } finally {
    await worker.close();
  }
});

test('one long-lived worker answers concurrent requests, each with its own solution', async () => {
  const worker = new PowWorker();
  try {
    const nonces = [1, 2, 3, 4, 5].map((i) => new Uint8Array(16).fill(i * 17));
    const solutions = await Promise.all(nonces.map((n) => worker.solve(n, address, 10)));
    nonces.forEach((n, i) => assert.ok(verifyProofOfWork(n, address, solutions[i]!, 10)));
  } finally {
    await worker.close();
  }
});

test('after close, pending and new requests fail with GOSSIP_ERR_P2P_POW_FAILED', async () => {
  const worker = new PowWorker();
  const outcome = (p: Promise<unknown>) => p.then(() => 'solved', (err: { code?: string }) => err.code);
  const pending = outcome(worker.solve(new Uint8Array(16).fill(8), address, 24));
  await worker.close();
  assert.is(await pending, 'GOSSIP_ERR_P2P_POW_FAILED');
  assert.is(await outcome(worker.solve(new Uint8Array(16), address, 1)), 'GOSSIP_ERR_P2P_POW_FAILED');
});

test.run();

/**
 * Attack table rows 6 and 7 (issue 11): hostile listeners asking for hard work, and a difficulty
 * that dialers would refuse.
 */
import { makePeerAddress, MessageType } from '@gossip5/protocol';
import { FakePeer } from '@gossip5/testkit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveConfig } from '../../src/config.js';
import { POW_DIFFICULTY_RANGE } from '../../src/constants.js';
import { PowWorker } from '../../src/handshake/pow-worker.js';
import { TEST_NODE_DEFAULTS } from '../../src/testing/network.js';
import { target, until } from './helpers.js';

const address = makePeerAddress('127.0.0.1', 7000);

test('row 6: the solver queue is bounded, and cancelling the job being solved frees the solver', async () => {
  const worker = new PowWorker(2);
  try {
    const hostile = new AbortController();
    // Difficulty 40: far beyond any timeout; it only ends by being cancelled.
    const hard = worker.solve(new Uint8Array(16).fill(1), address, 40, hostile.signal).catch((e: Error) => e.message);
    const honest = worker.solve(new Uint8Array(16).fill(2), address, 1);
    const third = await worker.solve(new Uint8Array(16).fill(3), address, 1).catch((e: Error) => e.message);
    assert.match(String(third), /queue full/);
    hostile.abort();
    assert.match(String(await hard), /handshake ended/);
    assert.ok((await honest).length === 8, 'the honest job is solved by a fresh worker');
    assert.is(worker.terminations, 1);
    // A queued job that is cancelled simply leaves the queue.
    const blocker = new AbortController();
    const queued = new AbortController();
    const a = worker.solve(new Uint8Array(16).fill(4), address, 40, blocker.signal).catch((e: Error) => e.message);
    const b = worker.solve(new Uint8Array(16).fill(5), address, 1, queued.signal).catch((e: Error) => e.message);
    queued.abort();
    assert.match(String(await b), /handshake ended/);
    assert.is(worker.busy, 1);
    blocker.abort();
    await a;
    assert.is(worker.busy, 0);
  } finally {
    await worker.close();
  }
});

test('row 6: a dial’s proof-of-work job is cancelled when its handshake times out', async () => {
  const listener = await FakePeer.listen();
  const signals: AbortSignal[] = [];
  const t = await target(
    { bootstrapper: listener.address, handshakeTimeoutMs: 5_000, maxAcceptedDifficulty: 24 },
    7,
    // A solver that never finishes, like a worker stuck behind a hostile listener's difficulty 24.
    { powSolver: (_n, _a, _d, signal) => (signals.push(signal!), new Promise<Uint8Array>(() => {})) },
  );
  try {
    const fake = await listener.accept();
    await fake.next(MessageType.Hello);
    fake.send({ type: MessageType.VerificationRequest, difficulty: 24, nonce: new Uint8Array(16) });
    await until('the job is handed to the solver', () => signals.length === 1);
    assert.not.ok(signals[0]!.aborted);
    t.clock.advance(5_000);
    assert.ok(signals[0]!.aborted, 'the timed-out handshake cancelled its job');
    assert.is(t.node.stats().handshakesFailed['handshake-timeout'], 1);
  } finally {
    await t.node.stop();
    await listener.close();
  }
});

test('row 7: one difficulty range bounds powDifficulty and maxAcceptedDifficulty', () => {
  const base = { ...TEST_NODE_DEFAULTS };
  assert.is(POW_DIFFICULTY_RANGE.max, 24);
  assert.is(resolveConfig({ ...base, powDifficulty: POW_DIFFICULTY_RANGE.max }).powDifficulty, 24);
  assert.throws(() => resolveConfig({ ...base, powDifficulty: POW_DIFFICULTY_RANGE.max + 1 }), /powDifficulty/);
  assert.throws(() => resolveConfig({ ...base, maxAcceptedDifficulty: POW_DIFFICULTY_RANGE.max + 1 }), /maxAcceptedDifficulty/);
  // The default dialer solves everything a listener may be configured to ask.
  assert.is(resolveConfig(base).maxAcceptedDifficulty, POW_DIFFICULTY_RANGE.max);
});

test.run();

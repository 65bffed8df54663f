import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ApiServer } from '@gossip5/api';
import type { P2PNode } from '@gossip5/p2p';
import { FakeClock } from '@gossip5/testkit';
import { AnnounceFlow, DEFAULT_FLOW_MARKS, FLOW_CHECK_MS } from '../src/announce-flow.js';

function setup() {
  const load = { link: 0, module: 0, pending: 0, modulePending: 0 };
  const calls: string[] = [];
  const api = {
    pauseAnnouncers: () => calls.push('pause'),
    resumeAnnouncers: () => calls.push('resume'),
    maxQueuedBytes: () => load.module,
    maxPendingShare: () => load.modulePending,
  } as unknown as ApiServer;
  const p2p = { maxSendQueuedBytes: () => load.link, pendingValidations: () => load.pending } as unknown as P2PNode;
  const clock = new FakeClock(0);
  return { load, calls, clock, flow: new AnnounceFlow(api, p2p, clock) };
}

test('below the high marks nothing is paused', () => {
  const s = setup();
  s.load.link = DEFAULT_FLOW_MARKS.linkHighBytes;
  s.flow.afterAnnounce();
  assert.equal(s.calls, []);
  assert.is(s.clock.pending, 0);
});

for (const what of ['link', 'module', 'pending', 'modulePending'] as const) {
  test(`a ${what} above its high mark pauses announcers until all are at their low marks`, () => {
    const s = setup();
    const m = DEFAULT_FLOW_MARKS;
    const high = { link: m.linkHighBytes, module: m.moduleHighBytes, pending: m.pendingHigh, modulePending: m.modulePendingHigh }[what];
    const low = { link: m.linkLowBytes, module: m.moduleLowBytes, pending: m.pendingLow, modulePending: m.modulePendingLow }[what];
    s.load[what] = high * 1.01 + 0.001;
    s.flow.afterAnnounce();
    s.flow.afterAnnounce();
    assert.equal(s.calls, ['pause'], 'paused once');
    assert.ok(s.flow.isPaused);
    s.load[what] = (low + high) / 2; // between the marks: still paused
    s.clock.advance(FLOW_CHECK_MS * 10);
    assert.equal(s.calls, ['pause']);
    s.load[what] = low;
    s.clock.advance(FLOW_CHECK_MS);
    assert.equal(s.calls, ['pause', 'resume']);
    assert.not.ok(s.flow.isPaused);
    assert.is(s.flow.pauses, 1);
    assert.ok(s.flow.pausedMs >= FLOW_CHECK_MS * 10);
    assert.is(s.clock.pending, 0, 'no timer left');
  });
}

test('stop() clears the check timer', () => {
  const s = setup();
  s.load.pending = DEFAULT_FLOW_MARKS.pendingHigh + 1;
  s.flow.afterAnnounce();
  assert.is(s.clock.pending, 1);
  s.flow.stop();
  assert.is(s.clock.pending, 0);
});

test.run();

import * as assert from 'uvu/assert';
import type { P2PStats } from '../src/types.js';

/** Assert that every PEER NOTIFICATION a node took in ended in exactly one counted outcome. */
export function assertAccounted(s: P2PStats, what = 'node'): void {
  const backlogDrops = s.drops['validation-backlog-full'] ?? 0;
  assert.is(s.notificationsIn, s.itemsDuplicate + backlogDrops + s.itemsReceived, `${what}: notifications in = duplicate + dropped + received`);
  const outcomes =
    s.pendingValidations +
    s.itemsForwarded +
    s.itemsNoOtherNeighbour +
    s.itemsStoppedInvalid +
    s.itemsStoppedUnsubscribed +
    s.itemsTtlExpired +
    s.itemsUndecidedAtStop;
  assert.is(s.itemsReceived, outcomes, `${what}: received = pending + each outcome`);
}

import type { ApiStats, CloseReason, DropReason, Verdict } from './types.js';

/** The counters part of ApiStats (the current sizes are read from the live state). */
export type ApiCounters = Omit<
  ApiStats,
  'connectionsOpen' | 'subscriptions' | 'subscribedTypes' | 'pendingValidations' | 'pendingDeliveries' | 'activeTimers'
>;

export function createCounters(): ApiCounters {
  const verdicts: Record<Verdict, number> = { valid: 0, invalid: 0, unsubscribed: 0 };
  const closes: Record<CloseReason, number> = {
    'remote-closed': 0,
    'socket-error': 0,
    malformed: 0,
    'idle-timeout': 0,
    'slow-consumer': 0,
    'validation-stalled': 0,
    'subscription-limit': 0,
    'server-stopped': 0,
  };
  const drops: Record<DropReason, number> = { 'connection-limit': 0, 'pending-limit': 0 };
  return {
    connectionsAccepted: 0,
    connectionsRejected: 0,
    connectionsClosed: 0,
    bytesIn: 0,
    framesIn: 0,
    announces: 0,
    subscribes: 0,
    validationsIn: 0,
    validationsIgnored: 0,
    notificationsSent: 0,
    announcerPauses: 0,
    deliveries: 0,
    verdicts,
    closes,
    malformed: {},
    drops,
  };
}

/** A deep copy, so callers can keep and compare snapshots. */
export function copyCounters(c: ApiCounters): ApiCounters {
  return { ...c, verdicts: { ...c.verdicts }, closes: { ...c.closes }, malformed: { ...c.malformed }, drops: { ...c.drops } };
}

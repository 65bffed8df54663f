import type { ApiStats } from '@gossip5/api';
import type { P2PStats } from '@gossip5/p2p';
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { BridgeStats } from './bridge.js';

/** What the metrics read at each scrape: the daemon's own counters, never a copy kept in step. */
export interface MetricsSource {
  stats(): { bridge: BridgeStats; api: ApiStats; p2p: P2PStats; announceFlow: { paused: boolean; pauses: number } };
}

type Snapshot = ReturnType<MetricsSource['stats']>;
type Labelled = Array<[Record<string, string>, number]>;

/**
 * A Prometheus registry whose every series is read from `source.stats()` when scraped, plus the
 * histograms in `own` (they observe events as they happen). Counters are
 * monotonic because the daemon's counters are; only the histograms hold state of their own.
 */
export function createMetrics(source: MetricsSource, own: Metric[] = []): Registry {
  const registry = new Registry();
  // Histograms observe events as they happen (no counter to read them from): registered as they are.
  for (const m of own) registry.registerMetric(m);
  let snap: Snapshot | undefined;
  /** One stats() per scrape: the first collector takes it, the others reuse it. */
  const read = (): Snapshot => (snap ??= source.stats());
  const counter = (name: string, help: string, labelNames: string[], values: (s: Snapshot) => Labelled) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, v] of values(read())) this.inc(labels, v);
      },
    });
  const gauge = (name: string, help: string, value: (s: Snapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value(read()));
      },
    });
  const by = (label: string, rec: Record<string, number>): Labelled =>
    Object.entries(rec).map(([k, v]) => [{ [label]: k }, v]);

  counter('gossip5_p2p_items_total', 'Items by outcome (network items and originated ones).', ['outcome'], ({ p2p: p }) => [
    [{ outcome: 'originated' }, p.itemsOriginated],
    [{ outcome: 'originated_duplicate' }, p.itemsOriginatedDuplicate],
    [{ outcome: 'received' }, p.itemsReceived],
    [{ outcome: 'duplicate' }, p.itemsDuplicate],
    [{ outcome: 'forwarded' }, p.itemsForwarded],
    [{ outcome: 'no_other_neighbour' }, p.itemsNoOtherNeighbour],
    [{ outcome: 'stopped_invalid' }, p.itemsStoppedInvalid],
    [{ outcome: 'stopped_unsubscribed' }, p.itemsStoppedUnsubscribed],
    [{ outcome: 'ttl_expired' }, p.itemsTtlExpired],
    [{ outcome: 'undecided_at_stop' }, p.itemsUndecidedAtStop],
  ]);
  counter('gossip5_p2p_drops_total', 'Things the overlay dropped, by reason.', ['reason'], ({ p2p }) => by('reason', p2p.drops));
  counter('gossip5_p2p_messages_sent_total', 'P2P messages sent, by type.', ['type'], ({ p2p }) => by('type', p2p.messagesSent));
  counter('gossip5_p2p_messages_received_total', 'P2P messages received, by type.', ['type'], ({ p2p }) =>
    by('type', p2p.messagesReceived),
  );
  counter('gossip5_p2p_links_up_total', 'Links established.', [], ({ p2p }) => [[{}, p2p.linksUp]]);
  counter('gossip5_p2p_links_down_total', 'Established links closed, by reason.', ['reason'], ({ p2p }) =>
    by('reason', p2p.linksDownByReason),
  );
  counter('gossip5_p2p_handshakes_total', 'Handshakes by result (ok, or the reason it failed).', ['result'], ({ p2p }) => [
    [{ result: 'ok' }, p2p.handshakesOk],
    ...by('result', p2p.handshakesFailed),
  ]);
  counter('gossip5_p2p_backlog_pauses_total', 'Times a link was paused because the validation backlog was full.', [], ({ p2p }) => [
    [{}, p2p.backlogPauses],
  ]);
  counter('gossip5_p2p_payload_copies_received_total', 'PEER NOTIFICATIONs received (payload copies, duplicates included).', [], ({ p2p }) => [
    [{}, p2p.notificationsIn],
  ]);
  counter('gossip5_p2p_lazy_ids_total', 'Lazy push: message ids in IHAVE and GRAFT, by message and direction.', ['message', 'direction'], ({ p2p }) => {
    const l = p2p.lazyPush;
    return [
      [{ message: 'ihave', direction: 'sent' }, l.ihaveIdsSent],
      [{ message: 'ihave', direction: 'received' }, l.ihaveIdsReceived],
      [{ message: 'graft', direction: 'sent' }, l.graftIdsSent],
      [{ message: 'graft', direction: 'received' }, l.graftIdsReceived],
    ];
  });
  counter('gossip5_p2p_prunes_total', 'Lazy push: PRUNEs by direction.', ['direction'], ({ p2p }) => [
    [{ direction: 'sent' }, p2p.lazyPush.prunesSent],
    [{ direction: 'received' }, p2p.lazyPush.prunesReceived],
  ]);
  counter('gossip5_p2p_pulls_total', 'Lazy push: pulls by outcome (started = GRAFT sent; served, missed = GRAFTed ids answered or not).', ['outcome'], ({ p2p }) => [
    [{ outcome: 'started' }, p2p.lazyPush.pullsStarted],
    [{ outcome: 'served' }, p2p.lazyPush.pullsServed],
    [{ outcome: 'missed' }, p2p.lazyPush.pullsMissed],
    [{ outcome: 'abandoned' }, p2p.lazyPush.pullsAbandoned],
  ]);
  counter('gossip5_api_connections_total', 'Module connections by event.', ['event'], ({ api: a }) => [
    [{ event: 'accepted' }, a.connectionsAccepted],
    [{ event: 'rejected' }, a.connectionsRejected],
    [{ event: 'closed' }, a.connectionsClosed],
  ]);
  counter('gossip5_api_closes_total', 'Module connections closed, by reason.', ['reason'], ({ api }) => by('reason', api.closes));
  counter('gossip5_api_drops_total', 'API drops that did not close a connection, by reason.', ['reason'], ({ api }) =>
    by('reason', api.drops),
  );
  counter('gossip5_api_malformed_total', 'Malformed frames from modules, by error code.', ['code'], ({ api }) => by('code', api.malformed));
  counter('gossip5_api_bytes_in_total', 'Bytes read from modules.', [], ({ api }) => [[{}, api.bytesIn]]);
  counter('gossip5_api_frames_total', 'API frames by kind.', ['kind'], ({ api: a }) => [
    [{ kind: 'in' }, a.framesIn],
    [{ kind: 'announce' }, a.announces],
    [{ kind: 'notify' }, a.subscribes],
    [{ kind: 'validation' }, a.validationsIn],
    [{ kind: 'validation_ignored' }, a.validationsIgnored],
    [{ kind: 'notification_sent' }, a.notificationsSent],
  ]);
  counter('gossip5_api_verdicts_total', 'Verdicts of deliveries to local modules.', ['verdict'], ({ api }) => by('verdict', api.verdicts));
  counter('gossip5_announcer_pauses_total', 'Times announcing modules were paused because the spreading path was full.', [], (s) => [
    [{}, s.announceFlow.pauses],
  ]);
  counter('gossip5_announces_refused_too_large_total', 'ANNOUNCEs refused for exceeding the network item limit.', [], (s) => [
    [{}, s.bridge.announceRefusedTooLarge],
  ]);

  gauge('gossip5_neighbours', 'Established links now.', (s) => s.p2p.neighbours);
  gauge('gossip5_known_peers', 'Peer addresses known now.', (s) => s.p2p.knownPeers);
  gauge('gossip5_seen_ids', 'Message ids in the seen set now.', (s) => s.p2p.seenIds);
  gauge('gossip5_knowledge_base_items', 'Items in the knowledge base now.', (s) => s.p2p.knowledgeBase);
  gauge('gossip5_knowledge_base_bytes', 'Data bytes in the knowledge base now.', (s) => s.p2p.knowledgeBaseBytes);
  gauge('gossip5_p2p_pending_validations', 'Network items awaiting a verdict now.', (s) => s.p2p.pendingValidations);
  gauge('gossip5_p2p_pending_handshakes', 'Handshakes in progress now.', (s) => s.p2p.pendingHandshakes);
  gauge('gossip5_p2p_links_paused', 'Links not being read now because the validation backlog is full.', (s) => s.p2p.linksPausedForBacklog);
  gauge('gossip5_p2p_eager_links', 'Lazy push: neighbours pushed to whole now (tree links).', (s) => s.p2p.lazyPush.eagerLinks);
  gauge('gossip5_p2p_lazy_links', 'Lazy push: neighbours sent ids only now.', (s) => s.p2p.lazyPush.lazyLinks);
  gauge('gossip5_p2p_plain_links', 'Neighbours without lazy push now.', (s) => s.p2p.lazyPush.plainLinks);
  gauge('gossip5_p2p_pulls_pending', 'Lazy push: announced ids awaited now.', (s) => s.p2p.lazyPush.pullsPending);
  gauge('gossip5_api_connections', 'Module connections open now.', (s) => s.api.connectionsOpen);
  gauge('gossip5_api_subscriptions', 'Subscriptions (connection, data type) now.', (s) => s.api.subscriptions);
  gauge('gossip5_api_pending_validations', 'NOTIFICATIONs awaiting an answer now.', (s) => s.api.pendingValidations);
  gauge('gossip5_announcers_paused', '1 while announcing modules are paused.', (s) => (s.announceFlow.paused ? 1 : 0));

  // The snapshot lives for one scrape only.
  const metrics = registry.metrics.bind(registry);
  registry.metrics = async () => {
    snap = undefined;
    try {
      return await metrics();
    } finally {
      snap = undefined;
    }
  };
  return registry;
}

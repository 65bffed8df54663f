import { performance } from 'node:perf_hooks';
import { typeName } from '@gossip5/protocol';
import type { ReceivedItem } from '@gossip5/p2p';
import { ByteCounter } from './bytes.js';
import { Deliveries } from './deliveries.js';
import { describeLatency } from './latency.js';
import { describeScenario, SIM_NODE_DEFAULTS, type Progress, type SimOptions } from './options.js';
import { mix32, pick, seededFloats } from './random.js';
import { deliveryStats, maxIndex, percentile } from './stats.js';
import { TraceKind } from './trace.js';
import { SIM_DATA_TYPE } from './wire.js';
import { NodeState, World } from './world.js';

/** result.json. Times are virtual ms unless named wall. */
export interface SimResult {
  nodes: number;
  items: number;
  seed: number;
  scenario: string;
  /** Deliveries / (items x nodes that should get them): nodes up at publish and alive at the end, origin excluded. */
  delivery_ratio: number;
  /** PEER NOTIFICATION frames sent while publishing / (items x nodes that had each item or should have). */
  payload_sends_per_node_per_item: number;
  /**
   * The same over the last two thirds of the items (from item floor(M/3) on): once lazy push has formed
   * its tree (issue 13's "<= 1.05 once formed"; eager push gives the same figure as above).
   */
  payload_sends_per_node_per_item_once_formed: number;
  /** The same per tenth of the items in publish order (fewer when M < 10): how the tree settles. */
  payload_sends_by_tenth: number[];
  /** While publishing: all bytes but PEER NOTIFICATION data / PEER NOTIFICATION data bytes. */
  control_bytes_per_payload_byte: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  latency_max_ms: number | null;
  /** Most hops any delivery took: along the chain of first copies (each node's count is its sender's + 1). */
  last_delivery_hop_max: number | null;
  hops_mean: number | null;
  trace_sha256: string;
  trace_records: number;
  wall_s: number;
  /** CPU seconds (user + system) of this process during the run: wall_s without the waits for a shared machine. */
  cpu_s: number;
  /** Wall seconds of each phase: building the network, waiting for it (and the crash repair), publishing. */
  wall_phases_s: { join: number; form_and_repair: number; publish_and_drain: number };
  peak_rss_mb: number;
  virtual_s: number;
  events: number;
  expected_deliveries: number;
  deliveries: number;
  /** Nodes alive when publishing ended (survivors of crashes, churn included). */
  alive_at_end: number;
  crashed: number;
  joined_while_publishing: number;
  left_while_publishing: number;
  /**
   * How the overlay formed. `alone` (live nodes without a neighbour) and `components` (connected
   * components of the others) are from the last check: 0 and 1 when `formed`, what was missing when not.
   */
  overlay: {
    formed: boolean;
    formed_at_ms: number;
    alone: number;
    components: number;
    degree_mean: number;
    degree_min: number;
    degree_max: number;
  };
  /** Bytes while the network was built (before the first publish). */
  join_phase: { control_bytes: number; link_ups: number };
  /** Links established while publishing (overlay churn: shuffles, evictions, repairs). */
  link_ups_while_publishing: number;
  /** Frames sent while publishing, by message name. */
  frames_while_publishing: Record<string, number>;
  /** Sanity counters: both stay 0 when the accounting above is exact. */
  unparsed_chunks: number;
  redelivered: number;
  /** With --publish-ttl > 0: deliveries whose ttl disagrees with the hop count above (stays 0). */
  hop_mismatches: number;
  /** The engine's drop counters by reason, summed over the nodes alive at the end (crashed ones took theirs along). */
  drops_at_end: Record<string, number>;
  config: Record<string, unknown>;
}

/** What the plots are drawn from. */
export interface SimSeries {
  latencyHistogram: number[];
  hopHistogram: number[];
  /** Per item: PEER NOTIFICATION frames sent for it / nodes that had it or should have. */
  sendsPerNodePerItem: number[];
  expected: number;
}

export interface SimOutput {
  result: SimResult;
  series: SimSeries;
}

/** Run one simulation of the real engine; deterministic in `opts` (wall_s and peak_rss_mb aside). */
export async function runSimulation(opts: SimOptions): Promise<SimOutput> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const { nodes, items, scenario } = opts;
  if (!(nodes >= 2) || !(items >= 1)) throw new Error('needs at least 2 nodes and 1 item');
  if (opts.itemBytes < 4) throw new Error('itemBytes must be at least 4 (the item index rides in the data)');
  const rand = seededFloats(mix32(opts.seed, 0x73696d));
  const publishSpanMs = (items * 1000) / opts.publishPerS;
  // Churn's join and leave times, as offsets from the first publish (drawn first: they fix the capacity).
  const joinsAt: number[] = [];
  const leavesAt: number[] = [];
  if (scenario.kind === 'churn') {
    poisson(rand, scenario.joinPerS, publishSpanMs, joinsAt);
    poisson(rand, scenario.leavePerS, publishSpanMs, leavesAt);
  }
  const capacity = nodes + joinsAt.length;
  const publishTtl = opts.publishTtl;
  let hopMismatches = 0;
  const deliveries = new Deliveries(items, capacity);
  const bytes = new ByteCounter((k) => {
    if (k < items) deliveries.sends[k]!++;
  });
  const world: World = new World(opts, capacity, (chunk) => bytes.chunk(chunk), (node, item) => onItem(node, item));
  const { scheduler } = world;

  function onItem(node: number, item: ReceivedItem): void {
    if (item.dataType !== SIM_DATA_TYPE || item.data.length < 4) return;
    const d = item.data;
    const k = (d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24)) >>> 0;
    if (k >= items) return;
    const at = scheduler.now();
    // Hops of the copy that arrived first: one more than the neighbour it came from took (that
    // neighbour accepted it before passing it on, so its own count is known; the origin's is 0).
    const from = world.indexOfKey(item.from);
    const hops = from < 0 ? 0 : from === deliveries.origin[k] ? 1 : deliveries.hops[k * capacity + from]! + 1;
    // With a ttl-limited item the ttl tells the same, hop by hop: a cross-check of the above.
    if (publishTtl > 0 && hops !== publishTtl - item.ttl + 1) hopMismatches++;
    const upAt = world.upAt[node]!;
    const wasUp = upAt >= 0 && upAt <= deliveries.publishedAt[k]! && node !== deliveries.origin[k];
    if (deliveries.deliver(k, node, at, hops, wasUp)) world.trace.add(TraceKind.Delivery, at, node, k, hops);
  }

  let lastReport = 0;
  const progress = (phase: Progress['phase'], done: number, total: number, note?: string) => {
    if (!opts.onProgress) return;
    const t = performance.now();
    if (t - lastReport < 200) return;
    lastReport = t;
    opts.onProgress({ phase, done, total, virtualMs: scheduler.now(), ...(note === undefined ? {} : { note }) });
  };

  // Build: the bootstrapper first, then one node every 1/joinPerS s.
  const joinGap = 1000 / opts.joinPerS;
  for (let i = 0; i < nodes; i++) scheduler.setTimeout(() => world.start(i), i * joinGap);
  await scheduler.runUntil(() => {
    progress('join', world.started, nodes);
    return world.started >= nodes;
  });
  const lastJoin = scheduler.now();
  const wallJoined = performance.now();
  let formation = world.formation();
  while (!formation.formed && scheduler.now() < lastJoin + opts.formLimitMs) {
    progress('form', scheduler.now() - lastJoin, opts.formLimitMs, `alone ${formation.alone}  components ${formation.components}`);
    await scheduler.runFor(1000);
    formation = world.formation();
  }
  const formedAt = scheduler.now();
  const degrees = world.degrees();

  let crashed = 0;
  if (scenario.kind === 'crash' || scenario.kind === 'bootstrapper-death') {
    const victims = scenario.kind === 'crash' ? pick(rand, world.upNodes(), Math.round((scenario.percent / 100) * world.up)) : [0];
    for (const i of victims) world.crash(i, scenario.kind === 'crash' ? scenario.silent : true);
    crashed = victims.length;
    const end = scheduler.now() + opts.repairMs;
    await scheduler.runUntil(() => {
      progress('repair', scheduler.now() - end + opts.repairMs, opts.repairMs);
      return false;
    }, end);
  }
  const joinPhaseControl = bytes.controlBytes + bytes.payloadBytes;
  const joinPhaseLinkUps = world.linkUps;
  const wallPublishing = performance.now();
  bytes.reset();

  // Publish.
  const t0 = scheduler.now();
  const gap = 1000 / opts.publishPerS;
  let expectedAtPublish = 0;
  const template = new Uint8Array(opts.itemBytes);
  for (let k = 0; k < items; k++) {
    scheduler.setTimeout(() => {
      const up = world.upNodes();
      if (up.length === 0) return;
      const origin = up[Math.floor(rand() * up.length)]!;
      const data = template;
      data[0] = k & 255;
      data[1] = (k >>> 8) & 255;
      data[2] = (k >>> 16) & 255;
      data[3] = (k >>> 24) & 255;
      deliveries.publish(k, origin, scheduler.now());
      expectedAtPublish += up.length - 1;
      world.trace.add(TraceKind.Publish, scheduler.now(), origin, k);
      world.nodes[origin]!.originate({ ttl: publishTtl, dataType: SIM_DATA_TYPE, data });
    }, k * gap);
  }
  let joined = 0;
  let left = 0;
  if (scenario.kind === 'churn') {
    for (const at of joinsAt) {
      const i = nodes + joined++;
      scheduler.setTimeout(() => world.start(i), at);
    }
    for (const at of leavesAt) {
      scheduler.setTimeout(() => {
        // The bootstrapper stays: without it nobody could join any more (bootstrapper-death is its own scenario).
        const up = world.upNodes().filter((i) => i !== 0);
        if (up.length <= 1) return;
        const i = up[Math.floor(rand() * up.length)]!;
        if (scenario.leave === 'crash') world.crash(i);
        else world.leave(i);
        left++;
      }, at);
    }
  }
  const lastPublish = t0 + (items - 1) * gap;
  const churn = scenario.kind === 'churn';
  await scheduler.runUntil(() => {
    const publishing = deliveries.published < items;
    progress(publishing ? 'publish' : 'drain', publishing ? deliveries.published : scheduler.now() - lastPublish, publishing ? items : opts.drainMs);
    return !publishing && !churn && deliveries.deliveredToUp >= expectedAtPublish;
  }, lastPublish + opts.drainMs);
  progress('drain', opts.drainMs, opts.drainMs);

  const wallPublished = performance.now();
  const { state, upAt } = world;
  const total = nodes + joined;
  const s = deliveryStats(deliveries, total, (k, i) => {
    const u = upAt[i]!;
    return state[i] === NodeState.Up && u >= 0 && u <= deliveries.publishedAt[k]! && i !== deliveries.origin[k];
  });
  let sends = 0;
  let reach = 0;
  const sendsPerNodePerItem: number[] = [];
  for (let k = 0; k < items; k++) {
    const e = s.expectedPerItem[k]! + 1;
    sends += deliveries.sends[k]!;
    reach += e;
    sendsPerNodePerItem.push(deliveries.sends[k]! / e);
  }
  const formedFrom = Math.floor(items / 3);
  let formedSends = 0;
  let formedReach = 0;
  for (let k = formedFrom; k < items; k++) {
    formedSends += deliveries.sends[k]!;
    formedReach += s.expectedPerItem[k]! + 1;
  }
  const tenths: number[] = [];
  const width = Math.max(1, Math.ceil(items / 10));
  for (let a = 0; a < items; a += width) {
    let ts = 0;
    let tr = 0;
    for (let k = a; k < Math.min(items, a + width); k++) {
      ts += deliveries.sends[k]!;
      tr += s.expectedPerItem[k]! + 1;
    }
    tenths.push(tr === 0 ? 0 : Math.round((ts / tr) * 1000) / 1000);
  }
  let hopSum = 0;
  s.hopHistogram.forEach((c, h) => (hopSum += c * h));
  const frames: Record<string, number> = { [typeName(511)]: bytes.notifications };
  for (const [type, n] of [...bytes.controlFrames].sort((a, b) => a[0] - b[0])) frames[typeName(type)] = n;
  const result: SimResult = {
    nodes,
    items,
    seed: opts.seed,
    scenario: describeScenario(scenario),
    delivery_ratio: s.expected === 0 ? 0 : s.delivered / s.expected,
    payload_sends_per_node_per_item: reach === 0 ? 0 : sends / reach,
    payload_sends_per_node_per_item_once_formed: formedReach === 0 ? 0 : formedSends / formedReach,
    payload_sends_by_tenth: tenths,
    control_bytes_per_payload_byte: bytes.payloadBytes === 0 ? 0 : bytes.controlBytes / bytes.payloadBytes,
    latency_p50_ms: percentile(s.latencyHistogram, s.delivered, 0.5),
    latency_p95_ms: percentile(s.latencyHistogram, s.delivered, 0.95),
    latency_p99_ms: percentile(s.latencyHistogram, s.delivered, 0.99),
    latency_max_ms: maxIndex(s.latencyHistogram),
    last_delivery_hop_max: maxIndex(s.hopHistogram),
    hops_mean: s.delivered === 0 ? null : round(hopSum / s.delivered, 3),
    trace_sha256: world.trace.digest(),
    trace_records: world.trace.records,
    wall_s: round((performance.now() - wallStart) / 1000, 2),
    cpu_s: cpuSeconds(process.cpuUsage(cpuStart)),
    wall_phases_s: {
      join: round((wallJoined - wallStart) / 1000, 2),
      form_and_repair: round((wallPublishing - wallJoined) / 1000, 2),
      publish_and_drain: round((wallPublished - wallPublishing) / 1000, 2),
    },
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    virtual_s: round(scheduler.now() / 1000, 3),
    events: scheduler.executed,
    expected_deliveries: s.expected,
    deliveries: s.delivered,
    alive_at_end: world.up,
    crashed,
    joined_while_publishing: joined,
    left_while_publishing: left,
    overlay: {
      formed: formation.formed,
      formed_at_ms: formedAt,
      alone: formation.alone,
      components: formation.components,
      degree_mean: round(degrees.reduce((a, b) => a + b, 0) / Math.max(1, degrees.length), 3),
      degree_min: degrees.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
      degree_max: degrees.reduce((a, b) => Math.max(a, b), 0),
    },
    join_phase: { control_bytes: joinPhaseControl, link_ups: joinPhaseLinkUps / 2 },
    link_ups_while_publishing: (world.linkUps - joinPhaseLinkUps) / 2,
    frames_while_publishing: frames,
    unparsed_chunks: bytes.unparsed,
    redelivered: deliveries.redelivered,
    hop_mismatches: hopMismatches,
    drops_at_end: world.drops(),
    config: {
      init: { ...SIM_NODE_DEFAULTS, ...opts.init },
      boot_init: opts.bootInit,
      lazyPush: opts.init.lazyPush ?? "the engine's default",
      latency: describeLatency(opts.latency),
      loss: opts.loss,
      publishPerS: opts.publishPerS,
      joinPerS: opts.joinPerS,
      itemBytes: opts.itemBytes,
      formLimitMs: opts.formLimitMs,
      repairMs: opts.repairMs,
      drainMs: opts.drainMs,
      publishTtl,
      powSolver: 'inline (real proof of work at init.powDifficulty)',
      validator: 'accept everything',
    },
  };
  return {
    result,
    series: {
      latencyHistogram: s.latencyHistogram,
      hopHistogram: s.hopHistogram,
      sendsPerNodePerItem,
      expected: s.expected,
    },
  };
}

/** Event times of a Poisson process of `perS` a second over [0, spanMs). */
function poisson(rand: () => number, perS: number, spanMs: number, out: number[]): void {
  if (perS <= 0) return;
  let t = 0;
  for (;;) {
    t += (-Math.log(1 - rand()) / perS) * 1000;
    if (t >= spanMs) return;
    out.push(t);
  }
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return round((u.user + u.system) / 1e6, 2);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * `pnpm demo`: a local network of N real daemons (default 5) from generated configs, a module subscribed
 * on every node, items announced from node 0, and a table of who received what and how fast.
 * `pnpm demo --web`: the same, then a live view of the whole network in the browser while an item is
 * announced every few seconds from a different node, until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { FakeModule, waitFor } from '@gossip5/testkit';
import { LocalNetwork, STATUS_POLL_MS } from '../harness/local-network.js';
import { startLiveServer, type LiveServer } from '../harness/live-server.js';
import { usageFromParseError } from '../src/usage-error.js';

const DEMO_USAGE = `Usage: pnpm demo [--nodes N] [--items M] [--degree D] [--type T] [--web [--port P] [--every S]]

Starts N real daemons on 127.0.0.1 (free ports, node0 the bootstrapper), subscribes a module on
every node, announces M items of data type T from node0, prints who received what, and stops them.

  -n, --nodes N    daemons, 2..100 (default 5)
  -m, --items M    items to announce, 1..10000 (default 3)
      --degree D   degree of every node (default 3)
      --type T     data type (default 1)
      --web        then serve a live view of the whole network (URL printed) and announce one item
                   every S seconds from node 0, 1, 2, ... in turn, until Ctrl-C
      --port P     port of the live view on 127.0.0.1 (default: a free one)
      --every S    seconds between items in --web mode, 0.5..600 (default 3)
  -h, --help       print this help`;

function parseDemoArgs() {
  try {
    return parseArgs({
      options: {
        nodes: { type: 'string', short: 'n', default: '5' },
        items: { type: 'string', short: 'm', default: '3' },
        degree: { type: 'string', default: '3' },
        type: { type: 'string', default: '1' },
        web: { type: 'boolean', default: false },
        port: { type: 'string', default: '0' },
        every: { type: 'string', default: '3' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`demo: ${usageFromParseError(err).message} (see --help)`);
    process.exit(2);
  }
}
const { values } = parseDemoArgs();
if (values.help) {
  console.log(DEMO_USAGE);
  process.exit(0);
}
const n = Number(values.nodes);
const items = Number(values.items);
const dataType = Number(values.type);
if (!Number.isInteger(n) || n < 2 || n > 100 || !Number.isInteger(items) || items < 1 || items > 10_000) {
  console.error('demo: --nodes must be 2..100 and --items 1..10000');
  process.exit(2);
}
const webPort = Number(values.port);
const everyMs = Number(values.every) * 1000;
if (!Number.isInteger(webPort) || webPort < 0 || webPort > 65_535 || !(everyMs >= 500 && everyMs <= 600_000)) {
  console.error('demo: --port must be 0..65535 and --every 0.5..600');
  process.exit(2);
}

const t0 = performance.now();
const ms = () => (performance.now() - t0).toFixed(0).padStart(6);
const say = (line: string) => console.log(`[${ms()} ms] ${line}`);

say(`starting ${n} gossip daemons on 127.0.0.1 (node0 is the bootstrapper)`);
const net = await LocalNetwork.start({ n, degree: Number(values.degree), logLevel: 'info', ownProcessGroup: true });
const modules: FakeModule[] = [];
let live: LiveServer | undefined;
let status = 0;
try {
  for (const node of net.nodes) {
    say(`  ${node.name}: p2p ${node.p2pAddress}, api 127.0.0.1:${node.apiPort}, status http://127.0.0.1:${node.statusPort}/`);
  }
  await waitFor(() => net.connected(), { what: 'the overlay to connect', timeoutMs: 30_000, intervalMs: STATUS_POLL_MS });
  say(`overlay connected: ${net.nodes.map((d) => `${d.name}=${d.neighbours.size}`).join(' ')} neighbours`);

  const sentAt = new Map<string, number>();
  const receivedAt: Array<Map<string, number>> = net.nodes.map(() => new Map());
  for (const [i, node] of net.nodes.entries()) {
    // The policy sees every NOTIFICATION as it arrives: note the time, then answer valid.
    const policy = (note: { data: Uint8Array }) => {
      const key = new TextDecoder().decode(note.data);
      if (!receivedAt[i]!.has(key)) receivedAt[i]!.set(key, performance.now());
      return true;
    };
    const m = await FakeModule.connect(node.apiPort, '127.0.0.1', { policy });
    m.subscribe(dataType);
    modules.push(m);
  }
  await Promise.all(net.nodes.map((d, i) => d.waitForSubscription(modules[i]!.localAddress, [dataType])));
  if (values.web) {
    live = await startLiveServer(net.nodes.map((d) => ({ name: d.name, statusPort: d.statusPort! })), webPort);
    say(`live view of the whole network: ${live.url}`);
  }
  say(`a module on every node subscribed to data type ${dataType}; node0's module announces ${items} item(s)`);

  for (let i = 0; i < items; i++) {
    const key = `demo item ${i}`;
    sentAt.set(key, performance.now());
    modules[0]!.announce({ ttl: 0, dataType, data: new TextEncoder().encode(key) });
  }
  const others = modules.slice(1);
  await waitFor(() => others.every((m) => m.notifications.length >= items), {
    what: 'every item on every node',
    timeoutMs: 30_000,
  }).catch(() => {
    status = 1;
  });

  console.log('');
  console.log('node    received  duplicates  first-latency  last-latency');
  net.nodes.forEach((d, i) => {
    const m = modules[i]!;
    if (i === 0) {
      console.log(`${d.name.padEnd(8)}(announcer: gets nothing back, got ${m.notifications.length})`);
      return;
    }
    const keys = m.notifications.map((x) => new TextDecoder().decode(x.data));
    const unique = new Set(keys).size;
    const lat = [...sentAt].map(([k, s]) => (receivedAt[i]!.get(k) ?? NaN) - s).filter((x) => !Number.isNaN(x));
    const fmt = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(1)} ms`);
    console.log(
      `${d.name.padEnd(8)}${`${unique}/${items}`.padStart(8)}  ${String(keys.length - unique).padStart(10)}  ${fmt(Math.min(...lat)).padStart(13)}  ${fmt(Math.max(...lat)).padStart(12)}`,
    );
  });
  console.log('');
  say(status === 0 ? 'every node received every item exactly once' : 'some items did not arrive');
  if (live) await announceUntilStopped(live.url);
} finally {
  await live?.close();
  await Promise.all(modules.map((m) => m.close()));
  const codes = await net.stop();
  say(`stopped all daemons (exit codes ${codes.join(',')})`);
}
process.exit(status);

/** --web: one item every --every seconds, from node 0, 1, 2, ... in turn, until SIGINT or SIGTERM. */
async function announceUntilStopped(url: string): Promise<void> {
  say(`announcing an item every ${everyMs / 1000} s from each node in turn; watch ${url} (Ctrl-C to stop)`);
  let wake: () => void = () => {};
  let stopped = false;
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (let k = 0; !stopped; k++) {
    const from = k % modules.length;
    modules[from]!.announce({ ttl: 0, dataType, data: new TextEncoder().encode(`live item ${k} from node${from}`) });
    await new Promise<void>((res) => {
      wake = res;
      setTimeout(res, everyMs);
    });
  }
  say('stopping');
}

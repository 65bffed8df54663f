/** GET /metrics and GET /status of a daemon run in process, on free ports. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeModule, freePort, waitFor } from '@gossip5/testkit';
import { parseConfig } from '../src/config.js';
import { createGossipDaemon, type Daemon } from '../src/daemon.js';
import { isConfigError } from '../src/errors.js';
import { runClient } from '../src/client.js';

async function startDaemon(): Promise<{ daemon: Daemon; base: string; apiPort: number }> {
  const [p2p, api, metrics] = [await freePort(), await freePort(), await freePort()];
  const text = `[gossip]
cache_size = 10
degree = 3
p2p_address = 127.0.0.1:${p2p}
api_address = 127.0.0.1:${api}
metrics_address = 127.0.0.1:${metrics}
`;
  const config = await parseConfig(text, '/etc/gossip/status-test.ini', {});
  const daemon = createGossipDaemon(config);
  await daemon.start();
  return { daemon, base: `http://127.0.0.1:${metrics}`, apiPort: api };
}

test('/metrics serves gossip5_* series read from the live counters; /status the state as JSON', async () => {
  const { daemon, base, apiPort } = await startDaemon();
  try {
    const first = await fetch(`${base}/metrics`);
    assert.is(first.status, 200);
    assert.match(first.headers.get('content-type') ?? '', /text\/plain/);
    const text = await first.text();
    for (const name of ['gossip5_p2p_items_total', 'gossip5_api_connections_total', 'gossip5_neighbours', 'gossip5_seen_ids', 'gossip5_validation_seconds', 'gossip5_join_seconds']) {
      assert.match(text, new RegExp(`# HELP ${name} `), name);
    }
    assert.match(text, /^gossip5_api_subscriptions 0$/m);
    for (const name of ['gossip5_p2p_payload_copies_received_total', 'gossip5_p2p_lazy_ids_total', 'gossip5_p2p_prunes_total', 'gossip5_p2p_pulls_total', 'gossip5_p2p_eager_links']) {
      assert.match(text, new RegExp(`# HELP ${name} `), name);
    }
    assert.match(text, /^gossip5_p2p_pulls_total\{outcome="served"\} 0$/m);

    const m = await FakeModule.connect(apiPort);
    m.subscribe(42);
    await waitFor(async () => ((await (await fetch(`${base}/status`)).json()) as { counters: { api: { subscriptions: number } } }).counters.api.subscriptions === 1, {
      what: 'the subscription in /status',
    });
    const after = await (await fetch(`${base}/metrics`)).text();
    assert.match(after, /^gossip5_api_subscriptions 1$/m);
    assert.match(after, /^gossip5_api_connections_total\{event="accepted"\} 1$/m);

    const status = (await (await fetch(`${base}/status`)).json()) as Record<string, unknown>;
    assert.equal(status.neighbours, []);
    assert.is(status.known_peers, 0);
    assert.is((status.config as { degree: number }).degree, 3);
    const lazy = (status.counters as { p2p: { lazyPush: Record<string, number> } }).p2p.lazyPush;
    assert.equal(
      Object.keys(lazy).filter((k) => /^(ihave|graft|prune|pulls)/.test(k)).sort(),
      ['graftIdsReceived', 'graftIdsSent', 'ihaveIdsKnown', 'ihaveIdsReceived', 'ihaveIdsSent', 'prunesReceived', 'prunesSent', 'pullsAbandoned', 'pullsMissed', 'pullsPending', 'pullsServed', 'pullsStarted'],
      '/status carries the lazy push counters',
    );
    m.destroy();

    const text2: string[] = [];
    const io = { stdout: { write: (t: string) => text2.push(t) }, stderr: { write: (t: string) => text2.push(`ERR ${t}`) } };
    const hostPort = base.slice('http://'.length);
    assert.is(await runClient(['--status', hostPort, 'status'], io), 0, text2.join(''));
    assert.match(text2.join(''), /^neighbours\s+0$/m);
    text2.length = 0;
    assert.is(await runClient(['--status', hostPort, '--json', 'peers'], io), 0);
    assert.equal(JSON.parse(text2.join('')), []);
    text2.length = 0;
    assert.is(await runClient(['--status', hostPort, 'peers'], io), 0);
    assert.is(text2.join(''), 'no neighbours\n');

    assert.is((await fetch(`${base}/nope`)).status, 404);
    assert.is((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
  } finally {
    await daemon.stop();
  }
});

test('status against a closed port is one line and exit 2', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const io = { stdout: { write: (t: string) => lines.push(t) }, stderr: { write: (t: string) => lines.push(t) } };
  assert.is(await runClient(['--status', `127.0.0.1:${port}`, 'status'], io), 2);
  assert.is(lines.length, 1);
  assert.match(lines[0]!, /cannot reach the status port 127\.0\.0\.1:\d+: ECONNREFUSED/);
});

test('metrics_address must be a real address and must not share a port with the others', async () => {
  const base = `[gossip]\ncache_size = 10\ndegree = 3\np2p_address = 127.0.0.1:6101\napi_address = 127.0.0.1:7101\n`;
  for (const [line, problem] of [
    ['metrics_address = 127.0.0.1', /metrics_address/],
    ['metrics_address = 127.0.0.1:7101', /must not share a port with api_address/],
    ['metrics_address = 127.0.0.1:6101', /must not share a port with p2p_address/],
  ] as const) {
    try {
      await parseConfig(`${base}${line}\n`, '/etc/gossip/m.ini', {});
      assert.unreachable(line);
    } catch (err) {
      assert.ok(isConfigError(err), String(err));
      assert.match((err as Error).message, problem);
      assert.match((err as Error).message, /\/etc\/gossip\/m\.ini/);
    }
  }
});

test.run();

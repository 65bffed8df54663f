/** The live view's feed: the bounded event ring, and GET /events, / and /status of two daemons run in process. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeModule, freePort, waitFor } from '@gossip5/testkit';
import { parseConfig } from '../src/config.js';
import { createGossipDaemon, type Daemon } from '../src/daemon.js';
import { LIVE_EVENTS_LIMIT, LiveEvents, type EventsPage } from '../src/live/events.js';

test('the ring keeps the last `limit` events, numbered, and says how many a late poller missed', () => {
  let t = 1000;
  const ring = new LiveEvents(() => t++, 4);
  assert.equal(ring.after(0), { last: 0, missed: 0, limit: 4, events: [] });
  for (let i = 0; i < 6; i++) ring.record({ kind: 'link-up', peer: `p${i}` });
  const all = ring.after(0);
  assert.is(all.last, 6);
  assert.equal(all.events.map((e) => e.seq), [3, 4, 5, 6], 'the two oldest were overwritten');
  assert.is(all.missed, 2);
  assert.equal(all.events[0], { seq: 3, at: 1002, kind: 'link-up', peer: 'p2' });
  assert.equal(ring.after(4).events.map((e) => e.seq), [5, 6]);
  assert.is(ring.after(4).missed, 0);
  assert.equal(ring.after(6).events, []);
  // A poller that saw a previous run of the node (a higher seq) starts again from what there is.
  assert.equal(ring.after(99).events.map((e) => e.seq), [3, 4, 5, 6]);
  assert.ok(LIVE_EVENTS_LIMIT >= 256, 'the default keeps a few hundred events');
});

test('item events keep their id as a bigint and read back as the hex of the live view', () => {
  const ring = new LiveEvents(() => 7, 8);
  ring.recordItem('originated', 0xabcdefn, 42);
  ring.recordItem('received', 0x10n, 43, '127.0.0.1:6001');
  assert.equal(ring.after(0).events, [
    { seq: 1, at: 7, kind: 'originated', id: 'abcdef', dataType: 42 },
    { seq: 2, at: 7, kind: 'received', id: '10', dataType: 43, from: '127.0.0.1:6001' },
  ]);
});

async function daemon(bootstrapper?: number): Promise<{ d: Daemon; p2p: number; api: number; base: string }> {
  const [p2p, api, metrics] = [await freePort(), await freePort(), await freePort()];
  const text = `[gossip]
cache_size = 10
degree = 3
pow_difficulty = 4
p2p_address = 127.0.0.1:${p2p}
api_address = 127.0.0.1:${api}
metrics_address = 127.0.0.1:${metrics}
${bootstrapper ? `bootstrapper = 127.0.0.1:${bootstrapper}` : ''}
`;
  const d = createGossipDaemon(await parseConfig(text, '/etc/gossip/live.ini', {}));
  await d.start();
  return { d, p2p, api, base: `http://127.0.0.1:${metrics}` };
}

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

test('GET /events: the link, the item originated on A and received on B from A; /status lists modules and their types', async () => {
  const a = await daemon();
  const b = await daemon(a.p2p);
  const modules: FakeModule[] = [];
  try {
    type Status = { address: string; neighbours: unknown[]; modules: Array<{ remote: string; data_types: number[] }> };
    await waitFor(async () => (await getJson<Status>(`${b.base}/status`)).neighbours.length === 1, { what: 'the link', intervalMs: 20 });
    const ma = await FakeModule.connect(a.api);
    const mb = await FakeModule.connect(b.api);
    modules.push(ma, mb);
    mb.subscribe(9);
    mb.subscribe(3);
    const sb = (await waitFor(async () => {
      const s = await getJson<Status>(`${b.base}/status`);
      return s.modules.some((m) => m.remote === mb.localAddress && m.data_types.length === 2) && s;
    }, { what: 'the subscriptions in /status', intervalMs: 20 })) as Status;
    assert.equal(sb.modules.find((m) => m.remote === mb.localAddress)!.data_types, [3, 9]);
    assert.is(sb.address, `127.0.0.1:${b.p2p}`);

    ma.announce({ ttl: 3, dataType: 9, data: new TextEncoder().encode('live') });
    await mb.waitForNotifications(1);
    const pa = await getJson<EventsPage>(`${a.base}/events`);
    const pb = await getJson<EventsPage>(`${b.base}/events?after=0`);
    const originated = pa.events.find((e) => e.kind === 'originated');
    const received = pb.events.find((e) => e.kind === 'received');
    assert.ok(originated && received, JSON.stringify({ pa, pb }));
    assert.is(received.kind === 'received' && received.from, `127.0.0.1:${a.p2p}`);
    assert.is(originated.kind === 'originated' && originated.id, received.kind === 'received' && received.id);
    assert.is(received.kind === 'received' && received.dataType, 9);
    assert.ok(pb.events.some((e) => e.kind === 'link-up' && e.peer === `127.0.0.1:${a.p2p}`));
    // Asking after the last one gives nothing new; a bad `after` is read as 0.
    assert.equal((await getJson<EventsPage>(`${b.base}/events?after=${pb.last}`)).events, []);
    assert.is((await getJson<EventsPage>(`${b.base}/events?after=x`)).events.length, pb.events.length);

    for (const path of ['/', '/live']) {
      const page = await fetch(`${b.base}${path}`);
      assert.is(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      const html = await page.text();
      assert.match(html, /<svg id="overlay"/);
      assert.match(html, /"sources":\[\{"base":"","name":"this node"\}\]/);
    }
  } finally {
    for (const m of modules) m.destroy();
    await b.d.stop();
    await a.d.stop();
  }
});

test.run();

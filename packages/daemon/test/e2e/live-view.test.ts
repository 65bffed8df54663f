/// <reference lib="dom" />
/**
 * The live view in a real browser: Debian's chromium, headless, driven by playwright-core, against
 * real daemons. Waits on DOM state (the page's own attributes), never on sleeps. Without chromium
 * this test FAILS, saying how to install it: CI (.ci/run) installs it before the tests.
 */
import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FakeModule, waitFor } from '@gossip5/testkit';
import { LocalNetwork, STATUS_POLL_MS, type DaemonProcess } from '../../harness/local-network.js';
import { startLiveServer, type LiveServer } from '../../harness/live-server.js';
import type { EventsPage } from '../../src/live/events.js';

/** How long the page waits for a DOM state before the test fails. */
const DOM_TIMEOUT_MS = 10_000;

function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('/bin/sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim().split('\n')[0]!;
  } catch {
    throw new Error(
      'the live-view browser test needs Chromium: apt-get update && apt-get install -y chromium ' +
        '(or set CHROMIUM_PATH to a Chromium binary); .ci/run installs it',
    );
  }
}

let browser: Browser;
let net: LocalNetwork;
let server: LiveServer;
const modules: FakeModule[] = [];
const TYPE = 11;

/**
 * The browser and a three-node network, started by the first test that needs them. Not in a
 * `test.before` hook: uvu reports a throwing hook as no failure at all, and a missing chromium must fail.
 */
let setup: Promise<void> | undefined;
const ready = () => (setup ??= start());

async function start(): Promise<void> {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  net = await LocalNetwork.start({ n: 3, degree: 3, logLevel: 'info' });
  await waitFor(() => net.connected(), { what: 'a connected overlay', timeoutMs: 20_000, intervalMs: STATUS_POLL_MS });
  for (const node of net.nodes) {
    const m = await FakeModule.connect(node.apiPort, '127.0.0.1', { policy: 'valid' });
    m.subscribe(TYPE);
    await node.waitForSubscription(m.localAddress, [TYPE]);
    modules.push(m);
  }
  server = await startLiveServer(net.nodes.map((d) => ({ name: d.name, statusPort: d.statusPort! })), 0, 150);
}

test.after(async () => {
  await browser?.close();
  await server?.close();
  for (const m of modules) m.destroy();
  await net?.stop();
});

/** Announce from node `i` and return the item's id as that node's /events tells it. */
async function announce(i: number, text: string): Promise<string> {
  const node: DaemonProcess = net.nodes[i]!;
  const before = (await (await fetch(`http://127.0.0.1:${node.statusPort}/events`)).json()) as EventsPage;
  modules[i]!.announce({ ttl: 0, dataType: TYPE, data: new TextEncoder().encode(text) });
  return waitFor(async () => {
    const page = (await (await fetch(`http://127.0.0.1:${node.statusPort}/events?after=${before.last}`)).json()) as EventsPage;
    const e = page.events.find((x) => x.kind === 'originated');
    return e?.kind === 'originated' ? e.id : undefined;
  }, { what: `node${i} to record the item it originated`, intervalMs: STATUS_POLL_MS }) as Promise<string>;
}

/** Record, in the page, the order in which nodes light up (class `reached` added) and at which hop. */
async function recordLighting(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Array<{ addr: string; hop: number }> = [];
    (window as unknown as { lit: typeof seen }).lit = seen;
    new MutationObserver((records) => {
      for (const r of records) {
        const g = r.target as Element;
        if (g.classList.contains('reached') && !seen.some((s) => s.addr === g.getAttribute('data-addr'))) {
          seen.push({ addr: g.getAttribute('data-addr')!, hop: Number(g.getAttribute('data-hop')) });
        }
      }
    }).observe(document.getElementById('nodes')!, { subtree: true, attributes: true, attributeFilter: ['class'] });
  });
}

test('the demo page draws every node and link, then an item lighting the nodes hop by hop from its origin', async () => {
  await ready();
  const page = await browser.newPage();
  try {
    await page.goto(server.url);
    await net.refresh();
    const addrs = net.nodes.map((d) => d.p2pAddress);
    const links = new Set(net.nodes.flatMap((d) => [...d.neighbours].map((p) => [d.p2pAddress, p].sort().join('|'))));
    await page.waitForFunction(
      ([n, l]) => document.querySelectorAll('g.node').length === n && document.querySelectorAll('line.link').length === l,
      [addrs.length, links.size] as const,
      { timeout: DOM_TIMEOUT_MS },
    );
    for (const a of addrs) assert.is(await page.locator(`g.node[data-addr="${a}"]`).count(), 1, `node ${a} drawn`);
    assert.equal(await page.locator('g.node text.name').allTextContents(), ['node0', 'node1', 'node2']);

    await recordLighting(page);
    const id = await announce(1, 'lights up');
    await page.waitForFunction(
      ([id, n]) => {
        const li = document.querySelector(`li.item[data-id="${id}"]`);
        return li?.getAttribute('data-reached') === String(n) && document.getElementById('overlay')!.getAttribute('data-lit') === String(n);
      },
      [id, addrs.length] as const,
      { timeout: DOM_TIMEOUT_MS },
    );
    const origin = page.locator(`g.node[data-addr="${addrs[1]}"]`);
    assert.match((await origin.getAttribute('class')) ?? '', /\borigin\b/, 'the announcing node is drawn as the origin');
    assert.is(await origin.getAttribute('data-hop'), '0');
    const lit = await page.evaluate(() => (window as unknown as { lit: Array<{ addr: string; hop: number }> }).lit);
    assert.equal(lit.map((x) => x.addr).sort(), [...addrs].sort(), 'every node lit once');
    assert.is(lit[0]!.addr, addrs[1], 'the origin lights first');
    for (let k = 1; k < lit.length; k++) assert.ok(lit[k]!.hop >= lit[k - 1]!.hop, `hop by hop: ${JSON.stringify(lit)}`);
    assert.ok(lit.slice(1).every((x) => x.hop >= 1), 'the others one hop or more away');
    // Per-node counters come from each node's /status.
    await page.waitForFunction((a) => Number(document.querySelector(`g.node[data-addr="${a}"]`)?.getAttribute('data-received')) >= 1, addrs[0], {
      timeout: DOM_TIMEOUT_MS,
    });
    assert.match((await page.locator(`g.node[data-addr="${addrs[0]}"] text.counters`).textContent()) ?? '', /^recv \d+ · fwd \d+ · dup \d+$/);
  } finally {
    await page.close();
  }
});

test("a daemon's own page shows it, its neighbours, and an item arriving from the neighbour that sent it", async () => {
  await ready();
  const node = net.nodes[2]!;
  const page = await browser.newPage();
  try {
    await page.goto(`http://127.0.0.1:${node.statusPort}/live`);
    const status = await node.status();
    await page.waitForFunction((n) => document.querySelectorAll('g.node').length === n, 1 + status.neighbours.length, { timeout: DOM_TIMEOUT_MS });
    assert.is(await page.locator('g.node.remote').count(), status.neighbours.length, 'neighbours drawn as remote nodes');
    assert.is(await page.locator('line.link').count(), status.neighbours.length);
    assert.is(await page.locator(`g.node[data-addr="${node.p2pAddress}"] text.name`).textContent(), 'this node');

    const id = await announce(0, 'to the single view');
    await page.waitForFunction(
      ([id, self]) =>
        document.querySelector(`li.item[data-id="${id}"]`) !== null &&
        document.querySelector(`g.node[data-addr="${self}"]`)?.getAttribute('data-hop') !== null &&
        Number(document.querySelector(`g.node[data-addr="${self}"]`)?.getAttribute('data-hop')) >= 1,
      [id, node.p2pAddress] as const,
      { timeout: DOM_TIMEOUT_MS },
    );
    const from = (await (await fetch(`http://127.0.0.1:${node.statusPort}/events`)).json()) as EventsPage;
    const received = from.events.find((e) => e.kind === 'received' && e.id === id);
    assert.ok(received?.kind === 'received', 'the node recorded the item');
    const sender = page.locator(`g.node[data-addr="${received.from}"]`);
    assert.match((await sender.getAttribute('class')) ?? '', /\breached\b/, 'the neighbour it came from is lit before it');
  } finally {
    await page.close();
  }
});

test.run();

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../src/index.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function sim(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', cli, ...args], { env: { ...process.env, INIT_CWD: '' } });
}

test('the command writes result.json and three SVG plots', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gossip5-sim-'));
  try {
    const { stdout } = await sim(['--nodes', '20', '--items', '5', '--seed', '3', '--out', dir, '--set', 'degree=5']);
    assert.match(stdout, /20 nodes x 5 items \(steady, seed 3\): delivery 100\.000 %/);
    const r = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8'));
    for (const k of [
      'nodes', 'items', 'seed', 'scenario', 'delivery_ratio', 'payload_sends_per_node_per_item',
      'payload_sends_per_node_per_item_once_formed', 'payload_sends_by_tenth',
      'control_bytes_per_payload_byte', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms',
      'last_delivery_hop_max', 'trace_sha256', 'wall_s', 'peak_rss_mb',
    ]) assert.ok(k in r, `result.json lacks ${k}`);
    assert.is(r.nodes, 20);
    assert.is(r.config.init.degree, 5);
    assert.ok(r.overlay.degree_max <= 5);
    for (const f of ['delivery-cdf.svg', 'sends-per-item.svg', 'hops.svg']) {
      const svg = await readFile(join(dir, f), 'utf8');
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, f);
      assert.match(svg, /<path/, `${f} draws something`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad arguments: exit status 2 and one line naming the problem', async () => {
  const err = await sim(['--nodes', '1', '--items', '5', '--seed', '3', '--out', '/tmp/x']).catch((e: { code: number; stderr: string }) => e);
  assert.is((err as { code: number }).code, 2);
  assert.match((err as { stderr: string }).stderr, /^gossip5-sim: --nodes: expected an integer >= 2, got 1/);
});

test('parseArgs: scenarios, latency and --set pass-through', () => {
  const a = parseArgs(['--nodes', '100', '--items', '3', '--seed', '1', '--out', 'x', '--scenario', 'crash:80', '--set', 'lazyPush=false', '--set', 'pingIntervalMs=2000', '--latency', 'fixed:20']);
  assert.equal(a.options.scenario, { kind: 'crash', percent: 80, silent: false });
  assert.equal(a.options.init, { lazyPush: false, pingIntervalMs: 2000 });
  assert.equal(a.options.latency, { kind: 'fixed', ms: 20 });
  const b = parseArgs(['--nodes', '100', '--items', '3', '--seed', '1', '--out', 'x', '--set', 'degree=6', '--boot-set', 'maxPendingHandshakes=1024']);
  assert.equal(b.options.init, { degree: 6 });
  assert.equal(b.options.bootInit, { maxPendingHandshakes: 1024 });
  assert.throws(() => parseArgs(['--nodes', '10', '--items', '3', '--seed', '1', '--out', 'x', '--boot-set', 'bootstrapper=x']), /--boot-set bootstrapper: set by the simulator/);
  const c = parseArgs(['--nodes', '1000', '--items', '3', '--seed', '1', '--out', 'x', '--scenario', 'churn']);
  assert.equal(c.options.scenario, { kind: 'churn', joinPerS: 5, leavePerS: 5, leave: 'crash' });
  assert.throws(() => parseArgs(['--nodes', '10', '--items', '3', '--seed', '1', '--out', 'x', '--set', 'host=1.2.3.4']), /set by the simulator/);
  assert.throws(() => parseArgs(['--nodes', '10', '--items', '3', '--seed', '1', '--out', 'x', '--scenario', 'crash:100']), /0\.\.100/);
  assert.throws(() => parseArgs(['--nodes', '10', '--items', '3', '--seed', '1']), /--out is required/);
});

test.run();

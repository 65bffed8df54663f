/** Daemons with hostkeys: authenticated links end to end, identities in /status, the one start-up line. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inlineSolver } from '@gossip5/p2p/testing';
import { FakeModule, freePort, waitFor } from '@gossip5/testkit';
import { pino } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig } from '../src/config.js';
import { createGossipDaemon, type Daemon } from '../src/daemon.js';
import { loadHostIdentity } from '../src/hostkey.js';

let dir = '';
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gossip5-auth-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { lines, logger };
}

async function keyFile(name: string, type: 'rsa' | 'ed25519'): Promise<string> {
  const { privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const path = join(dir, name);
  await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return path;
}

async function daemon(i: number, hostkey: string | undefined, extra: string, bootstrapPort?: number) {
  const [p2p, api, metrics] = [await freePort(), await freePort(), await freePort()];
  const text =
    (hostkey !== undefined ? `hostkey = ${hostkey}\n` : '') +
    `[gossip]\ncache_size = 10\ndegree = 3\npow_difficulty = 4\np2p_address = 127.0.0.1:${p2p}\napi_address = 127.0.0.1:${api}\n` +
    `metrics_address = 127.0.0.1:${metrics}\n${extra}` +
    (bootstrapPort ? `bootstrapper = 127.0.0.1:${bootstrapPort}\n` : '');
  const config = await parseConfig(text, join(dir, `d${i}.ini`), {});
  const identity = await loadHostIdentity(config);
  const log = capture();
  const d = createGossipDaemon(config, { identity, powSolver: inlineSolver, logger: log.logger });
  await d.start();
  return { d, api, p2p, metrics, identity, log };
}

test('an RSA and an Ed25519 daemon link over TLS, spread an item, and show identities in /status', async () => {
  const started: Daemon[] = [];
  const modules: FakeModule[] = [];
  try {
    const a = await daemon(0, await keyFile('a.pem', 'rsa'), '');
    started.push(a.d);
    const b = await daemon(1, await keyFile('b.pem', 'ed25519'), '', a.p2p);
    started.push(b.d);
    const ma = await FakeModule.connect(a.api);
    const mb = await FakeModule.connect(b.api);
    modules.push(ma, mb);
    mb.subscribe(9);
    await waitFor(() => a.d.stats().neighbours === 1 && b.d.stats().neighbours === 1 && b.d.stats().api.subscriptions === 1, {
      what: 'linked',
    });
    ma.announce({ ttl: 0, dataType: 9, data: Uint8Array.of(4, 2) });
    const [n] = await mb.waitForNotifications(1);
    assert.equal([...n!.data], [4, 2]);
    const status = (await (await fetch(`http://127.0.0.1:${b.metrics}/status`)).json()) as {
      identity: string;
      neighbours: Array<{ address: string; identity: string | null }>;
    };
    assert.is(status.identity, b.identity!.hex);
    assert.equal(status.neighbours.map((x) => x.identity), [a.identity!.hex]);
    const started1 = a.log.lines.filter((l) => String(l.msg).startsWith('P2P links: authenticated only'));
    assert.is(started1.length, 1, 'one line at start says links are authenticated');
    assert.is(started1[0]!.identity, a.identity!.hex);
  } finally {
    for (const m of modules) m.destroy();
    await Promise.all(started.map((d) => d.stop()));
  }
});

test('without a hostkey (absent or /dev/null) the daemon runs plaintext and says so once at start', async () => {
  for (const hostkey of [undefined, '/dev/null']) {
    const x = await daemon(2, hostkey, '');
    try {
      assert.is(x.identity, undefined);
      const warn = x.log.lines.filter((l) => String(l.msg).startsWith('no hostkey: P2P links are plaintext'));
      assert.is(warn.length, 1);
      assert.is(warn[0]!.level, 40);
    } finally {
      await x.d.stop();
    }
  }
});

test('allow_plaintext = true: a keyed daemon takes a plaintext daemon in; without it, it refuses', async () => {
  const mixed = await daemon(3, await keyFile('m.pem', 'ed25519'), 'allow_plaintext = true\n');
  const strict = await daemon(4, await keyFile('s.pem', 'ed25519'), '');
  const p1 = await daemon(5, undefined, '', mixed.p2p);
  const p2 = await daemon(6, undefined, '', strict.p2p);
  try {
    await waitFor(() => mixed.d.stats().neighbours === 1, { what: 'the plaintext daemon linked to the mixed one' });
    await waitFor(() => (strict.d.stats().p2p.handshakesFailed['plaintext-refused'] ?? 0) >= 1, { what: 'strict refused' });
    assert.is(strict.d.stats().neighbours, 0);
    assert.is(p2.d.stats().neighbours, 0);
    assert.ok(mixed.log.lines.some((l) => String(l.msg).includes('plaintext peers allowed')));
  } finally {
    await Promise.all([mixed, strict, p1, p2].map((x) => x.d.stop()));
  }
});

test.run();

/**
 * The daemon as an operator meets it: real processes, exit codes, one-line errors.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '@gossip5/testkit';
import { DAEMON_MAIN, DaemonProcess, childEnv, iniText } from '../../harness/local-network.js';

let dir = '';

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DAEMON_MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gossip5-e2e-'));
});

test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const good = `[gossip]
cache_size = 50
degree = 4
p2p_address = 127.0.0.1:PORT1
api_address = 127.0.0.1:PORT2
`;

const cases: Array<[string, string, RegExp]> = [
  ['missing key', good.replace(/degree = 4\n/, ''), /degree/],
  ['non-numeric number', good.replace('degree = 4', 'degree = four'), /degree/],
  ['degree below 1', good.replace('degree = 4', 'degree = 0'), /degree/],
  ['bad address', good.replace('127.0.0.1:PORT1', 'not an address'), /p2p_address/],
  ['port out of range', good.replace('127.0.0.1:PORT2', '127.0.0.1:70000'), /api_address/],
  ['bad bootstrapper', `${good}bootstrapper = 127.0.0.1\n`, /bootstrapper/],
  ['non-numeric cache_size', good.replace('cache_size = 50', 'cache_size = 5x'), /cache_size/],
];

for (const [name, text, key] of cases) {
  test(`config error (${name}) exits 2 with one line naming the file and the key`, async () => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.ini`);
    await writeFile(file, text.replace('PORT1', String(await freePort())).replace('PORT2', String(await freePort())));
    const r = await run(['-c', file]);
    assert.is(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.includes(file), lines[0]);
    assert.match(lines[0]!, key);
    assert.is(r.stdout, '');
  });
}

test('a hostkey that cannot be read or parsed exits 2 with one line naming hostkey, the key file and the INI', async () => {
  const garbage = join(dir, 'garbage.pem');
  await writeFile(garbage, 'not a key\n');
  for (const key of [join(dir, 'absent.pem'), garbage]) {
    const file = join(dir, 'bad-hostkey.ini');
    const body = good.replace('PORT1', String(await freePort())).replace('PORT2', String(await freePort()));
    await writeFile(file, `hostkey = ${key}\n${body}`);
    const r = await run(['-c', file]);
    assert.is(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.includes(`${file}: hostkey: ${key}: `), lines[0]);
  }
});

test('gossip5 keygen --out FILE makes a 4096-bit RSA key and prints its identity; a second run does not overwrite', async () => {
  const out = join(dir, 'keygen.pem');
  const r = await run(['keygen', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
  assert.match(r.stderr, /RSA-4096/);
  const { loadHostIdentity } = await import('../../src/hostkey.js');
  const id = await loadHostIdentity({ file: '/x.ini', hostkey: out });
  assert.is(id?.hex, r.stdout.trim());
  const again = await run(['keygen', '--out', out]);
  assert.is(again.code, 2);
  assert.match(again.stderr, /exists; not overwriting/);
});

test('a missing config file exits 2 naming the file', async () => {
  const file = join(dir, 'nope.ini');
  const r = await run(['-c', file]);
  assert.is(r.code, 2);
  assert.ok(r.stderr.includes(file), r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1);
});

test('missing -c is a usage error with exit 2', async () => {
  const r = await run([]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /-c/);
});

test('--help and --version exit 0', async () => {
  const help = await run(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /-c/);
  const version = await run(['--version']);
  assert.is(version.code, 0);
  assert.match(version.stdout, /\d+\.\d+\.\d+/);
});

test('a relative -c resolves against INIT_CWD', async () => {
  const file = join(dir, 'relative.ini');
  await writeFile(file, good.replace('degree = 4', 'degree = 0').replace('PORT1', '1').replace('PORT2', '2'));
  const r = await run(['-c', 'relative.ini'], { INIT_CWD: dir });
  assert.is(r.code, 2);
  assert.ok(r.stderr.includes(file), r.stderr);
  assert.match(r.stderr, /degree/);
});

test('an API port already in use is one clear line and a non-zero exit', async () => {
  const blocker = createServer();
  await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
  const busy = (blocker.address() as { port: number }).port;
  const file = join(dir, 'busy.ini');
  await writeFile(file, iniText(await freePort(), busy, undefined, {}));
  const r = await run(['-c', file]);
  blocker.close();
  assert.ok(r.code !== 0 && r.code !== null, `exit ${r.code}`);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /api_address/);
  assert.match(lines[0]!, /already in use/);
  assert.is(lines[0]!.split('cannot listen on').length, 2, `said once: ${lines[0]}`);
});

test('SIGTERM and SIGINT stop a running daemon with exit 0', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const file = join(dir, `sig-${signal}.ini`);
    const p2p = await freePort();
    const api = await freePort();
    await writeFile(file, iniText(p2p, api, undefined, {}));
    const node = new DaemonProcess(`sig-${signal}`, file, api, p2p, ['--log-level', 'info']);
    await node.started;
    const code = await node.kill(signal);
    assert.is(code, 0, node.stderr.join('\n'));
    assert.ok(node.logs.some((l) => l.msg === 'gossip daemon stopped'), 'logs its stop');
  }
});

test.run();

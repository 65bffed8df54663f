/**
 * Stopping the daemon the way operators and supervisors do: through the README's
 * `pnpm start` (pnpm 12 forwards a signal to its direct child only and never waits
 * for grandchildren), through the whole process group, and straight to the daemon.
 * Each way must end the daemon gracefully, leave nothing running and free both ports.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '@gossip5/testkit';
import { DAEMON_MAIN, childEnv, iniText } from '../../harness/local-network.js';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A safety net only: a daemon that has not stopped by then fails the test instead of hanging it. */
const GIVE_UP_MS = 20_000;

let dir = '';
/** Process groups started by the current test, SIGKILLed after it whatever happened. */
const groups: number[] = [];
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gossip5-stop-'));
});
test.after.each(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what}: not within ${GIVE_UP_MS} ms`)), GIVE_UP_MS);
  });
  return Promise.race([p, giveUp]).finally(() => clearTimeout(timer));
}

interface Started {
  /** The process we spawned (pnpm, a shell, or the daemon itself); leader of its own process group. */
  leader: ReturnType<typeof spawn>;
  daemonPid: number;
  leaderExit: Promise<number | null>;
  /** Resolves when every holder of the stdout pipe (pnpm and the daemon) has gone. */
  outputClosed: Promise<void>;
  lines: Array<Record<string, unknown>>;
  api: number;
  p2p: number;
}

async function start(name: string, how: 'pnpm' | 'shell' | 'direct'): Promise<Started> {
  const p2p = await freePort();
  const api = await freePort();
  const file = join(dir, `${name}.ini`);
  await writeFile(file, iniText(p2p, api, undefined, {}));
  const [cmd, args, env] =
    how === 'pnpm'
      ? ['pnpm', ['start', '-c', file, '--log-level', 'info'], childEnv()]
      : how === 'shell'
        ? // `; true` keeps sh from exec'ing node: the daemon's parent is the shell, which we then kill.
          ['sh', ['-c', `"${process.execPath}" "${DAEMON_MAIN}" -c "${file}" --log-level info; true`], childEnv({ npm_lifecycle_event: 'start' })]
        : [process.execPath, [DAEMON_MAIN, '-c', file, '--log-level', 'info'], childEnv()];
  const leader = spawn(cmd, args, { cwd: PACKAGE_DIR, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.push(leader.pid!);
  const leaderExit = within(
    new Promise<number | null>((res) => leader.on('exit', (code) => res(code))),
    `${cmd} exit`,
  );
  leaderExit.catch(() => {});
  const outputClosed = within(
    new Promise<void>((res) => leader.stdout!.on('close', () => res())),
    'daemon exit',
  );
  outputClosed.catch(() => {});
  leader.stderr!.resume();
  const lines: Array<Record<string, unknown>> = [];
  const daemonPid = await within(new Promise<number>((res, rej) => {
    leader.on('exit', (code) => rej(new Error(`${cmd} exited ${code} before the daemon started`)));
    createInterface({ input: leader.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (typeof entry.msg === 'string' && entry.msg.startsWith('gossip daemon started')) res(entry.pid as number);
    });
  }), 'daemon start');
  return { leader, daemonPid, leaderExit, outputClosed, lines, api, p2p };
}

/** Running, as opposed to gone or a zombie not yet reaped by its new parent (init may reap late). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((res) => {
    server.once('error', () => res(false));
    server.listen(port, '127.0.0.1', () => server.close(() => res(true)));
  });
}

async function assertStoppedCleanly(s: Started): Promise<void> {
  await s.outputClosed;
  assert.not.ok(alive(s.daemonPid), `daemon ${s.daemonPid} is still running`);
  assert.ok(
    s.lines.some((l) => l.msg === 'gossip daemon stopped'),
    'the daemon logged its graceful stop',
  );
  assert.ok(await portFree(s.api), `API port ${s.api} is free`);
  assert.ok(await portFree(s.p2p), `P2P port ${s.p2p} is free`);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the pnpm process alone stops the daemon; pnpm exits 0`, async () => {
    const s = await start(`pnpm-${signal}`, 'pnpm');
    s.leader.kill(signal);
    assert.is(await s.leaderExit, 0);
    await assertStoppedCleanly(s);
  });

  test(`${signal} to the process group (Ctrl-C, docker stop) stops the daemon; pnpm exits 0`, async () => {
    const s = await start(`group-${signal}`, 'pnpm');
    process.kill(-s.leader.pid!, signal);
    assert.is(await s.leaderExit, 0);
    await assertStoppedCleanly(s);
  });
}

test('SIGTERM to the daemon under pnpm stops it; pnpm exits 0', async () => {
  const s = await start('daemon-term', 'pnpm');
  process.kill(s.daemonPid, 'SIGTERM');
  assert.is(await s.leaderExit, 0);
  await assertStoppedCleanly(s);
});

test('SIGTERM to a daemon started directly stops it with exit 0', async () => {
  const s = await start('direct-term', 'direct');
  s.leader.kill('SIGTERM');
  assert.is(await s.leaderExit, 0);
  await assertStoppedCleanly(s);
});

test('a daemon started by a package script stops by itself when its parent is killed', async () => {
  const s = await start('parent-killed', 'shell');
  s.leader.kill('SIGKILL');
  await s.leaderExit;
  await assertStoppedCleanly(s);
  assert.ok(
    s.lines.some((l) => l.signal === 'parent-exited'),
    'the stop was caused by the parent watch',
  );
});

test.run();

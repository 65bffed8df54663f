/**
 * `gossip5 -c peer.ini | head -2`: once the reader has gone, the daemon must still stop on SIGTERM
 * (sonic-boom's synchronous flush retried the EPIPE forever and the daemon hung in a futex wait).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '@gossip5/testkit';
import { DAEMON_MAIN, childEnv, iniText } from '../../harness/local-network.js';

/** A safety net only: a daemon that has not exited by then fails the test instead of hanging it. */
const GIVE_UP_MS = 20_000;

test('a daemon whose stdout reader has exited still stops on SIGTERM, with status 0', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gossip5-epipe-'));
  const ini = join(dir, 'peer.ini');
  await writeFile(ini, iniText(await freePort(), await freePort(), undefined, {}));
  // --log-level debug: plenty of lines keep being written after the reader is gone.
  const child = spawn(process.execPath, [DAEMON_MAIN, '-c', ini, '--log-level', 'debug'], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let giveUp: NodeJS.Timeout | undefined;
  try {
    const lines = createInterface({ input: child.stdout! });
    const started = await new Promise<boolean>((resolve) => {
      lines.on('line', (l) => {
        if (l.includes('gossip daemon started')) resolve(true);
      });
      lines.once('close', () => resolve(false));
    });
    assert.ok(started, 'the daemon started');
    // Like `head`: stop reading and close our end of the pipe.
    lines.close();
    child.stdout!.destroy();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((resolve) => (giveUp = setTimeout(() => resolve('hung'), GIVE_UP_MS))),
    ]);
    assert.is(code, 0, 'exits 0 after a clean stop');
  } finally {
    clearTimeout(giveUp);
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();

/** The root logger: JSON lines off a terminal, pino-pretty in a worker thread on one, nothing lost nor reordered at exit. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const run = promisify(execFile);
const BURST = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures/log-burst.ts');
/** Enough lines that a logger which dropped its buffer at exit would visibly lose some. */
const LINES = 2000;

async function burst(mode: string, count = LINES): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gossip5-log-'));
  try {
    const file = join(dir, 'out.log');
    await run(process.execPath, [BURST, mode, file, String(count)]);
    return await readFile(file, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('JSON mode: one parseable line per call with level, component and message; all there, in order, after flush() and exit', async () => {
  const lines = (await burst('json')).trimEnd().split('\n');
  assert.is(lines.length, LINES);
  assert.ok(lines.every((l, k) => (JSON.parse(l) as { i: number }).i === k), 'in the order logged');
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.is(first.level, 30);
  assert.is(first.component, 'test');
  assert.is(first.msg, 'line 0');
});

test('pretty mode (the worker-thread transport): formatted lines, none lost when the process exits right after flush()', async () => {
  const text = await burst('pretty');
  const heads = text.split('\n').filter((l) => / INFO: line \d+$/.test(l));
  assert.is(heads.length, LINES, 'every line written before exit');
  assert.match(heads[0]!, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: line 0$/);
  assert.match(text, /^ {4}component: "test"$/m, 'fields one per line');
  assert.not.match(text, /"level":30/, 'no JSON in pretty mode');
  assert.ok(heads.every((l, k) => l.endsWith(` line ${k}`)), 'in the order logged');
});

test('on a terminal (a pty from script(1)) the default is pretty; through a pipe it is JSON, in order', async () => {
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BURST)} auto - 3`;
  const tty = await run('script', ['-qec', cmd, '/dev/null']);
  assert.match(tty.stdout, /INFO.*line 2/);
  assert.not.match(tty.stdout, /"level":30/);
  const pipe = await run(process.execPath, [BURST, 'auto', '-', '3']);
  const msgs = pipe.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
  assert.equal(msgs, ['line 0', 'line 1', 'line 2'], pipe.stdout);
});

test.run();

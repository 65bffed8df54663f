/**
 * `pnpm fuzz` itself, on the built dist/: every target for a short fixed budget
 * (the CI run: 0 crashes, exactly one line per target), and a target that
 * crashes on purpose (a non-zero exit, its crasher written).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PACKAGE_DIR } from '../src/corpus.js';
import { targetNames } from '../src/targets/index.js';

/** Runs per target in CI: enough to get past the seeds into mutation, a few seconds in all. */
const CI_RUNS = 3000;
const CLI = join(PACKAGE_DIR, 'dist', 'cli.js');
const LINE = /^fuzz (\S+): (\d+) execs, (\d+) crashes$/;

function runCli(args: string[], env: Record<string, string> = {}) {
  // Without tsx: the workers load the built packages, which the hook instruments.
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    timeout: 240_000,
  });
  return { status: r.status, lines: r.stdout.trim().split('\n').filter(Boolean), stderr: r.stderr };
}

test(`every target runs ${CI_RUNS} inputs with 0 crashes, one line each`, () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: the test task builds it first');
  const out = mkdtempSync(join(tmpdir(), 'gossip5-fuzz-'));
  try {
    const r = runCli(['--runs', String(CI_RUNS), '--out', out]);
    assert.is(r.status, 0, r.stderr);
    assert.equal(r.lines.map((l) => LINE.exec(l)?.[1]), targetNames());
    for (const l of r.lines) {
      const [, , execs, crashes] = LINE.exec(l)!;
      assert.ok(Number(execs) >= CI_RUNS, l);
      assert.is(crashes, '0', l);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a crash is counted, its input written, and the exit code is 1', () => {
  const out = mkdtempSync(join(tmpdir(), 'gossip5-fuzz-'));
  try {
    const r = runCli(['--runs', '500', '--target', 'selftest-crash', '--out', out], { GOSSIP5_FUZZ_SELFTEST: '1' });
    assert.is(r.status, 1);
    assert.equal(r.lines, ['fuzz selftest-crash: 500 execs, 1 crashes']);
    const files = readdirSync(out).filter((f) => f.startsWith('crash-selftest-crash-'));
    assert.is(files.length, 1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('an unknown target is a usage error', () => {
  const r = runCli(['--target', 'nope']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown target nope/);
});

test.run();

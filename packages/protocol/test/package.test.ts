/**
 * The published contract: the packed tarball of @gossip5/protocol passes publint (strict) and
 * Are the Types Wrong (ESM-only profile: the package is ESM by choice, CommonJS callers use import()).
 * Needs dist/ (turbo runs this package's build before its tests).
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args: string[]) => spawnSync('pnpm', ['exec', ...args], { cwd: pkg, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });

test('publint --strict finds nothing in the packed package', () => {
  const r = run(['publint', '--strict']);
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /All good/);
});

test('attw finds no type resolution problem in the packed tarball', () => {
  const r = run(['attw', '--pack', '.', '--profile', 'esm-only', '--format', 'ascii']);
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
});

test.run();

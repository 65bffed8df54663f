import { resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOG_LEVELS, USAGE, parseCli, type CliOptions } from '../src/cli.js';
import { isUsageError } from '../src/errors.js';

const CWD = '/home/user/gossip5/packages/daemon';
const NO_ENV: NodeJS.ProcessEnv = {};

function usageError(argv: string[], env: NodeJS.ProcessEnv = NO_ENV): Error {
  try {
    parseCli(argv, env, CWD);
  } catch (err) {
    assert.ok(isUsageError(err), `expected a UsageError, got ${String(err)}`);
    const e = err as Error & { code: string };
    assert.is(e.code, 'GOSSIP_ERR_USAGE');
    assert.is(e.name, 'UsageError');
    assert.not.match(e.message, /[\r\n]/, 'one line');
    return e;
  }
  assert.unreachable(`expected ${JSON.stringify(argv)} to be refused`);
  throw new Error('unreachable');
}

test('-c alone: absolute path, info level, no overrides', () => {
  const o = parseCli(['-c', '/etc/gossip/peer.ini'], NO_ENV, CWD);
  assert.equal(o, { configPath: '/etc/gossip/peer.ini', logLevel: 'info', help: false, version: false } satisfies CliOptions);
});

test('a relative -c resolves against INIT_CWD (pnpm), else the working directory', () => {
  assert.is(parseCli(['-c', 'peer.ini'], { INIT_CWD: '/home/user/gossip5' }, CWD).configPath, '/home/user/gossip5/peer.ini');
  assert.is(parseCli(['-c', 'examples/bootstrap.ini'], { INIT_CWD: '/repo' }, CWD).configPath, '/repo/examples/bootstrap.ini');
  assert.is(parseCli(['-c', 'peer.ini'], NO_ENV, CWD).configPath, `${CWD}/peer.ini`);
  assert.is(parseCli(['-c', '../x.ini'], { INIT_CWD: '' }, CWD).configPath, resolve(CWD, '../x.ini'));
  assert.is(parseCli(['-c', '/abs.ini'], { INIT_CWD: '/repo' }, CWD).configPath, '/abs.ini');
});

test('-v and -s take positive decimal seconds and give milliseconds', () => {
  const o = parseCli(['-c', 'p.ini', '-v', '2.5', '-s', '60'], NO_ENV, CWD);
  assert.is(o.validationTimeoutMs, 2500);
  assert.is(o.spreadSuppressionMs, 60_000);
  const l = parseCli(['--config=p.ini', '--validation-timeout', '0.05', '--spread-suppression=1'], NO_ENV, CWD);
  assert.is(l.validationTimeoutMs, 50);
  assert.is(l.spreadSuppressionMs, 1000);
  const short = parseCli(['-cp.ini', '-v10'], NO_ENV, CWD);
  assert.is(short.configPath, `${CWD}/p.ini`);
  assert.is(short.validationTimeoutMs, 10_000);
  assert.is(short.spreadSuppressionMs, undefined);
});

test('bad -v / -s values', () => {
  for (const bad of ['0', 'abc', '1e3', '10s', '', '0.0001', '3601']) {
    assert.match(usageError(['-c', 'p.ini', '-v', bad]).message, /^-v\/--validation-timeout must be seconds/);
  }
  assert.match(usageError(['-c', 'p.ini', '-s', '0']).message, /^-s\/--spread-suppression must be seconds/);
  assert.match(usageError(['-c', 'p.ini', '-s', '-1']).message, /^-s needs a value$/);
});

test('-c is required unless --help or --version', () => {
  assert.is(usageError([]).message, '-c/--config PATH is required');
  assert.is(usageError(['-v', '3']).message, '-c/--config PATH is required');
  assert.equal(parseCli(['--help'], NO_ENV, CWD), { configPath: '', logLevel: 'info', help: true, version: false });
  assert.is(parseCli(['-h'], NO_ENV, CWD).help, true);
  assert.is(parseCli(['--version'], NO_ENV, CWD).version, true);
  assert.is(parseCli(['-V'], NO_ENV, CWD).version, true);
  assert.is(parseCli(['-c', 'p.ini', '--help'], NO_ENV, CWD).configPath, `${CWD}/p.ini`);
});

test('log level from --log-level, else LOG_LEVEL, else info', () => {
  for (const level of LOG_LEVELS) {
    assert.is(parseCli(['-c', 'p', '--log-level', level], NO_ENV, CWD).logLevel, level);
  }
  assert.is(parseCli(['-c', 'p', '-l', 'DEBUG'], NO_ENV, CWD).logLevel, 'debug');
  assert.is(parseCli(['-c', 'p'], { LOG_LEVEL: 'warn' }, CWD).logLevel, 'warn');
  assert.is(parseCli(['-c', 'p', '--log-level=error'], { LOG_LEVEL: 'warn' }, CWD).logLevel, 'error');
  assert.is(parseCli(['-c', 'p'], { LOG_LEVEL: '' }, CWD).logLevel, 'info');
  assert.match(usageError(['-c', 'p', '--log-level', 'loud']).message, /^-l\/--log-level must be one of trace, debug, info, warn, error, fatal, silent, got "loud"$/);
  assert.match(usageError(['-c', 'p'], { LOG_LEVEL: 'verbose' }).message, /^LOG_LEVEL must be one of/);
});

test('unknown options, positionals, missing values and repeats are refused', () => {
  assert.is(usageError(['-c', 'p', '-x']).message, 'unknown option -x');
  assert.is(usageError(['-c', 'p', '--verbose']).message, 'unknown option --verbose');
  assert.is(usageError(['-c', 'p', 'extra']).message, 'unexpected argument "extra"');
  assert.is(usageError(['-c']).message, '-c/--config needs a value');
  assert.is(usageError(['-c', '-v', '3']).message, '-c needs a value');
  assert.is(usageError(['-c', 'p', '--help=yes']).message, '-h/--help takes no value');
  assert.is(usageError(['-c', '']).message, '-c/--config needs a file path');
  assert.is(usageError(['-c', 'a.ini', '-c', 'b.ini']).message, '-c/--config given more than once');
  assert.is(usageError(['-c', 'a.ini', '-v', '1', '--validation-timeout', '2']).message, '-v/--validation-timeout given more than once');
});

test('a leading -- (from `pnpm start -- -c ...`) is skipped', () => {
  assert.is(parseCli(['--', '-c', 'p.ini'], NO_ENV, CWD).configPath, `${CWD}/p.ini`);
});

test('USAGE documents every flag', () => {
  for (const flag of ['-c, --config', '-v, --validation-timeout', '-s, --spread-suppression', '-l, --log-level', '-h, --help', '-V, --version', 'INIT_CWD', 'LOG_LEVEL']) {
    assert.ok(USAGE.includes(flag), flag);
  }
});

test.run();

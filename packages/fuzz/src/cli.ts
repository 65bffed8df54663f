/**
 * `pnpm fuzz [--runs N] [--target NAME]... [--seed S] [--out DIR] [--verbose]`:
 * runs each target (all by default) in its own instrumented process, one after
 * the other, and prints exactly one line per target on stdout,
 * `fuzz TARGET: N execs, K crashes`. Exits 1 if any target crashed (or its
 * process failed). Full figures (time, execs/s, coverage, corpus size) go to
 * DIR/summary.json, and to stderr with --verbose.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_DIR } from './corpus.js';
import { targetNames } from './targets/index.js';

export interface TargetResult {
  target: string;
  execs: number;
  crashes: number;
  seconds: number;
  corpus: number;
  coverage: { covered: number; total: number };
  instrumented: boolean;
  crashFiles: string[];
}

interface Args {
  runs: number;
  targets: string[];
  seed: number;
  out: string;
  verbose: boolean;
}

function usage(message: string): never {
  console.error(`pnpm fuzz: ${message}\nusage: pnpm fuzz [--runs N] [--target NAME]... [--seed S] [--out DIR] [--verbose]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 100_000, targets: [], seed: 1, out: join(PACKAGE_DIR, 'fuzz-results'), verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--') continue;
    if (a === '--runs') args.runs = Number(value());
    else if (a === '--target') args.targets.push(...value().split(','));
    else if (a === '--seed') args.seed = Number(value());
    else if (a === '--out') args.out = value();
    else if (a === '--verbose') args.verbose = true;
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(args.runs) || args.runs < 0) usage('--runs must be a whole number');
  if (!Number.isInteger(args.seed)) usage('--seed must be an integer');
  const known = targetNames();
  for (const t of args.targets) if (!known.includes(t)) usage(`unknown target ${t} (known: ${known.join(', ')})`);
  if (args.targets.length === 0) args.targets = known;
  return args;
}

/** Targets that load the same packages share one process (instrumenting a package takes seconds). */
export function groupTargets(targets: string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const t of targets) {
    const key = t.startsWith('api-') ? 'api' : t.startsWith('p2p-') ? 'p2p' : t.startsWith('selftest') ? t : 'protocol';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(t);
  }
  return [...groups.values()];
}

function failed(target: string): TargetResult {
  return { target, execs: 0, crashes: 1, seconds: 0, corpus: 0, coverage: { covered: 0, total: 0 }, instrumented: false, crashFiles: [] };
}

/** Run one group in a worker; calls `onResult` as each target finishes. */
function runWorker(targets: string[], args: Args, onResult: (r: TargetResult) => void): Promise<void> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', join(here, 'engine', 'register.js'), join(here, 'worker.js'), targets.join(','), String(args.runs), String(args.seed), args.out],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const done = new Set<string>();
    let buffered = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      buffered += c.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const r = JSON.parse(line) as TargetResult;
          done.add(r.target);
          onResult(r);
        } catch {
          process.stderr.write(`${line}\n`);
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      if (args.verbose) process.stderr.write(c);
    });
    child.on('close', (code) => {
      const missing = targets.filter((t) => !done.has(t));
      if (code !== 0 || missing.length > 0) {
        if (!args.verbose) process.stderr.write(err);
        process.stderr.write(`fuzz: worker for ${targets.join(', ')} failed (exit ${code})\n`);
        for (const t of missing) onResult(failed(t));
      }
      resolve();
    });
  });
}

const args = parseArgs(process.argv.slice(2));
const results: TargetResult[] = [];
for (const group of groupTargets(args.targets)) {
  await runWorker(group, args, (r) => {
    results.push(r);
    console.log(`fuzz ${r.target}: ${r.execs} execs, ${r.crashes} crashes`);
    if (args.verbose) {
      const rate = r.seconds > 0 ? Math.round(r.execs / r.seconds) : 0;
      console.error(
        `  ${r.seconds.toFixed(1)} s, ${rate} execs/s, ${r.coverage.covered}/${r.coverage.total} counters hit, corpus ${r.corpus}` +
          (r.instrumented ? '' : ' (NOT instrumented: no coverage feedback)'),
      );
    }
    for (const f of r.crashFiles) console.error(`  crasher: ${f}`);
  });
}
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'summary.json'), `${JSON.stringify({ runs: args.runs, seed: args.seed, results }, null, 2)}\n`);
process.exit(results.some((r) => r.crashes > 0) ? 1 : 0);

/**
 * One target in this process (started by cli.js with the instrumenting hook):
 * `node --import ./engine/register.js worker.js TARGET RUNS SEED OUTDIR`.
 * Prints one JSON line with the result; crashing inputs go to OUTDIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, readInputs } from './corpus.js';
import { fuzz, inputId } from './engine/engine.js';
import { makeTarget } from './targets/index.js';

const [name, runsArg, seedArg, outDir] = process.argv.slice(2);
if (!name || !runsArg || !seedArg || !outDir) {
  console.error('usage: worker.js TARGET RUNS SEED OUTDIR');
  process.exit(2);
}
const target = await makeTarget(name);
const seeds = readInputs(join(CORPUS_DIR, target.corpus)).map((s) => s.data);
const crashFiles: string[] = [];
const result = await fuzz(target, {
  runs: Number(runsArg),
  seed: Number(seedArg),
  seeds,
  onCrash(crash) {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `crash-${name}-${inputId(crash.input)}`);
    writeFileSync(file, crash.input);
    crashFiles.push(file);
    const e = crash.error as Error;
    console.error(`fuzz ${name}: crash ${file}\n${e?.stack ?? String(e)}${e?.cause ? `\ncause: ${(e.cause as Error).stack ?? String(e.cause)}` : ''}`);
  },
});
process.stdout.write(
  `${JSON.stringify({
    target: name,
    execs: result.execs,
    crashes: result.crashes.length,
    seconds: result.seconds,
    corpus: result.corpus,
    coverage: result.coverage,
    instrumented: result.instrumented,
    crashFiles,
  })}\n`,
);
// Whatever the target left open (it should be nothing) does not keep the run alive.
process.exit(0);

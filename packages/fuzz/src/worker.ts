/**
 * Targets in this process, one after the other (started by cli.js with the
 * instrumenting hook): `node --import ./engine/register.js worker.js T1,T2 RUNS SEED OUTDIR`.
 * Prints one JSON line per target; crashing inputs go to OUTDIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, readInputs } from './corpus.js';
import { fuzz, inputId } from './engine/engine.js';
import { makeTarget } from './targets/index.js';

const [names, runsArg, seedArg, outDir] = process.argv.slice(2);
if (!names || !runsArg || !seedArg || !outDir) {
  console.error('usage: worker.js TARGET[,TARGET...] RUNS SEED OUTDIR');
  process.exit(2);
}
for (const name of names.split(',')) {
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
      const cause = e?.cause ? `\ncause: ${(e.cause as Error).stack ?? String(e.cause)}` : '';
      console.error(`fuzz ${name}: crash ${file}\n${e?.stack ?? String(e)}${cause}`);
    },
  });
  const { execs, seconds, corpus, coverage, instrumented } = result;
  const line = { target: name, execs, crashes: result.crashes.length, seconds, corpus, coverage, instrumented, crashFiles };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
// Whatever a target left open (it should be nothing) does not keep the run alive.
process.exit(0);

#!/usr/bin/env node
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs, USAGE } from './args.js';
import { renderPlots } from './plots.js';
import { progressBar } from './progress.js';
import { runSimulation } from './run.js';

/** `pnpm sim ...` from the repository root: relative paths are taken from where the command was typed. */
function outDir(out: string): string {
  return isAbsolute(out) ? out : resolve(process.env.INIT_CWD ?? process.cwd(), out);
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`gossip5-sim: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dir = outDir(args.out);
  await mkdir(dir, { recursive: true });
  const bar = progressBar(process.stderr, Date.now());
  const { result, series } = await runSimulation({ ...args.options, onProgress: (p) => bar.update(p) });
  bar.end();
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (args.plots) {
    for (const plot of await renderPlots(result, series)) await writeFile(join(dir, plot.file), plot.svg);
  }
  const r = result;
  process.stdout.write(
    `${r.nodes} nodes x ${r.items} items (${r.scenario}, seed ${r.seed}): delivery ${(r.delivery_ratio * 100).toFixed(3)} %, ` +
      `${r.payload_sends_per_node_per_item.toFixed(2)} payload sends/node/item (${r.payload_sends_per_node_per_item_once_formed.toFixed(2)} once formed), p50/p95/p99 ${r.latency_p50_ms}/${r.latency_p95_ms}/${r.latency_p99_ms} ms, ` +
      `hops max ${r.last_delivery_hop_max}, wall ${r.wall_s} s, peak RSS ${r.peak_rss_mb} MB -> ${join(dir, 'result.json')}\n`,
  );
  return 0;
}

main(process.argv.slice(2).filter((a) => a !== '--')).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`gossip5-sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

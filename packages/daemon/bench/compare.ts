/**
 * Before and after: compare two result files of this suite, figure by figure.
 *
 *   pnpm --filter @gossip5/daemon exec tsx bench/compare.ts BEFORE.json AFTER.json
 */
import { readFileSync } from 'node:fs';
import type { CeilingResult } from './ceiling.js';
import type { DisseminationResult } from './dissemination.js';
import { table } from './lib/stats.js';

interface ResultFile {
  machine: { commit: string; date: string };
  load: { before: number[] };
  dissemination: DisseminationResult[];
  ceiling?: CeilingResult;
  blast?: CeilingResult;
  memory?: CeilingResult;
}

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: tsx bench/compare.ts BEFORE.json AFTER.json');
  process.exit(2);
}
const before = JSON.parse(readFileSync(beforePath, 'utf8')) as ResultFile;
const after = JSON.parse(readFileSync(afterPath, 'utf8')) as ResultFile;

const rows: string[][] = [];
const add = (what: string, a: number | undefined, b: number | undefined, digits = 1) => {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return;
  const change = a === 0 ? '-' : `${b >= a ? '+' : ''}${((100 * (b - a)) / a).toFixed(0)} %`;
  rows.push([what, a.toFixed(digits), b.toFixed(digits), change]);
};

for (const d of before.dissemination) {
  const e = after.dissemination.find((x) => x.nodes === d.nodes && x.degree === d.degree && x.mode === d.mode && x.items === d.items);
  if (!e) continue;
  const tag = `N=${d.nodes} d=${d.degree} ${d.mode}`;
  add(`${tag}: delivery ratio`, d.deliveryRatio, e.deliveryRatio, 4);
  add(`${tag}: p50 ms`, d.latencyMs.p50, e.latencyMs.p50);
  add(`${tag}: p99 ms`, d.latencyMs.p99, e.latencyMs.p99);
  add(`${tag}: all everywhere ms`, d.allEverywhereMs, e.allEverywhereMs, 0);
  add(`${tag}: deliveries/s`, d.deliveriesPerSec, e.deliveriesPerSec, 0);
  add(`${tag}: CPU ms/item (network)`, d.cpuMsPerItem, e.cpuMsPerItem, 2);
  add(`${tag}: msgs/item/node`, d.messagesPerItemPerNode, e.messagesPerItemPerNode, 2);
}
for (const key of ['ceiling', 'blast', 'memory'] as const) {
  const a = before[key];
  const b = after[key];
  if (!a || !b) continue;
  add(`${key}: accepted/s`, a.acceptedPerSec, b.acceptedPerSec, 0);
  add(`${key}: µs CPU/item`, a.cpuUsPerItem, b.cpuUsPerItem);
  add(`${key}: RSS after, MiB`, a.rssAfterMiB, b.rssAfterMiB);
}
console.log(`before: ${beforePath} (commit ${before.machine.commit}, ${before.machine.date}, load ${before.load.before.join(' ')})`);
console.log(`after:  ${afterPath} (commit ${after.machine.commit}, ${after.machine.date}, load ${after.load.before.join(' ')})\n`);
console.log(table(['figure', 'before', 'after', 'change'], rows));

/**
 * Summarise a .cpuprofile written by `node --cpu-prof`: self time per function,
 * total time of our own functions, and time per package.
 *
 *   pnpm --filter @gossip5/daemon exec tsx bench/cpuprofile-summary.ts FILE [--markers onNotification] [--top 25]
 */
import { parseArgs } from 'node:util';
import { summariseProfile } from './lib/cpuprofile.js';
import { profileTable } from './lib/report.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { markers: { type: 'string' }, top: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: tsx bench/cpuprofile-summary.ts FILE.cpuprofile [--markers fnA,fnB] [--top N] [--json]');
  process.exit(2);
}
const top = Number(values.top);
const summary = summariseProfile(file, { markers: values.markers?.split(','), top: Math.max(top, 25) });
console.log(values.json ? JSON.stringify(summary, null, 2) : profileTable(summary, top));

#!/usr/bin/env node
// Reads test output on stdin, echoes it, and ends with one line "N passed, N failed"
// summing every uvu report ("Passed: N" / "Total: N") found in it.
// Exits non-zero when nothing was counted, so an empty run cannot pass unseen.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let total = 0;
let reports = 0;
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  process.stdout.write(line + '\n');
  const text = strip(line);
  const t = /Total:\s+(\d+)/.exec(text);
  if (t) {
    total += Number(t[1]);
    reports++;
  }
  const p = /Passed:\s+(\d+)/.exec(text);
  if (p) passed += Number(p[1]);
});
rl.on('close', () => {
  const failed = total - passed;
  const line = `${passed} passed, ${failed} failed`;
  console.log(line);
  // Also to the file named by the first argument, if any, so a caller can repeat it as its last line.
  if (process.argv[2]) writeFileSync(process.argv[2], `${line}\n`);
  process.exit(reports === 0 ? 3 : 0);
});

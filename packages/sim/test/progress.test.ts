import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PLAIN_PROGRESS_EVERY_MS, progressBar } from '../src/progress.js';

function stream(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, s: { isTTY, columns: 200, write: (t: string) => (lines.push(t), true) } };
}
const at = (done: number) => ({ phase: 'publish' as const, done, total: 100, virtualMs: 12_500 });

test('off a TTY: one plain line per PLAIN_PROGRESS_EVERY_MS of wall time, no carriage returns', () => {
  const { lines, s } = stream(false);
  let t = 1_000;
  const bar = progressBar(s, 1_000, () => t);
  bar.update(at(1));
  assert.is(lines.length, 0, 'nothing before the first period');
  t += PLAIN_PROGRESS_EVERY_MS;
  bar.update(at(40));
  bar.update(at(41));
  assert.is(lines.length, 1, 'at most one line per period');
  assert.match(lines[0]!, /^gossip5-sim: publish 40\/100 {2}virtual 12\.5 s {2}wall 30 s {2}rss \d+ MB\n$/);
  t += PLAIN_PROGRESS_EVERY_MS;
  bar.update(at(90));
  assert.is(lines.length, 2);
  bar.end();
  assert.ok(lines.every((l) => !l.includes('\r')));
});

test('a phase with something to say (forming: nodes alone, components) says it after its count', () => {
  const { lines, s } = stream(false);
  let t = 0;
  const bar = progressBar(s, 0, () => t);
  t = PLAIN_PROGRESS_EVERY_MS;
  bar.update({ phase: 'form', done: 3_000, total: 120_000, virtualMs: 203_000, note: 'alone 2  components 3' });
  assert.match(lines[0]!, /^gossip5-sim: form 3000\/120000 {2}alone 2 {2}components 3 {2}virtual 203\.0 s/);
});

test('on a TTY: a bar redrawn in place, cleared at the end', () => {
  const { lines, s } = stream(true);
  const bar = progressBar(s, 0, () => 5_000);
  bar.update(at(50));
  assert.match(lines[0]!, /^\rpublish \[#{15}-{15}\] 50\/100 {2}virtual 12\.5 s {2}wall 5 s/);
  bar.end();
  assert.is(lines[1], '\r\x1b[K');
});

test.run();

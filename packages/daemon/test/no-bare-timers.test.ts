/**
 * Clock, timers and randomness are injected everywhere in the daemon's packages: this test fails on
 * any bare Date.now(), setTimeout(), setInterval(), socket.setTimeout() or Math.random() in the
 * src of api, p2p and daemon, outside the two files that define the real clock (api, p2p).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ALLOWED = new Set(['api/src/timers.ts', 'p2p/src/defaults.ts']);
const BARE = [
  /\bDate\.now\(/,
  /(?<![.\w])setTimeout\((?!fn:)/,
  /(?<![.\w])setInterval\(/,
  /\bsocket\.setTimeout\(/,
  /\bMath\.random\(/,
];

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

test('no bare clock, timer or randomness in api, p2p or daemon src', () => {
  const found: string[] = [];
  let files = 0;
  for (const pkg of ['api', 'p2p', 'daemon']) {
    for (const file of sources(join(PACKAGES, pkg, 'src'))) {
      const rel = relative(PACKAGES, file);
      files++;
      if (ALLOWED.has(rel)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trimStart().startsWith('//') || line.trimStart().startsWith('*')) return;
          if (BARE.some((re) => re.test(line))) found.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
  }
  assert.ok(files > 30, `scanned ${files} files`);
  assert.equal(found, [], found.join('\n'));
});

test('the pattern catches what it should', () => {
  const hit = (line: string) => BARE.some((re) => re.test(line));
  for (const bad of ['const t = Date.now();', 'setTimeout(() => x(), 5);', 'x = setInterval(f, 1)', 'this.socket.setTimeout(5, f)', 'Math.random()']) {
    assert.ok(hit(bad), bad);
  }
  for (const ok of ['this.clock.setTimeout(f, 5)', 'clock.setTimeout(f, 1)', 'setTimeout(fn: () => void, ms: number): unknown;']) {
    assert.not.ok(hit(ok), ok);
  }
});

test.run();

/// <reference lib="dom" />
/**
 * Takes docs/live-view.png: runs `pnpm demo --web` (8 nodes), opens its page in headless chromium,
 * waits until an item is mid-spread (some nodes lit, a hop in flight), saves a screenshot, and stops
 * the demo with SIGINT. Run: `pnpm --filter @gossip5/daemon exec tsx scripts/live-screenshot.ts [OUT.png]`.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const out = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? '../../docs/live-view.png');
const demo = spawn('pnpm', ['demo', '--web', '--nodes', '8', '--every', '2.5'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
const url = await new Promise<string>((res, rej) => {
  createInterface({ input: demo.stdout! }).on('line', (line) => {
    process.stdout.write(`demo: ${line}\n`);
    const m = /live view of the whole network: (\S+)/.exec(line);
    if (m) res(m[1]!);
  });
  demo.once('exit', (code) => rej(new Error(`the demo exited with ${code} before serving its page`)));
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 720 }, deviceScaleFactor: 1 });
  await page.goto(url);
  // Mid-spread: an item in flight after the first hop, the origin and some (not all) nodes lit.
  await page.waitForFunction(
    () => {
      const lit = Number(document.getElementById('overlay')!.getAttribute('data-lit'));
      return document.querySelector('.dot') !== null && lit >= 4 && lit < document.querySelectorAll('g.node').length;
    },
    undefined,
    { timeout: 30_000, polling: 'raf' },
  );
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
  process.kill(-demo.pid!, 'SIGINT');
}

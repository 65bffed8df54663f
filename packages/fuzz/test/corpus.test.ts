/**
 * The committed corpus and crashers as regular tests: every seed and every
 * minimised crasher runs through its target in this process (no fuzzing, no
 * instrumentation) and must pass every invariant; every target, a decoder of
 * a newly added type included, must have seeds made from the golden vectors.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CORPUS_DIR, CRASHERS_DIR, readInputs } from '../src/corpus.js';
import { makeTarget, targetNames } from '../src/targets/index.js';
import { seedName, seedSets } from '../scripts/make-seeds.js';

for (const name of targetNames()) {
  test(`${name}: every committed seed and crasher passes its invariants`, async () => {
    const target = await makeTarget(name);
    const inputs = [...readInputs(join(CORPUS_DIR, target.corpus)), ...readInputs(join(CRASHERS_DIR, name))];
    assert.ok(inputs.length > 0, `no seeds for ${name}`);
    await target.setup?.();
    try {
      for (const { name: file, data } of inputs) {
        try {
          await target.run(data);
        } catch (err) {
          assert.unreachable(`${file}: ${(err as Error).message}`);
        }
      }
    } finally {
      await target.teardown?.();
    }
  });
}

test('the committed seeds come from the golden vectors (scripts/make-seeds.ts)', () => {
  // New vectors need not be in the corpus at once (stale seeds are still good inputs), but every
  // committed seed must be one the script makes, so the corpus is not edited by hand.
  const sets = seedSets();
  for (const target of readdirSync(CORPUS_DIR)) {
    const made = new Set((sets.get(target) ?? []).map(seedName));
    for (const file of readdirSync(join(CORPUS_DIR, target))) assert.ok(made.has(file), `${target}/${file}`);
  }
});

test('every known message type has a decode target with seeds', () => {
  const decoders = targetNames().filter((t) => t.startsWith('decode-'));
  assert.ok(decoders.length >= 12);
  for (const t of decoders) {
    assert.ok(readInputs(join(CORPUS_DIR, t)).length > 0, `${t} has no seeds: run pnpm --filter @gossip5/fuzz seeds`);
  }
});

test.run();

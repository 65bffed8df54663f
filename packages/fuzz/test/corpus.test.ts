/**
 * The committed corpus and crashers as regular tests: every seed and every
 * minimised crasher runs through its target in this process (no fuzzing, no
 * instrumentation) and must pass every invariant; the seed corpus must be what
 * scripts/make-seeds.ts makes from the protocol's golden vectors today.
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

test('the seed corpus is generated from the golden vectors as they are now (pnpm --filter @gossip5/fuzz seeds)', () => {
  const sets = seedSets();
  assert.equal([...sets.keys()].sort(), readdirSync(CORPUS_DIR).sort());
  for (const [target, inputs] of sets) {
    assert.equal(readdirSync(join(CORPUS_DIR, target)).sort(), [...new Set(inputs.map(seedName))].sort(), target);
  }
});

test('every known message type has a decode target with seeds', () => {
  const decoders = targetNames().filter((t) => t.startsWith('decode-'));
  assert.ok(decoders.length >= 12);
  for (const t of decoders) assert.ok(readInputs(join(CORPUS_DIR, t)).length > 0, t);
});

test.run();

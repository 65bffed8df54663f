import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pickVictim, type EvictionCandidate } from '../../src/overlay/eviction.js';

interface L extends EvictionCandidate {
  name: string;
}
const l = (name: string, since: number, group: string, firstItems = 0): L => ({ name, since, group, firstItems });

test('the youngest link of the most crowded group goes', () => {
  const links = [l('a', 1, 'g1'), l('b', 2, 'g2'), l('c', 3, 'g3'), l('d', 4, 'x'), l('e', 5, 'x'), l('f', 6, 'g4'), l('g', 7, 'x'), l('h', 8, 'g5')];
  assert.is(pickVictim(links, 'new')!.name, 'g');
});

test('protected: the oldest, one per distinct group, and the most useful, each at most a quarter', () => {
  // 8 links, quarter = 2. Useful: u1, u2 (most first items). Diverse: oldest of 2 other groups.
  // Half of the remaining 4 by age is protected too; the rest are candidates.
  const links = [
    l('old1', 1, 'a'),
    l('old2', 2, 'b'),
    l('u1', 9, 'x', 50),
    l('u2', 10, 'x', 40),
    l('x1', 3, 'x'),
    l('x2', 4, 'x'),
    l('x3', 11, 'x'),
    l('x4', 12, 'x'),
  ];
  const victim = pickVictim(links, 'new')!;
  assert.ok(!['old1', 'old2', 'u1', 'u2'].includes(victim.name), `${victim.name} was protected`);
  assert.is(victim.name, 'x4');
});

test('a single attacker group cannot make the node give up its protected honest links', () => {
  const honest = [l('h1', 1, 'h1'), l('h2', 2, 'h2', 5), l('h3', 3, 'h3')];
  let links: L[] = [...honest, l('a0', 4, 'evil')];
  for (let i = 1; i <= 20; i++) {
    const victim = pickVictim(links, 'evil')!;
    links = [...links.filter((x) => x !== victim), l(`a${i}`, 4 + i, 'evil')];
  }
  assert.ok(links.some((x) => x.name === 'h1'), 'the longest-lived survives');
  assert.ok(links.some((x) => x.name === 'h2'), 'the one that delivered items survives');
});

test('an empty view has no victim', () => {
  assert.is(pickVictim([], 'g'), undefined);
});

test.run();

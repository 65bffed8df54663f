import { MemoryNetwork } from '../src/transport/memory.js';
import { Scheduler, seededRandom } from '../src/testing/index.js';

/** A scheduler and a memory network with seeded one-way delays in [min, max] ms, fixed per pair of hosts. */
export function memoryWorld(seed: number, min = 1, max = 20): { scheduler: Scheduler; network: MemoryNetwork } {
  const scheduler = new Scheduler();
  const draw = seededRandom(seed ^ 0x5eed);
  const delays = new Map<string, number>();
  const network = new MemoryNetwork({
    clock: scheduler,
    latency: (a, b) => {
      const key = a < b ? `${a}|${b}` : `${b}|${a}`;
      let ms = delays.get(key);
      if (ms === undefined) {
        ms = min + (draw(1)[0]! % (max - min + 1));
        delays.set(key, ms);
      }
      return ms;
    },
  });
  return { scheduler, network };
}

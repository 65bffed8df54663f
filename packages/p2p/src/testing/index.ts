export {
  acceptAll,
  inlineSolver,
  isConnectedGraph,
  startNetwork,
  TEST_NODE_DEFAULTS,
  TEST_POW_DIFFICULTY,
} from './network.js';
export type { NetworkOptions, TestNetwork, Topology } from './network.js';
export { seededRandom } from './seeded-random.js';
export { Scheduler } from './scheduler.js';

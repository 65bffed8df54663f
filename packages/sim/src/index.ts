export { runSimulation, type SimOutput, type SimResult, type SimSeries } from './run.js';
export {
  describeScenario,
  parseScenario,
  SIM_DEFAULTS,
  SIM_NODE_DEFAULTS,
  type Progress,
  type Scenario,
  type SimOptions,
} from './options.js';
export { parseLatency, type LatencyModel } from './latency.js';
export { parseArgs, type CliArgs } from './args.js';
export { renderPlots, type Plot } from './plots.js';
export { hostOf } from './hosts.js';

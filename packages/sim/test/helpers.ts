import { runSimulation, SIM_DEFAULTS, type SimOptions, type SimOutput } from '../src/index.js';

/** A small run: defaults of the CLI, overridden by `over`. */
export function small(over: Partial<SimOptions> & Pick<SimOptions, 'nodes' | 'items' | 'seed'>): Promise<SimOutput> {
  return runSimulation({ ...SIM_DEFAULTS, ...over });
}

/** result.json without the two fields that depend on the machine. */
export function machineFree(r: SimOutput['result']): Record<string, unknown> {
  const { wall_s: _w, peak_rss_mb: _r, wall_phases_s: _p, cpu_s: _c, ...rest } = r;
  return rest;
}

import { parseArgs as parseNodeArgs } from 'node:util';
import { parseLatency } from './latency.js';
import { parseScenario, SIM_DEFAULTS, type SimOptions } from './options.js';

export interface CliArgs {
  options: Omit<SimOptions, 'onProgress'>;
  out: string;
  plots: boolean;
  help: boolean;
}

export const USAGE = `usage: pnpm sim --nodes N --items M --seed S --out DIR [options]

Runs N real Gossip-5 p2p nodes over an in-memory network in virtual time, publishes M items and
writes DIR/result.json and DIR/*.svg.

  --scenario S        steady (default) | crash:P | crash-silent:P | churn[:JOIN_PER_S[:LEAVE_PER_S[:crash|stop]]]
                      | bootstrapper-death
  --set KEY=VALUE     a P2PInit field for every node (repeatable): degree=6, pushTtl=5,
                      lazyPush=false, pingIntervalMs=2000, ... (numbers and true/false are parsed)
  --boot-set KEY=VALUE  the same for the bootstrapper (node 0) alone, over --set (repeatable):
                      maxPendingHandshakes=1024 for a bootstrapper that serves fast joins
  --latency L         one-way link delay, fixed per pair: uniform:MIN:MAX (default uniform:10:100) | fixed:MS
  --loss P            chance 0..1 that a chunk is lost once and arrives 200 ms late (default 0)
  --rate R            items published per virtual second (default ${SIM_DEFAULTS.publishPerS})
  --join-rate R       nodes joining per virtual second while the network is built (default ${SIM_DEFAULTS.joinPerS})
  --item-bytes B      data bytes per item (default ${SIM_DEFAULTS.itemBytes})
  --publish-ttl T     ttl of published items, 0 = unlimited (default 0; lazy push applies to ttl 0 only)
  --repair-ms MS      crash scenarios: time from the crash to the first publish (default ${SIM_DEFAULTS.repairMs})
  --drain-ms MS       longest wait for deliveries after the last publish (default ${SIM_DEFAULTS.drainMs})
  --form-limit-ms MS  longest wait for one connected overlay after the last join (default ${SIM_DEFAULTS.formLimitMs})
  --no-plots          result.json only
`;

/** Fields the simulator sets itself. */
const RESERVED = new Set(['host', 'bootstrapper']);

function num(name: string, text: string | undefined, min: number, integer: boolean): number {
  const v = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new Error(`--${name}: expected ${integer ? 'an integer' : 'a number'} >= ${min}, got ${text ?? 'nothing'}`);
  }
  return v;
}

/** `--set` values: numbers and booleans typed, anything else a string. */
export function parseSetValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?(e\d+)?$/i.test(text)) return Number(text);
  return text;
}

/** `--set` / `--boot-set` KEY=VALUE pairs as P2PInit overrides. */
function parseSets(option: string, pairs: string[] | undefined): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const kv of pairs ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--${option} ${kv}: expected KEY=VALUE`);
    const key = kv.slice(0, eq);
    if (RESERVED.has(key)) throw new Error(`--${option} ${key}: set by the simulator`);
    init[key] = parseSetValue(kv.slice(eq + 1));
  }
  return init;
}

/** Parse the command line; throws Error with a one-line message on bad input. */
export function parseArgs(argv: string[]): CliArgs {
  const { values } = parseNodeArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      nodes: { type: 'string' },
      items: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      scenario: { type: 'string' },
      set: { type: 'string', multiple: true },
      'boot-set': { type: 'string', multiple: true },
      latency: { type: 'string' },
      loss: { type: 'string' },
      rate: { type: 'string' },
      'join-rate': { type: 'string' },
      'item-bytes': { type: 'string' },
      'publish-ttl': { type: 'string' },
      'repair-ms': { type: 'string' },
      'drain-ms': { type: 'string' },
      'form-limit-ms': { type: 'string' },
      'no-plots': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { options: undefined as never, out: '', plots: false, help: true };
  for (const req of ['nodes', 'items', 'seed', 'out'] as const) {
    if (values[req] === undefined) throw new Error(`--${req} is required`);
  }
  const nodes = num('nodes', values.nodes, 2, true);
  const init = parseSets('set', values.set);
  const bootInit = parseSets('boot-set', values['boot-set']);
  const d = SIM_DEFAULTS;
  const loss = values.loss === undefined ? d.loss : num('loss', values.loss, 0, false);
  if (loss >= 1) throw new Error('--loss: must be below 1');
  if (values['publish-ttl'] !== undefined && Number(values['publish-ttl']) > 255) throw new Error('--publish-ttl: must be 0..255');
  return {
    options: {
      nodes,
      items: num('items', values.items, 1, true),
      seed: num('seed', values.seed, 0, true),
      scenario: values.scenario === undefined ? d.scenario : parseScenario(values.scenario, nodes),
      publishPerS: values.rate === undefined ? d.publishPerS : num('rate', values.rate, 0.001, false),
      publishTtl: values['publish-ttl'] === undefined ? d.publishTtl : num('publish-ttl', values['publish-ttl'], 0, true),
      itemBytes: values['item-bytes'] === undefined ? d.itemBytes : num('item-bytes', values['item-bytes'], 4, true),
      joinPerS: values['join-rate'] === undefined ? d.joinPerS : num('join-rate', values['join-rate'], 0.001, false),
      latency: values.latency === undefined ? d.latency : parseLatency(values.latency),
      loss,
      init,
      bootInit,
      formLimitMs: values['form-limit-ms'] === undefined ? d.formLimitMs : num('form-limit-ms', values['form-limit-ms'], 0, true),
      repairMs: values['repair-ms'] === undefined ? d.repairMs : num('repair-ms', values['repair-ms'], 0, true),
      drainMs: values['drain-ms'] === undefined ? d.drainMs : num('drain-ms', values['drain-ms'], 0, true),
    },
    out: values.out!,
    plots: !values['no-plots'],
    help: false,
  };
}

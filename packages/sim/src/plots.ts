import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { SimResult, SimSeries } from './run.js';

export interface Plot {
  file: string;
  svg: string;
}

const WIDTH = 520;
const HEIGHT = 260;

/** At most this many points per line: a CDF over 10^7 deliveries needs no more to look right. */
const MAX_POINTS = 400;

/** The three figures of a run, as SVG rendered by Vega (vega-lite specs, Vega's headless SVG renderer). */
export async function renderPlots(result: SimResult, series: SimSeries): Promise<Plot[]> {
  const subtitle = `${result.nodes} nodes, ${result.items} items, ${result.scenario}, seed ${result.seed}`;
  return Promise.all([
    render('delivery-cdf.svg', cdfSpec(series, subtitle)),
    render('sends-per-item.svg', sendsSpec(series, subtitle)),
    render('hops.svg', hopsSpec(series, subtitle)),
  ]);
}

async function render(file: string, spec: TopLevelSpec): Promise<Plot> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return { file, svg };
}

function base(title: string, subtitle: string): Partial<TopLevelSpec> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: WIDTH,
    height: HEIGHT,
    title: { text: title, subtitle },
    background: 'white',
  } as Partial<TopLevelSpec>;
}

/** Fraction of the expected deliveries done by t ms after publish. */
function cdfSpec(s: SimSeries, subtitle: string): TopLevelSpec {
  const h = s.latencyHistogram;
  const step = Math.max(1, Math.ceil(h.length / MAX_POINTS));
  const values: { ms: number; delivered: number }[] = [{ ms: 0, delivered: 0 }];
  let acc = 0;
  for (let ms = 0; ms < h.length; ms++) {
    acc += h[ms] ?? 0;
    if (ms % step === step - 1 || ms === h.length - 1) values.push({ ms, delivered: s.expected === 0 ? 0 : acc / s.expected });
  }
  return {
    ...base('Delivery over time', subtitle),
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'virtual ms after publish' },
      y: {
        field: 'delivered',
        type: 'quantitative',
        title: 'share of expected deliveries done',
        scale: { domain: [0, 1] },
        axis: { format: '%' },
      },
    },
  } as TopLevelSpec;
}

/** PEER NOTIFICATION frames sent per node for each item, in publish order. */
function sendsSpec(s: SimSeries, subtitle: string): TopLevelSpec {
  const v = s.sendsPerNodePerItem;
  const step = Math.max(1, Math.ceil(v.length / MAX_POINTS));
  const values: { item: number; sends: number }[] = [];
  for (let k = 0; k < v.length; k += step) {
    let sum = 0;
    let n = 0;
    for (let j = k; j < Math.min(v.length, k + step); j++, n++) sum += v[j]!;
    values.push({ item: k, sends: sum / n });
  }
  return {
    ...base('Payload sends per node, per item', subtitle),
    data: { values },
    mark: { type: 'line', point: v.length <= 60 },
    encoding: {
      x: { field: 'item', type: 'quantitative', title: step > 1 ? `item (publish order, mean of ${step})` : 'item (publish order)' },
      y: { field: 'sends', type: 'quantitative', title: 'PEER NOTIFICATIONs sent / node', scale: { zero: true } },
    },
  } as TopLevelSpec;
}

/** Share of deliveries by hops taken. */
function hopsSpec(s: SimSeries, subtitle: string): TopLevelSpec {
  const total = s.hopHistogram.reduce((a, b) => a + b, 0);
  const values = s.hopHistogram.map((c, hops) => ({ hops, share: total === 0 ? 0 : c / total })).filter((d) => d.hops > 0);
  return {
    ...base('Hops to delivery', subtitle),
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'hops', type: 'ordinal', title: 'hops from the origin' },
      y: { field: 'share', type: 'quantitative', title: 'share of deliveries', axis: { format: '%' } },
    },
  } as TopLevelSpec;
}

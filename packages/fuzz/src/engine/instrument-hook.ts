/**
 * ESM loader hook (runs on Node's loader thread): adds istanbul counters to the
 * built code of the packages under test, so the engine can see which branches
 * an input reached. Everything else loads untouched.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createInstrumenter } from 'istanbul-lib-instrument';

/** Built files of the packages whose code is fuzzed (workspace links resolve to these real paths). */
const UNDER_TEST = /\/packages\/(protocol|api|p2p)\/dist\/[^/]+\.js$/;

const instrumenter = createInstrumenter({
  esModules: true,
  compact: true,
  produceSourceMap: false,
  coverageVariable: '__gossip5FuzzCoverage__',
});

type LoadResult = { format?: string; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean };
type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  if (!url.startsWith('file:') || !UNDER_TEST.test(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const code = await readFile(path, 'utf8');
  return { format: 'module', source: instrumenter.instrumentSync(code, path), shortCircuit: true };
}

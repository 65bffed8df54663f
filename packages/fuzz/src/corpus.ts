import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/fuzz, from src/ or dist/. */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const CORPUS_DIR = join(PACKAGE_DIR, 'corpus');
export const CRASHERS_DIR = join(PACKAGE_DIR, 'crashers');

/** Files of one folder under corpus/ (or crashers/), by name; none when it does not exist. */
export function readInputs(dir: string): Array<{ name: string; data: Uint8Array }> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.map((name) => ({ name, data: new Uint8Array(readFileSync(join(dir, name))) }));
}

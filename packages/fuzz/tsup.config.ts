import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts', 'src/worker.ts', 'src/engine/register.ts', 'src/engine/instrument-hook.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  // Keep the packages under test external: they must load from their own dist/ to be instrumented.
  external: [/^@gossip5\//, 'istanbul-lib-instrument'],
});

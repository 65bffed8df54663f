// Lint for every package (flat config). Run by `pnpm lint` (turbo) and by `pnpm test`.
import tseslint from 'typescript-eslint';

/** Time, timers and randomness are injected in src (see docs: clock, timers, random). */
const noBareClock = {
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'use the injected clock (clock.now())' },
    { object: 'Math', property: 'random', message: 'use the injected random source' },
    { object: 'globalThis', property: 'setTimeout', message: 'use the injected clock' },
    { object: 'globalThis', property: 'setInterval', message: 'use the injected clock' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'use the injected clock (clock.setTimeout)' },
    { name: 'setInterval', message: 'use the injected clock' },
    { name: 'setImmediate', message: 'use the injected clock' },
  ],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/bench-results/**', '**/coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/{api,p2p,daemon}/src/**/*.ts'],
    ignores: ['packages/api/src/timers.ts', 'packages/p2p/src/defaults.ts'],
    rules: noBareClock,
  },
);

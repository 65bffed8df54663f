#!/usr/bin/env node
/**
 * The daemon's entry point. It sets V8's tiering before any of the daemon's code is loaded, then
 * loads and runs it (run.ts), so the setting holds however the daemon is started (`gossip5`,
 * `pnpm --filter @gossip5/daemon start`, `node dist/main.js`, the test and bench harness).
 *
 * Interrupt budget (V8's default about 132 KiB of bytecode between tiering checks, here
 * V8_INTERRUPT_BUDGET): a function is handed to the optimising compiler only after running this
 * much. A freshly started node then keeps its per-item path in the baseline tiers for the first few
 * thousand items instead of compiling it on V8's helper threads during the first burst: a cold
 * N = 10 burst of 1 000 items cost about 25 % less CPU per item per node (BENCHMARKS.md, "Cheaper
 * per item"), and a long-running node still gets every hot function optimised, a little later.
 * GOSSIP5_V8_DEFAULTS=1 leaves V8's defaults (to compare).
 */
import { setFlagsFromString } from 'node:v8';

/** Bytes of bytecode a function runs between V8's tiering checks (V8's default is 135 168). */
const V8_INTERRUPT_BUDGET = 1_000_000;

if (process.env.GOSSIP5_V8_DEFAULTS !== '1') setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
await import('./run.js');

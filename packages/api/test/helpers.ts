import { FakeClock, FakeModule, RecordingLogger, waitFor, type ValidationPolicy } from '@gossip5/testkit';
import { createApiServer, type ApiServer, type ApiServerInit } from '../src/index.js';
import * as assert from 'uvu/assert';

export const VALIDATION_TIMEOUT_MS = 5_000;

/**
 * Safety net: a broken server must make the suite fail, not hang. This does
 * not measure anything; it only ends a run that stopped making progress.
 */
const WATCHDOG_MS = 80_000;
setTimeout(() => {
  console.error(`api tests: no end after ${WATCHDOG_MS} ms, a test is hanging`);
  process.exit(1);
}, WATCHDOG_MS).unref();

export interface Harness {
  server: ApiServer;
  port: number;
  host: string;
  clock: FakeClock;
  logger: RecordingLogger;
  connect(policy?: ValidationPolicy): Promise<FakeModule>;
  /** Connect and subscribe to `types`, waiting until the server has processed the NOTIFYs. */
  subscriber(types: number | number[], policy?: ValidationPolicy): Promise<FakeModule>;
  stop(): Promise<void>;
}

/** A started server on 127.0.0.1 port 0 with a FakeClock and a RecordingLogger. */
export async function startHarness(init: Partial<ApiServerInit> = {}): Promise<Harness> {
  const clock = new FakeClock();
  const logger = new RecordingLogger();
  const server = createApiServer(
    { host: '127.0.0.1', port: 0, validationTimeoutMs: VALIDATION_TIMEOUT_MS, ...init },
    { clock, logger },
  );
  const { host, port } = await server.start();
  const modules: FakeModule[] = [];
  const connect = async (policy: ValidationPolicy = 'valid'): Promise<FakeModule> => {
    const m = await FakeModule.connect(port, host, { policy });
    modules.push(m);
    return m;
  };
  return {
    server,
    port,
    host,
    clock,
    logger,
    connect,
    async subscriber(types, policy = 'valid') {
      const list = Array.isArray(types) ? types : [types];
      const before = server.stats().subscriptions;
      const m = await connect(policy);
      for (const t of list) m.subscribe(t);
      await waitFor(() => server.stats().subscriptions >= before + list.length, { what: 'subscriptions' });
      return m;
    },
    async stop() {
      for (const m of modules) m.destroy();
      await server.stop();
    },
  };
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** A frame header followed by `body`, with an explicit (possibly wrong) size. */
export function rawFrame(type: number, body: Uint8Array, size = 4 + body.length): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = size >>> 8;
  out[1] = size & 0xff;
  out[2] = type >>> 8;
  out[3] = type & 0xff;
  out.set(body, 4);
  return out;
}

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Nothing of any delivery is left: no reserved id, no open delivery, no armed timer. */
export function assertDrained(h: Harness): void {
  const s = h.server.stats();
  assert.equal(
    { pendingValidations: s.pendingValidations, pendingDeliveries: s.pendingDeliveries, activeTimers: s.activeTimers },
    { pendingValidations: 0, pendingDeliveries: 0, activeTimers: 0 },
  );
}

/**
 * What encryption costs per item and per join, measured on one link in this process (no daemons):
 * a sender writes PEER NOTIFICATION frames (64 B of data) to a receiver over loopback, once over
 * plain TCP and once over the TLS transport of @gossip5/p2p, batched as a Link batches one tick's
 * frames; CPU of both ends (this process) per frame is the cost of one hop. And the TLS handshake
 * (both ends, certificate check included) per key type.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createHostIdentity, IdentityPins, systemClock, tcpTransport, tlsTransport, type Connection, type HostIdentity, type Transport } from '@gossip5/p2p';
import { encodeMessage, makePeerAddress, MessageType } from '@gossip5/protocol';

export interface TlsCostOptions {
  /** Frames per measured run. */
  frames: number;
  /** Frames written per cork/uncork (a Link writes one tick's frames at once). */
  batch: number;
  /** Runs per mode, interleaved; the median is reported. */
  repeat: number;
  /** Handshakes measured per key type. */
  handshakes: number;
  log: (line: string) => void;
}

export interface TlsCostResult {
  frames: number;
  frameBytes: number;
  batch: number;
  /** CPU of both ends per frame, µs (median run). */
  plainUsPerFrame: number;
  tlsUsPerFrame: number;
  /** Frames per second through the link (median run). */
  plainFramesPerSec: number;
  tlsFramesPerSec: number;
  /** All runs, for the ranges. */
  plainRuns: number[];
  tlsRuns: number[];
  /** Per key type: wall ms and CPU ms (both ends) of one TLS handshake, mean. */
  handshakes: Array<{ key: string; wallMs: number; cpuMs: number }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function transportFor(identity: HostIdentity | undefined): Transport {
  if (!identity) return tcpTransport;
  return tlsTransport({
    identity,
    inner: tcpTransport,
    pins: new IdentityPins({ limit: 16 }),
    allowPlaintext: false,
    handshakeTimeoutMs: 10_000,
    clock: systemClock,
    onRefused: (reason, remote, detail) => {
      throw new Error(`refused ${reason} ${remote} ${detail}`);
    },
  });
}

/** A connected pair over `identity`'s transport (plain TCP when undefined). */
async function pair(server: HostIdentity | undefined, client: HostIdentity | undefined) {
  const t = transportFor(server);
  let accepted!: (c: Connection) => void;
  const inbound = new Promise<Connection>((r) => (accepted = r));
  const listener = await t.listen('127.0.0.1', 0, (c) => accepted(c), () => {});
  const out = await transportFor(client).dial(makePeerAddress('127.0.0.1', listener.port), 5_000, systemClock).connection;
  const inb = await inbound;
  return { out, inb, close: async () => { out.destroy(); inb.destroy(); await listener.close(); } };
}

async function oneRun(tls: HostIdentity[] | undefined, o: TlsCostOptions, frame: Uint8Array): Promise<{ usPerFrame: number; perSec: number }> {
  const { out, inb, close } = await pair(tls?.[0], tls?.[1]);
  try {
    const total = o.frames * frame.length;
    let got = 0;
    const done = new Promise<void>((resolve) =>
      inb.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= total) resolve();
      }),
    );
    const t0 = performance.now();
    const c0 = cpuUs();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const pump = () => {
        while (sent < o.frames) {
          out.cork();
          const n = Math.min(o.batch, o.frames - sent);
          for (let i = 0; i < n; i++) out.write(frame);
          out.uncork();
          sent += n;
          if (out.writableLength > 1 << 20) return setImmediate(pump);
        }
        resolve();
      };
      pump();
    });
    await done;
    const cpu = cpuUs() - c0;
    const ms = performance.now() - t0;
    return { usPerFrame: cpu / o.frames, perSec: (o.frames / ms) * 1000 };
  } finally {
    await close();
  }
}

export async function runTlsCost(o: TlsCostOptions): Promise<TlsCostResult> {
  const frame = encodeMessage({ type: MessageType.PeerNotification, ttl: 0, messageId: 1n, dataType: 42, data: new Uint8Array(64) });
  const ids = await Promise.all([0, 1].map(() => createHostIdentity(generateKeyPairSync('ed25519').privateKey)));
  const plain: Array<{ usPerFrame: number; perSec: number }> = [];
  const tls: Array<{ usPerFrame: number; perSec: number }> = [];
  for (let k = 0; k < o.repeat; k++) {
    plain.push(await oneRun(undefined, o, frame));
    tls.push(await oneRun(ids, o, frame));
    o.log(`  tls cost run ${k + 1}: plain ${plain[k]!.usPerFrame.toFixed(2)} µs/frame, tls ${tls[k]!.usPerFrame.toFixed(2)} µs/frame`);
  }
  const handshakes: TlsCostResult['handshakes'] = [];
  for (const [key, make] of [
    ['ed25519', () => generateKeyPairSync('ed25519').privateKey],
    ['rsa-2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    ['rsa-4096', () => generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey],
  ] as const) {
    const pairIds = await Promise.all([0, 1].map(() => createHostIdentity(make())));
    let wall = 0;
    let cpu = 0;
    for (let i = 0; i < o.handshakes; i++) {
      const t0 = performance.now();
      const c0 = cpuUs();
      const p = await pair(pairIds[0], pairIds[1]);
      cpu += cpuUs() - c0;
      wall += performance.now() - t0;
      await p.close();
    }
    handshakes.push({ key, wallMs: wall / o.handshakes, cpuMs: cpu / 1000 / o.handshakes });
    o.log(`  handshake ${key}: ${(wall / o.handshakes).toFixed(2)} ms wall, ${(cpu / 1000 / o.handshakes).toFixed(2)} ms CPU`);
  }
  const pm = median(plain.map((r) => r.usPerFrame));
  const tm = median(tls.map((r) => r.usPerFrame));
  return {
    frames: o.frames,
    frameBytes: frame.length,
    batch: o.batch,
    plainUsPerFrame: pm,
    tlsUsPerFrame: tm,
    plainFramesPerSec: median(plain.map((r) => r.perSec)),
    tlsFramesPerSec: median(tls.map((r) => r.perSec)),
    plainRuns: plain.map((r) => r.usPerFrame),
    tlsRuns: tls.map((r) => r.usPerFrame),
    handshakes,
  };
}

/**
 * The API server accepts connections through `net.createServer` and has no
 * transport seam (the P2P node has one, and its harness uses that instead).
 * While `start` runs, this wraps createServer to keep the connection listener
 * it is given, so a harness can hand the real server in-memory sockets
 * (thousands per second, no kernel round trip) besides its real TCP listener.
 */
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

export type AcceptSocket = (socket: unknown) => void;

export async function captureConnectionListener<T>(start: () => Promise<T>): Promise<{ result: T; accept: AcceptSocket }> {
  const original = net.createServer;
  let accept: AcceptSocket | undefined;
  net.createServer = ((...args: unknown[]) => {
    const listener = args.find((a) => typeof a === 'function') as AcceptSocket | undefined;
    if (listener && !accept) accept = listener;
    return (original as (...a: unknown[]) => net.Server)(...args);
  }) as typeof net.createServer;
  syncBuiltinESMExports();
  try {
    const result = await start();
    if (!accept) throw new Error('start() created no net.Server: cannot capture its connection listener');
    return { result, accept };
  } finally {
    net.createServer = original;
    syncBuiltinESMExports();
  }
}

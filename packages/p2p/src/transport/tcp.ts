import { connect, createServer, type Server, type Socket } from 'node:net';
import type { PeerAddress } from '@gossip5/protocol';
import type { Clock } from '../types.js';
import { CloseReason } from './close-reason.js';
import type { Connection, Dial, DialFailure, Listener, Transport } from './types.js';

/** The real transport: TCP with Nagle off. */
export const tcpTransport: Transport = {
  listen(host, port, onConnection, onError) {
    const server: Server = createServer({ noDelay: true }, (socket: Socket) => onConnection(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', onError);
        const addr = server.address();
        const bound = typeof addr === 'object' && addr ? addr.port : port;
        let closing: Promise<void> | undefined;
        const listener: Listener = {
          port: bound,
          close: () => (closing ??= new Promise<void>((done) => server.close(() => done()))),
        };
        resolve(listener);
      });
    });
  },
  dial: dialTcp,
};

function dialTcp(address: PeerAddress, timeoutMs: number, clock: Clock): Dial {
  let cancel!: () => void;
  const connection = new Promise<Connection>((resolve, reject) => {
    const s = connect({ host: address.host, port: address.port, family: address.family, noDelay: true });
    let settled = false;
    const fail = (failure: DialFailure) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      s.destroy();
      reject(failure);
    };
    const timer = clock.setTimeout(
      () => fail({ reason: CloseReason.DialTimeout, detail: `no connection within ${timeoutMs} ms` }),
      timeoutMs,
    );
    s.once('connect', () => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.on('error', (err: NodeJS.ErrnoException) =>
      fail({ reason: CloseReason.DialFailed, detail: err.code ?? err.message }),
    );
    cancel = () => fail({ reason: CloseReason.DialFailed, detail: 'cancelled' });
  });
  return { connection, cancel };
}

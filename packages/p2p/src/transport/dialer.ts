import { connect, type Socket } from 'node:net';
import type { PeerAddress } from '@gossip5/protocol';
import type { Clock } from '../types.js';
import { CloseReason } from './close-reason.js';

/** A TCP dial in progress. */
export interface Dial {
  /** Resolves with the connected socket; rejects with a DialFailure. */
  readonly socket: Promise<Socket>;
  /** Give up: destroys the socket; `socket` rejects (unless already resolved). */
  cancel(): void;
}

export interface DialFailure {
  reason: typeof CloseReason.DialFailed | typeof CloseReason.DialTimeout;
  detail: string;
}

/** Open a TCP connection to `address`, failing after `timeoutMs` of the injected clock. */
export function dial(address: PeerAddress, timeoutMs: number, clock: Clock): Dial {
  let cancel!: () => void;
  const socket = new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: address.host, port: address.port, family: address.family });
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
  return { socket, cancel };
}

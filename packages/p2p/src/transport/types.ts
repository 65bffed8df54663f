import type { PeerAddress } from '@gossip5/protocol';
import type { Clock } from '../types.js';
import type { CloseReason } from './close-reason.js';

/**
 * One byte stream to a peer, as the engine uses it. `node:net`'s Socket fits it as is;
 * the in-memory transport implements it over simulated time.
 */
export interface Connection {
  /** IP of the remote end (undefined once destroyed, as with sockets). */
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  /** Bytes written but not yet taken by the network. */
  readonly writableLength: number;
  readonly destroyed: boolean;
  /**
   * Identity (SHA-256 of the public key) the peer proved, on authenticated connections only
   * (set by the TLS transport); undefined on plaintext ones.
   */
  readonly peerIdentity?: Uint8Array | undefined;
  write(chunk: Uint8Array): boolean;
  /** Gather writes until `uncork`. */
  cork(): void;
  uncork(): void;
  /** Stop and restart delivering `data` (the sender is then slowed, as TCP does). */
  pause(): this;
  resume(): this;
  /** Close at once; unsent bytes are discarded. */
  destroy(): this;
  /** Close once what was written has gone out. */
  destroySoon(): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  once(event: 'close', listener: () => void): this;
}

/** A listening endpoint. */
export interface Listener {
  /** The bound port (the requested one, or the one chosen for 0). */
  readonly port: number;
  /** Stop accepting; resolves once closed. */
  close(): Promise<void>;
}

/** A dial in progress. */
export interface Dial {
  /** Resolves with the connection; rejects with a DialFailure. */
  readonly connection: Promise<Connection>;
  /** Give up: `connection` rejects (unless already resolved) and any late connection is closed. */
  cancel(): void;
}

export interface DialFailure {
  reason:
    | typeof CloseReason.DialFailed
    | typeof CloseReason.DialTimeout
    | typeof CloseReason.TlsFailed
    | typeof CloseReason.IdentityMismatch
    | typeof CloseReason.BadPeerKey;
  detail: string;
}

/** How a node reaches others: TCP in the daemon, in-memory in tests and the simulator. */
export interface Transport {
  /**
   * Listen on `host:port`; rejects with the listen error (EADDRINUSE, ...) so the caller can name it.
   * Each accepted connection goes to `onConnection`.
   */
  listen(
    host: string,
    port: number,
    onConnection: (connection: Connection) => void,
    onError: (err: Error) => void,
  ): Promise<Listener>;
  /** Connect to `address`, failing after `timeoutMs` of `clock`. */
  dial(address: PeerAddress, timeoutMs: number, clock: Clock): Dial;
}

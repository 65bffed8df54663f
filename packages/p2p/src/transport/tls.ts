import { Duplex } from 'node:stream';
import { connect as tlsConnect, createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { formatPeerAddress } from '@gossip5/protocol';
import { TLS_ALPN } from '../constants.js';
import { identityHex, identityOf, keyProblem, type HostIdentity } from '../identity/host-identity.js';
import { sameIdentity, type IdentityPins } from '../identity/pins.js';
import type { Clock } from '../types.js';
import { CloseReason } from './close-reason.js';
import type { Connection, Dial, DialFailure, Transport } from './types.js';

/** First byte of a TLS handshake record. A plaintext Gossip-5 dialer starts with HELLO (size 13 or 25: byte 0x00). */
export const TLS_HANDSHAKE_BYTE = 0x16;

export interface TlsTransportOptions {
  identity: HostIdentity;
  /** The byte streams TLS runs over: TCP (its connections must be node streams). */
  inner: Transport;
  /** Identity expected per address; a dial with no pin pins what it reached. */
  pins: IdentityPins;
  /** Also serve plaintext connections, and dial plaintext when TLS fails to an address with no pin. */
  allowPlaintext: boolean;
  /** Budget of a TLS handshake (and, inbound, of the first byte). */
  handshakeTimeoutMs: number;
  clock: Clock;
  /** An inbound connection refused before the engine saw it: the owner logs one line and counts it. */
  onRefused(reason: CloseReason, remote: string, detail: string): void;
}

type Failure = { reason: DialFailure['reason'] | typeof CloseReason.HandshakeTimeout | typeof CloseReason.PlaintextRefused; detail: string };

/**
 * Authenticated links: TLS 1.3 with both sides presenting a self-signed certificate from their
 * hostkey. No CA: the peer is whoever holds the key whose SubjectPublicKeyInfo hashes to its
 * identity, checked here against the pins (dials) and handed to the engine as `peerIdentity`.
 * One port serves TLS and, when allowed, plaintext: the first byte tells them apart.
 */
export function tlsTransport(opts: TlsTransportOptions): Transport {
  const context: SecureContext = createSecureContext({
    key: opts.identity.keyPem,
    cert: opts.identity.certPem,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
  });
  const common = {
    secureContext: context,
    rejectUnauthorized: false,
    ALPNProtocols: [TLS_ALPN],
  };

  /** Resolve with the peer's identity once TLS is up and its key acceptable, or reject with why not. */
  function secured(sock: TLSSocket, raw: Connection, event: 'secure' | 'secureConnect', clock: Clock): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      let done = false;
      const fail = (f: Failure) => {
        if (done) return;
        done = true;
        clock.clearTimeout(timer);
        // Destroying the TLS layer alone leaves the TCP socket under it open.
        sock.destroy();
        raw.destroy();
        reject(f);
      };
      const timer = clock.setTimeout(
        () => fail({ reason: CloseReason.TlsFailed, detail: `no TLS handshake within ${opts.handshakeTimeoutMs} ms` }),
        opts.handshakeTimeoutMs,
      );
      sock.on('error', (err: NodeJS.ErrnoException) =>
        fail({ reason: CloseReason.TlsFailed, detail: err.code ?? err.message }),
      );
      sock.once('close', () => fail({ reason: CloseReason.TlsFailed, detail: 'closed during the TLS handshake' }));
      sock.once(event, () => {
        if (done) return;
        const cert = sock.getPeerX509Certificate();
        if (!cert) return fail({ reason: CloseReason.BadPeerKey, detail: 'no certificate' });
        const problem = keyProblem(cert.publicKey);
        if (problem) return fail({ reason: CloseReason.BadPeerKey, detail: problem });
        if (sock.alpnProtocol !== TLS_ALPN) {
          return fail({ reason: CloseReason.TlsFailed, detail: `ALPN ${String(sock.alpnProtocol)}, not ${TLS_ALPN}` });
        }
        done = true;
        clock.clearTimeout(timer);
        resolve(identityOf(cert.publicKey));
      });
    });
  }

  function authenticated(sock: TLSSocket, raw: Connection, id: Uint8Array): Connection {
    Object.defineProperty(sock, 'peerIdentity', { value: id, enumerable: true });
    // The engine closes the TLS socket; the TCP socket under it must go too.
    sock.once('close', () => raw.destroy());
    return sock as Connection;
  }

  return {
    listen(host, port, onConnection, onError) {
      return opts.inner.listen(
        host,
        port,
        (raw) => {
          const remote = remoteOf(raw);
          if (!(raw instanceof Duplex)) {
            raw.destroy();
            opts.onRefused(CloseReason.InternalError, remote, 'the inner transport does not give node streams');
            return;
          }
          const socket = raw as Duplex & Connection;
          const refuse = (f: Failure) => opts.onRefused(f.reason, remote, f.detail);
          socket.on('error', () => {}); // reported through 'close' or the TLS layer
          let settled = false;
          const timer = opts.clock.setTimeout(() => {
            if (settled) return;
            settled = true;
            socket.destroy();
            refuse({ reason: CloseReason.HandshakeTimeout, detail: 'no first byte in time' });
          }, opts.handshakeTimeoutMs);
          socket.once('close', () => {
            if (settled) return;
            settled = true;
            opts.clock.clearTimeout(timer);
          });
          socket.once('data', (chunk: Buffer) => {
            if (settled) return;
            settled = true;
            opts.clock.clearTimeout(timer);
            socket.pause();
            socket.unshift(chunk);
            if (chunk[0] !== TLS_HANDSHAKE_BYTE) {
              if (!opts.allowPlaintext) {
                socket.destroy();
                refuse({ reason: CloseReason.PlaintextRefused, detail: 'plaintext connection to a node with a hostkey' });
                return;
              }
              onConnection(socket);
              socket.resume();
              return;
            }
            // TLSSocket takes over the socket and first replays what it holds (the unshifted chunk).
            const sock = new TLSSocket(socket as unknown as import('node:net').Socket, {
              ...common,
              isServer: true,
              requestCert: true,
            });
            secured(sock, socket, 'secure', opts.clock).then(
              (id) => onConnection(authenticated(sock, socket, id)),
              (f: Failure) => refuse(f),
            );
          });
        },
        onError,
      );
    },

    dial(address, timeoutMs, clock) {
      const key = formatPeerAddress(address);
      let cancelled = false;
      let current: Dial | undefined;
      let tls: TLSSocket | undefined;
      let raw: Connection | undefined;
      const attempt = async (): Promise<Connection> => {
        current = opts.inner.dial(address, timeoutMs, clock);
        raw = await current.connection;
        if (cancelled) {
          raw.destroy();
          throw { reason: CloseReason.DialFailed, detail: 'cancelled' } satisfies DialFailure;
        }
        tls = tlsConnect({ ...common, socket: raw as unknown as import('node:net').Socket, checkServerIdentity: () => undefined });
        let id: Uint8Array;
        try {
          id = await secured(tls, raw, 'secureConnect', clock);
        } catch (f) {
          const failure = f as Failure;
          if (!cancelled && opts.allowPlaintext && failure.reason === CloseReason.TlsFailed && !opts.pins.get(key)) {
            // Mixed mode: a peer that does not speak TLS and was never seen speaking it.
            current = opts.inner.dial(address, timeoutMs, clock);
            return current.connection;
          }
          throw failure;
        }
        const pinned = opts.pins.get(key);
        if (pinned && !sameIdentity(pinned, id)) {
          tls.destroy();
          raw.destroy();
          throw {
            reason: CloseReason.IdentityMismatch,
            detail: `${key} is pinned to ${identityHex(pinned)} (${opts.pins.sourceOf(key)}), reached ${identityHex(id)}`,
          } satisfies DialFailure;
        }
        if (!pinned) opts.pins.verified(key, id);
        if (cancelled) {
          tls.destroy();
          raw.destroy();
          throw { reason: CloseReason.DialFailed, detail: 'cancelled' } satisfies DialFailure;
        }
        return authenticated(tls, raw, id);
      };
      const connection = attempt();
      return {
        connection,
        cancel: () => {
          cancelled = true;
          current?.cancel();
          tls?.destroy();
          raw?.destroy();
        },
      };
    },
  };
}

function remoteOf(c: Connection): string {
  const a = c.remoteAddress;
  return a?.includes(':') ? `[${a}]:${c.remotePort}` : `${a}:${c.remotePort}`;
}

import { createHash } from 'node:crypto';
import {
  formatPeerAddress,
  IDENTITY_SIZE,
  MessageType,
  NONCE_SIZE,
  type AuthPeerResponse,
  type AuthPush,
  type Message,
  type PeerAddress,
} from '@gossip5/protocol';
import type { IdentityPins } from './pins.js';

const UNKNOWN = new Uint8Array(IDENTITY_SIZE);

/**
 * The nonce the proof of work is computed on over an authenticated link: the first 16 bytes of
 * SHA-256(nonce || dialer identity), so work done by one key is worth nothing to another.
 */
export function bindNonce(nonce: Uint8Array, dialer: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(nonce).update(dialer).digest().subarray(0, NONCE_SIZE));
}

/** What a PEER RESPONSE or PUSH is sent on: a link, authenticated when it has a peer identity. */
export interface Recipient {
  readonly identity: Uint8Array | undefined;
}

/**
 * Builds PEER RESPONSE and PUSH for a link: 505/509 on plaintext links, 515/516 (each address
 * with the identity expected there) on authenticated ones.
 */
export class PeerMessages {
  constructor(private readonly identityOf: (key: string) => Uint8Array | undefined) {}

  peerResponse(to: Recipient, peers: PeerAddress[]): Message {
    if (!to.identity) return { type: MessageType.PeerResponse, peers };
    return {
      type: MessageType.AuthPeerResponse,
      peers: peers.map((address) => ({ address, identity: this.identityOf(formatPeerAddress(address)) ?? UNKNOWN })),
    };
  }

  push(to: Recipient, ttl: number, address: PeerAddress): Message {
    if (!to.identity) return { type: MessageType.Push, ttl, address };
    const identity = this.identityOf(formatPeerAddress(address)) ?? UNKNOWN;
    return { type: MessageType.AuthPush, ttl, address, identity };
  }
}

/** Remember the identities of a 515 as hints and return its addresses. */
export function learnPeerResponse(pins: IdentityPins | undefined, msg: AuthPeerResponse): PeerAddress[] {
  return msg.peers.map((p) => {
    pins?.hint(formatPeerAddress(p.address), p.identity);
    return p.address;
  });
}

/** Remember the identity of a 516 as a hint. */
export function learnPush(pins: IdentityPins | undefined, msg: AuthPush): void {
  pins?.hint(formatPeerAddress(msg.address), msg.identity);
}

/** Message type numbers: API 500-503 (VoidPhone specification), P2P 504-511 (Gossip-5), extensions 512-516 (lazy push, authenticated links). */
export const MessageType = {
  GossipAnnounce: 500,
  GossipNotify: 501,
  GossipNotification: 502,
  GossipValidation: 503,
  PeerRequest: 504,
  PeerResponse: 505,
  VerificationRequest: 506,
  VerificationResponse: 507,
  Hello: 508,
  Push: 509,
  Ping: 510,
  PeerNotification: 511,
  IHave: 512,
  Graft: 513,
  Prune: 514,
  /** Extension (authenticated links): PEER RESPONSE with the identity behind each address. */
  AuthPeerResponse: 515,
  /** Extension (authenticated links): PUSH with the identity of the newcomer. */
  AuthPush: 516,
} as const;

/**
 * HELLO flag bits (the flags byte of HELLO, echoed by the listener in the flags byte of
 * VERIFICATION REQUEST). A capability is used on a link only when both ends set its bit.
 */
export const HelloFlag = {
  /** Bit 0: lazy push (IHAVE 512, GRAFT 513, PRUNE 514). */
  LazyPush: 0x01,
  /**
   * Bit 1: content-derived message ids: every PEER NOTIFICATION's id is the first 8 bytes of
   * SHA-256(data_type u16 big-endian || data); a receiver closes a link whose ids do not match.
   */
  ContentIds: 0x02,
  /** Bit 2: the link is authenticated (TLS with the hostkey; AUTH PEER RESPONSE 515, AUTH PUSH 516). */
  Authenticated: 0x04,
  /**
   * Bit 3: settled dial. Set in HELLO by a dialer that already has enough links (it is not joining):
   * a listener that also sets the bit does not PUSH this dialer to its neighbours. A listener sets it
   * in VERIFICATION REQUEST to say it understood; one that predates the bit PUSHes as before.
   */
  Settled: 0x08,
} as const;

export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The address a node listens on for P2P connections. `host` is a canonical IP literal. */
export interface PeerAddress {
  family: 4 | 6;
  /** `127.0.0.1`, or an IPv6 literal in RFC 5952 form without brackets (`::1`). */
  host: string;
  port: number;
}

export interface GossipAnnounce {
  type: typeof MessageType.GossipAnnounce;
  /** Maximum hops, 0 = unlimited. */
  ttl: number;
  dataType: number;
  data: Uint8Array;
}

export interface GossipNotify {
  type: typeof MessageType.GossipNotify;
  dataType: number;
}

export interface GossipNotification {
  type: typeof MessageType.GossipNotification;
  /** u16, unique among the notifications awaiting an answer on one connection. */
  messageId: number;
  dataType: number;
  data: Uint8Array;
}

export interface GossipValidation {
  type: typeof MessageType.GossipValidation;
  messageId: number;
  valid: boolean;
}

export interface PeerRequest {
  type: typeof MessageType.PeerRequest;
  /** How many addresses the sender wants. */
  max: number;
}

export interface PeerResponse {
  type: typeof MessageType.PeerResponse;
  peers: PeerAddress[];
}

export interface VerificationRequest {
  type: typeof MessageType.VerificationRequest;
  /** Leading zero bits the proof of work must have (0-255). */
  difficulty: number;
  /** 16 bytes. */
  nonce: Uint8Array;
  /**
   * The listener's HELLO flag bits (`HelloFlag`), in what was a reserved byte: a peer that predates
   * them sends 0. Encoded as 0 when absent; always present when decoded.
   */
  flags?: number;
}

export interface VerificationResponse {
  type: typeof MessageType.VerificationResponse;
  /** 16 bytes, echoed from the VERIFICATION REQUEST. */
  nonce: Uint8Array;
  /** 8 bytes. */
  solution: Uint8Array;
  /** The responder's (dialer's) listening address, as in its HELLO. */
  address: PeerAddress;
}

export interface Hello {
  type: typeof MessageType.Hello;
  /** Always 1; a decoder rejects any other version. */
  version: 1;
  /** Capability bits of the sender (`HelloFlag`), u8. Encoded as 0 when absent; always present when decoded. */
  flags?: number;
  address: PeerAddress;
}

export interface Push {
  type: typeof MessageType.Push;
  ttl: number;
  address: PeerAddress;
}

/** One address of an AUTH PEER RESPONSE with the identity the dialer must find there. */
export interface AuthenticatedPeer {
  address: PeerAddress;
  /** SHA-256 of the peer's public key (SubjectPublicKeyInfo DER), 32 bytes; all zero = unknown. */
  identity: Uint8Array;
}

/** 515: PEER RESPONSE on an authenticated link. */
export interface AuthPeerResponse {
  type: typeof MessageType.AuthPeerResponse;
  peers: AuthenticatedPeer[];
}

/** 516: PUSH on an authenticated link. */
export interface AuthPush {
  type: typeof MessageType.AuthPush;
  ttl: number;
  address: PeerAddress;
  /** 32 bytes; all zero = unknown. */
  identity: Uint8Array;
}

export interface Ping {
  type: typeof MessageType.Ping;
  /** Flag bit 0: false = request, true = reply. */
  reply: boolean;
  /** u32 chosen by the requester and echoed in the reply. */
  token: number;
}

export interface PeerNotification {
  type: typeof MessageType.PeerNotification;
  /** Remaining hops, 0 = unlimited. */
  ttl: number;
  /** 64-bit message id as an unsigned bigint (0n .. 2n**64n-1n). */
  messageId: bigint;
  dataType: number;
  /** At most 65519 bytes. */
  data: Uint8Array;
}

/** One id of an IHAVE: an item the sender holds and would forward with `ttl`. */
export interface IHaveEntry {
  /** 64-bit message id as an unsigned bigint. */
  messageId: bigint;
  /** The ttl the item would arrive with if pulled (0 = unlimited). */
  ttl: number;
}

/** 512: ids of items the sender accepted, offered instead of the items themselves (lazy push). */
export interface IHave {
  type: typeof MessageType.IHave;
  /** 1..MAX_IHAVE_ENTRIES entries. */
  entries: IHaveEntry[];
}

/** 513: send me these items, and push me new items eagerly from now on. */
export interface Graft {
  type: typeof MessageType.Graft;
  /** 0..MAX_GRAFT_IDS ids (none: only make the link eager). */
  messageIds: bigint[];
}

/** 514: I got an item twice; send me ids (IHAVE) instead of items from now on. */
export interface Prune {
  type: typeof MessageType.Prune;
}

export type ApiMessage = GossipAnnounce | GossipNotify | GossipNotification | GossipValidation;
export type P2PMessage =
  | PeerRequest
  | PeerResponse
  | VerificationRequest
  | VerificationResponse
  | Hello
  | Push
  | Ping
  | PeerNotification
  | AuthPeerResponse
  | AuthPush;
/** The lazy push extension (HELLO flag bit 0), sent only on links where both ends set the bit. */
export type LazyPushMessage = IHave | Graft | Prune;
export type Message = ApiMessage | P2PMessage | LazyPushMessage;

/** The message of a given type number: `MessageOf<511>` is `PeerNotification`. */
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** Message type numbers: API 500-503 (VoidPhone specification), P2P 504-511 (Gossip-5). */
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
  address: PeerAddress;
}

export interface Push {
  type: typeof MessageType.Push;
  ttl: number;
  address: PeerAddress;
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

export type ApiMessage = GossipAnnounce | GossipNotify | GossipNotification | GossipValidation;
export type P2PMessage =
  | PeerRequest
  | PeerResponse
  | VerificationRequest
  | VerificationResponse
  | Hello
  | Push
  | Ping
  | PeerNotification;
export type Message = ApiMessage | P2PMessage;

/** The message of a given type number: `MessageOf<511>` is `PeerNotification`. */
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** Why a link or a handshake ended: the `reason` of log lines and the keys of the stats records. */
export const CloseReason = {
  /** Listener: the first message was not HELLO. */
  MessageBeforeHello: 'message-before-hello',
  /** Listener: a second HELLO during the handshake. */
  SecondHello: 'second-hello',
  /** A message the current handshake step (or an established link) does not allow. */
  UnexpectedMessage: 'unexpected-message',
  /** Listener: VERIFICATION RESPONSE echoed another nonce. */
  WrongNonce: 'wrong-nonce',
  /** Listener: VERIFICATION RESPONSE carried another address than HELLO. */
  AddressMismatch: 'address-mismatch',
  /** Listener: the proof of work has too few leading zero bits. */
  InsufficientWork: 'insufficient-work',
  /** The handshake did not finish in time. */
  HandshakeTimeout: 'handshake-timeout',
  /** The peer claims this node's own address. */
  SelfLink: 'self-link',
  /** A link to that address already exists. */
  DuplicateLink: 'duplicate-link',
  /** Both sides dialled each other: the link dialled by the lower address is kept. */
  SimultaneousDial: 'simultaneous-dial',
  /** The view already holds `degree` links. */
  ViewFull: 'view-full',
  /** Dialer: the listener asks for more work than `maxAcceptedDifficulty`. */
  DifficultyTooHigh: 'difficulty-too-high',
  /** Dialer: the solver failed. */
  PowFailed: 'pow-failed',
  /** Dialer: TCP connect failed. */
  DialFailed: 'dial-failed',
  /** Dialer: TCP connect took longer than `dialTimeoutMs`. */
  DialTimeout: 'dial-timeout',
  /** A keyed node got a plaintext connection and does not allow plaintext peers. */
  PlaintextRefused: 'plaintext-refused',
  /** The TLS handshake failed (or did not finish in time). */
  TlsFailed: 'tls-failed',
  /** The peer's key does not hash to the identity pinned for that address. */
  IdentityMismatch: 'identity-mismatch',
  /** The peer presented no certificate, or a key of a type or size this node does not accept. */
  BadPeerKey: 'bad-peer-key',
  /** HELLO flag bit 2 (authenticated) disagrees with the channel it came on. */
  AuthFlagMismatch: 'auth-flag-mismatch',
  /** A frame that does not decode (bad size, unknown type, bad body). */
  Malformed: 'malformed',
  /** The remote closed the connection, or the socket failed. */
  ConnectionClosed: 'connection-closed',
  /** The neighbour does not read: its send queue would exceed `sendQueueBytes`. */
  SendQueueFull: 'send-queue-full',
  /** A PING went unanswered for `pingTimeoutMs`. */
  PingTimeout: 'ping-timeout',
  /** A bootstrapper with a full view made room for a newcomer. */
  Evicted: 'evicted',
  /** A shuffle dial succeeded on a full view: the longest-established link gave way. */
  Shuffled: 'shuffled',
  /** Listener: HELLO claims an IP other than the one the connection comes from (`verifyPeerAddress`). */
  AddressNotSource: 'address-not-source',
  /** Its network group already has `maxLinksPerGroup` links, or `maxHandshakesPerGroup` handshakes in progress. */
  GroupFull: 'group-full',
  /** A PEER RESPONSE again without our PEER REQUEST (`MAX_UNSOLICITED_RESPONSES` were ignored). */
  UnsolicitedResponse: 'unsolicited-response',
  /** A content-id neighbour (HELLO bit 1) sent an item whose id is not derived from its content. */
  ForgedMessageId: 'forged-message-id',
  /** This node is stopping. */
  Shutdown: 'shutdown',
  /** A bug in this package; logged as an error. */
  InternalError: 'internal-error',
} as const;

export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];

/** Reasons that mean the remote misbehaved: logged as warnings. The others are routine (debug). */
const WARN: ReadonlySet<string> = new Set<CloseReason>([
  CloseReason.MessageBeforeHello,
  CloseReason.SecondHello,
  CloseReason.UnexpectedMessage,
  CloseReason.WrongNonce,
  CloseReason.AddressMismatch,
  CloseReason.InsufficientWork,
  CloseReason.HandshakeTimeout,
  CloseReason.SelfLink,
  CloseReason.DifficultyTooHigh,
  CloseReason.PowFailed,
  CloseReason.PlaintextRefused,
  CloseReason.TlsFailed,
  CloseReason.IdentityMismatch,
  CloseReason.BadPeerKey,
  CloseReason.AuthFlagMismatch,
  CloseReason.Malformed,
  CloseReason.SendQueueFull,
  CloseReason.PingTimeout,
  CloseReason.UnsolicitedResponse,
  CloseReason.ForgedMessageId,
]);

export function closeLogLevel(reason: CloseReason): 'debug' | 'warn' | 'error' {
  if (reason === CloseReason.InternalError) return 'error';
  return WARN.has(reason) ? 'warn' : 'debug';
}

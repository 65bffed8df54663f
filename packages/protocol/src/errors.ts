/**
 * Stable, machine-readable error codes. Compare errors by `code`, not by
 * `instanceof`: an application may hold two copies of this package.
 */
export const ErrorCode = {
  /** A frame's size field is below 4 (the header alone is 4 bytes). */
  SizeTooSmall: 'GOSSIP_ERR_SIZE_TOO_SMALL',
  /** The frame's size field disagrees with the bytes handed to the decoder. */
  FrameSizeMismatch: 'GOSSIP_ERR_FRAME_SIZE_MISMATCH',
  /** The type field names no known message. */
  UnknownType: 'GOSSIP_ERR_UNKNOWN_TYPE',
  /** A body is shorter or longer than its type's layout allows. */
  BadLength: 'GOSSIP_ERR_BAD_LENGTH',
  /** A PeerAddress family byte is neither 4 nor 6. */
  BadAddressFamily: 'GOSSIP_ERR_BAD_ADDRESS_FAMILY',
  /** A host string is not an IPv4 or IPv6 literal, or a port is out of range. */
  BadAddress: 'GOSSIP_ERR_BAD_ADDRESS',
  /** A HELLO carries a protocol version other than 1. */
  BadVersion: 'GOSSIP_ERR_BAD_VERSION',
  /** A value does not fit its field (ttl 300, a u16 of 70000, a nonce of 15 bytes, ...). */
  OutOfRange: 'GOSSIP_ERR_OUT_OF_RANGE',
  /** Data or a whole frame larger than the protocol allows. */
  TooLarge: 'GOSSIP_ERR_TOO_LARGE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ProtocolErrorDetails {
  /** Message type concerned, when known. */
  messageType?: number;
  /** Field concerned, when there is one (for example `data`, `count`, `ttl`). */
  field?: string;
}

/** The one error type every encoder and decoder of this package throws. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ErrorCode;
  readonly messageType: number | undefined;
  readonly field: string | undefined;
  /** The reason without the type/field prefix, handy for log lines. */
  readonly reason: string;

  constructor(code: ErrorCode, reason: string, details: ProtocolErrorDetails = {}) {
    super(formatMessage(reason, details));
    this.code = code;
    this.reason = reason;
    this.messageType = details.messageType;
    this.field = details.field;
  }
}

/** True for any ProtocolError, even one thrown by another copy of this package. */
export function isProtocolError(err: unknown): err is ProtocolError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'ProtocolError' &&
    typeof (err as { code?: unknown }).code === 'string'
  );
}

function formatMessage(reason: string, { messageType, field }: ProtocolErrorDetails): string {
  const where: string[] = [];
  if (messageType !== undefined) where.push(`${typeName(messageType)} (${messageType})`);
  if (field !== undefined) where.push(`field ${field}`);
  return where.length > 0 ? `${where.join(', ')}: ${reason}` : reason;
}

const NAMES: Record<number, string> = {
  500: 'GOSSIP ANNOUNCE',
  501: 'GOSSIP NOTIFY',
  502: 'GOSSIP NOTIFICATION',
  503: 'GOSSIP VALIDATION',
  504: 'PEER REQUEST',
  505: 'PEER RESPONSE',
  506: 'VERIFICATION REQUEST',
  507: 'VERIFICATION RESPONSE',
  508: 'HELLO',
  509: 'PUSH',
  510: 'PING',
  511: 'PEER NOTIFICATION',
  512: 'IHAVE',
  513: 'GRAFT',
  514: 'PRUNE',
  515: 'AUTH PEER RESPONSE',
  516: 'AUTH PUSH',
};

/** Human-readable name of a message type, as the spec spells it ("GOSSIP ANNOUNCE"). */
export function typeName(type: number): string {
  return NAMES[type] ?? `type ${type}`;
}

/** Stable codes of the errors this package throws; compare errors by `code`. */
export const P2PErrorCode = {
  /** A P2PInit option is missing or out of range. */
  BadOption: 'GOSSIP_ERR_P2P_BAD_OPTION',
  /** start() twice, or start()/originate() after stop(). */
  BadState: 'GOSSIP_ERR_P2P_BAD_STATE',
  /** originate() got a ttl, data type or data that a PEER NOTIFICATION cannot carry. */
  BadItem: 'GOSSIP_ERR_P2P_BAD_ITEM',
  /** The proof-of-work solver failed (worker died, or no solution within its attempt budget). */
  PowFailed: 'GOSSIP_ERR_P2P_POW_FAILED',
  /** A hostkey that is not a PEM/DER private key of a supported type (RSA of 2048 bits or more, Ed25519). */
  BadHostKey: 'GOSSIP_ERR_P2P_BAD_HOSTKEY',
} as const;

export type P2PErrorCode = (typeof P2PErrorCode)[keyof typeof P2PErrorCode];

/** The one error type of @gossip5/p2p. */
export class P2PError extends Error {
  override readonly name = 'P2PError';
  readonly code: P2PErrorCode;

  constructor(code: P2PErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for a P2PError, even one from another copy of this package. */
export function isP2PError(err: unknown): err is P2PError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'P2PError' &&
    typeof (err as { code?: unknown }).code === 'string'
  );
}

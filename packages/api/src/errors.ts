/** Stable codes of the errors this package throws; compare errors by `code`. */
export const ApiErrorCode = {
  /** An ApiServerInit option is missing or out of range. */
  BadOption: 'GOSSIP_ERR_API_BAD_OPTION',
  /** start() was called twice, or after stop(). */
  BadState: 'GOSSIP_ERR_API_BAD_STATE',
  /** The server could not listen on the requested address. */
  Listen: 'GOSSIP_ERR_API_LISTEN',
  /** deliver() was given an item that does not fit a NOTIFICATION. */
  BadItem: 'GOSSIP_ERR_API_BAD_ITEM',
  /** A module sent a type only gossip may send (NOTIFICATION, or any P2P type): malformed input. */
  ForbiddenType: 'GOSSIP_ERR_API_FORBIDDEN_TYPE',
} as const;

export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** The one error type of @gossip5/api. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for an ApiError, even one from another copy of this package. */
export function isApiError(err: unknown): err is ApiError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'ApiError' &&
    typeof (err as { code?: unknown }).code === 'string'
  );
}

/** A message id as the 16 hex digits that log lines and drop records show. */
export function hex(id: bigint): string {
  return id.toString(16).padStart(16, '0');
}

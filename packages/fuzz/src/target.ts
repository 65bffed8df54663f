/** One fuzz target: a function from bytes to "nothing wrong", throwing InvariantError when something is. */
export interface FuzzTarget {
  /** `decode-508`, `frame-decoder`, `api-connection`, ... */
  readonly name: string;
  /** Folder under corpus/ holding its seeds. */
  readonly corpus: string;
  /** Longest input the engine makes. */
  readonly maxLen: number;
  /** Byte strings the mutator likes to insert (type numbers, address families, ...). */
  readonly dictionary?: readonly Uint8Array[];
  /** Once, before the first input (start a server, ...). */
  setup?(): Promise<void>;
  /** One input. May return a promise; it must settle before the next input. */
  run(data: Uint8Array): void | Promise<void>;
  /** Once, after the last input: stops whatever setup started (and may check it all shut down). */
  teardown?(): Promise<void>;
}

/** A broken invariant: the finding a target reports. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new InvariantError(what);
}

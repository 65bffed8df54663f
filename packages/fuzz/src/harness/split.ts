/**
 * A stream and the points where it is cut into chunks, both chosen by the
 * fuzzer: byte 0 = number of cuts (0-15), then one u16 per cut (taken modulo
 * the stream length + 1), then the stream itself. Empty chunks are allowed.
 */
export function splitInput(data: Uint8Array): { stream: Uint8Array; chunks: Uint8Array[] } {
  const cuts = data.length > 0 ? data[0]! & 0x0f : 0;
  const headerLen = Math.min(data.length, 1 + 2 * cuts);
  const stream = data.subarray(headerLen);
  const points: number[] = [];
  for (let i = 1; i + 1 < headerLen; i += 2) points.push(((data[i]! << 8) | data[i + 1]!) % (stream.length + 1));
  points.sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(stream.subarray(from, p));
    from = p;
  }
  chunks.push(stream.subarray(from));
  return { stream, chunks };
}

/** The input that feeds `stream` unsplit (what seeds are made of). */
export function unsplit(stream: Uint8Array): Uint8Array {
  const out = new Uint8Array(stream.length + 1);
  out.set(stream, 1);
  return out;
}

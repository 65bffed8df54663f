import { FRAME_POOL_MAX_FRAME, FRAME_POOL_MIN_FRAME, FRAME_POOL_SIZE } from './constants.js';

/** Current slab; starts empty so that nothing is allocated until the first pooled frame. */
let slab = new ArrayBuffer(0);
let used = 0;

/**
 * Zero-filled bytes for one outgoing frame. Frames of 65..2048 bytes are
 * views into a shared 16 KiB slab (`byteOffset` may be non-zero and `buffer`
 * holds other frames), the rest are arrays of their own. A slab is only ever
 * handed out once, byte by byte, so frames never overlap and nothing is
 * overwritten later. A slab detached by a transfer (`byteLength` 0) is
 * simply replaced.
 */
export function allocFrame(size: number): Uint8Array {
  if (size < FRAME_POOL_MIN_FRAME || size > FRAME_POOL_MAX_FRAME) return new Uint8Array(size);
  if (used + size > slab.byteLength) {
    slab = new ArrayBuffer(FRAME_POOL_SIZE);
    used = 0;
  }
  const out = new Uint8Array(slab, used, size);
  used += size;
  return out;
}

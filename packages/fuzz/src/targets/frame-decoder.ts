/**
 * `frame-decoder`: FrameDecoder fed a stream cut at fuzzer-chosen points
 * (splitInput), with a frame limit chosen by the fuzzer too. Checked against a
 * one-pass model of the framing: the same frames in the same order, the same
 * error at the same place, never more buffered than the limit, poisoned after
 * an error; every frame decodes or fails with a ProtocolError, and round-trips.
 */
import { ErrorCode, FrameDecoder, HEADER_SIZE, isProtocolError } from '@gossip5/protocol';
import { isDeepStrictEqual } from 'node:util';
import { check, InvariantError, type FuzzTarget } from '../target.js';
import { decodeChecked, protocolErrorOnly } from '../harness/protocol-checks.js';
import { splitInput } from '../harness/split.js';
import { wireDictionary } from './dictionary.js';

const LIMITS = [HEADER_SIZE, 5, 8, 13, 64, 300, 4096, 65535];

interface Framing {
  frames: Uint8Array[];
  /** Error code, if the stream breaks the framing. */
  error: string | undefined;
  /** Bytes after the last whole frame (an incomplete one), when there is no error. */
  rest: number;
}

/** The framing rules in one pass over the whole stream. */
export function modelFraming(stream: Uint8Array, max: number): Framing {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (stream.length - at >= HEADER_SIZE) {
    const size = (stream[at]! << 8) | stream[at + 1]!;
    if (size < HEADER_SIZE) return { frames, error: ErrorCode.SizeTooSmall, rest: 0 };
    if (size > max) return { frames, error: ErrorCode.TooLarge, rest: 0 };
    if (stream.length - at < size) break;
    frames.push(stream.subarray(at, at + size));
    at += size;
  }
  return { frames, error: undefined, rest: stream.length - at };
}

export const frameDecoderTarget: FuzzTarget = {
  name: 'frame-decoder',
  corpus: 'frame-decoder',
  maxLen: 2048,
  dictionary: wireDictionary(),
  run(data) {
    if (data.length === 0) return;
    const max = LIMITS[data[0]! & 7]!;
    const { stream, chunks } = splitInput(data.subarray(1));
    const decoder = new FrameDecoder({ maxFrameSize: max });
    const frames: Uint8Array[] = [];
    let error: Error | undefined;
    for (const chunk of chunks) {
      const r = protocolErrorOnly(() => decoder.read(chunk), 'FrameDecoder.read');
      if ('error' in r) {
        error = r.error;
        break;
      }
      // Frames may be views of the chunk: copy before the next read could touch them.
      for (const f of r.value.frames) frames.push(f.slice());
      check(decoder.buffered <= max, `FrameDecoder holds ${decoder.buffered} bytes, limit ${max}`);
      if (r.value.error) {
        error = r.value.error;
        break;
      }
    }
    const model = modelFraming(stream, max);
    // read() returns every frame completed before a bad header, however the bytes were split.
    check(frames.length === model.frames.length, `FrameDecoder gave ${frames.length} frames, the model ${model.frames.length}`);
    for (let i = 0; i < frames.length; i++) {
      check(isDeepStrictEqual(frames[i], model.frames[i]), `frame ${i} differs from the model`);
    }
    if (model.error !== undefined) {
      check(error !== undefined, `the model fails with ${model.error}, FrameDecoder did not`);
      check((error as { code?: string }).code === model.error, `FrameDecoder failed with ${(error as { code?: string }).code}, the model with ${model.error}`);
      try {
        decoder.push(new Uint8Array([0, 8, 1, 0xf5, 0, 0, 0, 1]));
        throw new InvariantError('FrameDecoder accepted bytes after an error');
      } catch (again) {
        if (again instanceof InvariantError) throw again;
        check(isProtocolError(again) && again === error, 'a poisoned FrameDecoder threw another error');
      }
    } else {
      check(error === undefined, `FrameDecoder failed (${error?.message}) where the model did not`);
      check(decoder.buffered === model.rest, `FrameDecoder holds ${decoder.buffered} bytes, the model ${model.rest}`);
    }
    for (const f of frames) {
      check(((f[0]! << 8) | f[1]!) === f.length, 'a frame whose size field is not its length');
      decodeChecked(f);
    }
  },
};

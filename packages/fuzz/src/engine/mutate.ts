/**
 * libFuzzer-style byte mutations: erase, insert, overwrite, flip, arithmetic on
 * u8/u16/u32 (both byte orders), copy a piece, splice with another corpus
 * entry, insert a dictionary word. One call applies 1-4 of them.
 */
import type { Rng } from './rng.js';

const INTERESTING_8 = [0, 1, 2, 3, 4, 7, 8, 0x10, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_16 = [0, 1, 4, 5, 6, 8, 0x7f, 0x80, 0xff, 0x100, 0x1f3, 0x1f4, 0x1ff, 0x200, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];

export interface MutateContext {
  rng: Rng;
  maxLen: number;
  /** Other inputs to splice with. */
  corpus: readonly Uint8Array[];
  dictionary: readonly Uint8Array[];
}

type Mutator = (data: Uint8Array, ctx: MutateContext) => Uint8Array;

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const eraseBytes: Mutator = (d, { rng }) => {
  if (d.length <= 1) return d;
  const n = 1 + rng.below(Math.min(d.length - 1, 16));
  const at = rng.below(d.length - n + 1);
  return concat(d.subarray(0, at), d.subarray(at + n));
};

const insertBytes: Mutator = (d, { rng }) => {
  const n = 1 + rng.below(rng.chance(4) ? 64 : 4);
  const byte = rng.below(256);
  const ins = new Uint8Array(n);
  if (rng.chance(2)) ins.fill(byte);
  else for (let i = 0; i < n; i++) ins[i] = rng.below(256);
  const at = rng.below(d.length + 1);
  return concat(d.subarray(0, at), ins, d.subarray(at));
};

const changeByte: Mutator = (d, { rng }) => {
  if (d.length === 0) return d;
  const out = d.slice();
  const at = rng.below(out.length);
  out[at] = rng.chance(2) ? rng.below(256) : INTERESTING_8[rng.below(INTERESTING_8.length)]!;
  return out;
};

const flipBit: Mutator = (d, { rng }) => {
  if (d.length === 0) return d;
  const out = d.slice();
  const at = rng.below(out.length);
  out[at] = out[at]! ^ (1 << rng.below(8));
  return out;
};

const arithmetic: Mutator = (d, { rng }) => {
  const width = [1, 2, 4][rng.below(3)]!;
  if (d.length < width) return d;
  const out = d.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const at = rng.below(out.length - width + 1);
  const little = rng.chance(4);
  const delta = (1 + rng.below(35)) * (rng.chance(2) ? 1 : -1);
  if (width === 1) out[at] = (out[at]! + delta) & 0xff;
  else if (width === 2) {
    const v = rng.chance(3) ? INTERESTING_16[rng.below(INTERESTING_16.length)]! : view.getUint16(at, little) + delta;
    view.setUint16(at, v & 0xffff, little);
  } else {
    const v = rng.chance(3) ? INTERESTING_32[rng.below(INTERESTING_32.length)]! : view.getUint32(at, little) + delta;
    view.setUint32(at, v >>> 0, little);
  }
  return out;
};

const copyPart: Mutator = (d, { rng }) => {
  if (d.length < 2) return d;
  const n = 1 + rng.below(Math.min(d.length, 64));
  const from = rng.below(d.length - n + 1);
  const piece = d.slice(from, from + n);
  const at = rng.below(d.length + 1);
  if (rng.chance(2)) return concat(d.subarray(0, at), piece, d.subarray(at));
  const out = d.slice();
  out.set(piece.subarray(0, Math.max(0, out.length - Math.min(at, out.length))), Math.min(at, out.length));
  return out;
};

const splice: Mutator = (d, { rng, corpus }) => {
  if (corpus.length === 0) return d;
  const other = corpus[rng.below(corpus.length)]!;
  const cutA = rng.below(d.length + 1);
  const cutB = rng.below(other.length + 1);
  return rng.chance(2) ? concat(d.subarray(0, cutA), other.subarray(cutB)) : concat(d, other.subarray(cutB));
};

const dictionaryWord: Mutator = (d, { rng, dictionary }) => {
  if (dictionary.length === 0) return d;
  const word = dictionary[rng.below(dictionary.length)]!;
  const at = rng.below(d.length + 1);
  if (rng.chance(2) || d.length < word.length) return concat(d.subarray(0, at), word, d.subarray(at));
  const out = d.slice();
  out.set(word, Math.min(at, out.length - word.length));
  return out;
};

const MUTATORS: Mutator[] = [
  eraseBytes,
  insertBytes,
  changeByte,
  changeByte,
  flipBit,
  arithmetic,
  arithmetic,
  copyPart,
  splice,
  dictionaryWord,
  dictionaryWord,
];

export function mutate(input: Uint8Array, ctx: MutateContext): Uint8Array {
  let d = input;
  const rounds = 1 + ctx.rng.below(4);
  for (let i = 0; i < rounds; i++) d = MUTATORS[ctx.rng.below(MUTATORS.length)]!(d, ctx);
  return d.length > ctx.maxLen ? d.subarray(0, ctx.maxLen) : d;
}

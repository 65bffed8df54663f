import { isKnownType } from '@gossip5/protocol';

/** Every known type number as a u16, IPv4/IPv6 family bytes, common sizes. */
export function wireDictionary(): Uint8Array[] {
  const words: Uint8Array[] = [];
  for (let t = 500; t < 600; t++) if (isKnownType(t)) words.push(new Uint8Array([t >> 8, t & 0xff]));
  words.push(new Uint8Array([4]), new Uint8Array([6]), new Uint8Array([1, 0]));
  words.push(new Uint8Array([0x7f, 0, 0, 1]), new Uint8Array(16), new Uint8Array([0xff, 0xff]), new Uint8Array([0, 4]));
  return words;
}

/** Message types this build of @gossip5/protocol decodes (500-511 and any extension). */
export function knownTypes(): number[] {
  const types: number[] = [];
  for (let t = 0; t < 0x10000; t++) if (isKnownType(t)) types.push(t);
  return types;
}

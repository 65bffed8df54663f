import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { contentId, cryptoContentId, smallContentId, SMALL_CONTENT_BYTES } from '../src/content-id.js';
import { seededBytes } from './helpers.js';

/** The definition of docs/protocol.md, written out once more. */
function reference(dataType: number, data: Uint8Array): bigint {
  const digest = createHash('sha256').update(Buffer.concat([Buffer.of(dataType >>> 8, dataType & 0xff), data])).digest();
  return digest.readBigUInt64BE(0);
}

test('the JavaScript SHA-256 gives the protocol id at every length around the block edges', () => {
  const random = seededBytes(11);
  const lengths = [...Array.from({ length: 300 }, (_, i) => i), 1000, 4093, 65535];
  for (const n of lengths) {
    for (const type of [0, 1, 42, 0x1234, 0xffff]) {
      const data = random(n);
      const want = reference(type, data);
      assert.is(smallContentId(type, data), want, `JS, ${n} bytes, type ${type}`);
      assert.is(cryptoContentId(type, data), want, `node:crypto, ${n} bytes, type ${type}`);
      assert.is(contentId(type, data), want, `contentId, ${n} bytes, type ${type}`);
    }
  }
});

test('a fixed vector: type 7, data "abc"; 64-byte items take the JavaScript path', () => {
  const data = new TextEncoder().encode('abc');
  assert.is(contentId(7, data), reference(7, data));
  assert.ok(SMALL_CONTENT_BYTES >= 64);
});

test('the state reused between calls leaks nothing from one id into the next', () => {
  const a = new Uint8Array(200).fill(1);
  const b = new Uint8Array(3).fill(2);
  const first = contentId(9, b);
  contentId(9, a);
  assert.is(contentId(9, b), first);
});

test.run();

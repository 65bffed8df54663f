/** SHA-256 and the HELLO handshake's proof of work. */
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ErrorCode,
  leadingZeroBits,
  makePeerAddress,
  powInput,
  solveProofOfWork,
  verifyProofOfWork,
  type PeerAddress,
} from '../src/index.js';
import { sha256 } from '../src/sha256.js';
import { expectProtocolError, hex, seededBytes, toHex } from './helpers.js';

const nodeSha256 = (bytes: Uint8Array) => toHex(createHash('sha256').update(bytes).digest());
const u64 = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
const solutionOf = (n: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
};

const V4 = makePeerAddress('192.0.2.10', 6001);
const V6 = makePeerAddress('2001:db8::10', 6001);
const NONCE = hex('00112233445566778899aabbccddeeff');

// --- sha256 -------------------------------------------------------------------------------

test('sha256 of the FIPS 180-4 examples', () => {
  assert.is(toHex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(
    toHex(sha256(new TextEncoder().encode('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  assert.is(
    toHex(sha256(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
});

test('sha256 matches node:crypto for every length 0..300 and some large ones', () => {
  const random = seededBytes(2024);
  const lengths = [...Array.from({ length: 301 }, (_, i) => i), 511, 512, 1000, 4096, 65535, 100_003];
  for (const n of lengths) {
    const bytes = random(n);
    assert.is(toHex(sha256(bytes)), nodeSha256(bytes), `length ${n}`);
  }
});

test('sha256 of a view hashes only the view', () => {
  const big = seededBytes(5)(200);
  const view = big.subarray(50, 120);
  assert.is(toHex(sha256(view)), nodeSha256(big.slice(50, 120)));
});

// --- leadingZeroBits -----------------------------------------------------------------------------

test('leadingZeroBits counts bits, not bytes', () => {
  assert.is(leadingZeroBits(hex('ff')), 0);
  assert.is(leadingZeroBits(hex('80')), 0);
  assert.is(leadingZeroBits(hex('7f')), 1);
  assert.is(leadingZeroBits(hex('01')), 7);
  assert.is(leadingZeroBits(hex('00 80')), 8);
  assert.is(leadingZeroBits(hex('00 0f ff')), 12);
  assert.is(leadingZeroBits(hex('00 00 80')), 16);
  assert.is(leadingZeroBits(hex('00 00 01')), 23);
  assert.is(leadingZeroBits(new Uint8Array(32)), 256);
  assert.is(leadingZeroBits(new Uint8Array(0)), 0);
});

// --- input layout ------------------------------------------------------------------------------

test('powInput is nonce || PeerAddress as on the wire || solution', () => {
  const sol = hex('0102030405060708');
  assert.is(toHex(powInput(NONCE, V4, sol)), `00112233445566778899aabbccddeeff 04 1771 c000020a 0102030405060708`.replace(/ /g, ''));
  assert.is(
    toHex(powInput(NONCE, V6, sol)),
    `00112233445566778899aabbccddeeff 06 1771 20010db8000000000000000000000010 0102030405060708`.replace(/ /g, ''),
  );
});

// --- solve and verify -------------------------------------------------------------------------------

/** Independent check of a solution with node:crypto. */
function zeroBitsWithNode(nonce: Uint8Array, address: PeerAddress, solution: Uint8Array): number {
  return leadingZeroBits(createHash('sha256').update(powInput(nonce, address, solution)).digest());
}

for (const [label, address] of [
  ['IPv4', V4],
  ['IPv6', V6],
] as const) {
  test(`solve then verify at difficulties 0..14 for ${label}`, () => {
    const nonces = seededBytes(label === 'IPv4' ? 4 : 6);
    for (let difficulty = 0; difficulty <= 14; difficulty++) {
      const nonce = nonces(16);
      const solution = solveProofOfWork(nonce, address, difficulty);
      assert.ok(solution, `difficulty ${difficulty}`);
      assert.is(solution.length, 8);
      assert.ok(verifyProofOfWork(nonce, address, solution, difficulty));
      assert.ok(zeroBitsWithNode(nonce, address, solution) >= difficulty, 'node:crypto agrees');
      // It is the first solution counting up from 0: every smaller counter fails.
      const n = u64(solution);
      for (let k = 0n; k < n && k < 64n; k++) {
        assert.ok(zeroBitsWithNode(nonce, address, solutionOf(k)) < difficulty, `counter ${k} is not a solution`);
      }
    }
  });
}

test('difficulty 0: solution 0, and any 8-byte solution verifies', () => {
  assert.equal(solveProofOfWork(NONCE, V4, 0), new Uint8Array(8));
  assert.ok(verifyProofOfWork(NONCE, V4, hex('ffffffffffffffff'), 0));
});

test('a solution is bound to its nonce, address and port', () => {
  const difficulty = 16;
  for (const address of [V4, V6]) {
    const solution = solveProofOfWork(NONCE, address, difficulty)!;
    assert.ok(verifyProofOfWork(NONCE, address, solution, difficulty));
    const otherNonce = NONCE.slice();
    otherNonce[15]! ^= 1;
    assert.not.ok(verifyProofOfWork(otherNonce, address, solution, difficulty), 'another nonce');
    const otherHost = address.family === 4 ? makePeerAddress('192.0.2.11', 6001) : makePeerAddress('2001:db8::11', 6001);
    assert.not.ok(verifyProofOfWork(NONCE, otherHost, solution, difficulty), 'another address');
    assert.not.ok(verifyProofOfWork(NONCE, { ...address, port: 6002 }, solution, difficulty), 'another port');
    const otherSolution = solution.slice();
    otherSolution[7]! ^= 1;
    assert.not.ok(verifyProofOfWork(NONCE, address, otherSolution, difficulty), 'another solution');
  }
});

test('verify requires the full difficulty', () => {
  const solution = solveProofOfWork(NONCE, V4, 10)!;
  const bits = zeroBitsWithNode(NONCE, V4, solution);
  assert.ok(verifyProofOfWork(NONCE, V4, solution, bits));
  assert.not.ok(verifyProofOfWork(NONCE, V4, solution, bits + 1));
});

test('verify returns false for a solution that is not 8 bytes', () => {
  assert.not.ok(verifyProofOfWork(NONCE, V4, new Uint8Array(7), 0));
  assert.not.ok(verifyProofOfWork(NONCE, V4, new Uint8Array(9), 0));
  assert.not.ok(verifyProofOfWork(NONCE, V4, 'abcdefgh' as unknown as Uint8Array, 0));
});

test('maxAttempts: the n-th candidate is reached with n+1 attempts, not with n', () => {
  const solution = solveProofOfWork(NONCE, V4, 12)!;
  const n = Number(u64(solution));
  assert.ok(n > 0, 'this nonce needs more than one attempt');
  assert.is(solveProofOfWork(NONCE, V4, 12, { maxAttempts: n }), undefined);
  assert.equal(solveProofOfWork(NONCE, V4, 12, { maxAttempts: n + 1 }), solution);
  assert.is(solveProofOfWork(NONCE, V4, 12, { maxAttempts: 0 }), undefined);
});

test('start: counting begins at start, so workers can split the space', () => {
  const first = u64(solveProofOfWork(NONCE, V4, 10)!);
  assert.is(u64(solveProofOfWork(NONCE, V4, 10, { start: first })!), first);
  const second = u64(solveProofOfWork(NONCE, V4, 10, { start: first + 1n })!);
  assert.ok(second > first);
  assert.ok(verifyProofOfWork(NONCE, V4, solutionOf(second), 10));
  for (let k = first + 1n; k < second && k < first + 65n; k++) {
    assert.not.ok(verifyProofOfWork(NONCE, V4, solutionOf(k), 10), `${k} lies between two solutions`);
  }
});

test('start: the counter carries from the low into the high 32 bits', () => {
  const start = 0xffffff00n;
  const s = u64(solveProofOfWork(NONCE, V6, 12, { start })!);
  assert.ok(s >= start);
  assert.ok(verifyProofOfWork(NONCE, V6, solutionOf(s), 12));
  const high = 0x1234567800000000n;
  const h = u64(solveProofOfWork(NONCE, V6, 8, { start: high })!);
  assert.ok(h >= high && h < high + 0x100000n);
  assert.ok(verifyProofOfWork(NONCE, V6, solutionOf(h), 8));
});

test('start: the largest u64 is tried once', () => {
  const max = 2n ** 64n - 1n;
  const result = solveProofOfWork(NONCE, V4, 0, { start: max, maxAttempts: 1 });
  assert.equal(result, hex('ffffffffffffffff'));
});

test('bad inputs are OUT_OF_RANGE', () => {
  expectProtocolError(() => solveProofOfWork(new Uint8Array(15), V4, 1), { code: ErrorCode.OutOfRange });
  expectProtocolError(() => verifyProofOfWork(new Uint8Array(17), V4, new Uint8Array(8), 1), {
    code: ErrorCode.OutOfRange,
  });
  expectProtocolError(() => solveProofOfWork(NONCE, V4, 65), { code: ErrorCode.OutOfRange });
  expectProtocolError(() => solveProofOfWork(NONCE, V4, -1), { code: ErrorCode.OutOfRange });
  expectProtocolError(() => verifyProofOfWork(NONCE, V4, new Uint8Array(8), 256), { code: ErrorCode.OutOfRange });
  expectProtocolError(() => solveProofOfWork(NONCE, V4, 1, { start: -1n }), { code: ErrorCode.OutOfRange });
  expectProtocolError(() => solveProofOfWork(NONCE, V4, 1, { start: 2n ** 64n }), { code: ErrorCode.OutOfRange });
  expectProtocolError(() => solveProofOfWork(NONCE, { family: 4, host: 'nope', port: 1 }, 1), {
    code: ErrorCode.BadAddress,
  });
});

test.run();

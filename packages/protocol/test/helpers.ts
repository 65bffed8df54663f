/**
 * Small helpers shared by the protocol tests. This package must not depend on
 * @gossip5/testkit (testkit depends on it), so what the tests need lives here.
 */
import * as assert from 'uvu/assert';
import { isProtocolError, ProtocolError, type ErrorCode } from '../src/index.js';

/** Bytes from a hex string; spaces, newlines and `|` separators are ignored. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[\s|]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lower-case hex of bytes, no separators. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** ASCII bytes of a string. */
export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Deterministic pseudo-random bytes (xorshift32) for tests that need filler. */
export function seededBytes(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = s & 0xff;
    }
    return out;
  };
}

export interface ExpectedError {
  /** The expected `code`. */
  code: ErrorCode;
  /** When set, `messageType` must equal it and the message must name it ("GOSSIP NOTIFY (501)"). */
  messageType?: number;
  /** Text the message must contain. */
  includes?: string;
}

/**
 * Run `fn`, require it to throw a ProtocolError with the given code, and
 * return the error for further checks.
 */
export function expectProtocolError(fn: () => unknown, expected: ExpectedError): ProtocolError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) assert.unreachable(`expected ${expected.code}, nothing was thrown`);
  if (!isProtocolError(thrown)) throw thrown;
  assert.ok(thrown instanceof ProtocolError, 'an instance of ProtocolError');
  assert.is(thrown.name, 'ProtocolError');
  assert.is(thrown.code, expected.code, `code of: ${thrown.message}`);
  assert.type(thrown.reason, 'string');
  assert.ok(thrown.message.includes(thrown.reason), 'message carries the reason');
  if (expected.messageType !== undefined) {
    assert.is(thrown.messageType, expected.messageType, `messageType of: ${thrown.message}`);
    assert.ok(
      thrown.message.includes(`${TYPE_NAMES[expected.messageType] ?? 'type'}`) &&
        thrown.message.includes(String(expected.messageType)),
      `message names the type: ${thrown.message}`,
    );
  }
  if (expected.includes !== undefined) {
    assert.ok(thrown.message.includes(expected.includes), `"${thrown.message}" includes "${expected.includes}"`);
  }
  return thrown;
}

/** The names of the spec tables, spelled out here independently of src/errors.ts. */
export const TYPE_NAMES: Record<number, string> = {
  500: 'GOSSIP ANNOUNCE',
  501: 'GOSSIP NOTIFY',
  502: 'GOSSIP NOTIFICATION',
  503: 'GOSSIP VALIDATION',
  504: 'PEER REQUEST',
  505: 'PEER RESPONSE',
  506: 'VERIFICATION REQUEST',
  507: 'VERIFICATION RESPONSE',
  508: 'HELLO',
  509: 'PUSH',
  510: 'PING',
  511: 'PEER NOTIFICATION',
  512: 'IHAVE',
  513: 'GRAFT',
  514: 'PRUNE',
  515: 'AUTH PEER RESPONSE',
  516: 'AUTH PUSH',
};

/** Concatenate byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

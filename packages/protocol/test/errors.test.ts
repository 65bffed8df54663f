/** ProtocolError, its stable codes, and isProtocolError across package copies. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeMessage, ErrorCode, isProtocolError, ProtocolError, typeName } from '../src/index.js';
import { hex, TYPE_NAMES } from './helpers.js';

test('every error code is a stable GOSSIP_ERR_ string', () => {
  // Other teams compare by these strings: changing one is a breaking change.
  assert.equal(
    { ...ErrorCode },
    {
      SizeTooSmall: 'GOSSIP_ERR_SIZE_TOO_SMALL',
      FrameSizeMismatch: 'GOSSIP_ERR_FRAME_SIZE_MISMATCH',
      UnknownType: 'GOSSIP_ERR_UNKNOWN_TYPE',
      BadLength: 'GOSSIP_ERR_BAD_LENGTH',
      BadAddressFamily: 'GOSSIP_ERR_BAD_ADDRESS_FAMILY',
      BadAddress: 'GOSSIP_ERR_BAD_ADDRESS',
      BadVersion: 'GOSSIP_ERR_BAD_VERSION',
      OutOfRange: 'GOSSIP_ERR_OUT_OF_RANGE',
      TooLarge: 'GOSSIP_ERR_TOO_LARGE',
    },
  );
});

test('ProtocolError carries name, code, reason, messageType and field', () => {
  const err = new ProtocolError(ErrorCode.BadLength, 'body too short', { messageType: 501, field: 'data' });
  assert.ok(err instanceof Error);
  assert.is(err.name, 'ProtocolError');
  assert.is(err.code, 'GOSSIP_ERR_BAD_LENGTH');
  assert.is(err.reason, 'body too short');
  assert.is(err.messageType, 501);
  assert.is(err.field, 'data');
  assert.is(err.message, 'GOSSIP NOTIFY (501), field data: body too short');
  assert.ok(String(err.stack).startsWith('ProtocolError: GOSSIP NOTIFY (501)'));
});

test('ProtocolError without details has the bare reason as message', () => {
  const err = new ProtocolError(ErrorCode.TooLarge, 'too big');
  assert.is(err.message, 'too big');
  assert.is(err.messageType, undefined);
  assert.is(err.field, undefined);
});

test('isProtocolError accepts errors from another copy of the package, by name and code', () => {
  class ForeignProtocolError extends Error {
    override readonly name = 'ProtocolError';
    readonly code = 'GOSSIP_ERR_BAD_LENGTH';
  }
  assert.ok(isProtocolError(new ForeignProtocolError('x')));
  assert.ok(isProtocolError(new ProtocolError(ErrorCode.BadAddress, 'x')));
  assert.not.ok(isProtocolError(new Error('x')));
  assert.not.ok(isProtocolError(new TypeError('x')));
  assert.not.ok(isProtocolError({ name: 'ProtocolError' }));
  assert.not.ok(isProtocolError({ name: 'ProtocolError', code: 7 }));
  assert.not.ok(isProtocolError(null));
  assert.not.ok(isProtocolError(undefined));
  assert.not.ok(isProtocolError('ProtocolError'));
});

test('typeName spells the known types as the spec does, and numbers otherwise', () => {
  for (const [type, name] of Object.entries(TYPE_NAMES)) assert.is(typeName(Number(type)), name);
  assert.is(typeName(517), 'type 517');
  assert.is(typeName(0), 'type 0');
});

test('a decoding error names the type, the field and the reason in one line', () => {
  try {
    decodeMessage(hex('000d 01fc 02 00 04 1771 7f000001'));
    assert.unreachable('should throw');
  } catch (err) {
    assert.ok(isProtocolError(err));
    assert.is(err.message, 'HELLO (508), field version: version 2 is not supported (only 1)');
    assert.not.match(err.message, /\n/);
  }
});

test.run();

/**
 * @gossip5/protocol is a public contract: an export that appears or disappears must be a decision
 * (with a changeset), never an accident. This pins the runtime exports and the package's shape.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../src/index.js';

const EXPECTED = [
  'ErrorCode',
  'FrameDecoder',
  'HEADER_SIZE',
  'HelloFlag',
  'IDENTITY_SIZE',
  'IHAVE_ENTRY_SIZE',
  'MAX_API_DATA',
  'MAX_FRAME_SIZE',
  'MAX_GRAFT_IDS',
  'MAX_IHAVE_ENTRIES',
  'MAX_ITEM_DATA',
  'MessageType',
  'NONCE_SIZE',
  'PROTOCOL_VERSION',
  'ProtocolError',
  'SOLUTION_SIZE',
  'TURN_BUFFER_BYTES',
  'TurnBuffer',
  'contentId',
  'decodeMessage',
  'encodeMessage',
  'formatPeerAddress',
  'frameSize',
  'frameType',
  'isKnownType',
  'isProtocolError',
  'leadingZeroBits',
  'makePeerAddress',
  'parsePeerAddress',
  'peerAddressEquals',
  'peerAddressSize',
  'powInput',
  'solveProofOfWork',
  'splitHostPort',
  'typeName',
  'verifyProofOfWork',
];

test('the runtime exports are exactly the documented ones', () => {
  assert.equal(Object.keys(api).sort(), EXPECTED);
});

test('every export is documented in the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const missing = EXPECTED.filter((name) => !readme.includes(name));
  assert.equal(missing, [], `not mentioned in README.md: ${missing.join(', ')}`);
});

test('package.json publishes only dist and the README, ESM with types, no runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a package.json of any shape
  assert.is(pkg.name, '@gossip5/protocol');
  assert.not.ok(pkg.private, 'published');
  assert.is(pkg.type, 'module');
  assert.equal(Object.keys(pkg.exports), ['.', './package.json']);
  assert.equal(pkg.exports['.'], { types: './dist/index.d.ts', import: './dist/index.js' });
  assert.equal(pkg.files, ['dist', 'README.md']);
  assert.is(pkg.dependencies, undefined, 'zero runtime dependencies');
});

test.run();

/** PeerAddress helpers: parsing, canonical form (RFC 5952), formatting, equality. */
import { isIPv6 } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ErrorCode,
  formatPeerAddress,
  makePeerAddress,
  parsePeerAddress,
  peerAddressEquals,
  peerAddressSize,
  splitHostPort,
} from '../src/index.js';
import { expectProtocolError } from './helpers.js';

test('parse host:port for IPv4', () => {
  assert.equal(parsePeerAddress('127.0.0.1:6001'), { family: 4, host: '127.0.0.1', port: 6001 });
  assert.equal(parsePeerAddress('0.0.0.0:0'), { family: 4, host: '0.0.0.0', port: 0 });
  assert.equal(parsePeerAddress('255.255.255.255:65535'), { family: 4, host: '255.255.255.255', port: 65535 });
});

test('parse [v6]:port', () => {
  assert.equal(parsePeerAddress('[::1]:6001'), { family: 6, host: '::1', port: 6001 });
  assert.equal(parsePeerAddress('[2001:DB8::1]:80'), { family: 6, host: '2001:db8::1', port: 80 });
  assert.equal(parsePeerAddress('[::]:7000'), { family: 6, host: '::', port: 7000 });
});

test('format gives host:port and [v6]:port, and round-trips through parse', () => {
  const texts = ['127.0.0.1:6001', '[::1]:6001', '[2001:db8::1:0:0:1]:65535', '[::ffff:10.0.0.1]:1', '10.20.30.40:0'];
  for (const t of texts) {
    const a = parsePeerAddress(t);
    assert.is(formatPeerAddress(a), t);
    assert.equal(parsePeerAddress(formatPeerAddress(a)), a);
  }
});

// RFC 5952 section 4: lower case, no leading zeros, the longest run of two or
// more zero groups shortened to ::, the first run on ties, never a single group.
const CANONICAL: Array<[string, string]> = [
  ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['2001:DB8::1', '2001:db8::1'],
  ['2001:db8::0:1', '2001:db8::1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['2001:db8:0:0:0:1:0:0', '2001:db8::1:0:0'],
  ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
  ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'],
  ['0:0:0:0:0:0:0:0', '::'],
  ['::0:0', '::'],
  ['0:0:0:0:0:0:0:1', '::1'],
  ['1:0:0:0:0:0:0:0', '1::'],
  ['1::', '1::'],
  ['FE80::ABCD', 'fe80::abcd'],
  ['fe80:0:0:0:0:0:0:0', 'fe80::'],
  ['0:0:1:0:0:0:0:0', '0:0:1::'],
  ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
  ['0001:0020:0300:4000::', '1:20:300:4000::'],
  // Embedded IPv4 in the last 32 bits; IPv4-mapped addresses keep the mixed
  // notation (RFC 5952 section 5), as Node prints them in socket.remoteAddress.
  ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ['::FFFF:c000:0201', '::ffff:192.0.2.1'],
  ['0:0:0:0:0:ffff:127.0.0.1', '::ffff:127.0.0.1'],
  ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ['::1.2.3.4', '::102:304'],
  ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
];

for (const [input, canonical] of CANONICAL) {
  test(`canonical IPv6: ${input} -> ${canonical}`, () => {
    const a = makePeerAddress(input, 1);
    assert.is(a.family, 6);
    assert.is(a.host, canonical);
    assert.ok(isIPv6(a.host), 'node:net agrees it is IPv6');
    // The canonical form is a fixed point.
    assert.is(makePeerAddress(canonical, 1).host, canonical);
  });
}

test('makePeerAddress keeps IPv4 literals as they are', () => {
  assert.equal(makePeerAddress('192.168.0.1', 6001), { family: 4, host: '192.168.0.1', port: 6001 });
});

const BAD_TEXTS = [
  '127.0.0.1', // no port
  '127.0.0.1:', // empty port
  ':6001', // no host
  '127.0.0.1:65536', // port too large
  '127.0.0.1:99999',
  '127.0.0.1:123456',
  '127.0.0.1:-1',
  '127.0.0.1:+1',
  '127.0.0.1:6o01',
  '127.0.0.1: 6001',
  'a:b:c', // bare IPv6-ish text without brackets
  '::1:6001', // IPv6 needs brackets
  '[::1]6001', // missing colon after ]
  '[::1]', // no port
  '[::1]:', // empty port
  '[::1:6001', // no closing bracket
  '[]:6001', // empty host
  '[1.2.3.4]:80', // brackets are for IPv6
  '1.2.3.256:80', // octet too large
  '01.2.3.4:80', // leading zero
  '1.02.3.4:80',
  '1.2.3.00:80',
  '1.2.3:80', // three octets
  '1.2.3.4.5:80', // five octets
  '1..3.4:80',
  ' 1.2.3.4:80',
  'localhost:6001', // names are not literals: resolve them first
  'example.org:80',
  '[1:2:3:4:5:6:7:8:9]:80', // nine groups
  '[1:2:3:4:5:6:7::8]:80', // :: standing for no group
  '[1::2::3]:80', // two ::
  '[12345::]:80', // group of five digits
  '[::g]:80',
  '[:::1]:80',
  '[1:::2]:80',
  '[::1%eth0]:80', // zone ids are not PeerAddresses
  '[::ffff:1.2.3.256]:80',
  '[::ffff:01.2.3.4]:80',
  '[1.2.3.4::]:80',
  '[1:2:3:4:5:6:7:1.2.3.4]:80', // embedded IPv4 makes nine groups
  '',
  ':',
];

for (const text of BAD_TEXTS) {
  test(`parsePeerAddress rejects ${JSON.stringify(text)} with BAD_ADDRESS`, () => {
    expectProtocolError(() => parsePeerAddress(text), { code: ErrorCode.BadAddress });
  });
}

test('makePeerAddress rejects bad hosts and ports with BAD_ADDRESS', () => {
  const bad: Array<[string, number]> = [
    ['1.2.3.4', 65536],
    ['1.2.3.4', -1],
    ['1.2.3.4', 1.5],
    ['1.2.3.4', Number.NaN],
    ['localhost', 1],
    ['', 1],
    ['[::1]', 1],
    ['1.2.3.4 ', 1],
  ];
  for (const [host, port] of bad) {
    expectProtocolError(() => makePeerAddress(host, port), { code: ErrorCode.BadAddress });
  }
});

test('splitHostPort keeps names for the resolver and unwraps brackets', () => {
  assert.equal(splitHostPort('localhost:6001'), { host: 'localhost', port: 6001 });
  assert.equal(splitHostPort('gossip.example.org:7001'), { host: 'gossip.example.org', port: 7001 });
  assert.equal(splitHostPort('[fe80::1]:6001'), { host: 'fe80::1', port: 6001 });
  assert.equal(splitHostPort('10.0.0.1:0'), { host: '10.0.0.1', port: 0 });
  for (const text of ['localhost', 'localhost:', 'localhost:70000', 'a:b:c', '[::1]6001', ':1']) {
    expectProtocolError(() => splitHostPort(text), { code: ErrorCode.BadAddress });
  }
});

test('equal addresses have equal keys, whatever their spelling', () => {
  const a = parsePeerAddress('[2001:db8:0:0:0:0:0:1]:6001');
  const b = makePeerAddress('2001:DB8::1', 6001);
  assert.ok(peerAddressEquals(a, b));
  assert.is(formatPeerAddress(a), formatPeerAddress(b));
  assert.not.ok(peerAddressEquals(a, makePeerAddress('2001:db8::1', 6002)));
  assert.not.ok(peerAddressEquals(a, makePeerAddress('2001:db8::2', 6001)));
  assert.not.ok(peerAddressEquals(makePeerAddress('::ffff:1.2.3.4', 1), makePeerAddress('1.2.3.4', 1)));
});

test('peerAddressSize is 7 for IPv4 and 19 for IPv6', () => {
  assert.is(peerAddressSize(makePeerAddress('1.2.3.4', 1)), 7);
  assert.is(peerAddressSize(makePeerAddress('::1', 1)), 19);
  expectProtocolError(() => peerAddressSize(null as never), { code: ErrorCode.OutOfRange });
});

test.run();

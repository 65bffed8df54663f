// The P2P examples of README.md (see module-client.ts for why they live here).
import {
  decodeMessage,
  encodeMessage,
  formatPeerAddress,
  HelloFlag,
  makePeerAddress,
  MessageType,
  parsePeerAddress,
  peerAddressEquals,
  solveProofOfWork,
  splitHostPort,
  verifyProofOfWork,
  type Hello,
} from '../../src/index.js';

export function handshakeExample(randomBytes: (n: number) => Uint8Array): boolean {
  // 508 HELLO: the dialer names the address it listens on.
  const me = parsePeerAddress('127.0.0.1:6001');
  const hello = encodeMessage({ type: MessageType.Hello, version: 1, address: me });

  // 506 VERIFICATION REQUEST: the listener challenges it with a fresh nonce.
  const challenge = encodeMessage({ type: MessageType.VerificationRequest, difficulty: 12, nonce: randomBytes(16) });

  // 507 VERIFICATION RESPONSE: the dialer solves the puzzle (in a worker thread in real code).
  const req = decodeMessage(challenge);
  if (req.type !== MessageType.VerificationRequest) throw new Error('expected 506');
  const solution = solveProofOfWork(req.nonce, me, req.difficulty)!;
  const response = encodeMessage({ type: MessageType.VerificationResponse, nonce: req.nonce, solution, address: me });

  // The listener checks nonce, address (as in HELLO) and work: one hash.
  const h = decodeMessage(hello);
  const r = decodeMessage(response);
  if (h.type !== MessageType.Hello || r.type !== MessageType.VerificationResponse) throw new Error('unexpected');
  const accepted =
    peerAddressEquals(h.address, r.address) && verifyProofOfWork(req.nonce, r.address, r.solution, req.difficulty); // true
  return accepted;
}

export function peerNotificationExample(): Uint8Array {
  // 511 PEER NOTIFICATION: 64-bit message ids are bigints.
  const item = encodeMessage({
    type: MessageType.PeerNotification,
    ttl: 5,
    messageId: 0x8000_0000_0000_0001n,
    dataType: 540,
    data: new TextEncoder().encode('hi'),
  });
  return item;
}

export function authenticatedExample(identity: Uint8Array) {
  // On an authenticated (TLS) link: HELLO flag bit 2, and addresses travel with their identities.
  const me = parsePeerAddress('127.0.0.1:6001');
  const hello = encodeMessage({ type: MessageType.Hello, version: 1, address: me, flags: HelloFlag.Authenticated });
  const push = encodeMessage({ type: MessageType.AuthPush, ttl: 3, address: me, identity }); // identity: 32 bytes
  const got = decodeMessage(push);
  const authenticated = ((decodeMessage(hello) as Hello).flags ?? 0) & HelloFlag.Authenticated; // 4
  return { got, authenticated };
}

export function peerAddressExamples() {
  const a = parsePeerAddress('[2001:DB8:0:0::1]:6001'); // { family: 6, host: '2001:db8::1', port: 6001 }
  const b = makePeerAddress('2001:db8::1', 6001); // same address from host and port
  const same = peerAddressEquals(a, b); // true
  const key = formatPeerAddress(a); // '[2001:db8::1]:6001': equal addresses give equal keys
  const { host, port } = splitHostPort('gossip.example.org:6001'); // names are left to your resolver
  return { a, b, same, key, host, port };
}

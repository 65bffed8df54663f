export { createP2PNode } from './node.js';
export { systemClock } from './defaults.js';
export type {
  Clock,
  GossipItem,
  LazyPushStats,
  Logger,
  NeighbourInfo,
  P2PComponents,
  P2PEvents,
  P2PInit,
  P2PNode,
  P2PStats,
  PowSolver,
  RandomBytes,
  ReceivedItem,
  Validator,
  Verdict,
  VerdictSink,
} from './types.js';
export { P2PError, P2PErrorCode, isP2PError } from './errors.js';
export { CloseReason } from './transport/close-reason.js';
export * from './constants.js';
export { tcpTransport } from './transport/tcp.js';
export { tlsTransport, TLS_HANDSHAKE_BYTE, type TlsTransportOptions } from './transport/tls.js';
export {
  createHostIdentity,
  identityOf,
  identityHex,
  MIN_RSA_BITS,
  type HostIdentity,
  type HostKeyType,
} from './identity/host-identity.js';
export { IdentityPins, type IdentityPinsOptions, type PinSource } from './identity/pins.js';
export { MemoryNetwork, MEMORY_RECEIVE_BUFFER_BYTES, type MemoryNetworkOptions } from './transport/memory.js';
export type { Connection, Dial, DialFailure, Listener, Transport } from './transport/types.js';
export { DEFAULT_EXEMPT_NETWORKS, parseNetwork } from './net-group.js';

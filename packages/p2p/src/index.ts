export { createP2PNode } from './node.js';
export { systemClock } from './defaults.js';
export type {
  Clock,
  GossipItem,
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
} from './types.js';
export { P2PError, P2PErrorCode, isP2PError } from './errors.js';
export { CloseReason } from './transport/close-reason.js';
export * from './constants.js';

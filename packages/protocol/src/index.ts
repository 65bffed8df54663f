export { HelloFlag, MessageType } from './types.js';
export type {
  ApiMessage,
  AuthenticatedPeer,
  AuthPeerResponse,
  AuthPush,
  GossipAnnounce,
  GossipNotification,
  GossipNotify,
  GossipValidation,
  Graft,
  Hello,
  IHave,
  IHaveEntry,
  LazyPushMessage,
  Message,
  MessageOf,
  P2PMessage,
  PeerAddress,
  PeerNotification,
  PeerRequest,
  PeerResponse,
  Ping,
  Prune,
  Push,
  VerificationRequest,
  VerificationResponse,
} from './types.js';
export {
  HEADER_SIZE,
  IDENTITY_SIZE,
  IHAVE_ENTRY_SIZE,
  MAX_API_DATA,
  MAX_GRAFT_IDS,
  MAX_IHAVE_ENTRIES,
  MAX_FRAME_SIZE,
  MAX_ITEM_DATA,
  NONCE_SIZE,
  PROTOCOL_VERSION,
  SOLUTION_SIZE,
  TURN_BUFFER_BYTES,
} from './constants.js';
export { ErrorCode, ProtocolError, isProtocolError, typeName } from './errors.js';
export type { ProtocolErrorDetails } from './errors.js';
export { decodeMessage, encodeMessage, frameSize, frameType, isKnownType } from './message.js';
export { FrameDecoder } from './frame-decoder.js';
export type { FrameDecoderOptions } from './frame-decoder.js';
export { TurnBuffer } from './turn-buffer.js';
export type { TurnSink } from './turn-buffer.js';
export {
  formatPeerAddress,
  makePeerAddress,
  parsePeerAddress,
  peerAddressEquals,
  peerAddressSize,
  splitHostPort,
} from './peer-address.js';
export { leadingZeroBits, powInput, solveProofOfWork, verifyProofOfWork } from './pow.js';
export { contentId } from './content-id.js';
export type { SolveOptions } from './pow.js';

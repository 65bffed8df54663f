export { FakeClock } from './fake-clock.js';
export type { Clock } from './fake-clock.js';
export { freePort, nextEvent, waitFor } from './net.js';
export type { WaitForOptions } from './net.js';
export { RecordingLogger, silentLogger } from './recording-logger.js';
export type { LogRecord, Logger } from './recording-logger.js';
export { seededRandomBytes } from './random.js';
// Owned by the api work: fake API modules.
export * from './fake-module.js';
// Owned by the p2p work: fake peers.
export * from './fake-peer.js';

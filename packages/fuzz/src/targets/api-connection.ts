/**
 * `api-connection`: a byte stream from a module into a real ApiServer. One
 * server serves every input; each input is a new module connection (an
 * in-memory socket handed to the server's own connection listener) fed the
 * stream in fuzzer-chosen chunks; when bit 4 of the first byte is set, the
 * fake clock then moves past the idle and validation timeouts before the
 * module hangs up (a half-sent frame, an unanswered NOTIFICATION). Meanwhile a well-behaved module, subscribed
 * since setup, gets one delivery per input and answers it: its verdict must be
 * right, its connection untouched, and once the fuzzed module hangs up the
 * server must be back to its resting state (one connection, one subscription,
 * no pending validation or delivery, no timer), with at most one warning,
 * naming the remote, and no error logged.
 */
import { createApiServer, type ApiServer } from '@gossip5/api';
import { encodeMessage, MessageType } from '@gossip5/protocol';
import { FakeClock } from '@gossip5/testkit';
import { check, type FuzzTarget } from '../target.js';
import { captureConnectionListener, type AcceptSocket } from '../harness/capture-listener.js';
import { CountingLogger } from '../harness/counting-logger.js';
import { parseWritten, tick } from '../harness/frames.js';
import { MemorySocket } from '../harness/memory-socket.js';
import { splitInput } from '../harness/split.js';
import { wireDictionary } from './dictionary.js';

const PROBE_TYPE = 7;
const IDLE_TIMEOUT_MS = 5_000;
const VALIDATION_TIMEOUT_MS = 1_000;
const PROBE = new Uint8Array([0x70, 0x72, 0x6f, 0x62, 0x65]);

export function apiConnectionTarget(): FuzzTarget {
  let clock: FakeClock;
  let log: CountingLogger;
  let server: ApiServer;
  let accept: AcceptSocket;
  let good: MemorySocket;
  let inputs = 0;

  return {
    name: 'api-connection',
    corpus: 'api-connection',
    maxLen: 4096,
    dictionary: wireDictionary(),
    async setup() {
      clock = new FakeClock();
      log = new CountingLogger();
      server = createApiServer(
        {
          host: '127.0.0.1',
          port: 0,
          validationTimeoutMs: VALIDATION_TIMEOUT_MS,
          idleTimeoutMs: IDLE_TIMEOUT_MS,
          maxSubscriptionsPerConnection: 8,
          maxPendingValidationsPerConnection: 8,
        },
        { clock, logger: log },
      );
      ({ accept } = await captureConnectionListener(() => server.start()));
      good = new MemorySocket(1);
      accept(good);
      good.feed(encodeMessage({ type: MessageType.GossipNotify, dataType: PROBE_TYPE }));
      check(server.stats().subscriptions === 1, 'the well-behaved module did not subscribe');
    },
    async run(data) {
      const warnsBefore = log.state.warns;
      const remotePort = 20_000 + (inputs++ % 40_000);
      const sock = new MemorySocket(remotePort);
      accept(sock);
      const { chunks } = splitInput(data);
      sock.feed(chunks[0]!);
      // A delivery while the fuzzed module is connected: it may have subscribed to the probe type.
      const verdict = server.deliver({ dataType: PROBE_TYPE, data: PROBE });
      const notes = parseWritten(await good.written(), 'the server (to the good module)');
      check(notes.length === 1 && notes[0]!.type === MessageType.GossipNotification, 'the good module was not notified once');
      const note = notes[0] as { messageId: number; dataType: number; data: Uint8Array };
      check(note.dataType === PROBE_TYPE && Buffer.from(note.data).equals(PROBE), 'the good module got a wrong NOTIFICATION');
      for (let i = 1; i < chunks.length && !sock.destroyed; i++) sock.feed(chunks[i]!);
      const toFuzzed = parseWritten(await sock.written(), 'the server (to the fuzzed module)');
      for (const m of toFuzzed) {
        check(m.type === MessageType.GossipNotification && m.dataType === PROBE_TYPE, `the server sent a module type ${m.type}`);
      }
      good.feed(encodeMessage({ type: MessageType.GossipValidation, messageId: note.messageId, valid: true }));
      if (data.length > 0 && (data[0]! & 0x10) !== 0) {
        clock.advance(IDLE_TIMEOUT_MS + VALIDATION_TIMEOUT_MS);
        check(!good.destroyed, 'the well-behaved module was disconnected by a timeout');
      }
      sock.hangUp();
      const v = await verdict;
      check(toFuzzed.length > 0 ? v !== 'unsubscribed' : v === 'valid', `verdict ${v} (fuzzed module notified: ${toFuzzed.length > 0})`);
      await tick();
      const s = server.stats();
      check(!good.destroyed, 'the well-behaved module was disconnected');
      check(s.connectionsOpen === 1 && server.connectionCount() === 1, `${s.connectionsOpen} connections open after the fuzzed one left`);
      check(s.subscriptions === 1, `${s.subscriptions} subscriptions left`);
      check(s.pendingValidations === 0 && s.pendingDeliveries === 0, 'validations or deliveries left pending');
      check(s.activeTimers === 0 && clock.pending === 0, `timers left behind: ${s.activeTimers} (clock: ${clock.pending})`);
      check(log.state.errors === 0, `error logged: ${log.state.lastError}`);
      const warns = log.state.warns - warnsBefore;
      check(warns <= 1, `${warns} warnings for one connection`);
      if (warns === 1) check(log.state.lastWarn?.['remote'] === `127.0.0.1:${remotePort}`, 'a warning that does not name the remote');
    },
    async teardown() {
      await server.stop();
      check(server.stats().activeTimers === 0, 'timers left after stop()');
    },
  };
}

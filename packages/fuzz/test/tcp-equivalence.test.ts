/**
 * The api-connection target hands the server in-memory sockets. This checks
 * that they stand for real ones: each seed, sent whole over a real loopback TCP
 * connection to a real ApiServer, and through a MemorySocket to another, moves
 * the same counters (frames, subscribes, announces, validations, malformed
 * codes) and ends the connection for the same reason.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApiServer, type ApiServer, type ApiStats, type DisconnectEvent } from '@gossip5/api';
import { FakeClock } from '@gossip5/testkit';
import { CORPUS_DIR, readInputs } from '../src/corpus.js';
import { captureConnectionListener } from '../src/harness/capture-listener.js';
import { MemorySocket } from '../src/harness/memory-socket.js';
import { splitInput } from '../src/harness/split.js';

const INIT = { host: '127.0.0.1', port: 0, validationTimeoutMs: 1_000 };

function moved(before: ApiStats, after: ApiStats) {
  return {
    framesIn: after.framesIn - before.framesIn,
    subscribes: after.subscribes - before.subscribes,
    announces: after.announces - before.announces,
    validationsIn: after.validationsIn - before.validationsIn,
    malformed: Object.fromEntries(
      Object.entries(after.malformed)
        .map(([k, v]) => [k, v - (before.malformed[k] ?? 0)])
        .filter(([, v]) => v !== 0),
    ),
  };
}

test('every api-connection seed does the same over TCP and over a MemorySocket', async () => {
  const tcpServer: ApiServer = createApiServer(INIT, { clock: new FakeClock() });
  const memServer: ApiServer = createApiServer(INIT, { clock: new FakeClock() });
  const { port } = await tcpServer.start();
  const { accept } = await captureConnectionListener(() => memServer.start());
  try {
    const seeds = readInputs(join(CORPUS_DIR, 'api-connection'));
    assert.ok(seeds.length > 0);
    for (const { name, data } of seeds) {
      const { stream } = splitInput(data);

      const t0 = tcpServer.stats();
      const tcpGone = once(tcpServer, 'disconnect') as Promise<[DisconnectEvent]>;
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.end(stream);
      const [tcpEnd] = await tcpGone;

      const m0 = memServer.stats();
      const memGone = once(memServer, 'disconnect') as Promise<[DisconnectEvent]>;
      const sock = new MemorySocket(9);
      accept(sock);
      sock.feed(stream);
      // A real socket's end: the server sees the connection close once the bytes are in.
      sock.hangUp();
      const [memEnd] = await memGone;

      assert.equal(moved(m0, memServer.stats()), moved(t0, tcpServer.stats()), name);
      assert.is(memEnd.reason, tcpEnd.reason, name);
    }
  } finally {
    await Promise.all([tcpServer.stop(), memServer.stop()]);
  }
});

test.run();

import { createServer, type Server } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePeerAddress } from '@gossip5/protocol';
import { FakeClock } from '@gossip5/testkit';
import { tcpTransport } from '../../src/transport/tcp.js';
import type { DialFailure } from '../../src/transport/types.js';

const dial = tcpTransport.dial;

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.destroy());
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : 0 });
    });
  });
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (f: DialFailure) => f);

test('connects and clears its timer', async () => {
  const { server, port } = await listen();
  const clock = new FakeClock();
  try {
    const socket = await dial(makePeerAddress('127.0.0.1', port), 1_000, clock).connection;
    assert.is(clock.pending, 0);
    socket.destroy();
  } finally {
    server.close();
  }
});

test('a connect that does not finish within the timeout fails with dial-timeout', async () => {
  const { server, port } = await listen();
  const clock = new FakeClock();
  try {
    const d = dial(makePeerAddress('127.0.0.1', port), 1_000, clock);
    const outcome = failure(d.connection);
    clock.advance(999);
    clock.advance(1); // synchronously, before the connect event can be delivered
    assert.equal(await outcome, { reason: 'dial-timeout', detail: 'no connection within 1000 ms' });
  } finally {
    server.close();
  }
});

test('a refused connect fails with dial-failed naming the error; cancel fails it too', async () => {
  const { server, port } = await listen();
  await new Promise((r) => server.close(r));
  const clock = new FakeClock();
  const refused = await failure(dial(makePeerAddress('127.0.0.1', port), 1_000, clock).connection);
  assert.equal(refused, { reason: 'dial-failed', detail: 'ECONNREFUSED' });
  assert.is(clock.pending, 0);
  const d = dial(makePeerAddress('127.0.0.1', port), 1_000, clock);
  d.cancel();
  assert.equal(await failure(d.connection), { reason: 'dial-failed', detail: 'cancelled' });
});

test.run();

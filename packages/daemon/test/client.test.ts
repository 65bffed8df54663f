import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameDecoder, MAX_ITEM_DATA, MessageType, decodeMessage, encodeMessage, type Message } from '@gossip5/protocol';
import { freePort, waitFor } from '@gossip5/testkit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLIENT_USAGE, DEFAULT_API, runClient } from '../src/client.js';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A stand-in for the daemon's API port: records every frame, can send frames back. */
class ApiStub {
  readonly frames: Uint8Array[] = [];
  readonly messages: Message[] = [];
  readonly sockets: Socket[] = [];
  connections = 0;
  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.connections++;
      this.sockets.push(socket);
      const decoder = new FrameDecoder();
      socket.on('data', (chunk) => {
        for (const frame of decoder.push(chunk)) {
          this.frames.push(Uint8Array.from(frame));
          this.messages.push(decodeMessage(Uint8Array.from(frame)));
        }
      });
      socket.on('error', () => {});
    });
  }

  static start(): Promise<ApiStub> {
    const server = createServer();
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(new ApiStub(server))));
  }

  get api(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The connection of the client under test, once it arrived. */
  async socket(): Promise<Socket> {
    return (await waitFor(() => this.sockets[0], { what: 'a client connection' }))!;
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

class Output {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  get lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
}

function io(extra: Record<string, unknown> = {}) {
  return { stdout: new Output(), stderr: new Output(), ...extra };
}

const notification = (messageId: number, dataType: number, data: Uint8Array | string) =>
  encodeMessage({
    type: MessageType.GossipNotification,
    messageId,
    dataType,
    data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
  });

// ---------------------------------------------------------------- announce

test('announce sends one GOSSIP ANNOUNCE with the text as data', async () => {
  const stub = await ApiStub.start();
  try {
    const out = io();
    const status = await runClient(['--api', stub.api, 'announce', '--type', '42', '--ttl', '7', 'hello'], out);
    assert.is(status, 0, out.stderr.text);
    await waitFor(() => stub.frames.length === 1, { what: 'the ANNOUNCE frame' });
    // size 13, type 500, ttl 7, reserved 0, data_type 42, "hello"
    assert.is(hex(stub.frames[0]!), '000d01f40700002a68656c6c6f');
    assert.is(out.stdout.text, `announced type=42 ttl=7 bytes=5 to ${stub.api}\n`);
  } finally {
    await stub.stop();
  }
});

test('announce @file sends the file bytes; the ttl defaults to 0; @@ escapes a leading @', async () => {
  const stub = await ApiStub.start();
  const dir = await mkdtemp(join(tmpdir(), 'gossip5-client-'));
  try {
    const bytes = Uint8Array.from([0, 1, 2, 0xff, 0xfe, 10]);
    await writeFile(join(dir, 'item.bin'), bytes);
    // Relative to INIT_CWD when pnpm set it ...
    assert.is(await runClient(['--api', stub.api, 'announce', '-t', '7', '@item.bin'], io({ env: { INIT_CWD: dir }, cwd: '/' })), 0);
    // ... else to the working directory.
    assert.is(await runClient(['announce', '--api', stub.api, '--type=65535', '@item.bin'], io({ env: {}, cwd: dir })), 0);
    assert.is(await runClient(['--api', stub.api, 'announce', '--type', '1', '@@home'], io()), 0);
    assert.is(await runClient(['--api', stub.api, 'announce', '--type', '1', ''], io()), 0);
    await waitFor(() => stub.messages.length === 4, { what: 'four ANNOUNCE frames' });
    assert.equal(stub.messages[0], { type: MessageType.GossipAnnounce, ttl: 0, dataType: 7, data: bytes });
    assert.is(hex(stub.frames[1]!), `000e01f40000ffff${hex(bytes)}`);
    assert.equal(stub.messages[2], { type: MessageType.GossipAnnounce, ttl: 0, dataType: 1, data: new TextEncoder().encode('@home') });
    assert.equal(stub.messages[3], { type: MessageType.GossipAnnounce, ttl: 0, dataType: 1, data: new Uint8Array(0) });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await stub.stop();
  }
});

test('announce refuses oversized data and unreadable files without connecting', async () => {
  const stub = await ApiStub.start();
  const dir = await mkdtemp(join(tmpdir(), 'gossip5-client-'));
  try {
    await writeFile(join(dir, 'big.bin'), new Uint8Array(MAX_ITEM_DATA + 1));
    const big = io({ cwd: dir, env: {} });
    assert.is(await runClient(['--api', stub.api, 'announce', '--type', '1', '@big.bin'], big), 2);
    assert.is(big.stderr.text, `gossip5-client: ${join(dir, 'big.bin')} has ${MAX_ITEM_DATA + 1} bytes; an item may have at most ${MAX_ITEM_DATA}\n`);
    const missing = io({ cwd: dir, env: {} });
    assert.is(await runClient(['--api', stub.api, 'announce', '--type', '1', '@nope.bin'], missing), 2);
    assert.is(missing.stderr.text, `gossip5-client: cannot read ${join(dir, 'nope.bin')}: ENOENT\n`);
    const text = io();
    assert.is(await runClient(['--api', stub.api, 'announce', '--type', '1', 'x'.repeat(MAX_ITEM_DATA + 1)], text), 2);
    assert.match(text.stderr.text, /^gossip5-client: data has 65520 bytes; an item may have at most 65519\n$/);
    assert.is(stub.connections, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await stub.stop();
  }
});

test('announce --json prints one JSON line', async () => {
  const stub = await ApiStub.start();
  try {
    const out = io();
    assert.is(await runClient(['--json', '--api', stub.api, 'announce', '--type', '3', 'hi'], out), 0);
    assert.equal(JSON.parse(out.stdout.text), { announced: true, type: 3, ttl: 0, bytes: 2, api: stub.api });
  } finally {
    await stub.stop();
  }
});

// ---------------------------------------------------------------- subscribe

test('subscribe sends NOTIFY, prints a NOTIFICATION and answers it valid', async () => {
  const stub = await ApiStub.start();
  try {
    const out = io();
    const run = runClient(['--api', stub.api, 'subscribe', '--type', '7', '--count', '1'], out);
    await waitFor(() => stub.frames.length === 1, { what: 'NOTIFY' });
    assert.is(hex(stub.frames[0]!), '000801f500000007');
    (await stub.socket()).write(notification(3, 7, 'hello'));
    assert.is(await run, 0, out.stderr.text);
    assert.is(out.stdout.text, 'type=7 id=3 bytes=5 text="hello" verdict=valid\n');
    await waitFor(() => stub.frames.length === 2, { what: 'VALIDATION' });
    assert.is(hex(stub.frames[1]!), '000801f700030001');
  } finally {
    await stub.stop();
  }
});

test('subscribe --invalid answers V=0; binary data is shown as hex; several types and frames in one chunk', async () => {
  const stub = await ApiStub.start();
  try {
    const out = io();
    const run = runClient(['--api', stub.api, 'subscribe', '-t', '1', '-t', '2', '-t', '1', '--invalid', '-n', '2'], out);
    await waitFor(() => stub.messages.length === 2, { what: 'two NOTIFY' });
    assert.equal(stub.messages, [
      { type: MessageType.GossipNotify, dataType: 1 },
      { type: MessageType.GossipNotify, dataType: 2 },
    ]);
    const both = Buffer.concat([notification(65535, 2, Uint8Array.from([0, 0xff, 7])), notification(0, 1, 'line\nbreak')]);
    (await stub.socket()).write(both);
    assert.is(await run, 0, out.stderr.text);
    assert.equal(out.stdout.lines, [
      'type=2 id=65535 bytes=3 hex=00ff07 verdict=invalid',
      'type=1 id=0 bytes=10 text="line\\nbreak" verdict=invalid',
    ]);
    await waitFor(() => stub.messages.length === 4, { what: 'two VALIDATION' });
    assert.equal(stub.messages.slice(2), [
      { type: MessageType.GossipValidation, messageId: 65535, valid: false },
      { type: MessageType.GossipValidation, messageId: 0, valid: false },
    ]);
  } finally {
    await stub.stop();
  }
});

test('subscribe --json prints JSON lines', async () => {
  const stub = await ApiStub.start();
  try {
    const out = io();
    const run = runClient(['--json', '--api', stub.api, 'subscribe', '--type', '9', '--count', '2'], out);
    await waitFor(() => stub.messages.length === 1, { what: 'NOTIFY' });
    const socket = await stub.socket();
    socket.write(notification(1, 9, 'ok'));
    socket.write(notification(2, 9, Uint8Array.from([1, 2])));
    assert.is(await run, 0);
    assert.equal(out.stdout.lines.map((l) => JSON.parse(l)), [
      { type: 9, id: 1, bytes: 2, text: 'ok', verdict: 'valid' },
      { type: 9, id: 2, bytes: 2, hex: '0102', verdict: 'valid' },
    ]);
  } finally {
    await stub.stop();
  }
});

test('subscribe exits 0 when the daemon closes, 1 if --count was not reached', async () => {
  const stub = await ApiStub.start();
  try {
    const out = io();
    const run = runClient(['--api', stub.api, 'subscribe', '--type', '7'], out);
    await waitFor(() => stub.messages.length === 1, { what: 'NOTIFY' });
    (await stub.socket()).end(notification(5, 7, 'bye'));
    assert.is(await run, 0);
    assert.is(out.stdout.text, 'type=7 id=5 bytes=3 text="bye" verdict=valid\n');
    assert.match(out.stderr.text, /closed the connection after 1 item\(s\)\n$/);

    stub.sockets.length = 0;
    const short = io();
    const run2 = runClient(['--api', stub.api, 'subscribe', '--type', '7', '--count', '2'], short);
    (await stub.socket()).destroy();
    assert.is(await run2, 1);
  } finally {
    await stub.stop();
  }
});

test('subscribe stops cleanly (status 0) when aborted', async () => {
  const stub = await ApiStub.start();
  try {
    const controller = new AbortController();
    const out = io({ signal: controller.signal });
    const run = runClient(['--api', stub.api, 'subscribe', '--type', '7'], out);
    await waitFor(() => stub.messages.length === 1, { what: 'NOTIFY' });
    const socket = await stub.socket();
    const closed = new Promise((resolve) => socket.once('end', resolve));
    controller.abort();
    assert.is(await run, 0);
    await closed; // the client half-closed its side
  } finally {
    await stub.stop();
  }
});

test('a malformed or unexpected frame from the daemon ends subscribe with status 2', async () => {
  const stub = await ApiStub.start();
  try {
    const bad = io();
    const run = runClient(['--api', stub.api, 'subscribe', '--type', '7'], bad);
    await waitFor(() => stub.messages.length === 1, { what: 'NOTIFY' });
    (await stub.socket()).write(Uint8Array.from([0, 2, 1, 0xf6]));
    assert.is(await run, 2);
    assert.match(bad.stderr.lines.at(-1)!, /^gossip5-client: bad frame from the daemon: .*size/);

    stub.sockets.length = 0;
    const odd = io();
    const run2 = runClient(['--api', stub.api, 'subscribe', '--type', '7'], odd);
    (await stub.socket()).write(encodeMessage({ type: MessageType.GossipNotify, dataType: 7 }));
    assert.is(await run2, 2);
    assert.is(odd.stderr.lines.at(-1), 'gossip5-client: unexpected GOSSIP NOTIFY (501) from the daemon');
  } finally {
    await stub.stop();
  }
});

test('Ctrl-C (SIGINT) ends the real process with status 0', async () => {
  const stub = await ApiStub.start();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PKG, 'src/client.ts'), '--api', stub.api, 'subscribe', '--type', '4'], {
      cwd: PKG,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => stub.messages.length === 1, { what: 'NOTIFY from the child', timeoutMs: 20_000 });
    (await stub.socket()).write(notification(8, 4, 'from the test'));
    await waitFor(() => stub.messages.length === 2, { what: 'VALIDATION from the child' });
    child.kill('SIGINT');
    assert.is(await exited, 0);
    assert.is(stdout, 'type=4 id=8 bytes=13 text="from the test" verdict=valid\n');
  } finally {
    await stub.stop();
  }
});

// ---------------------------------------------------------------- usage

test('usage errors are one stderr line with status 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /missing command: subscribe or announce/],
    [['publish', '--type', '1'], /unknown command "publish"/],
    [['subscribe'], /--type N is required/],
    [['subscribe', '--type', '65536'], /--type must be a whole number from 0 to 65535, got "65536"/],
    [['subscribe', '--type', '-1'], /--type needs a value \(write --type=VALUE for a value that starts with '-'\)/],
    [['subscribe', '--type=-1'], /--type must be a whole number from 0 to 65535, got "-1"/],
    [['subscribe', '--type', '1', '--ttl', '3'], /--ttl is for announce/],
    [['subscribe', '--type', '1', '--count', '0'], /--count must be a whole number from 1/],
    [['subscribe', '--type', '1', 'extra'], /unexpected argument "extra"/],
    [['announce', '--type', '1'], /exactly one DATA or @FILE/],
    [['announce', '--type', '1', 'a', 'b'], /exactly one DATA or @FILE/],
    [['announce', '--type', '1', '--type', '2', 'x'], /announce takes one --type/],
    [['announce', '--type', '1', '--ttl', '256', 'x'], /--ttl must be a whole number from 0 to 255/],
    [['announce', '--type', '1', '--invalid', 'x'], /--invalid and --count are for subscribe/],
    [['--api', '127.0.0.1', 'announce', '--type', '1', 'x'], /--api must be HOST:PORT/],
    [['--api', '127.0.0.1:0', 'subscribe', '--type', '1'], /--api must be HOST:PORT/],
    [['--bogus'], /unknown option --bogus \(/],
    [['--json=yes', 'subscribe', '--type', '1'], /--json takes no value/],
  ];
  for (const [argv, pattern] of cases) {
    const out = io();
    assert.is(await runClient(argv, out), 2, argv.join(' '));
    assert.is(out.stdout.text, '');
    assert.is(out.stderr.lines.length, 1, out.stderr.text);
    assert.match(out.stderr.text, /^gossip5-client: .* \(see --help\)\n$/);
    assert.match(out.stderr.text, pattern);
  }
});

test('usage errors never leak node:util wording', async () => {
  for (const argv of [['subscribe', '--type', '-1'], ['--bogus'], ['--version=2']]) {
    const out = io();
    assert.is(await runClient(argv, out), 2);
    assert.not.match(out.stderr.text, /ambiguous|positional|'--|Unknown option/);
  }
});

test('--version prints the package version', async () => {
  const out = io();
  assert.is(await runClient(['--version'], out), 0);
  assert.match(out.stdout.text, /^gossip5-client \d+\.\d+\.\d+\n$/);
  const short = io();
  assert.is(await runClient(['-V'], short), 0);
  assert.is(short.stdout.text, out.stdout.text);
});

test('a refused connection is one stderr line with status 2', async () => {
  const port = await freePort();
  const out = io();
  assert.is(await runClient(['--api', `127.0.0.1:${port}`, 'announce', '--type', '1', 'x'], out), 2);
  assert.is(out.stderr.text, `gossip5-client: cannot connect to 127.0.0.1:${port}: ECONNREFUSED\n`);
});

test('--help prints the usage with the default API address', async () => {
  const out = io();
  assert.is(await runClient(['--help'], out), 0);
  assert.is(out.stdout.text, `${CLIENT_USAGE}\n`);
  assert.is(DEFAULT_API, '127.0.0.1:17001');
  assert.ok(CLIENT_USAGE.includes('subscribe --type N'));
  assert.ok(CLIENT_USAGE.includes('announce --type N [--ttl T] (DATA | @FILE)'));
});

test.run();

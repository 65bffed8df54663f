#!/usr/bin/env node
/**
 * gossip5-client: a small command-line module for a running Gossip-5 daemon.
 * `subscribe` prints the items of some data types and answers their
 * validation; `announce` spreads one item. It speaks only the API protocol.
 */
import { realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  FrameDecoder,
  MAX_ITEM_DATA,
  MessageType,
  decodeMessage,
  encodeMessage,
  splitHostPort,
  typeName,
  type GossipNotification,
} from '@gossip5/protocol';
import { UsageError } from './errors.js';
import { DEFAULT_STATUS, fetchStatus, formatPeers, formatStatus } from './client-status.js';
import { usageFromParseError } from './usage-error.js';
import { packageVersion } from './version.js';

/** The API address of the bundled peer.ini, used when --api is not given. */
export const DEFAULT_API = '127.0.0.1:17001';

export const CLIENT_USAGE = `Usage: gossip5-client [--api HOST:PORT] [--json] subscribe --type N [--type M ...] [--invalid] [--count K]
       gossip5-client [--api HOST:PORT] [--json] announce --type N [--ttl T] (DATA | @FILE)
       gossip5-client [--status HOST:PORT] [--json] (status | peers)

A command-line module for a running gossip5 daemon (its api_address).

Commands:
  subscribe   Send GOSSIP NOTIFY for each --type, print one line per item
              received and answer each with GOSSIP VALIDATION: valid, or
              invalid with --invalid (the item then is not spread further).
              Runs until Ctrl-C, until the daemon closes the connection, or
              until --count items were printed.
  announce    Send one GOSSIP ANNOUNCE and exit. DATA is sent as UTF-8 text;
              @FILE sends the bytes of FILE (a relative path is taken from
              the directory the command was typed in); @@TEXT sends "@TEXT".
  status      Print the daemon's state from GET /status of its metrics_address.
  peers       List its neighbours (address, direction, since).

Options:
  -a, --api HOST:PORT   Daemon API address (default ${DEFAULT_API}, the one in
                        peer.ini). [v6]:port and host names work too.
      --status HOST:PORT  Daemon metrics_address for status/peers (default
                        ${DEFAULT_STATUS}).
  -t, --type N          Data type, 0-65535.
      --ttl T           Announce: maximum hops, 0-255, 0 = unlimited (default 0).
      --invalid         Subscribe: answer every item as invalid.
  -n, --count K         Subscribe: exit 0 after K items.
      --json            One JSON object per line instead of key=value text.
  -h, --help            Print this help.
  -V, --version         Print the version.

Output (subscribe): type=1 id=3 bytes=5 text="hello" verdict=valid
  (hex=... instead of text= when the data is not printable UTF-8).
Exit status: 0 done; 1 the daemon closed before --count items; 2 usage or
connection error (one line on stderr).`;

const OPTIONS = {
  api: { type: 'string', short: 'a' },
  status: { type: 'string' },
  type: { type: 'string', short: 't', multiple: true },
  ttl: { type: 'string' },
  invalid: { type: 'boolean' },
  count: { type: 'string', short: 'n' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Where the client writes and what it may be told from outside. */
export interface ClientIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Aborting it (SIGINT in the bin) closes the connection; the exit status is 0. */
  signal?: AbortSignal;
  /** Base of relative @FILE paths when env.INIT_CWD is not set (default process.cwd()). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** A failure reported as one stderr line with exit status 2. */
class ClientFailure extends Error {
  override readonly name = 'ClientFailure';
  readonly code = 'GOSSIP_ERR_CLIENT';
}

function integer(flag: string, text: string, min: number, max: number): number {
  if (/^[0-9]{1,9}$/.test(text)) {
    const n = Number(text);
    if (n >= min && n <= max) return n;
  }
  throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
}

function apiEndpoint(text: string): { host: string; port: number } {
  try {
    const { host, port } = splitHostPort(text);
    if (port !== 0) return { host, port };
  } catch {
    // reported below
  }
  throw new UsageError(`--api must be HOST:PORT or [v6]:PORT with a port from 1 to 65535, got ${JSON.stringify(text)}`);
}

const PRINTABLE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The data as text when it is printable UTF-8, else undefined. */
function asText(data: Uint8Array): string | undefined {
  try {
    const text = utf8.decode(data);
    return PRINTABLE.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** One output line for a notification. */
export function formatNotification(msg: GossipNotification, valid: boolean, json: boolean): string {
  const text = asText(msg.data);
  const payload = text !== undefined ? { text } : { hex: Buffer.from(msg.data).toString('hex') };
  const verdict = valid ? 'valid' : 'invalid';
  if (json) return JSON.stringify({ type: msg.dataType, id: msg.messageId, bytes: msg.data.length, ...payload, verdict });
  const shown = 'text' in payload ? `text=${JSON.stringify(payload.text)}` : `hex=${payload.hex}`;
  return `type=${msg.dataType} id=${msg.messageId} bytes=${msg.data.length} ${shown} verdict=${verdict}`;
}

function connect(api: string, signal: AbortSignal | undefined): Promise<Socket> {
  const { host, port } = apiEndpoint(api);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    const onAbort = () => socket.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal?.removeEventListener('abort', onAbort);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      reject(new ClientFailure(`cannot connect to ${api}: ${err.code ?? err.message}`));
    });
    socket.once('close', () => reject(new ClientFailure(`cannot connect to ${api}: interrupted`)));
  });
}

async function readData(arg: string, io: ClientIO): Promise<Uint8Array> {
  if (arg.startsWith('@@')) return new TextEncoder().encode(arg.slice(1));
  if (!arg.startsWith('@')) return new TextEncoder().encode(arg);
  const env = io.env ?? process.env;
  const base = env.INIT_CWD && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : (io.cwd ?? process.cwd());
  const path = resolvePath(base, arg.slice(1));
  try {
    const info = await stat(path);
    if (info.isFile() && info.size > MAX_ITEM_DATA) throw new RangeError(String(info.size));
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if (err instanceof RangeError) throw new ClientFailure(`${path} has ${err.message} bytes; an item may have at most ${MAX_ITEM_DATA}`);
    throw new ClientFailure(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

async function announce(api: string, dataType: number, ttl: number, data: Uint8Array, json: boolean, io: ClientIO): Promise<number> {
  if (data.length > MAX_ITEM_DATA) {
    throw new ClientFailure(`data has ${data.length} bytes; an item may have at most ${MAX_ITEM_DATA}`);
  }
  const frame = encodeMessage({ type: MessageType.GossipAnnounce, ttl, dataType, data });
  const socket = await connect(api, io.signal);
  await new Promise<void>((resolve, reject) => {
    socket.on('error', (err: NodeJS.ErrnoException) => reject(new ClientFailure(`connection to ${api}: ${err.code ?? err.message}`)));
    // Half-close after the frame; the daemon closes its side once it has read it.
    socket.end(frame);
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
  const line = json
    ? JSON.stringify({ announced: true, type: dataType, ttl, bytes: data.length, api })
    : `announced type=${dataType} ttl=${ttl} bytes=${data.length} to ${api}`;
  io.stdout.write(`${line}\n`);
  return 0;
}

async function subscribe(api: string, types: number[], valid: boolean, count: number | undefined, json: boolean, io: ClientIO): Promise<number> {
  let socket: Socket;
  try {
    socket = await connect(api, io.signal);
  } catch (err) {
    if (io.signal?.aborted) return 0; // Ctrl-C while connecting
    throw err;
  }
  for (const dataType of types) socket.write(encodeMessage({ type: MessageType.GossipNotify, dataType }));
  io.stderr.write(`gossip5-client: subscribed to type ${types.join(', ')} at ${api}\n`);
  const decoder = new FrameDecoder();
  let received = 0;
  return new Promise<number>((resolve, reject) => {
    let finished = false;
    const finish = (status: number | ClientFailure, how: 'end' | 'destroy') => {
      if (finished) return;
      finished = true;
      io.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('data', onData);
      if (how === 'end') socket.end();
      else socket.destroy();
      socket.once('close', () => (typeof status === 'number' ? resolve(status) : reject(status)));
    };
    const onAbort = () => finish(0, 'end');
    const onData = (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) {
          const msg = decodeMessage(frame);
          if (msg.type !== MessageType.GossipNotification) {
            throw new ClientFailure(`unexpected ${typeName(msg.type)} (${msg.type}) from the daemon`);
          }
          io.stdout.write(`${formatNotification(msg, valid, json)}\n`);
          socket.write(encodeMessage({ type: MessageType.GossipValidation, messageId: msg.messageId, valid }));
          received++;
          if (count !== undefined && received >= count) return finish(0, 'end');
        }
      } catch (err) {
        const failure = err instanceof ClientFailure ? err : new ClientFailure(`bad frame from the daemon: ${(err as Error).message}`);
        finish(failure, 'destroy');
      }
    };
    socket.on('data', onData);
    socket.on('error', () => {
      // ECONNRESET and friends: the 'close' that follows ends the subscription.
    });
    socket.on('close', () => {
      if (finished) return;
      finished = true;
      io.signal?.removeEventListener('abort', onAbort);
      io.stderr.write(`gossip5-client: the daemon at ${api} closed the connection after ${received} item(s)\n`);
      resolve(count !== undefined && received < count ? 1 : 0);
    });
    if (io.signal?.aborted) onAbort();
    else io.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Run the client with `argv` (without `node` and the script path). Resolves
 * with the exit status; never throws. Errors are one line on stderr.
 */
export async function runClient(argv: string[], ioIn: Partial<ClientIO> = {}): Promise<number> {
  const io: ClientIO = { stdout: process.stdout, stderr: process.stderr, ...ioIn };
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
    } catch (err) {
      throw usageFromParseError(err);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(`${CLIENT_USAGE}\n`);
      return 0;
    }
    if (values.version) {
      io.stdout.write(`gossip5-client ${packageVersion()}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (command === 'status' || command === 'peers') {
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
      const s = await fetchStatus(values.status ?? DEFAULT_STATUS);
      const out = values.json === true ? JSON.stringify(command === 'peers' ? s.neighbours : s) : command === 'peers' ? formatPeers(s) : formatStatus(s);
      io.stdout.write(`${out}\n`);
      return 0;
    }
    if (command !== 'subscribe' && command !== 'announce') {
      throw new UsageError(command === undefined ? 'missing command: subscribe or announce' : `unknown command ${JSON.stringify(command)}`);
    }
    const api = values.api ?? DEFAULT_API;
    apiEndpoint(api);
    const types = (values.type ?? []).map((t) => integer('--type', t, 0, 65535));
    if (types.length === 0) throw new UsageError('--type N is required');
    const json = values.json === true;
    if (command === 'subscribe') {
      if (values.ttl !== undefined) throw new UsageError('--ttl is for announce');
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
      const count = values.count === undefined ? undefined : integer('--count', values.count, 1, 1e9);
      return await subscribe(api, [...new Set(types)], values.invalid !== true, count, json, io);
    }
    if (values.invalid !== undefined || values.count !== undefined) throw new UsageError('--invalid and --count are for subscribe');
    if (types.length > 1) throw new UsageError('announce takes one --type');
    if (rest.length !== 1) throw new UsageError('announce needs exactly one DATA or @FILE argument');
    const ttl = values.ttl === undefined ? 0 : integer('--ttl', values.ttl, 0, 255);
    const data = await readData(rest[0]!, io);
    return await announce(api, types[0]!, ttl, data, json, io);
  } catch (err) {
    const hint = err instanceof UsageError ? ' (see --help)' : '';
    io.stderr.write(`gossip5-client: ${err instanceof Error ? err.message : String(err)}${hint}\n`);
    return 2;
  }
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') controller.abort(); // the reader went away (| head): stop quietly
  });
  void runClient(process.argv.slice(2), { signal: controller.signal }).then((status) => {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    process.exitCode = status;
  });
}

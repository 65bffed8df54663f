// The API example of README.md, kept here so that it compiles and runs in the tests
// (readme.test.ts checks that every TypeScript block of the README appears in this folder).
import { connect, type Socket } from 'node:net';
import {
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  isProtocolError,
  MessageType,
  type GossipNotification,
} from '../../src/index.js';

const DATA_TYPE = 540; // the data type your module speaks

/** 501 GOSSIP NOTIFY: subscribe this connection to DATA_TYPE (until it closes). */
export function subscribe(socket: Socket): void {
  socket.write(encodeMessage({ type: MessageType.GossipNotify, dataType: DATA_TYPE }));
}

/** 500 GOSSIP ANNOUNCE: ask gossip to spread an item; ttl 0 means unlimited hops. */
export function announce(socket: Socket, text: string): void {
  const data = new TextEncoder().encode(text); // at most MAX_ITEM_DATA (65519) bytes
  socket.write(encodeMessage({ type: MessageType.GossipAnnounce, ttl: 0, dataType: DATA_TYPE, data }));
}

/** 502 GOSSIP NOTIFICATION: split the byte stream into frames and decode them. */
export function onNotification(socket: Socket, handle: (n: GossipNotification) => void): void {
  const frames = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const frame of frames.push(chunk)) {
        const msg = decodeMessage(frame);
        if (msg.type === MessageType.GossipNotification) handle(msg);
      }
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      // Malformed input: log the reason, close this connection only.
      console.warn(`gossip sent a malformed frame (${err.code}): ${err.message}`);
      socket.destroy();
    }
  });
}

/** 503 GOSSIP VALIDATION: answer each notification; only V=1 items travel further. */
export function validate(socket: Socket, n: GossipNotification): void {
  const valid = new TextDecoder().decode(n.data).startsWith('hello');
  socket.write(encodeMessage({ type: MessageType.GossipValidation, messageId: n.messageId, valid }));
}

export function runModule(apiPort: number, apiHost = '127.0.0.1'): Socket {
  const socket = connect(apiPort, apiHost);
  subscribe(socket);
  announce(socket, 'hello from module A');
  onNotification(socket, (n) => validate(socket, n));
  return socket;
}

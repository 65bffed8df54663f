import { IDENTITY_SIZE, MAX_ITEM_DATA, NONCE_SIZE, PROTOCOL_VERSION, SOLUTION_SIZE } from '../constants.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { peerAddressSize, readPeerAddress, writePeerAddress } from '../peer-address.js';
import {
  MessageType,
  type AuthPeerResponse,
  type AuthPush,
  type Hello,
  type PeerNotification,
  type PeerRequest,
  type PeerResponse,
  type Ping,
  type Push,
  type VerificationRequest,
  type VerificationResponse,
} from '../types.js';
import {
  checkBytes,
  checkData,
  checkU64,
  checkUint,
  expectAtLeast,
  expectExact,
  readU16,
  readU64,
  writeU16,
  writeU64,
  type Codec,
} from './codec.js';

const T = MessageType;

/** A PeerAddress field must fill the rest of the body exactly. */
function readTrailingAddress(b: Uint8Array, start: number, end: number, type: number) {
  const { address, next } = readPeerAddress(b, start, end, type);
  if (next !== end) {
    throw new ProtocolError(ErrorCode.BadLength, `${end - next} bytes after the PeerAddress`, {
      messageType: type,
    });
  }
  return address;
}

/** 504: max u16. */
export const peerRequest: Codec<PeerRequest> = {
  type: T.PeerRequest,
  name: 'PEER REQUEST',
  bodySize(m) {
    checkUint(m.max, 16, T.PeerRequest, 'max');
    return 2;
  },
  write(m, out, o) {
    writeU16(out, o, m.max);
  },
  decode(b, start, end) {
    expectExact(start, end, 2, T.PeerRequest);
    return { type: T.PeerRequest, max: readU16(b, start) };
  },
};

/** 505: count u16, then count PeerAddresses (mixed families allowed). */
export const peerResponse: Codec<PeerResponse> = {
  type: T.PeerResponse,
  name: 'PEER RESPONSE',
  bodySize(m) {
    if (!Array.isArray(m.peers)) {
      throw new ProtocolError(ErrorCode.OutOfRange, 'must be an array', {
        messageType: T.PeerResponse,
        field: 'peers',
      });
    }
    checkUint(m.peers.length, 16, T.PeerResponse, 'peers.length');
    let size = 2;
    for (const p of m.peers) size += peerAddressSize(p, T.PeerResponse);
    return size;
  },
  write(m, out, o) {
    writeU16(out, o, m.peers.length);
    let at = o + 2;
    for (const p of m.peers) at = writePeerAddress(out, at, p, T.PeerResponse);
  },
  decode(b, start, end) {
    expectAtLeast(start, end, 2, T.PeerResponse);
    const count = readU16(b, start);
    const peers = [];
    let at = start + 2;
    for (let i = 0; i < count; i++) {
      if (at >= end) {
        throw new ProtocolError(ErrorCode.BadLength, `count says ${count} addresses, body holds ${i}`, {
          messageType: T.PeerResponse,
          field: 'count',
        });
      }
      const r = readPeerAddress(b, at, end, T.PeerResponse);
      peers.push(r.address);
      at = r.next;
    }
    if (at !== end) {
      throw new ProtocolError(ErrorCode.BadLength, `${end - at} bytes after ${count} addresses`, {
        messageType: T.PeerResponse,
        field: 'count',
      });
    }
    return { type: T.PeerResponse, peers };
  },
};

/** 506: difficulty u8, flags u8 (the listener's HelloFlag bits; reserved before them), nonce 16 bytes. */
export const verificationRequest: Codec<VerificationRequest> = {
  type: T.VerificationRequest,
  name: 'VERIFICATION REQUEST',
  bodySize(m) {
    checkUint(m.difficulty, 8, T.VerificationRequest, 'difficulty');
    checkBytes(m.nonce, NONCE_SIZE, T.VerificationRequest, 'nonce');
    if (m.flags !== undefined) checkUint(m.flags, 8, T.VerificationRequest, 'flags');
    return 2 + NONCE_SIZE;
  },
  write(m, out, o) {
    out[o] = m.difficulty;
    out[o + 1] = m.flags ?? 0;
    out.set(m.nonce, o + 2);
  },
  decode(b, start, end) {
    expectExact(start, end, 2 + NONCE_SIZE, T.VerificationRequest);
    return {
      type: T.VerificationRequest,
      difficulty: b[start]!,
      flags: b[start + 1]!,
      nonce: b.slice(start + 2, start + 2 + NONCE_SIZE),
    };
  },
};

/** 507: nonce 16 bytes, solution 8 bytes, PeerAddress of the responder. */
export const verificationResponse: Codec<VerificationResponse> = {
  type: T.VerificationResponse,
  name: 'VERIFICATION RESPONSE',
  bodySize(m) {
    checkBytes(m.nonce, NONCE_SIZE, T.VerificationResponse, 'nonce');
    checkBytes(m.solution, SOLUTION_SIZE, T.VerificationResponse, 'solution');
    return NONCE_SIZE + SOLUTION_SIZE + peerAddressSize(m.address, T.VerificationResponse);
  },
  write(m, out, o) {
    out.set(m.nonce, o);
    out.set(m.solution, o + NONCE_SIZE);
    writePeerAddress(out, o + NONCE_SIZE + SOLUTION_SIZE, m.address, T.VerificationResponse);
  },
  decode(b, start, end) {
    expectAtLeast(start, end, NONCE_SIZE + SOLUTION_SIZE + 7, T.VerificationResponse);
    const s = start + NONCE_SIZE;
    const a = s + SOLUTION_SIZE;
    return {
      type: T.VerificationResponse,
      nonce: b.slice(start, s),
      solution: b.slice(s, a),
      address: readTrailingAddress(b, a, end, T.VerificationResponse),
    };
  },
};

/** 508: version u8 (1), flags u8 (HelloFlag bits), PeerAddress of the sender. */
export const hello: Codec<Hello> = {
  type: T.Hello,
  name: 'HELLO',
  bodySize(m) {
    if (m.version !== PROTOCOL_VERSION) {
      throw new ProtocolError(ErrorCode.BadVersion, `version must be ${PROTOCOL_VERSION}`, {
        messageType: T.Hello,
        field: 'version',
      });
    }
    if (m.flags !== undefined) checkUint(m.flags, 8, T.Hello, 'flags');
    return 2 + peerAddressSize(m.address, T.Hello);
  },
  write(m, out, o) {
    out[o] = PROTOCOL_VERSION;
    out[o + 1] = m.flags ?? 0;
    writePeerAddress(out, o + 2, m.address, T.Hello);
  },
  decode(b, start, end) {
    expectAtLeast(start, end, 2 + 7, T.Hello);
    const version = b[start]!;
    if (version !== PROTOCOL_VERSION) {
      throw new ProtocolError(ErrorCode.BadVersion, `version ${version} is not supported (only 1)`, {
        messageType: T.Hello,
        field: 'version',
      });
    }
    return { type: T.Hello, version: 1, flags: b[start + 1]!, address: readTrailingAddress(b, start + 2, end, T.Hello) };
  },
};

/** 509: ttl u8, reserved u8, PeerAddress of a peer that joined. */
export const push: Codec<Push> = {
  type: T.Push,
  name: 'PUSH',
  bodySize(m) {
    checkUint(m.ttl, 8, T.Push, 'ttl');
    return 2 + peerAddressSize(m.address, T.Push);
  },
  write(m, out, o) {
    out[o] = m.ttl;
    out[o + 1] = 0;
    writePeerAddress(out, o + 2, m.address, T.Push);
  },
  decode(b, start, end) {
    expectAtLeast(start, end, 2 + 7, T.Push);
    return { type: T.Push, ttl: b[start]!, address: readTrailingAddress(b, start + 2, end, T.Push) };
  },
};

/** 510: flags u8 (bit 0: reply), reserved u8, token u32. */
export const ping: Codec<Ping> = {
  type: T.Ping,
  name: 'PING',
  bodySize(m) {
    checkUint(m.token, 32, T.Ping, 'token');
    if (typeof m.reply !== 'boolean') {
      throw new ProtocolError(ErrorCode.OutOfRange, 'must be a boolean', { messageType: T.Ping, field: 'reply' });
    }
    return 6;
  },
  write(m, out, o) {
    out[o] = m.reply ? 1 : 0;
    out[o + 1] = 0;
    out[o + 2] = m.token >>> 24;
    out[o + 3] = (m.token >>> 16) & 0xff;
    out[o + 4] = (m.token >>> 8) & 0xff;
    out[o + 5] = m.token & 0xff;
  },
  decode(b, start, end) {
    expectExact(start, end, 6, T.Ping);
    const token = ((b[start + 2]! << 24) | (b[start + 3]! << 16) | (b[start + 4]! << 8) | b[start + 5]!) >>> 0;
    return { type: T.Ping, reply: (b[start]! & 1) === 1, token };
  },
};

/** 511: ttl u8, flags u8, message_id 8 bytes, data_type u16, data (at most 65519 bytes). */
export const peerNotification: Codec<PeerNotification> = {
  type: T.PeerNotification,
  name: 'PEER NOTIFICATION',
  bodySize(m) {
    checkUint(m.ttl, 8, T.PeerNotification, 'ttl');
    checkU64(m.messageId, T.PeerNotification, 'messageId');
    checkUint(m.dataType, 16, T.PeerNotification, 'dataType');
    return 12 + checkData(m.data, MAX_ITEM_DATA, T.PeerNotification);
  },
  write(m, out, o) {
    out[o] = m.ttl;
    out[o + 1] = 0;
    writeU64(out, o + 2, m.messageId);
    writeU16(out, o + 10, m.dataType);
    out.set(m.data, o + 12);
  },
  decode(b, s, end) {
    expectAtLeast(s, end, 12, T.PeerNotification);
    // A frame can hold at most 65519 data bytes after these 12, so no extra check is needed here.
    return {
      type: T.PeerNotification,
      ttl: b[s]!,
      messageId: readU64(b, s + 2),
      dataType: readU16(b, s + 10),
      // A plain Uint8Array view even when `b` is a Buffer: Buffer#subarray builds a FastBuffer,
      // several times the cost of the view itself on the per-frame path.
      data: new Uint8Array(b.buffer, b.byteOffset + s + 12, end - s - 12),
    };
  },
};

/** 515: count u16, then count x (identity 32 bytes, PeerAddress). */
export const authPeerResponse: Codec<AuthPeerResponse> = {
  type: T.AuthPeerResponse,
  name: 'AUTH PEER RESPONSE',
  bodySize(m) {
    if (!Array.isArray(m.peers)) {
      throw new ProtocolError(ErrorCode.OutOfRange, 'must be an array', {
        messageType: T.AuthPeerResponse,
        field: 'peers',
      });
    }
    checkUint(m.peers.length, 16, T.AuthPeerResponse, 'peers.length');
    let size = 2;
    for (const p of m.peers) {
      checkBytes(p?.identity, IDENTITY_SIZE, T.AuthPeerResponse, 'peers.identity');
      size += IDENTITY_SIZE + peerAddressSize(p.address, T.AuthPeerResponse);
    }
    return size;
  },
  write(m, out, o) {
    writeU16(out, o, m.peers.length);
    let at = o + 2;
    for (const p of m.peers) {
      out.set(p.identity, at);
      at = writePeerAddress(out, at + IDENTITY_SIZE, p.address, T.AuthPeerResponse);
    }
  },
  decode(b, start, end) {
    expectAtLeast(start, end, 2, T.AuthPeerResponse);
    const count = readU16(b, start);
    const peers = [];
    let at = start + 2;
    for (let i = 0; i < count; i++) {
      if (at + IDENTITY_SIZE >= end) {
        throw new ProtocolError(ErrorCode.BadLength, `count says ${count} entries, body holds ${i}`, {
          messageType: T.AuthPeerResponse,
          field: 'count',
        });
      }
      const identity = b.slice(at, at + IDENTITY_SIZE);
      const r = readPeerAddress(b, at + IDENTITY_SIZE, end, T.AuthPeerResponse);
      peers.push({ address: r.address, identity });
      at = r.next;
    }
    if (at !== end) {
      throw new ProtocolError(ErrorCode.BadLength, `${end - at} bytes after ${count} entries`, {
        messageType: T.AuthPeerResponse,
        field: 'count',
      });
    }
    return { type: T.AuthPeerResponse, peers };
  },
};

/** 516: ttl u8, reserved u8, identity 32 bytes, PeerAddress of a peer that joined. */
export const authPush: Codec<AuthPush> = {
  type: T.AuthPush,
  name: 'AUTH PUSH',
  bodySize(m) {
    checkUint(m.ttl, 8, T.AuthPush, 'ttl');
    checkBytes(m.identity, IDENTITY_SIZE, T.AuthPush, 'identity');
    return 2 + IDENTITY_SIZE + peerAddressSize(m.address, T.AuthPush);
  },
  write(m, out, o) {
    out[o] = m.ttl;
    out[o + 1] = 0;
    out.set(m.identity, o + 2);
    writePeerAddress(out, o + 2 + IDENTITY_SIZE, m.address, T.AuthPush);
  },
  decode(b, start, end) {
    expectAtLeast(start, end, 2 + IDENTITY_SIZE + 7, T.AuthPush);
    const a = start + 2 + IDENTITY_SIZE;
    return {
      type: T.AuthPush,
      ttl: b[start]!,
      identity: b.slice(start + 2, a),
      address: readTrailingAddress(b, a, end, T.AuthPush),
    };
  },
};

import { MAX_API_DATA } from '../constants.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import {
  MessageType,
  type GossipAnnounce,
  type GossipNotification,
  type GossipNotify,
  type GossipValidation,
} from '../types.js';
import {
  checkData,
  checkUint,
  expectAtLeast,
  expectExact,
  readU16,
  writeU16,
  type Codec,
} from './codec.js';

const ANNOUNCE = MessageType.GossipAnnounce;
const NOTIFY = MessageType.GossipNotify;
const NOTIFICATION = MessageType.GossipNotification;
const VALIDATION = MessageType.GossipValidation;

/** 500: ttl u8, reserved u8, data_type u16, data. */
export const gossipAnnounce: Codec<GossipAnnounce> = {
  type: ANNOUNCE,
  name: 'GOSSIP ANNOUNCE',
  bodySize(m) {
    checkUint(m.ttl, 8, ANNOUNCE, 'ttl');
    checkUint(m.dataType, 16, ANNOUNCE, 'dataType');
    return 4 + checkData(m.data, MAX_API_DATA, ANNOUNCE);
  },
  write(m, out, o) {
    out[o] = m.ttl;
    out[o + 1] = 0;
    writeU16(out, o + 2, m.dataType);
    out.set(m.data, o + 4);
  },
  decode(b, start, end) {
    expectAtLeast(start, end, 4, ANNOUNCE);
    return {
      type: ANNOUNCE,
      ttl: b[start]!,
      dataType: readU16(b, start + 2),
      data: b.subarray(start + 4, end),
    };
  },
};

/** 501: reserved u16, data_type u16; body exactly 4 bytes. */
export const gossipNotify: Codec<GossipNotify> = {
  type: NOTIFY,
  name: 'GOSSIP NOTIFY',
  bodySize(m) {
    checkUint(m.dataType, 16, NOTIFY, 'dataType');
    return 4;
  },
  write(m, out, o) {
    out[o] = 0;
    out[o + 1] = 0;
    writeU16(out, o + 2, m.dataType);
  },
  decode(b, start, end) {
    expectExact(start, end, 4, NOTIFY);
    return { type: NOTIFY, dataType: readU16(b, start + 2) };
  },
};

/** 502: message_id u16, data_type u16, data. */
export const gossipNotification: Codec<GossipNotification> = {
  type: NOTIFICATION,
  name: 'GOSSIP NOTIFICATION',
  bodySize(m) {
    checkUint(m.messageId, 16, NOTIFICATION, 'messageId');
    checkUint(m.dataType, 16, NOTIFICATION, 'dataType');
    return 4 + checkData(m.data, MAX_API_DATA, NOTIFICATION);
  },
  write(m, out, o) {
    writeU16(out, o, m.messageId);
    writeU16(out, o + 2, m.dataType);
    out.set(m.data, o + 4);
  },
  decode(b, start, end) {
    expectAtLeast(start, end, 4, NOTIFICATION);
    return {
      type: NOTIFICATION,
      messageId: readU16(b, start),
      dataType: readU16(b, start + 2),
      data: b.subarray(start + 4, end),
    };
  },
};

/** 503: message_id u16, flags u16 (bit 0 = valid, other bits reserved); body exactly 4 bytes. */
export const gossipValidation: Codec<GossipValidation> = {
  type: VALIDATION,
  name: 'GOSSIP VALIDATION',
  bodySize(m) {
    checkUint(m.messageId, 16, VALIDATION, 'messageId');
    if (typeof m.valid !== 'boolean') {
      throw new ProtocolError(ErrorCode.OutOfRange, 'must be a boolean', {
        messageType: VALIDATION,
        field: 'valid',
      });
    }
    return 4;
  },
  write(m, out, o) {
    writeU16(out, o, m.messageId);
    out[o + 2] = 0;
    out[o + 3] = m.valid ? 1 : 0;
  },
  decode(b, start, end) {
    expectExact(start, end, 4, VALIDATION);
    // Reserved flag bits are ignored on receipt, as the spec requires.
    return { type: VALIDATION, messageId: readU16(b, start), valid: (b[start + 3]! & 1) === 1 };
  },
};

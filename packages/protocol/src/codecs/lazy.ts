import { IHAVE_ENTRY_SIZE, MAX_GRAFT_IDS, MAX_IHAVE_ENTRIES } from '../constants.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { MessageType, type Graft, type IHave, type IHaveEntry, type Prune } from '../types.js';
import {
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

function checkArray(value: unknown, min: number, max: number, type: number, field: string): void {
  if (!Array.isArray(value)) {
    throw new ProtocolError(ErrorCode.OutOfRange, 'must be an array', { messageType: type, field });
  }
  if (value.length < min || value.length > max) {
    throw new ProtocolError(ErrorCode.OutOfRange, `${value.length} entries, must be ${min}..${max}`, {
      messageType: type,
      field,
    });
  }
}

/** The body must be the count field and exactly `count` entries of `size` bytes. */
function expectCount(b: Uint8Array, start: number, end: number, size: number, min: number, type: number): number {
  expectAtLeast(start, end, 2, type);
  const count = readU16(b, start);
  if (count < min) {
    throw new ProtocolError(ErrorCode.BadLength, `count ${count} is below ${min}`, { messageType: type, field: 'count' });
  }
  if (end - start !== 2 + count * size) {
    throw new ProtocolError(
      ErrorCode.BadLength,
      `count says ${count} entries (${2 + count * size} bytes), body has ${end - start}`,
      { messageType: type, field: 'count' },
    );
  }
  return count;
}

/** 512: count u16 (1..7281), then count x (message_id 8 bytes, ttl u8). */
export const ihave: Codec<IHave> = {
  type: T.IHave,
  name: 'IHAVE',
  bodySize(m) {
    checkArray(m.entries, 1, MAX_IHAVE_ENTRIES, T.IHave, 'entries');
    for (const e of m.entries) {
      checkU64(e?.messageId, T.IHave, 'entries.messageId');
      checkUint(e.ttl, 8, T.IHave, 'entries.ttl');
    }
    return 2 + m.entries.length * IHAVE_ENTRY_SIZE;
  },
  write(m, out, o) {
    writeU16(out, o, m.entries.length);
    let at = o + 2;
    for (const e of m.entries) {
      writeU64(out, at, e.messageId);
      out[at + 8] = e.ttl;
      at += IHAVE_ENTRY_SIZE;
    }
  },
  decode(b, start, end) {
    const count = expectCount(b, start, end, IHAVE_ENTRY_SIZE, 1, T.IHave);
    const entries = new Array<IHaveEntry>(count);
    let at = start + 2;
    for (let i = 0; i < count; i++, at += IHAVE_ENTRY_SIZE) entries[i] = { messageId: readU64(b, at), ttl: b[at + 8]! };
    return { type: T.IHave, entries };
  },
};

/** 513: count u16 (0..8191), then count message_ids of 8 bytes. */
export const graft: Codec<Graft> = {
  type: T.Graft,
  name: 'GRAFT',
  bodySize(m) {
    checkArray(m.messageIds, 0, MAX_GRAFT_IDS, T.Graft, 'messageIds');
    for (const id of m.messageIds) checkU64(id, T.Graft, 'messageIds');
    return 2 + m.messageIds.length * 8;
  },
  write(m, out, o) {
    writeU16(out, o, m.messageIds.length);
    let at = o + 2;
    for (const id of m.messageIds) {
      writeU64(out, at, id);
      at += 8;
    }
  },
  decode(b, start, end) {
    const count = expectCount(b, start, end, 8, 0, T.Graft);
    const messageIds = new Array<bigint>(count);
    for (let i = 0; i < count; i++) messageIds[i] = readU64(b, start + 2 + 8 * i);
    return { type: T.Graft, messageIds };
  },
};

/** 514: empty body. */
export const prune: Codec<Prune> = {
  type: T.Prune,
  name: 'PRUNE',
  bodySize() {
    return 0;
  },
  write() {},
  decode(_b, start, end) {
    expectExact(start, end, 0, T.Prune);
    return { type: T.Prune };
  },
};

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPeers, formatStatus, shortIdentity, type Status } from '../src/client-status.js';

const ID_A = 'ab'.repeat(32);
const ID_SELF = 'cd'.repeat(32);

function status(neighbours: Status['neighbours'], identity: string | null): Status {
  return {
    neighbours,
    known_peers: 3,
    identity,
    counters: { modules: 1, p2p: { drops: {} }, api: {} },
    config: { p2pAddress: { text: '127.0.0.1:7001' }, apiAddress: { text: '127.0.0.1:7000' } },
  };
}

const neighbour = (identity: string | null) => ({ address: '127.0.0.1:7002', direction: 'out', since: '1m', items_in: 5, items_out: 4, identity });

test('peers on authenticated links show an identity column with the first 16 hex digits', () => {
  const out = formatPeers(status([neighbour(ID_A)], ID_SELF));
  const [header, row] = out.split('\n');
  assert.match(header!, /identity$/);
  assert.match(row!, new RegExp(`${ID_A.slice(0, 16)}…$`));
  assert.not.match(row!, new RegExp(ID_A));
});

test('peers on plaintext links print no identity column', () => {
  const out = formatPeers(status([neighbour(null)], null));
  assert.not.match(out, /identity/);
  assert.equal(shortIdentity(null), '-');
});

test('status names the node identity in full, or says links are plaintext', () => {
  assert.match(formatStatus(status([], ID_SELF)), new RegExp(`identity\\s+${ID_SELF}`));
  assert.match(formatStatus(status([], null)), /identity\s+none \(plaintext links\)/);
});

test.run();

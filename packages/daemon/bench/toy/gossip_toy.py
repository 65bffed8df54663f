#!/usr/bin/env python3
"""The yardstick of issue 10: a small Python asyncio gossip node with the VoidPhone API.

It serves the same API as the daemon (500 ANNOUNCE, 501 NOTIFY, 502 NOTIFICATION, 503 VALIDATION,
with the rules of docs/protocol.md: the announcer's own data is spread without validation and not
echoed to it; an item from the network is forwarded only when every module it was handed to said
valid; unsubscribed types are relayed; each item is handed to a module at most once) and spreads
by eager push to every neighbour over a static full mesh. It has none of the daemon's overlay,
proof of work, limits or backpressure: it is what a 200-line implementation of the job costs, and
it is only run by bench/toy.ts. One toy-only P2P frame, type 600: message_id u64, ttl u8,
reserved u8, data_type u16, data.

usage: gossip_toy.py --api-port P --p2p-port Q --peers Q1,Q2,... [--validation-timeout S]
Prints "links K" on stdout whenever its number of links changes.
"""
import argparse
import asyncio
import os
import struct
import sys
from collections import OrderedDict

ANNOUNCE, NOTIFY, NOTIFICATION, VALIDATION, ITEM = 500, 501, 502, 503, 600
HEADER = struct.Struct(">HH")
SEEN_LIMIT = 100_000


def frame(kind, body):
    return HEADER.pack(4 + len(body), kind) + body


async def read_frames(reader):
    while True:
        size, kind = HEADER.unpack(await reader.readexactly(4))
        if size < 4:
            raise ValueError("size below 4")
        yield kind, await reader.readexactly(size - 4)


class Item:
    __slots__ = ("msg_id", "ttl", "data_type", "data", "sender", "waiting", "ok")

    def __init__(self, msg_id, ttl, data_type, data, sender):
        self.msg_id, self.ttl, self.data_type, self.data, self.sender = msg_id, ttl, data_type, data, sender
        self.waiting, self.ok = 0, True


class Node:
    def __init__(self, validation_timeout):
        self.links = set()
        self.subscribers = {}  # data_type -> set of module writers
        self.seen = OrderedDict()
        self.pending = {}  # (module writer, local id) -> Item
        self.next_local = 0
        self.validation_timeout = validation_timeout

    def mark_seen(self, msg_id):
        if msg_id in self.seen:
            return False
        self.seen[msg_id] = None
        if len(self.seen) > SEEN_LIMIT:
            self.seen.popitem(last=False)
        return True

    def send_links(self, item, ttl, skip=None):
        data = frame(ITEM, struct.pack(">QBBH", item.msg_id, ttl, 0, item.data_type) + item.data)
        for link in self.links:
            if link is not skip:
                link.write(data)

    def forward(self, item):
        if item.ttl == 1:
            return
        self.send_links(item, 0 if item.ttl == 0 else item.ttl - 1, item.sender)

    def notify(self, item, modules):
        for module in modules:
            self.next_local = (self.next_local + 1) & 0xFFFF
            self.pending[(module, self.next_local)] = item
            module.write(frame(NOTIFICATION, struct.pack(">HH", self.next_local, item.data_type) + item.data))

    def from_network(self, item):
        if not self.mark_seen(item.msg_id):
            return
        modules = self.subscribers.get(item.data_type)
        if not modules:
            self.forward(item)
            return
        item.waiting = len(modules)
        self.notify(item, list(modules))
        asyncio.get_running_loop().call_later(self.validation_timeout, self.expire, item, list(modules))

    def expire(self, item, modules):
        for key in [k for k, v in self.pending.items() if v is item]:
            del self.pending[key]
        item.waiting = -1

    def validation(self, module, local_id, valid):
        item = self.pending.pop((module, local_id), None)
        if item is None or item.waiting <= 0:
            return
        item.ok = item.ok and valid
        item.waiting -= 1
        if item.waiting == 0 and item.ok:
            self.forward(item)

    def announce(self, module, ttl, data_type, data):
        item = Item(int.from_bytes(os.urandom(8), "big"), ttl, data_type, data, None)
        self.mark_seen(item.msg_id)
        others = [m for m in self.subscribers.get(data_type, ()) if m is not module]
        for other in others:
            self.next_local = (self.next_local + 1) & 0xFFFF
            other.write(frame(NOTIFICATION, struct.pack(">HH", self.next_local, data_type) + data))
        self.send_links(item, ttl)

    async def module(self, reader, writer):
        try:
            async for kind, body in read_frames(reader):
                if kind == ANNOUNCE and len(body) >= 4:
                    ttl, _, data_type = struct.unpack(">BBH", body[:4])
                    self.announce(writer, ttl, data_type, body[4:])
                elif kind == NOTIFY and len(body) == 4:
                    self.subscribers.setdefault(struct.unpack(">H", body[2:])[0], set()).add(writer)
                elif kind == VALIDATION and len(body) == 4:
                    local_id, flags = struct.unpack(">HH", body)
                    self.validation(writer, local_id, flags & 1 == 1)
                else:
                    raise ValueError(f"malformed API message type {kind}")
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            for modules in self.subscribers.values():
                modules.discard(writer)
            writer.close()

    async def link(self, reader, writer):
        self.links.add(writer)
        print(f"links {len(self.links)}", flush=True)
        try:
            async for kind, body in read_frames(reader):
                if kind != ITEM or len(body) < 12:
                    raise ValueError("malformed p2p message")
                msg_id, ttl, _, data_type = struct.unpack(">QBBH", body[:12])
                self.from_network(Item(msg_id, ttl, data_type, body[12:], writer))
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            self.links.discard(writer)
            print(f"links {len(self.links)}", flush=True)
            writer.close()


async def dial(node, port):
    while True:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    await node.link(reader, writer)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-port", type=int, required=True)
    parser.add_argument("--p2p-port", type=int, required=True)
    parser.add_argument("--peers", default="")
    parser.add_argument("--validation-timeout", type=float, default=5.0)
    args = parser.parse_args()
    node = Node(args.validation_timeout)
    api = await asyncio.start_server(node.module, "127.0.0.1", args.api_port)
    p2p = await asyncio.start_server(node.link, "127.0.0.1", args.p2p_port)
    # One link per pair: dial the peers with a higher port, accept the others.
    peers = [int(p) for p in args.peers.split(",") if p]
    dials = [asyncio.create_task(dial(node, p)) for p in peers if p > args.p2p_port]
    async with api, p2p:
        await asyncio.gather(api.serve_forever(), p2p.serve_forever(), *dials)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)

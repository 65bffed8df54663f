/**
 * The whole-network live view of `pnpm demo --web`: one page (the daemon's own live page, with every
 * node as a source) and a read-only proxy from /node/<i>/status and /node/<i>/events to node i's
 * status port, so the page talks to one origin and the daemons need no CORS.
 */
import { createServer, type Server } from 'node:http';
import { LIVE_PAGE_CSP, livePage } from '../src/live/page.js';

/** Connections served at once (a few browser tabs). */
export const LIVE_SERVER_MAX_CONNECTIONS = 32;

export interface LiveNode {
  name: string;
  statusPort: number;
}

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

/** Serve the page for `nodes` on 127.0.0.1:`port` (0: any free port). */
export async function startLiveServer(nodes: LiveNode[], port = 0, hopMs?: number): Promise<LiveServer> {
  const page = livePage({
    title: `Gossip-5 demo network: ${nodes.length} nodes`,
    sources: nodes.map((n, i) => ({ base: `/node/${i}`, name: n.name })),
    hopMs,
  });
  const server: Server = createServer((req, res) => {
    const [path, query] = (req.url ?? '/').split('?') as [string, string?];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/' || path === '/live') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': LIVE_PAGE_CSP }).end(page);
      return;
    }
    const m = /^\/node\/(\d+)\/(status|events)$/.exec(path);
    const node = m ? nodes[Number(m[1])] : undefined;
    if (!m || !node) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    fetch(`http://127.0.0.1:${node.statusPort}/${m[2]}${query ? `?${query}` : ''}`).then(
      async (up) => {
        res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' });
        res.end(Buffer.from(await up.arrayBuffer()));
      },
      () => res.writeHead(502, { 'content-type': 'text/plain' }).end(`${node.name} is not answering\n`),
    );
  });
  server.maxConnections = LIVE_SERVER_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve());
  });
  const bound = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${bound.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

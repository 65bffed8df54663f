import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { EventsPage } from './live/events.js';
import { LIVE_PAGE_CSP, livePage } from './live/page.js';

/** Connections the status port serves at once (it is for operators and scrapers, not for load). */
export const MAX_STATUS_CONNECTIONS = 64;
/** A request must arrive whole within this. */
export const STATUS_REQUEST_TIMEOUT_MS = 10_000;

export interface StatusRoutes {
  registry: Registry;
  status(): unknown;
  /** Recent item and link events numbered above `after` (GET /events?after=N). */
  events(after: number): EventsPage;
}

/** The page a node serves at / and /live: itself, its neighbours, items as they pass through. */
const NODE_PAGE = livePage({ title: 'Gossip-5 live view', sources: [{ base: '', name: 'this node' }] });

/**
 * On the metrics_address: GET /metrics (Prometheus text), /status (JSON), /events (JSON, the live
 * view's feed) and / or /live (the live view's page); anything else 404.
 */
export function createStatusServer(routes: StatusRoutes): Server {
  const server = createServer({ requestTimeout: STATUS_REQUEST_TIMEOUT_MS, headersTimeout: STATUS_REQUEST_TIMEOUT_MS }, (req, res) => {
    const [path, query = ''] = (req.url ?? '/').split('?') as [string, string?];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/metrics') {
      routes.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': routes.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
      return;
    }
    if (path === '/status') {
      const body = JSON.stringify(routes.status(), null, 2);
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${body}\n`);
      return;
    }
    if (path === '/events') {
      const after = Number(new URLSearchParams(query).get('after') ?? 0);
      const page = routes.events(Number.isSafeInteger(after) && after >= 0 ? after : 0);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(page));
      return;
    }
    if (path === '/' || path === '/live') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': LIVE_PAGE_CSP }).end(NODE_PAGE);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /status, /events or /live\n');
  });
  server.maxConnections = MAX_STATUS_CONNECTIONS;
  return server;
}

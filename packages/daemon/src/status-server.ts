import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** Connections the status port serves at once (it is for operators and scrapers, not for load). */
export const MAX_STATUS_CONNECTIONS = 64;
/** A request must arrive whole within this. */
export const STATUS_REQUEST_TIMEOUT_MS = 10_000;

export interface StatusRoutes {
  registry: Registry;
  status(): unknown;
}

/** GET /metrics (Prometheus text) and GET /status (JSON) on the metrics_address; anything else 404. */
export function createStatusServer(routes: StatusRoutes): Server {
  const server = createServer({ requestTimeout: STATUS_REQUEST_TIMEOUT_MS, headersTimeout: STATUS_REQUEST_TIMEOUT_MS }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
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
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /status\n');
  });
  server.maxConnections = MAX_STATUS_CONNECTIONS;
  return server;
}

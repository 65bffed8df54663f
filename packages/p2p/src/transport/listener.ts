import { createServer, type Server, type Socket } from 'node:net';

/** A listening TCP server. */
export interface Listener {
  /** The bound port (the requested one, or the one the OS picked for 0). */
  readonly port: number;
  /** Stop accepting; resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Listen on `host:port`. Rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL, ...)
 * so the caller can name it. Each accepted socket goes to `onSocket`.
 */
export function listen(
  host: string,
  port: number,
  onSocket: (socket: Socket) => void,
  onError: (err: Error) => void,
): Promise<Listener> {
  const server: Server = createServer({ noDelay: true }, onSocket);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', onError);
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      let closing: Promise<void> | undefined;
      resolve({
        port: bound,
        close: () => (closing ??= new Promise<void>((done) => server.close(() => done()))),
      });
    });
  });
}

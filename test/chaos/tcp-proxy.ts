/**
 * A TCP relay on 127.0.0.1 in front of a real server (the SMTP receiver), for faults the server itself has no
 * switch for: `reset` accepts connections and drops them at once (a server that crashes on every connection),
 * `up` relays bytes both ways. Each dropped connection is counted, so a test knows a retry really happened.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections dropped while in `reset` mode. */
  dropped(): number;
  setMode(mode: 'up' | 'reset'): void;
  waitForDrop(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, initial: 'up' | 'reset' = 'up'): Promise<TcpProxy> {
  let mode = initial;
  let dropped = 0;
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (mode === 'reset') {
      dropped += 1;
      client.resetAndDestroy();
      for (const wake of waiters) wake();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    dropped: () => dropped,
    setMode: (next) => {
      mode = next;
    },
    waitForDrop: (timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const start = dropped;
        const timer = setTimeout(() => reject(new Error(`no connection dropped within ${timeoutMs} ms`)), timeoutMs);
        const wake = () => {
          if (dropped > start) {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          }
        };
        waiters.add(wake);
      }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

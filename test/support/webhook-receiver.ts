/**
 * A real HTTP server on 127.0.0.1 standing in for a Slack incoming webhook: it keeps every JSON body posted to its
 * secret path, with the `Idempotency-Key` header, so tests can count unique deliveries. Faults for chaos tests:
 * fail the next N requests with a status (500 by default), answer slowly, or be down (nothing listening on the port)
 * and come back up on the same port.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface WebhookRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  idempotencyKey?: string;
  rawBody: string;
  /** The parsed JSON body; undefined when the body was not JSON. */
  body: unknown;
  /** What the receiver answered. */
  status: number;
  receivedAt: number;
}

export interface WebhookReceiverOptions {
  /** Path that plays the role of the secret in a Slack webhook URL; default `/services/T0/B0/<random>`. */
  path?: string;
  /** Answer the first N requests with `failStatus`. */
  failFirst?: number;
  failStatus?: number;
  /** Wait this long before answering (timeout tests). */
  delayMs?: number;
  /** Start down: the port is reserved (and returned in `url`) but nothing listens until `goUp()`. */
  down?: boolean;
}

export interface WebhookReceiver {
  port: number;
  /** Full URL including the secret path. */
  url: string;
  path: string;
  /** Requests answered 2xx (deliveries). */
  messages: WebhookRequest[];
  /** Every request, failed ones included. */
  requests: WebhookRequest[];
  /** Distinct Idempotency-Key values among delivered messages. */
  uniqueKeys(): string[];
  waitFor(predicate: (request: WebhookRequest) => boolean, timeoutMs?: number): Promise<WebhookRequest>;
  /** Fail the next `count` requests with `status` (default 500). */
  failNext(count: number, status?: number): void;
  setDelay(ms: number): void;
  /** Stop listening (connections refused) until `goUp()`. */
  goDown(): Promise<void>;
  goUp(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const path = options.path ?? `/services/T0/B0/${randomBytes(12).toString('hex')}`;
  const messages: WebhookRequest[] = [];
  const requests: WebhookRequest[] = [];
  const waiters = new Set<() => void>();
  let failRemaining = options.failFirst ?? 0;
  let failStatus = options.failStatus ?? 500;
  let delayMs = options.delayMs ?? 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      let status = 200;
      if (req.method !== 'POST' || req.url !== path) status = 404;
      else if (failRemaining > 0) {
        failRemaining -= 1;
        status = failStatus;
      } else if (body === undefined) status = 400;
      const keyHeader = req.headers['idempotency-key'];
      const record: WebhookRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        ...(typeof keyHeader === 'string' ? { idempotencyKey: keyHeader } : {}),
        rawBody,
        body,
        status,
        receivedAt: Date.now(),
      };
      const answer = () => {
        requests.push(record);
        if (status >= 200 && status < 300) messages.push(record);
        for (const wake of waiters) wake();
        // Slack answers a bare "ok"; errors carry a short reason.
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : `error ${status}`);
      };
      if (delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, delayMs);
        timers.add(timer);
      } else {
        answer();
      }
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  await listen(0);
  const { port } = server.address() as AddressInfo;
  if (options.down) await stop();

  return {
    port,
    url: `http://127.0.0.1:${port}${path}`,
    path,
    messages,
    requests,
    uniqueKeys: () => [...new Set(messages.map((m) => m.idempotencyKey).filter((k): k is string => k !== undefined))],
    waitFor: (predicate, timeoutMs = 5_000) =>
      waitForItem(messages, waiters, predicate, timeoutMs, (m) => `${m.status} ${m.idempotencyKey ?? '(no key)'}`),
    failNext: (count, status = 500) => {
      failRemaining = count;
      failStatus = status;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    goDown: stop,
    goUp: async () => {
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}

/** Resolves on the first match, now or later; rejects after the timeout, saying what came. */
function waitForItem<T>(
  items: readonly T[],
  waiters: Set<() => void>,
  predicate: (item: T) => boolean,
  timeoutMs: number,
  describe: (item: T) => string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const check = (): boolean => {
      const found = items.find(predicate);
      if (found === undefined) return false;
      clearTimeout(timer);
      waiters.delete(check);
      resolve(found);
      return true;
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(
        new Error(
          `nothing matching arrived within ${timeoutMs} ms; received ${items.length}: ${items.map(describe).join(' | ') || 'nothing'}`,
        ),
      );
    }, timeoutMs);
    if (!check()) waiters.add(check);
  });
}

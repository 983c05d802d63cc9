/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps every message it receives, parsed: the
 * envelope, the headers (From, To, Cc, Subject, Message-ID, Idempotency-Key), the plain text and the attachments,
 * including the raw .ics of a calendar invitation. For adapter, chaos and end-to-end tests.
 *
 * The MIME reading below is deliberately small (multipart, base64, quoted-printable, encoded words): no e-mail
 * parsing library is installed, and the messages come from nodemailer, whose output is regular.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';

export interface MailAddress {
  name: string;
  address: string;
}

export interface ReceivedAttachment {
  filename?: string;
  /** The whole Content-Type header, e.g. `text/calendar; method=REQUEST; charset=UTF-8`. */
  contentType: string;
  /** Just the media type, lower case: `text/calendar`. */
  mimeType: string;
  /** `attachment` for attached files, `inline` for an alternative body such as the text/calendar part. */
  disposition: 'attachment' | 'inline';
  content: Buffer;
  /** `content` as UTF-8 text. */
  text: string;
}

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The authenticated SMTP user, when the server asked for credentials. */
  user?: string;
  /** First value of each header, names in lower case, encoded words decoded. */
  headers: Record<string, string>;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  messageId: string;
  /** The text/plain body, line ends as \n. */
  text: string;
  html?: string;
  attachments: ReceivedAttachment[];
  /** The first text/calendar part (attachment or alternative), as sent. */
  calendar?: string;
  raw: string;
}

export interface SmtpReceiverOptions {
  /** Require AUTH with exactly these credentials (PLAIN/LOGIN over the plain connection, as on loopback). */
  auth?: { user: string; pass: string };
}

export interface SmtpReceiver {
  host: string;
  port: number;
  /** `smtp://127.0.0.1:<port>` (add credentials yourself when `auth` is set). */
  url: string;
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or arriving) that matches. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Distinct Message-IDs received: what a deduplicating mailbox would show. */
  uniqueMessageIds(): string[];
  close(): Promise<void>;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    logger: false,
    secure: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    closeTimeout: 500,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        try {
          const raw = Buffer.concat(chunks).toString('utf8');
          const mail = parseMail(raw);
          messages.push({
            ...mail,
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            ...(typeof session.user === 'string' ? { user: session.user } : {}),
          });
          for (const wake of waiters) wake();
          callback();
        } catch (error) {
          callback(error as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Errors after start (a client dropping the connection) are part of the tests, not failures of the receiver.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor: (predicate, timeoutMs = 5_000) =>
      waitForItem(messages, waiters, predicate, timeoutMs, (m) => `"${m.subject}" to ${m.envelope.to.join(', ')}`),
    uniqueMessageIds: () => [...new Set(messages.map((m) => m.messageId))],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
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

type ParsedMail = Omit<ReceivedMail, 'envelope' | 'user'>;

export function parseMail(raw: string): ParsedMail {
  const root = parseEntity(raw);
  const headers: Record<string, string> = {};
  for (const [name, values] of root.headers) {
    if (values[0] !== undefined) headers[name] = decodeWords(values[0]);
  }
  const result: ParsedMail = {
    headers,
    from: parseAddresses(headers.from ?? ''),
    to: parseAddresses(headers.to ?? ''),
    cc: parseAddresses(headers.cc ?? ''),
    subject: headers.subject ?? '',
    messageId: (headers['message-id'] ?? '').trim(),
    text: '',
    attachments: [],
    raw,
  };
  collectParts(root, result);
  const calendar = result.attachments.find((a) => a.mimeType === 'text/calendar');
  if (calendar) result.calendar = calendar.text;
  return result;
}

interface Entity {
  headers: Map<string, string[]>;
  body: string;
}

function parseEntity(raw: string): Entity {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string[]>();
  // Unfold: a line starting with white space continues the previous header.
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { headers, body };
}

function collectParts(entity: Entity, into: ParsedMail): void {
  const contentType = entity.headers.get('content-type')?.[0] ?? 'text/plain; charset=us-ascii';
  const { value: mimeType, params } = parseHeaderValue(contentType);
  if (mimeType.startsWith('multipart/')) {
    const boundary = params.boundary;
    if (!boundary) return;
    for (const part of splitMultipart(entity.body, boundary)) collectParts(parseEntity(part), into);
    return;
  }
  const content = decodeBody(entity.body, entity.headers.get('content-transfer-encoding')?.[0]);
  const dispositionHeader = entity.headers.get('content-disposition')?.[0];
  const disposition = dispositionHeader ? parseHeaderValue(dispositionHeader) : undefined;
  const filename = disposition?.params.filename ?? params.name;
  const isAttachment = disposition?.value === 'attachment' || filename !== undefined;
  // Bodies read as a mail client shows them (line ends as \n); attachments stay byte for byte.
  if (!isAttachment && mimeType === 'text/plain' && !into.text) {
    into.text = content.toString('utf8').replace(/\r\n/g, '\n');
  } else if (!isAttachment && mimeType === 'text/html' && into.html === undefined) {
    into.html = content.toString('utf8').replace(/\r\n/g, '\n');
  } else {
    into.attachments.push({
      ...(filename !== undefined ? { filename: decodeWords(filename) } : {}),
      contentType,
      mimeType,
      disposition: disposition?.value === 'attachment' ? 'attachment' : 'inline',
      content,
      text: content.toString('utf8'),
    });
  }
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const lines = body.split(/\r?\n/);
  let current: string[] | undefined;
  for (const line of lines) {
    if (line === `--${boundary}--`) {
      if (current) parts.push(current.join('\r\n'));
      return parts;
    }
    if (line === `--${boundary}`) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '7bit').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return Buffer.from(body, 'utf8');
  }
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i += 1) {
    const char = soft[i] as string;
    const hex = soft.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of Buffer.from(char, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`); white space between two of them is dropped. */
export function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, kind: string, data: string) => {
      const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return bytes.toString(/^(iso-8859-1|latin1|us-ascii)$/i.test(charset) ? 'latin1' : 'utf8');
    });
}

/** `type/subtype; a=b; c="d"` → value in lower case and parameters (RFC 2231 `name*=utf-8''...` decoded). */
function parseHeaderValue(header: string): { value: string; params: Record<string, string> } {
  const [first, ...rest] = splitOutsideQuotes(header, ';');
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    let key = piece.slice(0, eq).trim().toLowerCase();
    let value = piece.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (key.endsWith('*')) {
      key = key.slice(0, -1);
      value = decodeURIComponent(value.replace(/^[^']*'[^']*'/, ''));
    }
    params[key] = value;
  }
  return { value: (first ?? '').trim().toLowerCase(), params };
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (char === '\\' && quoted) {
      current += char + (text[i + 1] ?? '');
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === separator && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  out.push(current);
  return out;
}

export function parseAddresses(header: string): MailAddress[] {
  return splitOutsideQuotes(header, ',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const angle = /^(.*)<([^>]+)>\s*$/.exec(entry);
      if (!angle) return { name: '', address: entry.toLowerCase() };
      const name = (angle[1] ?? '')
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/\\(.)/g, '$1');
      return { name, address: (angle[2] ?? '').trim().toLowerCase() };
    });
}

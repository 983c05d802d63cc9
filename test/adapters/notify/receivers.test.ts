/**
 * The loopback receivers other tests (chaos, end-to-end) rely on: their fault switches and what they record.
 * Driven with plain clients (undici, nodemailer) so the receivers are checked independently of our channels.
 */
import nodemailer from 'nodemailer';
import { request } from 'undici';
import { decodeWords, parseAddresses } from '../../support/smtp-receiver';
import { startSmtpReceiver } from '../../support/smtp-receiver';
import { startWebhookReceiver } from '../../support/webhook-receiver';

async function post(url: string, body: string, key?: string): Promise<number> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body,
    reset: true,
  });
  await response.body.dump();
  return response.statusCode;
}

describe('webhook receiver', () => {
  it('fails the first N requests, then records deliveries with their keys', async () => {
    const hook = await startWebhookReceiver({ failFirst: 2 });
    try {
      expect(await post(hook.url, '{"text":"a"}', 'k1')).toBe(500);
      expect(await post(hook.url, '{"text":"a"}', 'k1')).toBe(500);
      expect(await post(hook.url, '{"text":"a"}', 'k1')).toBe(200);
      expect(await post(hook.url, '{"text":"a"}', 'k1')).toBe(200);
      expect(await post(hook.url, '{"text":"b"}', 'k2')).toBe(200);
      expect(hook.requests.map((r) => r.status)).toEqual([500, 500, 200, 200, 200]);
      expect(hook.messages).toHaveLength(3);
      expect(hook.uniqueKeys()).toEqual(['k1', 'k2']);
      expect(hook.messages[0]?.body).toEqual({ text: 'a' });
    } finally {
      await hook.close();
    }
  });

  it('answers 404 off its secret path and 400 to a body that is not JSON', async () => {
    const hook = await startWebhookReceiver({ path: '/services/T1/B1/secret' });
    try {
      expect(hook.url).toBe(`http://127.0.0.1:${hook.port}/services/T1/B1/secret`);
      expect(await post(`http://127.0.0.1:${hook.port}/other`, '{}')).toBe(404);
      expect(await post(hook.url, 'not json')).toBe(400);
      expect(hook.messages).toHaveLength(0);
    } finally {
      await hook.close();
    }
  });

  it('starts down on a reserved port and comes up on it', async () => {
    const hook = await startWebhookReceiver({ down: true });
    try {
      await expect(post(hook.url, '{}')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await hook.goUp();
      expect(await post(hook.url, '{"ok":true}', 'k')).toBe(200);
      await expect(hook.waitFor((r) => r.idempotencyKey === 'k', 1000)).resolves.toMatchObject({ body: { ok: true } });
      await expect(hook.waitFor((r) => r.idempotencyKey === 'never', 50)).rejects.toThrow(
        /nothing matching arrived within 50 ms; received 1/,
      );
    } finally {
      await hook.close();
    }
  });
});

describe('SMTP receiver', () => {
  it('parses what nodemailer sends: addresses, encoded subject, text, attachments', async () => {
    const smtp = await startSmtpReceiver();
    const transport = nodemailer.createTransport({ url: smtp.url, logger: false });
    try {
      await transport.sendMail({
        from: '"Ops Bot" <bot@example.com>',
        to: '"Doe, Jane" <jane@example.com>',
        cc: 'omar@example.com',
        subject: 'Upgrade 2.4.6 → 2.4.8 ✓ a long subject that nodemailer folds across lines for sure',
        text: 'Hello — 100% = done\nsecond line',
        messageId: '<fixed@test.invalid>',
        attachments: [{ filename: 'notes.txt', content: Buffer.from('binary\u0000ish') }],
      });
      const mail = await smtp.waitFor((m) => m.messageId === '<fixed@test.invalid>');
      expect(mail.subject).toBe('Upgrade 2.4.6 → 2.4.8 ✓ a long subject that nodemailer folds across lines for sure');
      expect(mail.text.trimEnd()).toBe('Hello — 100% = done\nsecond line');
      expect(mail.from).toEqual([{ name: 'Ops Bot', address: 'bot@example.com' }]);
      expect(mail.to).toEqual([{ name: 'Doe, Jane', address: 'jane@example.com' }]);
      expect(mail.cc).toEqual([{ name: '', address: 'omar@example.com' }]);
      expect(mail.envelope).toEqual({ from: 'bot@example.com', to: ['jane@example.com', 'omar@example.com'] });
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0]).toMatchObject({ filename: 'notes.txt', disposition: 'attachment' });
      expect(mail.attachments[0]?.content.equals(Buffer.from('binary\u0000ish'))).toBe(true);
      expect(smtp.uniqueMessageIds()).toEqual(['<fixed@test.invalid>']);
    } finally {
      transport.close();
      await smtp.close();
    }
  });

  it('decodes encoded words and address lists', () => {
    expect(decodeWords('=?UTF-8?Q?caf=C3=A9?= =?UTF-8?B?4pyT?=')).toBe('café✓');
    expect(parseAddresses('"A, B" <a@x.example>, c@y.example')).toEqual([
      { name: 'A, B', address: 'a@x.example' },
      { name: '', address: 'c@y.example' },
    ]);
  });
});

/**
 * Shows what the landscape's SMTP server and webhook receiver got, one line per delivery, as it arrives: the
 * newcomer sees who is told what (approval requests, reminders, invitations with calendar files, change requests).
 */
import type { LocalLandscape } from '../../test/support/local-landscape';

export interface InboxWatcher {
  /** Lines printed so far, in order (the demo's test reads them). */
  readonly lines: string[];
  /** Resolves once nothing new arrived for `quietMs` (at most `maxMs`): messages still on their way are shown. */
  settle(quietMs?: number, maxMs?: number): Promise<void>;
  stop(): void;
}

function slackText(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as { text?: unknown }).text === 'string') {
    return (body as { text: string }).text.split('\n')[0] ?? '';
  }
  return '(not a chat message)';
}

export function watchInbox(
  landscape: Pick<LocalLandscape, 'smtp' | 'webhook'>,
  print: (line: string) => void,
  intervalMs = 300,
): InboxWatcher {
  const lines: string[] = [];
  let mails = 0;
  let hooks = 0;
  const emit = (line: string) => {
    lines.push(line);
    print(line);
  };
  const poll = () => {
    for (const mail of landscape.smtp.messages.slice(mails)) {
      const to = mail.envelope.to.join(', ');
      const invite = mail.calendar ? '  [calendar invitation]' : '';
      emit(`mail     to ${to}: ${mail.subject}${invite}`);
    }
    mails = landscape.smtp.messages.length;
    for (const hook of landscape.webhook.messages.slice(hooks)) emit(`webhook  ${slackText(hook.body)}`);
    hooks = landscape.webhook.messages.length;
  };
  const timer = setInterval(poll, intervalMs);
  return {
    lines,
    async settle(quietMs = 1_000, maxMs = 5_000) {
      const deadline = Date.now() + maxMs;
      let seen = -1;
      let quietSince = Date.now();
      while (Date.now() < deadline) {
        poll();
        if (lines.length !== seen) {
          seen = lines.length;
          quietSince = Date.now();
        } else if (Date.now() - quietSince >= quietMs) {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop() {
      clearInterval(timer);
      poll();
    },
  };
}

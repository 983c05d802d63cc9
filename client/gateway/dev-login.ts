/**
 * Completes a sign-in at the local development identity provider as a person would in a browser: open the link
 * `cuo login` shows, confirm the code, pick the account. Plain HTTP with a cookie jar, following the provider's
 * own forms. For the demo's autopilot and the tests only: it works against the development login and nothing else.
 */
const MAX_STEPS = 12;

class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      if (at > 0) this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function formOf(html: string, baseUrl: string): { action: string; fields: URLSearchParams } | undefined {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields = new URLSearchParams();
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name)
      fields.set(
        name,
        value
          .replace(/&amp;/g, '&')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>'),
      );
  }
  return { action: new URL(form[1]!.replace(/&amp;/g, '&'), baseUrl).toString(), fields };
}

/**
 * Signs `email` in through the device-flow link (`verification_uri_complete`). Resolves when the provider says
 * the device is signed in; throws with the page's text otherwise. `unverified` marks the e-mail as not verified.
 */
export async function completeDevLogin(link: string, email: string, options: { unverified?: boolean } = {}): Promise<void> {
  const jar = new CookieJar();
  let url = link;
  let method = 'GET';
  let body: URLSearchParams | undefined;
  for (let step = 0; step < MAX_STEPS; step++) {
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body ? { body: body.toString() } : {}),
    });
    jar.take(res);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    if (/Signed in/.test(html)) return;
    if (!res.ok)
      throw new Error(
        `development login failed (${res.status}): ${html
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .slice(0, 300)}`,
      );
    const form = formOf(html, url);
    if (!form) throw new Error(`development login: no form on ${url}`);
    if (/Development login/.test(html)) {
      form.fields.set('email', email);
      if (options.unverified) form.fields.set('unverified', 'yes');
    }
    url = form.action;
    method = 'POST';
    body = form.fields;
  }
  throw new Error('development login did not finish');
}

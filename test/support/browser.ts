/**
 * A real Chromium for the page tests (Debian's, at /usr/bin/chromium or CHROMIUM_PATH; scripts/ensure-deps.sh
 * installs it where it is missing), driven by puppeteer-core. One browser per test file; each person gets their
 * own context (an empty profile), so cookies never mix. The flags keep a root, offline, headless Chromium from
 * stalling on its sandbox, GPU, first-run and background-network steps. Screenshots go to test-output/ (git-ignored).
 * playwright-core rather than puppeteer-core: it is CommonJS, which Jest on Node 20 can load (puppeteer-core 25 is
 * ES modules only), and it downloads no browser of its own.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'test-output', 'pages');

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `no Chromium at ${candidates.join(', ')}: run scripts/ensure-deps.sh as root (apt-get install -y chromium), or set CHROMIUM_PATH`,
    );
  return found;
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh incognito context with one page, for one person. */
  person(): Promise<{ context: BrowserContext; page: Page }>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<TestBrowser> {
  // launch() gives every context an empty profile of its own (the empty --user-data-dir a root Chromium needs).
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    person: async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return { context, page };
    },
    screenshot: async (page, name) => {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: async () => {
      await browser.close();
    },
  };
}

/**
 * Opens `url` on the gateway; when it sends the browser to sign in, picks `email` on the development login (the
 * real oidc-provider, authorization code flow with PKCE) and follows the redirects back to `url`.
 */
export async function openSignedIn(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  if (!(await page.$('h1')) || !/Development login/.test(await page.$eval('h1', (h) => h.textContent ?? ''))) return;
  const listed = await page.$(`button[name="email"][value="${email}"]`);
  if (listed) {
    await listed.click();
  } else {
    await page.fill('#email', email);
    await page.click('button[type="submit"]:not([name])');
  }
  // Back through /auth/callback to the page asked for.
  await page.waitForURL((at) => at.href.startsWith(url.split('?')[0]!), { waitUntil: 'load' });
}

export async function textOf(page: Page, selector = 'main'): Promise<string> {
  return page.$eval(selector, (el) => (el as HTMLElement).innerText);
}

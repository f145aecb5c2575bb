/**
 * The citizen page end to end: Debian's headless Chromium (playwright-core, the flags of
 * stack-notes.md, a fresh profile, a 360 px phone viewport) opens `/` on the real server, asks about
 * birth registration, follows up with "Lệ phí", asks for an officer, and must see the answers, no
 * "Send failed" and no Content-Security-Policy violation; the screenshot goes to
 * artifacts/screenshots/webchat.png. Skipped only when /usr/bin/chromium is missing outside CI. The
 * page's HTTP surface (headers, escaping, the bundle) is checked without a browser.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { renderPage, TEXTS } from '../../channels/webchat/page';
import type { RunningServer } from '../../src/server/start-server';
import { startTestServer } from '../support/test-server';
import { CHROMIUM, CHROMIUM_FLAGS, describeInChromium, watchForProblems } from '../support/chromium';

const SCREENSHOT = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots', 'webchat.png');
/** Web Chat's failure text in English and in its vi-VN strings. */
const SEND_FAILED = /Send failed|Đã không gửi được/;

let running: RunningServer;
beforeAll(async () => {
  running = await startTestServer();
});
afterAll(async () => {
  await running.close();
});

describe('citizen page over HTTP', () => {
  it('serves the page with a strict Content-Security-Policy and no inline script or secret', async () => {
    const res = await fetch(`${running.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<title>Trợ lý Tư pháp – Sở Tư pháp Nghệ An</title>');
    expect(html).toContain('name="viewport" content="width=device-width, initial-scale=1');
    expect(html).toContain('>Gặp cán bộ</button>');
    expect(html).toContain('src="webchat/webchat.js"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
    expect(html).not.toMatch(/<style|style=|token|secret/i);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(html).toContain(`nonce="${nonce}"`);
    const again = await fetch(`${running.url}/`);
    expect(again.headers.get('content-security-policy')).not.toBe(csp); // a fresh nonce each time
  });

  it('escapes every text it puts in the page', () => {
    const html = renderPage('n"once', {
      ...TEXTS,
      title: '<script>alert(1)</script>',
      placeholder: '" onfocus="x',
    });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('data-placeholder="&quot; onfocus=&quot;x"');
    expect(html).toContain('nonce="n&quot;once"');
  });

  it('serves the Web Chat bundle from node_modules, gzipped and cacheable, and the page assets', async () => {
    const bundle = await fetch(`${running.url}/webchat/webchat.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(bundle.headers.get('content-encoding')).toBe('gzip');
    expect(bundle.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await bundle.text()).toContain('WebChat');
    const etag = bundle.headers.get('etag')!;
    const cached = await fetch(`${running.url}/webchat/webchat.js`, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    for (const [asset, type] of [
      ['chat.js', /javascript/],
      ['chat.css', /text\/css/],
    ] as const) {
      const res = await fetch(`${running.url}/webchat/${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
    }
  });
});

describeInChromium('citizen page in headless Chromium', () => {
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(path.join(os.tmpdir(), 'webchat-e2e-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      locale: 'vi-VN',
    });
    page = context.pages()[0] ?? (await context.newPage());
    await watchForProblems(page, problems);
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Every message the user sent reached "sent" (its echo came back): none still sending, none failed. */
  async function expectAllSent(): Promise<void> {
    await page.getByText('Đang gửi').first().waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.locator('body').innerText()).not.toMatch(SEND_FAILED);
  }

  it('answers a question, a follow-up by button and a request for an officer', async () => {
    await page.goto(`${running.url}/`);
    await expect(page.title()).resolves.toBe('Trợ lý Tư pháp – Sở Tư pháp Nghệ An');
    await page.getByText('Xin chào! Tôi là Trợ lý Tư pháp').first().waitFor({ timeout: 30_000 });

    const input = page.getByPlaceholder(TEXTS.placeholder);
    await input.fill('làm giấy khai sinh cần giấy tờ gì');
    await input.press('Enter');
    // The markdown answer: the guide's title in bold, then the facet.
    await page.locator('strong', { hasText: 'Đăng ký khai sinh' }).first().waitFor({ timeout: 15_000 });
    await page
      .getByText(/·\s*Giấy tờ/)
      .first()
      .waitFor();
    const link = page.locator('a[href^="https://dichvucong.gov.vn/"]').first();
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expectAllSent();

    await page.getByRole('button', { name: 'Lệ phí', exact: true }).last().click();
    await page
      .getByText(/·\s*Lệ phí/)
      .first()
      .waitFor({ timeout: 15_000 });
    await expectAllSent();
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);

    const handoff = page.locator('#handoff');
    await expect(handoff.isEnabled()).resolves.toBe(true);
    await handoff.click();
    await page.getByText('Tôi sẽ chuyển anh/chị tới cán bộ').first().waitFor({ timeout: 15_000 });
    await expectAllSent();

    // Usable on a 360 px phone: nothing wider than the screen.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);

    expect(await page.locator('body').innerText()).not.toMatch(SEND_FAILED);
    expect(problems).toEqual([]);
  }, 120_000);
});

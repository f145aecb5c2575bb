/**
 * Debian's Chromium for the browser tests: where it is, the flags this sandbox needs (root, no GPU, no
 * background network), and the rule that a missing browser skips the tests only outside CI; what every
 * browser test does with it: launch it, watch a page for problems, log in through the officers' form.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const canRun = existsSync(CHROMIUM) || Boolean(process.env.CI);

/** `describe` when Chromium can run (always in CI), else `describe.skip` with the reason in the title. */
export function describeInChromium(title: string, body: () => void): void {
  if (canRun) describe(title, body);
  else
    describe.skip(
      `${title} — SKIPPED: ${CHROMIUM} is missing (install: apt-get install -y chromium; in CI this test runs)`,
      body,
    );
}

/** Launches Chromium headless with CHROMIUM_FLAGS (playwright-core is ESM only: imported when needed). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * For a describe block: Chromium launched in a beforeAll and closed in an afterAll. Hooks run in the
 * order they are declared: declare it before the server (serverWithDatabase), so that the browser and
 * the connections its pages hold are gone when the server stops.
 */
export function chromiumBrowser(): { readonly browser: Browser } {
  const launched: { browser?: Browser } = {};
  beforeAll(async () => {
    launched.browser = await launchChromium();
  });
  afterAll(async () => {
    await launched.browser?.close();
  });
  return launched as { readonly browser: Browser };
}

/** Runs in the page (a string: no DOM types in this project's TypeScript): CSP violations to the console. */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) =>
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`;

/**
 * Collects into `problems` what goes wrong in `page` from its next navigation on: CSP violations, console
 * errors (but those matching `ignore`) and uncaught page errors, each as `who: text` when `who` is given.
 */
export async function watchForProblems(
  page: Page,
  problems: string[],
  { who, ignore }: { who?: string; ignore?: RegExp } = {},
): Promise<void> {
  const note = (text: string) => problems.push(who === undefined ? text : `${who}: ${text}`);
  await page.addInitScript({ content: REPORT_CSP_VIOLATIONS });
  page.on('console', (m) => {
    if (m.type() === 'error' && !ignore?.test(m.text())) note(m.text());
  });
  page.on('pageerror', (e) => note(e.message));
}

export interface FormLogin {
  /** Opened first: the form (/agent/login, maybe with ?next=) or a page that must send there with ?next=. */
  start: string;
  username: string;
  password: string;
  /** Where the browser must be once logged in. */
  landing: string | RegExp;
}

/**
 * Logs in through the officers' form: opens `start`, fills #username and #password, submits, waits for
 * `landing`.
 */
export async function logInThroughForm(
  page: Page,
  { start, username, password, landing }: FormLogin,
): Promise<void> {
  await page.goto(start);
  if (!new URL(start).pathname.startsWith('/agent/login')) await page.waitForURL(/\/agent\/login\?next=/);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(landing);
}

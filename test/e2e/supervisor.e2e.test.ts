/**
 * The supervisor page end to end on a real PostgreSQL, in Debian's headless Chromium (playwright-core,
 * the flags of webchat.e2e): with a Zalo citizen waiting, an SMS conversation held by an officer and a
 * CSAT rating of 5, a supervisor logs in, follows the console header's "Giám sát" link, and sees both
 * tables and the figures with "cập nhật lúc HH:MM:SS". The page's clock is then paused (Playwright's
 * fake timers), so its 15 s refresh cannot run: a Direct Line citizen asking for an officer still
 * appears in the queue, without a reload, through the live events stream alone. The supervisor hands
 * that request to the officer from its row; it moves to the served table. An agent has no link and
 * gets 403 on the page. No CSP violation or page error on the supervisor's page; the screenshot goes
 * to artifacts/screenshots/supervisor.png. Skipped only when /usr/bin/chromium is missing outside CI.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createUser } from '../../src/auth/users';
import { chromiumBrowser, describeInChromium, logInThroughForm, watchForProblems } from '../support/chromium';
import { DirectLineCitizen } from '../support/directline-citizen';
import { serverWithDatabase } from '../support/server-with-database';

const SCREENSHOT = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots', 'supervisor.png');
const PASSWORD = 'mat-khau-rat-dai';

describeInChromium('supervisor page in headless Chromium', () => {
  const chromium = chromiumBrowser();
  const server = serverWithDatabase();
  const problems: string[] = [];

  const login = (page: Page, username: string) =>
    logInThroughForm(page, {
      start: `${server.running.url}/agent/login`,
      username,
      password: PASSWORD,
      landing: `${server.running.url}/agent`,
    });

  beforeAll(async () => {
    const { db, running } = server;
    await createUser(db.pool, { username: 'giamsat', password: PASSWORD, roles: ['supervisor'] });
    const canbo = await createUser(db.pool, { username: 'canbo', password: PASSWORD, roles: ['agent'] });
    const handoff = running.handoff!;
    await handoff.enqueue({ conversationId: 'zalo:e2e-waiting', channel: 'zalo', reason: 'asked' });
    const held = await handoff.enqueue({
      conversationId: 'twilio-sms:e2e-held',
      channel: 'twilio',
      reason: 'asked',
    });
    await handoff.queue.claim(held.handoff.id, Number(canbo.id));
    await handoff.storeCsat('zalo:e2e-rated', 5);
  });

  it('shows the queues and figures, live, and reassigns a request', async () => {
    const context = await chromium.browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await watchForProblems(page, problems);
    await page.clock.install();
    await login(page, 'giamsat');
    await page.click('#supervisor-link');
    await page.waitForURL(`${server.running.url}/agent/supervisor`);

    const queued = page.locator('#queued tr');
    const assigned = page.locator('#assigned tr');
    await queued.first().waitFor({ timeout: 15_000 });
    await expect(queued.count()).resolves.toBe(1);
    await expect(queued.first().innerText()).resolves.toMatch(/^1\tZalo\tThường\tCông dân yêu cầu\t/);
    await expect(assigned.count()).resolves.toBe(1);
    await expect(assigned.first().innerText()).resolves.toMatch(/^canbo\tSMS\t\d{2}:\d{2}:\d{2}\t/);
    const figure = (key: string) => page.locator(`li[data-figure="${key}"]`);
    await expect(figure('queue').locator('.value').innerText()).resolves.toBe('1');
    await expect(figure('queue').locator('.detail').innerText()).resolves.toBe('Zalo: 1');
    await expect(figure('handoffs').innerText()).resolves.toMatch(/2\s+đã nhận 1 · đã đóng 0 · bỏ dở 0/);
    await expect(figure('officers').locator('.detail').innerText()).resolves.toBe('canbo: 1');
    await expect(figure('csat').locator('.value').innerText()).resolves.toBe('5 / 5');
    await expect(page.locator('#updated').innerText()).resolves.toMatch(/^cập nhật lúc \d{2}:\d{2}:\d{2}$/);
    await page.getByText('Trực tuyến').waitFor({ timeout: 15_000 });

    // From here on the page's timers stand still: only the event stream can bring the new request.
    await page.clock.pauseAt(Date.now() + 3_600_000);
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'no reload'));
    const citizen = await DirectLineCitizen.start(server.running.url);
    await citizen.say('cho tôi gặp cán bộ');
    const webRow = page.locator('#queued tr', { hasText: 'Web chat' });
    await webRow.waitFor({ timeout: 15_000 });
    await expect(queued.count()).resolves.toBe(2);
    await expect(figure('queue').locator('.value').innerText()).resolves.toBe('2');
    await expect(page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).resolves.toBe(
      'no reload',
    );

    const id = await webRow.getAttribute('data-handoff');
    await webRow.locator('select').selectOption('canbo');
    await webRow.locator('button.reassign').click();
    await page.getByText(`Đã chuyển yêu cầu #${id} cho canbo.`).waitFor({ timeout: 15_000 });
    await page
      .locator(`#assigned tr[data-handoff="${id}"]`, { hasText: 'Web chat' })
      .waitFor({ timeout: 15_000 });
    await expect(queued.count()).resolves.toBe(1);
    await expect(figure('officers').locator('.detail').innerText()).resolves.toBe('canbo: 2');

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('gives an agent no link and a 403 page', async () => {
    const context = await chromium.browser.newContext({ locale: 'vi-VN' });
    const page = await context.newPage();
    await login(page, 'canbo');
    await page.locator('#queue').waitFor({ state: 'attached' });
    await expect(page.locator('#supervisor-link').count()).resolves.toBe(0);
    const response = await page.goto(`${server.running.url}/agent/supervisor`);
    expect(response?.status()).toBe(403);
    await page.getByText('Không có quyền truy cập').waitFor();
    await context.close();
  }, 60_000);
});

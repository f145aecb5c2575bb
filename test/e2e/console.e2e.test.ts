/**
 * The agent console end to end on a real PostgreSQL, in Debian's headless Chromium (playwright-core,
 * the flags of webchat.e2e): a citizen on `/` asks a question, then "cho tôi gặp cán bộ"; a second
 * browser context logs in at /agent/login, sees the queue item, claims it, sees the suggestions,
 * inserts one, edits and sends it; the citizen's page shows the officer's reply; the officer closes with
 * a reason; the citizen sees the CSAT question. No CSP violation or page error on either side; the
 * screenshot goes to artifacts/screenshots/console.png. Skipped only when /usr/bin/chromium is missing
 * outside CI.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { TEXTS } from '../../channels/webchat/page';
import { createUser } from '../../src/auth/users';
import { serverWithDatabase } from '../support/server-with-database';
import { sharedEngine } from '../support/test-server';
import { chromiumBrowser, describeInChromium, logInThroughForm, watchForProblems } from '../support/chromium';

const SCREENSHOT = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots', 'console.png');
describeInChromium('agent console in headless Chromium', () => {
  const chromium = chromiumBrowser();
  const server = serverWithDatabase();
  const problems: string[] = [];

  beforeAll(async () => {
    await createUser(server.db.pool, { username: 'canbo', password: 'mat-khau-rat-dai', roles: ['agent'] });
  });

  it('citizen asks for an officer → the officer claims, replies with a suggestion, closes → CSAT', async () => {
    const citizenContext = await chromium.browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 360, height: 740 },
    });
    const citizen = await citizenContext.newPage();
    await watchForProblems(citizen, problems, { who: 'citizen' });
    await citizen.goto(`${server.running.url}/`);
    await citizen.getByText('Xin chào! Tôi là Trợ lý Tư pháp').first().waitFor({ timeout: 30_000 });
    const input = citizen.getByPlaceholder(TEXTS.placeholder);
    await input.fill('làm giấy khai sinh cần giấy tờ gì');
    await input.press('Enter');
    await citizen.locator('strong', { hasText: 'Đăng ký khai sinh' }).first().waitFor({ timeout: 15_000 });
    await input.fill('cho tôi gặp cán bộ');
    await input.press('Enter');
    await citizen
      .getByText(/vị trí số 1/)
      .first()
      .waitFor({ timeout: 15_000 });

    const agentContext = await chromium.browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 1400, height: 900 },
    });
    const agent = await agentContext.newPage();
    await watchForProblems(agent, problems, { who: 'agent' });
    await logInThroughForm(agent, {
      start: `${server.running.url}/agent/login`,
      username: 'canbo',
      password: 'mat-khau-rat-dai',
      landing: `${server.running.url}/agent`,
    });
    const item = agent.locator('#queue button.item').first();
    await item.waitFor({ timeout: 15_000 });
    await expect(item.innerText()).resolves.toMatch(/directline · đang chờ/);
    await item.click();
    await agent.locator('#claim:not([disabled])').waitFor();
    await agent.locator('#transcript li', { hasText: 'cho tôi gặp cán bộ' }).waitFor();
    await agent.click('#claim');
    await agent.locator('#send:not([disabled])').waitFor({ timeout: 15_000 });
    await expect(agent.locator('#queue button.item').first().innerText()).resolves.toMatch(/đã nhận/);

    const suggestions = agent.locator('#suggestions li');
    await suggestions.nth(2).waitFor({ timeout: 15_000 });
    await expect(suggestions.count()).resolves.toBe(3);
    await expect(suggestions.first().innerText()).resolves.toMatch(/Đăng ký khai sinh[\s\S]*Nguồn:/);
    await suggestions.first().locator('button.insert').click();
    const reply = agent.locator('#reply');
    const inserted = await reply.inputValue();
    expect(inserted.length).toBeGreaterThan(20);
    await reply.fill(`Cán bộ xin trả lời: ${inserted}`);
    await agent.click('#send');
    await agent.getByText('Đã gửi.').waitFor({ timeout: 15_000 });

    await citizen.getByText('Cán bộ xin trả lời', { exact: false }).first().waitFor({ timeout: 15_000 });
    await agent.locator('#transcript li.officer').first().waitFor({ timeout: 15_000 });
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await agent.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    await agent.selectOption('#close-reason', 'đã giải đáp');
    await agent.click('#close');
    await agent.getByText('Đã đóng.').waitFor({ timeout: 15_000 });
    await citizen
      .getByText((await sharedEngine()).replies.csat_question.vi)
      .first()
      .waitFor({ timeout: 15_000 });
    await agent.locator('#queue-empty:not([hidden])').waitFor({ timeout: 15_000 });

    expect(problems).toEqual([]);
    await agentContext.close();
    await citizenContext.close();
  }, 120_000);
});

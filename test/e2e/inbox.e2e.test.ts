/**
 * The inbox of unanswered questions end to end in headless Chromium on a real PostgreSQL: with three
 * citizens' unanswered birth-registration questions in the transcripts (two spellings, one with a
 * phone number), an editor logs in at /agent/login?next=/editor/inbox, sees them as one group (count,
 * reasons, the phone number masked), opens "Gắn vào hướng dẫn", finds the guide the bot answered with
 * already chosen, creates the draft and lands on it in the guide editor, with the questions among the
 * example questions; back in the inbox the group is gone and listed as handled. No CSP violation or
 * page error; the screenshot goes to artifacts/screenshots/inbox.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createUser } from '../../src/auth/users';
import type { KnowledgeService } from '../../src/knowledge-store/knowledge-service';
import { getRevision } from '../../src/knowledge-store/revisions';
import type { RunningServer } from '../../src/server/start-server';
import { CHROMIUM, CHROMIUM_FLAGS, describeInChromium } from '../support/chromium';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { openTestKnowledge } from '../support/knowledge-store';
import { seedConversation } from '../support/seed-messages';
import { IN_OPENING_HOURS, startTestServer } from '../support/test-server';

const SCREENSHOT = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots', 'inbox.png');
const PASSWORD = 'mat-khau-rat-dai';
const GUIDE = 'guides/ho-tich/khai-sinh.md';
const PLAIN = 'lam giay khai sinh cho con o dau';
const ACCENTED = 'làm giấy khai sinh cho con ở đâu ạ';
const WITH_PHONE = 'Làm giấy khai sinh cho con ở đâu? số tôi 0912345678';
const hoursBefore = (h: number) => new Date(IN_OPENING_HOURS.getTime() - h * 3_600_000);

describeInChromium('inbox of unanswered questions in headless Chromium', () => {
  let db: TestDatabase;
  let knowledge: KnowledgeService;
  let running: RunningServer;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    knowledge = await openTestKnowledge(db, { rows: 10 });
    running = await startTestServer({}, { database: db, knowledge });
    await createUser(db.pool, { username: 'bientap', password: PASSWORD, roles: ['editor'] });
    await seedConversation(db.pool, 'zalo:e2e-1', 'zalo', [
      { question: PLAIN, decision: 'fallback', at: hoursBefore(30) },
    ]);
    await seedConversation(db.pool, 'directline:e2e-2', 'directline', [
      { question: ACCENTED, decision: 'fallback', at: hoursBefore(20) },
    ]);
    await seedConversation(db.pool, 'twilio:e2e-3', 'twilio', [
      {
        question: WITH_PHONE,
        decision: 'answer',
        confidence: 0.3,
        procedure: 'ho-tich/khai-sinh',
        answer: 'Đăng ký khai sinh tại UBND cấp xã.',
        at: hoursBefore(10),
      },
    ]);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await knowledge?.close();
    await db?.drop();
  });

  it('shows a group and attaches it to a guide as a draft', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) =>
        console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${running.url}/agent/login?next=/editor/inbox`);
    await page.fill('#username', 'bientap');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${running.url}/editor/inbox`);

    const group = page.locator('#groups tr[data-signature]', { hasText: PLAIN });
    await group.waitFor();
    expect(await page.locator('#groups tr[data-signature]').count()).toBe(1);
    const text = await group.innerText();
    expect(text).toContain(ACCENTED);
    expect(text).toContain('Làm giấy khai sinh cho con ở đâu? số tôi ***78');
    expect(text).not.toContain('0912345678');
    expect(text).toContain('Không hiểu: 2');
    expect(text).toContain('Độ tin cậy thấp: 1');
    expect(await page.locator('#summary').innerText()).toContain('3 câu hỏi chưa trả lời được, 1 nhóm');
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await group.locator('button.attach').click();
    await page.locator('#action').waitFor();
    expect(await page.inputValue('#guide')).toBe(GUIDE); // the guide the bot answered with
    const boxes = page.locator('#questions input[type=checkbox]');
    expect(await boxes.count()).toBe(3);
    // Not the one with the (masked) phone number.
    await page.locator('#questions label', { hasText: '***78' }).locator('input').uncheck();
    await page.click('#action-save');

    await page.waitForURL(/\/editor\/edit\?path=guides%2Fho-tich%2Fkhai-sinh\.md&revision=\d+$/);
    const revision = Number(new URL(page.url()).searchParams.get('revision'));
    await page.locator('#state', { hasText: `Bản #${revision}` }).waitFor();
    expect(await page.locator('#state').innerText()).toContain('Bản nháp');
    const examples = await page.inputValue('#f-examples');
    expect(examples.split('\n').slice(-2).sort()).toEqual([PLAIN, ACCENTED].sort());
    expect(examples).not.toContain('***78');
    expect(await getRevision(db.pool, revision)).toMatchObject({ status: 'draft', author: 'bientap' });

    await page.goto(`${running.url}/editor/inbox`);
    const handled = page.locator('#resolved tr', { hasText: `#${revision}` });
    await handled.waitFor();
    expect(await handled.innerText()).toContain('Gắn vào hướng dẫn: guides/ho-tich/khai-sinh.md');
    expect(await handled.innerText()).toContain('3 lần hỏi');
    expect(await page.locator('#groups tr[data-signature]').count()).toBe(0);
    expect(await page.locator('#groups').innerText()).toContain('Không có câu hỏi nào chưa trả lời');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});

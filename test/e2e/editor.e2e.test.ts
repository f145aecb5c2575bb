/**
 * The knowledge editor end to end in headless Chromium on a real PostgreSQL: an editor logs in at
 * /agent/login?next=/editor, opens the birth-registration guide, edits the fee section (live
 * validation says it is valid), previews the answer, saves and submits; a second editor approves →
 * the bot answers with the new text; a change that breaks eval questions is refused with the broken
 * questions listed (screenshot artifacts/screenshots/editor.png); rollback restores the first text.
 * No CSP violation or page error.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createUser } from '../../src/auth/users';
import { chromiumBrowser, describeInChromium, logInThroughForm, watchForProblems } from '../support/chromium';
import { serverWithDatabase } from '../support/server-with-database';
import { until } from '../support/until';

const SCREENSHOT = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots', 'editor.png');
const PATH = 'guides/ho-tich/khai-sinh.md';
const QUESTION = 'khai sinh cho con có mất lệ phí không';
const PASSWORD = 'mat-khau-rat-dai';

describeInChromium('knowledge editor in headless Chromium', () => {
  const chromium = chromiumBrowser();
  const server = serverWithDatabase({ knowledge: true });
  const problems: string[] = [];

  const ask = async (): Promise<string> => {
    const res = await fetch(`${server.running.url}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: QUESTION }),
    });
    return ((await res.json()) as { answer: string }).answer;
  };

  async function loggedIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await chromium.browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 1300, height: 1000 },
    });
    const page = await context.newPage();
    await watchForProblems(page, problems, { who: username, ignore: /status of 4\d\d/ });
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'Không đúng' : undefined));
    await logInThroughForm(page, {
      start: `${server.running.url}/editor`,
      username,
      password: PASSWORD,
      landing: `${server.running.url}/editor`,
    });
    return { context, page };
  }

  const field = (page: Page, name: string) => page.locator(`[id="f-${name}"]`);
  /** The form is filled from the API once the title has a value. */
  const formLoaded = (page: Page) =>
    until(async () => ((await field(page, 'title').inputValue()) !== '' ? true : undefined), 30_000);

  async function openGuide(page: Page): Promise<void> {
    await page.locator(`#files tr[data-path="${PATH}"] a`).click();
    await page.waitForURL(/\/editor\/edit\?path=/);
    await formLoaded(page);
  }

  /** Saves the form as a draft and submits it; returns the revision id. */
  async function saveAndSubmit(page: Page): Promise<number> {
    await page.click('#save');
    await page.locator('#status', { hasText: 'Đã lưu bản nháp' }).waitFor();
    const id = Number(/#(\d+)/.exec((await page.textContent('#status')) ?? '')?.[1]);
    await page.click('#submit');
    await page.locator('#status', { hasText: 'Đã gửi duyệt' }).waitFor();
    return id;
  }

  async function approve(id: number): Promise<Page> {
    const { page } = await loggedIn('bob');
    await page.locator('#pending a', { hasText: `#${id}` }).click();
    await page.locator('#approve').waitFor({ state: 'visible' });
    await page.click('#approve');
    return page;
  }

  beforeAll(async () => {
    await createUser(server.db.pool, { username: 'alice', password: PASSWORD, roles: ['editor'] });
    await createUser(server.db.pool, { username: 'bob', password: PASSWORD, roles: ['editor'] });
  });

  it('edit → preview → review → publish → the bot answers with the new text; refused; rollback', async () => {
    const { rows } = await server.db.pool.query<{ id: string }>(
      `SELECT min(id) AS id FROM knowledge_revisions WHERE path = $1`,
      [PATH],
    );
    const seedRevision = Number(rows[0]!.id);

    // alice edits the fee section.
    const { page: alice } = await loggedIn('alice');
    await openGuide(alice);
    const fee = field(alice, 'facets.fee');
    await fee.fill('Khai sinh đúng hạn được miễn lệ phí. VĂN-BẢN-MỚI-TỪ-TRÌNH-DUYỆT.');
    await alice.locator('#checks', { hasText: 'Hợp lệ' }).waitFor();
    // Live validation names a broken field.
    await field(alice, 'examples').fill('chỉ một câu');
    await alice.locator('[data-field="examples"] .field-error', { hasText: /15/ }).waitFor();
    await alice.reload();
    await formLoaded(alice);
    await field(alice, 'facets.fee').fill('Khai sinh đúng hạn được miễn lệ phí. VĂN-BẢN-MỚI-TỪ-TRÌNH-DUYỆT.');
    await alice.fill('#question', QUESTION);
    await alice.click('#preview');
    await alice.locator('#preview-text', { hasText: 'VĂN-BẢN-MỚI-TỪ-TRÌNH-DUYỆT' }).waitFor();
    const first = await saveAndSubmit(alice);
    expect(await ask()).not.toContain('VĂN-BẢN-MỚI-TỪ-TRÌNH-DUYỆT');

    // bob reviews and publishes it.
    const bob = await approve(first);
    await bob.locator('#status', { hasText: 'Đã xuất bản' }).waitFor({ timeout: 60_000 });
    expect(await ask()).toContain('VĂN-BẢN-MỚI-TỪ-TRÌNH-DUYỆT');

    // A change that sends birth-registration questions elsewhere is refused, with the questions shown.
    await alice.goto(`${server.running.url}/editor`);
    await openGuide(alice);
    await field(alice, 'title').fill('Đăng ký kết hôn');
    await field(alice, 'aliases').fill('kết hôn\nđăng ký kết hôn');
    await field(alice, 'examples').fill(
      Array.from({ length: 15 }, (_, i) => `thủ tục kết hôn lần ${i + 1} cần gì`).join('\n'),
    );
    await field(alice, 'facets.overview').fill('Thủ tục đăng ký kết hôn.');
    const breaking = await saveAndSubmit(alice);
    const bob2 = await approve(breaking);
    await bob2.locator('#status', { hasText: 'Không xuất bản' }).waitFor({ timeout: 60_000 });
    expect(await bob2.locator('#broken tbody tr').count()).toBeGreaterThan(0);
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await bob2.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(await ask()).toContain('VĂN-BẢN-MỚI-TỪ-TRÌNH-DUYỆT');

    // Any two revisions compare: the seeded one and the published one differ by the new fee text.
    await alice.goto(`${server.running.url}/editor/edit?path=${encodeURIComponent(PATH)}`);
    await alice.locator('#diff-from option').first().waitFor({ state: 'attached' });
    await alice.selectOption('#diff-from', String(seedRevision));
    await alice.selectOption('#diff-to', String(first));
    await alice.click('#diff-any');
    await alice.locator('#diff ins', { hasText: 'VĂN-BẢN-MỚI-TỪ-TRÌNH-DUYỆT' }).waitFor();

    // Rollback to the seeded revision.
    await alice.goto(`${server.running.url}/editor/edit?path=${encodeURIComponent(PATH)}`);
    await alice.locator(`#revisions tr[data-revision="${seedRevision}"] button.rollback`).click();
    await alice.locator('#status', { hasText: 'Đã khôi phục' }).waitFor({ timeout: 60_000 });
    expect(await ask()).not.toContain('VĂN-BẢN-MỚI-TỪ-TRÌNH-DUYỆT');
    expect(problems).toEqual([]);
  }, 240_000);
});

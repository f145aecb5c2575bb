/**
 * The stats page end to end in headless Chromium on a real PostgreSQL: with a few days of seeded
 * questions, replies, handoffs and ratings, an editor logs in at /agent/login?next=/editor/stats and
 * lands on the page; the 30 days ending on the server's day load, every chart is a Chart.js instance
 * that painted its canvas, and each has its table of numbers. The editor then picks 30 Nov – 1 Dec:
 * the address, the charts and the CSV links follow, and the daily CSV downloads with its BOM. A range
 * ending before it starts is refused on the page. No CSP violation or page error; the screenshot
 * goes to artifacts/screenshots/stats.png. Skipped only when /usr/bin/chromium is missing outside CI.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Page } from 'playwright-core';
import { createUser } from '../../src/auth/users';
import { chromiumBrowser, describeInChromium, logInThroughForm, watchForProblems } from '../support/chromium';
import { serverWithDatabase } from '../support/server-with-database';

const SCREENSHOT = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots', 'stats.png');
const PASSWORD = 'mat-khau-rat-dai';
const CHARTS = ['questions', 'outcomes', 'procedures', 'facets', 'unanswered', 'wait', 'csat'];
const vn = (day: string, time: string) => new Date(`${day}T${time}+07:00`);

/** Five days of activity ending on the test server's day (2 December 2026). */
async function seed(pool: Pool): Promise<void> {
  const channels = ['directline', 'zalo', 'twilio-sms'];
  const replies: [string, string | null, string | null, number][] = [
    ['answer', 'ho-tich/khai-sinh', 'documents', 0.9],
    ['answer', 'ho-tich/ket-hon', 'fee', 0.8],
    ['answer', 'ly-lich-tu-phap/cap-phieu', 'processing_time', 0.85],
    ['clarify', 'ho-tich/khai-sinh', null, 0.4],
    ['referral', null, null, 0.7],
    ['fallback', null, null, 0.1],
    ['handoff', null, null, 0.9],
    ['small_talk', null, null, 0.9],
  ];
  for (const [n, day] of ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'].entries()) {
    for (const [i, channel] of channels.entries()) {
      const id = `${channel}:e2e-${n}-${i}`;
      await pool.query('INSERT INTO conversations (id, channel) VALUES ($1, $2)', [id, channel]);
      for (let q = 0; q <= n + i; q++) {
        const at = vn(day, `${String(8 + i).padStart(2, '0')}:${10 + q}:00`);
        await pool.query(
          `INSERT INTO messages (conversation_id, direction, channel, text, created_at) VALUES ($1, 'in', $2, 'hỏi', $3)`,
          [id, channel, at],
        );
        const [decision, procedure, facet, confidence] = replies[(n + i + q) % replies.length]!;
        await pool.query(
          `INSERT INTO messages (conversation_id, direction, channel, text, decision, procedure, facet, confidence,
             created_at) VALUES ($1, 'out', $2, 'đáp', $3, $4, $5, $6, $7)`,
          [id, channel, decision, procedure, facet, confidence, new Date(at.getTime() + 1000)],
        );
      }
      await pool.query(
        `INSERT INTO handoffs (conversation_id, channel, status, reason, requested_at, assigned_at, closed_at)
         VALUES ($1, $2, 'closed', 'asked', $3, $4, $5)`,
        [id, channel, vn(day, '10:00:00'), vn(day, `10:0${n + 1}:30`), vn(day, '10:30:00')],
      );
      await pool.query(
        `INSERT INTO feedback (conversation_id, rating, kind, created_at) VALUES ($1, $2, 'csat', $3)`,
        [id, 1 + ((n + i) % 5), vn(day, '10:31:00')],
      );
    }
  }
}

describeInChromium('stats page in headless Chromium', () => {
  const chromium = chromiumBrowser();
  const server = serverWithDatabase({ knowledge: true });
  const problems: string[] = [];

  beforeAll(async () => {
    await createUser(server.db.pool, { username: 'bientap', password: PASSWORD, roles: ['editor'] });
    await seed(server.db.pool);
  });

  /** For each chart: [Chart.js instance?, painted pixels?, number of x labels]. */
  const charts = (page: Page): Promise<[boolean, boolean, number][]> =>
    page.evaluate(`(${JSON.stringify(CHARTS)}).map((id) => {
      const canvas = document.getElementById('chart-' + id);
      const chart = window.Chart.getChart(canvas);
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = false;
      for (let i = 3; i < pixels.length && !painted; i += 4) painted = pixels[i] !== 0;
      return [Boolean(chart), painted, chart ? chart.data.labels.length : -1];
    })`);

  it('draws every chart, follows a new range and downloads the CSV', async () => {
    const context = await chromium.browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 1300, height: 1000 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await watchForProblems(page, problems);

    await logInThroughForm(page, {
      start: `${server.running.url}/agent/login?next=/editor/stats`,
      username: 'bientap',
      password: PASSWORD,
      landing: /\/editor\/stats$/,
    });
    await page.locator('#status', { hasText: 'Số liệu từ 03/11/2026 đến 02/12/2026 (30 ngày).' }).waitFor();

    const drawn = await charts(page);
    expect(drawn.map(([instance, painted]) => [instance, painted])).toEqual(CHARTS.map(() => [true, true]));
    expect(drawn[0]![2]).toBe(30);
    // Day n, channel i: n + i + 1 questions; Σ over 5 days and 3 channels = 60.
    await expect(page.locator('li[data-figure="questions"] .value').innerText()).resolves.toBe('60');
    await expect(page.locator('#table-questions tbody tr').count()).resolves.toBe(31);
    await expect(page.locator('#table-procedures tbody tr').count()).resolves.toBe(3);
    expect(await page.inputValue('#from')).toBe('2026-11-03');

    await page.fill('#from', '2026-11-30');
    await page.fill('#to', '2026-12-01');
    await page.click('#range button[type=submit]');
    await page.locator('#status', { hasText: 'Số liệu từ 30/11/2026 đến 01/12/2026 (2 ngày).' }).waitFor();
    expect(new URL(page.url()).search).toBe('?from=2026-11-30&to=2026-12-01');
    const narrowed = await charts(page);
    expect(narrowed.map(([instance, painted]) => [instance, painted])).toEqual(
      CHARTS.map(() => [true, true]),
    );
    expect(narrowed[0]![2]).toBe(2);
    // (3 + 4 + 5) + (4 + 5 + 6) questions.
    await expect(page.locator('li[data-figure="questions"] .value').innerText()).resolves.toBe('27');
    await page.locator('#box-outcomes summary').click();
    await expect(page.locator('#table-outcomes tbody tr').count()).resolves.toBe(3);

    const link = page.locator('#csv-daily');
    expect(await link.getAttribute('href')).toBe(
      '/editor/api/stats.csv?table=daily&from=2026-11-30&to=2026-12-01',
    );
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('thong-ke-daily-2026-11-30-2026-12-01.csv');
    const file = readFileSync(await download.path());
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file.toString('utf8').split('\r\n')[1]).toMatch(/^2026-11-30,/);
    for (const table of ['procedures', 'facets', 'outcomes', 'csat'])
      await expect(page.locator(`#csv-${table}`).getAttribute('href')).resolves.toContain(
        `table=${table}&from=2026-11-30&to=2026-12-01`,
      );

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    await page.fill('#from', '2026-12-02');
    await page.click('#range button[type=submit]');
    await page
      .locator('#status.error', { hasText: 'Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.' })
      .waitFor();
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});

/**
 * The body of /editor/stats (inside the editor frame of ../layout.ts): the date range form, the CSV
 * links, the summary figures, one box per chart (a canvas drawn by assets/stats.js with Chart.js, and
 * the same numbers as a table in a <details> for screen readers and copying), and how each figure is
 * counted. Static text only: stats.js fills everything from GET /editor/api/stats.
 */
import { escapeHtml } from '../../console/pages';
import { CSV_TABLES, type CsvTable } from './csv';
import { DEFAULT_DAYS, MAX_DAYS } from './range';
import { LOW_CONFIDENCE } from './unanswered';

const CSV_LABELS: Record<CsvTable, string> = {
  daily: 'Số liệu theo ngày',
  procedures: 'Thủ tục được hỏi nhiều',
  facets: 'Nội dung được hỏi nhiều',
  outcomes: 'Kết quả xử lý',
  csat: 'Đánh giá của người dân',
};

const CHARTS: { id: string; title: string; wide?: boolean }[] = [
  { id: 'questions', title: 'Câu hỏi mỗi ngày theo kênh', wide: true },
  { id: 'outcomes', title: 'Kết quả xử lý mỗi ngày và tỷ lệ tự giải quyết', wide: true },
  { id: 'procedures', title: 'Thủ tục được hỏi nhiều nhất' },
  { id: 'facets', title: 'Nội dung được hỏi nhiều nhất' },
  { id: 'unanswered', title: 'Câu hỏi chưa trả lời được mỗi ngày' },
  { id: 'wait', title: 'Thời gian chờ cán bộ (trung vị) mỗi ngày' },
  { id: 'csat', title: 'Đánh giá sau khi gặp cán bộ (CSAT)' },
];

const chartBox = (
  c: (typeof CHARTS)[number],
) => `<section class="chart-box${c.wide ? ' wide' : ''}" id="box-${c.id}">
<h2 id="title-${c.id}">${escapeHtml(c.title)}</h2>
<div class="chart"><canvas id="chart-${c.id}" role="img" aria-labelledby="title-${c.id}"></canvas></div>
<details><summary>Bảng số liệu</summary><div class="table-wrap" id="table-${c.id}"></div></details>
</section>`;

export function statsBody(): string {
  const csv = CSV_TABLES.map(
    (t) =>
      `<li><a id="csv-${t}" href="/editor/api/stats.csv?table=${t}" download>${escapeHtml(CSV_LABELS[t])}</a></li>`,
  ).join('');
  return `<link rel="stylesheet" href="/editor/assets/stats.css">
<section>
<h2>Thống kê hoạt động của trợ lý</h2>
<form id="range" class="stats-range">
<div><label for="from">Từ ngày</label><input id="from" name="from" type="date" required></div>
<div><label for="to">Đến ngày</label><input id="to" name="to" type="date" required></div>
<div class="stats-buttons">
<button type="submit">Xem</button>
<button type="button" data-days="7">7 ngày qua</button>
<button type="button" data-days="${DEFAULT_DAYS}">${DEFAULT_DAYS} ngày qua</button>
<button type="button" data-days="90">90 ngày qua</button>
</div>
</form>
<p class="muted">Ngày tính theo giờ Việt Nam (UTC+7), gồm cả ngày đầu và ngày cuối; tối đa ${MAX_DAYS} ngày.</p>
<p id="status" role="status" aria-live="polite"></p>
<h3>Tải về (CSV, mở được bằng Excel)</h3>
<ul id="csv-links" class="stats-csv">${csv}</ul>
</section>
<section>
<h2>Tóm tắt</h2>
<ul id="summary" class="stats-summary"></ul>
</section>
<div class="stats-charts">
${CHARTS.map(chartBox).join('\n')}
</div>
<section id="definitions">
<h2>Cách tính</h2>
<dl>
<dt>Câu hỏi</dt>
<dd>Mỗi tin nhắn người dân gửi đến trợ lý (web chat, Zalo, điện thoại, SMS), tính theo ngày gửi.</dd>
<dt>Kết quả xử lý</dt>
<dd>Mỗi câu trả lời của trợ lý được xếp theo quyết định của nó: trả lời; hỏi lại cho rõ (khi có hai thủ
tục gần nhau); từ chối (câu hỏi ngoài phạm vi, hướng dẫn đến cơ quan khác); không hiểu; chuyển cán bộ
(người dân yêu cầu, bức xúc, hỏi về hồ sơ riêng, hoặc trợ lý không hiểu nhiều lần); chào hỏi, cảm ơn.
Trả lời của cán bộ và câu hỏi đánh giá không được tính.</dd>
<dt>Tỷ lệ tự giải quyết</dt>
<dd>(Trả lời + Hỏi lại cho rõ + Từ chối) ÷ (Trả lời + Hỏi lại cho rõ + Từ chối + Không hiểu + Chuyển cán
bộ): phần câu hỏi trợ lý tự xử lý, không cần đến cán bộ. Chào hỏi, cảm ơn không phải câu hỏi nên không
tính.</dd>
<dt>Chưa trả lời được</dt>
<dd>Câu trả lời của trợ lý khi trợ lý không hiểu, phải hỏi lại cho rõ, trả lời (hoặc từ chối, chào hỏi)
với độ tin cậy dưới ${LOW_CONFIDENCE}, hoặc bị người dân bấm “không thích”. Cùng định nghĩa với mục
“Câu hỏi chưa trả lời”.</dd>
<dt>Thủ tục và nội dung được hỏi</dt>
<dd>Thủ tục và nội dung (giấy tờ, lệ phí, thời gian…) của các câu trả lời; 10 mục nhiều nhất.</dd>
<dt>Thời gian chờ cán bộ</dt>
<dd>Từ lúc yêu cầu gặp cán bộ đến lúc một cán bộ nhận; trung vị của các yêu cầu gửi trong ngày đã được
nhận.</dd>
<dt>CSAT</dt>
<dd>Điểm 1–5 người dân chấm sau khi cán bộ kết thúc cuộc trò chuyện, tính theo ngày chấm.</dd>
</dl>
</section>`;
}

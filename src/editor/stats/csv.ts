/**
 * The stats report as CSV files (RFC 4180: comma-separated, CRLF line ends, a field quoted when it
 * holds a comma, a quote, a line break or edge spaces, quotes doubled), preceded by a UTF-8 byte
 * order mark so that Excel reads the Vietnamese headers and titles as UTF-8. Text that a spreadsheet
 * would run as a formula (starting with = + - @, a tab or CR) is prefixed with an apostrophe.
 * Tables: daily (one row a day), procedures and facets (the top 10), outcomes (totals and the
 * deflection rate), csat (ratings 1–5 and thumbs).
 */
import type { StatsReport } from './figures';

export const CSV_TABLES = ['daily', 'procedures', 'facets', 'outcomes', 'csat'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export type Cell = string | number | null;

const BOM = '\uFEFF';

export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: BOM, the header row, then the rows, each line ending in CRLF. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return BOM + [header, ...rows].map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

function daily(report: StatsReport): string {
  const header = [
    'Ngày',
    ...report.channels.map((c) => `Câu hỏi – ${c.label}`),
    'Câu hỏi – tổng',
    ...report.outcomeLabels.map((o) => o.label),
    'Tỷ lệ tự giải quyết',
    'Chưa trả lời được',
    'Yêu cầu gặp cán bộ',
    'Đã được nhận',
    'Thời gian chờ trung vị (giây)',
    'Số đánh giá CSAT',
    'CSAT trung bình',
  ];
  const rows = report.daily.map((d) => [
    d.day,
    ...report.channels.map((c) => d.questions[c.id] ?? 0),
    d.questionsTotal,
    ...report.outcomeLabels.map((o) => d.outcomes[o.key]),
    d.deflectionRate,
    d.unanswered,
    d.handoffs.requested,
    d.handoffs.claimed,
    d.handoffs.medianWaitSeconds,
    d.csat.count,
    d.csat.average,
  ]);
  return toCsv(header, rows);
}

function ranked(items: StatsReport['procedures'], what: string, code: string): string {
  return toCsv(
    ['Hạng', code, what, 'Số câu trả lời', 'Tỷ lệ'],
    items.map((item, i) => [i + 1, item.key, item.label, item.count, item.share]),
  );
}

const share = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;

/** Each outcome's share of the bot's replies; the deflection rate's of the questions (no small talk). */
function outcomes(report: StatsReport): string {
  const { totals } = report;
  const replies = totals.botReplies;
  return toCsv(
    ['Kết quả', 'Số lượt', 'Tỷ lệ', 'Trên số lượt'],
    [
      ...report.outcomeLabels.map((o): Cell[] => [
        o.label,
        totals.outcomes[o.key],
        share(totals.outcomes[o.key], replies),
        replies,
      ]),
      [
        'Tự giải quyết, không cần cán bộ (trả lời, hỏi lại, từ chối)',
        totals.deflected,
        totals.deflectionRate,
        totals.deflectionBase,
      ],
      ['Chưa trả lời được', totals.unanswered, share(totals.unanswered, replies), replies],
    ],
  );
}

function csat(report: StatsReport): string {
  return toCsv(
    ['Đánh giá', 'Số lượt'],
    [
      ...report.csat.distribution.map((d): Cell[] => [`CSAT ${d.rating}/5`, d.count]),
      ['CSAT trung bình', report.csat.average],
      ['Thích', report.thumbs.up],
      ['Không thích', report.thumbs.down],
    ],
  );
}

export function statsCsv(report: StatsReport, table: CsvTable): string {
  switch (table) {
    case 'daily':
      return daily(report);
    case 'procedures':
      return ranked(report.procedures, 'Thủ tục', 'Mã thủ tục');
    case 'facets':
      return ranked(report.facets, 'Nội dung hỏi', 'Mã nội dung');
    case 'outcomes':
      return outcomes(report);
    case 'csat':
      return csat(report);
  }
}

/**
 * A record of the National Database of Administrative Procedures (Cơ sở dữ liệu quốc gia về thủ tục
 * hành chính, the procedure pages of dichvucong.gov.vn), as described in
 * ../shared/reference/README.md: a flat JSON object of strings whose table fields were flattened into
 * one string each ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến10 NgàyMiễn phí…").
 *
 * `tthcRecordSchema` validates the shape (zod; empty strings and "Không có thông tin" become absent);
 * the `read…` functions split the flattened tables back into rows, copying the record's own words.
 * They are heuristics over published text: the importer's output is a draft an editor checks.
 */
import { z } from 'zod';

/** Whitespace normalised (NBSP, tabs, runs of spaces), NFC; line breaks kept. */
export function cleanWhitespace(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u00a0\u2007\u202f\t ]+/g, ' ')
    .replace(/ *\r?\n */g, '\n')
    .trim();
}

const NO_INFO = /^không có thông tin\.?$/i;

/** A text field that may be missing, null, empty or say "Không có thông tin": all become undefined. */
const optionalText = z
  .string()
  .nullish()
  .transform((v) => {
    const text = v == null ? '' : cleanWhitespace(v);
    return text === '' || NO_INFO.test(text) ? undefined : text;
  });

export const tthcRecordSchema = z.looseObject({
  ma_thu_tuc: z
    .string()
    .trim()
    .regex(/^\d+\.\d+$/, 'must be a procedure code like 1.001193'),
  ten_thu_tuc: z
    .string()
    .transform(cleanWhitespace)
    .pipe(z.string().min(1, 'must not be empty')),
  detail_url: optionalText.pipe(z.url().optional()),
  so_quyet_dinh: optionalText,
  cap_thuc_hien: optionalText,
  loai_thu_tuc: optionalText,
  linh_vuc: optionalText,
  doi_tuong_thuc_hien: optionalText,
  co_quan_co_tham_quyen: optionalText,
  dia_chi_tiep_nhan: optionalText,
  co_quan_duoc_uy_quyen: optionalText,
  co_quan_phoi_hop: optionalText,
  thu_tuc_lien_quan: optionalText,
  trinh_tu_thuc_hien: optionalText,
  cach_thuc_thuc_hien: optionalText,
  thanh_phan_ho_so: optionalText,
  can_cu_phap_ly: optionalText,
  co_quan_thuc_hien: optionalText,
  yeu_cau_dieu_kien: optionalText,
  ket_qua_xu_ly: optionalText,
});
export type TthcRecord = z.output<typeof tthcRecordSchema>;

// ---- Cách thức thực hiện: one row per submission channel (time, fee, description) ----

export type SubmissionChannel = 'online' | 'in_person' | 'post';

export interface SubmissionRow {
  channel: SubmissionChannel;
  /** "10 ngày làm việc"; undefined when the record gives none. */
  time?: string;
  /** A bare number without a unit ("7"): reported to the editor, never shown as a time. */
  timeWithoutUnit?: string;
  /** The fee column in the record's words, its note in brackets included: "2,000 Việt Nam Đồng (/trang)". */
  fee?: string;
  /** The row's free-text description column. */
  description?: string;
}

const CHANNEL_NAMES: Record<string, SubmissionChannel> = {
  'Trực tuyến': 'online',
  'Trực tiếp': 'in_person',
  'Dịch vụ bưu chính': 'post',
};
const SUBMISSION_HEADER = /^Hình thức nộp\s*Thời gian\s*Phí, lệ phí\s*Mô tả\s*/;
// A row starts with a channel name glued to its time or fee column (descriptions say "Trực tiếp: …").
const ROW_START = /(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(?=\d|Không có thông tin|Miễn phí|$)/g;
const TIME = /^(\d+(?:[.,]\d+)?)\s*(ngày làm việc|ngày|giờ làm việc|giờ|tháng|năm)/i;
const BARE_TIME = /^(\d+)(?=Miễn phí|Không có thông tin)/;
const UNKNOWN_TIME = /^Không có thông tin(?=\d|Miễn phí|Không có thông tin)/;
const FEE = /^(Miễn phí|Không có thông tin|\d[\d.,]*\s*(?:Việt Nam Đồng|VNĐ|VND|đồng|USD))/;

export function readSubmissionRows(table: string | undefined): SubmissionRow[] {
  if (!table) return [];
  const body = table.replace(SUBMISSION_HEADER, '');
  const starts = [...body.matchAll(ROW_START)];
  return starts.map((match, i) => {
    const from = match.index + match[0].length;
    const to = starts[i + 1]?.index ?? body.length;
    return readRow(CHANNEL_NAMES[match[0]]!, body.slice(from, to).trim());
  });
}

function readRow(channel: SubmissionChannel, text: string): SubmissionRow {
  const row: SubmissionRow = { channel };
  let rest = text;
  const time = TIME.exec(rest);
  const bare = time ? undefined : BARE_TIME.exec(rest);
  const unknown = time || bare ? undefined : UNKNOWN_TIME.exec(rest);
  if (time) row.time = `${time[1]} ${time[2]!.toLowerCase()}`;
  if (bare) row.timeWithoutUnit = bare[1];
  rest = rest.slice((time ?? bare ?? unknown)?.[0].length ?? 0).trimStart();

  const fee = FEE.exec(rest);
  if (fee) {
    rest = rest.slice(fee[0].length);
    const note = leadingBrackets(rest);
    rest = rest.slice(note.length);
    if (!NO_INFO.test(fee[0])) row.fee = note ? `${fee[0]} ${note}` : fee[0];
  }
  const description = rest.trim();
  if (description && !NO_INFO.test(description)) row.description = description;
  return row;
}

/** "(…(…)…)" at the start of the text, balanced; the whole rest when it never closes. */
function leadingBrackets(text: string): string {
  if (!text.startsWith('(')) return '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(0, i + 1);
  }
  return text;
}

// ---- Thành phần hồ sơ: groups ("Giấy tờ phải nộp") of documents with their quantity ----

export interface DocumentGroup {
  /** "Giấy tờ phải nộp", "Giấy tờ phải xuất trình", "Lưu ý"; undefined for an untitled table. */
  title?: string;
  items: { text: string; quantity?: string }[];
}

const DOCUMENT_TABLE = /(\*\s*[^*:]{1,80}?\s*:|--)\s*Tên giấy tờ\s*Mẫu đơn, tờ khai\s*Số lượng/g;
// The quantity column, glued to the end of its row ("…còn giá trị sử dụng.1 bản chính").
const QUANTITY =
  /(?<=[^\s\d])(\d+ ?bản ?(?:chính|sao)(?: ?, ?\d+ ?bản ?(?:chính|sao))*)(?=$|[^\p{Ll}\s]|\p{Ll}[).])/gu;

export function readDocuments(table: string | undefined): DocumentGroup[] {
  if (!table) return [];
  const headers = [...table.matchAll(DOCUMENT_TABLE)];
  const groups: DocumentGroup[] = [];
  const preamble = table.slice(0, headers[0]?.index ?? table.length);
  if (preamble.trim()) groups.push({ items: readItems(preamble) });
  headers.forEach((header, i) => {
    const from = header.index + header[0].length;
    const to = headers[i + 1]?.index ?? table.length;
    const title = header[1]!.startsWith('*') ? header[1]!.replace(/^\*\s*|\s*:$/g, '') : undefined;
    const items = readItems(table.slice(from, to));
    if (items.length > 0) groups.push({ ...(title && { title }), items });
  });
  return groups;
}

function readItems(text: string): DocumentGroup['items'] {
  const items: DocumentGroup['items'] = [];
  let from = 0;
  const push = (raw: string, quantity?: string) => {
    const cleaned = raw
      .trim()
      .replace(/^[-+*•]\s*/, '')
      .replace(/[;,]\s*$/, '')
      .trim();
    if (cleaned) items.push({ text: cleaned, ...(quantity && { quantity }) });
  };
  for (const match of text.matchAll(QUANTITY)) {
    // "0 bản chính,1 bản sao" → "1 bản sao"; "0 bản chính" → none.
    const counted = match[1]!
      .split(/\s*,\s*/)
      .filter((q) => !/^0\s*bản/.test(q))
      .join(', ');
    push(text.slice(from, match.index), counted || undefined);
    from = match.index + match[0].length;
  }
  push(text.slice(from));
  return items;
}

// ---- Căn cứ pháp lý: legal texts with their codes ----

export interface LegalText {
  name?: string;
  /** "123/2015/NĐ-CP". */
  code: string;
}

const LEGAL_HEADER = /^Tên văn bản pháp lý\s*Mã văn bản\s*/;
// A code column ends where the next name starts (a capital then a small letter) or at the end.
const LEGAL_CODE = /\d+(?:\.\d+)?\/\d{4}\/[\p{L}\d-]*?(?=$|\p{Lu}\p{Ll})/gu;
const CODE_SHAPE = /^\d+(?:\.\d+)?\/\d{4}\//;

export function readLegalTexts(table: string | undefined): LegalText[] {
  if (!table) return [];
  const body = table.replace(LEGAL_HEADER, '');
  const texts: LegalText[] = [];
  let from = 0;
  for (const match of body.matchAll(LEGAL_CODE)) {
    const segment = body.slice(from, match.index + match[0].length);
    from = match.index + match[0].length;
    const code = codeAtEnd(segment, match[0]);
    let name = segment.slice(0, segment.length - code.length).trim();
    // A name glued to an earlier column ("…Bộ Tư phápThông tư số"): keep what follows the glue.
    const glued = [...name.matchAll(/\p{Ll}(?=\p{Lu}\p{Ll})/gu)].at(-1);
    if (glued && /\s/.test(name.slice(glued.index + 1))) name = name.slice(0, glued.index + 1).trim();
    if (!texts.some((t) => t.code === code)) texts.push({ ...(name && { name }), code });
  }
  return texts;
}

/**
 * The code column at the end of a segment. Its first digits may be glued to the name ("…QH1360/2014/QH13"):
 * prefer the longest code-shaped suffix that the name itself repeats, else the longest one.
 */
function codeAtEnd(segment: string, match: string): string {
  const leadingDigits = /^\d+/.exec(match)?.[0].length ?? 0;
  const candidates: string[] = [];
  for (let i = 0; i < Math.max(leadingDigits, 1); i++) {
    const candidate = match.slice(i);
    if (CODE_SHAPE.test(candidate)) candidates.push(candidate);
  }
  const repeated = candidates.find((c) => segment.slice(0, segment.length - c.length).includes(c));
  return repeated ?? candidates[0] ?? match;
}

// ---- Kết quả xử lý: result names before their codes ("Giấy khai sinhMã: KQ.G15.000031Từ khóa…") ----

export function readResults(text: string | undefined): string[] {
  if (!text) return [];
  const relevant = text.split(/Từ khóa|Chọn cơ quan thực hiện/)[0] ?? '';
  return relevant
    .split(/Mã:\s*KQ\.[A-Z0-9]+(?:\.\d+)*/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !NO_INFO.test(s));
}

/** Lines of a multi-line field, empty ones dropped. */
export function readLines(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

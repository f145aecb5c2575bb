/**
 * Drafts a guide from a record of the National Database of Administrative Procedures (tthc-record.ts),
 * for an editor to finish: `draftGuideFromTthc(record, { id, reviewed })` → the guide (the shape
 * schema.ts validates), the required sections the record could not fill, and notes for the editor;
 * `renderTthcDraft(draft)` → the Markdown file of knowledge/guides/ with those notes as YAML comments.
 *
 * Pure: no clock (the review date is passed in), no files. It copies the record's own words and
 * amounts and invents nothing: what the record does not state is left out. A required section left out
 * makes `kb check` refuse the file until the editor writes it, so a draft cannot go live half-done.
 * Generated example questions and the English summary are placeholders, marked as such.
 */
import { stripDiacritics } from '../engine/text/vietnamese';
import { renderGuide } from './render-guide';
import { FACETS, REQUIRED_FACETS, SECTION_HEADINGS, type Facet, type Guide } from './schema';
import {
  readDocuments,
  readLegalTexts,
  readLines,
  readResults,
  readSubmissionRows,
  type SubmissionChannel,
  type SubmissionRow,
  type TthcRecord,
} from './tthc-record';

export interface TthcDraft {
  guide: Guide;
  /** Required sections the record does not fill (the editor writes them). */
  missing: Facet[];
  /** What the editor should check, in Vietnamese. */
  notes: string[];
  procedureCode: string;
}

export interface DraftOptions {
  /** The catalogue id, e.g. ho-tich/khai-sinh. */
  id: string;
  /** Review date YYYY-MM-DD (today, from the caller's clock). */
  reviewed: string;
}

const SOURCE = 'Cơ sở dữ liệu quốc gia về thủ tục hành chính';
const CHANNEL_LABEL: Record<SubmissionChannel, string> = {
  online: 'nộp trực tuyến',
  in_person: 'nộp trực tiếp',
  post: 'gửi qua bưu chính',
};
const HEADING_OF = new Map<Facet, string>(Object.entries(SECTION_HEADINGS).map(([h, f]) => [f, h]));
/** Sections longer than this are flagged (knowledge/README.md: "under about 700 characters"). */
const LONG_SECTION = 700;
export const MIN_EXAMPLES = 15;

export function draftGuideFromTthc(record: TthcRecord, options: DraftOptions): TthcDraft {
  const notes: string[] = [];
  const code = record.ma_thu_tuc;
  const title = titleOf(record.ten_thu_tuc);
  const rows = readSubmissionRows(record.cach_thuc_thuc_hien);
  const legal = readLegalTexts(record.can_cu_phap_ly);
  const online = rows.some((r) => r.channel === 'online');
  const agency = record.co_quan_thuc_hien ?? record.co_quan_co_tham_quyen;

  const facets: Partial<Record<Facet, string>> = {};
  const set = (facet: Facet, text: string | undefined) => {
    if (text?.trim()) facets[facet] = text.trim();
  };
  set('overview', overview(record, title));
  set('eligibility', eligibility(record.yeu_cau_dieu_kien));
  set('documents', documents(record.thanh_phan_ho_so));
  set('fee', fee(rows));
  set('processing_time', processingTime(rows, notes));
  set('authority', authority(record, agency, rows));
  set('online_steps', onlineSteps(record, rows));
  set('legal_basis', legalBasis(legal));
  set('result', result(record.ket_qua_xu_ly));

  const missing = REQUIRED_FACETS.filter((f) => facets[f] === undefined);
  for (const facet of missing)
    notes.push(`Mục «${HEADING_OF.get(facet)}»: hồ sơ TTHC không ghi; cần viết trước khi xuất bản.`);
  if (/Hội đồng nhân dân/i.test(facets.fee ?? ''))
    notes.push(
      'Lệ phí do HĐND tỉnh quyết định: chỉ ghi số tiền khi có Nghị quyết của HĐND tỉnh Nghệ An, nếu không thì nói nơi tra cứu.',
    );
  const allText = Object.values(facets).join('\n');
  if (/thị trấn|cấp huyện|UBND huyện|Ủy ban nhân dân huyện/i.test(allText))
    notes.push('Hồ sơ còn nhắc thị trấn hoặc cấp huyện: từ 01/7/2025 chỉ còn 2 cấp, ghi theo cơ quan hiện hành.');
  for (const facet of FACETS) {
    const length = facets[facet]?.length ?? 0;
    if (length > LONG_SECTION)
      notes.push(`Mục «${HEADING_OF.get(facet)}» dài ${length} ký tự: rút gọn dưới khoảng ${LONG_SECTION}.`);
  }

  const guide: Guide = {
    id: options.id,
    title,
    aliases: [],
    related: [],
    procedure_codes: [code],
    ...(online && record.detail_url && { online_url: record.detail_url }),
    reviewed: options.reviewed,
    sources: [
      { title: `${SOURCE}, thủ tục ${code}`, ...(record.detail_url && { url: record.detail_url }) },
      ...legal.map((t) => ({ title: legalTitle(t) })),
    ],
    examples: exampleQuestions(title),
    en: englishPlaceholder(record, title, rows, agency),
    facets,
  };
  return { guide, missing, notes, procedureCode: code };
}

/** The Markdown file, with the draft notes as YAML comments at the top and before the placeholders. */
export function renderTthcDraft(draft: TthcDraft): string {
  const header = [
    `BẢN NHÁP tạo bằng "npm run kb -- import-tthc" từ thủ tục ${draft.procedureCode} của ${SOURCE}.`,
    'Biên tập viên: đối chiếu từng mục với trang nguồn, rút gọn thành câu ngắn, rồi xóa các dòng # này.',
    ...draft.notes.map((n) => `- ${n}`),
  ];
  const examples = [
    `NHÁP: câu hỏi sinh tự động từ tên thủ tục. Thay bằng ít nhất ${MIN_EXAMPLES} câu người dân thật sự hỏi.`,
  ];
  const en = ['NHÁP: tóm tắt tiếng Anh tạm, chỉ chép dữ kiện của hồ sơ. Cần viết lại bằng tiếng Anh.'];
  return renderGuide(draft.guide)
    .replace(/^---\n/, `---\n${comment(header)}`)
    .replace(/^examples:/m, `${comment(examples)}examples:`)
    .replace(/^en:/m, `${comment(en)}en:`);
}

function comment(lines: string[]): string {
  return lines.map((l) => `# ${l.replace(/\s*\n\s*/g, ' ')}\n`).join('');
}

// ---- sections ----

function titleOf(name: string): string {
  const bare = name.replace(/^thủ tục\s+/i, '').replace(/[.;]\s*$/, '');
  return bare.charAt(0).toLocaleUpperCase('vi') + bare.slice(1);
}

/** The name before its first comma or bracket, for example questions ("Chứng thực bản sao từ bản chính"). */
function shortName(title: string): string {
  const short = title.split(/[,;(]/)[0]!.trim();
  return short.charAt(0).toLocaleLowerCase('vi') + short.slice(1);
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?:)]$/.test(t) ? t : `${t}.`;
}

function bullets(lines: string[]): string {
  return lines.map((l) => `- ${l}`).join('\n');
}

function overview(record: TthcRecord, title: string): string {
  const field = record.linh_vuc ? `, lĩnh vực ${record.linh_vuc}` : '';
  const lines = [
    record.cap_thuc_hien && `Cấp thực hiện: ${record.cap_thuc_hien}.`,
    record.doi_tuong_thuc_hien && `Đối tượng thực hiện: ${sentence(record.doi_tuong_thuc_hien)}`,
    record.thu_tuc_lien_quan && `Thủ tục liên quan: ${sentence(record.thu_tuc_lien_quan)}`,
  ].filter((l): l is string => Boolean(l));
  const lead = `${title}: thủ tục hành chính mã ${record.ma_thu_tuc}${field}, theo ${SOURCE}.`;
  return lines.length > 0 ? `${lead}\n\n${bullets(lines)}` : lead;
}

function eligibility(text: string | undefined): string | undefined {
  const lines = readLines(text);
  if (lines.length === 0) return undefined;
  return [
    `Điều kiện theo ${SOURCE}:`,
    '',
    ...lines.map((l) => (/^[-+*•]/.test(l) ? `- ${l.replace(/^[-+*•]\s*/, '')}` : l)),
  ].join('\n');
}

function documents(table: string | undefined): string | undefined {
  const groups = readDocuments(table);
  if (groups.length === 0) return undefined;
  const blocks = groups.map((group) => {
    const items = group.items.map((i) => (i.quantity ? `${i.text} (${i.quantity})` : i.text));
    return group.title ? `${group.title}:\n\n${bullets(items)}` : bullets(items);
  });
  return [`Hồ sơ theo ${SOURCE}:`, ...blocks].join('\n\n');
}

function fee(rows: SubmissionRow[]): string | undefined {
  const withFee = rows.filter((r): r is SubmissionRow & { fee: string } => r.fee !== undefined);
  const feeNotes = descriptions(rows, 'fee');
  if (withFee.length === 0) return undefined;
  const distinct = [...new Set(withFee.map((r) => r.fee))];
  const lines =
    distinct.length === 1 && withFee.length === rows.length
      ? [`Phí, lệ phí theo ${SOURCE}: ${sentence(distinct[0]!)}`]
      : [`Phí, lệ phí theo ${SOURCE}:`, '', bullets(byChannel(withFee, (r) => r.fee))];
  return [...lines, ...(feeNotes.length > 0 ? ['', bullets(feeNotes)] : [])].join('\n');
}

function processingTime(rows: SubmissionRow[], notes: string[]): string | undefined {
  const bare = rows.filter((r) => r.timeWithoutUnit !== undefined);
  if (bare.length > 0)
    notes.push(
      `Thời gian: hồ sơ ghi "${bare[0]!.timeWithoutUnit}" mà không có đơn vị (ngày? ngày làm việc?); kiểm tra trên trang nguồn.`,
    );
  const timed = rows.filter((r): r is SubmissionRow & { time: string } => r.time !== undefined);
  const timeNotes = descriptions(rows, 'time');
  if (timed.length === 0 && timeNotes.length === 0) return undefined;
  const distinct = [...new Set(timed.map((r) => r.time))];
  const lines =
    timed.length === 0
      ? [`Thời hạn giải quyết theo ${SOURCE}:`]
      : distinct.length === 1 && timed.length === rows.length
        ? [`Thời hạn giải quyết theo ${SOURCE}: ${distinct[0]}.`]
        : [`Thời hạn giải quyết theo ${SOURCE}:`, '', bullets(byChannel(timed, (r) => `${r.time}`))];
  return [...lines, ...(timeNotes.length > 0 ? ['', bullets(timeNotes)] : [])].join('\n');
}

function authority(record: TthcRecord, agency: string | undefined, rows: SubmissionRow[]): string | undefined {
  const lines = [
    record.co_quan_co_tham_quyen &&
      record.co_quan_co_tham_quyen !== agency &&
      `Cơ quan có thẩm quyền: ${sentence(record.co_quan_co_tham_quyen)}`,
    agency && record.cap_thuc_hien && `Cấp thực hiện: ${record.cap_thuc_hien}.`,
    record.dia_chi_tiep_nhan && `Địa chỉ tiếp nhận hồ sơ: ${sentence(record.dia_chi_tiep_nhan)}`,
    record.co_quan_duoc_uy_quyen && `Cơ quan được ủy quyền: ${sentence(record.co_quan_duoc_uy_quyen)}`,
    record.co_quan_phoi_hop && `Cơ quan phối hợp: ${sentence(record.co_quan_phoi_hop)}`,
    rows.length > 0 && `Cách nộp: ${channelList(rows)}.`,
    ...descriptions(rows, 'other'),
  ].filter((l): l is string => Boolean(l));
  const lead = agency
    ? `Cơ quan thực hiện: ${sentence(agency)}`
    : record.cap_thuc_hien && `Cấp thực hiện: ${record.cap_thuc_hien}.`;
  if (!lead) return undefined;
  return lines.length > 0 ? `${lead}\n\n${bullets(lines)}` : lead;
}

function onlineSteps(record: TthcRecord, rows: SubmissionRow[]): string | undefined {
  if (rows.length === 0) return undefined;
  if (!rows.some((r) => r.channel === 'online'))
    return `Theo ${SOURCE}, thủ tục này không có hình thức nộp trực tuyến; hồ sơ ${channelList(rows)}.`;
  const lines = readLines(record.trinh_tu_thuc_hien).map((l) => l.replace(/^[-+*•]\s*/, ''));
  const isOnline = (l: string) => /trực tuyến|dịch vụ công|định danh|VNeID/i.test(l);
  // Numbered steps ("Bước 1: … đăng nhập … cổng dịch vụ công") that start online are kept whole.
  const numbered = lines.filter((l) => /^Bước \d+/i.test(l));
  const steps = (numbered.length > 0 && isOnline(numbered[0]!) ? numbered : lines.filter(isOnline)).slice(0, 8);
  const page = record.detail_url && `Trang thủ tục trên Cổng Dịch vụ công quốc gia: ${record.detail_url}`;
  const items = [...steps, ...(page ? [page] : [])];
  const lead = `Có thể nộp hồ sơ trực tuyến (theo ${SOURCE}).`;
  return items.length > 0 ? `${lead}\n\n${bullets(items)}` : lead;
}

function legalTitle(t: { name?: string; code: string }): string {
  if (!t.name) return t.code;
  return t.name.includes(t.code) ? t.name : `${t.name} (${t.code})`;
}

function legalBasis(texts: ReturnType<typeof readLegalTexts>): string | undefined {
  if (texts.length === 0) return undefined;
  return `Căn cứ pháp lý theo ${SOURCE}:\n\n${bullets(texts.map(legalTitle))}`;
}

function result(text: string | undefined): string | undefined {
  const results = readResults(text);
  if (results.length === 0) return undefined;
  if (results.length === 1) return `Kết quả: ${sentence(results[0]!)}`;
  return `Kết quả giải quyết:\n\n${bullets(results)}`;
}

// ---- helpers over the submission rows ----

/** "Nộp trực tuyến, gửi qua bưu chính: 10 ngày" lines, channels sharing a value grouped. */
function byChannel<R extends SubmissionRow>(rows: R[], value: (r: R) => string): string[] {
  const groups = new Map<string, SubmissionChannel[]>();
  for (const r of rows) groups.set(value(r), [...(groups.get(value(r)) ?? []), r.channel]);
  return [...groups].map(([v, channels]) => {
    const label = channels.map((c) => CHANNEL_LABEL[c]).join(', ');
    return `${label.charAt(0).toUpperCase()}${label.slice(1)}: ${sentence(v)}`;
  });
}

function channelList(rows: SubmissionRow[]): string {
  return [...new Set(rows.map((r) => CHANNEL_LABEL[r.channel]))].join(', ');
}

/** Distinct description columns about fees, times, or anything else (shown under authority). */
function descriptions(rows: SubmissionRow[], kind: 'fee' | 'time' | 'other'): string[] {
  const all = [...new Set(rows.flatMap((r) => (r.description ? [r.description] : [])))];
  return all
    .filter((d) => {
      const isFee = /phí|đồng|USD/i.test(d);
      const isTime = !isFee && /thời hạn|ngày làm việc|trong ngày|giờ/i.test(d);
      return kind === 'fee' ? isFee : kind === 'time' ? isTime : !isFee && !isTime;
    })
    .map((d) => d.replace(/^[-+*•]\s*/, '').replace(/\s*\n\s*/g, ' '));
}

// ---- placeholders ----

/** Questions built from the name: plain, without diacritics, fee, documents... Drafts to replace. */
export function exampleQuestions(title: string): string[] {
  const name = shortName(title);
  const accented = [
    name,
    `${name} cần giấy tờ gì`,
    `lệ phí ${name} là bao nhiêu`,
    `${name} mất bao lâu`,
    `${name} làm ở đâu`,
    `${name} nộp trực tuyến được không`,
    `${name} cần điều kiện gì`,
    `${name} theo quy định nào`,
    `${name} xong thì được nhận gì`,
  ];
  const questions = accented.flatMap((q) => [q, stripDiacritics(q)]);
  return [...new Set(questions)];
}

/** Facts of the record in English sentences, Vietnamese names kept as they are. */
function englishPlaceholder(
  record: TthcRecord,
  title: string,
  rows: SubmissionRow[],
  agency: string | undefined,
): Guide['en'] {
  const page = record.detail_url ? ` Details in Vietnamese: ${record.detail_url}` : '';
  const fees = [...new Set(rows.flatMap((r) => (r.fee ? [r.fee] : [])))];
  return {
    title,
    overview: `Administrative procedure ${record.ma_thu_tuc} of the National Database of Administrative Procedures ("${title}").${page}`,
    documents: 'The list of documents is in Vietnamese in this guide and on the procedure page.',
    fee:
      fees.length > 0
        ? `As stated in the national database (in Vietnamese): ${fees.join('; ')}`
        : 'The national database does not state a fee for this procedure.',
    authority: agency
      ? `Handled by: ${agency} (Vietnamese name).`
      : record.cap_thuc_hien
        ? `Level of government (Vietnamese): ${record.cap_thuc_hien}.`
        : 'The national database does not name the authority.',
  };
}

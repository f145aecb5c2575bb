/**
 * The TTHC importer on fixtures written by the project (test/fixtures/tthc/): the draft validates with
 * the guide schema, round-trips through parse-guide, copies fees verbatim and invents none, leaves out
 * what the record lacks, and refuses records of another shape naming the field; the CLI end to end.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { importTthcCommand } from '../../src/cli/kb-import';
import { parseGuide } from '../../src/knowledge/parse-guide';
import { guideSchema } from '../../src/knowledge/schema';
import { draftGuideFromTthc, renderTthcDraft } from '../../src/knowledge/tthc-import';
import {
  readDocuments,
  readLegalTexts,
  readResults,
  readSubmissionRows,
  tthcRecordSchema,
} from '../../src/knowledge/tthc-record';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'tthc');
const fixture = (name: string) => path.join(FIXTURES, name);
const load = (name: string): unknown => JSON.parse(readFileSync(fixture(name), 'utf8'));
const record = (name: string) => tthcRecordSchema.parse(load(name));
const FULL = 'cap-ban-sao-trich-luc.json';
const PARTIAL = 'chung-thuc-chu-ky-thieu-truong.json';
const MALFORMED = 'sai-dang.json';
const options = { id: 'ho-tich/trich-luc', reviewed: '2026-11-27' };

describe('draft from a complete record', () => {
  const draft = draftGuideFromTthc(record(FULL), options);
  const { guide } = draft;

  it('validates with the guide schema and round-trips through parse-guide', () => {
    expect(guideSchema.safeParse(guide).success).toBe(true);
    expect(draft.missing).toEqual([]);
    const parsed = parseGuide(renderTthcDraft(draft), 'guides/ho-tich/trich-luc.md', 'ho-tich/trich-luc');
    expect(parsed.ok && parsed.value).toEqual(guide);
  });

  it('maps the record: title, code and page as source, authority, time, online route, result', () => {
    expect(guide).toMatchObject({
      id: 'ho-tich/trich-luc',
      title: 'Cấp bản sao Trích lục hộ tịch',
      procedure_codes: ['2.000635'],
      online_url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/fixture-2000635',
      reviewed: '2026-11-27',
    });
    expect(guide.sources[0]).toEqual({
      title: 'Cơ sở dữ liệu quốc gia về thủ tục hành chính, thủ tục 2.000635',
      url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/fixture-2000635',
    });
    expect(guide.sources.map((s) => s.title)).toEqual(
      expect.arrayContaining([
        'Luật 60/2014/QH13',
        'Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch (123/2015/NĐ-CP)',
      ]),
    );
    const f = guide.facets;
    expect(f.authority).toContain('Cơ quan thực hiện: Ủy ban nhân dân cấp xã.');
    // The competent body is the same agency once its non-breaking spaces are cleaned: named once.
    expect(f.authority).not.toMatch(/\u00a0|Cơ quan có thẩm quyền/);
    expect(f.processing_time).toContain('1 ngày làm việc');
    expect(f.processing_time).toContain('Nộp sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo.');
    expect(f.online_steps).toContain('tài khoản định danh điện tử mức độ 2');
    expect(f.online_steps).toContain('https://dichvucong.gov.vn/thu-tuc-hanh-chinh/fixture-2000635');
    expect(f.documents).toMatch(/Giấy tờ phải nộp:\n\n- Tờ khai cấp bản sao Trích lục hộ tịch theo mẫu\. \(1 bản chính\)/);
    expect(f.documents).toContain('Giấy tờ phải xuất trình:');
    expect(f.eligibility).toContain('- Người được ủy quyền phải có văn bản ủy quyền.');
    expect(f.result).toBe('Kết quả giải quyết:\n\n- Bản sao Trích lục hộ tịch\n- Bản sao Giấy khai sinh');
    expect(f.legal_basis).toContain('- Luật 60/2014/QH13');
  });

  it("carries the record's fee text verbatim and no amount the record does not state", () => {
    expect(guide.facets.fee).toContain(
      '8,000 Việt Nam Đồng (/bản sao Trích lục (Thông tư số 281/2016/TT-BTC))',
    );
    const source = readFileSync(fixture(FULL), 'utf8');
    const amounts = renderTthcDraft(draft).match(/\d[\d.,]*\s*(?:Việt Nam Đồng|đồng|USD)/g) ?? [];
    expect(amounts.length).toBeGreaterThan(0);
    for (const amount of amounts) expect(source).toContain(amount);
  });

  it('drafts example questions from the title, marked as drafts for the editor', () => {
    expect(guide.examples.length).toBeGreaterThanOrEqual(15);
    expect(guide.examples).toEqual(
      expect.arrayContaining([
        'cấp bản sao Trích lục hộ tịch',
        'cap ban sao Trich luc ho tich',
        'lệ phí cấp bản sao Trích lục hộ tịch là bao nhiêu',
        'cấp bản sao Trích lục hộ tịch cần giấy tờ gì',
      ]),
    );
    const markdown = renderTthcDraft(draft);
    expect(markdown).toMatch(/^---\n# BẢN NHÁP .*2\.000635/);
    expect(markdown).toMatch(/^# NHÁP: câu hỏi sinh tự động.*\nexamples:/m);
    expect(markdown).toMatch(/^# NHÁP: tóm tắt tiếng Anh.*\nen:/m);
  });
});

describe('draft from a record with missing optional fields', () => {
  const draft = draftGuideFromTthc(record(PARTIAL), { id: 'chung-thuc/chu-ky', reviewed: '2026-11-27' });
  const markdown = renderTthcDraft(draft);

  it('leaves out what the record does not state', () => {
    const { guide } = draft;
    expect(guide.facets.fee).toBeUndefined();
    expect(guide.facets.eligibility).toBeUndefined();
    expect(guide.online_url).toBeUndefined();
    expect(guide.sources[0]).toEqual({ title: 'Cơ sở dữ liệu quốc gia về thủ tục hành chính, thủ tục 2.000884' });
    expect(guide.facets.overview).not.toContain('Đối tượng');
    expect(guide.facets.online_steps).toContain('không có hình thức nộp trực tuyến');
    expect(guide.en.fee).toBe('The national database does not state a fee for this procedure.');
    expect(markdown).not.toMatch(/## Lệ phí|## Điều kiện|online_url|undefined|null|Không có thông tin/);
  });

  it('names the required sections left to write, and kb check would refuse the file until then', () => {
    expect(draft.missing).toEqual(['fee']);
    expect(draft.notes).toContain('Mục «Lệ phí»: hồ sơ TTHC không ghi; cần viết trước khi xuất bản.');
    expect(markdown).toContain('# - Mục «Lệ phí»: hồ sơ TTHC không ghi');
    const parsed = parseGuide(markdown, 'guides/chung-thuc/chu-ky.md', 'chung-thuc/chu-ky');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.field)).toEqual(['facets']);
  });
});

describe('records of another shape', () => {
  it('are refused with the path of each field at fault', () => {
    const result = tthcRecordSchema.safeParse(load(MALFORMED));
    expect(result.success).toBe(false);
    const fields = result.error?.issues.map((i) => i.path.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['ma_thu_tuc', 'detail_url', 'cach_thuc_thuc_hien']));
    expect(tthcRecordSchema.safeParse({ ma_thu_tuc: '1.000656' }).error?.issues[0]?.path).toEqual([
      'ten_thu_tuc',
    ]);
  });
});

describe('reading the flattened tables', () => {
  it('splits submission rows into time, fee with its note, and description', () => {
    const rows = readSubmissionRows(
      'Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7Miễn phí(Miễn cho hộ nghèo)Trực tiếpKhông có thông tin2,000 Việt Nam Đồng(/trang)Tại xã: 2.000 đồng/trang.',
    );
    expect(rows).toEqual([
      { channel: 'online', timeWithoutUnit: '7', fee: 'Miễn phí (Miễn cho hộ nghèo)' },
      { channel: 'in_person', fee: '2,000 Việt Nam Đồng (/trang)', description: 'Tại xã: 2.000 đồng/trang.' },
    ]);
  });

  it('finds legal codes glued to their names and results before their codes', () => {
    expect(
      readLegalTexts('Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13Thông tư 01/2020/TT-BTP01/2020/TT-BTP'),
    ).toEqual([
      { name: 'Luật Hộ tịch', code: '60/2014/QH13' },
      { name: 'Thông tư 01/2020/TT-BTP', code: '01/2020/TT-BTP' },
    ]);
    expect(readResults('Phiếu số 2Mã: KQ.G01.000199Phiếu số 1Mã: KQ.G01.000200Từ khóaKhông có thông tin')).toEqual([
      'Phiếu số 2',
      'Phiếu số 1',
    ]);
  });

  it('groups documents and drops zero quantities', () => {
    expect(
      readDocuments('--Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai.1 bản chínhBản chụp giấy tờ.0 bản chính,1 bản sao'),
    ).toEqual([
      {
        items: [
          { text: 'Tờ khai.', quantity: '1 bản chính' },
          { text: 'Bản chụp giấy tờ.', quantity: '1 bản sao' },
        ],
      },
    ]);
  });
});

describe('the command (npm run kb -- import-tthc)', () => {
  const run = promisify(execFile);
  const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const env = { ...process.env, LOG_LEVEL: 'warn', NODE_OPTIONS: '' };
  const kb = (args: string[]) =>
    run(TSX, [path.join(ROOT, 'src', 'cli', 'kb.ts'), 'import-tthc', ...args], { cwd: ROOT, env }).then(
      (r) => ({ code: 0, ...r }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

  it('prints the draft on stdout, notes on stderr', async () => {
    const { code, stdout, stderr } = await kb([fixture(FULL), '--id', 'ho-tich/trich-luc']);
    expect(code).toBe(0);
    const parsed = parseGuide(stdout, 'guides/ho-tich/trich-luc.md', 'ho-tich/trich-luc');
    expect(parsed.ok && parsed.value.procedure_codes).toEqual(['2.000635']);
    expect(parsed.ok && parsed.value.reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('refuses bad JSON and a record of another shape with exit code 2, naming the fields', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-'));
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"ma_thu_tuc": "1.0",');
    const bad = await kb([broken, '--id', 'ho-tich/x']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/broken\.json: not readable as JSON/);
    const wrong = await kb([fixture(MALFORMED), '--id', 'ho-tich/x']);
    expect(wrong).toMatchObject({ code: 2, stdout: '' });
    expect(wrong.stderr).toMatch(/^ {2}ma_thu_tuc: /m);
    expect(wrong.stderr).toMatch(/^ {2}cach_thuc_thuc_hien: /m);
  });

  it('asks for a well-formed --id', async () => {
    const lines: string[] = [];
    const io = { stdout: (t: string) => lines.push(t), stderr: (t: string) => lines.push(t), today: () => new Date() };
    expect(await importTthcCommand([fixture(FULL)], io)).toBe(2);
    expect(lines.at(-1)).toMatch(/--id is required/);
    expect(await importTthcCommand([fixture(FULL), '--id', 'Not An Id'], io)).toBe(2);
    expect(lines.at(-1)).toMatch(/must look like family\/name/);
  });

  it('writes --out, with the injected date, and never replaces a file without --force', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-'));
    const out = path.join(dir, 'guides', 'chung-thuc', 'chu-ky.md');
    const lines: string[] = [];
    const io = { stdout: (t: string) => lines.push(t), stderr: (t: string) => lines.push(t) };
    const today = () => new Date(2027, 0, 5, 9, 30);
    const args = [fixture(PARTIAL), '--id', 'chung-thuc/chu-ky', '--out', out];
    expect(await importTthcCommand(args, { ...io, today })).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^reviewed: 2027-01-05$/m);
    expect(lines.join('')).toMatch(/1 required section\(s\) to write/);
    expect(await importTthcCommand(args, { ...io, today })).toBe(2);
    expect(lines.at(-1)).toMatch(/exists; pass --force/);
    expect(await importTthcCommand([...args, '--force'], { ...io, today })).toBe(0);
  });
});

/**
 * Dense-retrieval adapter, end to end with real parts and no mocks: generates the tiny test model into a
 * temporary folder, loads it with @xenova/transformers + onnxruntime-node, embeds Vietnamese text, builds,
 * saves and reloads the hnswlib index, and runs the DenseRanker. Outgoing network is forbidden (nock
 * disableNetConnect for http/https, a throwing global fetch) and the test asserts nothing tried it.
 */
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Passage } from '../src/engine/ports';
import { createDenseRanker } from '../src/dense/dense-ranker';
import { loadEmbedder, type Embedder } from '../src/dense/embedder';
import { TINY_HIDDEN_SIZE, TINY_MODEL_NAME, writeTinyModel } from '../src/dense/tiny-model';
import { buildIndex, loadIndex } from '../src/dense/vector-index';

// nock 14 is CommonJS; require keeps it out of the ESM loader.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nock = require('nock') as typeof import('nock');

const PASSAGES: Passage[] = [
  { guideId: 'khai-sinh', text: 'Đăng ký khai sinh cho con mới sinh ở ủy ban nhân dân xã' },
  { guideId: 'khai-sinh', text: 'Hồ sơ đăng ký khai sinh cần giấy chứng sinh' },
  { guideId: 'ket-hon', text: 'Thủ tục đăng ký kết hôn cần giấy tờ gì' },
  { guideId: 'ket-hon', text: 'Xác nhận tình trạng hôn nhân trước khi kết hôn' },
  { guideId: 'ly-hon', text: 'Nộp đơn ly hôn ở tòa án nhân dân huyện' },
  { guideId: 'chung-thuc', text: 'Chứng thực bản sao từ bản chính giấy tờ' },
  { guideId: 'khai-tu', text: 'Đăng ký khai tử khi người thân qua đời' },
  { guideId: 'tro-giup', text: 'Trợ giúp pháp lý miễn phí cho người nghèo' },
];

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe('dense retrieval adapter (tiny model)', () => {
  let root: string;
  let modelDir: string;
  let embedder: Embedder;
  const fetchCalls: string[] = [];
  const blockedRequests: string[] = [];
  const realFetch = globalThis.fetch;
  const onNoMatch = (req: { href?: string; hostname?: string }): void => {
    blockedRequests.push(String(req.href ?? req.hostname));
  };

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
    globalThis.fetch = (input: unknown) => {
      fetchCalls.push(String(input));
      return Promise.reject(new Error(`network is disabled in this test: ${String(input)}`));
    };
    root = await mkdtemp(join(tmpdir(), 'dense-test-'));
    modelDir = join(root, 'tiny');
    await writeTinyModel(modelDir);
    embedder = await loadEmbedder(modelDir);
  });

  afterAll(async () => {
    await embedder?.dispose();
    globalThis.fetch = realFetch;
    nock.emitter.removeListener('no match', onNoMatch);
    nock.enableNetConnect();
    nock.restore();
    await rm(root, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(fetchCalls).toEqual([]);
    expect(blockedRequests).toEqual([]);
  });

  test('the generated model is small and loads with the configured name and dim', async () => {
    const onnxBytes = await readFile(join(modelDir, 'onnx', 'model.onnx'));
    expect(onnxBytes.length).toBeLessThan(300 * 1024);
    expect(embedder.model).toBe(TINY_MODEL_NAME);
    expect(embedder.dim).toBe(TINY_HIDDEN_SIZE);
  });

  test('vectors are deterministic, unit length and text-specific', async () => {
    const texts = ['Đăng ký khai sinh cho con', 'Đăng ký khai sinh cho con', 'Nộp đơn ly hôn ở đâu'];
    const [a, b, c] = await embedder.embed(texts);
    const [again] = await embedder.embed([texts[0]!]);
    for (const v of [a!, b!, c!, again!]) {
      expect(v).toHaveLength(TINY_HIDDEN_SIZE);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(Array.from(a!)).toEqual(Array.from(again!));
    expect(Array.from(a!)).not.toEqual(Array.from(c!));
    expect(cosine(a!, c!)).toBeLessThan(0.9);
  });

  test('regenerating the model gives identical files and identical vectors', async () => {
    const otherDir = join(root, 'tiny-again');
    await writeTinyModel(otherDir);
    const [first, second] = await Promise.all(
      [modelDir, otherDir].map((dir) => readFile(join(dir, 'onnx', 'model.onnx'))),
    );
    expect(first!.equals(second!)).toBe(true);
    const other = await loadEmbedder(otherDir);
    try {
      const text = 'Thủ tục chứng thực bản sao';
      const [mine] = await embedder.embed([text]);
      const [theirs] = await other.embed([text]);
      expect(Array.from(theirs!)).toEqual(Array.from(mine!));
    } finally {
      await other.dispose();
    }
  });

  test('Vietnamese with and without diacritics both embed, and stay close', async () => {
    const accented = 'Đăng ký kết hôn cần giấy tờ gì';
    const [withMarks, decomposed, plain, upper, unrelated] = await embedder.embed([
      accented,
      accented.normalize('NFD'),
      'dang ky ket hon can giay to gi',
      'ĐĂNG KÝ KẾT HÔN CẦN GIẤY TỜ GÌ',
      'Trợ giúp pháp lý miễn phí',
    ]);
    for (const v of [withMarks!, plain!]) {
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(Array.from(withMarks!)).not.toEqual(Array.from(plain!));
    expect(Array.from(decomposed!)).toEqual(Array.from(withMarks!));
    expect(Array.from(upper!)).toEqual(Array.from(withMarks!));
    expect(cosine(withMarks!, plain!)).toBeGreaterThan(cosine(withMarks!, unrelated!));
  });

  test('the index finds each passage’s own guide first, one hit per guide, best first', async () => {
    const index = await buildIndex(embedder, PASSAGES, 'v1');
    for (const passage of PASSAGES) {
      const hits = index.search(await embedder.embedQuery(passage.text), 3);
      expect(hits[0]?.guideId).toBe(passage.guideId);
      expect(hits[0]?.score).toBeCloseTo(1, 4);
      expect(new Set(hits.map((h) => h.guideId)).size).toBe(hits.length);
      expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((x, y) => y - x));
    }
    const all = index.search(await embedder.embedQuery('khai sinh'), 100);
    expect(all).toHaveLength(new Set(PASSAGES.map((p) => p.guideId)).size);
  });

  test('save → load gives identical results; another version or model gives null', async () => {
    const dir = join(root, 'index-cache');
    const built = await buildIndex(embedder, PASSAGES, 'v1');
    await built.saveIndex(dir);
    const key = { version: 'v1', model: embedder.model, dim: embedder.dim };
    const loaded = await loadIndex(dir, key);
    expect(loaded).not.toBeNull();
    for (const query of ['đăng ký khai sinh', 'ly hon o toa an', 'chứng thực bản sao']) {
      const vector = await embedder.embedQuery(query);
      expect(loaded!.search(vector, 5)).toEqual(built.search(vector, 5));
    }
    expect(await loadIndex(dir, { ...key, version: 'v2' })).toBeNull();
    expect(await loadIndex(dir, { ...key, model: 'another-model' })).toBeNull();
    expect(await loadIndex(join(root, 'no-such-cache'), key)).toBeNull();
  });

  test('createDenseRanker builds once, then reuses the saved index', async () => {
    const cacheDir = join(root, 'ranker-cache');
    const logs: string[] = [];
    const options = {
      modelDir,
      passages: PASSAGES,
      cacheDir,
      version: 'kb-1',
      log: (m: string) => logs.push(m),
    };
    const first = await createDenseRanker(options);
    expect(logs.some((m) => m.includes('built'))).toBe(true);
    const second = await createDenseRanker(options);
    expect(logs.some((m) => m.includes('loaded from'))).toBe(true);
    expect(first.model).toBe(TINY_MODEL_NAME);
    const query = 'Hồ sơ đăng ký khai sinh cần giấy chứng sinh';
    const hits = await second.search(query, 3);
    expect(hits[0]?.guideId).toBe('khai-sinh');
    expect(hits).toEqual(await first.search(query, 3));
  });

  test('prefixes from trolytuphap.json apply to queries and passages only', async () => {
    const e5Like = join(root, 'e5-like');
    await writeTinyModel(e5Like);
    const settings = { name: 'tiny-with-prefixes', queryPrefix: 'query: ', passagePrefix: 'passage: ' };
    await writeFile(join(e5Like, 'trolytuphap.json'), JSON.stringify(settings));
    const prefixed = await loadEmbedder(e5Like);
    try {
      const text = 'đăng ký khai sinh';
      const [asQuery, asPassage, asIs] = await prefixed.embed([`query: ${text}`, `passage: ${text}`, text]);
      expect(prefixed.model).toBe('tiny-with-prefixes');
      expect(Array.from(await prefixed.embedQuery(text))).toEqual(Array.from(asQuery!));
      expect(Array.from((await prefixed.embedPassages([text]))[0]!)).toEqual(Array.from(asPassage!));
      expect(Array.from(asQuery!)).not.toEqual(Array.from(asIs!));
    } finally {
      await prefixed.dispose();
    }
  });

  test('a missing or incomplete model folder rejects with a clear message', async () => {
    const missing = join(root, 'no-model-here');
    await expect(loadEmbedder(missing)).rejects.toThrow(`Embedding model folder "${missing}" does not exist`);

    const noTokenizer = join(root, 'no-tokenizer');
    await writeTinyModel(noTokenizer);
    await unlink(join(noTokenizer, 'tokenizer.json'));
    await expect(loadEmbedder(noTokenizer)).rejects.toThrow(
      `Embedding model folder "${noTokenizer}" is missing tokenizer.json`,
    );

    const noOnnx = join(root, 'no-onnx');
    await writeTinyModel(noOnnx);
    await unlink(join(noOnnx, 'onnx', 'model.onnx'));
    await expect(loadEmbedder(noOnnx)).rejects.toThrow(
      `Embedding model folder "${noOnnx}" is missing onnx/model.onnx`,
    );

    const badSettings = join(root, 'bad-settings');
    await writeTinyModel(badSettings);
    await writeFile(join(badSettings, 'trolytuphap.json'), '{ not json');
    await expect(loadEmbedder(badSettings)).rejects.toThrow(`"${badSettings}": cannot read trolytuphap.json`);

    const badOnnx = join(root, 'bad-onnx');
    await writeTinyModel(badOnnx);
    await writeFile(join(badOnnx, 'onnx', 'model.onnx'), 'not an onnx model');
    // onnxruntime warns and retries with wasm before failing; keep that noise out of the test output.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await expect(loadEmbedder(badOnnx)).rejects.toThrow(`Cannot load embedding model from "${badOnnx}"`);
    } finally {
      warn.mockRestore();
    }
  });
});

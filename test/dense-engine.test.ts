/**
 * The dense path end to end: EMBEDDING_MODEL_DIR pointing at the project's generated tiny model gives a
 * hybrid engine that still answers right; a folder without a model falls back to lexical mode with
 * one log line; and the index is saved beside the knowledge version and reused at the next start.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildEngine } from '../src/app/build-engine';
import { parseConfig } from '../src/config';
import { writeTinyModel } from '../src/dense/tiny-model';
import { testLogger } from './support/test-server';

// Building the dense index of ~3,000 passages takes seconds alone and much longer on a busy machine.
jest.setTimeout(180_000);

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

describe('hybrid mode with the generated tiny model', () => {
  const modelDir = path.join(tmp('model-'), 'tiny');
  const dataDir = tmp('data-');

  beforeAll(async () => {
    await writeTinyModel(modelDir);
  });

  it('answers in hybrid mode and saves the index for the knowledge version', async () => {
    const lines: string[] = [];
    const config = parseConfig({ EMBEDDING_MODEL_DIR: modelDir, DATA_DIR: dataDir });
    const engine = await buildEngine(config, testLogger(lines));
    expect(engine.mode).toBe('hybrid');
    const { record } = await engine.ask('đăng ký kết hôn cần giấy tờ gì');
    expect(record).toMatchObject({ mode: 'hybrid', procedure: 'ho-tich/ket-hon', facet: 'documents' });
    expect(lines.some((l) => l.includes('hybrid mode'))).toBe(true);
    expect(readdirSync(path.join(dataDir, 'index')).length).toBeGreaterThan(0);

    const again: string[] = [];
    await buildEngine(config, testLogger(again));
    expect(again.some((l) => l.includes('loaded from'))).toBe(true);
  });

  it('falls back to lexical mode with one log line when the folder has no model', async () => {
    const lines: string[] = [];
    const empty = tmp('no-model-');
    const engine = await buildEngine(
      parseConfig({ EMBEDDING_MODEL_DIR: empty, DATA_DIR: dataDir }),
      testLogger(lines),
    );
    expect(engine.mode).toBe('lexical');
    expect(lines.filter((l) => l.includes('lexical mode'))).toHaveLength(1);
    expect((await engine.ask('lý lịch tư pháp làm ở đâu')).record.procedure).toBe(
      'ly-lich-tu-phap/cap-phieu',
    );
  });

  it('says lexical mode once when no model is configured', async () => {
    const lines: string[] = [];
    const engine = await buildEngine(parseConfig({ DATA_DIR: dataDir }), testLogger(lines));
    expect(engine.mode).toBe('lexical');
    expect(lines.filter((l) => l.includes('lexical mode'))).toHaveLength(1);
    expect(existsSync(modelDir)).toBe(true);
  });
});

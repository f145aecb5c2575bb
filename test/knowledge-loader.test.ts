import { loadKnowledge } from '../src/knowledge/load-knowledge';
import { examples, fixtureKnowledge, guideMarkdown } from './support/fixture-knowledge';

const good = (id: string, title: string) => guideMarkdown({ id, title, examples: examples(title) });

describe('knowledge loader', () => {
  it('loads valid guides with their facets and a content version', async () => {
    const dir = fixtureKnowledge({
      'guides/ho-tich/khai-sinh.md': good('ho-tich/khai-sinh', 'Đăng ký khai sinh'),
    });
    const { knowledge, problems } = await loadKnowledge(dir);
    expect(problems.filter((p) => p.file.startsWith('guides/'))).toEqual([]);
    expect(knowledge.guides.map((g) => g.id)).toEqual(['ho-tich/khai-sinh']);
    expect(knowledge.guides[0]!.facets.fee).toBe('Lệ phí của Đăng ký khai sinh.');
    expect(knowledge.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('changes the version when any file changes', async () => {
    const a = await loadKnowledge(fixtureKnowledge({ 'guides/a/b.md': good('a/b', 'Một') }));
    const b = await loadKnowledge(fixtureKnowledge({ 'guides/a/b.md': good('a/b', 'Hai') }));
    expect(a.knowledge.version).not.toBe(b.knowledge.version);
  });

  it('refuses a bad guide with file, line, field and reason, and still loads the others', async () => {
    const tooFew = guideMarkdown({
      id: 'ho-tich/ket-hon',
      title: 'Kết hôn',
      examples: examples('kết hôn', 3),
    });
    const dir = fixtureKnowledge({
      'guides/ho-tich/khai-sinh.md': good('ho-tich/khai-sinh', 'Đăng ký khai sinh'),
      'guides/ho-tich/ket-hon.md': tooFew,
    });
    const { knowledge, problems } = await loadKnowledge(dir);
    expect(knowledge.guides.map((g) => g.id)).toEqual(['ho-tich/khai-sinh']);
    const problem = problems.find((p) => p.file === 'guides/ho-tich/ket-hon.md');
    expect(problem).toMatchObject({ field: 'examples', reason: expect.stringContaining('15') });
    const examplesLine = tooFew.split('\n').findIndex((l) => l.startsWith('examples:')) + 1;
    expect(problem!.line).toBeGreaterThanOrEqual(examplesLine);
    expect(problem!.line).toBeLessThanOrEqual(examplesLine + 1);
  });

  it('reports broken YAML with its line', async () => {
    const broken = good('a/b', 'Một').replace('title: Một', 'title: [Một');
    const { problems, knowledge } = await loadKnowledge(fixtureKnowledge({ 'guides/a/b.md': broken }));
    expect(knowledge.guides).toEqual([]);
    expect(problems[0]).toMatchObject({
      file: 'guides/a/b.md',
      reason: expect.stringContaining('invalid YAML'),
    });
    expect(problems[0]!.line).toBeGreaterThan(1);
  });

  it('refuses a guide whose id does not match its place, a missing section and an unknown heading', async () => {
    const wrongId = good('a/x', 'Một');
    const missing = good('a/c', 'Ba').replace(/## Lệ phí\n.*\n/, '');
    const unknown = good('a/d', 'Bốn').replace('## Kết quả', '## Ghi chú');
    const { problems, knowledge } = await loadKnowledge(
      fixtureKnowledge({ 'guides/a/b.md': wrongId, 'guides/a/c.md': missing, 'guides/a/d.md': unknown }),
    );
    expect(knowledge.guides).toEqual([]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'guides/a/b.md', field: 'id', line: 2 }),
        expect.objectContaining({
          file: 'guides/a/c.md',
          field: 'facets',
          reason: expect.stringContaining('Lệ phí'),
        }),
        expect.objectContaining({
          file: 'guides/a/d.md',
          field: 'sections',
          reason: expect.stringContaining('Ghi chú'),
        }),
      ]),
    );
  });

  it('refuses a guide with an unknown field or a bad date and a bad source url', async () => {
    const extra = good('a/b', 'Một').replace('title: Một', 'title: Một\nfee_amount: 5000');
    const badDate = good('a/c', 'Hai').replace('reviewed: 2026-11-27', 'reviewed: hôm qua');
    const badUrl = good('a/d', 'Ba').replace(
      'url: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/test',
      'url: not a url',
    );
    const { problems } = await loadKnowledge(
      fixtureKnowledge({ 'guides/a/b.md': extra, 'guides/a/c.md': badDate, 'guides/a/d.md': badUrl }),
    );
    expect(problems.map((p) => `${p.file} ${p.field}`)).toEqual(
      expect.arrayContaining([
        'guides/a/b.md (root)',
        'guides/a/c.md reviewed',
        'guides/a/d.md sources.0.url',
      ]),
    );
  });

  it('drops unknown related guides with a problem but keeps the guide', async () => {
    const spec = { id: 'a/b', title: 'Một', examples: examples('một'), related: ['a/zz'] };
    const { problems, knowledge } = await loadKnowledge(
      fixtureKnowledge({ 'guides/a/b.md': guideMarkdown(spec) }),
    );
    expect(knowledge.guides[0]!.related).toEqual([]);
    expect(problems).toContainEqual(
      expect.objectContaining({ field: 'related', reason: expect.stringContaining('a/zz') }),
    );
  });

  it('reports missing optional files and still loads; refuses to start without replies.yaml', async () => {
    const { problems } = await loadKnowledge(fixtureKnowledge({ 'guides/a/b.md': good('a/b', 'Một') }));
    expect(problems).toContainEqual({ file: 'lexicon.yaml', reason: 'file is missing' });
    await expect(loadKnowledge(fixtureKnowledge({}, false))).rejects.toThrow(/facets\.yaml|ENOENT/);
  });
});

import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load-knowledge';
import { parseGuide } from '../../src/knowledge/parse-guide';
import { renderGuide } from '../../src/knowledge/render-guide';

describe('renderGuide', () => {
  it('writes every shipped guide so that parsing it gives the same guide back', async () => {
    const { knowledge } = await loadKnowledge(path.resolve(__dirname, '../../knowledge'));
    expect(knowledge.guides.length).toBeGreaterThan(20);
    for (const guide of knowledge.guides) {
      const parsed = parseGuide(renderGuide(guide), `guides/${guide.id}.md`, guide.id);
      expect(parsed.ok && parsed.value).toEqual(guide);
    }
  });

  it('leaves out optional fields that are absent and keeps sections in heading order', async () => {
    const { knowledge } = await loadKnowledge(path.resolve(__dirname, '../../knowledge'));
    const guide = { ...knowledge.guides[0]!, aliases: [], online_url: undefined };
    delete guide.online_url;
    const text = renderGuide(guide);
    expect(text).not.toMatch(/^aliases:/m);
    expect(text).not.toMatch(/^online_url:/m);
    expect(text.indexOf('## Tổng quan')).toBeLessThan(text.indexOf('## Giấy tờ cần nộp'));
    expect(text.indexOf('## Giấy tờ cần nộp')).toBeLessThan(text.indexOf('## Căn cứ pháp lý'));
  });
});

/**
 * Everything in the knowledge a question can be matched to, as ranker targets and dense passages:
 * guides (title, aliases, examples, facet texts and English summary), small-talk intents and
 * out-of-scope topics (their examples).
 */
import type { Knowledge } from '../knowledge/schema';
import type { Passage } from './ports';
import type { Target } from './retrieval/lexical-ranker';

export const intentKey = (intent: string) => `intent:${intent}`;
export const topicKey = (topic: string) => `oos:${topic}`;

export function buildTargets(k: Knowledge): Target[] {
  return [
    ...k.guides.map((g): Target => ({
      key: g.id,
      kind: 'guide',
      title: `${g.title}\n${g.en.title}`,
      aliases: g.aliases,
      examples: g.examples,
      body: [...Object.values(g.facets), ...Object.values(g.en)],
    })),
    ...k.intents.map((i): Target => ({
      key: intentKey(i.intent),
      kind: 'intent',
      title: '',
      aliases: [],
      examples: i.examples,
      body: [],
    })),
    ...k.outOfScope.topics.map((t): Target => ({
      key: topicKey(t.id),
      kind: 'out_of_scope',
      title: t.title,
      aliases: [],
      examples: t.examples,
      body: [],
    })),
  ];
}

/** Passages for the dense index: example questions and titles of every target, first lines of guide facets. */
export function buildPassages(targets: Target[]): Passage[] {
  return targets.flatMap((t) =>
    [t.title, ...t.aliases, ...t.examples, ...t.body.map((b) => b.split('\n')[0] ?? '')]
      .flatMap((text) => text.split('\n'))
      .filter((text) => text.trim().length > 0)
      .map((text) => ({ guideId: t.key, text })),
  );
}

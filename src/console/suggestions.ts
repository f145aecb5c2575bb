/**
 * Suggested answers for the officer: the citizen's latest message that names a procedure (newest first,
 * so "cho tôi gặp cán bộ" falls back to the question before it) is asked to the engine; the answer's
 * guide and its alternatives give up to 3 guides, each with the facet's answer text (the facet the
 * citizen asked about, else the overview), the confidence and the guide's first source.
 */
import type { Engine } from '../engine/engine';

export interface Suggestion {
  guideId: string;
  title: string;
  facet: string;
  text: string;
  confidence: number;
  source: { title: string; url?: string } | null;
}

export interface SuggestionResult {
  /** The citizen message the suggestions answer; null when none names a procedure. */
  question: string | null;
  suggestions: Suggestion[];
}

const MAX = 3;

/** `messages`: the citizen's messages, newest first. */
export async function suggestAnswers(engine: Engine, messages: string[]): Promise<SuggestionResult> {
  for (const question of messages.slice(0, 10)) {
    if (!question.trim()) continue;
    const { record } = await engine.ask(question);
    if (!record.procedure) continue;
    const facet = record.facet ?? 'overview';
    const ranked = [
      { procedure: record.procedure, score: record.confidence },
      ...record.alternatives.filter((a) => a.procedure !== record.procedure),
    ];
    const suggestions: Suggestion[] = [];
    for (const { procedure, score } of ranked) {
      const guide = engine.guide(procedure);
      if (!guide || suggestions.length >= MAX) continue;
      const text = guide.facets[facet] ?? guide.facets.overview ?? '';
      const source = guide.sources[0];
      suggestions.push({
        guideId: guide.id,
        title: guide.title,
        facet: guide.facets[facet] ? facet : 'overview',
        text,
        confidence: Math.round(score * 1000) / 1000,
        source: source ? { title: source.title, ...(source.url && { url: source.url }) } : null,
      });
    }
    return { question, suggestions };
  }
  return { question: null, suggestions: [] };
}

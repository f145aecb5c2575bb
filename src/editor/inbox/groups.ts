/**
 * The inbox as editors see it, computed on read: the unanswered messages of a date range
 * (collect.ts), normalised (normalise.ts), without the questions of groups already resolved, grouped
 * (grouping.ts) and summarised per group: how many messages and conversations, the questions as asked
 * (most frequent first, masked), channels, first and last seen, the reasons, and what the bot answered
 * (decision and guide, with a sample of its text). Groups come largest first, then most recent.
 */
import type { Pool } from 'pg';
import type { Engine } from '../../engine/engine';
import type { KnowledgeService } from '../../knowledge-store/knowledge-service';
import { guidePath } from '../../knowledge-store/validate-file';
import { answerTexts, collectUnanswered, REASONS, type Reason, type UnansweredMessage } from './collect';
import { groupKeys } from './grouping';
import { NormaliserCache } from './normalise';
import { resolvedKeys } from './resolutions';

/** Distinct questions listed per group (the editor picks from these). */
export const MAX_QUESTIONS = 50;
/** Questions shown as the group's samples. */
export const SAMPLES = 5;
/** Longest answer text kept as a sample of what the bot said. */
const ANSWER_SAMPLE_CHARS = 400;

export interface GroupAnswer {
  decision: string | null;
  procedure: string | null;
  title: string | null;
  count: number;
  /** The most recent such answer (its message id; its text, cut to ANSWER_SAMPLE_CHARS, once read). */
  messageId: number;
  text?: string;
}

export interface InboxGroup {
  signature: string;
  /** Messages in the group. */
  count: number;
  conversations: number;
  /** The most asked phrasing. */
  question: string;
  samples: string[];
  questions: { text: string; count: number }[];
  channels: Record<string, number>;
  reasons: Partial<Record<Reason, number>>;
  answers: GroupAnswer[];
  firstSeen: Date;
  lastSeen: Date;
  /** The guide the bot answered with most often (a good place to attach), if any. */
  suggested: { path: string; title: string } | null;
}

export interface ComputedGroup extends InboxGroup {
  /** The normalised questions of the group (stored when it is resolved). */
  keys: string[];
}

export interface Inbox {
  /** Unanswered messages of the range, those of resolved groups left out. */
  messages: number;
  /** Messages with nothing to group on (only stopwords, digits or emoji). */
  ungrouped: number;
  groups: ComputedGroup[];
}

const tidy = (text: string) => text.replace(/\s+/g, ' ').trim();

function countBy<T>(items: T[], keyOf: (item: T) => string): Map<string, { count: number; last: T }> {
  const counts = new Map<string, { count: number; last: T }>();
  for (const item of items) {
    const key = keyOf(item);
    const known = counts.get(key);
    if (known) known.count++;
    else counts.set(key, { count: 1, last: item });
  }
  return counts;
}

function summarise(
  signature: string,
  keys: string[],
  members: UnansweredMessage[],
  seedTexts: ReadonlySet<string>,
  engine: Engine,
): ComputedGroup {
  // Members are newest first, so `last` of countBy is the most recent of each kind. The questions come
  // most asked first, the seed's phrasings first among equals, then the most recent.
  const seedFirst = (text: string) => (seedTexts.has(text) ? 0 : 1);
  const texts = [...countBy(members, (m) => tidy(m.text)).entries()]
    .filter(([text]) => text.length > 0)
    .sort(
      (a, b) => b[1].count - a[1].count || seedFirst(a[0]) - seedFirst(b[0]) || b[1].last.id - a[1].last.id,
    )
    .map(([text, { count }]) => ({ text, count }));
  const channels: Record<string, number> = {};
  const reasons: Partial<Record<Reason, number>> = {};
  for (const m of members) {
    channels[m.channel] = (channels[m.channel] ?? 0) + 1;
    for (const r of m.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
  }
  const answers = [
    ...countBy(members, (m) => `${m.answer.decision ?? ''}|${m.answer.procedure ?? ''}`).values(),
  ]
    .sort((a, b) => b.count - a.count || b.last.id - a.last.id)
    .slice(0, 3)
    .map(({ count, last }) => ({
      decision: last.answer.decision,
      procedure: last.answer.procedure,
      title: last.answer.procedure ? (engine.guide(last.answer.procedure)?.title ?? null) : null,
      count,
      messageId: last.answer.id,
    }));
  const procedure = [
    ...countBy(
      members.filter((m) => m.answer.procedure),
      (m) => m.answer.procedure!,
    ).entries(),
  ].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  const guide = procedure ? engine.guide(procedure) : undefined;
  let first = Infinity;
  let last = -Infinity;
  for (const m of members) {
    first = Math.min(first, m.at.getTime());
    last = Math.max(last, m.at.getTime());
  }
  return {
    signature,
    keys,
    count: members.length,
    conversations: new Set(members.map((m) => m.conversationId)).size,
    question: texts[0]?.text ?? '',
    samples: texts.slice(0, SAMPLES).map((t) => t.text),
    questions: texts.slice(0, MAX_QUESTIONS),
    channels,
    reasons: Object.fromEntries(REASONS.filter((r) => reasons[r]).map((r) => [r, reasons[r]])),
    answers,
    firstSeen: new Date(first),
    lastSeen: new Date(last),
    suggested: guide && procedure ? { path: guidePath(procedure), title: guide.title } : null,
  };
}

export class InboxReader {
  private readonly normalisers = new NormaliserCache();

  constructor(
    private readonly pool: Pool,
    private readonly knowledge: KnowledgeService,
  ) {}

  async read(from: Date, to: Date): Promise<Inbox> {
    const [rows, resolved] = await Promise.all([
      collectUnanswered(this.pool, from, to),
      resolvedKeys(this.pool),
    ]);
    const engine = this.knowledge.engine();
    const normaliser = this.normalisers.get(this.knowledge.liveSet().files, engine);
    const byKey = new Map<string, UnansweredMessage[]>();
    let ungrouped = 0;
    let messages = 0;
    for (const row of rows) {
      const key = normaliser.key(row.text);
      if (key && resolved.has(key)) continue;
      messages++;
      if (!key) {
        ungrouped++;
        continue;
      }
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
    const counts = new Map([...byKey].map(([key, list]) => [key, list.length]));
    const groups = groupKeys(counts).map((g) =>
      summarise(
        g.signature,
        g.keys,
        g.keys.flatMap((k) => byKey.get(k) ?? []).sort((a, b) => b.id - a.id),
        new Set((byKey.get(g.seed) ?? []).map((m) => tidy(m.text))),
        engine,
      ),
    );
    groups.sort(
      (a, b) =>
        b.count - a.count ||
        b.lastSeen.getTime() - a.lastSeen.getTime() ||
        (a.signature < b.signature ? -1 : 1),
    );
    return { messages, ungrouped, groups };
  }

  /** Fills in the sample answer texts of the groups about to be shown. */
  async withAnswerTexts(groups: ComputedGroup[]): Promise<ComputedGroup[]> {
    const ids = groups.flatMap((g) => g.answers.map((a) => a.messageId));
    const texts = await answerTexts(this.pool, ids, ANSWER_SAMPLE_CHARS);
    for (const g of groups) for (const a of g.answers) a.text = texts.get(a.messageId) ?? '';
    return groups;
  }
}

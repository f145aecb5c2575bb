/**
 * The figures of the stats section, read from PostgreSQL for a range of Vietnam days (range.ts):
 *  - questions: the citizens' messages (messages.direction 'in') per day and channel;
 *  - outcomes: the engine's replies per day by decision (labels.ts OUTCOMES), and the deflection rate:
 *    (answered + clarified + refused) / (answered + clarified + refused + fallback + handed off),
 *    the share of questions the bot resolved without an officer (small talk is not a question);
 *  - unanswered: the replies of unanswered.ts's definition, per day;
 *  - top procedures and facets: the 10 most frequent of the engine's answers (decision 'answer');
 *  - handoffs: requested per day (the request's Vietnam day), how many of them were claimed, and
 *    the median wait from request to the first claim (requested_at → assigned_at), per day and over
 *    the range;
 *  - CSAT (feedback kind 'csat', 1–5): average and distribution, per day too; thumbs up and down.
 * Days are grouped in SQL by the Vietnam day of each timestamp. Every day of the range is listed,
 * with zeros where nothing happened.
 */
import type { Pool } from 'pg';
import { channelLabel, DEFLECTED, facetLabel, OUTCOMES, QUESTION_OUTCOMES, type OutcomeKey } from './labels';
import { vietnamDaySql, withinDaysSql, type DayRange } from './range';
import { ENGINE_DECISIONS, unansweredReplySql } from './unanswered';

export const TOP_LIMIT = 10;

export type Outcomes = Record<OutcomeKey, number>;

export interface HandoffFigures {
  requested: number;
  claimed: number;
  /** Median seconds from request to first claim of the claimed ones; null without any. */
  medianWaitSeconds: number | null;
}

export interface CsatFigures {
  count: number;
  /** Two decimals; null without ratings. */
  average: number | null;
}

export interface DayFigures {
  day: string;
  /** Citizens' messages by channel id (channels absent that day are 0 or missing). */
  questions: Record<string, number>;
  questionsTotal: number;
  outcomes: Outcomes;
  /** 0–1, three decimals; null without any question outcome. */
  deflectionRate: number | null;
  unanswered: number;
  handoffs: HandoffFigures;
  csat: CsatFigures;
}

export interface RankedItem {
  key: string;
  label: string;
  count: number;
  /** Share of all answers with this kind of key (0–1, three decimals). */
  share: number;
}

export interface StatsReport {
  from: string;
  to: string;
  /** Channels with questions in the range, most questions first. */
  channels: { id: string; label: string; questions: number }[];
  outcomeLabels: { key: OutcomeKey; label: string }[];
  daily: DayFigures[];
  totals: {
    questions: number;
    outcomes: Outcomes;
    /** Questions the bot resolved itself, and all questions with an outcome (the rate's terms). */
    deflected: number;
    deflectionBase: number;
    deflectionRate: number | null;
    unanswered: number;
    /** Engine replies (every outcome): the base of the unanswered share. */
    botReplies: number;
    handoffs: HandoffFigures;
  };
  procedures: RankedItem[];
  facets: RankedItem[];
  csat: CsatFigures & { distribution: { rating: number; count: number }[] };
  thumbs: { up: number; down: number };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const ratio = (part: number, whole: number) => (whole === 0 ? null : round(part / whole, 3));
const noOutcomes = (): Outcomes => Object.fromEntries(OUTCOMES.map((o) => [o.key, 0])) as unknown as Outcomes;
const deflection = (o: Outcomes) => {
  const base = QUESTION_OUTCOMES.reduce((sum, k) => sum + o[k], 0);
  const deflected = DEFLECTED.reduce((sum, k) => sum + o[k], 0);
  return { deflected, base, rate: ratio(deflected, base) };
};

const DAY = (column: string) => vietnamDaySql(column);

const QUESTIONS = `SELECT ${DAY('created_at')} AS day, channel, count(*)::int AS count
  FROM messages WHERE direction = 'in' AND ${withinDaysSql('created_at')}
  GROUP BY 1, 2`;

const OUTCOMES_BY_DAY = `SELECT ${DAY('m.created_at')} AS day,
    ${OUTCOMES.map((o) => `count(*) FILTER (WHERE m.decision = '${o.decision}')::int AS "${o.key}"`).join(',\n    ')},
    count(*) FILTER (WHERE ${unansweredReplySql('m')})::int AS unanswered
  FROM messages m
  WHERE m.direction = 'out' AND m.decision = ANY ($3::text[]) AND ${withinDaysSql('m.created_at')}
  GROUP BY 1`;

const ranked = (column: 'procedure' | 'facet') => `SELECT ${column} AS key, count(*)::int AS count,
    (sum(count(*)) OVER ())::int AS total
  FROM messages
  WHERE direction = 'out' AND decision = 'answer' AND ${column} IS NOT NULL AND ${withinDaysSql('created_at')}
  GROUP BY ${column} ORDER BY count DESC, ${column} LIMIT ${TOP_LIMIT}`;

const WAIT = 'extract(epoch FROM assigned_at - requested_at)';
// GROUPING SETS: one row per day and one for the whole range (day NULL), medians are not additive.
const HANDOFFS = `SELECT day, count(*)::int AS requested, count(assigned_at)::int AS claimed,
    (percentile_cont(0.5) WITHIN GROUP (ORDER BY ${WAIT}) FILTER (WHERE assigned_at IS NOT NULL))::float8
      AS median
  FROM (SELECT ${DAY('requested_at')} AS day, requested_at, assigned_at FROM handoffs
        WHERE ${withinDaysSql('requested_at')}) h
  GROUP BY GROUPING SETS ((day), ())`;

const FEEDBACK = `SELECT ${DAY('created_at')} AS day, kind, rating, count(*)::int AS count
  FROM feedback WHERE ${withinDaysSql('created_at')}
  GROUP BY 1, 2, 3`;

type OutcomeRow = Outcomes & { day: string; unanswered: number };

function rankedItems(
  rows: { key: string; count: number; total: number }[],
  label: (key: string) => string,
): RankedItem[] {
  return rows.map((r) => ({
    key: r.key,
    label: label(r.key),
    count: r.count,
    share: ratio(r.count, r.total) ?? 0,
  }));
}

/** The report of `range`; `procedureTitle` names a guide id (undefined: the id is shown). */
export async function statsReport(
  pool: Pool,
  range: DayRange,
  procedureTitle: (id: string) => string | undefined,
): Promise<StatsReport> {
  const params = [range.from, range.to];
  const [questions, outcomes, procedures, facets, handoffs, feedback] = await Promise.all([
    pool.query<{ day: string; channel: string; count: number }>(QUESTIONS, params),
    pool.query<OutcomeRow>(OUTCOMES_BY_DAY, [...params, ENGINE_DECISIONS]),
    pool.query<{ key: string; count: number; total: number }>(ranked('procedure'), params),
    pool.query<{ key: string; count: number; total: number }>(ranked('facet'), params),
    pool.query<{ day: string | null; requested: number; claimed: number; median: number | null }>(
      HANDOFFS,
      params,
    ),
    pool.query<{ day: string; kind: 'csat' | 'thumbs'; rating: number; count: number }>(FEEDBACK, params),
  ]);

  const handoffFigures = (r?: { requested: number; claimed: number; median: number | null }) => ({
    requested: r?.requested ?? 0,
    claimed: r?.claimed ?? 0,
    medianWaitSeconds: r?.median === null || r?.median === undefined ? null : Math.round(r.median),
  });
  const csatOf = (rows: { rating: number; count: number }[]): CsatFigures => {
    const count = rows.reduce((s, r) => s + r.count, 0);
    const sum = rows.reduce((s, r) => s + r.rating * r.count, 0);
    return { count, average: count === 0 ? null : round(sum / count, 2) };
  };
  const csatRows = feedback.rows.filter((r) => r.kind === 'csat');

  const daily: DayFigures[] = range.days.map((day) => {
    const byChannel = Object.fromEntries(
      questions.rows.filter((r) => r.day === day).map((r) => [r.channel, r.count]),
    );
    const row = outcomes.rows.find((r) => r.day === day);
    const dayOutcomes = noOutcomes();
    for (const o of OUTCOMES) dayOutcomes[o.key] = row?.[o.key] ?? 0;
    return {
      day,
      questions: byChannel,
      questionsTotal: Object.values(byChannel).reduce((s, n) => s + n, 0),
      outcomes: dayOutcomes,
      deflectionRate: deflection(dayOutcomes).rate,
      unanswered: row?.unanswered ?? 0,
      handoffs: handoffFigures(handoffs.rows.find((r) => r.day === day)),
      csat: csatOf(csatRows.filter((r) => r.day === day)),
    };
  });

  const channelTotals = new Map<string, number>();
  for (const r of questions.rows) channelTotals.set(r.channel, (channelTotals.get(r.channel) ?? 0) + r.count);
  const totalOutcomes = noOutcomes();
  for (const d of daily) for (const o of OUTCOMES) totalOutcomes[o.key] += d.outcomes[o.key];
  const deflected = deflection(totalOutcomes);
  const distribution = [1, 2, 3, 4, 5].map((rating) => ({
    rating,
    count: csatRows.filter((r) => r.rating === rating).reduce((s, r) => s + r.count, 0),
  }));
  const thumbs = (rating: number) =>
    feedback.rows.filter((r) => r.kind === 'thumbs' && r.rating === rating).reduce((s, r) => s + r.count, 0);

  return {
    from: range.from,
    to: range.to,
    channels: [...channelTotals]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([id, count]) => ({ id, label: channelLabel(id), questions: count })),
    outcomeLabels: OUTCOMES.map(({ key, label }) => ({ key, label })),
    daily,
    totals: {
      questions: daily.reduce((s, d) => s + d.questionsTotal, 0),
      outcomes: totalOutcomes,
      deflected: deflected.deflected,
      deflectionBase: deflected.base,
      deflectionRate: deflected.rate,
      unanswered: daily.reduce((s, d) => s + d.unanswered, 0),
      botReplies: OUTCOMES.reduce((s, o) => s + totalOutcomes[o.key], 0),
      handoffs: handoffFigures(handoffs.rows.find((r) => r.day === null)),
    },
    procedures: rankedItems(procedures.rows, (id) => procedureTitle(id) ?? id),
    facets: rankedItems(facets.rows, facetLabel),
    csat: { ...csatOf(csatRows), distribution },
    thumbs: { up: thumbs(1), down: thumbs(-1) },
  };
}

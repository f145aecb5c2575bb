/**
 * What the supervisor view reads from PostgreSQL, all at one instant (`now`, the database clock unless
 * given): every open handoff (queued in claim order with its position and wait; assigned with the
 * officer and since when), and the live figures: queue length per channel, longest current wait, the
 * median wait to claim (request → assignment) today and over the last hour, today's handoffs
 * (requested, claimed, closed after a claim, abandoned = closed while still queued), who holds how
 * many conversations, today's CSAT (feedback kind 'csat') and today's messages with the share of the
 * bot's replies that answered (messages.decision answer/clarify/referral/small_talk) or handed off
 * (decision handoff). "Today" is the Vietnam day (UTC+7, no daylight saving) from its midnight on.
 * Plus the officers a handoff may be reassigned to. Lists stop at LIST_LIMIT rows; figures never do.
 */
import type { Pool } from 'pg';

export const LIST_LIMIT = 500;
/** Engine decisions that answered the citizen (messages.decision of the bot's replies). */
export const ANSWERED_DECISIONS = ['answer', 'clarify', 'referral', 'small_talk'] as const;
/** The officer roles: who can hold a handoff. */
export const OFFICER_ROLES = ['agent', 'supervisor', 'admin'] as const;

export interface QueuedHandoff {
  id: number;
  conversationId: string;
  channel: string;
  priority: number;
  reason: string;
  requestedAt: Date;
  waitingSeconds: number;
  /** 1 = next to be claimed. */
  position: number;
}

export interface AssignedHandoff {
  id: number;
  conversationId: string;
  channel: string;
  priority: number;
  reason: string;
  requestedAt: Date;
  /** When it was first claimed (a transfer keeps it). */
  assignedAt: Date;
  officer: string | null;
  heldSeconds: number;
}

export interface SupervisorOverview {
  /** The instant the figures describe. */
  at: Date;
  /** Start of the Vietnam day that "today" means. */
  dayStart: Date;
  queued: QueuedHandoff[];
  assigned: AssignedHandoff[];
  figures: {
    queueLength: { total: number; byChannel: { channel: string; count: number }[] };
    longestWaitSeconds: number | null;
    medianWaitToClaimSeconds: { today: number | null; lastHour: number | null };
    handoffsToday: { requested: number; claimed: number; closed: number; abandoned: number };
    officersHolding: { username: string; holding: number; since: Date }[];
    csatToday: { average: number | null; count: number };
    messagesToday: {
      total: number;
      fromCitizens: number;
      /** The bot's replies with an engine decision. */
      botReplies: number;
      answeredByBot: number;
      handedOff: number;
      notUnderstood: number;
      officerReplies: number;
      /** Shares of botReplies (0–1, 3 decimals); null without any. */
      answeredShare: number | null;
      handedOffShare: number | null;
    };
  };
  /** Usernames a handoff can be reassigned to. */
  officers: string[];
}

const round = (n: number | null | undefined, digits = 0): number | null => {
  if (n === null || n === undefined) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
const share = (part: number, whole: number) => (whole === 0 ? null : round(part / whole, 3));

const CLOCK = `SELECT t AS now,
  date_trunc('day', t AT TIME ZONE interval '+07:00') AT TIME ZONE interval '+07:00' AS day_start
  FROM (SELECT coalesce($1::timestamptz, now()) AS t) c`;

const QUEUED = `SELECT * FROM (
    SELECT id, conversation_id, channel, priority, reason, requested_at,
           greatest(0, extract(epoch FROM $1::timestamptz - requested_at))::float8 AS waiting,
           row_number() OVER (ORDER BY priority DESC, requested_at, id)::int AS position
    FROM handoffs WHERE status = 'queued') q
  ORDER BY position LIMIT ${LIST_LIMIT}`;

const ASSIGNED = `SELECT h.id, h.conversation_id, h.channel, h.priority, h.reason, h.requested_at, h.assigned_at,
         u.username, greatest(0, extract(epoch FROM $1::timestamptz - h.assigned_at))::float8 AS held
  FROM handoffs h LEFT JOIN users u ON u.id = h.assigned_to
  WHERE h.status = 'assigned' ORDER BY h.assigned_at, h.id LIMIT ${LIST_LIMIT}`;

const QUEUE_BY_CHANNEL = `SELECT channel, count(*)::int AS count,
         greatest(0, max(extract(epoch FROM $1::timestamptz - requested_at)))::float8 AS longest
  FROM handoffs WHERE status = 'queued' GROUP BY channel ORDER BY channel`;

const WAIT = 'extract(epoch FROM assigned_at - requested_at)';
const HANDOFFS_TODAY = `SELECT
    count(*) FILTER (WHERE requested_at >= $2)::int AS requested,
    count(*) FILTER (WHERE assigned_at >= $2)::int AS claimed,
    count(*) FILTER (WHERE status = 'closed' AND closed_at >= $2 AND assigned_at IS NOT NULL)::int AS closed,
    count(*) FILTER (WHERE status = 'closed' AND closed_at >= $2 AND assigned_at IS NULL)::int AS abandoned,
    (percentile_cont(0.5) WITHIN GROUP (ORDER BY ${WAIT}) FILTER (WHERE assigned_at >= $2))::float8
      AS median_today,
    (percentile_cont(0.5) WITHIN GROUP (ORDER BY ${WAIT})
      FILTER (WHERE assigned_at > $1::timestamptz - interval '1 hour'))::float8 AS median_hour
  FROM handoffs
  WHERE requested_at >= $2 OR closed_at >= $2
     OR assigned_at >= least($2::timestamptz, $1::timestamptz - interval '1 hour')`;

const HOLDERS = `SELECT u.username, count(*)::int AS holding, min(h.assigned_at) AS since
  FROM handoffs h JOIN users u ON u.id = h.assigned_to
  WHERE h.status = 'assigned' GROUP BY u.username ORDER BY holding DESC, u.username`;

const CSAT = `SELECT avg(rating)::float8 AS average, count(*)::int AS count
  FROM feedback WHERE kind = 'csat' AND created_at >= $1`;

const MESSAGES = `SELECT count(*)::int AS total,
    count(*) FILTER (WHERE direction = 'in')::int AS from_citizens,
    count(*) FILTER (WHERE direction = 'out' AND decision = ANY ($2::text[]))::int AS answered,
    count(*) FILTER (WHERE direction = 'out' AND decision = 'handoff')::int AS handed_off,
    count(*) FILTER (WHERE direction = 'out' AND decision = 'fallback')::int AS not_understood,
    count(*) FILTER (WHERE direction = 'out' AND decision = 'officer')::int AS officer
  FROM messages WHERE created_at >= $1`;

const OFFICERS = `SELECT username FROM users WHERE roles && $1::text[] ORDER BY username LIMIT ${LIST_LIMIT}`;

interface HandoffListRow {
  id: string;
  conversation_id: string;
  channel: string;
  priority: number;
  reason: string;
  requested_at: Date;
}

/** The overview at `now` (default: the database's clock). */
export async function supervisorOverview(
  pool: Pool,
  options: { now?: Date } = {},
): Promise<SupervisorOverview> {
  const clock = await pool.query<{ now: Date; day_start: Date }>(CLOCK, [options.now ?? null]);
  const { now, day_start: dayStart } = clock.rows[0]!;
  const [queued, assigned, byChannel, today, holders, csat, messages, officers] = await Promise.all([
    pool.query<HandoffListRow & { waiting: number; position: number }>(QUEUED, [now]),
    pool.query<HandoffListRow & { assigned_at: Date; username: string | null; held: number }>(ASSIGNED, [
      now,
    ]),
    pool.query<{ channel: string; count: number; longest: number }>(QUEUE_BY_CHANNEL, [now]),
    pool.query<{
      requested: number;
      claimed: number;
      closed: number;
      abandoned: number;
      median_today: number | null;
      median_hour: number | null;
    }>(HANDOFFS_TODAY, [now, dayStart]),
    pool.query<{ username: string; holding: number; since: Date }>(HOLDERS),
    pool.query<{ average: number | null; count: number }>(CSAT, [dayStart]),
    pool.query<{
      total: number;
      from_citizens: number;
      answered: number;
      handed_off: number;
      not_understood: number;
      officer: number;
    }>(MESSAGES, [dayStart, ANSWERED_DECISIONS]),
    pool.query<{ username: string }>(OFFICERS, [OFFICER_ROLES]),
  ]);
  const t = today.rows[0]!;
  const m = messages.rows[0]!;
  const c = csat.rows[0]!;
  const botReplies = m.answered + m.handed_off + m.not_understood;
  const longest = byChannel.rows.reduce<number | null>((max, r) => Math.max(max ?? 0, r.longest), null);
  return {
    at: now,
    dayStart,
    queued: queued.rows.map((r) => ({
      id: Number(r.id),
      conversationId: r.conversation_id,
      channel: r.channel,
      priority: r.priority,
      reason: r.reason,
      requestedAt: r.requested_at,
      waitingSeconds: Math.round(r.waiting),
      position: r.position,
    })),
    assigned: assigned.rows.map((r) => ({
      id: Number(r.id),
      conversationId: r.conversation_id,
      channel: r.channel,
      priority: r.priority,
      reason: r.reason,
      requestedAt: r.requested_at,
      assignedAt: r.assigned_at,
      officer: r.username,
      heldSeconds: Math.round(r.held),
    })),
    figures: {
      queueLength: {
        total: byChannel.rows.reduce((sum, r) => sum + r.count, 0),
        byChannel: byChannel.rows.map((r) => ({ channel: r.channel, count: r.count })),
      },
      longestWaitSeconds: round(longest),
      medianWaitToClaimSeconds: { today: round(t.median_today), lastHour: round(t.median_hour) },
      handoffsToday: { requested: t.requested, claimed: t.claimed, closed: t.closed, abandoned: t.abandoned },
      officersHolding: holders.rows,
      csatToday: { average: round(c.average, 2), count: c.count },
      messagesToday: {
        total: m.total,
        fromCitizens: m.from_citizens,
        botReplies,
        answeredByBot: m.answered,
        handedOff: m.handed_off,
        notUnderstood: m.not_understood,
        officerReplies: m.officer,
        answeredShare: share(m.answered, botReplies),
        handedOffShare: share(m.handed_off, botReplies),
      },
    },
    officers: officers.rows.map((r) => r.username),
  };
}

/**
 * When a stopped or deferred delivery is tried again (src/handoff/broadcaster.ts `Resume`), in
 * Vietnam time (UTC+7 all year): the next day's morning for a spent daily quota, the coming morning
 * after quiet hours, or a few minutes for an outage. Mornings are 08:00, inside every source's
 * sending hours for promotional messages (Zalo refuses them 22:00–06:00).
 */
import type { Resume } from '../handoff/broadcaster';
import { VIETNAM_OFFSET_MINUTES } from '../handoff/opening-hours';

export const MORNING_HOUR = 8;
export const SOON_MS = 15 * 60 * 1000;
const OFFSET_MS = VIETNAM_OFFSET_MINUTES * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export function resumeAt(resume: Resume, now: Date): Date {
  if (resume === 'soon') return new Date(now.getTime() + SOON_MS);
  const local = new Date(now.getTime() + OFFSET_MS);
  const todayMorning =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), MORNING_HOUR) - OFFSET_MS;
  if (resume === 'morning' && now.getTime() < todayMorning) return new Date(todayMorning);
  return new Date(todayMorning + DAY_MS);
}

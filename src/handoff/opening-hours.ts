/**
 * The centre's opening hours (OPENING_HOURS, Vietnam time): parsed by zod from text such as
 * "Mon-Fri 07:30-17:00" or "Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30" into a schedule, then
 * asked whether a moment is inside it and when it next opens. Vietnam keeps UTC+7 all year (no
 * daylight saving), so local time is a fixed offset from the injected clock.
 */
import { z } from 'zod';
import { readDate, readTime } from '../engine/text/vietnamese-numbers';

export const DEFAULT_OPENING_HOURS = 'Mon-Fri 07:30-17:00';
export const VIETNAM_OFFSET_MINUTES = 7 * 60;

/** Minutes since local midnight. */
export interface Span {
  start: number;
  end: number;
}

export interface ScheduleSegment {
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  spans: Span[];
}

export interface Schedule {
  source: string;
  segments: ScheduleSegment[];
}

const DAY_CODES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const EN_DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function parseDay(code: string): number {
  const i = DAY_CODES.indexOf(code.trim().slice(0, 3).toLowerCase());
  if (i < 0) throw new Error(`unknown day "${code.trim()}" (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)`);
  return i;
}

function parseDays(text: string): number[] {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to, extra] = part.split('-');
    if (extra !== undefined || !from) throw new Error(`bad day range "${part.trim()}"`);
    const a = parseDay(from);
    const b = to === undefined ? a : parseDay(to);
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

function parseClock(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  if (!m || h > 24 || min > 59 || (h === 24 && min > 0))
    throw new Error(`bad time "${text.trim()}" (use HH:MM)`);
  return h * 60 + min;
}

function parseSpans(text: string): Span[] {
  return text.split(',').map((range) => {
    const [a, b, extra] = range.split('-');
    if (a === undefined || b === undefined || extra !== undefined)
      throw new Error(`bad hours "${range.trim()}"`);
    const span = { start: parseClock(a), end: parseClock(b) };
    if (span.end <= span.start) throw new Error(`hours "${range.trim()}" end before they start`);
    return span;
  });
}

/** Throws with a readable reason when the text is not a schedule. */
export function parseOpeningHours(source: string): Schedule {
  const segments = source
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((segment) => {
      const m = /^([A-Za-z][A-Za-z,\s-]*?)\s+(\d.*)$/.exec(segment);
      if (!m?.[1] || !m[2]) throw new Error(`"${segment}" is not "<days> <HH:MM-HH:MM>"`);
      return { days: parseDays(m[1]), spans: parseSpans(m[2].replace(/\s+/g, '')) };
    });
  if (segments.length === 0) throw new Error('no opening hours given');
  return { source, segments };
}

/** The configuration field: a string (default Mon-Fri 07:30-17:00) parsed into a Schedule. */
export const openingHoursSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const text = value?.trim() || DEFAULT_OPENING_HOURS;
    try {
      return parseOpeningHours(text);
    } catch (err) {
      ctx.addIssue(err instanceof Error ? err.message : String(err));
      return z.NEVER;
    }
  });

interface LocalTime {
  day: number;
  minutes: number;
  /** Local midnight of that day as UTC milliseconds shifted by the offset (for dates). */
  dayStart: number;
}

function local(now: Date): LocalTime {
  const shifted = new Date(now.getTime() + VIETNAM_OFFSET_MINUTES * 60_000);
  return {
    day: shifted.getUTCDay(),
    minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
    dayStart: Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate()),
  };
}

export function isOpen(schedule: Schedule, now: Date): boolean {
  const { day, minutes } = local(now);
  return schedule.segments.some(
    (s) => s.days.includes(day) && s.spans.some((span) => minutes >= span.start && minutes < span.end),
  );
}

export interface Opening {
  /** 0 = later today, 1 = tomorrow… */
  daysAhead: number;
  day: number;
  /** Minutes since local midnight. */
  start: number;
  /** Local calendar date of the opening. */
  date: { day: number; month: number; year: number };
}

/** The next time the centre opens after `now` (undefined only for an empty schedule). */
export function nextOpening(schedule: Schedule, now: Date): Opening | undefined {
  const today = local(now);
  for (let ahead = 0; ahead <= 7; ahead++) {
    const day = (today.day + ahead) % 7;
    const starts = schedule.segments
      .filter((s) => s.days.includes(day))
      .flatMap((s) => s.spans.map((span) => span.start))
      .filter((start) => ahead > 0 || start > today.minutes)
      .sort((a, b) => a - b);
    const start = starts[0];
    if (start === undefined) continue;
    const d = new Date(today.dayStart + ahead * 86_400_000);
    return {
      daysAhead: ahead,
      day,
      start,
      date: { day: d.getUTCDate(), month: d.getUTCMonth() + 1, year: d.getUTCFullYear() },
    };
  }
  return undefined;
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const partOfDay = (minutes: number) =>
  minutes < 11 * 60 ? 'sáng' : minutes < 13 * 60 ? 'trưa' : minutes < 18 * 60 ? 'chiều' : 'tối';

/** 12-hour time with the part of the day: "bảy giờ ba mươi sáng", "năm giờ chiều". */
function clock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  return `${readTime(h > 12 ? h - 12 : h, minutes % 60)} ${partOfDay(minutes)}`;
}

/** "bảy giờ ba mươi sáng nay" / "… sáng mai, thứ Ba" / "… sáng thứ Hai, ngày chín tháng ba". */
export function speakOpening(o: Opening): string {
  const time = clock(o.start);
  if (o.daysAhead === 0) return `${time} nay`;
  if (o.daysAhead === 1) return `${time} mai, ${DAY_NAMES[o.day]}`;
  return `${time} ${DAY_NAMES[o.day]}, ${readDate(o.date.day, o.date.month)}`;
}

/** "7:30", "1:05": 12-hour clock digits. */
const shortClock = (minutes: number) => {
  const h = Math.floor(minutes / 60) % 12 || 12;
  return `${h}:${String(minutes % 60).padStart(2, '0')}`;
};

/**
 * When it opens, written for chat: "7:30 sáng thứ Hai, 30/11", "1:30 chiều nay", "7:30 sáng mai (thứ Ba,
 * 1/12)"; in English "7:30 a.m. on Monday 30/11", "1:30 p.m. today", "7:30 a.m. tomorrow (Tuesday 1/12)".
 */
export function formatOpening(o: Opening, lang: 'vi' | 'en' = 'vi'): string {
  const date = `${o.date.day}/${o.date.month}`;
  if (lang === 'en') {
    const time = `${shortClock(o.start)} ${o.start < 12 * 60 ? 'a.m.' : 'p.m.'}`;
    if (o.daysAhead === 0) return `${time} today`;
    if (o.daysAhead === 1) return `${time} tomorrow (${EN_DAY_NAMES[o.day]} ${date})`;
    return `${time} on ${EN_DAY_NAMES[o.day]} ${date}`;
  }
  const time = `${shortClock(o.start)} ${partOfDay(o.start)}`;
  if (o.daysAhead === 0) return `${time} nay`;
  if (o.daysAhead === 1) return `${time} mai (${DAY_NAMES[o.day]}, ${date})`;
  return `${time} ${DAY_NAMES[o.day]}, ${date}`;
}

function dayList(days: number[], names = DAY_NAMES, through = 'đến'): string[] {
  // Runs of consecutive days (Monday first) become "thứ Hai đến thứ Sáu".
  const order = [1, 2, 3, 4, 5, 6, 0].filter((d) => days.includes(d));
  const runs: number[][] = [];
  for (const d of order) {
    const run = runs.at(-1);
    const prev = run?.at(-1);
    if (run && prev !== undefined && (prev + 1) % 7 === d) run.push(d);
    else runs.push([d]);
  }
  return runs.map((r) => {
    const first = names[r[0] ?? 0] ?? '';
    const last = names[r.at(-1) ?? 0] ?? '';
    return r.length > 2 ? `${first} ${through} ${last}` : r.map((d) => names[d]).join(', ');
  });
}

/**
 * The schedule in words, for speech ("thứ Hai đến thứ Sáu, từ bảy giờ ba mươi sáng đến năm giờ chiều") or
 * text ("thứ Hai đến thứ Sáu 07:30-17:00"; in English "Monday to Friday 07:30-17:00", text only).
 */
export function describeSchedule(
  schedule: Schedule,
  mode: 'speech' | 'text',
  lang: 'vi' | 'en' = 'vi',
): string {
  if (lang === 'en') {
    return schedule.segments
      .map((s) => {
        const days = dayList(s.days, EN_DAY_NAMES, 'to').join(', ');
        return `${days} ${s.spans.map((span) => `${hhmm(span.start)}-${hhmm(span.end)}`).join(', ')}`;
      })
      .join('; ');
  }
  return schedule.segments
    .map((s) => {
      const days = dayList(s.days).join(', ');
      const spans = s.spans
        .map((span) =>
          mode === 'speech'
            ? `từ ${clock(span.start)} đến ${clock(span.end)}`
            : `${hhmm(span.start)}-${hhmm(span.end)}`,
        )
        .join(mode === 'speech' ? ' và ' : ', ');
      return mode === 'speech' ? `${days}, ${spans}` : `${days} ${spans}`;
    })
    .join(mode === 'speech' ? '. ' : '; ');
}

/**
 * Text messages in plain Vietnamese, at most about 600 characters: a guide's key facts for a caller
 * who pressed 3 (title, first sentence of documents, fee and time, the online link), and the reply to a
 * question sent by SMS (the answer's text without markdown, its online link, and numbered next steps
 * the citizen can answer with a single digit); long texts (an officer's reply) cut into SMS bodies.
 */
import type { AnswerRecord, Choice } from '../../src/engine/types';
import { firstSentence } from '../../src/engine/compose-answer';
import type { Guide } from '../../src/knowledge/schema';

export const MAX_SMS_CHARS = 600;
/** Twilio refuses a longer Body (it splits up to this into segments itself). */
export const MAX_SMS_BODY = 1600;

/** Markdown to plain text; links keep their words, list markers become "- ". */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1')
    .replace(/\*\*|__|`/g, '')
    .replace(/(^|[\s(])[*_]([^*_\n]+)[*_](?=$|[\s.,;:!?)])/gmu, '$1$2')
    .replace(/^\s{0,3}(?:#{1,6}|>)\s*/gm, '')
    .replace(/^\s*[*+•]\s+/gm, '- ')
    .replace(/\p{Extended_Pictographic}\uFE0F?/gu, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** Cuts at the last sentence or line end that fits, with "…"; a hard cut when none does. */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, Math.max(0, max));
  const head = text.slice(0, max - 1);
  const ends = [...head.matchAll(/[.!?;](?=\s)|\n/g)].map((m) => m.index + (m[0] === '\n' ? 0 : 1));
  const end = ends.at(-1);
  const cut = end !== undefined && end >= max / 3 ? head.slice(0, end) : head;
  return `${cut.trimEnd()}…`;
}

const factLine = (label: string, text: string | undefined) => {
  const sentence = text ? plainText(firstSentence(text)) : '';
  return sentence ? `${label}: ${sentence}` : undefined;
};

/** The guide's key facts for a caller (documents and fee first, then time, the link last). */
export function guideSms(record: AnswerRecord, guide: Guide | undefined): string {
  const title = record.title ?? guide?.title ?? 'Hướng dẫn thủ tục';
  const link = record.online_url ?? guide?.online_url ?? undefined;
  const tail = link ? `\nNộp trực tuyến: ${link}` : '';
  const must = [
    `Trợ lý Tư pháp - ${title}`,
    factLine('Giấy tờ', guide?.facets.documents),
    factLine('Lệ phí', guide?.facets.fee),
  ].filter((l): l is string => l !== undefined);
  if (must.length === 1) must.push(plainText(firstSentence(record.body)));
  const time = factLine('Thời gian', guide?.facets.processing_time);
  const withTime = time ? [...must, time].join('\n') : must.join('\n');
  const budget = MAX_SMS_CHARS - tail.length;
  const text = withTime.length <= budget ? withTime : fitText(must.join('\n'), budget);
  return text + tail;
}

export interface SmsReply {
  text: string;
  /** What a bare digit in the next message stands for (1-based). */
  choices: Choice[];
}

/**
 * The reply to an SMS question. `handoffLabel` is the bot's "talk to an officer" choice (kept as 0);
 * `officerHours` says when officers answer the phone.
 */
export function smsReply(
  record: AnswerRecord | undefined,
  replyText: string,
  handoffLabel: string,
  officerHours: string,
): SmsReply {
  if (!record) return { text: fitText(plainText(replyText), MAX_SMS_CHARS), choices: [] };
  if (record.decision === 'handoff') {
    const text = `Để gặp cán bộ, anh/chị vui lòng gọi vào số này và bấm phím 0 (${officerHours}).`;
    return { text, choices: [] };
  }
  const choices = record.choices.filter((c) => c.value !== handoffLabel).slice(0, 9);
  const offersOfficer = record.choices.some((c) => c.value === handoffLabel);
  const numbered = choices.map((c, i) => `${i + 1} ${c.label}`);
  if (offersOfficer) numbered.push(`0 ${handoffLabel}`);
  if (record.decision === 'clarify') {
    const list = choices.map((c, i) => `${i + 1} ${c.label}`).join('; ');
    const text = `Anh/chị hỏi về thủ tục nào? Nhắn số: ${list}${offersOfficer ? `; 0 ${handoffLabel}` : ''}.`;
    return { text: fitText(text, MAX_SMS_CHARS), choices };
  }
  const link = record.online_url ? `\nNộp trực tuyến: ${record.online_url}` : '';
  const next = numbered.length > 0 ? `\nNhắn số để hỏi tiếp: ${numbered.join(', ')}` : '';
  const head = record.title ? `${record.title}\n` : '';
  const body = fitText(head + plainText(record.body), MAX_SMS_CHARS - link.length - next.length);
  return { text: body + link + next, choices };
}

/** A long text as SMS bodies of at most `max` characters, cut at a line end or space when one is near. */
export function splitSms(text: string, max = MAX_SMS_BODY): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const head = rest.slice(0, max);
    const cut = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
    const at = cut >= max / 2 ? cut : max;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

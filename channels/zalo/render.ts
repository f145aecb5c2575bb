/**
 * One bot reply as the Zalo consultation messages that carry it (protocols.md §1.5): plain text in
 * order, at most 2,000 characters each, and the next steps as `oa.query.show` buttons on the last
 * one (a pressed button comes back as the user's text, the choice's value). The answer's `choices`
 * come from the answer record; a reply without one (the welcome) uses its suggested actions. The 👍/👎
 * rating offered after a procedure answer (src/feedback/rating-flow.ts) takes the last two buttons; the
 * next steps then keep their first ones and the way out.
 */
import type { Activity } from 'botbuilder';
import { answerOf } from '../../src/bot/assistant-bot';
import { ratingChoicesOf } from '../../src/feedback/rating-flow';
import type { Choice } from '../../src/engine/types';
import { markdownToPlainText } from './plain-text';
import { splitText } from './split-text';

export const MAX_TEXT_CHARS = 2000;
/** Not confirmed by Zalo's docs; 5 is the number quoted everywhere (protocols.md §1.5, §5). */
export const MAX_BUTTONS = 5;
export const MAX_BUTTON_TITLE_CHARS = 100;
export const MAX_BUTTON_PAYLOAD_CHARS = 1000;

export interface ZaloQueryButton {
  title: string;
  type: 'oa.query.show';
  payload: string;
}

export interface ZaloMessage {
  text: string;
  attachment?: { type: 'template'; payload: { buttons: ZaloQueryButton[] } };
}

export function renderReply(activity: Partial<Activity>): ZaloMessage[] {
  if (activity.type !== undefined && activity.type !== 'message') return [];
  const messages: ZaloMessage[] = splitText(markdownToPlainText(activity.text ?? ''), MAX_TEXT_CHARS).map(
    (text) => ({ text }),
  );
  const rating = toButtons(ratingChoicesOf(activity));
  const buttons = [...toButtons(choicesOf(activity), MAX_BUTTONS - rating.length), ...rating];
  const last = messages.at(-1);
  if (last && buttons.length > 0) last.attachment = { type: 'template', payload: { buttons } };
  return messages;
}

function choicesOf(activity: Partial<Activity>): Choice[] {
  const record = answerOf(activity);
  if (record) return record.choices;
  return (activity.suggestedActions?.actions ?? []).flatMap((a) => {
    const value = typeof a.value === 'string' && a.value.trim() ? a.value : a.title;
    const label = a.title || value;
    return label && value ? [{ label, value }] : [];
  });
}

/**
 * Choices as at most `max` buttons. When there are more choices than that, the last choice (the bot
 * puts its way out there, "Gặp cán bộ") is kept in place of the overflow.
 */
export function toButtons(choices: Choice[], max = MAX_BUTTONS): ZaloQueryButton[] {
  const usable = choices.filter((c) => c.label.trim() && c.value.trim());
  const kept =
    usable.length > max
      ? [...usable.slice(0, Math.max(0, max - 1)), ...usable.slice(-1)].slice(0, max)
      : usable;
  return kept.map((c) => ({
    title: clip(c.label.trim(), MAX_BUTTON_TITLE_CHARS),
    type: 'oa.query.show',
    payload: c.value.trim().slice(0, MAX_BUTTON_PAYLOAD_CHARS),
  }));
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The citizen's 👍/👎 on an answer, channel-neutral: the two choices offered after a procedure answer
 * (Web Chat shows them as messageBack suggested actions carrying `value: {feedback: ±1}`; Zalo as
 * quick-reply buttons whose payload comes back as the text; the phone as keys 8 and 9 of the menu
 * after an answer, which the voice flow turns into the same text), how a message is recognised as a
 * rating (the value, or exactly one of the labels, with or without the emoji), and the short thanks.
 * A rating is never a question: the bot stores it and never hands it to the engine.
 */
import type { Activity, CardAction } from 'botbuilder';
import type { Choice } from '../engine/types';
import type { Lang } from '../engine/text/language';
import { foldText } from '../engine/text/vietnamese';

export type Rating = 1 | -1;

export const RATING_LABELS: Record<Lang, Record<'up' | 'down', string>> = {
  vi: { up: '👍 Hữu ích', down: '👎 Chưa đúng' },
  en: { up: '👍 Helpful', down: '👎 Not right' },
};

/** The thanks; after a 👎 it points to asking again or to an officer (`handoff`: the bot's choice label). */
const THANKS: Record<Lang, Record<'up' | 'down', (handoff: string) => string>> = {
  vi: {
    up: () => 'Cảm ơn anh/chị đã đánh giá.',
    down: (handoff) =>
      `Cảm ơn anh/chị đã góp ý. Câu trả lời này sẽ được cán bộ xem lại; anh/chị có thể hỏi lại theo cách khác hoặc chọn "${handoff}".`,
  },
  en: {
    up: () => 'Thank you for your rating.',
    down: (handoff) =>
      `Thank you for telling us. An officer will review this answer; you can ask again in other words or choose "${handoff}".`,
  },
};

/** What an activity's `value` carries when a rating button of Web Chat is pressed. */
export interface RatingValue {
  feedback: Rating;
}

const key = (rating: Rating) => (rating === 1 ? 'up' : 'down');

/** The two choices, in the answer's language (Zalo buttons, and the texts the phone sends). */
export function ratingChoices(lang: Lang): Choice[] {
  const labels = RATING_LABELS[lang];
  return [
    { label: labels.up, value: labels.up },
    { label: labels.down, value: labels.down },
  ];
}

/** The two choices as Web Chat suggested actions: the label is shown, the value says which. */
export function ratingActions(lang: Lang): CardAction[] {
  return ([1, -1] as const).map((rating) => {
    const label = RATING_LABELS[lang][key(rating)];
    return {
      type: 'messageBack',
      title: label,
      text: label,
      displayText: label,
      value: { feedback: rating } satisfies RatingValue,
    };
  });
}

/** A label as typed or sent back, without emoji, case, diacritics or punctuation. */
const plain = (text: string) => foldText(text.replace(/\p{Extended_Pictographic}\uFE0F?/gu, ' '));

const BY_TEXT = new Map<string, Rating>(
  Object.values(RATING_LABELS).flatMap((labels) => [
    [labels.up, 1] as const,
    [labels.down, -1] as const,
    [plain(labels.up), 1] as const,
    [plain(labels.down), -1] as const,
  ]),
);
for (const [emoji, rating] of [
  ['👍', 1],
  ['👎', -1],
] as const)
  BY_TEXT.set(emoji, rating);

/** The rating a message carries, or undefined when it is not one. */
export function ratingOf(activity: Pick<Partial<Activity>, 'text' | 'value'>): Rating | undefined {
  const value = (activity.value as Partial<RatingValue> | undefined)?.feedback;
  if (value === 1 || value === -1) return value;
  const text = (activity.text ?? '').trim();
  if (!text || text.length > 40) return undefined;
  return BY_TEXT.get(text) ?? BY_TEXT.get(text.replace(/\uFE0F/g, '')) ?? BY_TEXT.get(plain(text));
}

export function thanksFor(rating: Rating, lang: Lang, handoffLabel: string): string {
  return THANKS[lang][key(rating)](handoffLabel);
}

/**
 * What the bot says when a handoff is decided outside opening hours, and the little dialog that follows,
 * as plain data (no botbuilder, no database: the bot does the sending and storing):
 * - `closedOffer`: when the centre opens ("7:30 sáng thứ Hai, 30/11") and two choices, "Để lại số điện
 *   thoại" and "Tiếp tục hỏi trợ lý" (without a database: the hours only, no choices);
 * - `step(state, text)`: the citizen's next message. After the offer: the callback choice asks for the
 *   number (a valid number right away is taken too), the other choice returns to the bot, anything else
 *   is answered by the engine as usual. While asking for the number: a valid Vietnamese number is to be
 *   stored; anything else gets a retry prompt, at most MAX_PHONE_RETRIES times, then the dialog ends.
 * Choices match the labels of knowledge/replies.yaml, in either language, with or without diacritics.
 */
import type { Lang } from '../engine/text/language';
import { cleanText, foldSyllable } from '../engine/text/vietnamese';
import type { Choice, HandoffReason } from '../engine/types';
import type { Bilingual, RepliesFile } from '../knowledge/schema';
import { describeSchedule, formatOpening, nextOpening, type Schedule } from './opening-hours';
import { findPhoneNumber } from './phone-number';

/** Invalid numbers after the first attempt before the dialog gives up. */
export const MAX_PHONE_RETRIES = 2;
/** An offer or a question for the number older than this is forgotten. */
export const CALLBACK_DIALOG_TTL_MS = 2 * 3600_000;

/** Kept in bot state between turns (never the number itself). */
export interface CallbackState {
  step: 'offered' | 'phone';
  /** What triggered the handoff (stored with the request; sets its priority). */
  trigger: HandoffReason;
  lang: Lang;
  /** Invalid numbers so far. */
  retries: number;
  /** When the dialog started (ms since epoch, the bot's clock). */
  at: number;
}

export interface Say {
  text: string;
  choices: Choice[];
}

export type CallbackStep =
  /** Not about the callback: forget the dialog; the engine answers the message. */
  | { kind: 'pass' }
  /** Say this; keep `next` as the state (or forget the dialog when there is none). */
  | { kind: 'reply'; say: Say; next?: CallbackState }
  /** Store a callback request for this number, then confirm (or apologise). */
  | { kind: 'store'; phone: string; tail: string; state: CallbackState };

const fold = (text: string) => cleanText(text).split(' ').filter(Boolean).map(foldSyllable).join(' ');

export class OffHours {
  constructor(
    private readonly replies: RepliesFile,
    private readonly schedule: Schedule,
    private readonly now: Date,
  ) {}

  /** The reply to a handoff decided while the centre is closed. */
  closedOffer(lang: Lang, withCallback: boolean): Say {
    if (!withCallback) return { text: this.fill(this.replies.handoff_closed_hours[lang], lang), choices: [] };
    return {
      text: this.fill(this.replies.handoff_closed[lang], lang),
      choices: [
        this.choice(this.replies.callback_choice, lang),
        this.choice(this.replies.continue_choice, lang),
      ],
    };
  }

  confirmed(lang: Lang, tail: string): Say {
    return {
      text: this.fill(this.replies.callback_confirmed[lang], lang).replace('{tail}', tail),
      choices: [],
    };
  }

  failed(lang: Lang): Say {
    return { text: this.fill(this.replies.callback_failed[lang], lang), choices: [] };
  }

  step(state: CallbackState, text: string): CallbackStep {
    if (this.now.getTime() - state.at > CALLBACK_DIALOG_TTL_MS) return { kind: 'pass' };
    const { lang } = state;
    const said = fold(text);
    const is = (label: Bilingual) => said === fold(label.vi) || said === fold(label.en);
    if (is(this.replies.continue_choice)) {
      return { kind: 'reply', say: { text: this.replies.continue_with_bot[lang], choices: [] } };
    }
    const askPhone: CallbackStep = {
      kind: 'reply',
      say: this.withContinue(this.replies.callback_ask_phone[lang], lang),
      next: { ...state, step: 'phone' },
    };
    if (is(this.replies.callback_choice)) return askPhone;
    const found = findPhoneNumber(text);
    if (found.kind === 'valid') return { kind: 'store', phone: found.phone, tail: found.tail, state };
    if (state.step === 'offered') return { kind: 'pass' };
    if (state.retries < MAX_PHONE_RETRIES) {
      return {
        kind: 'reply',
        say: this.withContinue(this.replies.callback_retry[lang], lang),
        next: { ...state, retries: state.retries + 1 },
      };
    }
    return {
      kind: 'reply',
      say: { text: this.fill(this.replies.callback_give_up[lang], lang), choices: [] },
    };
  }

  private withContinue(text: string, lang: Lang): Say {
    return { text, choices: [this.choice(this.replies.continue_choice, lang)] };
  }

  private choice(label: Bilingual, lang: Lang): Choice {
    return { label: label[lang], value: label[lang] };
  }

  /** {hours} and {opening} of a sentence. */
  private fill(template: string, lang: Lang): string {
    const hours = describeSchedule(this.schedule, 'text', lang);
    const next = nextOpening(this.schedule, this.now);
    return template.replace('{hours}', hours).replace('{opening}', next ? formatOpening(next, lang) : hours);
  }
}

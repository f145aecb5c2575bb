/**
 * What goes into the engine and what comes out: the conversation context it reads and returns, and
 * the answer record of ../shared/contracts.md §2 with the structured parts channels render.
 */
import type { Facet } from '../knowledge/schema';
import type { Lang } from './text/language';

export type Intent = 'procedure' | 'greeting' | 'thanks' | 'goodbye' | 'handoff_request' | 'out_of_scope';

/** What the engine remembers between turns of one conversation. Plain data: storable as JSON. */
export interface ConversationContext {
  procedure: string | null;
  facet: Facet | null;
  /** Consecutive turns the engine could not answer. */
  failures: number;
  lang: Lang;
}

export const NEW_CONVERSATION: ConversationContext = {
  procedure: null,
  facet: null,
  failures: 0,
  lang: 'vi',
};

/** A button the citizen can press; `value` is the text sent back as the next message. */
export interface Choice {
  label: string;
  value: string;
}

export interface SourceRef {
  title: string;
  url?: string;
}

export type Decision = 'answer' | 'clarify' | 'referral' | 'fallback' | 'handoff' | 'small_talk';

export interface AnswerRecord {
  id?: string;
  intent: Intent;
  procedure: string | null;
  facet: Facet | null;
  confidence: number;
  clarify: boolean;
  handoff: boolean;
  alternatives: { procedure: string; score: number }[];
  answer: string;
  /** Beyond the contract: what channels need to render the answer well. */
  decision: Decision;
  lang: Lang;
  choices: Choice[];
  /** The answer's main text alone, without title, online hint or source lines (voice, SMS). */
  body: string;
  title: string | null;
  online_url: string | null;
  sources: SourceRef[];
  reviewed: string | null;
  knowledge_version: string;
  mode: 'lexical' | 'hybrid';
}

/** Why the engine hands off: the citizen asked, two turns failed, anger or a complaint, their own file. */
export type HandoffReason = 'asked' | 'failed_turns' | 'complaint' | 'own_file';

export interface EngineReply {
  record: AnswerRecord;
  context: ConversationContext;
  /** With `record.handoff`: what triggered it (stored on the handoff row; sets its priority). */
  handoffReason?: HandoffReason;
}

/**
 * The Vietnamese names the stats page and its CSV files show: channels (messages.channel), the bot's
 * outcomes (engine decisions) and the facets of a question (the guides' section headings).
 */
import { SECTION_HEADINGS } from '../../knowledge/schema';
import type { EngineDecision } from './unanswered';

const CHANNELS: Record<string, string> = {
  directline: 'Web chat',
  webchat: 'Web chat',
  zalo: 'Zalo',
  twilio: 'Điện thoại',
  'twilio-sms': 'SMS',
  msteams: 'Teams',
  emulator: 'Thử nghiệm',
};

export const channelLabel = (channel: string): string => CHANNELS[channel] ?? channel;

export type OutcomeKey = 'answered' | 'clarified' | 'refused' | 'fallback' | 'handedOff' | 'smallTalk';

/** The outcomes of the bot's replies, in display order, with the engine decision each counts. */
export const OUTCOMES: readonly { key: OutcomeKey; decision: EngineDecision; label: string }[] = [
  { key: 'answered', decision: 'answer', label: 'Trả lời' },
  { key: 'clarified', decision: 'clarify', label: 'Hỏi lại cho rõ' },
  { key: 'refused', decision: 'referral', label: 'Từ chối (ngoài phạm vi)' },
  { key: 'fallback', decision: 'fallback', label: 'Không hiểu' },
  { key: 'handedOff', decision: 'handoff', label: 'Chuyển cán bộ' },
  { key: 'smallTalk', decision: 'small_talk', label: 'Chào hỏi, cảm ơn' },
];

/**
 * Deflection: the outcomes that resolved a question without an officer (numerator) among the
 * outcomes that are questions at all (denominator: every outcome but small talk).
 */
export const DEFLECTED: readonly OutcomeKey[] = ['answered', 'clarified', 'refused'];
export const QUESTION_OUTCOMES: readonly OutcomeKey[] = [...DEFLECTED, 'fallback', 'handedOff'];

const FACETS = new Map<string, string>(
  Object.entries(SECTION_HEADINGS).map(([heading, facet]) => [facet, heading]),
);

export const facetLabel = (facet: string): string => FACETS.get(facet) ?? facet;

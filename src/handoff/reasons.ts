/**
 * Why a conversation went to the officers (`handoffs.reason`) and the queue priority that follows from
 * it (higher is claimed first): anger and complaints first, then citizens the bot failed twice and
 * callback requests (waiting since the centre was closed), then plain requests and questions about
 * one's own file. The engine decides the first four (src/engine/types.ts HandoffReason); 'callback' is
 * a request left outside opening hours; 'ivr' is key 0 on the phone (channels/twilio).
 */
import type { HandoffReason } from '../engine/types';

export type QueueReason = HandoffReason | 'callback' | 'ivr';

export const HANDOFF_PRIORITY: Readonly<Record<QueueReason, number>> = {
  complaint: 2,
  failed_turns: 1,
  callback: 1,
  own_file: 0,
  asked: 0,
  ivr: 0,
};

export function handoffPriority(reason: QueueReason): number {
  return HANDOFF_PRIORITY[reason];
}

/** A callback keeps the priority of what triggered it, and at least the callback's own. */
export function callbackPriority(trigger: HandoffReason): number {
  return Math.max(HANDOFF_PRIORITY.callback, HANDOFF_PRIORITY[trigger]);
}

/**
 * Runs question rows through the engine in order; rows sharing a `conversation` value are one
 * conversation, turn by turn, so follow-ups use the context of earlier turns.
 */
import type { Engine } from './engine';
import { NEW_CONVERSATION, type AnswerRecord, type ConversationContext } from './types';

export interface Turn {
  id: string;
  text: string;
  conversation?: string | undefined;
}

export async function* answerTurns(engine: Engine, turns: Iterable<Turn>): AsyncGenerator<AnswerRecord> {
  const contexts = new Map<string, ConversationContext>();
  for (const turn of turns) {
    const context = turn.conversation
      ? (contexts.get(turn.conversation) ?? NEW_CONVERSATION)
      : NEW_CONVERSATION;
    const { record, context: next } = await engine.ask(turn.text, context);
    if (turn.conversation) contexts.set(turn.conversation, next);
    yield { id: turn.id, ...record };
  }
}

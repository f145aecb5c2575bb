/**
 * Officer replies go out through the citizen's own channel. A channel registers a sender for the
 * prefix of the conversation ids it makes (`directline:<id>` → prefix 'directline'); the sender gets
 * the id without the prefix. Only Direct Line registers one today (channels/directline/index.ts);
 * Zalo and Twilio SMS senders can be added the same way (see README.md).
 */

export interface OutboundOptions {
  /** Buttons (sent back as the citizen's next message), e.g. the CSAT ratings 1..5. */
  choices?: string[];
  /** Who speaks: 'officer' (an officer's reply) or 'bot' (CSAT question after a handoff). */
  speaker?: 'officer' | 'bot';
}

export type OutboundSender = (
  conversationId: string,
  text: string,
  options: OutboundOptions,
) => Promise<void>;

export class OutboundError extends Error {
  override readonly name = 'OutboundError';
}

export class OutboundRegistry {
  private readonly senders = new Map<string, OutboundSender>();

  registerSender(channelPrefix: string, sender: OutboundSender): void {
    this.senders.set(channelPrefix, sender);
  }

  /** True when a sender is registered for this conversation's channel. */
  canSend(conversationId: string): boolean {
    return this.lookup(conversationId) !== undefined;
  }

  /** Delivers to the conversation; OutboundError when no sender handles its channel. */
  async send(conversationId: string, text: string, options: OutboundOptions = {}): Promise<void> {
    const found = this.lookup(conversationId);
    if (!found) throw new OutboundError(`no outbound sender for ${channelOf(conversationId)}`);
    await found.sender(found.rest, text, options);
  }

  private lookup(conversationId: string): { sender: OutboundSender; rest: string } | undefined {
    const at = conversationId.indexOf(':');
    if (at <= 0) return undefined;
    const sender = this.senders.get(conversationId.slice(0, at));
    return sender ? { sender, rest: conversationId.slice(at + 1) } : undefined;
  }
}

/** The channel prefix of a conversation id ('directline:abc' → 'directline'). */
export function channelOf(conversationId: string): string {
  const at = conversationId.indexOf(':');
  return at > 0 ? conversationId.slice(0, at) : 'unknown';
}

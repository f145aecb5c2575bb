/**
 * Officer replies go out through the citizen's own channel. A channel registers a sender for the
 * prefix of the conversation ids it makes (`directline:<id>` → prefix 'directline'); the sender gets
 * the id without the prefix (Direct Line, Zalo, Twilio SMS: see README.md).
 * A phone channel also registers a call bridge: the console's "answer" on a caller waiting for an
 * officer rings the officer's phone and connects the two (channels/twilio/phone-handoff.ts), without
 * the console knowing the channel.
 * A channel can also register a broadcaster (./broadcaster.ts): the editors' bulletins to its followers.
 */
import type { Broadcaster } from './broadcaster';

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

/** What the console asks of a call bridge: connect this officer to the caller of this handoff. */
export interface CallBridgeRequest {
  handoffId: number;
  /** The officer's own number (users.phone); without it the channel uses its configured one. */
  officerPhone?: string;
}

/** Gets the conversation id without its prefix; resolves with the provider's id of the new call. */
export type CallBridge = (conversationId: string, request: CallBridgeRequest) => Promise<{ callId: string }>;

export class OutboundError extends Error {
  override readonly name = 'OutboundError';
}

export class OutboundRegistry {
  private readonly senders = new Map<string, OutboundSender>();
  private readonly bridges = new Map<string, CallBridge>();
  private readonly broadcasters = new Map<string, Broadcaster>();

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

  /** `channel` as the bulletins name it ('zalo'). */
  registerBroadcaster(channel: string, broadcaster: Broadcaster): void {
    this.broadcasters.set(channel, broadcaster);
  }

  /** The channel's broadcaster, undefined when the channel is off or has none. */
  broadcaster(channel: string): Broadcaster | undefined {
    return this.broadcasters.get(channel);
  }

  registerCallBridge(channelPrefix: string, bridge: CallBridge): void {
    this.bridges.set(channelPrefix, bridge);
  }

  /** True when the conversation is a call an officer can be connected to. */
  canBridge(conversationId: string): boolean {
    return this.bridges.has(channelOf(conversationId));
  }

  /** Connects the officer to the caller; OutboundError when the channel cannot (or has no number). */
  async bridgeCall(conversationId: string, request: CallBridgeRequest): Promise<{ callId: string }> {
    const bridge = this.bridges.get(channelOf(conversationId));
    if (!bridge) throw new OutboundError(`no call bridge for ${channelOf(conversationId)}`);
    return bridge(conversationId.slice(conversationId.indexOf(':') + 1), request);
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

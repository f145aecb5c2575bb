/**
 * What a channel offers for sending one message to many (the editors' bulletins, src/bulletins): it
 * lists its recipients page by page and sends to one recipient at a time, saying how each send went
 * in terms the bulletin scheduler acts on (stop for a quota, skip one recipient, give up the channel).
 * A channel registers one with OutboundRegistry.registerBroadcaster, so the scheduler and the editor
 * never import a channel. The scheduler keeps the record of who got what.
 */

export interface BroadcastMessage {
  /** One line, at most 100 characters. */
  title: string;
  /** Plain text, at most 1,000 characters. */
  body: string;
  /** An http(s) link to read more, or undefined. */
  link: string | undefined;
}

/** When to try again after a stop: the next Vietnam day (a daily quota), the next morning (quiet hours), soon. */
export type Resume = 'next_day' | 'morning' | 'soon';

export type BroadcastResult =
  /** Delivered (or accepted by the channel). */
  | { status: 'sent'; messageId?: string }
  /** This recipient cannot get it (unfollowed, blocked, timed out after it may have gone out…). */
  | { status: 'failed'; code?: number; error: string }
  /** This recipient only, later (its own quota is spent); the others go on. */
  | { status: 'deferred'; code?: number; error: string; resume: Resume }
  /** Stop now: this recipient and the rest later (the sender's quota, quiet hours, an outage). */
  | { status: 'stop'; code?: number; error: string; resume: Resume }
  /** The channel cannot send this at all (refused content, no permission, bad token): give up. */
  | { status: 'abort'; code?: number; error: string };

export interface RecipientPage {
  status: 'ok';
  /** Recipient ids as the channel gives them. */
  targets: string[];
  /** Cursor of the next page; undefined on the last one. */
  next: string | undefined;
}

/** A page of recipients, or why none could be listed (try again later, or give the channel up). */
export type RecipientsResult = RecipientPage | Extract<BroadcastResult, { status: 'stop' | 'abort' }>;

export interface Broadcaster {
  /** One page of recipients, from the start when `cursor` is undefined. */
  recipients(cursor: string | undefined): Promise<RecipientsResult>;
  send(target: string, message: BroadcastMessage): Promise<BroadcastResult>;
}

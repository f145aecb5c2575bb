/**
 * The conversation store behind the Direct Line server, as an interface: conversations, their
 * activities in order (id `<conversation>|<seq>`, watermark = seq), and delivery of new activities to
 * whoever listens (this process's WebSockets today; with PostgreSQL, LISTEN/NOTIFY brings other
 * processes' appends). The in-memory store is `memory-store.ts`; a database store swaps in here alone.
 */

/** An activity before the store gives it its id. */
export interface NewActivity {
  type: string;
  timestamp: string;
  [field: string]: unknown;
}

/** An activity as Direct Line clients receive it (JSON-ready: timestamps are ISO strings). */
export interface DirectLineActivity extends NewActivity {
  id: string;
}

export interface ConversationInfo {
  id: string;
  /** The user the conversation's token was issued to. */
  userId: string;
  createdAt: string;
}

export interface Appended {
  activity: DirectLineActivity;
  watermark: number;
}

export interface ActivityPage {
  activities: DirectLineActivity[];
  /** The watermark of the newest activity of the conversation (0 when there is none). */
  watermark: number;
}

export interface ConversationListener {
  /** A new activity; `watermark` is undefined for activities delivered without storing (typing). */
  activity(activity: DirectLineActivity, watermark: number | undefined): void;
  /** The conversation was expired or evicted: listeners should close. */
  ended(): void;
}

export interface DirectLineStore {
  /** Creates the conversation unless it exists; true when it was created now. */
  open(conversationId: string, userId: string): Promise<boolean>;
  /** The conversation (marking it active), or undefined when unknown or expired. */
  get(conversationId: string): Promise<ConversationInfo | undefined>;
  /** Stores an activity under the next watermark and tells listeners; undefined if the conversation is gone. */
  append(conversationId: string, activity: NewActivity): Promise<Appended | undefined>;
  /** Activities after `watermark` (all that are kept when undefined); undefined if the conversation is gone. */
  since(conversationId: string, watermark: number | undefined): Promise<ActivityPage | undefined>;
  /** Delivers an activity to listeners without storing it (typing indicators). */
  publish(conversationId: string, activity: DirectLineActivity): Promise<void>;
  /** Listens for the conversation's new activities; returns the function that stops listening. */
  subscribe(conversationId: string, listener: ConversationListener): () => void;
  close(): Promise<void>;
}

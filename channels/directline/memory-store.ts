/**
 * The in-memory DirectLineStore of one process, with bounded memory: a conversation idle for an hour
 * (no request, no open socket) is dropped by a periodic sweep; each keeps its last `maxActivities`
 * activities; and when there are more than `maxConversations` conversations or their activities
 * weigh more than `maxBytes` (JSON size), the least recently active conversations go first.
 */
import type {
  ActivityPage,
  Appended,
  ConversationInfo,
  ConversationListener,
  DirectLineActivity,
  DirectLineStore,
  NewActivity,
} from './store';

export interface MemoryStoreOptions {
  idleMs?: number;
  maxConversations?: number;
  maxActivities?: number;
  maxBytes?: number;
  sweepMs?: number;
  now?: () => number;
  /** Told when a listener throws (delivery to the other listeners goes on). */
  onListenerError?: (error: unknown) => void;
}

interface Kept {
  activity: DirectLineActivity;
  bytes: number;
}

interface Conversation {
  info: ConversationInfo;
  seq: number;
  /** Kept activities in order; `first` is the watermark of kept[0]. */
  kept: Kept[];
  first: number;
  bytes: number;
  lastActive: number;
  listeners: Set<ConversationListener>;
}

export const activityId = (conversationId: string, seq: number) =>
  `${conversationId}|${String(seq).padStart(7, '0')}`;

export class MemoryDirectLineStore implements DirectLineStore {
  /** In eviction order: the least recently active first (touch moves a conversation to the end). */
  private readonly conversations = new Map<string, Conversation>();
  private readonly idleMs: number;
  private readonly maxConversations: number;
  private readonly maxActivities: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private bytes = 0;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    this.idleMs = options.idleMs ?? 60 * 60 * 1000;
    this.maxConversations = options.maxConversations ?? 20_000;
    this.maxActivities = options.maxActivities ?? 200;
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), options.sweepMs ?? 60_000);
    this.sweeper.unref();
  }

  get size(): number {
    return this.conversations.size;
  }

  /** The JSON size of every kept activity. */
  get totalBytes(): number {
    return this.bytes;
  }

  async open(conversationId: string, userId: string): Promise<boolean> {
    if (this.touch(conversationId)) return false;
    this.evictUntil(() => this.conversations.size < this.maxConversations);
    this.conversations.set(conversationId, {
      info: { id: conversationId, userId, createdAt: new Date(this.now()).toISOString() },
      seq: 0,
      kept: [],
      first: 1,
      bytes: 0,
      lastActive: this.now(),
      listeners: new Set(),
    });
    return true;
  }

  async get(conversationId: string): Promise<ConversationInfo | undefined> {
    return this.touch(conversationId)?.info;
  }

  async append(conversationId: string, activity: NewActivity): Promise<Appended | undefined> {
    const c = this.touch(conversationId);
    if (!c) return undefined;
    const watermark = ++c.seq;
    const stored: DirectLineActivity = { ...activity, id: activityId(conversationId, watermark) };
    const bytes = Buffer.byteLength(JSON.stringify(stored));
    c.kept.push({ activity: stored, bytes });
    c.bytes += bytes;
    this.bytes += bytes;
    while (c.kept.length > this.maxActivities) {
      const dropped = c.kept.shift();
      c.bytes -= dropped?.bytes ?? 0;
      this.bytes -= dropped?.bytes ?? 0;
      c.first++;
    }
    this.evictUntil(() => this.bytes <= this.maxBytes, conversationId);
    this.notify(c, (l) => l.activity(stored, watermark));
    return { activity: stored, watermark };
  }

  async since(conversationId: string, watermark: number | undefined): Promise<ActivityPage | undefined> {
    const c = this.touch(conversationId);
    if (!c) return undefined;
    const from = Math.max(0, (watermark ?? 0) - c.first + 1);
    return { activities: c.kept.slice(from).map((k) => k.activity), watermark: c.seq };
  }

  async publish(conversationId: string, activity: DirectLineActivity): Promise<void> {
    const c = this.touch(conversationId);
    if (c) this.notify(c, (l) => l.activity(activity, undefined));
  }

  subscribe(conversationId: string, listener: ConversationListener): () => void {
    const c = this.conversations.get(conversationId);
    if (!c) {
      listener.ended();
      return () => undefined;
    }
    c.listeners.add(listener);
    return () => {
      c.listeners.delete(listener);
      c.lastActive = this.now();
    };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const id of [...this.conversations.keys()]) this.drop(id);
  }

  /** Drops conversations idle for longer than idleMs; ones with an open socket count as active. */
  sweep(): void {
    const limit = this.now() - this.idleMs;
    for (const [id, c] of this.conversations)
      if (c.listeners.size === 0 && c.lastActive < limit) this.drop(id);
  }

  /** The conversation, moved to the most recently active end of the eviction order. */
  private touch(conversationId: string): Conversation | undefined {
    const c = this.conversations.get(conversationId);
    if (!c) return undefined;
    if (c.listeners.size === 0 && c.lastActive < this.now() - this.idleMs) {
      this.drop(conversationId);
      return undefined;
    }
    c.lastActive = this.now();
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, c);
    return c;
  }

  /** Drops the least recently active conversations (never `keep`) until `done`. */
  private evictUntil(done: () => boolean, keep?: string): void {
    if (done()) return;
    for (const id of this.conversations.keys()) {
      if (id !== keep) this.drop(id);
      if (done()) return;
    }
  }

  private drop(conversationId: string): void {
    const c = this.conversations.get(conversationId);
    if (!c) return;
    this.conversations.delete(conversationId);
    this.bytes -= c.bytes;
    this.notify(c, (l) => l.ended());
    c.listeners.clear();
  }

  private notify(c: Conversation, call: (l: ConversationListener) => void): void {
    for (const listener of [...c.listeners]) {
      try {
        call(listener);
      } catch (error) {
        this.options.onListenerError?.(error);
      }
    }
  }
}

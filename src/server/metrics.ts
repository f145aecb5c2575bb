/**
 * Prometheus metrics of one server (prom-client), in a registry of its own so that several servers in
 * one process (tests) never share or clash:
 * - `tltp_http_requests_total` and `tltp_http_request_duration_seconds` (histogram) by method, route
 *   pattern and status. The route is the matched pattern (`/agent/api/handoffs/:id/claim`), or for
 *   requests no route matched (static files, 404s) a fixed prefix (`/agent/*`) or `other`: never the
 *   raw URL, whose ids and query strings would grow the series without bound.
 * - `tltp_bot_answers_total` by intent and decision, counted by a botbuilder middleware when an answer
 *   is sent (the answer record rides in the reply's channelData).
 * - `tltp_handoff_events_total` by event (enqueued, claimed, transferred, closed), from the
 *   `handoff_events` LISTEN/NOTIFY channel. Every process hears every event, so with several processes
 *   each reports the cluster's total: aggregate with max(), not sum(). Events sent while the listener
 *   was reconnecting are not counted.
 * - `tltp_handoff_queue_length` by channel, read from PostgreSQL at each scrape with a short timeout;
 *   when the database does not answer in time the gauge has no samples and /metrics still answers.
 * - the default process metrics (CPU, memory, event loop lag, GC, handles) with the `tltp_` prefix.
 * No label ever carries a conversation id, a user id or message text.
 */
import type { Middleware as BotMiddleware } from 'botbuilder';
import type { Request, RequestHandler } from 'express';
import type { Pool, QueryConfig } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { answerOf } from '../bot/assistant-bot';
import { HandoffEventListener, type HandoffEventType } from '../handoff/events';
import type { Logger } from '../log';

export interface MetricsOptions {
  log: Logger;
  /** The database of the handoff queue; without it there are no handoff metrics. */
  database?: { pool: Pool; connectionString: string };
  /** How long a scrape waits for the queue length (ms, default 1000). */
  queueTimeoutMs?: number;
}

const HANDOFF_EVENTS: readonly HandoffEventType[] = ['enqueued', 'claimed', 'transferred', 'closed'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Prefixes that name requests no route matched, most specific first. */
const PREFIXES = [
  '/v3/directline',
  '/webhooks/zalo',
  '/webhooks/twilio',
  '/agent/api',
  '/agent',
  '/editor',
  '/webchat',
  '/api',
];
/** Latency buckets (seconds): the /api/ask target is p99 ≤ 30 ms, SSE streams last minutes. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60];
/** Most distinct channel labels kept for the queue gauge (channels are a handful). */
const MAX_CHANNELS = 32;

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;
  private readonly answers: Counter<'intent' | 'decision'>;
  private readonly handoffs: Counter<'event'> | undefined;
  private readonly channels = new Set<string>();
  private listener: HandoffEventListener | undefined;

  constructor(private readonly options: MetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'tltp_' });
    this.requests = new Counter({
      name: 'tltp_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'tltp_http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers,
    });
    this.answers = new Counter({
      name: 'tltp_bot_answers_total',
      help: 'Answers of the bot by intent and decision',
      labelNames: ['intent', 'decision'],
      registers,
    });
    if (options.database) {
      this.handoffs = new Counter({
        name: 'tltp_handoff_events_total',
        help: 'Handoff events of the whole cluster seen on the handoff_events channel (aggregate with max)',
        labelNames: ['event'],
        registers,
      });
      for (const event of HANDOFF_EVENTS) this.handoffs.inc({ event }, 0);
      const collectQueue = (gauge: Gauge<'channel'>) => this.collectQueue(gauge);
      new Gauge({
        name: 'tltp_handoff_queue_length',
        help: 'Handoffs waiting for an officer, by channel (read from PostgreSQL at each scrape)',
        labelNames: ['channel'],
        registers,
        async collect() {
          await collectQueue(this);
        },
      });
    }
  }

  /** Starts counting handoff events (LISTEN); never rejects: without it the counters stay at 0. */
  async start(): Promise<void> {
    const database = this.options.database;
    if (!database || this.listener) return;
    const listener = new HandoffEventListener({
      connectionString: database.connectionString,
      log: this.options.log,
    });
    this.listener = listener;
    listener.subscribe((event) => this.handoffs?.inc({ event: event.type }));
    await listener.start().catch((error: unknown) => {
      this.options.log.warn('metrics: handoff events are not counted (LISTEN failed)', { error });
    });
  }

  async close(): Promise<void> {
    await this.listener?.close();
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Express middleware timing every request; mount it first. */
  http(): RequestHandler {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      let done = false;
      const observe = () => {
        if (done) return;
        done = true;
        const labels = {
          method: methodLabel(req.method),
          route: routeLabel(req),
          status: String(res.statusCode),
        };
        this.requests.inc(labels);
        this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      };
      res.once('finish', observe);
      res.once('close', observe);
      next();
    };
  }

  /** botbuilder middleware counting each answer sent, by intent and decision. */
  bot(): BotMiddleware {
    return {
      onTurn: async (context, next) => {
        context.onSendActivities(async (_context, activities, nextSend) => {
          const responses = await nextSend();
          for (const activity of activities) {
            const record = answerOf(activity);
            if (record) this.answers.inc({ intent: word(record.intent), decision: word(record.decision) });
          }
          return responses;
        });
        await next();
      },
    };
  }

  private async collectQueue(gauge: Gauge<'channel'>): Promise<void> {
    gauge.reset();
    const pool = this.options.database?.pool;
    if (!pool) return;
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.options.queueTimeoutMs ?? 1000;
    try {
      const { rows } = await Promise.race([
        // pg honours a per-query query_timeout (client.js) that its types do not declare.
        pool.query<{ channel: string; queued: number }>({
          text: `SELECT channel, count(*)::int AS queued FROM handoffs WHERE status = 'queued' GROUP BY channel`,
          query_timeout: timeoutMs,
        } as QueryConfig),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      for (const row of rows) if (this.channels.size < MAX_CHANNELS) this.channels.add(word(row.channel));
      // Channels seen before and now empty report 0 rather than vanishing.
      for (const channel of this.channels) gauge.set({ channel }, 0);
      for (const row of rows)
        if (this.channels.has(word(row.channel))) gauge.set({ channel: word(row.channel) }, row.queued);
    } catch (error) {
      this.options.log.debug('metrics: queue length unavailable', { error });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The matched route pattern, else a fixed prefix, else "other". */
export function routeLabel(req: Request): string {
  const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}` || '/';
  if (pattern instanceof RegExp) return `${req.baseUrl}${String(pattern)}`;
  const path = (req.originalUrl || req.url).split('?')[0] ?? '';
  const prefix = PREFIXES.find((p) => path === p || path.startsWith(`${p}/`));
  return prefix ? `${prefix}/*` : 'other';
}

function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'other';
}

/** A label value from code (intents, decisions, channel ids): anything unexpected becomes "other". */
function word(value: string): string {
  return /^[a-z][a-z0-9_-]{0,31}$/.test(value) ? value : 'other';
}

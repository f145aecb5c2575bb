/**
 * The published knowledge of a deployment, on PostgreSQL, and the engine built from it:
 * - open(): seeds knowledge_revisions from the knowledge/ folder (seed-files.ts), loads the live
 *   revisions and builds the engine; `engine()` is what every channel answers with.
 * - Every process LISTENs on 'knowledge_releases' and reloads when a revision is published; a timer
 *   reloads at the next scheduled start or end (effective_from / effective_until). A reload builds
 *   the new index beside the old one and swaps the reference in one assignment: a request in flight
 *   finishes on the engine it started with, the next one gets the new engine, none fails.
 * - The editor's workflow: drafts, review by a second editor, the publish gate (publish-gate.ts) run
 *   before a revision goes live, rollback to an earlier published revision, previews and validation.
 */
import type { Pool } from 'pg';
import { engineFor } from '../app/build-engine';
import { audit } from '../auth/audit';
import type { Config } from '../config';
import { NotificationListener } from '../db/notification-listener';
import { inTransaction } from '../handoff/transaction';
import type { Engine } from '../engine/engine';
import type { AnswerRecord } from '../engine/types';
import { KnowledgeError, loadKnowledgeFiles, type LoadResult } from '../knowledge/load-knowledge';
import type { KnowledgeProblem } from '../knowledge/yaml-document';
import type { Logger } from '../log';
import { nextChange, type LiveSet } from './live-files';
import { readLiveSet } from './read-live-set';
import { readQuestionSets, runGate, type GateReport, type QuestionSet } from './publish-gate';
import {
  getRevision,
  insertRevision,
  listPublished,
  markPublished,
  recordGate,
  RevisionError,
  type NewRevision,
  type Revision,
} from './revisions';
import { seedFromFiles } from './seed-files';
import { validateFile } from './validate-file';

export const RELEASES_CHANNEL = 'knowledge_releases';
/** The scheduler looks again at least this often (a revision published elsewhere with a schedule). */
const MAX_TIMER_MS = 60 * 60 * 1000;

export interface KnowledgeServiceOptions {
  pool: Pool;
  connectionString: string;
  config: Pick<Config, 'KNOWLEDGE_DIR' | 'EMBEDDING_MODEL_DIR' | 'DATA_DIR' | 'EVAL_DIR'>;
  log: Logger;
  now?: () => Date;
  /** Question sets of the publish gate (default: every set of EVAL_DIR). */
  questionSets?: QuestionSet[];
}

export interface PublishResult {
  published: boolean;
  revision: number;
  gate: GateReport;
}

export interface Preview {
  record: AnswerRecord;
  problems: KnowledgeProblem[];
}

interface Live {
  engine: Engine;
  set: LiveSet;
  problems: KnowledgeProblem[];
  /** The moment the live set was chosen for (a boundary after it is still to come, however slow the build). */
  at: Date;
}

const problemKey = (p: KnowledgeProblem) => `${p.file}|${p.field ?? ''}|${p.reason}`;

export class KnowledgeService {
  private live!: Live;
  private listener: NotificationListener | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private closed = false;
  private readonly previews = new Map<string, Promise<Engine>>();
  private readonly now: () => Date;
  private readonly swapListeners = new Set<(engine: Engine) => void>();

  private constructor(
    private readonly options: KnowledgeServiceOptions,
    private readonly sets: QuestionSet[],
  ) {
    this.now = options.now ?? (() => new Date());
  }

  static async open(options: KnowledgeServiceOptions): Promise<KnowledgeService> {
    const sets = options.questionSets ?? (await readQuestionSets(options.config.EVAL_DIR));
    const service = new KnowledgeService(options, sets);
    const seeded = await seedFromFiles(
      options.pool,
      options.config.KNOWLEDGE_DIR,
      options.log,
      service.now(),
    );
    options.log.info('knowledge revisions seeded from the folder', { ...seeded });
    service.live = await service.build();
    service.schedule();
    service.listener = new NotificationListener({
      channel: RELEASES_CHANNEL,
      connectionString: options.connectionString,
      log: options.log,
    });
    service.listener.subscribe(() => service.requestReload('published elsewhere'));
    service.listener.onReconnect(() => service.requestReload('listener reconnected'));
    await service.listener.start();
    return service;
  }

  /** The engine every answer uses now. */
  engine(): Engine {
    return this.live.engine;
  }

  /** Called after each swap (tests, metrics). */
  onSwap(fn: (engine: Engine) => void): () => void {
    this.swapListeners.add(fn);
    return () => this.swapListeners.delete(fn);
  }

  /** The live files (path → source) and which revision each comes from. */
  liveSet(): LiveSet {
    return this.live.set;
  }

  /** Problems of the live knowledge (refused files), for the editor's list. */
  liveProblems(): KnowledgeProblem[] {
    return this.live.problems;
  }

  /** Reloads now (after a publish here, a notification, or a scheduled change); resolves when swapped. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          const next = await this.build();
          if (next.engine.version !== this.live.engine.version) {
            this.live = next;
            this.options.log.info('knowledge swapped in', {
              version: next.engine.version,
              guides: next.engine.guideCount,
            });
            for (const fn of this.swapListeners) fn(next.engine);
          } else {
            this.live = { ...next, engine: this.live.engine };
          }
        } while (this.reloadAgain && !this.closed);
      } catch (error) {
        this.options.log.error('knowledge reload failed; the previous knowledge stays live', { error });
      } finally {
        this.reloading = undefined;
        this.schedule();
      }
    })();
    return this.reloading;
  }

  validate(path: string, source: string): KnowledgeProblem[] {
    return validateFile(path, source);
  }

  /** What the bot would answer with `path` replaced by `source` (the rest as live now). */
  async preview(path: string, source: string, question: string): Promise<Preview> {
    const problems = this.validate(path, source);
    if (problems.length > 0)
      return {
        record: await this.engine()
          .ask(question)
          .then((r) => r.record),
        problems,
      };
    const key = `${path}\0${source}`;
    let engine = this.previews.get(key);
    if (!engine) {
      engine = this.candidateEngine(path, source, false).then((c) => c.engine);
      this.previews.set(key, engine);
      engine.catch(() => this.previews.delete(key));
      while (this.previews.size > 3) this.previews.delete(this.previews.keys().next().value!);
    }
    const { record } = await (await engine).ask(question);
    return { record, problems: [] };
  }

  /**
   * Publishes a revision in review (`reviewer` ≠ its author) if the gate passes; otherwise the
   * revision stays in review with the gate's report.
   */
  async approve(id: number, reviewer: string): Promise<PublishResult> {
    const revision = await getRevision(this.options.pool, id);
    if (revision.status !== 'in_review')
      throw new RevisionError('conflict', `revision ${id} is ${revision.status}, not in review`);
    if (revision.author === reviewer)
      throw new RevisionError('forbidden', 'a second editor must review a revision, not its author');
    const gate = await this.gate(revision);
    const { pool } = this.options;
    if (!gate.passed) {
      await recordGate(pool, id, gate);
      await audit(pool, {
        actor: reviewer,
        action: 'knowledge.publish_refused',
        subject: revision.path,
        details: { revision: id, reasons: gate.reasons, broken: gate.broken.length },
      });
      return { published: false, revision: id, gate };
    }
    await inTransaction(this.options.pool, async (client) => {
      await markPublished(client, id, reviewer, gate, this.now());
      await audit(client, {
        actor: reviewer,
        action: 'knowledge.publish',
        subject: revision.path,
        details: { revision: id, author: revision.author, version: gate.candidateVersion },
      });
      await client.query('SELECT pg_notify($1, $2)', [RELEASES_CHANNEL, String(id)]);
    });
    await this.reload();
    return { published: true, revision: id, gate };
  }

  /** Publishes a copy of an earlier published revision of the same file (through the gate). */
  async rollback(path: string, toId: number, actor: string): Promise<PublishResult> {
    const target = await getRevision(this.options.pool, toId);
    if (target.path !== path || target.publishedAt === null)
      throw new RevisionError('invalid', `revision ${toId} is not a published revision of ${path}`);
    const draft: NewRevision = {
      path,
      source: target.source,
      deletes: target.deletes,
      author: actor,
      note: `Khôi phục bản #${toId}`,
      baseId: this.live.set.revisions.get(path) ?? null,
    };
    const gate = await this.gate({ ...draft, deletes: target.deletes });
    if (!gate.passed) return { published: false, revision: toId, gate };
    const id = await inTransaction(this.options.pool, async (client) => {
      const created = await insertRevision(client, draft, 'published', this.now());
      await recordGate(client, created, gate);
      await audit(client, {
        actor,
        action: 'knowledge.rollback',
        subject: path,
        details: { revision: created, to: toId },
      });
      await client.query('SELECT pg_notify($1, $2)', [RELEASES_CHANNEL, String(created)]);
      return created;
    });
    await this.reload();
    return { published: true, revision: id, gate };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.listener?.close();
    await this.reloading;
  }

  private requestReload(reason: string): void {
    this.options.log.debug('knowledge reload', { reason });
    void this.reload();
  }

  private async gate(revision: Pick<Revision, 'path' | 'source' | 'deletes'>): Promise<GateReport> {
    const problems = revision.deletes ? [] : this.validate(revision.path, revision.source);
    if (problems.length > 0) return refusedGate(problems, this.engine().version);
    let candidate: { engine: Engine; problems: KnowledgeProblem[] };
    try {
      candidate = await this.candidateEngine(
        revision.path,
        revision.deletes ? undefined : revision.source,
        true,
      );
    } catch (error) {
      if (error instanceof KnowledgeError) return refusedGate(error.problems, this.engine().version);
      throw error;
    }
    const before = new Set(this.live.problems.map(problemKey));
    const fresh = candidate.problems.filter((p) => !before.has(problemKey(p)));
    return runGate(this.engine(), candidate.engine, this.sets, fresh);
  }

  /** The live files with one path replaced (or removed when `source` is undefined), built. */
  private async candidateEngine(
    path: string,
    source: string | undefined,
    full: boolean,
  ): Promise<{ engine: Engine; problems: KnowledgeProblem[] }> {
    const files = new Map(this.live.set.files);
    if (source === undefined) files.delete(path);
    else files.set(path, source);
    const { knowledge, problems } = loadKnowledgeFiles(files);
    const config = full ? this.options.config : { ...this.options.config, EMBEDDING_MODEL_DIR: undefined };
    const engine = await engineFor(knowledge, config, quiet(this.options.log));
    return { engine, problems };
  }

  private async build(): Promise<Live> {
    const { pool, config, log } = this.options;
    const at = this.now();
    const set = await readLiveSet(pool, at);
    const loaded: LoadResult = loadKnowledgeFiles(set.files);
    for (const p of loaded.problems) log.warn(`knowledge problem: ${p.file}: ${p.reason}`, { problem: p });
    if (this.live && this.live.engine.version === loaded.knowledge.version)
      return { engine: this.live.engine, set, problems: loaded.problems, at };
    const engine = await engineFor(loaded.knowledge, config, log);
    return { engine, set, problems: loaded.problems, at };
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    void listPublished(this.options.pool)
      .then((published) => {
        if (this.closed) return;
        const now = this.now();
        const next = nextChange(published, this.live.at);
        const wait = next
          ? Math.min(Math.max(next.getTime() - now.getTime(), 0) + 50, MAX_TIMER_MS)
          : MAX_TIMER_MS;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.requestReload('schedule'), wait);
        this.timer.unref();
      })
      .catch((error: unknown) => this.options.log.warn('knowledge schedule not read', { error }));
  }
}

function refusedGate(problems: KnowledgeProblem[], liveVersion: string): GateReport {
  return {
    passed: false,
    reasons: problems.map((p) => `Lỗi nội dung: ${p.file}${p.field ? ` [${p.field}]` : ''}: ${p.reason}`),
    sets: [],
    broken: [],
    fixed: 0,
    problems,
    candidateVersion: '',
    liveVersion,
    ms: 0,
  };
}

/** Candidate engines are built for checks: their "lexical mode" lines are not news. */
function quiet(log: Logger): Logger {
  return { ...log, info: () => undefined, debug: () => undefined };
}

/**
 * The inbox's JSON API under /editor/api/inbox (editor or admin; CSRF on writes):
 * - GET  /editor/api/inbox?from=&to=&limit=   groups of the range (Vietnam days, default the last 30)
 * - GET  /editor/api/inbox/targets            guides and out-of-scope topics to send questions to
 * - POST /editor/api/inbox/groups/:signature/attach        {from, to, path, questions[], note?}
 * - POST /editor/api/inbox/groups/:signature/out-of-scope  {from, to, topic, questions[], note?}
 * - POST /editor/api/inbox/groups/:signature/dismiss       {from, to}
 * - GET  /editor/api/inbox/resolved, POST /editor/api/inbox/resolved/:signature/reopen
 * Attaching appends the chosen questions (members of the group) to the guide's examples, or to the
 * topic's examples of out-of-scope.yaml, as a new DRAFT revision by the editor (insertRevision): it goes
 * through review and publishing like any other; the live knowledge is unchanged until then. The group
 * is resolved in the same transaction (its questions leave the inbox), and both are audited.
 * Errors: 400 bad input, 404 unknown group or file, 409 the group was handled meanwhile.
 */
import { apiHandler, badRequestFor } from '../api-handler';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { audit } from '../../auth/audit';
import { officer } from '../../auth/middleware';
import { inTransaction } from '../../handoff/transaction';
import {
  AppendError,
  appendGuideExamples,
  appendTopicExamples,
  outOfScopeTopics,
  type AppendResult,
} from '../../knowledge/append-examples';
import { insertRevision, RevisionError } from '../../knowledge-store/revisions';
import { guideIdOf } from '../../knowledge-store/validate-file';
import { parseRange, StatsRangeError } from '../stats/range';
import type { EditorContext } from '..';
import { InboxReader, type ComputedGroup, type InboxGroup } from './groups';
import { listResolutions, reopenGroup, resolveGroup, type ResolutionState } from './resolutions';

export const OUT_OF_SCOPE_PATH = 'out-of-scope.yaml';
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const VIETNAM_OFFSET = '+07:00';

const signatureParam = z.string().regex(/^[0-9a-f]{16}$/, 'not a group signature');
const rangeFields = { from: z.string().optional(), to: z.string().optional() };
const questionsField = z
  .array(z.string().trim().min(1).max(1000))
  .min(1, 'choose at least one question')
  .max(200);
const attachBody = z.object({
  ...rangeFields,
  path: z.string().refine((p) => guideIdOf(p) !== undefined, 'not a guide path'),
  questions: questionsField,
  note: z.string().max(2000).optional(),
});
const outOfScopeBody = z.object({
  ...rangeFields,
  topic: z.string().regex(/^[a-z0-9-]+$/, 'not a topic id'),
  questions: questionsField,
  note: z.string().max(2000).optional(),
});
const dismissBody = z.object(rangeFields);

/** [from 00:00, to + 1 day 00:00) in Vietnam time. */
function instants(range: { from: string; to: string }): { start: Date; end: Date } {
  const start = new Date(`${range.from}T00:00:00${VIETNAM_OFFSET}`);
  const end = new Date(new Date(`${range.to}T00:00:00${VIETNAM_OFFSET}`).getTime() + 86_400_000);
  return { start, end };
}

/** A group as the page gets it: without its normalised keys. */
const toJson = (g: ComputedGroup): InboxGroup => {
  const shown: Partial<ComputedGroup> = { ...g };
  delete shown.keys;
  return shown as InboxGroup;
};

export function inboxApi(ctx: EditorContext): Router {
  const { knowledge, guard, database, log } = ctx;
  const pool = database.pool;
  const reader = new InboxReader(pool, knowledge);
  const router = express.Router();
  const json = express.json({ limit: '256kb' });
  const actor = (req: Request) => officer(req)!.username;

  const handle = apiHandler(log, 'inbox', badRequestFor(StatsRangeError, AppendError));

  const rangeOf = (query: { from?: unknown; to?: unknown }) => {
    const range = parseRange(query, ctx.now());
    return { from: range.from, to: range.to, ...instants(range) };
  };

  /** The group as it is now (recomputed for the range the editor was looking at). */
  const findGroup = async (signature: string, query: { from?: unknown; to?: unknown }) => {
    const range = rangeOf(query);
    const inbox = await reader.read(range.start, range.end);
    const group = inbox.groups.find((g) => g.signature === signature);
    if (!group)
      throw new RevisionError(
        'not_found',
        'this group is no longer in the inbox (handled meanwhile, or its questions changed): reload',
      );
    return group;
  };

  /** The chosen questions must be questions of the group. */
  const chosen = (group: ComputedGroup, questions: string[]): string[] => {
    const asked = new Set(group.questions.map((q) => q.text));
    const unknown = questions.filter((q) => !asked.has(q.replace(/\s+/g, ' ').trim()));
    if (unknown.length > 0)
      throw new RevisionError('invalid', `not a question of this group: ${unknown[0]!.slice(0, 80)}`);
    return questions;
  };

  /** A draft revision of `path` with `result`'s text, the group resolved, both audited. */
  const draftAndResolve = async (
    req: Request,
    group: ComputedGroup,
    path: string,
    target: string,
    state: ResolutionState,
    result: AppendResult,
    note: string | undefined,
  ): Promise<number> => {
    const who = actor(req);
    const live = knowledge.liveSet().revisions.get(path) ?? null;
    return inTransaction(pool, async (client) => {
      const revision = await insertRevision(
        client,
        {
          path,
          source: result.source,
          author: who,
          note: note?.trim() || `Thêm ${result.added.length} câu hỏi từ hộp thư câu hỏi chưa trả lời`,
          baseId: live,
        },
        'draft',
        ctx.now(),
      );
      await resolveGroup(
        client,
        {
          signature: group.signature,
          state,
          target,
          revisionId: revision,
          actor: who,
          messages: group.count,
          sample: group.question,
          keys: group.keys,
        },
        ctx.now(),
      );
      await audit(client, { actor: who, action: 'knowledge.draft', subject: path, details: { revision } });
      await audit(client, {
        actor: who,
        action: state === 'attached' ? 'inbox.attach' : 'inbox.out_of_scope',
        subject: target,
        details: {
          signature: group.signature,
          revision,
          questions: result.added.length,
          messages: group.count,
        },
      });
      return revision;
    });
  };

  const liveSource = (path: string): string => {
    const source = knowledge.liveSet().files.get(path);
    if (source === undefined) throw new RevisionError('not_found', `${path} is not a live knowledge file`);
    return source;
  };

  const created = (res: Response, revision: number, path: string, result: AppendResult) => {
    res.status(201).json({
      revision,
      path,
      added: result.added,
      skipped: result.skipped,
      problems: knowledge.validate(path, result.source),
      url: `/editor/edit?path=${encodeURIComponent(path)}&revision=${revision}`,
    });
  };

  const nothingAdded = (result: AppendResult) => {
    if (result.added.length === 0)
      throw new RevisionError('invalid', 'every chosen question is already an example there');
  };

  router.get(
    '/editor/api/inbox',
    guard,
    handle(async (req, res) => {
      const range = rangeOf(req.query);
      const limit = z.coerce
        .number()
        .int()
        .min(1)
        .max(MAX_LIMIT)
        .default(DEFAULT_LIMIT)
        .parse(req.query.limit);
      const inbox = await reader.read(range.start, range.end);
      const shown = await reader.withAnswerTexts(inbox.groups.slice(0, limit));
      res.json({
        from: range.from,
        to: range.to,
        messages: inbox.messages,
        ungrouped: inbox.ungrouped,
        total: inbox.groups.length,
        groups: shown.map(toJson),
      });
    }),
  );

  router.get(
    '/editor/api/inbox/targets',
    guard,
    handle(async (_req, res) => {
      const live = knowledge.liveSet();
      const engine = knowledge.engine();
      const guides = [...live.files.keys()]
        .flatMap((path) => {
          const id = guideIdOf(path);
          const guide = id ? engine.guide(id) : undefined;
          return guide ? [{ path, title: guide.title }] : [];
        })
        .sort((a, b) => a.title.localeCompare(b.title, 'vi'));
      const topics = outOfScopeTopics(live.files.get(OUT_OF_SCOPE_PATH) ?? '');
      res.json({ guides, topics });
    }),
  );

  router.post(
    '/editor/api/inbox/groups/:signature/attach',
    guard,
    json,
    handle(async (req, res) => {
      const signature = signatureParam.parse(req.params.signature);
      const body = attachBody.parse(req.body);
      const group = await findGroup(signature, body);
      const result = appendGuideExamples(liveSource(body.path), chosen(group, body.questions));
      nothingAdded(result);
      const revision = await draftAndResolve(req, group, body.path, body.path, 'attached', result, body.note);
      created(res, revision, body.path, result);
    }),
  );

  router.post(
    '/editor/api/inbox/groups/:signature/out-of-scope',
    guard,
    json,
    handle(async (req, res) => {
      const signature = signatureParam.parse(req.params.signature);
      const body = outOfScopeBody.parse(req.body);
      const group = await findGroup(signature, body);
      const source = liveSource(OUT_OF_SCOPE_PATH);
      const result = appendTopicExamples(source, body.topic, chosen(group, body.questions));
      nothingAdded(result);
      const target = `${OUT_OF_SCOPE_PATH}#${body.topic}`;
      const revision = await draftAndResolve(
        req,
        group,
        OUT_OF_SCOPE_PATH,
        target,
        'out_of_scope',
        result,
        body.note,
      );
      created(res, revision, OUT_OF_SCOPE_PATH, result);
    }),
  );

  router.post(
    '/editor/api/inbox/groups/:signature/dismiss',
    guard,
    json,
    handle(async (req, res) => {
      const signature = signatureParam.parse(req.params.signature);
      const group = await findGroup(signature, dismissBody.parse(req.body ?? {}));
      const who = actor(req);
      await inTransaction(pool, async (client) => {
        await resolveGroup(
          client,
          {
            signature,
            state: 'dismissed',
            target: null,
            revisionId: null,
            actor: who,
            messages: group.count,
            sample: group.question,
            keys: group.keys,
          },
          ctx.now(),
        );
        await audit(client, {
          actor: who,
          action: 'inbox.dismiss',
          subject: group.question.slice(0, 200),
          details: { signature, messages: group.count },
        });
      });
      res.json({ signature, state: 'dismissed' });
    }),
  );

  router.get(
    '/editor/api/inbox/resolved',
    guard,
    handle(async (_req, res) => {
      res.json({ resolutions: await listResolutions(pool) });
    }),
  );

  router.post(
    '/editor/api/inbox/resolved/:signature/reopen',
    guard,
    handle(async (req, res) => {
      const signature = signatureParam.parse(req.params.signature);
      const who = actor(req);
      const state = await inTransaction(pool, async (client) => {
        const was = await reopenGroup(client, signature);
        await audit(client, { actor: who, action: 'inbox.reopen', details: { signature, was } });
        return was;
      });
      res.json({ signature, reopened: state });
    }),
  );

  return router;
}

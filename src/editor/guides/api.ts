/**
 * The guides section's JSON API under /editor/api (editor or admin; CSRF on writes):
 * GET files (live files with their pending revisions; ?q= searches titles, aliases and examples),
 * GET file?path= (live text, parsed guide, revisions), POST check {path, source|guide} (the text and
 * its problems: live validation with the loader's schema), POST preview {path, source|guide, question},
 * POST revisions (new draft), PUT revisions/:id (edit a draft), GET revisions/:id,
 * POST revisions/:id/submit | approve | reject {note}, GET diff?from=&to=, POST rollback {path, to}.
 * Errors: 400 bad input, 403 not allowed (e.g. reviewing one's own revision), 404, 409 wrong state,
 * 422 the publish gate refused (the report is in the body).
 */
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { officer } from '../../auth/middleware';
import { foldText } from '../../engine/text/vietnamese';
import { parseGuide } from '../../knowledge/parse-guide';
import { renderGuide } from '../../knowledge/render-guide';
import type { Guide } from '../../knowledge/schema';
import {
  getRevision,
  insertRevision,
  listPending,
  listRevisions,
  rejectRevision,
  RevisionError,
  submitRevision,
  updateDraft,
} from '../../knowledge-store/revisions';
import { guideIdOf, isKnowledgePath } from '../../knowledge-store/validate-file';
import { audit } from '../../auth/audit';
import type { EditorContext } from '..';
import { draftGuideFromTthc, renderTthcDraft } from '../../knowledge/tthc-import';
import { tthcRecordSchema } from '../../knowledge/tthc-record';
import { apiHandler } from '../api-handler';
import { lineDiff } from './diff';

const MAX_SOURCE = 200_000;

const pathField = z.string().refine(isKnowledgePath, 'not a knowledge file path');
const when = z
  .union([z.iso.datetime({ offset: true }), z.iso.date(), z.null()])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === null ? null : new Date(v)));

/** A file's new text: raw `source`, or a guide's fields from the form (rendered to its file). */
const content = z.object({
  path: pathField,
  source: z.string().max(MAX_SOURCE).optional(),
  guide: z.record(z.string(), z.unknown()).optional(),
});

const draftBody = content.extend({
  note: z.string().max(2000).optional(),
  baseId: z.number().int().positive().nullable().optional(),
  deletes: z.boolean().optional(),
  effectiveFrom: when,
  effectiveUntil: when,
});

function textOf(body: z.infer<typeof content>): string {
  if (body.source !== undefined) return body.source;
  if (!body.guide)
    throw new RevisionError('invalid', 'give the file text (source) or the guide fields (guide)');
  const facets = body.guide.facets;
  const guide = {
    ...body.guide,
    facets: facets && typeof facets === 'object' ? facets : {},
  } as unknown as Guide;
  return renderGuide(guide);
}

/** The guide a text holds, for the form (undefined when it does not parse). */
function guideOf(path: string, source: string): Guide | undefined {
  const id = guideIdOf(path);
  if (!id) return undefined;
  const parsed = parseGuide(source, path, id);
  return parsed.ok ? parsed.value : undefined;
}

export function guidesApi(ctx: EditorContext): Router {
  const { knowledge, guard, database, log } = ctx;
  const pool = database.pool;
  const router = express.Router();
  const json = express.json({ limit: '512kb' });
  const actor = (req: Request) => officer(req)!.username;

  const handle = apiHandler(log, 'editor guides');
  const idParam = (req: Request) => z.coerce.number().int().positive().parse(req.params.id);

  router.get(
    '/editor/api/files',
    guard,
    handle(async (req, res) => {
      const q = foldText(typeof req.query.q === 'string' ? req.query.q : '').trim();
      const pending = await listPending(pool);
      const live = knowledge.liveSet();
      const engine = knowledge.engine();
      const files = [...live.files.keys()].map((path) => {
        const id = guideIdOf(path);
        const guide = id ? engine.guide(id) : undefined;
        return {
          path,
          id: id ?? null,
          title: guide?.title ?? path,
          reviewed: guide?.reviewed ?? null,
          revision: live.revisions.get(path) ?? null,
          pending: pending
            .filter((p) => p.path === path)
            .map((p) => ({ id: p.id, status: p.status, author: p.author })),
          haystack: guide
            ? foldText([guide.title, ...guide.aliases, ...guide.examples].join(' '))
            : foldText(path),
        };
      });
      const matches = q ? files.filter((f) => q.split(/\s+/).every((w) => f.haystack.includes(w))) : files;
      res.json({
        files: matches.map(({ haystack: _, ...f }) => f),
        pending,
        problems: knowledge.liveProblems(),
        version: engine.version,
      });
    }),
  );

  router.get(
    '/editor/api/file',
    guard,
    handle(async (req, res) => {
      const path = pathField.parse(req.query.path);
      const revisionId = knowledge.liveSet().revisions.get(path);
      const source = knowledge.liveSet().files.get(path) ?? '';
      res.json({
        path,
        live:
          revisionId === undefined
            ? null
            : { revision: revisionId, source, guide: guideOf(path, source) ?? null },
        revisions: await listRevisions(pool, path),
      });
    }),
  );

  router.post(
    '/editor/api/check',
    guard,
    json,
    handle(async (req, res) => {
      const body = content.parse(req.body);
      const source = textOf(body);
      res.json({ source, problems: knowledge.validate(body.path, source) });
    }),
  );

  router.post(
    '/editor/api/preview',
    guard,
    json,
    handle(async (req, res) => {
      const body = content.extend({ question: z.string().trim().min(1).max(1000) }).parse(req.body);
      const source = textOf(body);
      res.json(await knowledge.preview(body.path, source, body.question));
    }),
  );

  router.post(
    '/editor/api/revisions',
    guard,
    json,
    handle(async (req, res) => {
      const body = draftBody.parse(req.body);
      const source = body.deletes ? '' : textOf(body);
      const id = await insertRevision(
        pool,
        {
          path: body.path,
          source,
          deletes: body.deletes ?? false,
          author: actor(req),
          note: body.note ?? '',
          baseId: body.baseId ?? knowledge.liveSet().revisions.get(body.path) ?? null,
          effectiveFrom: body.effectiveFrom ?? null,
          effectiveUntil: body.effectiveUntil ?? null,
        },
        'draft',
        ctx.now(),
      );
      await audit(pool, {
        actor: actor(req),
        action: 'knowledge.draft',
        subject: body.path,
        details: { revision: id },
      });
      res.status(201).json({ id, problems: body.deletes ? [] : knowledge.validate(body.path, source) });
    }),
  );

  router.put(
    '/editor/api/revisions/:id',
    guard,
    json,
    handle(async (req, res) => {
      const id = idParam(req);
      const current = await getRevision(pool, id);
      const body = draftBody.partial({ path: true }).parse(req.body);
      const path = current.path;
      const source = body.source !== undefined || body.guide ? textOf({ ...body, path }) : undefined;
      await updateDraft(
        pool,
        id,
        actor(req),
        {
          ...(source !== undefined && { source }),
          ...(body.deletes !== undefined && { deletes: body.deletes }),
          ...(body.note !== undefined && { note: body.note }),
          ...(body.effectiveFrom !== undefined && { effectiveFrom: body.effectiveFrom }),
          ...(body.effectiveUntil !== undefined && { effectiveUntil: body.effectiveUntil }),
        },
        ctx.now(),
      );
      const saved = await getRevision(pool, id);
      res.json({ id, problems: saved.deletes ? [] : knowledge.validate(path, saved.source) });
    }),
  );

  router.get(
    '/editor/api/revisions/:id',
    guard,
    handle(async (req, res) => {
      const revision = await getRevision(pool, idParam(req));
      res.json({
        ...revision,
        guide: guideOf(revision.path, revision.source) ?? null,
        problems: revision.deletes ? [] : knowledge.validate(revision.path, revision.source),
      });
    }),
  );

  router.post(
    '/editor/api/revisions/:id/submit',
    guard,
    handle(async (req, res) => {
      const id = idParam(req);
      const revision = await getRevision(pool, id);
      const problems = revision.deletes ? [] : knowledge.validate(revision.path, revision.source);
      if (problems.length > 0) {
        res.status(400).json({ error: 'the revision has problems; fix them before review', problems });
        return;
      }
      await submitRevision(pool, id, actor(req), ctx.now());
      await audit(pool, {
        actor: actor(req),
        action: 'knowledge.submit',
        subject: revision.path,
        details: { revision: id },
      });
      res.json({ id, status: 'in_review' });
    }),
  );

  router.post(
    '/editor/api/revisions/:id/approve',
    guard,
    handle(async (req, res) => {
      const result = await knowledge.approve(idParam(req), actor(req));
      res.status(result.published ? 200 : 422).json(result);
    }),
  );

  router.post(
    '/editor/api/revisions/:id/reject',
    guard,
    json,
    handle(async (req, res) => {
      const id = idParam(req);
      const { note } = z.object({ note: z.string().trim().min(1).max(2000) }).parse(req.body);
      const revision = await getRevision(pool, id);
      await rejectRevision(pool, id, actor(req), note, ctx.now());
      await audit(pool, {
        actor: actor(req),
        action: 'knowledge.reject',
        subject: revision.path,
        details: { revision: id, note },
      });
      res.json({ id, status: 'rejected' });
    }),
  );

  router.get(
    '/editor/api/diff',
    guard,
    handle(async (req, res) => {
      const from = z.coerce.number().int().positive().parse(req.query.from);
      const to = z.coerce.number().int().positive().parse(req.query.to);
      const [a, b] = await Promise.all([getRevision(pool, from), getRevision(pool, to)]);
      if (a.path !== b.path) throw new RevisionError('invalid', 'both revisions must be of the same file');
      res.json({ path: a.path, from, to, ...lineDiff(a.source, b.source) });
    }),
  );

  router.post(
    '/editor/api/rollback',
    guard,
    json,
    handle(async (req, res) => {
      const body = z.object({ path: pathField, to: z.number().int().positive() }).parse(req.body);
      const result = await knowledge.rollback(body.path, body.to, actor(req));
      res.status(result.published ? 200 : 422).json(result);
    }),
  );

  // A draft from a record of the National Database of Administrative Procedures (tthc-import.ts):
  // saved as the editor's draft even when sections are missing, for them to complete.
  router.post(
    '/editor/api/import-tthc',
    guard,
    express.json({ limit: '2mb' }),
    handle(async (req, res) => {
      const body = z
        .object({
          id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must look like family/name'),
          record: z.unknown(),
        })
        .parse(req.body);
      const record = tthcRecordSchema.parse(body.record);
      const draft = draftGuideFromTthc(record, {
        id: body.id,
        reviewed: ctx.now().toISOString().slice(0, 10),
      });
      const path = `guides/${body.id}.md`;
      const source = renderTthcDraft(draft);
      const id = await insertRevision(
        pool,
        {
          path,
          source,
          author: actor(req),
          note: `Nhập từ CSDL quốc gia về TTHC, thủ tục ${draft.procedureCode}`,
          baseId: knowledge.liveSet().revisions.get(path) ?? null,
        },
        'draft',
        ctx.now(),
      );
      await audit(pool, {
        actor: actor(req),
        action: 'knowledge.import',
        subject: path,
        details: { revision: id },
      });
      res.status(201).json({
        id,
        path,
        missing: draft.missing,
        notes: draft.notes,
        problems: knowledge.validate(path, source),
      });
    }),
  );

  return router;
}

/**
 * The bulletins section's JSON API under /editor/api/bulletins (editor or admin; CSRF on writes):
 * GET / (the newest bulletins with delivery counts, the channels this server can send to, the limits),
 * POST / (new draft), GET /:id (the bulletin and its delivery results: counts, grouped errors, the
 * latest problems with masked recipients), PUT /:id (edit a draft or a scheduled one),
 * POST /:id/schedule {at} (ISO time with offset; the page sends Vietnam time), POST /:id/send (now),
 * POST /:id/cancel (draft or scheduled; one still sending stops), POST /:id/withdraw (off the web chat
 * welcome now).
 * No review step: an editor's schedule is final (README). Every change is audited.
 * Errors: 400 invalid (the message says which field, in Vietnamese), 404, 409 wrong state.
 */
import { apiHandler } from '../api-handler';
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { audit } from '../../auth/audit';
import { officer } from '../../auth/middleware';
import {
  BODY_MAX,
  BULLETIN_CHANNELS,
  charCount,
  DEFAULT_SHOW_DAYS,
  isHttpUrl,
  LINK_MAX,
  TITLE_MAX,
  type BulletinChannel,
} from '../../bulletins/limits';
import type { BulletinScheduler } from '../../bulletins/scheduler';
import {
  BulletinError,
  cancelBulletin,
  deliveryReport,
  getBulletin,
  insertBulletin,
  listBulletins,
  scheduleBulletin,
  updateBulletin,
  withdrawBulletin,
  type Bulletin,
  type BulletinInput,
} from '../../bulletins/store';
import type { EditorContext } from '..';

/** How far ahead a bulletin can be scheduled. */
const MAX_AHEAD_MS = 366 * 24 * 60 * 60 * 1000;
/** A schedule time this little in the past (the editor's clock, the request) still counts as now. */
const PAST_SLACK_MS = 60 * 1000;

const text = (label: string, max: number) =>
  z
    .string({ error: `${label}: bắt buộc.` })
    .transform((s) => s.normalize('NFC').trim())
    .refine((s) => s.length > 0, `${label}: không được để trống.`)
    .refine((s) => charCount(s) <= max, `${label}: tối đa ${max} ký tự.`);

const instant = (label: string) =>
  z.iso.datetime({ offset: true, error: `${label}: thời điểm không hợp lệ.` }).transform((v) => new Date(v));

const fields = z.object({
  title: text('Tiêu đề', TITLE_MAX).refine((s) => !/[\r\n]/.test(s), 'Tiêu đề: chỉ một dòng.'),
  body: text('Nội dung', BODY_MAX),
  link: z
    .string({ error: 'Liên kết: một địa chỉ bắt đầu bằng https://.' })
    .trim()
    .nullable()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || (v.length <= LINK_MAX && isHttpUrl(v)), {
      error: `Liên kết: một địa chỉ bắt đầu bằng https:// (tối đa ${LINK_MAX} ký tự).`,
    }),
  channels: z
    .array(z.enum(BULLETIN_CHANNELS, { error: 'Kênh: chỉ "webchat" hoặc "zalo".' }), {
      error: 'Kênh: chọn ít nhất một kênh.',
    })
    .min(1, 'Kênh: chọn ít nhất một kênh.')
    .transform((c) => [...new Set(c)] as BulletinChannel[]),
  showUntil: instant('Hiện đến')
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

const STATUS: Record<BulletinError['code'], number> = { not_found: 404, conflict: 409, invalid: 400 };

export function bulletinsApi(ctx: EditorContext, scheduler: BulletinScheduler): Router {
  const { guard, database, log, outbound } = ctx;
  const pool = database.pool;
  const router = express.Router();
  const json = express.json({ limit: '64kb' });
  const actor = (req: Request) => officer(req)!.username;
  const idParam = (req: Request) => {
    const id = z.coerce.number().int().positive().safeParse(req.params.id);
    if (!id.success) throw new BulletinError('not_found', 'Không có bản tin này.');
    return id.data;
  };
  const channelsOn = () => ({ webchat: true, zalo: outbound?.broadcaster('zalo') !== undefined });

  const handle = apiHandler(
    log,
    'bulletins',
    (error) => {
      if (!(error instanceof z.ZodError)) return undefined;
      const issue = error.issues[0];
      return {
        status: 400,
        body: { error: issue?.message ?? 'Dữ liệu không hợp lệ.', field: issue?.path.join('.') },
      };
    },
    (error) =>
      error instanceof BulletinError
        ? { status: STATUS[error.code], body: { error: error.message } }
        : undefined,
  );

  /** Refuses to schedule what cannot be delivered as asked. */
  const checkSendable = (bulletin: Bulletin, at: Date) => {
    const off = bulletin.channels.filter((c) => !channelsOn()[c]);
    if (off.length > 0)
      throw new BulletinError(
        'invalid',
        'Kênh Zalo chưa được cấu hình trên máy chủ này; bỏ chọn Zalo để gửi.',
      );
    if (bulletin.showUntil && bulletin.showUntil.getTime() <= at.getTime())
      throw new BulletinError('invalid', 'Hiện đến: phải sau thời điểm gửi.');
  };

  const logged = async (req: Request, action: string, bulletin: Bulletin, details: object = {}) =>
    audit(pool, {
      actor: actor(req),
      action,
      subject: `bulletin:${bulletin.id}`,
      details: { title: bulletin.title, channels: bulletin.channels, ...details },
      at: ctx.now(),
    });

  router.get(
    '/editor/api/bulletins',
    guard,
    handle(async (_req, res) => {
      res.json({
        bulletins: await listBulletins(pool),
        channels: channelsOn(),
        limits: { title: TITLE_MAX, body: BODY_MAX, link: LINK_MAX, showDays: DEFAULT_SHOW_DAYS },
        now: ctx.now(),
      });
    }),
  );

  router.post(
    '/editor/api/bulletins',
    guard,
    json,
    handle(async (req, res) => {
      const input: BulletinInput = fields.parse(req.body ?? {});
      const bulletin = await insertBulletin(pool, input, actor(req), ctx.now());
      await logged(req, 'bulletin.create', bulletin);
      res.status(201).json({ bulletin });
    }),
  );

  router.get(
    '/editor/api/bulletins/:id',
    guard,
    handle(async (req, res) => {
      const id = idParam(req);
      const bulletin = await getBulletin(pool, id);
      res.json({ bulletin, results: await deliveryReport(pool, id) });
    }),
  );

  router.put(
    '/editor/api/bulletins/:id',
    guard,
    json,
    handle(async (req, res) => {
      const id = idParam(req);
      const input: BulletinInput = fields.parse(req.body ?? {});
      const current = await getBulletin(pool, id);
      if (current.status === 'scheduled')
        checkSendable({ ...current, ...input }, current.scheduledAt ?? ctx.now());
      const bulletin = await updateBulletin(pool, id, input, actor(req), ctx.now());
      await logged(req, 'bulletin.update', bulletin);
      res.json({ bulletin });
    }),
  );

  router.post(
    '/editor/api/bulletins/:id/schedule',
    guard,
    json,
    handle(async (req, res) => {
      const id = idParam(req);
      const { at } = z.object({ at: instant('Thời điểm gửi') }).parse(req.body ?? {});
      const now = ctx.now().getTime();
      if (at.getTime() < now - PAST_SLACK_MS)
        throw new BulletinError(
          'invalid',
          'Thời điểm gửi: đã qua; chọn một thời điểm sắp tới hoặc "Gửi ngay".',
        );
      if (at.getTime() > now + MAX_AHEAD_MS)
        throw new BulletinError('invalid', 'Thời điểm gửi: tối đa một năm kể từ hôm nay.');
      checkSendable(await getBulletin(pool, id), at);
      const bulletin = await scheduleBulletin(pool, id, at, actor(req), ctx.now());
      await logged(req, 'bulletin.schedule', bulletin, { at: at.toISOString() });
      res.json({ bulletin });
    }),
  );

  router.post(
    '/editor/api/bulletins/:id/send',
    guard,
    handle(async (req, res) => {
      const id = idParam(req);
      const now = ctx.now();
      checkSendable(await getBulletin(pool, id), now);
      const bulletin = await scheduleBulletin(pool, id, now, actor(req), now);
      await logged(req, 'bulletin.send', bulletin);
      scheduler.kick();
      res.json({ bulletin });
    }),
  );

  router.post(
    '/editor/api/bulletins/:id/cancel',
    guard,
    handle(async (req, res) => {
      const bulletin = await cancelBulletin(pool, idParam(req), actor(req), ctx.now());
      await logged(req, 'bulletin.cancel', bulletin);
      res.json({ bulletin });
    }),
  );

  router.post(
    '/editor/api/bulletins/:id/withdraw',
    guard,
    handle(async (req, res) => {
      const bulletin = await withdrawBulletin(pool, idParam(req), actor(req), ctx.now());
      await logged(req, 'bulletin.withdraw', bulletin);
      res.json({ bulletin });
    }),
  );

  return router;
}

/**
 * POST /webhooks/zalo: keeps the raw body (64 kB at most, 413 beyond), refuses a missing or wrong
 * X-ZEvent-Signature (401), invalid JSON or an unknown shape (400), then answers 200 at once and
 * leaves the work to the queue. The OA's own echoes and other ignored events stop here; a delivery
 * seen before (msg_id, or user and time for a follow) is acknowledged and not handled again.
 */
import express, { Router } from 'express';
import type { Logger } from '../../src/log';
import { HttpError } from '../../src/server/http-errors';
import { classifyEvent, envelopeSchema, parseZaloJson } from './events';
import type { EventHandler } from './conversation';
import type { RecentKeys } from './recent-keys';
import { SIGNATURE_HEADER, verifyZaloSignature } from './signature';
import type { ActionableEvent } from './to-activity';
import type { WorkQueue } from './work-queue';

export const WEBHOOK_PATH = '/webhooks/zalo';
export const WEBHOOK_BODY_LIMIT = '64kb';

export interface WebhookParts {
  appId: string;
  oaSecretKey: string;
  log: Logger;
  seen: RecentKeys;
  queue: WorkQueue;
  handle: EventHandler;
  closing: () => boolean;
}

export function webhookRouter(parts: WebhookParts): Router {
  const { appId, oaSecretKey, log, seen, queue, handle } = parts;
  const router = Router();
  router.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), (req, res) => {
    if (parts.closing()) throw new HttpError(503, 'shutting down');
    const signature = req.get(SIGNATURE_HEADER);
    if (!signature) throw refused(log, 'missing signature');
    if (req.body !== undefined && !Buffer.isBuffer(req.body))
      log.error('zalo webhook body was parsed before the channel saw it: the signature cannot be checked');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

    let body: unknown;
    try {
      body = parseZaloJson(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid JSON');
    }
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) throw new HttpError(400, 'not a Zalo event');
    if (!verifyZaloSignature(signature, appId, raw, String(envelope.data.timestamp), oaSecretKey))
      throw refused(log, 'invalid signature');
    const classified = classifyEvent(body);
    if (!classified.ok) {
      log.warn('zalo event refused', { problem: classified.problem });
      throw new HttpError(400, 'invalid event');
    }

    const event = classified.event;
    if (event.kind === 'ignored') {
      log.debug('zalo event ignored', { event: event.name });
      res.status(200).json({ received: true });
      return;
    }
    const key = dedupeKey(event);
    if (!seen.add(key)) {
      log.info('zalo duplicate delivery ignored', { event: event.name });
      res.status(200).json({ received: true });
      return;
    }
    if (!queue.push(event.userId, () => handle(event))) {
      seen.delete(key);
      log.warn('zalo queue full: delivery refused for a later retry', { pending: queue.size });
      throw new HttpError(503, 'busy');
    }
    res.status(200).json({ received: true });
  });
  return router;
}

function dedupeKey(event: ActionableEvent): string {
  return event.kind === 'follow' ? `follow:${event.userId}:${event.timestamp}` : `msg:${event.msgId}`;
}

function refused(log: Logger, reason: string): HttpError {
  log.warn('zalo webhook refused', { reason });
  return new HttpError(401, reason);
}

/**
 * The one error policy of the editor's JSON APIs: a route's async body runs inside `handle`, and
 * whatever it throws becomes a short JSON answer, never a stack trace. A section passes mappers for its
 * own errors (first match wins); then zod errors → 400 naming the field, RevisionError → its status;
 * anything else is logged and answered 500.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { RevisionError } from '../knowledge-store/revisions';
import type { Logger } from '../log';

export interface ApiError {
  status: number;
  body: Record<string, unknown>;
}

/** Turns a known error into its answer; undefined when the error is not this mapper's. */
export type ErrorMapper = (error: unknown) => ApiError | undefined;

export const REVISION_STATUS: Record<RevisionError['code'], number> = {
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  invalid: 400,
};

const zodError: ErrorMapper = (error) => {
  if (!(error instanceof z.ZodError)) return undefined;
  const issue = error.issues[0];
  const field = issue?.path.join('.') ?? '';
  return { status: 400, body: { error: `${field || 'body'}: ${issue?.message ?? 'invalid'}`, field } };
};

const revisionError: ErrorMapper = (error) =>
  error instanceof RevisionError
    ? { status: REVISION_STATUS[error.code], body: { error: error.message } }
    : undefined;

/** A 400 for any of these error classes, with the error's own message. */
export const badRequestFor =
  (...classes: (abstract new (...args: never[]) => Error)[]): ErrorMapper =>
  (error) =>
    classes.some((c) => error instanceof c)
      ? { status: 400, body: { error: (error as Error).message } }
      : undefined;

export function apiHandler(
  log: Logger,
  section: string,
  ...mappers: ErrorMapper[]
): (fn: (req: Request, res: Response) => Promise<void>) => RequestHandler {
  const all = [...mappers, zodError, revisionError];
  return (fn) => async (req, res) => {
    try {
      await fn(req, res);
    } catch (error) {
      for (const map of all) {
        const answer = map(error);
        if (answer) {
          res.status(answer.status).json(answer.body);
          return;
        }
      }
      log.error(`${section} API failed`, { error, path: req.path });
      res.status(500).json({ error: 'internal error' });
    }
  };
}

/**
 * The last express middleware: every error becomes a short JSON body with the right status
 * (413 too large, 400 invalid JSON, 4xx from route errors), details only in logs, never a stack trace.
 */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../log';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = err as BodyParserError;
    let status = err instanceof HttpError ? err.status : (e.status ?? e.statusCode ?? 500);
    let message = err instanceof HttpError ? err.message : 'internal error';
    if (e.type === 'entity.too.large') message = 'request body too large';
    else if (e.type === 'entity.parse.failed') message = 'invalid JSON';
    else if (status >= 400 && status < 500 && !(err instanceof HttpError)) message = 'bad request';
    if (status < 400 || status > 599) status = 500;
    if (status >= 500) log.error('request failed', { method: req.method, path: req.path, error: err });
    res.status(status).json({ error: message });
  };
}

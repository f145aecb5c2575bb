/**
 * Direct Line's error shape, `{ "error": { "code", "message" } }`: DirectLineError (an HttpError, so
 * anything else still gets a sane answer) and the router's error handler, which renders it and the
 * body parser's 400/413 for /v3/directline paths. Everything else goes on to the app's error handler,
 * which logs it and answers without a stack trace.
 */
import type { ErrorRequestHandler } from 'express';
import { HttpError } from '../../src/server/http-errors';

export type DirectLineErrorCode =
  | 'BadArgument'
  | 'Unauthorized'
  | 'Forbidden'
  | 'TokenExpired'
  | 'NotFound'
  | 'MessageSizeTooBig'
  | 'NotImplemented'
  | 'ServiceUnavailable';

export class DirectLineError extends HttpError {
  constructor(
    status: number,
    readonly code: DirectLineErrorCode,
    message: string,
  ) {
    super(status, message);
  }
}

interface BodyParserError {
  type?: string;
}

export function directLineErrors(): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const type = (err as BodyParserError | undefined)?.type;
    let error: DirectLineError | undefined;
    if (err instanceof DirectLineError) error = err;
    else if (type === 'entity.too.large')
      error = new DirectLineError(413, 'MessageSizeTooBig', 'request body too large');
    else if (
      type === 'entity.parse.failed' ||
      type === 'charset.unsupported' ||
      type === 'encoding.unsupported'
    )
      error = new DirectLineError(400, 'BadArgument', 'invalid JSON');
    if (!error) {
      next(err);
      return;
    }
    res.status(error.status).json({ error: { code: error.code, message: error.message } });
  };
}

/**
 * CORS for /v3/directline: Web Chat on the citizen page and on embedders' sites calls with a Bearer
 * token (never cookies), so any origin may call; the request headers DirectLineJS sends
 * (Authorization, Content-Type, x-ms-bot-agent, x-requested-with) are allowed and preflights answered.
 */
import type { RequestHandler } from 'express';

export const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'x-ms-bot-agent', 'x-requested-with'];

export function directLineCors(): RequestHandler {
  return (req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Access-Control-Expose-Headers', 'Retry-After');
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS.join(', '));
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

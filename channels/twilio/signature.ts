/**
 * Checks `X-Twilio-Signature` on every request to the channel's paths with the twilio package: the
 * HMAC covers the URL Twilio called (PUBLIC_BASE_URL + the request's original path and query) and the
 * form parameters. A missing or wrong signature is answered 403 before anything else happens.
 */
import type { RequestHandler } from 'express';
import twilio from 'twilio';
import type { Logger } from '../../src/log';

export function verifyTwilioSignature(authToken: string, publicBaseUrl: string, log: Logger): RequestHandler {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return (req, res, next) => {
    const signature = req.get('x-twilio-signature');
    const params = (req.body ?? {}) as Record<string, unknown>;
    if (!signature || !twilio.validateRequest(authToken, signature, base + req.originalUrl, params)) {
      log.warn('twilio request refused: bad or missing signature', {
        path: req.path,
        signed: Boolean(signature),
      });
      res.status(403).type('text/plain').send('invalid Twilio signature');
      return;
    }
    next();
  };
}

/**
 * GET /metrics in the Prometheus text format, protected: with METRICS_TOKEN set only requests carrying
 * `Authorization: Bearer <token>` get it (401 otherwise); without it only requests from this machine
 * do (403 otherwise). A request counts as local when its socket is loopback and it carries no
 * forwarding header: behind a reverse proxy on the same machine every request arrives from loopback,
 * and X-Forwarded-For is not trusted here (the app's `trust proxy` would let a client claim 127.0.0.1).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { ServerMetrics } from './metrics';

export function metricsRouter(metrics: ServerMetrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (token !== undefined) {
      if (!bearerMatches(req.get('authorization'), token)) {
        res
          .set('WWW-Authenticate', 'Bearer realm="metrics"')
          .status(401)
          .json({ error: 'bearer token required' });
        return;
      }
    } else if (!isLocal(req)) {
      res.status(403).json({ error: 'metrics are served to this machine only; set METRICS_TOKEN' });
      return;
    }
    const text = await metrics.render();
    res.set('Content-Type', metrics.contentType).set('Cache-Control', 'no-store').send(text);
  });
  return router;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

function isLocal(req: Request): boolean {
  const address = req.socket.remoteAddress ?? '';
  const loopback = address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
  return loopback && req.get('x-forwarded-for') === undefined && req.get('forwarded') === undefined;
}

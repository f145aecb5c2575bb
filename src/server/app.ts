/**
 * The express application: metrics, body limits, health, /api/ask, every channel's router, and the
 * JSON error handler last. Built by the composition root (src/main.ts) from parts it is given.
 */
import express, { type Express, type Router } from 'express';
import type { ChannelDeps, MountedChannel } from '../../channels/channel';
import { apiAskRouter } from './api-ask';
import { errorHandler } from './http-errors';
import type { ServerMetrics } from './metrics';
import { metricsRouter } from './metrics-route';

export interface AppParts extends ChannelDeps {
  channels: MountedChannel[];
  health: () => Promise<{ status: 'ok' | 'degraded'; [key: string]: unknown }>;
  /** More routers mounted after the channels (the agent console when a database is set). */
  routers?: Router[];
  /** Prometheus metrics: every request is timed, GET /metrics serves them (metrics-route.ts). */
  metrics?: ServerMetrics;
}

export const BODY_LIMIT = '64kb';

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  if (parts.metrics) {
    app.use(parts.metrics.http());
    app.use(metricsRouter(parts.metrics, parts.config.METRICS_TOKEN));
  }
  app.get('/healthz', async (_req, res) => {
    res.json(await parts.health());
  });
  app.use('/api/ask', express.json({ limit: BODY_LIMIT }));
  app.use(apiAskRouter(parts.bot, parts.adapter));
  for (const channel of parts.channels) app.use(channel.router);
  for (const router of parts.routers ?? []) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(parts.log));
  return app;
}

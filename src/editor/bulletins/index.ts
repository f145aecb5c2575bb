/**
 * The bulletins section of the editor ("Bản tin"): the page GET /editor/bulletins and the JSON API of
 * api.ts. It also runs this process's bulletin scheduler (src/bulletins/scheduler.ts), stopped by
 * close(); channels are reached only through the OutboundRegistry's broadcasters.
 */
import express from 'express';
import { BulletinScheduler } from '../../bulletins/scheduler';
import type { EditorContext, EditorSectionModule } from '..';
import { editorPage } from '../layout';
import { bulletinsApi } from './api';
import { bulletinsBody } from './pages';

export function bulletinsSection(ctx: EditorContext): EditorSectionModule {
  const scheduler = new BulletinScheduler({
    pool: ctx.database.pool,
    outbound: ctx.outbound,
    log: ctx.log,
    now: ctx.now,
  });
  scheduler.start();
  scheduler.kick(); // what fell due while no process ran
  return {
    router() {
      const router = express.Router();
      router.get(
        '/editor/bulletins',
        ctx.guard,
        editorPage({
          title: 'Bản tin',
          section: 'bulletins',
          body: bulletinsBody(),
          scripts: ['bulletins.js'],
        }),
      );
      router.use(bulletinsApi(ctx, scheduler));
      return router;
    },
    close: () => scheduler.close(),
  };
}

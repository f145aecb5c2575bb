/**
 * The stats section of the editor: the page GET /editor/stats (charts drawn by assets/stats.js with
 * Chart.js), Chart.js's UMD build served from node_modules at /editor/assets/vendor/chart.js (no CDN:
 * the editor's CSP is 'self' only), and the JSON and CSV API of api.ts.
 */
import path from 'node:path';
import express from 'express';
import { staticFile } from '../../../channels/webchat/static-file';
import type { EditorContext, EditorSectionModule } from '..';
import { editorPage } from '../layout';
import { statsApi } from './api';
import { statsBody } from './page';

/** Chart.js's browser build (its package exports block resolving dist files directly). */
export const CHART_JS_FILE = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');

export function statsSection(ctx: EditorContext): EditorSectionModule {
  return {
    router() {
      const router = express.Router();
      router.get(
        '/editor/assets/vendor/chart.js',
        staticFile(CHART_JS_FILE, 'application/javascript; charset=utf-8', 86_400),
      );
      router.get(
        '/editor/stats',
        ctx.guard,
        editorPage({
          title: 'Thống kê',
          section: 'stats',
          body: statsBody(),
          scripts: ['vendor/chart.js', 'stats.js'],
        }),
      );
      router.use(statsApi(ctx));
      return router;
    },
  };
}

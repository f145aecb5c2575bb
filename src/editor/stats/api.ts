/**
 * The stats section's API (editor or admin, read only):
 *   GET /editor/api/stats?from=YYYY-MM-DD&to=YYYY-MM-DD → the StatsReport of figures.ts as JSON;
 *   GET /editor/api/stats.csv?from&to&table=daily|procedures|facets|outcomes|csat → one table as a
 *     CSV attachment (text/csv; charset=utf-8, with a BOM: csv.ts).
 * Vietnam days, both inclusive, default the last 30 days, at most 366 (range.ts); a bad range or
 * table is 400 with a short JSON error.
 */
import { apiHandler, badRequestFor } from '../api-handler';
import express, { type Request, type Router } from 'express';
import type { EditorContext } from '..';
import { CSV_TABLES, statsCsv, type CsvTable } from './csv';
import { statsReport, type StatsReport } from './figures';
import { parseRange, StatsRangeError } from './range';

class BadRequest extends Error {}

const isTable = (value: unknown): value is CsvTable =>
  typeof value === 'string' && (CSV_TABLES as readonly string[]).includes(value);

export function statsApi(ctx: EditorContext): Router {
  const router = express.Router();

  const report = (req: Request): Promise<StatsReport> => {
    const range = parseRange({ from: req.query.from, to: req.query.to }, ctx.now());
    return statsReport(ctx.database.pool, range, (id) => ctx.knowledge.engine().guide(id)?.title);
  };

  const handle = apiHandler(ctx.log, 'editor stats', badRequestFor(StatsRangeError, BadRequest));

  router.get(
    '/editor/api/stats',
    ctx.guard,
    handle(async (req, res) => {
      res.set('Cache-Control', 'no-store');
      res.json(await report(req));
    }),
  );

  router.get(
    '/editor/api/stats.csv',
    ctx.guard,
    handle(async (req, res) => {
      const table = req.query.table ?? 'daily';
      if (!isTable(table)) throw new BadRequest(`table: one of ${CSV_TABLES.join(', ')}`);
      const data = await report(req);
      res.set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="thong-ke-${table}-${data.from}-${data.to}.csv"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.send(Buffer.from(statsCsv(data, table), 'utf8'));
    }),
  );

  return router;
}

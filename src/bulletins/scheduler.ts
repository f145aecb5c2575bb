/**
 * The bulletin scheduler: one per process (made by the editor's bulletins section), ticking every
 * `intervalMs` and when kicked (send now). A tick claims due bulletins one at a time — scheduled ones
 * whose time has come, and 'sending' ones whose retry time or lease has come — with
 * `FOR UPDATE SKIP LOCKED`, giving the claimed one a new run_token and a lease (next_run_at = now +
 * leaseMs) in the same statement, so two processes ticking together never claim the same bulletin and
 * a process that died mid-run is taken over once its lease is out. Then it runs it (delivery-run.ts).
 * Ticks of one scheduler never overlap. close() lets the run in progress hand its bulletin back between
 * two sends (due again at once) rather than wait for every recipient. The clock is injected (tests
 * tick by hand).
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { OutboundRegistry } from '../handoff/outbound';
import type { Logger } from '../log';
import { DeliveryRun, type RunOutcome } from './delivery-run';
import { toBulletin } from './store';

export interface SchedulerOptions {
  pool: Pool;
  outbound: OutboundRegistry | undefined;
  log: Logger;
  now: () => Date;
  /** Between ticks (default 30 s). */
  intervalMs?: number;
  /** How long a claim holds a bulletin without renewal (default 10 min). */
  leaseMs?: number;
  /** Bulletins run in one tick at most (default 20). */
  maxPerTick?: number;
}

export interface TickReport {
  id: number;
  outcome: RunOutcome;
}

export class BulletinScheduler {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Ticks queued behind the running one. */
  private waiting = 0;
  private readonly leaseMs: number;

  constructor(private readonly options: SchedulerOptions) {
    this.leaseMs = options.leaseMs ?? 10 * 60 * 1000;
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }

  /** A tick soon, in the background (errors are logged); none added when one is already waiting. */
  kick(): void {
    if (this.closed || this.waiting > 0) return;
    this.tick().catch((error: unknown) => {
      this.options.log.error('bulletin scheduler tick failed', { error });
    });
  }

  /** Runs every due bulletin (after any tick of this scheduler still running); what was run. */
  tick(): Promise<TickReport[]> {
    this.waiting += 1;
    const run = () => {
      this.waiting -= 1;
      return this.runDue();
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private async runDue(): Promise<TickReport[]> {
    const reports: TickReport[] = [];
    const max = this.options.maxPerTick ?? 20;
    while (!this.closed && reports.length < max) {
      const claimed = await this.claim();
      if (!claimed) break;
      const { bulletin, token } = claimed;
      const outcome = await new DeliveryRun(
        {
          pool: this.options.pool,
          outbound: this.options.outbound,
          log: this.options.log,
          now: this.options.now,
          leaseMs: this.leaseMs,
          stopping: () => this.closed,
        },
        bulletin,
        token,
      ).run();
      this.options.log.info('bulletin run', { bulletin: bulletin.id, outcome });
      reports.push({ id: bulletin.id, outcome });
    }
    return reports;
  }

  private async claim() {
    const now = this.options.now();
    const token = randomUUID();
    const { rows } = await this.options.pool.query<Parameters<typeof toBulletin>[0] & { listed: string[] }>(
      `UPDATE bulletins SET status = 'sending', run_token = $2, next_run_at = $3,
         sent_at = COALESCE(sent_at, $1)
       WHERE id = (SELECT id FROM bulletins
                   WHERE status IN ('scheduled', 'sending') AND next_run_at <= $1
                   ORDER BY next_run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, token, new Date(now.getTime() + this.leaseMs)],
    );
    const row = rows[0];
    return row ? { bulletin: { ...toBulletin(row), listed: row.listed }, token } : undefined;
  }
}

/**
 * Bot state that survives a database outage: reads and writes go to PostgreSQL with a short timeout;
 * when it fails or is slow, the conversation's state is served from (and kept in) memory, a warning is
 * logged once per outage, and `healthy()` says degraded. Every write also lands in memory, so the
 * conversation keeps its context across the outage; once PostgreSQL answers again, writes go back to it.
 * An eTag conflict from PostgreSQL is a real answer, not an outage: it is passed on.
 */
import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import type { Logger } from '../log';
import { ETagConflictError } from './postgres-storage';

const TIMEOUT_MS = 800;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class ResilientStorage implements Storage {
  private readonly memory = new MemoryStorage();
  private failing = false;

  constructor(
    private readonly primary: Storage,
    private readonly log: Logger,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  /** False while the last database operation failed. */
  healthy(): boolean {
    return !this.failing;
  }

  async read(keys: string[]): Promise<StoreItems> {
    try {
      const items = await withTimeout(this.primary.read(keys), this.timeoutMs);
      this.recovered();
      return items;
    } catch (err) {
      this.failed(err);
      return this.memory.read(keys);
    }
  }

  async write(changes: StoreItems): Promise<void> {
    const copy: StoreItems = {};
    for (const [key, item] of Object.entries(changes)) copy[key] = { ...(item as object), eTag: '*' };
    await this.memory.write(copy);
    try {
      await withTimeout(this.primary.write(changes), this.timeoutMs);
      this.recovered();
    } catch (err) {
      if (err instanceof ETagConflictError) throw err;
      this.failed(err);
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.memory.delete(keys);
    try {
      await withTimeout(this.primary.delete(keys), this.timeoutMs);
      this.recovered();
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    if (!this.failing)
      this.log.warn('bot state: database unavailable, keeping state in memory', { error: String(err) });
    this.failing = true;
  }

  private recovered(): void {
    if (this.failing) this.log.info('bot state: database available again');
    this.failing = false;
  }
}

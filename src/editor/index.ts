/**
 * The knowledge editor at /editor, mounted by start-server when a database is set. Pages and APIs
 * need the editor or admin role (the shared login of src/auth, `?next=/editor`). Each section of the
 * editor is a folder here exporting a router factory that receives the EditorContext: guides
 * (revisions, review, publishing), inbox (unanswered questions), stats (analytics), bulletins. Adding
 * a section = a folder + one line in SECTIONS + an entry in layout.ts's EDITOR_SECTIONS.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { staticFile } from '../../channels/webchat/static-file';
import { createAuth } from '../auth/middleware';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Engine } from '../engine/engine';
import type { OutboundRegistry } from '../handoff/outbound';
import type { KnowledgeService } from '../knowledge-store/knowledge-service';
import type { Logger } from '../log';
import { bulletinsSection } from './bulletins';
import { guidesSection } from './guides';
import { inboxSection } from './inbox';
import { statsSection } from './stats';

export interface EditorDeps {
  database: Database;
  log: Logger;
  config: Config;
  engine: () => Engine;
  /** Revisions, review and publishing of the knowledge (src/knowledge-store). */
  knowledge: KnowledgeService;
  /** Channel senders (bulletins to Zalo followers, …). */
  outbound?: OutboundRegistry;
  now?: () => Date;
}

export interface EditorContext extends EditorDeps {
  /** requireRole('editor', 'admin'), with the CSRF check on unsafe methods. */
  guard: RequestHandler;
  now: () => Date;
}

export interface EditorSectionModule {
  router(context: EditorContext): Router;
  /** Stops timers (schedulers) on shutdown. */
  close?(): Promise<void>;
}

type SectionFactory = (context: EditorContext) => EditorSectionModule;

const SECTIONS: SectionFactory[] = [guidesSection, inboxSection, statsSection, bulletinsSection];

const ASSETS = path.join(__dirname, 'assets');
const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface KnowledgeEditor {
  router: Router;
  close(): Promise<void>;
}

export function createEditor(deps: EditorDeps): KnowledgeEditor {
  const auth = createAuth({ pool: deps.database.pool, log: deps.log });
  const context: EditorContext = {
    ...deps,
    guard: auth.requireRole('editor', 'admin'),
    now: deps.now ?? (() => new Date()),
  };
  const router = express.Router();
  // Every file of assets/ (a fixed list read at start; no path comes from the request).
  for (const name of readdirSync(ASSETS)) {
    const type = TYPES[path.extname(name)];
    if (type) router.get(`/editor/assets/${name}`, staticFile(path.join(ASSETS, name), type, 300));
  }
  router.get('/editor/login', (_req, res) => res.redirect(303, '/agent/login?next=%2Feditor'));
  const sections = SECTIONS.map((factory) => factory(context));
  for (const section of sections) router.use(section.router(context));
  return {
    router,
    close: async () => {
      await Promise.all(sections.map(async (s) => s.close?.()));
    },
  };
}

/**
 * The inbox section of the editor: the page GET /editor/inbox and the JSON API of api.ts. Unanswered
 * questions are grouped on read (groups.ts); attaching a group to a guide or to an out-of-scope topic
 * makes a draft revision that goes through review and publishing like any other.
 */
import express from 'express';
import type { EditorContext, EditorSectionModule } from '..';
import { editorPage } from '../layout';
import { inboxApi } from './api';
import { inboxBody } from './page';

export function inboxSection(ctx: EditorContext): EditorSectionModule {
  return {
    router() {
      const router = express.Router();
      router.get(
        '/editor/inbox',
        ctx.guard,
        editorPage({
          title: 'Câu hỏi chưa trả lời',
          section: 'inbox',
          body: inboxBody(),
          scripts: ['inbox.js'],
        }),
      );
      router.use(inboxApi(ctx));
      return router;
    },
  };
}

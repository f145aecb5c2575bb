/**
 * The inbox section of the editor: the page GET /editor/inbox and the JSON API of api.ts. Unanswered
 * questions are grouped on read (groups.ts); attaching a group to a guide or to an out-of-scope topic
 * makes a draft revision that goes through review and publishing like any other.
 */
import express from 'express';
import { officer } from '../../auth/middleware';
import type { EditorContext, EditorSectionModule } from '..';
import { sendEditorPage } from '../layout';
import { inboxApi } from './api';
import { inboxBody } from './page';

export function inboxSection(ctx: EditorContext): EditorSectionModule {
  return {
    router() {
      const router = express.Router();
      router.get('/editor/inbox', ctx.guard, (req, res) => {
        sendEditorPage(res, {
          title: 'Câu hỏi chưa trả lời',
          section: 'inbox',
          username: officer(req)!.username,
          body: inboxBody(),
          scripts: ['inbox.js'],
        });
      });
      router.use(inboxApi(ctx));
      return router;
    },
  };
}

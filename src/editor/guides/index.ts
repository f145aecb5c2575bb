/**
 * The guides section of the editor: the pages GET /editor (list) and GET /editor/edit?path= (edit),
 * and the JSON API of api.ts. Revisions, review and publishing live in src/knowledge-store.
 */
import express from 'express';
import { officer } from '../../auth/middleware';
import { isKnowledgePath } from '../../knowledge-store/validate-file';
import type { EditorContext, EditorSectionModule } from '..';
import { editorPage, sendEditorPage } from '../layout';
import { guidesApi } from './api';
import { editBody, listBody } from './pages';

export function guidesSection(ctx: EditorContext): EditorSectionModule {
  return {
    router() {
      const router = express.Router();
      router.get(
        '/editor',
        ctx.guard,
        editorPage({
          title: 'Hướng dẫn thủ tục',
          section: 'guides',
          body: listBody(),
          scripts: ['guides.js'],
        }),
      );
      router.get('/editor/edit', ctx.guard, (req, res) => {
        const path = typeof req.query.path === 'string' ? req.query.path : '';
        if (!isKnowledgePath(path)) {
          res.status(404).json({ error: 'unknown knowledge file' });
          return;
        }
        sendEditorPage(res, {
          title: 'Sửa nội dung',
          section: 'guides',
          username: officer(req)!.username,
          body: editBody(path),
          scripts: ['guide-edit.js'],
        });
      });
      router.use(guidesApi(ctx));
      return router;
    },
  };
}

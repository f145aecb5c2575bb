/**
 * The editor's page frame: one HTML shell per page (Vietnamese, escaped, no inline script or style,
 * the console's 'self'-only CSP), a navigation bar between the editor's sections, and the page's own
 * script from /editor/assets. Each section's page module fills `body` and names its script.
 */
import type { RequestHandler, Response } from 'express';
import { officer } from '../auth/middleware';
import { escapeHtml, setConsoleHeaders } from '../console/pages';

export const EDITOR_SECTIONS = [
  { id: 'guides', path: '/editor', label: 'Hướng dẫn thủ tục' },
  { id: 'inbox', path: '/editor/inbox', label: 'Câu hỏi chưa trả lời' },
  { id: 'stats', path: '/editor/stats', label: 'Thống kê' },
  { id: 'bulletins', path: '/editor/bulletins', label: 'Bản tin' },
] as const;
export type EditorSection = (typeof EDITOR_SECTIONS)[number]['id'];

export interface EditorPage {
  title: string;
  section: EditorSection;
  username: string;
  /** Trusted HTML: build it with escapeHtml for every value. */
  body: string;
  /** Script file names under /editor/assets, loaded at the end of the body in this order. */
  scripts: string[];
}

export function renderEditorPage(page: EditorPage): string {
  const nav = EDITOR_SECTIONS.map(
    (s) =>
      `<a href="${s.path}"${s.id === page.section ? ' aria-current="page"' : ''}>${escapeHtml(s.label)}</a>`,
  ).join('');
  const scripts = ['common.js', ...page.scripts]
    .map((name) => `<script src="/editor/assets/${escapeHtml(name)}"></script>`)
    .join('\n');
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} – Trợ lý Tư pháp</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/editor/assets/editor.css">
</head>
<body>
<header><h1>Biên tập nội dung</h1><nav>${nav}</nav><span id="me">${escapeHtml(page.username)}</span></header>
<main id="main">
${page.body}
</main>
${scripts}
</body>
</html>
`;
}

export function sendEditorPage(res: Response, page: EditorPage): void {
  setConsoleHeaders(res);
  res.type('html').send(renderEditorPage(page));
}

/** The handler of a section's page (behind the section's guard, so an officer is logged in). */
export function editorPage(page: Omit<EditorPage, 'username'>): RequestHandler {
  return (req, res) => sendEditorPage(res, { ...page, username: officer(req)!.username });
}

/**
 * The console's two HTML pages, in Vietnamese, every text escaped, no inline script or style: the
 * login form (posts to the existing POST /agent/login) and the console shell that assets/console.js
 * fills from the JSON API. Both go out with a Content-Security-Policy of 'self' only.
 */
import type { Response } from 'express';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setConsoleHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on the login form's
    // POST, which the login's cross-site check refuses.
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  });
}

/** The start of every console page: its title and stylesheets (console.css first). */
export const head = (title: string, stylesheets: string[] = []): string => `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/agent/assets/console.css">
${stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n')}
</head>`;

export function renderLoginPage(options: { error?: boolean; next?: string } = {}): string {
  return `${head('Đăng nhập – Bàn làm việc cán bộ')}
<body class="login">
<main>
<h1>Trợ lý Tư pháp – Bàn làm việc cán bộ</h1>
${options.error ? `<p class="error" role="alert">${escapeHtml('Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang bị khóa tạm thời.')}</p>` : ''}
<form method="post" action="/agent/login">
${options.next ? `<input type="hidden" name="next" value="${escapeHtml(options.next)}">` : ''}
<label for="username">Tên đăng nhập</label>
<input id="username" name="username" autocomplete="username" required maxlength="64">
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
<button type="submit">Đăng nhập</button>
</form>
</main>
</body>
</html>
`;
}

export const CLOSE_REASON_OPTIONS = ['đã giải đáp', 'chuyển cơ quan khác', 'không liên lạc được', 'khác'];

export function renderConsolePage(username: string, view: { supervisor?: boolean } = {}): string {
  const options = CLOSE_REASON_OPTIONS.map(
    (r) => `<option value="${escapeHtml(r)}">${escapeHtml(r)}</option>`,
  ).join('');
  return `${head('Bàn làm việc cán bộ – Trợ lý Tư pháp')}
<body>
<header><h1>Bàn làm việc cán bộ</h1>${view.supervisor ? '<a id="supervisor-link" href="/agent/supervisor">Giám sát</a>' : ''}<span id="me">${escapeHtml(username)}</span>
<span id="live" class="live">Đang kết nối…</span></header>
<div class="layout">
<section class="queue"><h2>Hàng chờ</h2><ul id="queue"></ul><p id="queue-empty">Không có cuộc trò chuyện nào đang chờ.</p></section>
<section class="conversation" id="conversation" hidden>
<h2 id="conv-title"></h2>
<p id="conv-meta"></p>
<div class="actions"><button id="claim" type="button">Nhận</button>
<button id="answer-call" type="button" hidden>Nhận cuộc gọi</button>
<button id="to-bot" type="button">Trả lại bot</button>
<label for="close-reason">Lý do đóng</label><select id="close-reason">${options}</select>
<button id="close" type="button">Đóng</button></div>
<ol id="transcript"></ol>
<form id="reply-form"><label for="reply">Trả lời công dân</label>
<textarea id="reply" rows="5" maxlength="4000"></textarea>
<button id="send" type="submit">Gửi</button></form>
<p id="status" role="status"></p>
</section>
<aside class="suggestions"><h2>Gợi ý trả lời</h2><p id="sugg-question"></p><ul id="suggestions"></ul></aside>
</div>
<script src="/agent/assets/console-common.js"></script>
<script src="/agent/assets/console.js"></script>
</body>
</html>
`;
}

/**
 * The citizen page's HTML: a title bar with a "Gặp cán bộ" button, the box Web Chat renders into, and
 * the two scripts (the Web Chat bundle, then chat.js). Every text goes through escapeHtml; the page
 * holds no secret (chat.js asks /v3/directline/tokens/generate for a token) and no inline script or
 * style, so the Content-Security-Policy needs neither. URLs are relative, so a path prefix in front
 * of the server keeps working.
 */

export interface PageTexts {
  title: string;
  heading: string;
  subheading: string;
  placeholder: string;
  handoff: string;
  handoffLabel: string;
  loading: string;
  connectFailed: string;
  expired: string;
  retry: string;
  noScript: string;
}

export const TEXTS: PageTexts = {
  title: 'Trợ lý Tư pháp – Sở Tư pháp Nghệ An',
  heading: 'Trợ lý Tư pháp',
  subheading: 'Sở Tư pháp Nghệ An',
  placeholder: 'Nhập câu hỏi, ví dụ: làm giấy khai sinh cần gì',
  handoff: 'Gặp cán bộ',
  handoffLabel: 'Gặp cán bộ: chuyển cuộc trò chuyện cho cán bộ tổng đài',
  loading: 'Đang kết nối…',
  connectFailed: 'Chưa kết nối được tới Trợ lý. Anh/chị vui lòng kiểm tra mạng và thử lại.',
  expired: 'Phiên trò chuyện đã hết hạn. Anh/chị vui lòng tải lại trang để tiếp tục.',
  retry: 'Thử lại',
  noScript: 'Trang này cần bật JavaScript để trò chuyện với Trợ lý Tư pháp.',
};

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

export function renderPage(nonce: string, texts: PageTexts = TEXTS): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#0b4f8a">
<title>${e(texts.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="webchat/chat.css">
<script src="webchat/webchat.js" defer></script>
<script src="webchat/chat.js" defer nonce="${e(nonce)}"></script>
</head>
<body>
<header class="bar">
<h1 class="title">${e(texts.heading)} <span class="subtitle">– ${e(texts.subheading)}</span></h1>
<button type="button" id="handoff" class="handoff" aria-label="${e(texts.handoffLabel)}" disabled>${e(texts.handoff)}</button>
</header>
<main id="webchat" class="chat" aria-label="${e(texts.title)}"
 data-placeholder="${e(texts.placeholder)}"
 data-handoff="${e(texts.handoff)}"
 data-connect-failed="${e(texts.connectFailed)}"
 data-expired="${e(texts.expired)}"
 data-retry="${e(texts.retry)}"></main>
<div id="status" class="status" role="status" aria-live="polite">${e(texts.loading)}</div>
<noscript><p class="status">${e(texts.noScript)}</p></noscript>
</body>
</html>
`;
}

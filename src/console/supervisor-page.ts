/**
 * The supervisor page GET /agent/supervisor, in Vietnamese, every text escaped, no inline script or
 * style (CSP 'self', the console's headers): the shell that assets/supervisor.js fills from
 * GET /agent/api/supervisor/overview. `supervisorPage` goes after the console's officer guard (which
 * sends anonymous visitors to the login page) and answers 403 with a short page to an officer who is
 * neither supervisor nor admin.
 */
import type { RequestHandler } from 'express';
import { officer } from '../auth/middleware';
import type { Role } from '../auth/users';
import { escapeHtml, head, setConsoleHeaders } from './pages';

export const SUPERVISOR_ROLES: readonly Role[] = ['supervisor', 'admin'];

export const isSupervisor = (roles: readonly Role[]): boolean =>
  roles.some((r) => SUPERVISOR_ROLES.includes(r));

const supervisorHead = (title: string) => head(title, ['/agent/assets/supervisor.css']);

export function renderSupervisorPage(username: string): string {
  return `${supervisorHead('Giám sát hàng chờ – Trợ lý Tư pháp')}
<body class="supervisor">
<header><h1>Giám sát hàng chờ</h1>
<a href="/agent">Bàn làm việc</a>
<span id="me">${escapeHtml(username)}</span>
<span id="live" class="live">Đang kết nối…</span>
<span id="updated" class="live"></span></header>
<main>
<section class="figures" aria-label="Số liệu trực tiếp"><ul id="figures"></ul></section>
<p id="status" role="status"></p>
<section><h2>Đang chờ (<span id="queued-count">0</span>)</h2>
<table id="queued-table"><thead><tr><th>#</th><th>Kênh</th><th>Ưu tiên</th><th>Lý do</th><th>Chờ</th><th>Cuộc trò chuyện</th><th>Chuyển cho</th></tr></thead>
<tbody id="queued"></tbody></table>
<p id="queued-empty">Không có ai đang chờ.</p></section>
<section><h2>Đang được phục vụ (<span id="assigned-count">0</span>)</h2>
<table id="assigned-table"><thead><tr><th>Cán bộ</th><th>Kênh</th><th>Nhận lúc</th><th>Đã phục vụ</th><th>Lý do</th><th>Cuộc trò chuyện</th><th>Chuyển cho</th></tr></thead>
<tbody id="assigned"></tbody></table>
<p id="assigned-empty">Chưa có cuộc trò chuyện nào được nhận.</p></section>
</main>
<script src="/agent/assets/console-common.js"></script>
<script src="/agent/assets/supervisor.js"></script>
</body>
</html>
`;
}

export function renderForbiddenPage(): string {
  return `${supervisorHead('Không có quyền – Trợ lý Tư pháp')}
<body class="login">
<main>
<h1>Không có quyền truy cập</h1>
<p>Trang giám sát chỉ dành cho giám sát viên và quản trị viên.</p>
<p><a href="/agent">Quay lại bàn làm việc</a></p>
</main>
</body>
</html>
`;
}

/** GET /agent/supervisor, after the console's officer guard. */
export const supervisorPage: RequestHandler = (req, res) => {
  const me = officer(req)!;
  setConsoleHeaders(res);
  if (!isSupervisor(me.roles)) {
    res.status(403).type('html').send(renderForbiddenPage());
    return;
  }
  res.type('html').send(renderSupervisorPage(me.username));
};

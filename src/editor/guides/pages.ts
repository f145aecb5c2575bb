/**
 * The guides section's two pages (bodies inside the editor frame of ../layout.ts): the list of
 * knowledge files with search and the revisions waiting for review, and the edit page (form for a
 * guide, text for a YAML file, live validation, preview, revisions, diff, review and rollback), both
 * filled by their scripts from the JSON API.
 */
import { escapeHtml } from '../../console/pages';

export function listBody(): string {
  return `<section>
<h2>Hướng dẫn thủ tục và tệp nội dung</h2>
<label for="search">Tìm hướng dẫn</label>
<input id="search" type="search" placeholder="Ví dụ: khai sinh, lệ phí kết hôn…" autocomplete="off">
<p id="version" class="muted"></p>
<table><thead><tr><th>Tệp</th><th>Ngày rà soát</th><th>Bản đang dùng</th><th>Đang chờ</th></tr></thead>
<tbody id="files"></tbody></table>
</section>
<section>
<h2>Bản nháp và bản chờ duyệt</h2>
<table><thead><tr><th>Bản</th><th>Tệp</th><th>Trạng thái</th><th>Người soạn</th><th>Cập nhật</th></tr></thead>
<tbody id="pending"></tbody></table>
</section>
<section>
<h2>Thêm hướng dẫn</h2>
<form id="new-guide" class="grid2">
<div><label for="new-id">Mã hướng dẫn (nhóm/tên, ví dụ ho-tich/khai-sinh)</label>
<input id="new-id" type="text" pattern="[a-z0-9-]+/[a-z0-9-]+" required></div>
<div><label for="tthc-file">Nhập từ bản ghi CSDL quốc gia về TTHC (tệp JSON, không bắt buộc)</label>
<input id="tthc-file" type="file" accept="application/json,.json"></div>
<div><button type="submit">Tạo bản nháp</button></div>
</form>
<p id="new-status" role="status"></p>
</section>
<section id="problems-box" hidden><h2>Tệp đang bị từ chối khi nạp</h2><ul id="problems"></ul></section>`;
}

export function editBody(path: string): string {
  return `<section>
<h2 id="title">${escapeHtml(path)}</h2>
<p id="state" class="muted"></p>
<form id="editor-form" data-path="${escapeHtml(path)}" novalidate></form>
<h3>Hiệu lực</h3>
<div class="grid2">
<div><label for="effective-from">Có hiệu lực từ (giờ Việt Nam, để trống = ngay khi xuất bản)</label>
<input id="effective-from" type="datetime-local"></div>
<div><label for="effective-until">Hết hiệu lực lúc (để trống = không hạn)</label>
<input id="effective-until" type="datetime-local"></div>
</div>
<label for="note">Ghi chú thay đổi</label>
<input id="note" type="text" maxlength="2000">
<div>
<button type="button" id="save">Lưu bản nháp</button>
<button type="button" id="submit">Gửi duyệt</button>
<button type="button" id="approve" hidden>Duyệt và xuất bản</button>
<button type="button" id="reject" hidden>Từ chối</button>
</div>
<p id="status" role="status"></p>
<div id="checks" aria-live="polite"></div>
<div id="gate"></div>
</section>
<section>
<h2>Xem thử câu trả lời với bản đang sửa</h2>
<label for="question">Câu hỏi của người dân</label>
<input id="question" type="text" maxlength="1000" placeholder="Ví dụ: làm giấy khai sinh cần gì">
<button type="button" id="preview">Xem thử</button>
<div id="preview-answer" class="diff"></div>
</section>
<section>
<h2>Các bản</h2>
<table><thead><tr><th>Bản</th><th>Trạng thái</th><th>Người soạn</th><th>Người duyệt</th><th>Thời điểm</th><th>Hiệu lực</th><th>Ghi chú</th><th></th></tr></thead>
<tbody id="revisions"></tbody></table>
<div class="grid2">
<div><label for="diff-from">So sánh bản</label><select id="diff-from"></select></div>
<div><label for="diff-to">với bản</label><select id="diff-to"></select></div>
</div>
<button type="button" id="diff-any">So sánh</button>
<div id="diff" class="diff"></div>
</section>`;
}

/**
 * The inbox page's body (inside the editor frame of ../layout.ts): the date range, the groups of
 * unanswered questions (filled by assets/inbox.js from the JSON API), the dialog to attach a group to a
 * guide or to an out-of-scope topic, and the groups handled lately (with "Mở lại").
 */
export function inboxBody(): string {
  return `<section>
<h2>Câu hỏi chưa trả lời được</h2>
<p class="muted">Câu hỏi người dân mà trợ lý chưa trả lời được (không hiểu, phải hỏi lại, từ chối vì ngoài phạm vi,
chuyển cán bộ, độ tin cậy thấp) hoặc bị người dân đánh giá “chưa đúng”, gộp theo câu hỏi giống nhau. Số điện thoại, số căn cước đã được che.</p>
<form id="range" class="grid2">
<div><label for="from">Từ ngày</label><input id="from" name="from" type="date"></div>
<div><label for="to">Đến ngày</label><input id="to" name="to" type="date"></div>
</form>
<button type="button" id="reload">Xem</button>
<p id="summary" class="muted" role="status"></p>
<div id="groups"></div>
</section>
<section id="action" hidden aria-labelledby="action-title">
<h2 id="action-title">Gắn vào hướng dẫn</h2>
<p id="action-group" class="muted"></p>
<div id="target-guide">
<label for="guide">Hướng dẫn</label>
<select id="guide"></select>
</div>
<div id="target-topic" hidden>
<label for="topic">Chủ đề ngoài phạm vi</label>
<select id="topic"></select>
</div>
<fieldset>
<legend>Câu hỏi thêm vào ví dụ</legend>
<div id="questions"></div>
</fieldset>
<label for="action-note">Ghi chú thay đổi</label>
<input id="action-note" type="text" maxlength="2000">
<div>
<button type="button" id="action-save">Tạo bản nháp</button>
<button type="button" id="action-cancel">Huỷ</button>
</div>
<p id="action-status" role="status"></p>
</section>
<section>
<h2>Đã xử lý gần đây</h2>
<table><thead><tr><th>Câu hỏi</th><th>Xử lý</th><th>Bản nháp</th><th>Người xử lý</th><th>Lúc</th><th></th></tr></thead>
<tbody id="resolved"></tbody></table>
</section>`;
}

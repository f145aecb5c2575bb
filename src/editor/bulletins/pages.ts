/**
 * The bulletins page (a body inside the editor frame of ../layout.ts): the form to write a bulletin
 * with live character counts, its channels, when it shows in the web chat welcome and when it is sent
 * (Vietnam time), the list of bulletins, and one bulletin's delivery results. Filled and driven by
 * assets/bulletins.js from the JSON API (api.ts).
 */
import { escapeHtml } from '../../console/pages';
import { BODY_MAX, DEFAULT_SHOW_DAYS, LINK_MAX, TITLE_MAX } from '../../bulletins/limits';

export function bulletinsBody(): string {
  return `<section>
<h2 id="form-title">Soạn bản tin mới</h2>
<form id="bulletin-form" novalidate>
<label for="title">Tiêu đề (một dòng)</label>
<input id="title" type="text" autocomplete="off" data-max="${TITLE_MAX}" placeholder="Ví dụ: Từ 01/7, đăng ký khai sinh trực tuyến trên VNeID">
<p id="title-count" class="muted" aria-live="polite"></p>
<label for="body">Nội dung</label>
<textarea id="body" rows="6" data-max="${BODY_MAX}"></textarea>
<p id="body-count" class="muted" aria-live="polite"></p>
<label for="link">Liên kết đọc thêm (không bắt buộc, tối đa ${LINK_MAX} ký tự)</label>
<input id="link" type="text" inputmode="url" autocomplete="off" placeholder="https://">
<fieldset>
<legend>Gửi đến</legend>
<label><input type="checkbox" name="channel" value="webchat" checked> Lời chào trên web chat (một dòng “Tin mới” với tiêu đề và liên kết)</label>
<label><input type="checkbox" name="channel" value="zalo"> Người quan tâm Zalo OA (tin truyền thông)</label>
<p id="zalo-off" class="muted" hidden>Kênh Zalo chưa được cấu hình trên máy chủ này.</p>
</fieldset>
<div class="grid2">
<div><label for="show-until">Hiện trong lời chào web chat đến (giờ Việt Nam; để trống = ${escapeHtml(String(DEFAULT_SHOW_DAYS))} ngày sau khi gửi)</label>
<input id="show-until" type="datetime-local"></div>
<div><label for="at">Thời điểm gửi (giờ Việt Nam)</label>
<input id="at" type="datetime-local"></div>
</div>
<div>
<button type="button" id="save">Lưu bản nháp</button>
<button type="button" id="schedule">Lên lịch gửi</button>
<button type="button" id="send-now">Gửi ngay</button>
<button type="button" id="new">Soạn bản mới</button>
</div>
<p id="status" role="status"></p>
</form>
<p class="muted">Bản tin không cần duyệt: biên tập viên lên lịch là bản tin được gửi đúng giờ. Zalo không nhận tin truyền thông từ 22:00 đến 06:00 và giới hạn số tin mỗi người quan tâm nhận được (thường 1 tin mỗi ngày); khi gặp giới hạn, phần còn lại được gửi lại lúc 08:00.</p>
</section>
<section>
<h2>Các bản tin</h2>
<table><thead><tr><th>Bản tin</th><th>Kênh</th><th>Trạng thái</th><th>Gửi lúc</th><th>Kết quả</th><th></th></tr></thead>
<tbody id="bulletins"></tbody></table>
</section>
<section id="results-box" hidden>
<h2 id="results-title">Kết quả gửi</h2>
<div id="results" aria-live="polite"></div>
</section>`;
}

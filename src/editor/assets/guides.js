/* The editor's list of knowledge files: search, live revision, pending revisions (GET /editor/api/files). */
(function () {
  'use strict';
  const { get, el } = window.editorApi;
  const STATUS = {
    draft: 'Bản nháp',
    in_review: 'Chờ duyệt',
    published: 'Đã xuất bản',
    rejected: 'Bị từ chối',
  };
  const editLink = (path, text, revision) =>
    el(
      'a',
      { href: '/editor/edit?path=' + encodeURIComponent(path) + (revision ? '&revision=' + revision : '') },
      text,
    );
  let timer;
  async function load() {
    const q = document.getElementById('search').value.trim();
    const data = await get('/editor/api/files' + (q ? '?q=' + encodeURIComponent(q) : ''));
    document.getElementById('version').textContent = 'Phiên bản nội dung đang dùng: ' + data.version;
    const files = document.getElementById('files');
    files.replaceChildren(
      ...data.files.map((f) =>
        el(
          'tr',
          { 'data-path': f.path },
          el('td', {}, editLink(f.path, f.title), el('div', { class: 'muted' }, f.path)),
          el('td', {}, f.reviewed || ''),
          el('td', {}, f.revision ? '#' + f.revision : ''),
          el(
            'td',
            {},
            f.pending
              .map((p) => el('span', { class: 'badge' }, '#' + p.id + ' ' + STATUS[p.status] + ' '))
              .flat(),
          ),
        ),
      ),
    );
    document
      .getElementById('pending')
      .replaceChildren(
        ...data.pending.map((p) =>
          el(
            'tr',
            {},
            el('td', {}, editLink(p.path, '#' + p.id, p.id)),
            el('td', {}, p.path),
            el('td', {}, STATUS[p.status]),
            el('td', {}, p.author),
            el('td', {}, new Date(p.updatedAt).toLocaleString('vi-VN')),
          ),
        ),
      );
    const box = document.getElementById('problems-box');
    box.hidden = data.problems.length === 0;
    document
      .getElementById('problems')
      .replaceChildren(...data.problems.map((p) => el('li', {}, p.file + ': ' + p.reason)));
  }
  document.getElementById('new-guide').addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = document.getElementById('new-id').value.trim();
    const status = document.getElementById('new-status');
    if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(id)) {
      status.textContent = 'Mã phải có dạng nhóm/tên, chữ thường không dấu, ví dụ ho-tich/khai-sinh.';
      return;
    }
    const path = 'guides/' + id + '.md';
    const file = document.getElementById('tthc-file').files[0];
    if (!file) {
      location.href = '/editor/edit?path=' + encodeURIComponent(path);
      return;
    }
    try {
      const record = JSON.parse(await file.text());
      const draft = await window.editorApi.post('/editor/api/import-tthc', { id, record });
      location.href = '/editor/edit?path=' + encodeURIComponent(draft.path) + '&revision=' + draft.id;
    } catch (e) {
      status.textContent = 'Không nhập được: ' + e.message;
    }
  });
  document.getElementById('search').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load().catch(console.error), 250);
  });
  load().catch((e) => {
    document.getElementById('version').textContent = 'Không tải được danh sách: ' + e.message;
  });
})();

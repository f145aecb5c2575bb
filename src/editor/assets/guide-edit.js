/* The edit page of one knowledge file: a form for a guide (a text area for a YAML file), live
 * validation with the server's schema, preview, draft / review / publish, revisions, diff, rollback. */
(function () {
  'use strict';
  const { get, post, put, el, session } = window.editorApi;
  const form = document.getElementById('editor-form');
  const path = form.dataset.path;
  const isGuide = path.startsWith('guides/');
  const params = new URLSearchParams(location.search);
  const STATUS = {
    draft: 'Bản nháp',
    in_review: 'Chờ duyệt',
    published: 'Đã xuất bản',
    rejected: 'Bị từ chối',
  };
  const FACETS = [
    ['overview', 'Tổng quan'],
    ['documents', 'Giấy tờ cần nộp'],
    ['fee', 'Lệ phí'],
    ['processing_time', 'Thời gian giải quyết'],
    ['authority', 'Nơi nộp'],
    ['online_steps', 'Nộp trực tuyến'],
    ['eligibility', 'Điều kiện (nếu có)'],
    ['legal_basis', 'Căn cứ pháp lý'],
    ['result', 'Kết quả'],
  ];
  const EN = [
    ['title', 'Tên (tiếng Anh)'],
    ['overview', 'Tổng quan (tiếng Anh)'],
    ['documents', 'Giấy tờ (tiếng Anh)'],
    ['fee', 'Lệ phí (tiếng Anh)'],
    ['authority', 'Nơi nộp (tiếng Anh)'],
    ['processing_time', 'Thời gian giải quyết (tiếng Anh, nếu có)'],
    ['online_steps', 'Nộp trực tuyến (tiếng Anh, nếu có)'],
    ['eligibility', 'Điều kiện (tiếng Anh, nếu có)'],
    ['legal_basis', 'Căn cứ pháp lý (tiếng Anh, nếu có)'],
    ['result', 'Kết quả (tiếng Anh, nếu có)'],
  ];
  const LISTS = [
    ['aliases', 'Tên gọi khác (mỗi dòng một tên)'],
    ['examples', 'Câu hỏi mẫu của người dân (mỗi dòng một câu, ít nhất 15)'],
    ['related', 'Thủ tục liên quan (mã, mỗi dòng một mã)'],
    ['procedure_codes', 'Mã thủ tục trên Cơ sở dữ liệu quốc gia (mỗi dòng một mã)'],
  ];
  let revision = null; // the revision shown (draft, in review…), or null for a new draft from the live text
  let me = null;

  function field(name, label, control) {
    return el(
      'div',
      { 'data-field': name },
      el('label', { for: 'f-' + name }, label),
      control,
      el('div', { class: 'field-error' }),
    );
  }
  const input = (name, type) => el('input', { id: 'f-' + name, name, type: type || 'text' });
  const area = (name, rows) => el('textarea', { id: 'f-' + name, name, rows: rows || 4 });

  function buildForm() {
    if (!isGuide) {
      form.append(field('source', 'Nội dung tệp (YAML)', area('source', 30)));
      return;
    }
    form.append(
      field('title', 'Tên thủ tục', input('title')),
      field('reviewed', 'Ngày rà soát', input('reviewed', 'date')),
      field('online_url', 'Địa chỉ nộp trực tuyến', input('online_url', 'url')),
      field('sources', 'Nguồn pháp lý (mỗi dòng: tên | địa chỉ nếu có)', area('sources', 5)),
      ...LISTS.map(([name, label]) => field(name, label, area(name, name === 'examples' ? 10 : 3))),
      ...FACETS.map(([facet, label]) => field('facets.' + facet, label, area('facets.' + facet, 6))),
      ...EN.map(([key, label]) => field('en.' + key, label, area('en.' + key, 3))),
    );
  }
  const value = (name) => (form.elements.namedItem(name) || { value: '' }).value;
  const set = (name, v) => {
    const node = form.elements.namedItem(name);
    if (node) node.value = v == null ? '' : v;
  };
  const lines = (name) =>
    value(name)
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);

  function fill(guide, source) {
    if (!isGuide) return set('source', source);
    if (!guide) {
      setStatus('Bản này không đọc được thành biểu mẫu; sửa lại từng trường rồi lưu.', true);
      return;
    }
    set('title', guide.title);
    set('reviewed', guide.reviewed);
    set('online_url', guide.online_url);
    set('sources', (guide.sources || []).map((s) => (s.url ? s.title + ' | ' + s.url : s.title)).join('\n'));
    for (const [name] of LISTS) set(name, (guide[name] || []).join('\n'));
    for (const [facet] of FACETS) set('facets.' + facet, (guide.facets || {})[facet]);
    for (const [key] of EN) set('en.' + key, (guide.en || {})[key]);
    extraEn = Object.fromEntries(Object.entries(guide.en || {}).filter(([k]) => !EN.some(([e]) => e === k)));
    guideId = guide.id;
  }
  let extraEn = {};
  let guideId = path.replace(/^guides\//, '').replace(/\.md$/, '');

  function content() {
    if (!isGuide) return { path, source: value('source') };
    const facets = {};
    for (const [facet] of FACETS)
      if (value('facets.' + facet).trim()) facets[facet] = value('facets.' + facet);
    const en = { ...extraEn };
    for (const [key] of EN) if (value('en.' + key).trim()) en[key] = value('en.' + key);
    const guide = {
      id: guideId,
      title: value('title'),
      reviewed: value('reviewed'),
      sources: lines('sources').map((l) => {
        const [title, url] = l.split('|').map((s) => s.trim());
        return url ? { title, url } : { title };
      }),
      en,
      facets,
    };
    for (const [name] of LISTS) guide[name] = lines(name);
    if (value('online_url').trim()) guide.online_url = value('online_url').trim();
    return { path, guide };
  }

  function setStatus(text, bad) {
    const node = document.getElementById('status');
    node.textContent = text;
    node.className = bad ? 'error' : 'ok';
  }

  function showProblems(problems) {
    for (const node of form.querySelectorAll('.field-error')) node.textContent = '';
    const box = document.getElementById('checks');
    if (problems.length === 0) {
      box.replaceChildren(el('p', { class: 'ok' }, 'Hợp lệ: không có lỗi.'));
      return;
    }
    box.replaceChildren(
      el('p', { class: 'invalid' }, 'Chưa hợp lệ:'),
      el(
        'ul',
        {},
        problems.map((p) => el('li', { class: 'invalid' }, (p.field ? p.field + ': ' : '') + p.reason)),
      ),
    );
    for (const p of problems) {
      const name = (p.field || '').split('.').slice(0, 2).join('.');
      const slot =
        form.querySelector('[data-field="' + name + '"] .field-error') ||
        form.querySelector('[data-field="' + name.split('.')[0] + '"] .field-error');
      if (slot) slot.textContent = p.reason;
    }
  }

  let checkTimer;
  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => {
      post('/editor/api/check', content())
        .then((r) => showProblems(r.problems))
        .catch((e) => setStatus(e.message, true));
    }, 400);
  }

  // datetime-local in Vietnam time ↔ ISO with +07:00
  const toIso = (v) => (v ? v + ':00+07:00' : null);
  const fromIso = (v) => {
    if (!v) return '';
    const d = new Date(new Date(v).getTime() + 7 * 3600 * 1000);
    return d.toISOString().slice(0, 16);
  };
  const fmt = (v) => (v ? new Date(v).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '');

  function draftBody() {
    return {
      ...content(),
      note: document.getElementById('note').value,
      effectiveFrom: toIso(document.getElementById('effective-from').value),
      effectiveUntil: toIso(document.getElementById('effective-until').value),
    };
  }

  async function save() {
    if (
      revision &&
      revision.author === me.username &&
      (revision.status === 'draft' || revision.status === 'rejected')
    ) {
      const r = await put('/editor/api/revisions/' + revision.id, draftBody());
      showProblems(r.problems);
      await openRevision(revision.id);
    } else {
      const r = await post('/editor/api/revisions', draftBody());
      showProblems(r.problems);
      history.replaceState(null, '', '/editor/edit?path=' + encodeURIComponent(path) + '&revision=' + r.id);
      await openRevision(r.id);
    }
    setStatus('Đã lưu bản nháp #' + revision.id + '.');
  }

  function showGate(gate) {
    const box = document.getElementById('gate');
    if (!gate) return box.replaceChildren();
    const rows = gate.sets.map((s) =>
      el('li', {}, s.name + ': ' + s.before + ' → ' + s.after + ' / ' + s.total + ' câu đúng'),
    );
    const broken = gate.broken.map((b) =>
      el(
        'tr',
        {},
        el('td', {}, b.set),
        el('td', {}, b.text),
        el('td', {}, b.expected),
        el('td', {}, b.after),
      ),
    );
    box.replaceChildren(
      el(
        'h3',
        {},
        gate.passed ? 'Kiểm tra trước khi xuất bản: đạt' : 'Kiểm tra trước khi xuất bản: không đạt',
      ),
      el(
        'ul',
        { class: gate.passed ? 'ok' : 'error' },
        gate.reasons.map((r) => el('li', {}, r)),
      ),
      el('ul', {}, rows),
      broken.length
        ? el(
            'table',
            { id: 'broken' },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                el('th', {}, 'Bộ'),
                el('th', {}, 'Câu hỏi bị hỏng'),
                el('th', {}, 'Cần'),
                el('th', {}, 'Bot sẽ trả lời'),
              ),
            ),
            el('tbody', {}, broken),
          )
        : el('p', { class: 'muted' }, 'Không câu nào bị trả lời sai thêm.'),
    );
  }

  function updateButtons() {
    const mine = revision && revision.author === me.username;
    const editable =
      !revision ||
      revision.status === 'draft' ||
      revision.status === 'rejected' ||
      revision.status === 'published';
    document.getElementById('save').hidden = !editable && !mine;
    document.getElementById('submit').hidden = !(revision && mine && revision.status === 'draft');
    const reviewable = revision && revision.status === 'in_review' && !mine;
    document.getElementById('approve').hidden = !reviewable;
    document.getElementById('reject').hidden = !reviewable;
    document.getElementById('state').textContent = revision
      ? 'Bản #' +
        revision.id +
        ' – ' +
        STATUS[revision.status] +
        ' – ' +
        revision.author +
        (revision.reviewNote ? ' – Nhận xét: ' + revision.reviewNote : '')
      : 'Đang sửa từ bản đang dùng; lưu để tạo bản nháp mới.';
  }

  async function openRevision(id) {
    revision = await get('/editor/api/revisions/' + id);
    fill(revision.guide, revision.source);
    document.getElementById('note').value = revision.note || '';
    document.getElementById('effective-from').value = fromIso(revision.effectiveFrom);
    document.getElementById('effective-until').value = fromIso(revision.effectiveUntil);
    showProblems(revision.problems);
    showGate(revision.gate);
    updateButtons();
    await loadRevisions();
  }

  async function loadRevisions() {
    const file = await get('/editor/api/file?path=' + encodeURIComponent(path));
    const liveId = file.live && file.live.revision;
    for (const id of ['diff-from', 'diff-to']) {
      const select = document.getElementById(id);
      const chosen = select.value;
      select.replaceChildren(
        ...file.revisions.map((r) =>
          el('option', { value: r.id }, '#' + r.id + ' · ' + STATUS[r.status] + ' · ' + r.author),
        ),
      );
      if (chosen) select.value = chosen;
    }
    document
      .getElementById('revisions')
      .replaceChildren(
        ...file.revisions.map((r) =>
          el(
            'tr',
            { 'data-revision': r.id },
            el('td', {}, '#' + r.id + (r.id === liveId ? ' (đang dùng)' : '')),
            el('td', {}, STATUS[r.status] + (r.deletes ? ' (xóa tệp)' : '')),
            el('td', {}, r.author),
            el('td', {}, r.reviewedBy || ''),
            el('td', {}, fmt(r.publishedAt || r.updatedAt)),
            el(
              'td',
              {},
              r.effectiveFrom || r.effectiveUntil
                ? (fmt(r.effectiveFrom) || '…') + ' → ' + (fmt(r.effectiveUntil) || '…')
                : '',
            ),
            el('td', {}, r.note),
            el(
              'td',
              {},
              el(
                'button',
                { type: 'button', class: 'open', onclick: () => openRevision(r.id).catch(fail) },
                'Mở',
              ),
              liveId && r.id !== liveId
                ? el(
                    'button',
                    { type: 'button', class: 'diff-live', onclick: () => showDiff(r.id, liveId).catch(fail) },
                    'So sánh',
                  )
                : null,
              r.status === 'published' && r.id !== liveId
                ? el(
                    'button',
                    { type: 'button', class: 'rollback', onclick: () => rollback(r.id).catch(fail) },
                    'Khôi phục bản này',
                  )
                : null,
            ),
          ),
        ),
      );
    return file;
  }

  async function showDiff(from, to) {
    const d = await get('/editor/api/diff?from=' + from + '&to=' + to);
    const box = document.getElementById('diff');
    box.replaceChildren(
      el(
        'h3',
        {},
        'Khác nhau giữa #' + from + ' và #' + to + ' (+' + d.added + ' / −' + d.removed + ' dòng)',
      ),
      ...d.parts.map((p) =>
        p.kind === 'added'
          ? el('ins', {}, p.text)
          : p.kind === 'removed'
            ? el('del', {}, p.text)
            : el('span', { class: p.kind === 'folded' ? 'muted' : '' }, p.text),
      ),
    );
  }

  async function rollback(id) {
    if (!confirm('Khôi phục nội dung của bản #' + id + ' và xuất bản ngay?')) return;
    try {
      const r = await post('/editor/api/rollback', { path, to: id });
      showGate(r.gate);
      setStatus('Đã khôi phục: bản mới #' + r.revision + ' đang dùng.');
      await openRevision(r.revision);
    } catch (e) {
      if (e.status === 422) showGate(e.data.gate);
      throw e;
    }
  }

  function fail(e) {
    setStatus(e.message || String(e), true);
  }

  document.getElementById('save').addEventListener('click', () => save().catch(fail));
  document.getElementById('diff-any').addEventListener('click', () => {
    const from = document.getElementById('diff-from').value;
    const to = document.getElementById('diff-to').value;
    if (from && to) showDiff(from, to).catch(fail);
  });
  document.getElementById('submit').addEventListener('click', async () => {
    try {
      await post('/editor/api/revisions/' + revision.id + '/submit');
      setStatus('Đã gửi duyệt bản #' + revision.id + '.');
      await openRevision(revision.id);
    } catch (e) {
      if (e.data && e.data.problems) showProblems(e.data.problems);
      fail(e);
    }
  });
  document.getElementById('approve').addEventListener('click', async () => {
    setStatus('Đang chạy bộ câu hỏi kiểm tra…');
    try {
      const r = await post('/editor/api/revisions/' + revision.id + '/approve');
      showGate(r.gate);
      setStatus('Đã xuất bản bản #' + r.revision + '.');
      await openRevision(revision.id);
    } catch (e) {
      if (e.status === 422) {
        showGate(e.data.gate);
        setStatus('Không xuất bản: bản này làm bot trả lời sai thêm câu hỏi.', true);
      } else fail(e);
    }
  });
  document.getElementById('reject').addEventListener('click', async () => {
    const note = prompt('Lý do từ chối (người soạn sẽ thấy):');
    if (!note) return;
    await post('/editor/api/revisions/' + revision.id + '/reject', { note }).catch(fail);
    await openRevision(revision.id).catch(fail);
  });
  document.getElementById('preview').addEventListener('click', async () => {
    const question = document.getElementById('question').value.trim();
    if (!question) return;
    try {
      const r = await post('/editor/api/preview', { ...content(), question });
      const rec = r.record;
      document
        .getElementById('preview-answer')
        .replaceChildren(
          r.problems.length
            ? el('p', { class: 'error' }, 'Bản đang sửa còn lỗi; đây là câu trả lời với nội dung đang dùng.')
            : '',
          el(
            'p',
            { class: 'muted' },
            (rec.procedure || rec.intent) +
              (rec.facet ? ' · ' + rec.facet : '') +
              ' · độ tin cậy ' +
              rec.confidence,
          ),
          el('div', { id: 'preview-text' }, rec.answer),
        );
    } catch (e) {
      fail(e);
    }
  });
  form.addEventListener('input', scheduleCheck);

  (async () => {
    me = await session();
    buildForm();
    const file = await loadRevisions();
    if (params.get('revision')) await openRevision(Number(params.get('revision')));
    else {
      if (file.live) fill(file.live.guide, file.live.source);
      updateButtons();
    }
  })().catch(fail);
})();

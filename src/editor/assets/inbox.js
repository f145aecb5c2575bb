/* The inbox of unanswered questions (GET /editor/api/inbox): groups with their counts, questions,
 * channels, reasons and what the bot answered; "Gắn vào hướng dẫn" / "Ngoài phạm vi" open the panel
 * to pick a guide or topic and the questions, then create a draft revision and open it; "Bỏ qua"
 * dismisses a group; handled groups can be reopened. */
(function () {
  'use strict';
  const { get, post, el } = window.editorApi;
  const REASONS = {
    fallback: 'Không hiểu',
    clarify: 'Phải hỏi lại',
    referral: 'Ngoài phạm vi',
    handoff: 'Chuyển cán bộ',
    low_confidence: 'Độ tin cậy thấp',
    thumbs_down: 'Bị đánh giá chưa đúng',
  };
  const CHANNELS = { directline: 'Web Chat', zalo: 'Zalo', twilio: 'Điện thoại', 'twilio-sms': 'SMS' };
  const DECISIONS = {
    answer: 'Trả lời',
    clarify: 'Hỏi lại',
    referral: 'Từ chối (ngoài phạm vi)',
    fallback: 'Không hiểu',
    handoff: 'Chuyển cán bộ',
    small_talk: 'Chào hỏi',
  };
  const STATES = { attached: 'Gắn vào hướng dẫn', out_of_scope: 'Ngoài phạm vi', dismissed: 'Bỏ qua' };
  const $ = (id) => document.getElementById(id);
  const when = (iso) => new Date(iso).toLocaleString('vi-VN');
  let range = { from: '', to: '' };
  let targets = null;
  let current = null; // { group, mode: 'guide' | 'topic' }

  function badges(counts, labels) {
    return Object.entries(counts).map(([k, n]) =>
      el('span', { class: 'badge' }, (labels[k] || k) + ': ' + n + ' '),
    );
  }

  function answers(group) {
    return group.answers.map((a) =>
      el(
        'details',
        {},
        el(
          'summary',
          {},
          (DECISIONS[a.decision] || a.decision || '–') +
            (a.title ? ' – ' + a.title : '') +
            ' (' +
            a.count +
            ')',
        ),
        el('div', { class: 'muted' }, a.text || ''),
      ),
    );
  }

  function row(group) {
    return el(
      'tr',
      { 'data-signature': group.signature },
      el(
        'td',
        {},
        el('strong', { class: 'question' }, group.question),
        el(
          'ul',
          { class: 'muted' },
          group.samples.slice(1).map((s) => el('li', {}, s)),
        ),
      ),
      el(
        'td',
        {},
        String(group.count),
        el('div', { class: 'muted' }, group.conversations + ' cuộc trò chuyện'),
      ),
      el('td', {}, badges(group.channels, CHANNELS)),
      el('td', {}, badges(group.reasons, REASONS)),
      el('td', {}, answers(group)),
      el('td', {}, when(group.lastSeen)),
      el(
        'td',
        {},
        el(
          'button',
          { type: 'button', class: 'attach', onclick: () => open(group, 'guide') },
          'Gắn vào hướng dẫn',
        ),
        el(
          'button',
          { type: 'button', class: 'out-of-scope', onclick: () => open(group, 'topic') },
          'Ngoài phạm vi',
        ),
        el('button', { type: 'button', class: 'dismiss', onclick: () => dismiss(group) }, 'Bỏ qua'),
      ),
    );
  }

  async function load() {
    const q = new URLSearchParams();
    if ($('from').value) q.set('from', $('from').value);
    if ($('to').value) q.set('to', $('to').value);
    const data = await get('/editor/api/inbox' + (q.toString() ? '?' + q : ''));
    range = { from: data.from, to: data.to };
    $('from').value = data.from;
    $('to').value = data.to;
    $('summary').textContent =
      data.messages +
      ' câu hỏi chưa trả lời được, ' +
      data.total +
      ' nhóm' +
      (data.total > data.groups.length ? ' (hiện ' + data.groups.length + ' nhóm lớn nhất)' : '') +
      (data.ungrouped ? '; ' + data.ungrouped + ' tin nhắn không đủ chữ để gộp' : '') +
      '.';
    const table = el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['Câu hỏi', 'Số lần', 'Kênh', 'Lý do', 'Trợ lý đã trả lời', 'Lần cuối', ''].map((h) =>
            el('th', {}, h),
          ),
        ),
      ),
      el('tbody', {}, data.groups.map(row)),
    );
    $('groups').replaceChildren(
      data.groups.length ? table : el('p', {}, 'Không có câu hỏi nào chưa trả lời trong khoảng này.'),
    );
    await loadResolved();
  }

  async function loadResolved() {
    const { resolutions } = await get('/editor/api/inbox/resolved');
    if (resolutions.length === 0) {
      $('resolved').replaceChildren(
        el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'Chưa có nhóm nào được xử lý.')),
      );
      return;
    }
    $('resolved').replaceChildren(
      ...resolutions.map((r) =>
        el(
          'tr',
          { 'data-signature': r.signature },
          el('td', {}, r.sample, el('div', { class: 'muted' }, r.messages + ' lần hỏi')),
          el('td', {}, STATES[r.state] + (r.target ? ': ' + r.target : '')),
          el(
            'td',
            {},
            r.revisionId && r.target
              ? el(
                  'a',
                  {
                    href:
                      '/editor/edit?path=' +
                      encodeURIComponent(r.target.split('#')[0]) +
                      '&revision=' +
                      r.revisionId,
                  },
                  '#' + r.revisionId,
                )
              : '',
          ),
          el('td', {}, r.actor),
          el('td', {}, when(r.at)),
          el('td', {}, el('button', { type: 'button', class: 'reopen', onclick: () => reopen(r) }, 'Mở lại')),
        ),
      ),
    );
  }

  function options(select, items, selected) {
    select.replaceChildren(
      ...items.map((i) => el('option', { value: i.value, selected: i.value === selected }, i.label)),
    );
  }

  async function open(group, mode) {
    targets = targets || (await get('/editor/api/inbox/targets'));
    current = { group, mode };
    $('action').hidden = false;
    $('action-title').textContent = mode === 'guide' ? 'Gắn vào hướng dẫn' : 'Đánh dấu ngoài phạm vi';
    $('action-group').textContent = '“' + group.question + '” – ' + group.count + ' lần hỏi';
    $('target-guide').hidden = mode !== 'guide';
    $('target-topic').hidden = mode !== 'topic';
    options(
      $('guide'),
      targets.guides.map((g) => ({ value: g.path, label: g.title })),
      group.suggested && group.suggested.path,
    );
    options(
      $('topic'),
      targets.topics.map((t) => ({ value: t.id, label: t.title })),
    );
    $('questions').replaceChildren(
      ...group.questions.map((q, i) =>
        el(
          'label',
          {},
          el('input', { type: 'checkbox', value: q.text, checked: true, 'data-index': i }),
          ' ' + q.text + ' ',
          el('span', { class: 'muted' }, '(' + q.count + ')'),
        ),
      ),
    );
    $('action-note').value = '';
    $('action-status').textContent = '';
    $('action').scrollIntoView();
  }

  async function save() {
    if (!current) return;
    const { group, mode } = current;
    const questions = [...$('questions').querySelectorAll('input[type=checkbox]')]
      .filter((c) => c.checked)
      .map((c) => c.value);
    const body = { ...range, questions, note: $('action-note').value };
    const url =
      '/editor/api/inbox/groups/' + group.signature + (mode === 'guide' ? '/attach' : '/out-of-scope');
    if (mode === 'guide') body.path = $('guide').value;
    else body.topic = $('topic').value;
    $('action-status').textContent = 'Đang tạo bản nháp…';
    try {
      const r = await post(url, body);
      $('action-status').textContent = 'Đã tạo bản nháp #' + r.revision + '. Đang mở…';
      location.href = r.url;
    } catch (e) {
      $('action-status').textContent = 'Không tạo được bản nháp: ' + e.message;
    }
  }

  async function dismiss(group) {
    try {
      await post('/editor/api/inbox/groups/' + group.signature + '/dismiss', range);
      $('summary').textContent = 'Đã bỏ qua nhóm “' + group.question + '”.';
      await load();
    } catch (e) {
      $('summary').textContent = 'Không bỏ qua được: ' + e.message;
    }
  }

  async function reopen(resolution) {
    try {
      await post('/editor/api/inbox/resolved/' + resolution.signature + '/reopen');
      await load();
    } catch (e) {
      $('summary').textContent = 'Không mở lại được: ' + e.message;
    }
  }

  $('reload').addEventListener('click', () => load().catch(showError));
  $('range').addEventListener('submit', (e) => {
    e.preventDefault();
    load().catch(showError);
  });
  $('action-save').addEventListener('click', () => save());
  $('action-cancel').addEventListener('click', () => {
    $('action').hidden = true;
    current = null;
  });
  function showError(e) {
    $('summary').textContent = 'Không tải được hộp thư: ' + e.message;
  }
  load().catch(showError);
})();

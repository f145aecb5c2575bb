/* The bulletins page: write a bulletin with live character counts, choose its channels, save it as a
 * draft, schedule it (Vietnam time) or send it now, cancel a scheduled one, take one off the web chat
 * welcome, and see one bulletin's delivery results (GET/POST/PUT /editor/api/bulletins). */
(function () {
  'use strict';
  const { get, post, put, el } = window.editorApi;
  const STATUS = {
    draft: 'Bản nháp',
    scheduled: 'Đã lên lịch',
    sending: 'Đang gửi',
    sent: 'Đã gửi',
    cancelled: 'Đã hủy',
    failed: 'Gửi lỗi',
  };
  const DELIVERY = {
    pending: 'chờ gửi',
    sending: 'đang gửi',
    sent: 'đã gửi',
    published: 'đã đăng',
    deferred: 'hoãn',
    failed: 'lỗi',
    skipped: 'không gửi',
  };
  const CHANNEL = { webchat: 'Web chat', zalo: 'Zalo' };
  const $ = (id) => document.getElementById(id);
  let current = null; // the bulletin in the form, or null for a new one
  let zaloOn = true; // until the server says otherwise

  // datetime-local in Vietnam time ↔ ISO with +07:00
  const toIso = (v) => (v ? v + ':00+07:00' : null);
  function toLocal(iso) {
    if (!iso) return '';
    const d = new Date(new Date(iso).getTime() + 7 * 3600 * 1000);
    return d.toISOString().slice(0, 16);
  }
  const show = (iso) =>
    iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false }) : '';
  const count = (text) => Array.from(text.normalize('NFC').trim()).length;

  function setStatus(text, error) {
    const status = $('status');
    status.textContent = text;
    status.className = error ? 'error' : 'ok';
  }

  function updateCount(id) {
    const input = $(id);
    const max = Number(input.dataset.max);
    const n = count(input.value);
    const out = $(id + '-count');
    out.textContent = n + '/' + max + ' ký tự' + (n > max ? ' — quá ' + (n - max) + ' ký tự' : '');
    out.className = n > max ? 'error' : 'muted';
  }

  function formFields() {
    return {
      title: $('title').value,
      body: $('body').value,
      link: $('link').value.trim() || null,
      channels: Array.from(document.querySelectorAll('input[name="channel"]:checked')).map((c) => c.value),
      showUntil: toIso($('show-until').value),
    };
  }

  function fill(b) {
    current = b;
    $('form-title').textContent = b ? 'Bản tin #' + b.id + ' — ' + STATUS[b.status] : 'Soạn bản tin mới';
    $('title').value = b ? b.title : '';
    $('body').value = b ? b.body : '';
    $('link').value = b && b.link ? b.link : '';
    for (const box of document.querySelectorAll('input[name="channel"]'))
      box.checked = b ? b.channels.includes(box.value) : box.value === 'webchat';
    $('show-until').value = b ? toLocal(b.showUntil) : '';
    $('at').value = b && b.status === 'scheduled' ? toLocal(b.scheduledAt) : '';
    const editable = !b || b.status === 'draft' || b.status === 'scheduled';
    for (const id of ['title', 'body', 'link', 'show-until', 'at', 'save', 'schedule', 'send-now'])
      $(id).disabled = !editable;
    for (const box of document.querySelectorAll('input[name="channel"]'))
      box.disabled = !editable || (box.value === 'zalo' && !zaloOn && !box.checked);
    updateCount('title');
    updateCount('body');
  }

  /** Saves the form (a new draft or the current bulletin); resolves with the saved bulletin. */
  async function save() {
    const body = formFields();
    const saved = current
      ? await put('/editor/api/bulletins/' + current.id, body)
      : await post('/editor/api/bulletins', body);
    current = saved.bulletin; // a failed schedule after this must not save a second draft
    return current;
  }

  async function act(label, fn) {
    try {
      const bulletin = await fn();
      fill(bulletin);
      setStatus(label);
      await load();
      await results(bulletin.id);
    } catch (e) {
      setStatus(e.message, true);
    }
  }

  function countsText(counts) {
    return Object.entries(counts || {})
      .map(
        ([channel, byStatus]) =>
          (CHANNEL[channel] || channel) +
          ': ' +
          Object.entries(byStatus)
            .map(([s, n]) => n + ' ' + (DELIVERY[s] || s))
            .join(', '),
      )
      .join(' · ');
  }

  async function load() {
    const data = await get('/editor/api/bulletins');
    if (zaloOn !== data.channels.zalo) {
      zaloOn = data.channels.zalo;
      fill(current);
    }
    $('zalo-off').hidden = zaloOn;
    $('bulletins').replaceChildren(
      ...data.bulletins.map((b) =>
        el(
          'tr',
          { 'data-id': b.id },
          el(
            'td',
            {},
            el('a', { href: '#', onclick: (ev) => (ev.preventDefault(), fill(b), results(b.id)) }, b.title),
            el('div', { class: 'muted' }, '#' + b.id + ' · ' + b.author),
          ),
          el('td', {}, b.channels.map((c) => CHANNEL[c] || c).join(', ')),
          el(
            'td',
            {},
            STATUS[b.status] +
              (b.status === 'sending' && b.nextRunAt ? ' (tiếp lúc ' + show(b.nextRunAt) + ')' : ''),
          ),
          el('td', {}, show(b.sentAt || b.scheduledAt)),
          el('td', {}, countsText(b.counts)),
          el('td', {}, actions(b)),
        ),
      ),
    );
  }

  function actions(b) {
    const buttons = [];
    if (b.status === 'draft' || b.status === 'scheduled' || b.status === 'sending') {
      const stop = b.status === 'sending';
      buttons.push(
        el(
          'button',
          {
            type: 'button',
            onclick: () => {
              const question = stop
                ? 'Dừng gửi bản tin “' + b.title + '”? Những người chưa nhận sẽ không nhận được.'
                : 'Hủy bản tin “' + b.title + '”?';
              if (confirm(question))
                act(
                  stop ? 'Đã dừng gửi.' : 'Đã hủy bản tin.',
                  async () => (await post('/editor/api/bulletins/' + b.id + '/cancel')).bulletin,
                );
            },
          },
          stop ? 'Dừng gửi' : 'Hủy',
        ),
      );
    }
    if (b.sentAt && b.channels.includes('webchat') && (!b.showUntil || new Date(b.showUntil) > new Date()))
      buttons.push(
        el(
          'button',
          {
            type: 'button',
            onclick: () =>
              act(
                'Đã gỡ khỏi lời chào web chat.',
                async () => (await post('/editor/api/bulletins/' + b.id + '/withdraw')).bulletin,
              ),
          },
          'Gỡ khỏi lời chào',
        ),
      );
    return buttons;
  }

  async function results(id) {
    const data = await get('/editor/api/bulletins/' + id);
    const r = data.results;
    const box = $('results-box');
    box.hidden = false;
    $('results-title').textContent = 'Kết quả gửi — ' + data.bulletin.title;
    const parts = [
      el(
        'p',
        {},
        STATUS[data.bulletin.status] +
          (data.bulletin.sentAt ? ' · gửi lúc ' + show(data.bulletin.sentAt) : ''),
      ),
    ];
    if (data.bulletin.error) parts.push(el('p', { class: 'error' }, data.bulletin.error));
    const counts = countsText(r.counts);
    parts.push(el('p', {}, counts || 'Chưa có lượt gửi nào.'));
    if (r.errors.length > 0)
      parts.push(
        el(
          'table',
          {},
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', {}, 'Kênh'),
              el('th', {}, 'Kết quả'),
              el('th', {}, 'Mã lỗi'),
              el('th', {}, 'Lý do'),
              el('th', {}, 'Số lượt'),
            ),
          ),
          el(
            'tbody',
            {},
            r.errors.map((e) =>
              el(
                'tr',
                {},
                el('td', {}, CHANNEL[e.channel] || e.channel),
                el('td', {}, DELIVERY[e.status] || e.status),
                el('td', {}, e.code === null ? '' : String(e.code)),
                el('td', {}, e.message || ''),
                el('td', {}, String(e.count)),
              ),
            ),
          ),
        ),
      );
    const deferred = r.problems.filter((p) => p.status === 'deferred' && p.retryAt);
    if (deferred.length > 0)
      parts.push(
        el('p', { class: 'muted' }, 'Các lượt hoãn sẽ được gửi lại từ ' + show(deferred[0].retryAt) + '.'),
      );
    $('results').replaceChildren(...parts);
  }

  for (const id of ['title', 'body']) $(id).addEventListener('input', () => updateCount(id));
  $('new').addEventListener('click', () => {
    fill(null);
    setStatus('');
    $('results-box').hidden = true;
  });
  $('save').addEventListener('click', () => act('Đã lưu.', save));
  $('schedule').addEventListener('click', () => {
    const at = toIso($('at').value);
    if (!at) {
      setStatus('Chọn thời điểm gửi (giờ Việt Nam).', true);
      return;
    }
    act('Đã lên lịch gửi lúc ' + show(at) + '.', async () => {
      const saved = await save();
      return (await post('/editor/api/bulletins/' + saved.id + '/schedule', { at })).bulletin;
    });
  });
  $('send-now').addEventListener('click', () => {
    if (!confirm('Gửi bản tin ngay bây giờ?')) return;
    act('Đang gửi bản tin.', async () => {
      const saved = await save();
      return (await post('/editor/api/bulletins/' + saved.id + '/send')).bulletin;
    });
  });

  fill(null);
  load().catch((e) => setStatus('Không tải được danh sách: ' + e.message, true));
})();

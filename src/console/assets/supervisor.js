/*
 * The supervisor page's script (no inline script: CSP 'self'). Reads the CSRF token from
 * /agent/session, loads /agent/api/supervisor/overview and renders the live figures and the two tables
 * (queued, assigned); loads it again on every Server-Sent Event of /agent/api/events (the console's
 * stream) and every 15 s, one request at a time, and says "cập nhật lúc HH:MM:SS" (Vietnam time of the
 * figures). "Chuyển" reassigns a handoff to the officer chosen in its row (POST
 * supervisor/handoffs/:id/reassign with the x-csrf-token header). Every text goes in with textContent.
 */
(function () {
  'use strict';

  var REFRESH_MS = 15000;
  var loading = null;
  var again = false;
  /** The officer chosen in each row's list, by handoff id, kept across refreshes. */
  var choices = {};

  var CHANNELS = {
    directline: 'Web chat',
    webchat: 'Web chat',
    zalo: 'Zalo',
    twilio: 'Điện thoại / SMS',
    'twilio-sms': 'SMS',
    'twilio-voice': 'Điện thoại',
    msteams: 'Teams',
  };
  var REASONS = {
    asked: 'Công dân yêu cầu',
    handoff: 'Chuyển cán bộ',
    fallback: 'Bot không hiểu',
    failed_turns: 'Bot không hiểu nhiều lần',
    complaint: 'Khiếu nại',
    own_file: 'Hỏi về hồ sơ riêng',
    ivr: 'Tổng đài',
  };
  var ERRORS = {
    unknown_officer: 'Không có cán bộ với tên đăng nhập này.',
    not_found: 'Không tìm thấy yêu cầu này.',
    closed: 'Yêu cầu này đã đóng.',
    same_officer: 'Cán bộ này đang phục vụ cuộc trò chuyện rồi.',
  };
  var CLOCK = new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });

  var kit = window.consoleKit;
  var $ = kit.$;
  var el = kit.el;
  var status = kit.status;

  function api(method, path, body) {
    return kit.api(method, path, body, function (res, data) {
      if (res.status === 403) return 'Không có quyền thực hiện thao tác này.';
      return ERRORS[data.code] || 'Lỗi ' + res.status + '.';
    });
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    var s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' giây';
    if (s < 3600) return Math.floor(s / 60) + ' phút ' + pad(s % 60) + ' giây';
    return Math.floor(s / 3600) + ' giờ ' + pad(Math.floor((s % 3600) / 60)) + ' phút';
  }

  function clock(iso) {
    return CLOCK.format(new Date(iso));
  }

  function percent(share) {
    return share === null ? '—' : Math.round(share * 100) + '%';
  }

  function channelLabel(channel, conversationId) {
    if (conversationId && conversationId.indexOf('twilio-sms:') === 0) return 'SMS';
    if (conversationId && conversationId.indexOf('twilio:') === 0) return 'Điện thoại';
    return CHANNELS[channel] || channel;
  }

  function figure(key, label, value, detail) {
    var li = el('li', 'figure');
    li.dataset.figure = key;
    li.appendChild(el('span', 'label', label));
    li.appendChild(el('strong', 'value', value));
    li.appendChild(el('small', 'detail', detail || ''));
    return li;
  }

  function renderFigures(f) {
    var list = $('figures');
    list.textContent = '';
    var q = f.queueLength;
    list.appendChild(
      figure(
        'queue',
        'Đang chờ',
        String(q.total),
        q.byChannel
          .map(function (c) {
            return channelLabel(c.channel) + ': ' + c.count;
          })
          .join(' · '),
      ),
    );
    list.appendChild(figure('longest-wait', 'Chờ lâu nhất', duration(f.longestWaitSeconds)));
    var m = f.medianWaitToClaimSeconds;
    list.appendChild(
      figure(
        'median-wait',
        'Chờ đến khi được nhận (trung vị hôm nay)',
        duration(m.today),
        '1 giờ qua: ' + duration(m.lastHour),
      ),
    );
    var h = f.handoffsToday;
    list.appendChild(
      figure(
        'handoffs',
        'Yêu cầu gặp cán bộ hôm nay',
        String(h.requested),
        'đã nhận ' + h.claimed + ' · đã đóng ' + h.closed + ' · bỏ dở ' + h.abandoned,
      ),
    );
    list.appendChild(
      figure(
        'officers',
        'Cán bộ đang phục vụ',
        String(f.officersHolding.length),
        f.officersHolding
          .map(function (o) {
            return o.username + ': ' + o.holding;
          })
          .join(' · '),
      ),
    );
    var c = f.csatToday;
    list.appendChild(
      figure(
        'csat',
        'Mức hài lòng (CSAT) hôm nay',
        c.average === null ? '—' : c.average.toLocaleString('vi-VN') + ' / 5',
        c.count + ' lượt đánh giá',
      ),
    );
    var msg = f.messagesToday;
    list.appendChild(
      figure(
        'messages',
        'Tin nhắn hôm nay',
        String(msg.total),
        'Bot trả lời ' +
          percent(msg.answeredShare) +
          ' · chuyển cán bộ ' +
          percent(msg.handedOffShare) +
          ' (trên ' +
          msg.botReplies +
          ' câu trả lời của bot)',
      ),
    );
  }

  function reassignCell(handoffId, officers, holder) {
    var td = el('td', 'reassign');
    var select = el('select');
    select.setAttribute('aria-label', 'Chuyển yêu cầu #' + handoffId + ' cho cán bộ');
    select.dataset.handoff = handoffId;
    select.appendChild(el('option', '', '— chọn cán bộ —')).value = '';
    officers.forEach(function (name) {
      if (name === holder) return;
      select.appendChild(el('option', '', name)).value = name;
    });
    if (choices[handoffId] && officers.indexOf(choices[handoffId]) >= 0) select.value = choices[handoffId];
    select.addEventListener('change', function () {
      choices[handoffId] = select.value;
    });
    var button = el('button', 'reassign', 'Chuyển');
    button.type = 'button';
    button.addEventListener('click', function () {
      if (!select.value) {
        status('Hãy chọn cán bộ nhận yêu cầu #' + handoffId + '.');
        return;
      }
      var to = select.value;
      button.disabled = true;
      api('POST', 'supervisor/handoffs/' + handoffId + '/reassign', { to: to })
        .then(function () {
          delete choices[handoffId];
          status('Đã chuyển yêu cầu #' + handoffId + ' cho ' + to + '.');
          return load();
        })
        .catch(function (e) {
          button.disabled = false;
          status(e.message);
        });
    });
    td.appendChild(select);
    td.appendChild(button);
    return td;
  }

  function conversationCell(id) {
    var td = el('td', 'conversation');
    var code = el('code', '', id);
    code.title = id;
    td.appendChild(code);
    return td;
  }

  function reasonCell(reason) {
    var td = el('td', '', REASONS[reason] || reason);
    td.title = reason;
    return td;
  }

  function renderQueued(items, officers) {
    var body = $('queued');
    body.textContent = '';
    $('queued-count').textContent = String(items.length);
    $('queued-empty').hidden = items.length > 0;
    $('queued-table').hidden = items.length === 0;
    items.forEach(function (h) {
      var tr = el('tr');
      tr.dataset.handoff = h.id;
      tr.appendChild(el('td', 'position', String(h.position)));
      tr.appendChild(el('td', 'channel', channelLabel(h.channel, h.conversationId)));
      tr.appendChild(el('td', 'priority', h.priority > 0 ? 'Cao (' + h.priority + ')' : 'Thường'));
      tr.appendChild(reasonCell(h.reason));
      tr.appendChild(el('td', 'waiting', duration(h.waitingSeconds)));
      tr.appendChild(conversationCell(h.conversationId));
      tr.appendChild(reassignCell(h.id, officers, null));
      body.appendChild(tr);
    });
  }

  function renderAssigned(items, officers) {
    var body = $('assigned');
    body.textContent = '';
    $('assigned-count').textContent = String(items.length);
    $('assigned-empty').hidden = items.length > 0;
    $('assigned-table').hidden = items.length === 0;
    items.forEach(function (h) {
      var tr = el('tr');
      tr.dataset.handoff = h.id;
      tr.appendChild(el('td', 'officer', h.officer || '—'));
      tr.appendChild(el('td', 'channel', channelLabel(h.channel, h.conversationId)));
      tr.appendChild(el('td', 'since', clock(h.assignedAt)));
      tr.appendChild(el('td', 'held', duration(h.heldSeconds)));
      tr.appendChild(reasonCell(h.reason));
      tr.appendChild(conversationCell(h.conversationId));
      tr.appendChild(reassignCell(h.id, officers, h.officer));
      body.appendChild(tr);
    });
  }

  function render(data) {
    var focused = document.activeElement;
    var focusedHandoff = focused && focused.tagName === 'SELECT' ? focused.dataset.handoff : null;
    renderFigures(data.figures);
    renderQueued(data.queued, data.officers);
    renderAssigned(data.assigned, data.officers);
    if (focusedHandoff) {
      var select = document.querySelector('select[data-handoff="' + focusedHandoff + '"]');
      if (select) select.focus();
    }
    $('updated').textContent = 'cập nhật lúc ' + clock(data.at);
  }

  /** Loads the overview; while a load runs, further calls make one more load afterwards. */
  function load() {
    if (loading) {
      again = true;
      return loading;
    }
    loading = api('GET', 'supervisor/overview')
      .then(render)
      .catch(function (e) {
        status(e.message);
      })
      .then(function () {
        loading = null;
        if (again) {
          again = false;
          return load();
        }
      });
    return loading;
  }

  kit
    .start(load)
    .then(function () {
      setInterval(load, REFRESH_MS);
      return load();
    })
    .catch(function (e) {
      status(e.message);
    });
})();

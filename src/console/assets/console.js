/*
 * The agent console's script (no inline script: CSP 'self'). Reads the CSRF token from
 * /agent/session, lists the queue from /agent/api/queue and reloads it on every Server-Sent Event of
 * /agent/api/events, shows the selected conversation (transcript, channel, waiting time), its suggested
 * answers with "Chèn" to put one in the reply box, and claims, replies, closes, returns to the bot and
 * (phone handoffs) rings the officer's phone to take the call, through the JSON API with the
 * x-csrf-token header. Every text goes in with textContent.
 */
(function () {
  'use strict';

  var selected = null;
  var current = null;
  var kit = window.consoleKit;
  var $ = kit.$;
  var el = kit.el;
  var status = kit.status;

  function api(method, path, body) {
    return kit.api(method, path, body);
  }

  function minutes(seconds) {
    return Math.max(0, Math.round(seconds / 60)) + ' phút';
  }

  var STATUS = { queued: 'đang chờ', assigned: 'đã nhận', closed: 'đã đóng' };

  function loadQueue() {
    return api('GET', 'queue').then(function (data) {
      var list = $('queue');
      list.textContent = '';
      $('queue-empty').hidden = data.items.length > 0;
      data.items.forEach(function (h) {
        var li = el('li', h.conversationId === selected ? 'selected' : '');
        var b = el('button', 'item');
        b.type = 'button';
        b.dataset.conversation = h.conversationId;
        b.textContent =
          (h.position ? '#' + h.position + ' · ' : '') +
          h.channel +
          ' · ' +
          (STATUS[h.status] || h.status) +
          (h.assignedToUsername ? ' (' + h.assignedToUsername + ')' : '') +
          ' · chờ ' +
          minutes(h.waitingSeconds);
        b.addEventListener('click', function () {
          select(h.conversationId);
        });
        li.appendChild(b);
        list.appendChild(li);
      });
    });
  }

  function renderConversation(view) {
    current = view;
    $('conversation').hidden = false;
    $('conv-title').textContent = 'Cuộc trò chuyện ' + view.id;
    var h = view.handoff;
    $('conv-meta').textContent =
      'Kênh: ' +
      view.channel +
      (h
        ? ' · Trạng thái: ' +
          (STATUS[h.status] || h.status) +
          ' · Thời gian chờ: ' +
          minutes(h.waitingSeconds)
        : '') +
      (h && h.assignedToUsername ? ' · Cán bộ: ' + h.assignedToUsername : '') +
      (view.callbacks && view.callbacks.length
        ? ' · Số gọi lại: ' +
          view.callbacks
            .map(function (c) {
              return c.phone;
            })
            .join(', ')
        : '');
    $('claim').disabled = !h || h.status !== 'queued';
    var mine = h && h.status === 'assigned' && h.assignedToUsername === $('me').textContent;
    $('send').disabled = !mine;
    $('close').disabled = !h || h.status === 'closed';
    $('to-bot').disabled = !h || h.status === 'closed';
    // Phone handoffs (calls have the channel 'twilio'): ring the officer's phone, bridged to the caller.
    $('answer-call').hidden = !h || h.status === 'closed' || view.channel !== 'twilio';
    $('answer-call').disabled = !mine;
    var list = $('transcript');
    list.textContent = '';
    view.messages.forEach(function (m) {
      var li = el('li', m.direction + (m.decision === 'officer' ? ' officer' : ''));
      li.appendChild(
        el(
          'small',
          '',
          (m.direction === 'in' ? 'Công dân' : m.decision === 'officer' ? 'Cán bộ' : 'Trợ lý') +
            ' · ' +
            m.channel +
            ' · ' +
            new Date(m.at).toLocaleString('vi-VN'),
        ),
      );
      li.appendChild(document.createTextNode(m.text));
      list.appendChild(li);
    });
    list.scrollTop = list.scrollHeight;
  }

  function loadSuggestions(id) {
    return api('GET', 'conversations/' + encodeURIComponent(id) + '/suggestions').then(function (data) {
      $('sugg-question').textContent = data.question ? 'Cho câu hỏi: “' + data.question + '”' : '';
      var list = $('suggestions');
      list.textContent = '';
      data.suggestions.forEach(function (s) {
        var li = el('li', 'suggestion');
        li.appendChild(el('strong', 'title', s.title));
        li.appendChild(el('div', 'meta', 'Độ tin cậy: ' + Math.round(s.confidence * 100) + '%'));
        li.appendChild(el('div', 'text', s.text));
        if (s.source) li.appendChild(el('div', 'source', 'Nguồn: ' + s.source.title));
        var b = el('button', 'insert', 'Chèn');
        b.type = 'button';
        b.addEventListener('click', function () {
          var box = $('reply');
          box.value = (box.value ? box.value + '\n\n' : '') + s.text;
          box.focus();
        });
        li.appendChild(b);
        list.appendChild(li);
      });
    });
  }

  function loadConversation() {
    if (!selected) return Promise.resolve();
    return api('GET', 'conversations/' + encodeURIComponent(selected)).then(renderConversation);
  }

  function select(id) {
    selected = id;
    status('');
    return Promise.all([loadQueue(), loadConversation(), loadSuggestions(id)]).catch(function (e) {
      status(e.message);
    });
  }

  function refresh() {
    return Promise.all([loadQueue(), loadConversation()]).catch(function (e) {
      status(e.message);
    });
  }

  function act(promise, done) {
    return promise
      .then(function () {
        status(done);
        return refresh();
      })
      .catch(function (e) {
        status(e.message);
      });
  }

  $('claim').addEventListener('click', function () {
    if (current && current.handoff) act(api('POST', 'handoffs/' + current.handoff.id + '/claim'), 'Đã nhận.');
  });
  $('answer-call').addEventListener('click', function () {
    if (current && current.handoff)
      act(
        api('POST', 'handoffs/' + current.handoff.id + '/answer-call'),
        'Đang gọi tới điện thoại của anh/chị, nghe máy để nói chuyện với công dân.',
      );
  });
  $('close').addEventListener('click', function () {
    if (current && current.handoff)
      act(
        api('POST', 'handoffs/' + current.handoff.id + '/close', { reason: $('close-reason').value }),
        'Đã đóng.',
      );
  });
  $('to-bot').addEventListener('click', function () {
    if (current && current.handoff)
      act(
        api('POST', 'handoffs/' + current.handoff.id + '/close', { reason: 'trả lại bot' }),
        'Đã trả lại bot.',
      );
  });
  $('reply-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('reply').value.trim();
    if (!text || !selected) return;
    act(
      api('POST', 'conversations/' + encodeURIComponent(selected) + '/reply', { text: text }),
      'Đã gửi.',
    ).then(function () {
      if ($('status').textContent === 'Đã gửi.') $('reply').value = '';
    });
  });

  kit
    .start(refresh)
    .then(function () {
      return loadQueue();
    })
    .catch(function (e) {
      status(e.message);
    });
})();

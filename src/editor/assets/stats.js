/* The stats page (/editor/stats): reads GET /editor/api/stats for the chosen Vietnam days, fills the
 * summary, draws each chart with Chart.js (window.Chart, /editor/assets/vendor/chart.js) and writes
 * the same numbers as a table under it; keeps the range in the address (?from=&to=) and in the CSV
 * links. No inline style or script: the editor's CSP is 'self' only. */
(function () {
  'use strict';
  const { get, el } = window.editorApi;
  const Chart = window.Chart;
  const DAY_MS = 86400000;
  const COLORS = ['#1c4f7a', '#e07b00', '#2e8b57', '#b03a48', '#6a5acd', '#8a8a8a', '#00838f', '#c2185b'];
  const OUTCOME_COLORS = {
    answered: '#2e8b57',
    clarified: '#7cb342',
    refused: '#00838f',
    fallback: '#e07b00',
    handedOff: '#b03a48',
    smallTalk: '#9e9e9e',
  };
  const form = document.getElementById('range');
  const fromInput = document.getElementById('from');
  const toInput = document.getElementById('to');
  const status = document.getElementById('status');

  const number = (n) => (n === null || n === undefined ? '–' : n.toLocaleString('vi-VN'));
  const percent = (rate) =>
    rate === null || rate === undefined
      ? '–'
      : (rate * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 }) + ' %';
  const shortDay = (day) => day.slice(8, 10) + '/' + day.slice(5, 7);
  const longDay = (day) => shortDay(day) + '/' + day.slice(0, 4);
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    if (seconds < 60) return seconds + ' giây';
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + ' phút' + (seconds % 60 ? ' ' + (seconds % 60) + ' giây' : '');
    return Math.floor(minutes / 60) + ' giờ' + (minutes % 60 ? ' ' + (minutes % 60) + ' phút' : '');
  }
  const clip = (text) => (text.length > 42 ? text.slice(0, 41) + '…' : text);
  const vietnamToday = () => new Date(Date.now() + 7 * 3600000).toISOString().slice(0, 10);
  const daysBefore = (day, n) =>
    new Date(Date.parse(day + 'T00:00:00Z') - n * DAY_MS).toISOString().slice(0, 10);

  function table(id, head, rows) {
    const cell = (tag, v) =>
      typeof v === 'number' || v === null ? el(tag, { class: 'number' }, number(v)) : el(tag, {}, v);
    document.getElementById('table-' + id).replaceChildren(
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            head.map((h) => el('th', { scope: 'col' }, h)),
          ),
        ),
        el(
          'tbody',
          {},
          rows.map((r) =>
            el(
              'tr',
              {},
              r.map((v, i) => (i === 0 ? el('th', { scope: 'row' }, v) : cell('td', v))),
            ),
          ),
        ),
      ),
    );
  }

  function draw(id, config) {
    const canvas = document.getElementById('chart-' + id);
    const previous = Chart.getChart(canvas);
    if (previous) previous.destroy();
    config.options = Object.assign(
      { responsive: true, maintainAspectRatio: false, animation: false, locale: 'vi-VN' },
      config.options || {},
    );
    return new Chart(canvas, config);
  }

  const countAxis = { beginAtZero: true, ticks: { precision: 0 } };

  function drawQuestions(data) {
    const channels = data.channels.length ? data.channels : [{ id: '', label: 'Câu hỏi' }];
    draw('questions', {
      type: 'bar',
      data: {
        labels: data.daily.map((d) => shortDay(d.day)),
        datasets: channels.map((c, i) => ({
          label: c.label,
          data: data.daily.map((d) => d.questions[c.id] || 0),
          backgroundColor: COLORS[i % COLORS.length],
        })),
      },
      options: { scales: { x: { stacked: true }, y: Object.assign({ stacked: true }, countAxis) } },
    });
    table(
      'questions',
      ['Ngày'].concat(
        data.channels.map((c) => c.label),
        ['Tổng'],
      ),
      data.daily
        .map((d) =>
          [longDay(d.day)].concat(
            data.channels.map((c) => d.questions[c.id] || 0),
            [d.questionsTotal],
          ),
        )
        .concat([
          ['Tổng'].concat(
            data.channels.map((c) => c.questions),
            [data.totals.questions],
          ),
        ]),
    );
  }

  function drawOutcomes(data) {
    const labels = data.outcomeLabels;
    draw('outcomes', {
      type: 'bar',
      data: {
        labels: data.daily.map((d) => shortDay(d.day)),
        datasets: labels
          .map((o) => ({
            label: o.label,
            data: data.daily.map((d) => d.outcomes[o.key]),
            backgroundColor: OUTCOME_COLORS[o.key],
            stack: 'outcomes',
            order: 2,
          }))
          .concat([
            {
              type: 'line',
              label: 'Tỷ lệ tự giải quyết (%)',
              data: data.daily.map((d) =>
                d.deflectionRate === null ? null : Math.round(d.deflectionRate * 1000) / 10,
              ),
              borderColor: '#1c4f7a',
              backgroundColor: '#1c4f7a',
              yAxisID: 'rate',
              spanGaps: true,
              order: 1,
            },
          ]),
      },
      options: {
        scales: {
          x: { stacked: true },
          y: Object.assign({ stacked: true }, countAxis),
          rate: {
            position: 'right',
            min: 0,
            max: 100,
            grid: { drawOnChartArea: false },
            title: { display: true, text: '%' },
          },
        },
      },
    });
    const t = data.totals;
    table(
      'outcomes',
      ['Ngày'].concat(
        labels.map((o) => o.label),
        ['Tỷ lệ tự giải quyết'],
      ),
      data.daily
        .map((d) =>
          [longDay(d.day)].concat(
            labels.map((o) => d.outcomes[o.key]),
            [percent(d.deflectionRate)],
          ),
        )
        .concat([
          ['Tổng'].concat(
            labels.map((o) => t.outcomes[o.key]),
            [percent(t.deflectionRate)],
          ),
        ]),
    );
  }

  function drawRanked(id, items, what, color) {
    draw(id, {
      type: 'bar',
      data: {
        labels: items.map((i) => clip(i.label)),
        datasets: [{ label: 'Số câu trả lời', data: items.map((i) => i.count), backgroundColor: color }],
      },
      options: {
        indexAxis: 'y',
        scales: { x: countAxis },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (ctx) => (ctx[0] ? items[ctx[0].dataIndex].label : '') } },
        },
      },
    });
    table(
      id,
      ['Hạng', what, 'Số câu trả lời', 'Tỷ lệ'],
      items.map((i, n) => [String(n + 1), i.label, i.count, percent(i.share)]),
    );
  }

  function drawUnanswered(data) {
    draw('unanswered', {
      type: 'line',
      data: {
        labels: data.daily.map((d) => shortDay(d.day)),
        datasets: [
          {
            label: 'Chưa trả lời được',
            data: data.daily.map((d) => d.unanswered),
            borderColor: '#e07b00',
            backgroundColor: '#e07b00',
          },
        ],
      },
      options: { scales: { y: countAxis }, plugins: { legend: { display: false } } },
    });
    const replies = (d) => Object.values(d.outcomes).reduce((s, n) => s + n, 0);
    const share = (part, whole) => (whole ? part / whole : null);
    table(
      'unanswered',
      ['Ngày', 'Chưa trả lời được', 'Câu trả lời của trợ lý', 'Tỷ lệ'],
      data.daily
        .map((d) => [longDay(d.day), d.unanswered, replies(d), percent(share(d.unanswered, replies(d)))])
        .concat([
          [
            'Tổng',
            data.totals.unanswered,
            data.totals.botReplies,
            percent(share(data.totals.unanswered, data.totals.botReplies)),
          ],
        ]),
    );
  }

  function drawWait(data) {
    draw('wait', {
      type: 'line',
      data: {
        labels: data.daily.map((d) => shortDay(d.day)),
        datasets: [
          {
            label: 'Chờ trung vị (phút)',
            data: data.daily.map((d) =>
              d.handoffs.medianWaitSeconds === null
                ? null
                : Math.round(d.handoffs.medianWaitSeconds / 6) / 10,
            ),
            borderColor: '#b03a48',
            backgroundColor: '#b03a48',
            spanGaps: true,
          },
        ],
      },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: 'phút' } } },
        plugins: { legend: { display: false } },
      },
    });
    const h = data.totals.handoffs;
    table(
      'wait',
      ['Ngày', 'Yêu cầu gặp cán bộ', 'Đã được nhận', 'Chờ trung vị'],
      data.daily
        .map((d) => [
          longDay(d.day),
          d.handoffs.requested,
          d.handoffs.claimed,
          duration(d.handoffs.medianWaitSeconds),
        ])
        .concat([['Cả khoảng', h.requested, h.claimed, duration(h.medianWaitSeconds)]]),
    );
  }

  function drawCsat(data) {
    draw('csat', {
      type: 'bar',
      data: {
        labels: data.csat.distribution.map((d) => d.rating + ' điểm'),
        datasets: [
          {
            label: 'Số lượt đánh giá',
            data: data.csat.distribution.map((d) => d.count),
            backgroundColor: ['#b03a48', '#e07b00', '#c0a000', '#7cb342', '#2e8b57'],
          },
        ],
      },
      options: { scales: { y: countAxis }, plugins: { legend: { display: false } } },
    });
    table(
      'csat',
      ['Đánh giá', 'Số lượt'],
      data.csat.distribution
        .map((d) => [d.rating + ' điểm', d.count])
        .concat([
          ['Trung bình', data.csat.average === null ? '–' : number(data.csat.average) + ' / 5'],
          ['Thích (câu trả lời của trợ lý)', data.thumbs.up],
          ['Không thích', data.thumbs.down],
        ]),
    );
  }

  function summary(data) {
    const t = data.totals;
    const item = (key, label, value, detail) =>
      el(
        'li',
        { 'data-figure': key },
        el('span', { class: 'label' }, label),
        el('span', { class: 'value' }, value),
        detail ? el('span', { class: 'detail' }, detail) : null,
      );
    document
      .getElementById('summary')
      .replaceChildren(
        item('questions', 'Câu hỏi', number(t.questions), data.daily.length + ' ngày'),
        item(
          'deflection',
          'Tỷ lệ tự giải quyết',
          percent(t.deflectionRate),
          number(t.deflected) + ' / ' + number(t.deflectionBase) + ' câu hỏi không cần cán bộ',
        ),
        item(
          'unanswered',
          'Chưa trả lời được',
          number(t.unanswered),
          'trên ' + number(t.botReplies) + ' câu trả lời',
        ),
        item(
          'handoffs',
          'Yêu cầu gặp cán bộ',
          number(t.handoffs.requested),
          'đã nhận ' +
            number(t.handoffs.claimed) +
            ' · chờ trung vị ' +
            duration(t.handoffs.medianWaitSeconds),
        ),
        item(
          'csat',
          'CSAT trung bình',
          data.csat.average === null ? '–' : number(data.csat.average) + ' / 5',
          number(data.csat.count) + ' đánh giá',
        ),
        item('thumbs', 'Thích / không thích', number(data.thumbs.up) + ' / ' + number(data.thumbs.down)),
      );
  }

  function render(data) {
    fromInput.value = data.from;
    toInput.value = data.to;
    const query = 'from=' + data.from + '&to=' + data.to;
    for (const link of document.querySelectorAll('#csv-links a')) {
      const table = link.id.slice('csv-'.length);
      link.href = '/editor/api/stats.csv?table=' + table + '&' + query;
    }
    history.replaceState(null, '', '/editor/stats?' + query);
    summary(data);
    drawQuestions(data);
    drawOutcomes(data);
    drawRanked('procedures', data.procedures, 'Thủ tục', '#1c4f7a');
    drawRanked('facets', data.facets, 'Nội dung hỏi', '#00838f');
    drawUnanswered(data);
    drawWait(data);
    drawCsat(data);
    status.className = '';
    status.textContent =
      'Số liệu từ ' + longDay(data.from) + ' đến ' + longDay(data.to) + ' (' + data.daily.length + ' ngày).';
  }

  let loading = 0;
  async function load(from, to) {
    if (from && to && from > to) {
      status.className = 'error';
      status.textContent = 'Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.';
      return;
    }
    const ticket = ++loading;
    status.className = '';
    status.textContent = 'Đang tải…';
    const params = new URLSearchParams();
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    try {
      const data = await get('/editor/api/stats' + (params.toString() ? '?' + params : ''));
      if (ticket === loading) render(data);
    } catch (error) {
      if (ticket !== loading) return;
      status.className = 'error';
      status.textContent =
        error.status === 400
          ? 'Khoảng ngày không hợp lệ (ngày phải có thật, tối đa 366 ngày).'
          : 'Không tải được số liệu: ' + error.message;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(fromInput.value, toInput.value);
  });
  for (const button of document.querySelectorAll('button[data-days]')) {
    button.addEventListener('click', () => {
      const to = vietnamToday();
      void load(daysBefore(to, Number(button.dataset.days) - 1), to);
    });
  }
  const initial = new URLSearchParams(location.search);
  void load(initial.get('from') || '', initial.get('to') || '');
})();

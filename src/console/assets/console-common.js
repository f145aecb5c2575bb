/* Shared by the console's pages (console.js, supervisor.js): element helpers and the JSON API client
 * of /agent/api with the session's CSRF header; a lost session goes back to the login page. */
(function () {
  'use strict';

  var csrf = '';

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function status(text) {
    $('status').textContent = text;
  }

  /** `errorOf(res, data)` turns a refused answer into the message shown (default: the server's). */
  function api(method, path, body, errorOf) {
    var init = { method: method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET') {
      init.headers['x-csrf-token'] = csrf;
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
    return fetch('/agent/api/' + path, init).then(function (res) {
      if (res.status === 401) {
        location.href = '/agent/login';
        throw new Error('Phiên đăng nhập đã hết hạn.');
      }
      return res.json().then(function (data) {
        if (!res.ok) throw new Error(errorOf ? errorOf(res, data) : data.error || 'Lỗi ' + res.status);
        return data;
      });
    });
  }

  /**
   * Loads the session (back to the login page without one), keeps its CSRF token, and listens to the
   * live events, calling `onChange` on each handoff event or reload; `#live` shows the connection.
   */
  function start(onChange) {
    return fetch('/agent/session', { credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) {
          location.href = '/agent/login';
          throw new Error('Cần đăng nhập.');
        }
        return res.json();
      })
      .then(function (session) {
        csrf = session.csrfToken;
        var source = new EventSource('/agent/api/events');
        source.addEventListener('open', function () {
          $('live').textContent = 'Trực tuyến';
        });
        source.addEventListener('error', function () {
          $('live').textContent = 'Mất kết nối, đang thử lại…';
        });
        source.addEventListener('handoff', onChange);
        source.addEventListener('reload', onChange);
        return session;
      });
  }

  window.consoleKit = {
    start: start,
    $: $,
    el: el,
    status: status,
    api: api,
  };
})();

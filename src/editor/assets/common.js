/* Shared by every editor page: the session's CSRF token and a JSON fetch helper that turns errors
 * into Error objects carrying the server's message (window.editorApi). */
(function () {
  'use strict';
  let session;
  async function currentSession() {
    if (!session) {
      const res = await fetch('/agent/session', { credentials: 'same-origin' });
      if (!res.ok) {
        location.href = '/agent/login?next=' + encodeURIComponent(location.pathname);
        throw new Error('login required');
      }
      session = await res.json();
    }
    return session;
  }
  async function api(method, url, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      headers['x-csrf-token'] = (await currentSession()).csrfToken;
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') || '';
    const data = type.includes('json') ? await res.json() : await res.text();
    if (!res.ok) {
      const error = new Error((data && data.error) || 'Lỗi ' + res.status);
      error.status = res.status;
      error.data = data;
      throw error;
    }
    return data;
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c);
    return node;
  }
  window.editorApi = {
    get: (url) => api('GET', url),
    post: (url, body) => api('POST', url, body ?? {}),
    put: (url, body) => api('PUT', url, body ?? {}),
    del: (url) => api('DELETE', url),
    session: currentSession,
    el,
  };
})();

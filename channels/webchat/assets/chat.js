/*
 * The citizen page's script: asks this server for a Direct Line token, renders the official Web Chat
 * (window.WebChat from webchat.js) against this server's /v3/directline in Vietnamese, wires the
 * "Gặp cán bộ" button to post that text, and shows the connection state. DirectLineJS refreshes the
 * token itself every 15 minutes (tokens live 30); an expired session asks for a reload.
 */
(function () {
  'use strict';

  // Direct Line's connection states (botframework-directlinejs ConnectionStatus).
  var ONLINE = 2;
  var EXPIRED_TOKEN = 3;
  var FAILED_TO_CONNECT = 4;
  var ENDED = 5;

  var script = document.currentScript;
  var nonce = (script && script.nonce) || undefined;
  var root = document.getElementById('webchat');
  var status = document.getElementById('status');
  var handoff = document.getElementById('handoff');
  var texts = root.dataset;
  var domain = new URL('v3/directline', document.baseURI).href;

  function showStatus(message, action) {
    status.textContent = message;
    if (action) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'retry';
      button.textContent = texts.retry;
      button.addEventListener('click', action);
      status.appendChild(document.createTextNode(' '));
      status.appendChild(button);
    }
    status.hidden = false;
  }

  function hideStatus() {
    status.hidden = true;
    status.textContent = '';
  }

  function reload() {
    window.location.reload();
  }

  var styleOptions = {
    accent: '#0b4f8a',
    primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif',
    backgroundColor: '#f6f8fb',
    bubbleBackground: '#ffffff',
    bubbleBorderRadius: 10,
    bubbleFromUserBackground: '#dcebfa',
    bubbleFromUserBorderRadius: 10,
    bubbleMaxWidth: 640,
    bubbleMinWidth: 0,
    hideUploadButton: true,
    sendBoxHeight: 48,
    suggestedActionLayout: 'flow',
    suggestedActionBorderRadius: 16,
    suggestedActionHeight: 36,
    paddingRegular: 8,
    paddingWide: 12,
  };

  async function start() {
    var response = await fetch(domain + '/tokens/generate', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (!response.ok) throw new Error('token request failed: ' + response.status);
    var body = await response.json();

    var directLine = window.WebChat.createDirectLine({ token: body.token, domain: domain, webSocket: true });
    var store = window.WebChat.createStore();

    directLine.connectionStatus$.subscribe(function (state) {
      handoff.disabled = state !== ONLINE;
      if (state === ONLINE) hideStatus();
      else if (state === EXPIRED_TOKEN || state === ENDED) showStatus(texts.expired, reload);
      else if (state === FAILED_TO_CONNECT) showStatus(texts.connectFailed, reload);
    });

    handoff.addEventListener('click', function () {
      store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: texts.handoff } });
    });

    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        store: store,
        locale: 'vi-VN',
        nonce: nonce,
        styleOptions: styleOptions,
        overrideLocalizedStrings: { TEXT_INPUT_PLACEHOLDER: texts.placeholder },
      },
      root,
    );
  }

  start().catch(function (error) {
    console.error(error);
    showStatus(texts.connectFailed, reload);
  });
})();

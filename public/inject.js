/* webchat loader (Botpress v12 compatible `window.botpressWebChat`). Plain ES2017 + dynamic import();
 * no innerHTML, no eval. Defines the API at once with stubs that queue calls in order; the wasm's start
 * function installs the real methods on this same object and replays the queue. */
(function () {
  'use strict';
  var w = window;
  var api = w.botpressWebChat || {};
  w.botpressWebChat = api;
  if (api._loading || api.ready) return; // loaded twice: the first load wins
  api._loading = true;
  var q = (api._q = api._q || []);
  ['init', 'configure', 'mergeConfig', 'sendEvent', 'sendPayload', 'onEvent', 'destroy', 'registerView'].forEach(function (m) {
    if (typeof api[m] === 'function') return; // never replace what the page defined
    api[m] = function () {
      var entry = { m: m, a: Array.prototype.slice.call(arguments) };
      q.push(entry);
      if (m === 'onEvent') {
        // the real unsubscribe is stored in entry.r at replay; before that, cancel the queued call
        return function () {
          if (typeof entry.r === 'function') entry.r();
          else entry.x = true;
        };
      }
    };
  });
  var me = document.currentScript;
  var src = me && me.src ? me.src : w.location.origin + '/assets/modules/channel-web/inject.js';
  var base = src.slice(0, src.lastIndexOf('/') + 1);
  import(base + 'webchat.js')
    .then(function (glue) {
      return glue.default({ module_or_path: base + 'webchat_bg.wasm' });
    })
    .catch(function (e) {
      api._loading = false;
      console.error('botpressWebChat: could not load the widget', e);
    });
})();

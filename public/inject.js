/* webchat loader: `window.botpressWebChat` (Botpress v12 API) at once, calls queued in `_q` until the
 * wasm installs the real methods and replays them (src/api/mod.rs). No HTML strings, eval or style
 * attributes (strict CSP + Trusted Types hold). First paint without wasm: each queued `init` draws a
 * placeholder launcher (host `#{chatId}-container`|`#bp-web-widget`, open shadow root, adopted sheet)
 * unless the real widget would show none or look different. The glue + wasm (instantiateStreaming)
 * load once: browser idle after `load`, or a click on the placeholder, which also queues a `show`.
 * The wasm's init reuses the `data-bpw-loader` host (src/mount.rs). README "Loading" has the details. */
(function () {
  'use strict';
  var w = window;
  var d = document;
  var api = w.botpressWebChat || {};
  w.botpressWebChat = api;
  if (api._loading || api.ready) return; // loaded twice: the first load wins
  api._loading = true;
  var q = (api._q = api._q || []);
  var me = d.currentScript;
  var src = me && me.src ? me.src : w.location.origin + '/assets/modules/channel-web/inject.js';
  var base = src.slice(0, src.lastIndexOf('/') + 1);
  var started = false;

  function load() {
    if (started) return; // never twice
    started = true;
    import(base + 'webchat.js')
      .then(function (glue) {
        return glue.default({ module_or_path: base + 'webchat_bg.wasm' });
      })
      .catch(function (e) {
        api._loading = false;
        console.error('botpressWebChat: could not load the widget', e);
      });
  }

  // the launcher's CSS, copied from style/webchat.css and style/dark.css (a test in src/mount.rs compares them)
  var DARK = '{--bpw-accent:#8fa2ff;--bpw-accent-text:#10131c;--bpw-bg:#1b1d24;--bpw-shadow:rgba(0,0,0,.6)}';
  var CSS =
    ':host{all:initial}' +
    ':where(.bpw){--bpw-accent:#3a4fcf;--bpw-accent-text:#ffffff;--bpw-bg:#ffffff;--bpw-shadow:rgba(0,0,0,.25)}' +
    '@media (prefers-color-scheme:dark){:where(.bpw:not(.bpw-theme-light))' + DARK + '}' +
    ':where(.bpw.bpw-theme-dark)' + DARK +
    '.bpw *{box-sizing:border-box}' +
    '.bpw-launcher{position:fixed;inset-inline-end:20px;bottom:20px;z-index:2147483000;width:56px;' +
    'height:56px;border-radius:50%;border:0;cursor:pointer;background:var(--bpw-accent);' +
    'color:var(--bpw-accent-text);display:flex;align-items:center;justify-content:center;' +
    'box-shadow:0 4px 14px var(--bpw-shadow)}' +
    '.bpw-icon{width:24px;height:24px;fill:currentColor}' +
    '.bpw .bpw-launcher:focus-visible{outline:3px solid var(--bpw-accent);outline-offset:2px;' +
    'box-shadow:0 0 0 3px var(--bpw-bg)}';
  // its name, src/i18n.rs `OpenChat` (tested too), escaped for any page charset
  var NAMES = {
    en: 'Open chat',
    fr: 'Ouvrir le chat',
    es: 'Abrir el chat',
    de: 'Chat \u00f6ffnen',
    pt: 'Abrir o chat',
    ar: '\u0641\u062a\u062d \u0627\u0644\u0645\u062d\u0627\u062f\u062b\u0629',
  };
  var ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';

  function el(parent, tag, attrs, ns) {
    var e = ns ? d.createElementNS(ns, tag) : d.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    parent.appendChild(e);
    return e;
  }

  function draw(c, sel) {
    if (!c || typeof c != 'object' || !c.botId || c.hideWidget === true || c.viewMode == 'Fullscreen' || c.stylesheet) return;
    var target = sel ? d.querySelector(sel) : d.body; // a bad selector throws: init reports it
    if (!target) {
      // init before <body> or its target: draw when parsed
      if (d.readyState == 'loading') d.addEventListener('DOMContentLoaded', function () { safeDraw(c, sel); });
      return;
    }
    var id = typeof c.chatId == 'string' && c.chatId ? c.chatId + '-container' : 'bp-web-widget';
    if (d.getElementById(id) || !(w.ShadowRoot && 'adoptedStyleSheets' in ShadowRoot.prototype)) return;
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS + (typeof c.extraStylesheet == 'string' ? c.extraStylesheet : ''));
    // the language as src/i18n.rs picks it
    var loc = typeof c.locale == 'string' && c.locale.trim() && !/^browser$/i.test(c.locale.trim()) ? c.locale : navigator.language || '';
    var lang = loc.trim().split(/[-_]/)[0].toLowerCase();
    if (!NAMES.hasOwnProperty(lang)) lang = 'en';
    var host = d.createElement('div');
    host.id = id;
    host.className = 'bp-webchat-host';
    host.setAttribute('data-bpw-loader', '');
    var shadow = host.attachShadow({ mode: 'open' });
    shadow.adoptedStyleSheets = [sheet];
    // the real widget's tree: .bpw-mount > .bpw > button.bpw-launcher > svg
    var root = el(el(shadow, 'div', { class: 'bpw-mount' }), 'div', {
      class: 'bpw' + (typeof c.className == 'string' && c.className ? ' ' + c.className : ''),
      dir: lang == 'ar' ? 'rtl' : 'ltr',
      lang: lang,
    });
    var button = el(root, 'button', {
      type: 'button',
      class: 'bpw-launcher',
      'data-testid': 'launcher',
      'aria-label': NAMES[lang],
      'aria-expanded': 'false',
    });
    var svg = 'http://www.w3.org/2000/svg';
    var icon = el(button, 'svg', { class: 'bpw-icon', viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' }, svg);
    el(icon, 'path', { d: ICON }, svg);
    var clicked = false;
    button.addEventListener('click', function () {
      // replayed after the init above
      if (!clicked) api.sendEvent({ type: 'show' }, c.chatId);
      clicked = true;
      load();
    });
    target.appendChild(host);
  }

  function safeDraw(c, sel) {
    try {
      draw(c, sel);
    } catch (e) {
      // no placeholder; init still runs and reports a bad config
    }
  }

  ['init', 'configure', 'mergeConfig', 'sendEvent', 'sendPayload', 'onEvent', 'destroy', 'registerView'].forEach(function (m) {
    if (typeof api[m] == 'function') return; // never replace what the page defined
    api[m] = function () {
      var entry = { m: m, a: Array.prototype.slice.call(arguments) };
      q.push(entry);
      if (m === 'init') safeDraw(entry.a[0], entry.a[1]);
      if (m === 'onEvent') {
        // entry.r: the real unsubscribe, set at replay; before that, cancel the queued call
        return function () {
          if (typeof entry.r == 'function') entry.r();
          else entry.x = true;
        };
      }
    };
  });

  function idle() {
    if (w.requestIdleCallback) w.requestIdleCallback(load, { timeout: 2000 });
    else setTimeout(load, 200);
  }
  if (d.readyState == 'complete') idle();
  else w.addEventListener('load', idle);
})();

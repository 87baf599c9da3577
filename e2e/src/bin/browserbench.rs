//! Browser figures for `cargo xtask bench`: the widget in headless Chromium against the real
//! server (`WEBCHAT_SERVER_BIN`, the release build), measured inside the page with
//! `performance.now()`, plus CDP (through chromedriver) for the JS heap.
//!
//! Each mode prints one JSON line; every figure is `[min, median, max]` over the runs, with `runs`.
//!
//! `browserbench [--runs N]` (startup, cold runs, each with a new browser profile):
//! - `script_to_launcher`: script tag inserted → launcher in the shadow root with a size;
//! - `init_to_ready`: `init()` called → the `webchatReady` lifecycle message, and on the way:
//!   `init_to_glue_fetch` (the loader starts fetching the glue: browser idle), `init_to_wasm_fetched`
//!   (the wasm's `responseEnd`), `init_to_wasm` (the wasm installed the API: compiled and started);
//! - `click_to_composer`: launcher clicked → composer focused;
//! - `enter_to_reply`: Enter pressed → the demo bot's reply rendered (includes the server's time).
//!
//! `browserbench long --messages N [--runs R]`: one visitor whose conversation holds N seeded
//! messages of mixed types ([`webchat_e2e::bulk::mixed_payload`]), the server's history cap raised
//! above N so the widget receives all of them; each run is a new browser profile that reuses the
//! visitor id (set in `localStorage` before the loader runs):
//! - `history_messages`: messages `/conversations/get` returned (what the transcript holds);
//! - `init_to_ready`: `init()` → `webchatReady` (includes fetching the history);
//! - `open_to_latest`: launcher clicked → the latest message in the transcript's visible area
//!   (DOM and layout, checked on every DOM mutation and every frame);
//! - `append_median`, `append_p95`: one bot message, from its socket frame reaching the page to
//!   its row in the DOM, over 50 appends sent through the bridge from the page;
//! - `transcript_elements`, `message_rows`: `querySelectorAll('*')` inside the transcript and the
//!   rows, once settled;
//! - `js_heap_mb`: CDP `Runtime.getHeapUsage().usedSize` after `HeapProfiler.collectGarbage`;
//!   `wasm_memory_mb`: the widget's wasm linear memory (outside the JS heap; captured by wrapping
//!   `WebAssembly.instantiate*` before the loader runs);
//! - `scroll_max_frame`, `scroll_frames_over_50`: frame deltas (`requestAnimationFrame`) while the
//!   transcript is scrolled from the bottom to the top (a screen or more per frame, ≤ 25 s);
//!   `scroll_reached_first`: 1 when the first message was in the DOM at the top.
//!
//! `browserbench burst --count N [--runs R]`: a fresh visitor per run, the panel open, then the
//! bench sends N bot messages back to back through the bridge:
//! - `burst_ms`: first to last socket frame of the burst in the page;
//! - `max_frame`, `frames_over_50`: frame deltas from before the burst to 5 frames after the last
//!   row rendered; `loaf_max`: the longest `long-animation-frame` entry (0 when none);
//!   `burst_loaf_count`, `burst_loaf_script_ms`, `burst_loaf_forced_layout_ms`: how many long
//!   animation frames there were and the script time, and the style and layout it forced, in them;
//! - `render_lag`: last frame received → its row in the DOM; `rendered`: distinct burst rows that
//!   reached the DOM (below N only when a windowed transcript skipped rows it never showed).
//!
//! With `BENCH_PROFILE_DIR` set, each burst run also records a CPU profile of the page (CDP
//! `Profiler`, 200 µs sampling) from just before the first message to the last row, written as
//! `burst-{run}.cpuprofile` there (DevTools' Performance panel opens it): where the main thread's
//! time went, ours (wasm, glue), the browser's layout reads, and idle.
//!
//! Nothing here asserts a time.

use std::time::Instant;

use serde_json::{json, Map, Value};
use webchat_e2e::bulk::{self, Bridge, BENCH_BOT, SCROLLER_JS};
use webchat_e2e::{Browser, Server, ServerOptions, Site, BOT_CLIENT_ID, BOT_CLIENT_TOKEN};

/// The startup measurement: resolves with the four timings of one run.
const MEASURE: &str = r#"
const done = arguments[arguments.length - 1];
const host = arguments[0];
const t = {};
const root = () => (document.getElementById('bp-web-widget') || {}).shadowRoot;
const q = (id) => root() && root().querySelector(`[data-testid="${id}"]`);
const shown = (el) => el && el.getBoundingClientRect().width > 0;
const until = (cond) => new Promise((resolve) => {
  const tick = () => (cond() ? resolve(performance.now()) : requestAnimationFrame(tick));
  tick();
});
(async () => {
  const ready = new Promise((resolve) => window.addEventListener('message', (e) => {
    if (e.data && e.data.name === 'webchatReady') resolve(performance.now());
  }));
  const t0 = performance.now();
  const s = document.createElement('script');
  s.src = host + '/assets/modules/channel-web/inject.js';
  document.body.appendChild(s);
  await until(() => window.botpressWebChat && window.botpressWebChat.init);
  const tCall = performance.now();
  window.botpressWebChat.init({ host, botId: 'welcome-bot' });
  const wasmStarted = until(() => window.botpressWebChat.ready === true);
  t.script_to_launcher = (await until(() => shown(q('launcher')))) - t0;
  t.init_to_wasm = (await wasmStarted) - tCall;
  t.init_to_ready = (await ready) - tCall;
  const res = (name) => performance.getEntriesByType('resource').find((r) => r.name.endsWith(name));
  const glue = res('/webchat.js');
  const wasm = res('/webchat_bg.wasm');
  t.init_to_glue_fetch = glue ? glue.startTime - tCall : -1;
  t.init_to_wasm_fetched = wasm ? wasm.responseEnd - tCall : -1;
  const c0 = performance.now();
  q('launcher').click();
  t.click_to_composer = (await until(() => q('composer') && root().activeElement === q('composer'))) - c0;
  const text = 'bench ' + Math.random().toString(36).slice(2);
  const composer = q('composer');
  composer.value = text;
  composer.dispatchEvent(new Event('input', { bubbles: true }));
  const e0 = performance.now();
  composer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  t.enter_to_reply = (await until(() => [...root().querySelectorAll('[data-testid="message"][data-from="bot"]')]
    .some((m) => m.textContent.includes('You said: ' + text)))) - e0;
  done(t);
})().catch((e) => done({ error: String(e) }));
"#;

/// Installed on the blank host page before the loader: socket frames reach `window.__onFrame`
/// (before the widget's own handler), `/conversations/get` answers are counted into
/// `window.__history`, `webchatReady` is timed, and page helpers are defined.
const PRELUDE: &str = r#"
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      if (window.__onFrame) window.__onFrame(e.data, performance.now());
    });
  }
};
const nativeFetch = window.fetch;
window.fetch = function (input, init) {
  const url = String((input && input.url) || input);
  const t0 = performance.now();
  const p = nativeFetch.apply(this, arguments);
  if (url.includes('/conversations/get')) {
    p.then((r) => r.clone().text()).then((tx) => {
      let n = null;
      try { n = (JSON.parse(tx).messages || []).length; } catch (e) { /* not JSON */ }
      window.__history = { ms: performance.now() - t0, bytes: tx.length, messages: n };
    }).catch(() => {});
  }
  return p;
};
// The wasm instance's linear memory (the widget's own heap, outside the JS heap).
window.__wasmMemories = [];
const keep = (r) => {
  const inst = r && (r.instance || r);
  const mem = inst && inst.exports && inst.exports.memory;
  if (mem instanceof WebAssembly.Memory) window.__wasmMemories.push(mem);
  return r;
};
for (const name of ['instantiate', 'instantiateStreaming']) {
  const orig = WebAssembly[name];
  if (orig) WebAssembly[name] = function () { return orig.apply(this, arguments).then(keep); };
}
window.__ready = null;
window.addEventListener('message', (e) => {
  if (e.data && e.data.name === 'webchatReady' && window.__ready === null) window.__ready = performance.now();
});
window.__root = () => (document.getElementById('bp-web-widget') || {}).shadowRoot;
window.__q = (id) => window.__root() && window.__root().querySelector(`[data-testid="${id}"]`);
window.__frames = (n) => new Promise((res) => { const f = () => (n-- <= 0 ? res() : requestAnimationFrame(f)); f(); });
// Resolves with the time `cond` first holds, checked after every DOM mutation and every frame.
window.__until = (cond, ms = 120000) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  let mo = null;
  let over = false;
  const check = () => {
    if (over) return;
    let ok = false;
    try { ok = !!cond(); } catch (e) { ok = false; }
    if (ok) { over = true; if (mo) mo.disconnect(); resolve(performance.now()); }
    else if (performance.now() - t0 > ms) { over = true; if (mo) mo.disconnect(); reject(new Error('timed out: ' + cond)); }
  };
  mo = new MutationObserver(check);
  mo.observe(document.body, { childList: true, subtree: true, attributes: true });
  const r = window.__root();
  if (r) mo.observe(r, { childList: true, subtree: true, attributes: true });
  const tick = () => { check(); if (!over) requestAnimationFrame(tick); };
  tick();
});
window.__inView = (el) => {
  if (!el) return false;
  const sc = window.__scroller();
  if (!sc) return false;
  const a = el.getBoundingClientRect();
  const b = sc.getBoundingClientRect();
  return a.height > 0 && a.bottom > b.top + 1 && a.top < b.bottom - 1;
};
return true;
"#;

/// Loads the widget for `bot`, waits for `webchatReady`, opens the panel and waits until the
/// message `lastId` is in view. Arguments: host, bot, lastId.
const OPEN: &str = r#"
const done = arguments[arguments.length - 1];
const [host, bot, lastId] = arguments;
(async () => {
  const s = document.createElement('script');
  s.src = host + '/assets/modules/channel-web/inject.js';
  document.body.appendChild(s);
  await window.__until(() => window.botpressWebChat && window.botpressWebChat.init);
  const tCall = performance.now();
  window.botpressWebChat.init({ host, botId: bot });
  await window.__until(() => window.__ready !== null && window.__q('launcher'));
  const init_to_ready = window.__ready - tCall;
  await window.__frames(2);
  const c0 = performance.now();
  window.__q('launcher').click();
  const sel = lastId ? `[data-testid="message"][data-message-id="${lastId}"]` : null;
  const open_to_latest = (await window.__until(() => sel
    ? window.__inView(window.__root().querySelector(sel))
    : window.__q('transcript'), 60000)) - c0;
  done({ init_to_ready, open_to_latest });
})().catch((e) => done({ error: String(e) }));
"#;

/// Once settled: the transcript's element count and rows, and what the history fetch returned.
const COUNT: &str = r#"
const t = window.__q('transcript');
return {
  transcript_elements: t ? t.querySelectorAll('*').length : null,
  message_rows: t ? window.__root().querySelectorAll('[data-testid="message"]').length : null,
  history: window.__history || null,
  wasm_memory: window.__wasmMemories.reduce((a, m) => a + m.buffer.byteLength, 0),
};
"#;

/// Appends `n` bot messages one at a time through the bridge (from the page) and times each from
/// its socket frame to its row in the DOM. Arguments: client id, token, conversation, n.
const APPEND: &str = r#"
const done = arguments[arguments.length - 1];
const [cid, tok, conv, n] = arguments;
const root = window.__root();
(async () => {
  const times = [];
  let misses = 0;
  let lastId = null;
  for (let k = 0; k < n; k++) {
    const marker = `Appended #${k} ${Math.random().toString(36).slice(2, 8)}`;
    let tFrame = null;
    let tDom = null;
    let found;
    const dom = new Promise((res) => { found = res; });
    window.__onFrame = (d, t) => {
      if (tFrame === null && typeof d === 'string' && d.includes(marker)) tFrame = t;
    };
    const mo = new MutationObserver((recs) => {
      if (tDom !== null) return;
      for (const r of recs) {
        const nodes = r.type === 'characterData' ? [r.target] : r.addedNodes;
        for (const nd of nodes) {
          if ((nd.textContent || '').includes(marker)) { tDom = performance.now(); found(); return; }
        }
      }
    });
    mo.observe(root, { childList: true, subtree: true, characterData: true });
    const payload = k % 2
      ? { type: 'text', markdown: true, text: `**${marker}** with *markdown*` }
      : { type: 'text', text: marker };
    const resp = await fetch('/api/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bp-messaging-client-id': cid,
        'x-bp-messaging-client-token': tok },
      body: JSON.stringify({ conversationId: conv, payload }),
    });
    lastId = (await resp.json()).id || lastId;
    await Promise.race([dom, new Promise((res) => setTimeout(res, 10000))]);
    mo.disconnect();
    if (tFrame !== null && tDom !== null) times.push(tDom - tFrame); else misses++;
    await window.__frames(2);
  }
  window.__onFrame = null;
  done({ times, misses, lastId });
})().catch((e) => done({ error: String(e) }));
"#;

/// Scrolls the transcript from the bottom to the top, one step per frame, recording frame
/// deltas. Argument: the first message's id.
const SCROLL: &str = r#"
const done = arguments[arguments.length - 1];
const [firstId] = arguments;
(async () => {
  const sc = window.__scroller();
  const deltas = [];
  let last = null;
  let atTop = 0;
  const loafs = [];
  let obs = null;
  try {
    obs = new PerformanceObserver((l) => loafs.push(...l.getEntries()));
    obs.observe({ type: 'long-animation-frame' });
  } catch (_) {}
  const t0 = performance.now();
  await new Promise((res) => {
    const f = (ts) => {
      if (last !== null) deltas.push(ts - last);
      last = ts;
      atTop = sc.scrollTop <= 0 ? atTop + 1 : 0;
      if (atTop >= 10 || performance.now() - t0 > 25000) { res(); return; }
      const step = Math.max(600, Math.ceil(sc.scrollHeight / 300));
      sc.scrollTop = Math.max(0, sc.scrollTop - step);
      requestAnimationFrame(f);
    };
    requestAnimationFrame(f);
  });
  const first = window.__root().querySelector(`[data-testid="message"][data-message-id="${firstId}"]`);
  if (obs) { loafs.push(...obs.takeRecords()); obs.disconnect(); }
  // Where the long frames went: script (ours and the browser's), then style and layout.
  const sum = (f) => Math.round(loafs.reduce((a, e) => a + f(e), 0));
  done({
    scroll_loaf_count: loafs.length,
    scroll_loaf_ms: sum((e) => e.duration),
    scroll_loaf_script_ms: sum((e) => e.scripts.reduce((a, s) => a + s.duration, 0)),
    scroll_loaf_forced_layout_ms: sum((e) => e.scripts.reduce((a, s) => a + (s.forcedStyleAndLayoutDuration || 0), 0)),
    scroll_loaf_render_ms: sum((e) => e.renderStart ? e.startTime + e.duration - e.renderStart : 0),
    scroll_loaf_layout_ms: sum((e) => e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0),
    scroll_max_frame: Math.max(0, ...deltas),
    scroll_frames_over_50: deltas.filter((d) => d > 50).length,
    scroll_frames: deltas.length,
    scroll_reached_first: first ? 1 : 0,
  });
})().catch((e) => done({ error: String(e) }));
"#;

/// Arms the burst recorders (frames, rows, rAF deltas, long animation frames).
const BURST_ARM: &str = r#"
const root = window.__root();
const B = window.__burst = { frames: 0, tFirst: null, tLast: null, seen: new Set(), tDomLast: null,
  deltas: [], loaf: [], rec: true };
window.__onFrame = (d, t) => {
  if (typeof d === 'string' && d.includes('Burst #')) {
    B.frames++;
    if (B.tFirst === null) B.tFirst = t;
    B.tLast = t;
  }
};
B.mo = new MutationObserver((recs) => {
  for (const r of recs) {
    const nodes = r.type === 'characterData' ? [r.target] : r.addedNodes;
    for (const nd of nodes) {
      const m = (nd.textContent || '').match(/Burst #\d{3}/g);
      if (m) for (const x of m) if (!B.seen.has(x)) { B.seen.add(x); B.tDomLast = performance.now(); }
    }
  }
});
B.mo.observe(root, { childList: true, subtree: true, characterData: true });
let last = null;
const f = (ts) => { if (last !== null) B.deltas.push(ts - last); last = ts; if (B.rec) requestAnimationFrame(f); };
requestAnimationFrame(f);
try {
  B.po = new PerformanceObserver((l) => { for (const e of l.getEntries()) B.loaf.push(e); });
  B.po.observe({ type: 'long-animation-frame' });
} catch (e) { B.loaf = null; }
return true;
"#;

/// Waits for the whole burst (every frame and the last row), then 5 frames, and reports.
const BURST_WAIT: &str = r#"
const done = arguments[arguments.length - 1];
const [n] = arguments;
const B = window.__burst;
const lastMarker = 'Burst #' + String(n - 1).padStart(3, '0');
(async () => {
  const t0 = performance.now();
  const complete = () => B.frames >= n && B.seen.has(lastMarker);
  while (!complete() && performance.now() - t0 < 60000) await window.__frames(1);
  await window.__frames(5);
  B.rec = false;
  B.mo.disconnect();
  if (B.po) B.po.disconnect();
  window.__onFrame = null;
  done({
    complete: complete() ? 1 : 0,
    frames_received: B.frames,
    burst_ms: B.tLast - B.tFirst,
    render_lag: B.tDomLast - B.tLast,
    max_frame: Math.max(0, ...B.deltas),
    frames_over_50: B.deltas.filter((d) => d > 50).length,
    loaf_max: B.loaf ? Math.max(0, ...B.loaf.map((e) => e.duration)) : null,
    rendered: B.seen.size,
    burst_loaf_count: B.loaf ? B.loaf.length : null,
    burst_loaf_script_ms: B.loaf ? Math.round(B.loaf.reduce((a, e) => a + e.scripts.reduce((b, x) => b + x.duration, 0), 0)) : null,
    burst_loaf_forced_layout_ms: B.loaf ? Math.round(B.loaf.reduce((a, e) => a + e.scripts.reduce((b, x) => b + (x.forcedStyleAndLayoutDuration || 0), 0), 0)) : null,
  });
})().catch((e) => done({ error: String(e) }));
"#;

/// Appends per long-conversation run.
const APPENDS: usize = 50;

fn flag(args: &[String], name: &str) -> Option<usize> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let line = match args.first().map(String::as_str) {
        Some("long") => long(
            flag(&args, "--messages").unwrap_or(1000),
            flag(&args, "--runs").unwrap_or(3),
        ),
        Some("burst") => burst(
            flag(&args, "--count").unwrap_or(500),
            flag(&args, "--runs").unwrap_or(3),
        ),
        _ => startup(flag(&args, "--runs").unwrap_or(10)),
    };
    println!("{line}");
}

/// `[min, median, max]` of each key over the samples, plus `runs` (the sample count).
fn summarize(samples: &[Map<String, Value>], keys: &[&str]) -> Value {
    let mut out = Map::new();
    out.insert("runs".into(), json!(samples.len()));
    for key in keys {
        let mut xs: Vec<f64> = samples
            .iter()
            .filter_map(|s| s.get(*key)?.as_f64())
            .collect();
        xs.sort_by(f64::total_cmp);
        if xs.is_empty() {
            continue;
        }
        out.insert(
            (*key).into(),
            json!([xs[0], xs[xs.len() / 2], xs[xs.len() - 1]]),
        );
    }
    Value::Object(out)
}

/// The `q`-quantile (0..=1) of `xs` (nearest rank).
fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    (n > 0).then(|| v[((q * n as f64).ceil() as usize).clamp(1, n) - 1])
}

fn startup(runs: usize) -> Value {
    let server = Server::start();
    let mut samples = Vec::new();
    for _ in 0..runs {
        let browser = Browser::start();
        // A same-origin page without the widget on it: the health check.
        browser.goto(&format!("{}/healthz", server.url));
        let v = browser.exec_async(MEASURE, json!([server.url]));
        match v {
            Value::Object(m) if !m.contains_key("error") => samples.push(m),
            other => eprintln!("startup run failed: {other}"),
        }
    }
    summarize(
        &samples,
        &[
            "script_to_launcher",
            "init_to_glue_fetch",
            "init_to_wasm_fetched",
            "init_to_wasm",
            "init_to_ready",
            "click_to_composer",
            "enter_to_reply",
        ],
    )
}

/// A browser on `site`'s blank page of `server` with the prelude installed and `visitor` stored
/// as the widget's visitor id.
fn bench_page(server: &Server, visitor: &str) -> Browser {
    let browser = Browser::start();
    browser.set_script_timeout(300_000);
    browser.goto(&format!("{}/blank.html", server.url));
    browser.wait_for("the host page", "document.readyState === 'complete'");
    browser.exec(
        "localStorage.setItem('bp/socket/user', arguments[0]); return true;",
        json!([visitor]),
    );
    browser.exec(&format!("{SCROLLER_JS}\n{PRELUDE}"), json!([]));
    browser
}

fn bench_server(site: &Site, history: usize) -> Server {
    Server::start_with(
        None,
        ServerOptions {
            config: Some(bulk::bench_config(history)),
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    )
}

fn long(messages: usize, runs: usize) -> Value {
    let site = Site::new();
    let server = bench_server(&site, messages + runs * APPENDS + 100);
    let visitor = bulk::visitor_id(messages as u64);
    let bridge = Bridge::for_visitor(&server.url, BENCH_BOT, &visitor);
    let t = Instant::now();
    let ids = bridge.seed(0, messages.saturating_sub(1));
    let latest = bridge.send(
        &json!({"type": "text", "text": format!("Latest message #{}", messages - 1)}),
        false,
    );
    let mut latest_id = latest["id"].as_str().unwrap_or_default().to_string();
    let first_id = ids.first().cloned().unwrap_or_else(|| latest_id.clone());
    eprintln!(
        "long {messages}: seeded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut samples = Vec::new();
    for run in 0..runs {
        let browser = bench_page(&server, &visitor);
        let open = browser.exec_async(OPEN, json!([server.url, BENCH_BOT, latest_id]));
        let Value::Object(mut m) = open else {
            continue;
        };
        if let Some(e) = m.get("error") {
            eprintln!("long {messages} run {run}: {e}");
            continue;
        }
        // Settle (images, the scroll to the bottom) before counting and weighing.
        browser.exec_async(
            "const done = arguments[arguments.length - 1]; setTimeout(done, 1000);",
            json!([]),
        );
        let counts = browser.exec(COUNT, json!([]));
        for k in ["transcript_elements", "message_rows"] {
            m.insert(k.into(), counts[k].clone());
        }
        m.insert(
            "history_messages".into(),
            counts["history"]["messages"].clone(),
        );
        browser.cdp("HeapProfiler.collectGarbage", json!({}));
        let heap = browser.cdp("Runtime.getHeapUsage", json!({}));
        let mb = |v: &Value| v.as_f64().map(|b| b / (1024.0 * 1024.0));
        m.insert("js_heap_mb".into(), json!(mb(&heap["usedSize"])));
        m.insert("wasm_memory_mb".into(), json!(mb(&counts["wasm_memory"])));
        let app = browser.exec_async(
            APPEND,
            json!([
                BOT_CLIENT_ID,
                BOT_CLIENT_TOKEN,
                bridge.conversation,
                APPENDS
            ]),
        );
        let times: Vec<f64> = app["times"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        if let Some(e) = app.get("error") {
            eprintln!("long {messages} run {run}: appends: {e}");
        }
        m.insert("append_median".into(), json!(quantile(&times, 0.5)));
        m.insert("append_p95".into(), json!(quantile(&times, 0.95)));
        m.insert("append_misses".into(), app["misses"].clone());
        // The appended messages are now the latest: the next run opens on the last of them.
        if let Some(id) = app["lastId"].as_str() {
            latest_id = id.to_string();
        }
        let scroll = browser.exec_async(SCROLL, json!([first_id]));
        if let Value::Object(s) = scroll {
            if let Some(e) = s.get("error") {
                eprintln!("long {messages} run {run}: scroll: {e}");
            }
            m.extend(s);
        }
        eprintln!("long {messages} run {run}: {}", Value::Object(m.clone()));
        samples.push(m);
    }
    summarize(
        &samples,
        &[
            "history_messages",
            "init_to_ready",
            "open_to_latest",
            "append_median",
            "append_p95",
            "append_misses",
            "transcript_elements",
            "message_rows",
            "js_heap_mb",
            "wasm_memory_mb",
            "scroll_max_frame",
            "scroll_frames_over_50",
            "scroll_reached_first",
        ],
    )
}

fn burst(count: usize, runs: usize) -> Value {
    let site = Site::new();
    let server = bench_server(&site, count + 100);
    let mut samples = Vec::new();
    for run in 0..runs {
        let visitor = bulk::visitor_id(7000 + run as u64);
        let bridge = Bridge::for_visitor(&server.url, BENCH_BOT, &visitor);
        let browser = bench_page(&server, &visitor);
        let open = browser.exec_async(OPEN, json!([server.url, BENCH_BOT, ""]));
        if let Some(e) = open.get("error") {
            eprintln!("burst run {run}: {e}");
            continue;
        }
        browser.exec_async(
            "const done = arguments[arguments.length - 1]; window.__frames(10).then(() => done(true));",
            json!([]),
        );
        browser.exec(BURST_ARM, json!([]));
        let profile = std::env::var_os("BENCH_PROFILE_DIR");
        if profile.is_some() {
            browser.cdp("Profiler.enable", json!({}));
            browser.cdp("Profiler.setSamplingInterval", json!({"interval": 200}));
            browser.cdp("Profiler.start", json!({}));
        }
        let t = Instant::now();
        for i in 0..count {
            bridge.send(
                &json!({"type": "text", "text": format!("Burst #{i:03} of {count}")}),
                false,
            );
        }
        let send_ms = t.elapsed().as_secs_f64() * 1000.0;
        let v = browser.exec_async(BURST_WAIT, json!([count]));
        if let Some(dir) = &profile {
            let stopped = browser.cdp("Profiler.stop", json!({}));
            let path = std::path::Path::new(dir).join(format!("burst-{run}.cpuprofile"));
            let written = std::fs::write(
                &path,
                stopped
                    .pointer("/value/profile")
                    .unwrap_or(&stopped)
                    .to_string(),
            );
            if let Err(e) = written {
                eprintln!("burst run {run}: cannot write {}: {e}", path.display());
            }
        }
        let Value::Object(mut m) = v else { continue };
        if let Some(e) = m.get("error") {
            eprintln!("burst run {run}: {e}");
            continue;
        }
        m.insert("send_ms".into(), json!(send_ms));
        eprintln!("burst run {run}: {}", Value::Object(m.clone()));
        samples.push(m);
    }
    summarize(
        &samples,
        &[
            "complete",
            "send_ms",
            "burst_ms",
            "max_frame",
            "frames_over_50",
            "loaf_max",
            "burst_loaf_count",
            "burst_loaf_script_ms",
            "burst_loaf_forced_layout_ms",
            "render_lag",
            "rendered",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let xs: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(quantile(&xs, 0.5), Some(10.0));
        assert_eq!(quantile(&xs, 0.95), Some(19.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn summaries_give_min_median_max_and_the_run_count() {
        let s = |v: f64| {
            let mut m = Map::new();
            m.insert("x".into(), json!(v));
            m
        };
        let out = summarize(&[s(3.0), s(1.0), s(2.0)], &["x", "absent"]);
        assert_eq!(out, json!({"runs": 3, "x": [1.0, 2.0, 3.0]}));
    }
}

//! Browser timings for `cargo xtask bench`: cold runs of the widget in headless Chromium against
//! the release server, measured inside the page with `performance.now()`.
//!
//! `browserbench --runs N` prints one JSON line with, for each figure, `[min, median, max]` in
//! milliseconds and the run count:
//! - `script_to_launcher`: script tag inserted → launcher in the shadow root;
//! - `init_to_ready`: `init()` called → the `webchatReady` lifecycle message;
//! - `click_to_composer`: launcher clicked → composer focused;
//! - `enter_to_reply`: Enter pressed → the demo bot's reply rendered (includes the server's time).
//!
//! Each run uses a new browser profile, so nothing is cached. Nothing here asserts a time.

use serde_json::{json, Value};
use webchat_e2e::{Browser, Server};

/// The page-side measurement: resolves with the four timings of one run.
const MEASURE: &str = r#"
const done = arguments[arguments.length - 1];
const host = arguments[0];
const t = {};
const root = () => (document.getElementById('bp-web-widget') || {}).shadowRoot;
const q = (id) => root() && root().querySelector(`[data-testid="${id}"]`);
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
  const tInit = performance.now();
  await until(() => window.botpressWebChat && window.botpressWebChat.init);
  const tCall = performance.now();
  window.botpressWebChat.init({ host, botId: 'welcome-bot' });
  t.script_to_launcher = (await until(() => q('launcher'))) - t0;
  t.init_to_ready = (await ready) - tCall;
  const c0 = performance.now();
  q('launcher').click();
  t.click_to_composer = (await until(() => root().activeElement === q('composer'))) - c0;
  const text = 'bench ' + Math.random().toString(36).slice(2);
  const composer = q('composer');
  composer.value = text;
  composer.dispatchEvent(new Event('input', { bubbles: true }));
  const e0 = performance.now();
  composer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  t.enter_to_reply = (await until(() => [...root().querySelectorAll('[data-testid="message"][data-from="bot"]')]
    .some((m) => m.textContent.includes('You said: ' + text)))) - e0;
  void tInit;
  done(t);
})().catch((e) => done({ error: String(e) }));
"#;

fn main() {
    let runs: usize = std::env::args()
        .skip_while(|a| a != "--runs")
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let server = Server::start();
    let mut samples: Vec<Value> = Vec::new();
    for _ in 0..runs {
        let browser = Browser::start();
        // A same-origin page without the widget on it: the health check.
        browser.goto(&format!("{}/healthz", server.url));
        let v = browser.exec_async(MEASURE, json!([server.url]));
        if let Some(e) = v.get("error") {
            eprintln!("run failed: {e}");
            continue;
        }
        samples.push(v);
    }
    let mut out = serde_json::Map::new();
    out.insert("runs".into(), json!(samples.len()));
    for key in [
        "script_to_launcher",
        "init_to_ready",
        "click_to_composer",
        "enter_to_reply",
    ] {
        let mut xs: Vec<f64> = samples.iter().filter_map(|s| s[key].as_f64()).collect();
        xs.sort_by(f64::total_cmp);
        if xs.is_empty() {
            continue;
        }
        out.insert(
            key.into(),
            json!([xs[0], xs[xs.len() / 2], xs[xs.len() - 1]]),
        );
    }
    println!("{}", Value::Object(out));
}

//! Hostile bot content never runs: hundreds of payloads (every URL field of every type × URL
//! vectors, every text field × HTML vectors, from `e2e/fixtures/xss.json`) are sent by the bot
//! through the messaging bridge, and after each one is rendered the page is checked: the trap
//! `window.__pwned` is unset, the shadow root holds no script-capable element, no `on*` attribute
//! and no `href`/`src` outside the allowlist (http, https, mailto, tel).

use serde_json::{json, Map, Value};
use webchat_e2e::{transcript_total_js, widget_root_js, Browser, Server};

const DATA: &str = include_str!("../fixtures/xss.json");

/// The trap: anything a payload runs sets `window.__pwned` (the vectors assign it directly; the
/// dialogs and `window.open` are replaced so they set it too). Also registers the `xss/Echo`
/// custom view, which shows its props as text only.
const TRAP: &str = "window.__pwned = undefined;\
  ['alert', 'confirm', 'prompt', 'open', 'print'].forEach(function (f) {\
    window[f] = function () { window.__pwned = 'window.' + f + ' called'; }; });\
  window.__scripts = document.scripts.length;\
  if (typeof window.botpressWebChat.registerView === 'function')\
    window.botpressWebChat.registerView('xss', 'Echo', function (container, props) {\
      var p = document.createElement('pre'); p.className = 'xss-echo';\
      p.textContent = JSON.stringify(props); container.appendChild(p); });";

/// Returns the list of problems in the page (empty when clean).
const INSPECT: &str = r#"
const root = arguments[0];
const bad = [];
if (window.__pwned !== undefined) bad.push('window.__pwned = ' + String(window.__pwned));
if (!root) return ['no shadow root'];
const allowed = ['http:', 'https:', 'mailto:', 'tel:'];
const banned = ['script', 'iframe', 'object', 'embed', 'frame', 'frameset', 'base', 'meta', 'applet',
  'portal', 'foreignobject', 'animate', 'set', 'handler', 'noscript', 'template', 'math'];
const urlAttrs = ['href', 'src', 'xlink:href', 'action', 'formaction', 'poster', 'data', 'background',
  'srcset', 'srcdoc', 'codebase', 'cite', 'ping'];
for (const el of root.querySelectorAll('*')) {
  const tag = el.localName.toLowerCase();
  if (banned.includes(tag)) bad.push('<' + tag + '> ' + el.outerHTML.slice(0, 160));
  for (const a of el.attributes) {
    const name = a.name.toLowerCase();
    if (name.startsWith('on')) bad.push('attribute ' + name + ' on <' + tag + '>: ' + a.value.slice(0, 120));
    if (name === 'style' && /(javascript:|expression\(|url\()/i.test(a.value))
      bad.push('style on <' + tag + '>: ' + a.value.slice(0, 120));
    if (urlAttrs.includes(name)) {
      if (name === 'srcdoc' || name === 'srcset') { bad.push(name + ' on <' + tag + '>'); continue; }
      let proto;
      try { proto = new URL(a.value, document.baseURI).protocol; } catch (e) { proto = 'unparsable'; }
      if (!allowed.includes(proto))
        bad.push(name + '=' + JSON.stringify(a.value.slice(0, 120)) + ' (' + proto + ') on <' + tag + '>');
    }
  }
}
for (const t of ['iframe', 'object', 'embed', 'frame'])
  if (document.getElementsByTagName(t).length) bad.push('<' + t + '> in the page');
if (document.scripts.length !== window.__scripts) bad.push('a <script> was added to the page');
return bad;
"#;

/// How often each problem occurs.
fn counts(problems: Vec<String>) -> std::collections::HashMap<String, usize> {
    let mut map = std::collections::HashMap::new();
    for p in problems {
        *map.entry(p).or_insert(0) += 1;
    }
    map
}

/// Puts `vector` into every `$V` of `template`.
fn fill(template: &Value, vector: &str) -> Value {
    match template {
        Value::String(s) if s == "$V" => Value::String(vector.to_string()),
        Value::String(s) => Value::String(s.replace("$V", vector)),
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, vector)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, vector)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The field × vector matrix of one family of the data file.
fn matrix(data: &Value, fields: &str, vectors: &str) -> Vec<Value> {
    let fields = data[fields].as_array().expect("field templates");
    let vectors = data[vectors].as_array().expect("vectors");
    fields
        .iter()
        .flat_map(|f| {
            vectors
                .iter()
                .map(move |v| fill(f, v.as_str().expect("vector")))
        })
        .collect()
}

fn inspect(browser: &Browser) -> Vec<String> {
    let v = browser.exec(
        &format!(
            "return (function () {{ {INSPECT} }}).apply(null, [{}]);",
            widget_root_js()
        ),
        json!([]),
    );
    v.as_array()
        .unwrap_or_else(|| panic!("inspection failed: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_default().to_string())
        .collect()
}

/// Console errors other than the expected ones: a hostile value that is not a scheme resolves as a
/// path on the bot's own server and 404s, and a custom payload naming an unregistered view is
/// reported by the registry (`webchat: custom view failed:`).
fn unexpected_errors(browser: &Browser, server: &Server) -> Vec<String> {
    browser
        .console_errors()
        .into_iter()
        .filter(|e| {
            let own_404 = e.starts_with(&format!("{}/", server.url)) && e.contains("status of 404");
            !own_404 && !e.contains("webchat: custom view failed:")
        })
        .collect()
}

/// Sends every payload as the bot, one at a time, and inspects the page after each has rendered.
fn run_suite(payloads: &[Value]) -> (Server, Browser, String) {
    let server = Server::start_with_bridge();
    let browser = Browser::start();
    browser.open_demo(&server);
    browser.exec(TRAP, json!([]));
    let conversation = browser.conversation_id();
    let baseline = inspect(&browser);
    assert!(
        baseline.is_empty(),
        "the widget is not clean before any payload: {baseline:#?}"
    );

    let rows = |n: u64| format!("{} >= {n}", transcript_total_js());
    let mut expected = browser.message_count();
    let mut failures = Vec::new();
    // What each payload's row rendered, summed: the transcript is windowed, so the rows of early
    // payloads are no longer in the DOM when the suite ends.
    let mut reached = Map::new();
    let mut seen = counts(Vec::new());
    let user = server.conversation_user(&conversation);
    for (i, payload) in payloads.iter().enumerate() {
        if payload.get("botAvatarUrl").is_some() {
            // The avatar shows on the first message of a bot group: start a new group.
            server.send_as_user(
                &conversation,
                &user,
                &json!({"type": "text", "text": "next"}),
            );
            expected += 1;
        }
        server.send_as_bot(&conversation, payload);
        expected += 1;
        browser.wait_for(
            &format!("payload #{i} to render: {payload}"),
            &rows(expected),
        );
        let row = browser.exec(
            &format!(
                "const r = {}; const row = r.querySelector('[data-testid=\"message\"][aria-posinset=\"{expected}\"]');\
                 const n = s => row ? row.querySelectorAll(s).length : 0;\
                 return {{rows: row ? 1 : 0, unsupported: n('[data-testid=\"bpw-unsupported\"]'),\
                   refused: n('.bpw-media-refused'), cards: n('[data-testid=\"bpw-card\"]'), markdown: n('.bpw-markdown'),\
                   echo: n('.xss-echo'), links: n('a[href]')}};",
                widget_root_js()
            ),
            json!([]),
        );
        for (k, v) in row.as_object().into_iter().flatten() {
            let sum = reached.get(k).and_then(Value::as_u64).unwrap_or(0) + v.as_u64().unwrap_or(0);
            reached.insert(k.clone(), json!(sum));
        }
        // Report what this payload added (an earlier finding stays in the DOM).
        let now = counts(inspect(&browser));
        let problems: Vec<String> = now
            .iter()
            .filter(|(p, n)| **n > seen.get(*p).copied().unwrap_or(0))
            .map(|(p, _)| p.clone())
            .collect();
        seen = now;
        if !problems.is_empty() {
            failures.push(format!("#{i} {payload}\n    {}", problems.join("\n    ")));
            // a payload that ran code would taint every later check: reset the trap
            browser.exec("window.__pwned = undefined;", json!([]));
            seen.retain(|p, _| !p.starts_with("window.__pwned"));
        }
    }
    // An event handler that only fires later (e.g. an image error) is caught here at the latest.
    let late: Vec<String> = counts(inspect(&browser))
        .into_iter()
        .filter(|(p, n)| *n > seen.get(p).copied().unwrap_or(0))
        .map(|(p, _)| p)
        .collect();
    assert!(
        failures.is_empty() && late.is_empty(),
        "{} of {} hostile payloads got through:\n{}\nafter all: {late:#?}",
        failures.len(),
        payloads.len(),
        failures.join("\n")
    );
    // The payloads reached the real renderers (not only the "unsupported" fallback).
    let reached = Value::Object(reached);
    eprintln!("rendered: {reached}");
    for key in ["cards", "markdown", "echo", "links"] {
        assert!(
            reached[key].as_u64().unwrap_or(0) > 0,
            "no {key} rendered: {reached}"
        );
    }
    assert!(
        reached["unsupported"].as_u64().unwrap_or(0) * 4 < payloads.len() as u64,
        "most payloads only reached the fallback: {reached}"
    );
    let errors = unexpected_errors(&browser, &server);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    (server, browser, conversation)
}

fn data() -> Value {
    serde_json::from_str(DATA).expect("e2e/fixtures/xss.json is valid JSON")
}

#[test]
fn the_matrix_has_at_least_a_hundred_payloads_and_every_one_is_armed() {
    let d = data();
    let all: Vec<Value> = [
        matrix(&d, "url_fields", "url_vectors"),
        matrix(&d, "text_fields", "html_vectors"),
    ]
    .concat();
    assert!(all.len() >= 100, "only {} payloads", all.len());
    for p in &all {
        let s = p.to_string();
        assert!(!s.contains("$V"), "unfilled template: {s}");
        assert!(p["type"].is_string(), "payload without a type: {s}");
    }
}

#[test]
fn hostile_urls_in_every_url_field_are_refused() {
    let d = data();
    let mut payloads = matrix(&d, "url_fields", "url_vectors");
    payloads.extend(d["extras"].as_array().expect("extras").iter().cloned());
    let _ = run_suite(&payloads);
}

#[test]
fn hostile_markup_in_every_text_field_stays_text() {
    let (server, browser, conversation) =
        run_suite(&matrix(&data(), "text_fields", "html_vectors"));

    // The conversation list previews the last message: hostile text there stays text too.
    let last = "<img src=x onerror=\"window.__pwned=1\"> preview";
    server.send_as_bot(&conversation, &json!({"type": "text", "text": last}));
    let root = widget_root_js();
    browser.wait_for(
        "the last hostile message",
        &format!(
            "[...{root}.querySelectorAll('[data-testid=\"message\"]')].some(m => m.textContent.includes({}))",
            json!(last)
        ),
    );
    let list = browser.widget_el("conversations");
    browser.click(&list);
    browser.wait_for(
        "the preview of the hostile message",
        &format!(
            "[...{root}.querySelectorAll('[data-testid=\"conversation\"]')].some(c => c.textContent.includes({}))",
            json!(last)
        ),
    );
    let problems = inspect(&browser);
    assert!(problems.is_empty(), "conversation list: {problems:#?}");
    let errors = unexpected_errors(&browser, &server);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[test]
fn hostile_markup_typed_by_the_visitor_shows_as_typed() {
    let server = Server::start_with_bridge();
    let browser = Browser::start();
    browser.open_demo(&server);
    browser.exec(TRAP, json!([]));
    let d = data();
    // WebDriver would type a newline or tab as a key press: those vectors are covered by the bot side.
    let vectors: Vec<&str> = d["html_vectors"]
        .as_array()
        .expect("html vectors")
        .iter()
        .filter_map(Value::as_str)
        .filter(|v| !v.chars().any(char::is_control))
        .collect();
    assert!(vectors.len() > 20, "too few typeable vectors");
    let root = widget_root_js();
    let mut failures = Vec::new();
    for (i, vector) in vectors.iter().enumerate() {
        browser.say(vector);
        // The visitor's bubble shows the text verbatim, and the demo bot echoes it back.
        let shown = format!(
            "(() => {{ const v = {}; const ms = [...{root}.querySelectorAll('[data-testid=\"message\"]')];\
               return ms.some(m => m.dataset.from === 'user' && m.textContent.includes(v))\
                 && ms.some(m => m.dataset.from === 'bot' && m.textContent.includes('You said: ' + v)); }})()",
            json!(vector)
        );
        browser.wait_for(&format!("vector #{i} shown as typed: {vector}"), &shown);
        let problems = inspect(&browser);
        if !problems.is_empty() {
            failures.push(format!("#{i} {vector}\n    {}", problems.join("\n    ")));
            browser.exec("window.__pwned = undefined;", json!([]));
        }
    }
    assert!(
        failures.is_empty(),
        "typed vectors got through:\n{}",
        failures.join("\n")
    );
    let errors = unexpected_errors(&browser, &server);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

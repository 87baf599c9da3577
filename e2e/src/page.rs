//! Host-page helpers and the widget page object.
//!
//! [`open_host_page`] loads `blank.html` from a [`crate::Site`] and installs recorders before the
//! widget exists: `window.__posts` (every `postMessage` lifecycle message with its origin),
//! `window.__sockets` (every `WebSocket` the page opens) and, after [`capture_events`],
//! `window.__events` (everything `onEvent` delivers). [`load_inject`] then adds the v12 loader
//! script exactly as an embedding site does.

use serde_json::{json, Value};

use crate::{Browser, Element};

/// Recorders installed before the loader runs.
const PRELUDE: &str = r#"
window.__posts = [];
window.addEventListener('message', (e) => {
  if (e.data && typeof e.data === 'object' && typeof e.data.name === 'string') {
    window.__posts.push({ name: e.data.name, chatId: e.data.chatId, payload: e.data.payload,
      origin: e.origin, sameWindow: e.source === window });
  }
});
window.__postTargets = [];
const nativePost = window.postMessage.bind(window);
window.postMessage = function (msg, target, ...rest) {
  const t = typeof target === 'string' ? target : (target && target.targetOrigin);
  window.__postTargets.push({ name: msg && msg.name, target: t });
  return nativePost(msg, target, ...rest);
};
const Native = window.WebSocket;
window.__sockets = [];
window.WebSocket = class extends Native {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
return true;
"#;

/// Opens `{origin}/blank.html` and installs the recorders.
pub fn open_host_page(browser: &Browser, origin: &str) {
    browser.goto(&format!("{origin}/blank.html"));
    browser.wait_for("the host page", "document.readyState === 'complete'");
    browser.exec(PRELUDE, json!([]));
}

/// Adds `<script src="/assets/modules/channel-web/inject.js">` and waits until it ran (the global
/// exists; the wasm may still be loading).
pub fn load_inject(browser: &Browser) {
    let ok = browser.exec_async(
        r#"const done = arguments[arguments.length - 1];
           const s = document.createElement('script');
           s.src = '/assets/modules/channel-web/inject.js';
           s.onload = () => done(true);
           s.onerror = () => done(false);
           document.body.appendChild(s);"#,
        json!([]),
    );
    assert_eq!(ok, json!(true), "inject.js did not load");
}

/// Loads the loader and waits until the wasm installed the real API.
pub fn load_widget_runtime(browser: &Browser) {
    load_inject(browser);
    browser.wait_for(
        "the wasm API",
        "window.botpressWebChat && window.botpressWebChat.ready === true",
    );
}

/// Subscribes a recorder to every `onEvent` topic: `window.__events` gets `{type, value, chatId}`.
pub fn capture_events(browser: &Browser) {
    browser.exec(
        "window.__events = window.__events || [];\
         window.__unsubAll = window.botpressWebChat.onEvent((e) => window.__events.push(e));\
         return true;",
        json!([]),
    );
}

/// Calls `window.botpressWebChat[method](...args)`; `Err` carries the thrown error's
/// `name: message`.
pub fn call(browser: &Browser, method: &str, args: Value) -> Result<Value, String> {
    let v = browser.exec(
        r#"try {
             const r = window.botpressWebChat[arguments[0]](...arguments[1]);
             return { ok: r === undefined ? null : (typeof r === 'function' ? 'function' : r) };
           } catch (e) {
             return { err: (e instanceof Error ? 'Error: ' : 'not an Error: ') + (e && e.message) };
           }"#,
        json!([method, args]),
    );
    match v.get("err") {
        Some(e) => Err(e.as_str().unwrap_or_default().to_string()),
        None => Ok(v["ok"].clone()),
    }
}

/// Like [`call`], failing the test when the call throws.
pub fn must(browser: &Browser, method: &str, args: Value) -> Value {
    call(browser, method, args).unwrap_or_else(|e| panic!("{method} threw: {e}"))
}

/// The v12 config for the demo bot on `origin`, plus `extra` keys.
pub fn config(origin: &str, extra: Value) -> Value {
    let mut c = json!({ "host": origin, "botId": "welcome-bot" });
    if let (Some(c), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            c.insert(k.clone(), v.clone());
        }
    }
    c
}

/// One widget on the page (by `chatId`), as a user and a test see it.
#[derive(Debug, Clone)]
pub struct Widget {
    root: String,
}

impl Widget {
    /// The widget without a chatId (`#bp-web-widget`).
    pub fn default_one() -> Widget {
        Widget {
            root: crate::widget_root_js().to_string(),
        }
    }

    /// The widget mounted with `chatId` (`#{chatId}-container`).
    pub fn with_chat_id(chat_id: &str) -> Widget {
        Widget {
            root: format!("(document.getElementById('{chat_id}-container') || {{}}).shadowRoot"),
        }
    }

    /// JavaScript for this widget's shadow root.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// JavaScript: the element with `data-testid=testid` (or null).
    pub fn q(&self, testid: &str) -> String {
        format!(
            "({r} ? {r}.querySelector('[data-testid=\"{testid}\"]') : null)",
            r = self.root
        )
    }

    /// Waits for the element with `data-testid=testid`.
    pub fn el(&self, b: &Browser, testid: &str) -> Element {
        b.el_in(&format!("({} || document)", self.root), testid)
    }

    /// Opens the panel with the launcher (when it is closed) and waits for the composer.
    pub fn open(&self, b: &Browser) {
        let open = b.exec(&format!("return !!{}", self.q("panel")), json!([]));
        if open != json!(true) {
            let launcher = self.el(b, "launcher");
            b.click(&launcher);
        }
        self.el(b, "composer");
    }

    /// Types `text` and presses Enter, as a user.
    pub fn say(&self, b: &Browser, text: &str) {
        let composer = self.el(b, "composer");
        b.type_into(&composer, &format!("{text}\u{E007}"));
    }

    /// JavaScript: the transcript as `[{from, text}]`.
    pub fn messages_js(&self) -> String {
        format!(
            "[...(({r}) ? ({r}).querySelectorAll('[data-testid=\"message\"]') : [])]\
             .map(m => ({{ from: m.dataset.from, text: m.textContent.trim() }}))",
            r = self.root
        )
    }

    /// The transcript as `(from, text)` pairs.
    pub fn messages(&self, b: &Browser) -> Vec<(String, String)> {
        let v = b.exec(&format!("return {};", self.messages_js()), json!([]));
        v.as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|m| {
                (
                    m["from"].as_str().unwrap_or_default().to_string(),
                    m["text"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Waits until a message from `from` (`bot`/`user`) contains `text`.
    pub fn wait_message(&self, b: &Browser, from: &str, text: &str) {
        let t = serde_json::to_string(text).expect("string");
        b.wait_for(
            &format!("a {from} message containing {text:?}"),
            &format!(
                "{}.some(m => m.from === '{from}' && m.text.includes({t}))",
                self.messages_js()
            ),
        );
    }

    /// Waits until a bot message after the user's message `said` contains `reply`.
    pub fn wait_reply(&self, b: &Browser, said: &str, reply: &str) {
        let s = serde_json::to_string(said).expect("string");
        let r = serde_json::to_string(reply).expect("string");
        b.wait_for(
            &format!("the bot's {reply:?} after {said:?}"),
            &format!(
                "(() => {{ const ms = {}; \
                   const u = ms.findIndex(m => m.from === 'user' && m.text.includes({s})); \
                   return u >= 0 && ms.slice(u + 1).some(m => m.from === 'bot' && m.text.includes({r})); }})()",
                self.messages_js()
            ),
        );
    }

    /// How many transcript messages from `from` contain `text`.
    pub fn count(&self, b: &Browser, from: &str, text: &str) -> usize {
        self.messages(b)
            .iter()
            .filter(|(f, t)| f == from && t.contains(text))
            .count()
    }
}

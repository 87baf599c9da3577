//! Custom views (`type:'custom'`, botpress-protocols.md §1.9) registered by the page through
//! `window.botpressWebChat.registerView(module, view, render)`: props, a payload sent back, the
//! fallback for unregistered views, and the per-message isolation of a view that throws.

use serde_json::{json, Value};
use webchat_e2e::{transcript_total_js, widget_root_js, Browser, Server};

/// Starts a bridge-enabled server, opens the demo page and returns the conversation id.
fn setup() -> (Server, Browser, String) {
    let server = Server::start_with_bridge();
    let browser = Browser::start();
    browser.open_demo(&server);
    let register = browser.exec(
        "return typeof window.botpressWebChat.registerView;",
        json!([]),
    );
    assert_eq!(
        register, "function",
        "window.botpressWebChat.registerView is missing"
    );
    let conversation = browser.conversation_id();
    (server, browser, conversation)
}

/// Sends `payloads` as the bot and waits until each has its transcript row.
fn bot_says(server: &Server, browser: &Browser, conversation: &str, payloads: &[Value]) {
    let before = browser.message_count();
    for p in payloads {
        server.send_as_bot(conversation, p);
    }
    let n = before + payloads.len() as u64;
    browser.wait_for(
        &format!("{} bot rows", payloads.len()),
        &format!("{} >= {n}", transcript_total_js()),
    );
}

/// JS: the transcript row whose text contains `arguments[0]`'s marker.
fn row_js(marker: &str) -> String {
    format!(
        "[...{}.querySelectorAll('[data-testid=\"message\"]')].find(m => m.textContent.includes({}))",
        widget_root_js(),
        json!(marker)
    )
}

const PICKER: &str = r#"
window.__renders = [];
window.__cleanups = 0;
window.botpressWebChat.registerView('shop', 'Picker', function (container, props) {
  window.__renders.push({
    keys: Object.keys(props).sort(),
    title: props.title, items: props.items, messageId: props.messageId, sentOn: props.sentOn,
    isBotMessage: props.isBotMessage, isLastGroup: props.isLastGroup, isLastOfGroup: props.isLastOfGroup,
    fns: ['sendPayload', 'onSendData', 'sendEvent'].map(k => typeof props[k]),
    leaked: ['type', 'module', 'component', 'view'].filter(k => k in props),
  });
  const h = document.createElement('p');
  h.className = 'picker-title';
  h.textContent = props.title;
  container.appendChild(h);
  props.items.forEach(function (item) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'picker-item';
    b.textContent = item;
    b.addEventListener('click', function () { props.sendPayload({type: 'text', text: 'picked ' + item}); });
    container.appendChild(b);
  });
  return function () { window.__cleanups += 1; };
});
"#;

#[test]
fn a_registered_view_renders_with_its_props_and_sends_a_payload_the_bot_answers() {
    let (server, browser, conversation) = setup();
    browser.exec(PICKER, json!([]));
    let payload = json!({"type": "custom", "module": "shop", "component": "Picker",
        "title": "Pick a fruit", "items": ["apple", "pear"]});
    bot_says(&server, &browser, &conversation, &[payload]);

    let row = row_js("Pick a fruit");
    browser.wait_for(
        "the Picker view",
        &format!("{row} && {row}.querySelector('.picker-item')"),
    );
    let renders = browser.exec("return window.__renders;", json!([]));
    let r = &renders[renders.as_array().expect("renders").len() - 1];
    let message_id = browser.exec(&format!("return {row}.dataset.messageId;"), json!([]));
    assert_eq!(
        r["title"], "Pick a fruit",
        "payload fields reach the view: {r}"
    );
    assert_eq!(r["items"], json!(["apple", "pear"]), "{r}");
    assert_eq!(
        r["messageId"], message_id,
        "messageId is the row's message id: {r}"
    );
    assert!(
        r["messageId"].as_str().is_some_and(|s| !s.is_empty()),
        "{r}"
    );
    assert!(
        r["sentOn"].as_str().is_some_and(|s| !s.is_empty()),
        "sentOn: {r}"
    );
    assert_eq!(r["isBotMessage"], true, "{r}");
    assert_eq!(r["isLastGroup"], true, "{r}");
    assert_eq!(r["isLastOfGroup"], true, "{r}");
    assert_eq!(
        r["fns"],
        json!(["function", "function", "function"]),
        "callbacks: {r}"
    );
    assert_eq!(r["leaked"], json!([]), "routing fields are not props: {r}");

    // A click inside the view sends a payload as the user; the demo bot answers it.
    let pear = browser.exec(
        &format!("return [...{row}.querySelectorAll('.picker-item')].find(b => b.textContent === 'pear');"),
        json!([]),
    );
    let pear = webchat_e2e::Element::from_json(&pear);
    browser.click(&pear);
    let root = widget_root_js();
    browser.wait_for(
        "the user's payload and the bot's answer",
        &format!(
            "(() => {{ const ms = [...{root}.querySelectorAll('[data-testid=\"message\"]')];\
               const u = ms.findIndex(m => m.dataset.from === 'user' && m.textContent.includes('picked pear'));\
               return u >= 0 && ms.slice(u + 1).some(m => m.dataset.from === 'bot' && m.textContent.includes('You said: picked pear')); }})()"
        ),
    );

    // However often the view re-renders (its isLast* props change as messages arrive), exactly one
    // instance is live: every earlier mount was cleaned up.
    let live = browser.exec(
        "return window.__renders.length - window.__cleanups;",
        json!([]),
    );
    assert_eq!(live, 1, "live view instances (renders - cleanups)");

    // Unmounting the widget runs the last cleanup too.
    browser.exec("window.botpressWebChat.destroy();", json!([]));
    browser.wait_for(
        "the view's cleanup",
        "window.__cleanups === window.__renders.length",
    );
    browser.assert_no_console_errors();
}

#[test]
fn a_throwing_view_costs_only_its_own_message() {
    let (server, browser, conversation) = setup();
    browser.exec(
        "window.botpressWebChat.registerView('shop', 'Broken', function () { throw new Error('boom in the view'); });",
        json!([]),
    );
    bot_says(
        &server,
        &browser,
        &conversation,
        &[
            json!({"type": "text", "text": "before the broken view"}),
            json!({"type": "custom", "module": "shop", "component": "Broken", "marker": "x"}),
            json!({"type": "text", "text": "after the broken view"}),
        ],
    );
    let root = widget_root_js();
    let rows = browser.exec(
        &format!(
            "const ms = [...{root}.querySelectorAll('[data-testid=\"message\"]')];\
             const i = ms.findIndex(m => m.textContent.includes('before the broken view'));\
             return ms.slice(i, i + 3).map(m => ({{text: m.textContent.trim(), fallback: !!m.querySelector('[data-testid=\"bpw-unsupported\"]')}}));"
        ),
        json!([]),
    );
    assert_eq!(rows[0]["fallback"], false, "{rows}");
    assert_eq!(
        rows[1]["fallback"], true,
        "the broken view's message shows the fallback: {rows}"
    );
    assert_eq!(rows[2]["fallback"], false, "{rows}");
    assert!(
        rows[2]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("after the broken view"),
        "{rows}"
    );

    // The only console errors name the view (one per render of its message).
    let errors = browser.console_errors();
    assert!(
        !errors.is_empty()
            && errors
                .iter()
                .all(|e| e.contains("shop/Broken") && e.contains("boom in the view")),
        "expected only errors naming shop/Broken: {errors:#?}"
    );

    // The rest of the transcript keeps working.
    browser.say("still alive");
    browser.wait_for(
        "the bot's answer after the broken view",
        &format!(
            "[...{root}.querySelectorAll('[data-testid=\"message\"][data-from=\"bot\"]')].some(m => m.textContent.includes('You said: still alive'))"
        ),
    );
    let errors = browser.console_errors();
    assert!(
        errors.iter().all(|e| e.contains("shop/Broken")),
        "unexpected console errors: {errors:#?}"
    );
}

#[test]
fn an_unregistered_view_shows_the_fallback() {
    let (server, browser, conversation) = setup();
    bot_says(
        &server,
        &browser,
        &conversation,
        &[
            json!({"type": "custom", "module": "nobody", "component": "Home", "text": "unregistered"}),
        ],
    );
    let root = widget_root_js();
    browser.wait_for(
        "the fallback",
        &format!(
            "(() => {{ const ms = [...{root}.querySelectorAll('[data-testid=\"message\"]')]; const m = ms[ms.length - 1];\
               return m.dataset.from === 'bot' && !!m.querySelector('[data-testid=\"bpw-unsupported\"]'); }})()"
        ),
    );
    let errors = browser.console_errors();
    assert!(
        errors.iter().all(|e| e.contains("nobody/Home")),
        "only the registry's report may be logged: {errors:#?}"
    );
    // The seed's `view` spelling (§1.9 / seed 000) works like `component`.
    browser.exec(PICKER, json!([]));
    bot_says(
        &server,
        &browser,
        &conversation,
        &[
            json!({"type": "custom", "module": "shop", "view": "Picker", "title": "Seed spelling", "items": ["a"]}),
        ],
    );
    let row = row_js("Seed spelling");
    browser.wait_for(
        "the view named by `view`",
        &format!("{row} && {row}.querySelector('.picker-item')"),
    );
    let errors = browser.console_errors();
    assert!(
        errors.iter().all(|e| e.contains("nobody/Home")),
        "unexpected console errors: {errors:#?}"
    );
}

#[test]
fn a_v12_style_window_botpress_view_is_used_when_nothing_is_registered() {
    let (server, browser, conversation) = setup();
    // v12 modules assign `window.botpress[module]` (webpack `libraryTarget: 'assign'`, §1.9); here the
    // component is a `(container, props)` function, looked up when the message renders.
    browser.exec(
        "window.botpress = window.botpress || {};\
         window.botpress.legacy = {Banner: function (container, props) {\
           var p = document.createElement('p'); p.className = 'legacy-banner';\
           p.textContent = 'legacy ' + props.label + ' ' + props.isBotMessage; container.appendChild(p); }};",
        json!([]),
    );
    bot_says(
        &server,
        &browser,
        &conversation,
        &[json!({"type": "custom", "module": "legacy", "component": "Banner", "label": "works"})],
    );
    let root = widget_root_js();
    browser.wait_for(
        "the window.botpress view",
        &format!(
            "(() => {{ const p = {root}.querySelector('.legacy-banner'); return p && p.textContent === 'legacy works true'; }})()"
        ),
    );
    browser.assert_no_console_errors();
}

#[test]
fn a_view_on_the_visitors_own_message_is_told_so() {
    let (server, browser, conversation) = setup();
    browser.exec(PICKER, json!([]));
    // The bridge stores a message authored by the conversation's user (a channel echoing what the
    // visitor did elsewhere); its custom view renders on the user side.
    let user = server.conversation_user(&conversation);
    server.send_as_user(
        &conversation,
        &user,
        &json!({"type": "custom", "module": "shop", "component": "Picker",
            "title": "Sent by the visitor", "items": ["x"]}),
    );
    let row = row_js("Sent by the visitor");
    browser.wait_for(
        "the visitor's custom message",
        &format!("{row} && {row}.dataset.from === 'user' && {row}.querySelector('.picker-item')"),
    );
    let last = browser.exec(
        "const r = window.__renders.filter(r => r.title === 'Sent by the visitor'); return r[r.length - 1];",
        json!([]),
    );
    assert_eq!(last["isBotMessage"], false, "{last}");
    browser.assert_no_console_errors();
}

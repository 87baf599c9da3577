//! First paint without wasm (`public/inject.js`): the loader draws the launcher itself at once, loads
//! the widget when the browser is idle or on the first click, honours a click made before the wasm
//! arrives, and hands its host element over to the widget (`src/mount.rs`).
//!
//! The e2e proxy holds the wasm request ([`Proxy::hold`]), so "before the wasm arrived" is a fact the
//! test controls, not a race it hopes to win.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use webchat_e2e::net::Proxy;
use webchat_e2e::page::{config, load_inject, must, open_host_page};
use webchat_e2e::{widget_root_js, Browser, Server, ServerOptions, Site, Widget, WAIT};

const WASM: &str = "/webchat_bg.wasm";

fn js(b: &Browser, expr: &str) -> Value {
    b.exec(&format!("return {expr};"), json!([]))
}

/// JavaScript: how many completed fetches of `file` the page's resource timing lists.
fn fetched(file: &str) -> String {
    format!(
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('{file}')).length"
    )
}

/// How many requests for `suffix` reached the proxy.
fn requests(proxy: &Proxy, suffix: &str) -> usize {
    proxy
        .request_heads()
        .iter()
        .filter(|h| {
            let target = h.split(' ').nth(1).unwrap_or_default();
            target
                .split('?')
                .next()
                .unwrap_or_default()
                .ends_with(suffix)
        })
        .count()
}

/// Waits until the browser asked the proxy for `suffix` (the request may be held).
fn wait_requested(proxy: &Proxy, suffix: &str) {
    let deadline = Instant::now() + WAIT;
    while requests(proxy, suffix) == 0 {
        assert!(
            Instant::now() < deadline,
            "the browser never requested {suffix}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// JavaScript: what a visitor sees of the launcher in shadow root `root`: its box, colours, shape,
/// icon and accessible name.
fn launcher_look(root: &str) -> String {
    format!(
        "(() => {{ const l = {root}.querySelector('[data-testid=\"launcher\"]');\
           const r = l.getBoundingClientRect(); const s = getComputedStyle(l);\
           return {{ x: r.x, y: r.y, w: r.width, h: r.height, bg: s.backgroundColor, color: s.color,\
             radius: s.borderRadius, shadow: s.boxShadow, cursor: s.cursor,\
             icon: l.querySelector('svg path').getAttribute('d'),\
             iconSize: l.querySelector('svg').getBoundingClientRect().width,\
             name: l.getAttribute('aria-label'), expanded: l.getAttribute('aria-expanded') }}; }})()"
    )
}

/// JavaScript: the element with `data-testid` in `root` has the focus.
fn focused(root: &str, testid: &str) -> String {
    format!(
        "!!{root} && {root}.activeElement !== null\
         && {root}.activeElement === {root}.querySelector('[data-testid=\"{testid}\"]')"
    )
}

#[test]
fn a_click_on_the_placeholder_before_the_wasm_arrives_opens_the_chat_once_it_does() {
    let server = Server::start();
    let proxy = Proxy::start(&server.url);
    proxy.hold(WASM);
    let b = Browser::start();
    // the demo page embeds the widget the v12 way: script tag, then init
    b.goto(&format!("{}/", proxy.url));
    let root = widget_root_js();
    b.wait_for(
        "the placeholder launcher",
        &format!("{root} && {root}.querySelector('[data-testid=\"launcher\"]')"),
    );
    assert_eq!(
        js(
            &b,
            "document.getElementById('bp-web-widget').hasAttribute('data-bpw-loader')"
        ),
        true,
        "the launcher on screen is not the loader's placeholder"
    );
    assert_ne!(js(&b, "window.botpressWebChat.ready"), true);
    assert_eq!(js(&b, &fetched("webchat_bg.wasm")), 0);
    let look = js(&b, &launcher_look(root));
    assert_eq!(look["w"], 56, "{look}");
    assert_eq!(look["h"], 56, "{look}");
    assert_eq!(look["bg"], "rgb(58, 79, 207)", "{look}");
    assert_eq!(look["name"], "Open chat", "{look}");

    let launcher = b.widget_el("launcher");
    b.click(&launcher);
    // the click started the download (if idle had not yet); the wasm is still held
    wait_requested(&proxy, WASM);
    assert_ne!(
        js(&b, "window.botpressWebChat.ready"),
        true,
        "the wasm arrived before the click: the test proved nothing"
    );
    assert_eq!(js(&b, &fetched("webchat_bg.wasm")), 0);
    assert_eq!(
        js(
            &b,
            &format!("!!{root}.querySelector('[data-testid=\"panel\"]')")
        ),
        false
    );

    proxy.release();
    b.wait_for(
        "the panel, opened by the early click",
        &format!("{root}.querySelector('[data-testid=\"panel\"]')"),
    );
    b.wait_for("the composer focused", &focused(root, "composer"));
    // one host, one launcher: the placeholder became the widget
    assert_eq!(
        js(
            &b,
            "[document.querySelectorAll('.bp-webchat-host').length,\
              document.querySelectorAll('#bp-web-widget').length,\
              document.querySelectorAll('[data-bpw-loader]').length]"
        ),
        json!([1, 1, 0])
    );
    assert_eq!(
        js(
            &b,
            &format!("{root}.querySelectorAll('[data-testid=\"launcher\"]').length")
        ),
        1
    );
    // the wasm and its glue were fetched once, though both idle and the click asked for them
    assert_eq!(requests(&proxy, WASM), 1);
    assert_eq!(js(&b, &fetched("webchat_bg.wasm")), 1);
    assert_eq!(js(&b, &fetched("/webchat.js")), 1);
    // and the chat works
    let w = Widget::default_one();
    w.say(&b, "painted early");
    w.wait_reply(&b, "painted early", "You said: painted early");
    b.assert_no_console_errors();
}

#[test]
fn the_wasm_loads_on_idle_and_takes_over_the_placeholder_host_without_a_visible_change() {
    let site = Site::new();
    let server = Server::start_with(
        None,
        ServerOptions {
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    );
    let proxy = Proxy::start(&server.url);
    proxy.hold(WASM);
    let b = Browser::start();
    open_host_page(&b, &proxy.url);
    load_inject(&b);
    // no init and no click yet: the browser going idle is enough to ask for the wasm (still held)
    wait_requested(&proxy, WASM);
    let support = config(&proxy.url, json!({"chatId": "support"}));
    let hidden = config(&proxy.url, json!({"chatId": "hidden", "hideWidget": true}));
    // a config the wasm refuses (wrong type): the loader cannot know, so it draws; the wasm removes it
    let refused = config(
        &proxy.url,
        json!({"chatId": "refused", "showTimestamp": "yes"}),
    );
    // the placeholder exists as soon as init returns: same script, no wait
    let drawn = b.exec(
        "const api = window.botpressWebChat;\
         api.init(arguments[0], '#slot'); api.init(arguments[1]); api.init(arguments[2]);\
         const h = document.getElementById('support-container');\
         window.__placeholderHost = h;\
         return { ready: api.ready === true,\
           launcher: !!(h && h.shadowRoot && h.shadowRoot.querySelector('[data-testid=\"launcher\"]')),\
           parent: h && h.parentElement.id, sheets: h && h.shadowRoot.adoptedStyleSheets.length,\
           hidden: !!document.getElementById('hidden-container'),\
           refused: !!document.getElementById('refused-container') };",
        json!([support, hidden, refused]),
    );
    assert_eq!(
        drawn,
        json!({"ready": false, "launcher": true, "parent": "slot", "sheets": 1, "hidden": false, "refused": true})
    );
    assert_eq!(js(&b, &fetched("webchat_bg.wasm")), 0);
    let w = Widget::with_chat_id("support");
    // keyboard focus on the placeholder survives the hand-off (and shows the same focus ring)
    b.exec(
        &format!("{}.focus(); return true;", w.q("launcher")),
        json!([]),
    );
    let before = js(&b, &launcher_look(w.root()));
    assert_eq!(before["expanded"], "false", "{before}");

    assert_ne!(js(&b, "window.botpressWebChat.ready"), true);
    proxy.release();
    b.wait_for(
        "the widget ready, no placeholder left",
        "window.botpressWebChat.ready === true && !document.querySelector('[data-bpw-loader]')",
    );
    assert_eq!(
        js(
            &b,
            "document.getElementById('support-container') === window.__placeholderHost"
        ),
        true,
        "the widget did not reuse the placeholder's host"
    );
    assert_eq!(
        js(
            &b,
            &format!(
                "[{r}.querySelectorAll('[data-testid=\"launcher\"]').length,\
                  {r}.adoptedStyleSheets.length,\
                  document.getElementById('support-container').parentElement.id,\
                  document.querySelectorAll('#support-container').length]",
                r = w.root()
            )
        ),
        json!([1, 1, "slot", 1])
    );
    let mut after = js(&b, &launcher_look(w.root()));
    // The widget connects as soon as it is ready, and the demo bot's welcome message may already
    // have arrived: "(1 unread)" in the launcher's name is that message, not the hand-off.
    if let Some(name) = after["name"].as_str() {
        let base = name.split(" (").next().unwrap_or(name);
        if name != base && name.ends_with(" unread)") {
            after["name"] = json!(base);
        }
    }
    assert_eq!(after, before, "the launcher changed at hand-off");
    b.wait_for(
        "the widget's launcher focused",
        &focused(w.root(), "launcher"),
    );
    // hideWidget: the wasm's widget has no launcher either; the refused init left nothing behind
    let hidden_w = Widget::with_chat_id("hidden");
    assert_eq!(
        js(
            &b,
            &format!(
                "[!!{}, !!{}, !!document.getElementById('refused-container')]",
                hidden_w.root(),
                hidden_w.q("launcher")
            )
        ),
        json!([true, false, false])
    );

    // destroy then init again: a fresh host, one launcher, and the chat opens
    must(&b, "destroy", json!(["support"]));
    assert_eq!(
        js(&b, "document.querySelectorAll('#support-container').length"),
        0
    );
    must(
        &b,
        "init",
        json!([config(&proxy.url, json!({"chatId": "support"})), "#slot"]),
    );
    assert_eq!(
        js(
            &b,
            &format!(
                "[document.querySelectorAll('#support-container').length,\
                  document.getElementById('support-container') !== window.__placeholderHost,\
                  {}.querySelectorAll('[data-testid=\"launcher\"]').length]",
                w.root()
            )
        ),
        json!([1, true, 1])
    );
    w.open(&b);
    b.wait_for("the composer focused", &focused(w.root(), "composer"));
    assert_eq!(requests(&proxy, WASM), 1, "the wasm was fetched twice");
    b.assert_console_errors_only(&["showTimestamp"]);
}

#[test]
fn the_placeholder_draws_under_a_strict_csp_with_trusted_types() {
    // `csp.html`: no inline script or style, no eval, `require-trusted-types-for 'script'`; every
    // violation lands in `window.__violations`. The wasm is held: this is the loader alone.
    let server = Server::start();
    let proxy = Proxy::start(&server.url);
    proxy.hold(WASM);
    let b = Browser::start();
    b.goto(&format!("{}/csp.html", proxy.url));
    let policy = js(
        &b,
        "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content",
    );
    assert!(
        policy
            .as_str()
            .is_some_and(|p| p.contains("require-trusted-types-for 'script'")
                && p.contains("style-src 'self';")),
        "{policy}"
    );
    let root = widget_root_js();
    b.wait_for(
        "the placeholder launcher, or a violation",
        &format!(
            "window.__violations.length > 0 || ({root} && {root}.querySelector('[data-testid=\"launcher\"]'))"
        ),
    );
    assert_eq!(js(&b, "window.__violations"), json!([]));
    let look = js(&b, &launcher_look(root));
    assert_eq!(
        (&look["w"], &look["bg"]),
        (&json!(56), &json!("rgb(58, 79, 207)")),
        "the adopted stylesheet did not apply: {look}"
    );
    assert!(
        look["icon"].as_str().is_some_and(|d| !d.is_empty()),
        "no icon: {look}"
    );
    assert_eq!(js(&b, &fetched("webchat_bg.wasm")), 0);
    drop(b);
    proxy.release();
}

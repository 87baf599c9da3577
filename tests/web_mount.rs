//! Browser test: `init` mounts the widget into an open shadow root; the launcher is inside it and a click
//! opens the panel with the composer focused; `destroy` removes it and `init` works again.
#![cfg(target_arch = "wasm32")]

mod support;

use support::{settle, sleep};

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn config(chat_id: &str) -> JsValue {
    // an unreachable host: the test covers the DOM, not the network
    js_sys::JSON::parse(&format!(
        r#"{{"host":"http://127.0.0.1:9","botId":"test-bot","chatId":"{chat_id}","lazySocket":true}}"#
    ))
    .unwrap()
}

fn shadow(host_id: &str) -> Option<ShadowRoot> {
    let doc = web_sys::window()?.document()?;
    doc.get_element_by_id(host_id)?.shadow_root()
}

fn by_testid(root: &ShadowRoot, id: &str) -> Option<HtmlElement> {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .ok()
        .flatten()
        .map(|e| e.unchecked_into())
}

fn key(target: &HtmlElement, key: &str, shift: bool) {
    let window = web_sys::window().unwrap();
    let ctor: js_sys::Function = js_sys::Reflect::get(&window, &"KeyboardEvent".into())
        .unwrap()
        .unchecked_into();
    let init = js_sys::Object::new();
    for (k, v) in [
        ("key", JsValue::from_str(key)),
        ("shiftKey", JsValue::from_bool(shift)),
        ("bubbles", JsValue::TRUE),
        ("cancelable", JsValue::TRUE),
        ("composed", JsValue::TRUE),
    ] {
        js_sys::Reflect::set(&init, &k.into(), &v).unwrap();
    }
    let ev =
        js_sys::Reflect::construct(&ctor, &js_sys::Array::of2(&"keydown".into(), &init)).unwrap();
    target.dispatch_event(ev.unchecked_ref()).unwrap();
}

fn type_text(target: &HtmlElement, text: &str) {
    js_sys::Reflect::set(target, &"value".into(), &text.into()).unwrap();
    let window = web_sys::window().unwrap();
    let ctor: js_sys::Function = js_sys::Reflect::get(&window, &"Event".into())
        .unwrap()
        .unchecked_into();
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"bubbles".into(), &JsValue::TRUE).unwrap();
    let ev =
        js_sys::Reflect::construct(&ctor, &js_sys::Array::of2(&"input".into(), &init)).unwrap();
    target.dispatch_event(ev.unchecked_ref()).unwrap();
}

fn user_rows(root: &ShadowRoot) -> u32 {
    // every rendered user row, wherever it sits among the transcript's spacers
    root.query_selector_all("[data-testid=\"message\"][data-from=\"user\"]")
        .unwrap()
        .length()
}

/// Polls `cond` with short waits for about two seconds; panics naming `what` if it never holds.
async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        sleep(10).await;
    }
    assert!(cond(), "timed out waiting until {what}");
}

#[wasm_bindgen_test]
async fn launcher_in_shadow_root_opens_panel() {
    webchat::api::exports::init(&config("t1"), &JsValue::UNDEFINED).unwrap();
    settle().await;
    let root = shadow("t1-container").expect("open shadow root on the host");
    let launcher = by_testid(&root, "launcher").expect("launcher inside the shadow root");
    assert!(by_testid(&root, "panel").is_none(), "closed at start");
    // nothing leaks into the light DOM
    let doc = web_sys::window().unwrap().document().unwrap();
    assert!(doc
        .query_selector("[data-testid=\"launcher\"]")
        .unwrap()
        .is_none());

    launcher.click();
    settle().await;
    assert!(by_testid(&root, "panel").is_some(), "panel opens on click");
    assert!(by_testid(&root, "transcript").is_some());
    let composer = by_testid(&root, "composer").expect("composer");
    let active = root.active_element().expect("focus inside the widget");
    assert_eq!(active, composer.clone().into(), "the composer is focused");
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );

    // Shift+Enter does not send; Enter does (the row shows while the unreachable server cannot confirm)
    type_text(&composer, "hello");
    key(&composer, "Enter", true);
    settle().await;
    assert_eq!(user_rows(&root), 0, "Shift+Enter keeps typing");
    key(&composer, "Enter", false);
    settle().await;
    assert_eq!(user_rows(&root), 1, "Enter sends");
    let row = root
        .query_selector("[data-testid=\"message\"][data-from=\"user\"]")
        .unwrap()
        .unwrap();
    assert!(row.text_content().unwrap_or_default().contains("hello"));
    assert_eq!(
        row.get_attribute("data-delivery").as_deref(),
        Some("sending")
    );

    // Escape closes and gives focus back to the launcher
    key(&composer, "Escape", false);
    settle().await;
    assert!(by_testid(&root, "panel").is_none(), "Escape closes");
    // focus goes back to the launcher at once, and again after the next paint (the widget retries
    // in a short timer for narrow screens, where the launcher is hidden while the panel is open)
    let launcher_el: web_sys::Element = launcher.clone().into();
    wait_for("the launcher has the focus after Escape", || {
        root.active_element().as_ref() == Some(&launcher_el)
    })
    .await;

    launcher.click();
    settle().await;
    assert!(by_testid(&root, "panel").is_some(), "reopens");
    launcher.click();
    settle().await;
    assert!(by_testid(&root, "panel").is_none(), "second click closes");

    webchat::api::exports::destroy(&JsValue::from_str("t1")).unwrap();
    assert!(shadow("t1-container").is_none(), "destroy removes the host");
}

#[wasm_bindgen_test]
async fn reinit_after_destroy_and_call_errors() {
    let err =
        webchat::api::exports::configure(&config("t2"), &JsValue::from_str("t2")).unwrap_err();
    let msg = err.unchecked_into::<js_sys::Error>().message();
    assert!(String::from(msg).contains("configure"), "names the call");

    let bad = js_sys::JSON::parse(r#"{"botId":"b","hideWidget":"yes"}"#).unwrap();
    let err = webchat::api::exports::init(&bad, &JsValue::UNDEFINED).unwrap_err();
    let msg = String::from(err.unchecked_into::<js_sys::Error>().message());
    assert!(msg.contains("hideWidget"), "names the key: {msg}");

    for _ in 0..2 {
        webchat::api::exports::init(&config("t2"), &JsValue::UNDEFINED).unwrap();
        settle().await;
        let root = shadow("t2-container").expect("mounted");
        assert!(by_testid(&root, "launcher").is_some());
        webchat::api::exports::destroy(&JsValue::from_str("t2")).unwrap();
        assert!(shadow("t2-container").is_none());
    }
}

#[wasm_bindgen_test]
async fn init_takes_over_the_loader_placeholder_and_reports_a_bad_target() {
    let doc = web_sys::window().unwrap().document().unwrap();
    // the loader's placeholder: a marked host with an open shadow root holding its launcher
    let host = doc.create_element("div").unwrap();
    host.set_id("t3-container");
    host.set_attribute("data-bpw-loader", "").unwrap();
    let root = host
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    root.append_child(&doc.create_element("button").unwrap())
        .unwrap();
    doc.body().unwrap().append_child(&host).unwrap();

    webchat::api::exports::init(&config("t3"), &JsValue::UNDEFINED).unwrap();
    settle().await;
    let now = doc.get_element_by_id("t3-container").unwrap();
    assert!(now == host, "the placeholder host is kept");
    assert!(!now.has_attribute("data-bpw-loader"), "and unmarked");
    let root = shadow("t3-container").unwrap();
    assert!(by_testid(&root, "launcher").is_some(), "the real launcher");
    assert!(
        root.query_selector("button:not([data-testid])")
            .unwrap()
            .is_none(),
        "the placeholder's launcher is gone"
    );
    webchat::api::exports::destroy(&JsValue::from_str("t3")).unwrap();
    assert!(shadow("t3-container").is_none());

    let err =
        webchat::api::exports::init(&config("t4"), &JsValue::from_str("#nowhere")).unwrap_err();
    let msg = String::from(err.unchecked_into::<js_sys::Error>().message());
    assert_eq!(
        msg,
        "botpressWebChat.init(): targetSelector `#nowhere` matches no element"
    );
    assert!(shadow("t4-container").is_none());
}

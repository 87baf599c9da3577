//! Browser test: a Rust custom view that panics is isolated even though wasm32 aborts on panic (no
//! unwinding): its message shows the "unsupported" fallback, and the widget keeps rendering other
//! messages and views, again after a second panic. A file of its own, so the instance the panics
//! leave behind (the view's lost allocations, a panic count that never went back to zero) is not
//! shared with other tests. Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p webchat --target
//! wasm32-unknown-unknown --test web_panic`.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

use webchat::dom::{Scope, E};
use webchat::json;
use webchat::json::Value;
use webchat::model::Message;
use webchat::views::{self, render_message, CustomProps, RenderCtx};

wasm_bindgen_test_configure!(run_in_browser);

fn ctx() -> RenderCtx {
    let noop: views::Callback<Value> = Rc::new(|_| {});
    let mut ctx = RenderCtx::new(
        noop.clone(),
        noop,
        Rc::new(|_| {}),
        "https://bot.example.com",
    );
    ctx.is_last_group = true;
    ctx.is_last_of_group = true;
    ctx
}

/// Renders one bot message into a detached element; returns its text and whether it shows the
/// fallback.
fn render(payload: Value) -> (String, bool) {
    let msg = Message {
        id: "m".into(),
        conversation_id: "c".into(),
        author_id: None,
        sent_on: "2026-01-02T03:04:05Z".into(),
        payload,
    };
    let mut scope = Scope::new();
    let el: Element = render_message(&msg, &ctx(), &mut scope).expect("a row");
    let fallback = el
        .query_selector("[data-testid=bpw-unsupported]")
        .unwrap()
        .is_some();
    (el.text_content().unwrap_or_default(), fallback)
}

#[wasm_bindgen_test]
fn a_panicking_rust_view_shows_the_fallback_and_the_rest_keeps_working() {
    views::register("test", "Panics", |p: &CustomProps, _el: &Element| {
        let n = p.data.get("n").and_then(Value::as_f64).unwrap_or(0.0);
        panic!("view broke on purpose ({n})");
    })
    .unwrap();
    views::register("test", "Fine", |p: &CustomProps, el: &Element| {
        let word = p.data.get("word").and_then(Value::as_str).unwrap_or("?");
        el.append_child(&E::new("b").text(word).0).unwrap();
        None
    })
    .unwrap();

    for n in 1..=2 {
        let (_, fallback) =
            render(json!({"type": "custom", "module": "test", "view": "Panics", "n": n}));
        assert!(fallback, "panic #{n}: the message shows the fallback");
        // built-in renderers, other Rust views and the registry still work after it
        let (text, fallback) = render(json!({"type": "text", "text": format!("after #{n}")}));
        assert!(!fallback && text.contains(&format!("after #{n}")), "{text}");
        let (text, fallback) =
            render(json!({"type": "custom", "module": "test", "view": "Fine", "word": "still"}));
        assert!(!fallback && text.contains("still"), "{text}");
    }
    assert!(views::is_registered("test", "Fine"));
    // the window stays usable from Rust
    let doc = web_sys::window().unwrap().document().unwrap();
    let probe = doc.create_element("div").unwrap();
    probe.set_text_content(Some("alive"));
    let probe: web_sys::HtmlElement = probe.unchecked_into();
    assert_eq!(probe.inner_text(), "alive");
}

//! Browser tests for the UI around the messages: the language (config `locale`, right to left for
//! Arabic, switched by `mergeConfig`), `registerView` errors, and the v12 `window.botpress[module][view]`
//! lookup. Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p webchat --target wasm32-unknown-unknown --test web_ui`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, ShadowRoot};

use webchat::model::Message;
use webchat::views::{render_message, RenderCtx};

wasm_bindgen_test_configure!(run_in_browser);

fn config(chat_id: &str, locale: &str) -> JsValue {
    // an unreachable host: these tests cover the DOM, not the network
    js_sys::JSON::parse(&format!(
        r#"{{"host":"http://127.0.0.1:9","botId":"b","chatId":"{chat_id}","lazySocket":true,"locale":"{locale}"}}"#
    ))
    .unwrap()
}

fn shadow(host_id: &str) -> ShadowRoot {
    let doc = web_sys::window().unwrap().document().unwrap();
    doc.get_element_by_id(host_id)
        .and_then(|h| h.shadow_root())
        .expect("widget host with an open shadow root")
}

fn query(root: &ShadowRoot, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into()
}

async fn settle() {
    for _ in 0..5 {
        leptos::task::tick().await;
    }
}

#[wasm_bindgen_test]
async fn locale_sets_language_and_direction() {
    webchat::api::exports::init(config("l1", "ar"), JsValue::UNDEFINED).unwrap();
    settle().await;
    let root = shadow("l1-container");
    let widget = query(&root, ".bpw");
    assert_eq!(widget.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(widget.get_attribute("lang").as_deref(), Some("ar"));
    let launcher = query(&root, "[data-testid=\"launcher\"]");
    assert_eq!(
        launcher.get_attribute("aria-label").as_deref(),
        Some("فتح المحادثة")
    );
    launcher.click();
    settle().await;
    let composer = query(&root, "[data-testid=\"composer\"]");
    assert_eq!(
        composer.get_attribute("aria-label").as_deref(),
        Some("رسالة")
    );
    assert_eq!(composer.get_attribute("dir").as_deref(), Some("auto"));
    let log = query(&root, "[data-testid=\"transcript\"]");
    assert_eq!(log.get_attribute("role").as_deref(), Some("log"));
    assert_eq!(
        log.get_attribute("aria-live").as_deref(),
        Some("off"),
        "the log is not live: the separate live region announces"
    );
    let live = query(&root, "[data-testid=\"live-region\"]");
    assert_eq!(live.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(live.child_element_count(), 0, "nothing announced yet");

    // mergeConfig switches the language at once
    let patch = js_sys::JSON::parse(r#"{"locale":"fr-CA"}"#).unwrap();
    webchat::api::exports::merge_config(patch, JsValue::from_str("l1")).unwrap();
    settle().await;
    assert_eq!(widget.get_attribute("dir").as_deref(), Some("ltr"));
    assert_eq!(
        query(&root, "[data-testid=\"composer\"]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Message")
    );
    assert_eq!(
        query(&root, "[data-testid=\"close\"]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Fermer le chat")
    );
    // an unsupported language falls back to English
    let patch = js_sys::JSON::parse(r#"{"locale":"xx"}"#).unwrap();
    webchat::api::exports::merge_config(patch, JsValue::from_str("l1")).unwrap();
    settle().await;
    assert_eq!(
        query(&root, "[data-testid=\"close\"]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Close chat")
    );
    webchat::api::exports::destroy(JsValue::from_str("l1")).unwrap();
}

fn error_message(err: JsValue) -> String {
    String::from(err.unchecked_into::<js_sys::Error>().message())
}

#[wasm_bindgen_test]
fn register_view_errors_name_the_view() {
    let render: JsValue = js_sys::Function::new_with_args("c, p", "").into();
    let err = webchat::api::views::register_view(
        "channel-web".into(),
        "QuickReplies".into(),
        render.clone(),
    )
    .unwrap_err();
    assert!(error_message(err).contains("channel-web/QuickReplies"));
    let err = webchat::api::views::register_view("demo".into(), "X".into(), JsValue::from(3))
        .unwrap_err();
    let msg = error_message(err);
    assert!(
        msg.contains("'demo', 'X'") && msg.contains("function"),
        "{msg}"
    );
    let err =
        webchat::api::views::register_view("a b".into(), "X".into(), render.clone()).unwrap_err();
    assert!(error_message(err).contains("a b/X"));
    webchat::api::views::register_view("demo".into(), "Ok".into(), render).unwrap();
    assert!(webchat::views::is_registered("demo", "Ok"));
}

fn render_custom(module: &str, view: &str) -> (HtmlElement, Box<dyn std::any::Any>) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let msg = Message {
        id: "m1".into(),
        conversation_id: "c".into(),
        author_id: None,
        sent_on: String::new(),
        payload: json!({"type": "custom", "module": module, "component": view, "name": "Ada"}),
    };
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let noop = Callback::new(|_| {});
        let ctx = RenderCtx::new(noop, noop, Callback::new(|_| {}), "");
        render_message(&msg, ctx)
    });
    (root, Box::new(handle))
}

#[wasm_bindgen_test]
async fn page_views_on_window_botpress_render_when_they_take_container_and_props() {
    let window = web_sys::window().unwrap();
    let module = js_sys::Object::new();
    let two = js_sys::Function::new_with_args("c, p", "c.textContent = 'page view for ' + p.name;");
    // a React component from a v12 bundle takes (props) only: not this widget's signature (if it were
    // called, it would render nothing and the fallback assertion below would fail)
    let one = js_sys::Function::new_with_args("p", "return null;");
    js_sys::Reflect::set(&module, &"Two".into(), &two).unwrap();
    js_sys::Reflect::set(&module, &"One".into(), &one).unwrap();
    let botpress = js_sys::Object::new();
    js_sys::Reflect::set(&botpress, &"pagemod".into(), &module).unwrap();
    js_sys::Reflect::set(&window, &"botpress".into(), &botpress).unwrap();

    let (root, handle) = render_custom("pagemod", "Two");
    settle().await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("page view for Ada"), "{text}");
    drop(handle);
    root.remove();

    for (m, v) in [
        ("pagemod", "One"),
        ("pagemod", "constructor"),
        ("__proto__", "constructor"),
    ] {
        let (root, handle) = render_custom(m, v);
        settle().await;
        assert!(
            root.query_selector(".bpw-unsupported").unwrap().is_some(),
            "{m}/{v} falls back"
        );
        drop(handle);
        root.remove();
    }
    js_sys::Reflect::delete_property(&window, &"botpress".into()).unwrap();
}

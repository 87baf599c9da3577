//! The view registry for `type:'custom'` payloads, keyed by `module/view` (botpress-protocols.md §1.9).
//!
//! v12 looks custom components up on `window.botpress[module][component]` and loads module bundles from
//! the bot server. We load nothing: a message can only name a view the page registered, either from Rust
//! ([`register`]) or from JS ([`register_js`], called by `api/` for `registerView`), or a
//! `render(container, props)` function the page put on `window.botpress[module][view]` (looked up by
//! `api::views::page_view` when nothing is registered). The built-ins `channel-web/QuickReplies`
//! and `extensions/Dropdown` are entries of the same registry and cannot be replaced.
//!
//! Every render is isolated (style-anchors.md R11): an unregistered view, a JS view that throws, or a
//! Rust view that panics (where unwinding exists) shows the "Unsupported message" fallback for that
//! message, and `console.error` names the `module/view`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use serde::Serialize;
use serde_json::{Map, Value};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::builtin;
use super::convert::{Custom, DROPDOWN, QUICK_REPLIES};
use super::RenderCtx;
use crate::model::Message;

/// What a Rust custom view receives.
#[derive(Clone, Debug)]
pub struct CustomProps {
    /// The module the view is registered under.
    pub module: String,
    /// The view name.
    pub view: String,
    /// The message id (`messageId`).
    pub message_id: String,
    /// When the message was stored (`sentOn`).
    pub sent_on: String,
    /// The bot sent the message (`isBotMessage`).
    pub is_bot_message: bool,
    /// The message is in the last group (`isLastGroup`).
    pub is_last_group: bool,
    /// The message is the last of its group (`isLastOfGroup`).
    pub is_last_of_group: bool,
    /// Every payload field except `type`, `module`, `view` and `component`.
    pub data: Map<String, Value>,
    /// Sends a payload as the user (`sendPayload` / `onSendData`).
    pub send_payload: Callback<Value>,
    /// Sends an event (`sendEvent`).
    pub send_event: Callback<Value>,
}

/// A view registered from JS: `render(container, props)`, which may return a cleanup function.
#[derive(Clone, Debug)]
pub struct JsView {
    render: SendWrapper<js_sys::Function>,
}

impl JsView {
    /// Wraps a JS render function.
    pub fn new(render: js_sys::Function) -> Self {
        Self {
            render: SendWrapper::new(render),
        }
    }
}

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The module or view name is empty, or contains `/` or whitespace.
    #[error("invalid custom view name `{module}/{view}`: names must be non-empty, without `/` or spaces")]
    InvalidName {
        /// The module given.
        module: String,
        /// The view given.
        view: String,
    },
    /// The name belongs to a built-in view.
    #[error("`{0}` is a built-in view and cannot be replaced")]
    BuiltIn(String),
}

type BuiltinRender = fn(&Custom, &Message, &RenderCtx) -> AnyView;
type RustRender = Arc<dyn Fn(CustomProps) -> AnyView + Send + Sync>;

#[derive(Clone)]
enum Entry {
    Builtin(BuiltinRender),
    Rust(RustRender),
    Js(JsView),
}

thread_local! {
    // The widget runs on one thread; views are registered by the page and read per render.
    static REGISTRY: RefCell<BTreeMap<String, Entry>> = RefCell::new(builtins());
}

fn builtins() -> BTreeMap<String, Entry> {
    let mut map = BTreeMap::new();
    map.insert(
        key(QUICK_REPLIES.0, QUICK_REPLIES.1),
        Entry::Builtin(builtin::quick_replies::render as BuiltinRender),
    );
    map.insert(
        key(DROPDOWN.0, DROPDOWN.1),
        Entry::Builtin(builtin::dropdown::render as BuiltinRender),
    );
    map
}

fn key(module: &str, view: &str) -> String {
    format!("{module}/{view}")
}

fn validate(module: &str, view: &str) -> Result<String, RegistryError> {
    let bad = |s: &str| s.is_empty() || s.contains('/') || s.chars().any(char::is_whitespace);
    if bad(module) || bad(view) {
        return Err(RegistryError::InvalidName {
            module: module.into(),
            view: view.into(),
        });
    }
    let k = key(module, view);
    if builtins().contains_key(&k) {
        return Err(RegistryError::BuiltIn(k));
    }
    Ok(k)
}

fn insert(module: &str, view: &str, entry: Entry) -> Result<(), RegistryError> {
    let k = validate(module, view)?;
    REGISTRY.with(|r| r.borrow_mut().insert(k, entry));
    Ok(())
}

/// Registers a Rust view for `{type:'custom', module, view|component}` payloads, replacing an earlier
/// registration of the same name.
///
/// ```no_run
/// use leptos::prelude::*;
/// webchat::views::register("weather", "Forecast", |props: webchat::views::CustomProps| {
///     let city = props.data.get("city").and_then(|c| c.as_str()).unwrap_or("?").to_string();
///     view! { <p class="forecast">{city}</p> }
/// })
/// .expect("valid name");
/// ```
pub fn register<F, V>(module: &str, view: &str, render: F) -> Result<(), RegistryError>
where
    F: Fn(CustomProps) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    insert(
        module,
        view,
        Entry::Rust(Arc::new(move |props| render(props).into_any())),
    )
}

/// Registers a JS view: `render(container: HTMLElement, props: object)`, optionally returning a cleanup
/// function that runs when the message is unmounted. `props` carries every payload field except
/// `type`/`module`/`view`/`component`, plus `messageId`, `sentOn`, `isBotMessage`, `isLastGroup`,
/// `isLastOfGroup`, `sendPayload(payload)` (alias `onSendData`) and `sendEvent(event)`.
///
/// `render` runs synchronously while the message is rendered, on a fresh detached `<div>`; the div is
/// appended to the message once it is mounted. A throw shows the fallback for that message only.
pub fn register_js(
    module: &str,
    view: &str,
    render: js_sys::Function,
) -> Result<(), RegistryError> {
    insert(module, view, Entry::Js(JsView::new(render)))
}

/// Removes a registered (non built-in) view; returns whether it existed.
pub fn unregister(module: &str, view: &str) -> bool {
    match validate(module, view) {
        Ok(k) => REGISTRY.with(|r| r.borrow_mut().remove(&k).is_some()),
        Err(_) => false,
    }
}

/// Whether a view (built-in or registered) exists under `module/view`.
pub fn is_registered(module: &str, view: &str) -> bool {
    REGISTRY.with(|r| r.borrow().contains_key(&key(module, view)))
}

fn lookup(module: &str, view: &str) -> Option<Entry> {
    REGISTRY.with(|r| r.borrow().get(&key(module, view)).cloned())
}

/// Renders a custom payload through its registered view, or the fallback.
pub(crate) fn render_custom(custom: &Custom, msg: &Message, ctx: &RenderCtx) -> AnyView {
    let name = key(&custom.module, &custom.view);
    match lookup(&custom.module, &custom.view) {
        // v12's lookup, checked at render time: a view the page defined on `window.botpress`
        None => match crate::api::views::page_view(&custom.module, &custom.view) {
            Some(render) => match mount_js(&JsView::new(render), custom, msg, ctx, &name) {
                Ok(view) => view,
                Err(err) => {
                    report(&name, &err);
                    fallback()
                }
            },
            None => {
                report(
                    &name,
                    &JsValue::from_str("no view is registered under this name"),
                );
                fallback()
            }
        },
        Some(Entry::Builtin(render)) => render(custom, msg, ctx),
        Some(Entry::Rust(render)) => {
            let props = CustomProps {
                module: custom.module.clone(),
                view: custom.view.clone(),
                message_id: msg.id.clone(),
                sent_on: msg.sent_on.clone(),
                is_bot_message: msg.is_bot(),
                is_last_group: ctx.is_last_group,
                is_last_of_group: ctx.is_last_of_group,
                data: custom.props.clone(),
                send_payload: ctx.send_payload,
                send_event: ctx.send_event,
            };
            match call_rust(&render, props) {
                Some(view) => view! { <div class="bpw-custom" data-testid="bpw-custom" data-view=name>{view}</div> }
                    .into_any(),
                None => {
                    report(&name, &JsValue::from_str("the view panicked"));
                    fallback()
                }
            }
        }
        Some(Entry::Js(js)) => match mount_js(&js, custom, msg, ctx, &name) {
            Ok(view) => view,
            Err(err) => {
                report(&name, &err);
                fallback()
            }
        },
    }
}

/// Runs a Rust view; `None` when it panicked. Catches panics where unwinding exists (native tests,
/// hosts built with `panic=unwind`); on wasm32-unknown-unknown a panic aborts the module instead.
fn call_rust(render: &RustRender, props: CustomProps) -> Option<AnyView> {
    std::panic::catch_unwind(AssertUnwindSafe(|| render(props))).ok()
}

fn fallback() -> AnyView {
    view! { <builtin::unsupported::Unsupported type_name="custom".to_string() /> }.into_any()
}

fn report(name: &str, err: &JsValue) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_3(
        &JsValue::from_str("webchat: custom view failed:"),
        &JsValue::from_str(name),
        err,
    );
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (name, err);
}

/// A Rust callback handed to a JS view (`sendPayload`, `sendEvent`).
type JsCallback = Closure<dyn Fn(JsValue)>;

/// What a mounted JS view holds until unmount.
struct JsMount {
    cleanup: Option<js_sys::Function>,
    _callbacks: Vec<JsCallback>,
}

fn mount_js(
    js: &JsView,
    custom: &Custom,
    msg: &Message,
    ctx: &RenderCtx,
    name: &str,
) -> Result<AnyView, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let container = document.create_element("div")?;
    container.set_class_name("bpw-custom-view");
    let (props, callbacks) = js_props(custom, msg, ctx, name)?;
    let returned = js.render.call2(&JsValue::NULL, &container, &props)?;
    let mount = SendWrapper::new(JsMount {
        cleanup: returned.dyn_into::<js_sys::Function>().ok(),
        _callbacks: callbacks,
    });
    let cleanup_name = name.to_string();
    on_cleanup(move || {
        let mount = mount.take();
        if let Some(cleanup) = mount.cleanup {
            if let Err(err) = cleanup.call0(&JsValue::NULL) {
                report(&cleanup_name, &err);
            }
        }
    });
    let slot = NodeRef::<leptos::html::Div>::new();
    slot.on_load(move |el| {
        let _ = el.append_child(&container);
    });
    Ok(view! { <div class="bpw-custom" data-testid="bpw-custom" data-view=name.to_string() node_ref=slot></div> }
        .into_any())
}

fn js_props(
    custom: &Custom,
    msg: &Message,
    ctx: &RenderCtx,
    name: &str,
) -> Result<(JsValue, Vec<JsCallback>), JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let props = Value::Object(custom.props.clone()).serialize(&serializer)?;
    let set =
        |k: &str, v: &JsValue| js_sys::Reflect::set(&props, &JsValue::from_str(k), v).map(|_| ());
    set("messageId", &JsValue::from_str(&msg.id))?;
    set("sentOn", &JsValue::from_str(&msg.sent_on))?;
    set("isBotMessage", &JsValue::from_bool(msg.is_bot()))?;
    set("isLastGroup", &JsValue::from_bool(ctx.is_last_group))?;
    set("isLastOfGroup", &JsValue::from_bool(ctx.is_last_of_group))?;
    let forward = |target: Callback<Value>, what: &'static str| {
        let name = name.to_string();
        Closure::<dyn Fn(JsValue)>::new(
            move |value: JsValue| match serde_wasm_bindgen::from_value::<Value>(value) {
                Ok(Value::Object(obj)) => target.run(Value::Object(obj)),
                Ok(_) => report(
                    &name,
                    &JsValue::from_str(&format!("{what} expects an object")),
                ),
                Err(err) => report(&name, &err.into()),
            },
        )
    };
    let send_payload = forward(ctx.send_payload, "sendPayload");
    let send_event = forward(ctx.send_event, "sendEvent");
    set("sendPayload", send_payload.as_ref())?;
    set("onSendData", send_payload.as_ref())?;
    set("sendEvent", send_event.as_ref())?;
    Ok((props, vec![send_payload, send_event]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_registered_and_protected() {
        assert!(is_registered("channel-web", "QuickReplies"));
        assert!(is_registered("extensions", "Dropdown"));
        assert_eq!(
            register("channel-web", "QuickReplies", |_p: CustomProps| "x"),
            Err(RegistryError::BuiltIn("channel-web/QuickReplies".into()))
        );
        assert!(!unregister("extensions", "Dropdown"));
        assert!(is_registered("extensions", "Dropdown"));
    }

    #[test]
    fn register_and_unregister_rust_views() {
        assert!(!is_registered("weather", "Forecast"));
        register("weather", "Forecast", |p: CustomProps| p.view).expect("valid");
        assert!(is_registered("weather", "Forecast"));
        assert!(!is_registered("weather", "Other"));
        assert!(unregister("weather", "Forecast"));
        assert!(!is_registered("weather", "Forecast"));
    }

    fn props() -> CustomProps {
        CustomProps {
            module: "m".into(),
            view: "v".into(),
            message_id: "id".into(),
            sent_on: String::new(),
            is_bot_message: true,
            is_last_group: true,
            is_last_of_group: true,
            data: Map::new(),
            send_payload: Callback::new(|_| {}),
            send_event: Callback::new(|_| {}),
        }
    }

    #[test]
    fn a_panicking_rust_view_is_contained() {
        let bad: RustRender =
            Arc::new(|p: CustomProps| -> AnyView { panic!("view {} broke", p.view) });
        assert!(call_rust(&bad, props()).is_none());
        let good: RustRender = Arc::new(|p: CustomProps| p.view.into_any());
        assert!(call_rust(&good, props()).is_some());
    }

    #[test]
    fn invalid_names_are_refused() {
        for (m, v) in [
            ("", "v"),
            ("m", ""),
            ("a/b", "v"),
            ("m", "v w"),
            ("m", "\n"),
        ] {
            assert!(
                matches!(
                    register(m, v, |_p: CustomProps| ""),
                    Err(RegistryError::InvalidName { .. })
                ),
                "{m}/{v}"
            );
        }
    }
}

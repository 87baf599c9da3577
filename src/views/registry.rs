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
//! Rust view that panics (in the browser too, where a panic aborts: see `call_rust`) shows the
//! "Unsupported message" fallback for that message, and `console.error` names the `module/view`.

use std::cell::RefCell;
#[cfg(not(target_arch = "wasm32"))]
use std::panic::AssertUnwindSafe;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

use super::builtin;
use super::convert::Custom;
use super::{Callback, RenderCtx};
use crate::dom::{append, Scope, E};
use crate::json::{self, Map, Value};
use crate::model::Message;
use crate::text::concat;

/// What a Rust custom view receives.
#[derive(Clone)]
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
    pub data: Map,
    /// Sends a payload as the user (`sendPayload` / `onSendData`).
    pub send_payload: Callback<Value>,
    /// Sends an event (`sendEvent`).
    pub send_event: Callback<Value>,
}

/// A view registered from JS: `render(container, props)`, which may return a cleanup function.
#[derive(Clone, Debug)]
pub struct JsView {
    render: js_sys::Function,
}

impl JsView {
    /// Wraps a JS render function.
    pub fn new(render: js_sys::Function) -> Self {
        Self { render }
    }
}

/// What a Rust view may return: a cleanup run when its message leaves the DOM.
pub type Cleanup = Option<Box<dyn FnOnce()>>;

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The module or view name is empty, or contains `/` or whitespace.
    #[error("{}", self.message())]
    InvalidName {
        /// The module given.
        module: String,
        /// The view given.
        view: String,
    },
    /// The name belongs to a built-in view.
    #[error("{}", self.message())]
    BuiltIn(String),
}

impl RegistryError {
    /// The error's text (also its `Display`), built without `core::fmt`.
    pub fn message(&self) -> String {
        match self {
            RegistryError::InvalidName { module, view } => concat(&[
                "invalid custom view name `",
                module,
                "/",
                view,
                "`: names must be non-empty, without `/` or spaces",
            ]),
            RegistryError::BuiltIn(k) => {
                concat(&["`", k, "` is a built-in view and cannot be replaced"])
            }
        }
    }
}

type BuiltinRender = fn(&Custom, &Message, &RenderCtx, &mut Scope) -> Element;
type RustRender = Rc<dyn Fn(&CustomProps, &Element) -> Cleanup>;
/// How a Rust view is mounted ([`mount_rust`]).
type MountRust =
    fn(&RustRender, &Custom, &Message, &RenderCtx, &str, &mut Scope) -> Result<Element, JsValue>;

#[derive(Clone)]
enum Entry {
    Builtin(BuiltinRender),
    /// A Rust view and the function that mounts it: only [`register`] names [`mount_rust`], so a
    /// build that never registers a Rust view (the widget's own wasm) links none of that code.
    Rust(RustRender, MountRust),
    Js(JsView),
}

thread_local! {
    // The widget runs on one thread; views are registered by the page and read per render.
    // A handful of entries: a list searched by name is smaller than a map and as fast.
    static REGISTRY: RefCell<Vec<(String, Entry)>> = const { RefCell::new(Vec::new()) };
}

/// The built-in views by key ([`super::convert::QUICK_REPLIES`] and [`super::convert::DROPDOWN`] as
/// `module/view`): looked up before the registry, so they cannot be replaced.
static BUILTINS: [(&str, BuiltinRender); 2] = [
    ("channel-web/QuickReplies", builtin::quick_replies::render),
    ("extensions/Dropdown", builtin::dropdown::render),
];

/// The built-in view registered under the key `k`, if any.
fn builtin_view(k: &str) -> Option<BuiltinRender> {
    BUILTINS
        .iter()
        .find(|(name, _)| *name == k)
        .map(|(_, r)| *r)
}

fn key(module: &str, view: &str) -> String {
    concat(&[module, "/", view])
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
    if builtin_view(&k).is_some() {
        return Err(RegistryError::BuiltIn(k));
    }
    Ok(k)
}

fn insert(module: &str, view: &str, entry: Entry) -> Result<(), RegistryError> {
    let k = validate(module, view)?;
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        match r.iter_mut().find(|(name, _)| *name == k) {
            Some(slot) => slot.1 = entry,
            None => r.push((k, entry)),
        }
    });
    Ok(())
}

/// Registers a Rust view for `{type:'custom', module, view|component}` payloads, replacing an earlier
/// registration of the same name. Like a JS view, `render(props, container)` draws into `container`
/// (an element inside the widget's shadow root) and may return a cleanup that runs when the message
/// leaves the DOM. Build the content with [`crate::dom::E`], `web_sys`, or mount any framework into
/// the container (e.g. Leptos's `mount_to`, dropping its handle in the cleanup).
///
/// ```no_run
/// use webchat::dom::E;
/// webchat::views::register("weather", "Forecast", |props: &webchat::views::CustomProps, container| {
///     let city = props.data.get("city").and_then(|c| c.as_str()).unwrap_or("?");
///     let _ = container.append_child(&E::classed("p", "forecast").text(city).0);
///     None
/// })
/// .expect("valid name");
/// ```
pub fn register(
    module: &str,
    view: &str,
    render: impl Fn(&CustomProps, &Element) -> Cleanup + 'static,
) -> Result<(), RegistryError> {
    insert(module, view, Entry::Rust(Rc::new(render), mount_rust))
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
        Ok(k) => REGISTRY.with(|r| {
            let mut r = r.borrow_mut();
            // names are unique (`insert` replaces)
            let found = r.iter().position(|(name, _)| *name == k);
            if let Some(i) = found {
                r.remove(i);
            }
            found.is_some()
        }),
        Err(_) => false,
    }
}

/// Whether a view (built-in or registered) exists under `module/view`.
pub fn is_registered(module: &str, view: &str) -> bool {
    lookup(&key(module, view)).is_some()
}

/// The view under the key `k`: a built-in, else a registered one.
fn lookup(k: &str) -> Option<Entry> {
    if let Some(render) = builtin_view(k) {
        return Some(Entry::Builtin(render));
    }
    REGISTRY.with(|r| {
        r.borrow()
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, e)| e.clone())
    })
}

/// Renders a custom payload through its registered view, or the fallback. Whatever the view leaves
/// to release (its cleanup, the callbacks handed to it) goes to `scope`.
pub(crate) fn render_custom(
    custom: &Custom,
    msg: &Message,
    ctx: &RenderCtx,
    scope: &mut Scope,
) -> Element {
    let name = key(&custom.module, &custom.view);
    // v12's lookup, checked at render time: a view the page defined on `window.botpress` (folded
    // into the entry, so that each mount has one call site)
    let entry = lookup(&name).or_else(|| {
        crate::api::views::page_view(&custom.module, &custom.view)
            .map(|render| Entry::Js(JsView::new(render)))
    });
    let outcome = match entry {
        Some(Entry::Builtin(render)) => return render(custom, msg, ctx, scope),
        Some(Entry::Rust(render, mount)) => mount(&render, custom, msg, ctx, &name, scope),
        Some(Entry::Js(js)) => mount_js(&js, custom, msg, ctx, &name, scope),
        None => Err(JsValue::from_str("no view is registered under this name")),
    };
    outcome.unwrap_or_else(|err| {
        report(&name, &err);
        builtin::unsupported::render("custom", ctx.lang)
    })
}

/// The element a custom view draws into.
fn container(name: &str) -> E {
    E::classed("div", "bpw-custom")
        .testid("bpw-custom")
        .attr("data-view", name)
}

fn props_for(custom: &Custom, msg: &Message, ctx: &RenderCtx) -> CustomProps {
    CustomProps {
        module: custom.module.clone(),
        view: custom.view.clone(),
        message_id: msg.id.clone(),
        sent_on: msg.sent_on.clone(),
        is_bot_message: msg.is_bot(),
        is_last_group: ctx.is_last_group,
        is_last_of_group: ctx.is_last_of_group,
        data: custom.props.clone(),
        send_payload: ctx.send_payload.clone(),
        send_event: ctx.send_event.clone(),
    }
}

fn mount_rust(
    render: &RustRender,
    custom: &Custom,
    msg: &Message,
    ctx: &RenderCtx,
    name: &str,
    scope: &mut Scope,
) -> Result<Element, JsValue> {
    let el = container(name).0;
    let cleanup = call_rust(render, &props_for(custom, msg, ctx), &el)
        .ok_or_else(|| JsValue::from_str("the view panicked"))?;
    if let Some(cleanup) = cleanup {
        scope.on_cleanup(cleanup);
    }
    Ok(el)
}

/// Runs a Rust view; `None` when it panicked.
///
/// In the browser (wasm32, where a panic aborts: there is no unwinding) the view runs as the executor
/// of a `Promise`: JavaScript calls it synchronously, and when the panic traps, the trap unwinds the
/// wasm frames of the view only, up to the `Promise` constructor, which turns it into a rejection
/// (handled here, so nothing is logged twice). This frame then carries on and shows the fallback; the
/// page and the other messages keep working. What the view had allocated is lost, and a second panic
/// skips the panic hook (the panic count never went back to zero), which changes nothing here.
#[cfg(target_arch = "wasm32")]
fn call_rust(render: &RustRender, props: &CustomProps, el: &Element) -> Option<Cleanup> {
    let mut outcome: Option<Cleanup> = None;
    let mut returned = false;
    let promise = js_sys::Promise::new(&mut |_resolve, _reject| {
        outcome = Some(render(props, el));
        returned = true;
    });
    if !returned {
        // the rejection is expected: handle it (a handler that lives on, like the view's leftovers)
        let handled = Closure::once(|_: JsValue| {});
        let _ = promise.catch(&handled);
        handled.forget();
    }
    outcome
}

/// Runs a Rust view; `None` when it panicked (natively, panics unwind: `catch_unwind` stops them).
#[cfg(not(target_arch = "wasm32"))]
fn call_rust(render: &RustRender, props: &CustomProps, el: &Element) -> Option<Cleanup> {
    std::panic::catch_unwind(AssertUnwindSafe(|| render(props, el))).ok()
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

fn mount_js(
    js: &JsView,
    custom: &Custom,
    msg: &Message,
    ctx: &RenderCtx,
    name: &str,
    scope: &mut Scope,
) -> Result<Element, JsValue> {
    let outer = container(name).0;
    let inner = E::classed("div", "bpw-custom-view").0;
    let (props, callbacks) = js_props(custom, msg, ctx, name)?;
    let returned = js.render.call2(&JsValue::NULL, &inner, &props)?;
    append(&outer, &inner);
    let cleanup = returned.dyn_into::<js_sys::Function>().ok();
    let cleanup_name = name.to_string();
    scope.on_cleanup(Box::new(move || {
        if let Some(cleanup) = cleanup {
            if let Err(err) = cleanup.call0(&JsValue::NULL) {
                report(&cleanup_name, &err);
            }
        }
        // the view's callbacks live until its cleanup ran
        drop(callbacks);
    }));
    Ok(outer)
}

fn js_props(
    custom: &Custom,
    msg: &Message,
    ctx: &RenderCtx,
    name: &str,
) -> Result<(JsValue, Vec<JsCallback>), JsValue> {
    // The message fields go in with the data (a payload field of the same name keeps its place
    // and takes their value, as when set on the JS object); only the callbacks are set on it.
    let mut data = custom.props.clone();
    data.put("messageId", msg.id.as_str().into());
    data.put("sentOn", msg.sent_on.as_str().into());
    data.put("isBotMessage", msg.is_bot().into());
    data.put("isLastGroup", ctx.is_last_group.into());
    data.put("isLastOfGroup", ctx.is_last_of_group.into());
    let props = json::to_js(&Value::Object(data));
    let set =
        |k: &str, v: &JsValue| js_sys::Reflect::set(&props, &JsValue::from_str(k), v).map(|_| ());
    let forward = |target: Callback<Value>, what: &'static str| {
        let name = name.to_string();
        Closure::wrap(Box::new(move |value: JsValue| match json::from_js(&value) {
            Ok(Value::Object(obj)) => target(Value::Object(obj)),
            Ok(_) => report(
                &name,
                &JsValue::from_str(&concat(&[what, " expects an object"])),
            ),
            Err(err) => report(&name, &JsValue::from_str(&concat(&[what, ": ", &err]))),
        }) as Box<dyn Fn(JsValue)>)
    };
    let send_payload = forward(ctx.send_payload.clone(), "sendPayload");
    let send_event = forward(ctx.send_event.clone(), "sendEvent");
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
            register(
                "channel-web",
                "QuickReplies",
                |_p: &CustomProps, _e: &Element| None
            ),
            Err(RegistryError::BuiltIn("channel-web/QuickReplies".into()))
        );
        assert!(!unregister("extensions", "Dropdown"));
        assert!(is_registered("extensions", "Dropdown"));
        assert_eq!(
            RegistryError::BuiltIn("a/b".into()).to_string(),
            "`a/b` is a built-in view and cannot be replaced"
        );
        assert_eq!(
            RegistryError::InvalidName {
                module: "m".into(),
                view: "v w".into()
            }
            .message(),
            "invalid custom view name `m/v w`: names must be non-empty, without `/` or spaces"
        );
    }

    #[test]
    fn builtin_keys_name_the_builtin_views() {
        use crate::views::convert::{DROPDOWN, QUICK_REPLIES};
        assert_eq!(BUILTINS[0].0, key(QUICK_REPLIES.0, QUICK_REPLIES.1));
        assert_eq!(BUILTINS[1].0, key(DROPDOWN.0, DROPDOWN.1));
    }

    #[test]
    fn register_and_unregister_rust_views() {
        assert!(!is_registered("weather", "Forecast"));
        register("weather", "Forecast", |_p: &CustomProps, _e: &Element| None).expect("valid");
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
            send_payload: Rc::new(|_| {}),
            send_event: Rc::new(|_| {}),
        }
    }

    #[test]
    fn a_panicking_rust_view_is_contained() {
        // natively there is no DOM: the views below never touch their element
        let el: Element = wasm_bindgen::JsValue::NULL.unchecked_into();
        let bad: RustRender =
            Rc::new(|p: &CustomProps, _e: &Element| -> Cleanup { panic!("view {} broke", p.view) });
        assert!(call_rust(&bad, &props(), &el).is_none());
        let good: RustRender = Rc::new(|_p: &CustomProps, _e: &Element| None);
        assert!(call_rust(&good, &props(), &el).is_some());
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
                    register(m, v, |_p: &CustomProps, _e: &Element| None),
                    Err(RegistryError::InvalidName { .. })
                ),
                "{m}/{v}"
            );
        }
    }
}

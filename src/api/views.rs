//! Custom message views from the page (botpress-protocols.md §1.9): `registerView(module, view, render)`
//! and the v12 lookup `window.botpress[module][view]`.
//!
//! A message can only name a view the page registered or defined itself: nothing is ever loaded from a
//! message (v12 would fetch `assets/modules/{module}/web/lite.bundle.js`; we never do).

use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::config::{call_error, string_arg};
use crate::text::concat;
use crate::views;

/// `registerView(module, view, render)`: `render(container, props)` draws a `{type:'custom', module,
/// component|view}` message into `container` and may return a cleanup function. Throws an `Error`
/// naming `module/view` when a name is invalid or belongs to a built-in view.
pub fn register_view(module: &JsValue, view: &JsValue, render: JsValue) -> Result<(), JsValue> {
    let module = string_arg(module, ".registerView()", "module")?;
    let view = string_arg(view, ".registerView()", "view")?;
    let call = concat(&["registerView('", &module, "', '", &view, "')"]);
    let render: Function = render
        .dyn_into()
        .map_err(|_| call_error(&call, "`render` must be a function (container, props)"))?;
    views::register_js(&module, &view, render).map_err(|e| call_error(&call, &e.message()))
}

fn own(obj: &JsValue, name: &str) -> Option<JsValue> {
    let o = obj.dyn_ref::<Object>()?;
    let key = JsValue::from_str(name);
    if !Object::has_own(o, &key) {
        return None;
    }
    // a throwing getter reads as `undefined`, which the next step rejects like `None`
    Some(super::get(o, name))
}

/// The page's own `window.botpress[module][view]`, when it is a function declared with the two
/// parameters `(container, props)` (a React component from a v12 bundle takes one and is not
/// accepted). Own properties only, so `__proto__`/`constructor` names cannot reach built-ins.
pub fn page_view(module: &str, view: &str) -> Option<Function> {
    let mut v: JsValue = web_sys::window()?.into();
    // one lookup in a loop: `window.botpress`, then `[module]`, then `[view]`
    for key in &["botpress", module, view] {
        v = own(&v, key)?;
    }
    let f: Function = v.dyn_into().ok()?;
    (f.length() == 2).then_some(f)
}

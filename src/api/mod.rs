//! The JavaScript boundary: the only module that deals with `window.botpressWebChat`, `JsValue`
//! arguments and host callbacks (botpress-protocols.md §1.2).
//!
//! [`install`] runs at wasm start: it merges the real methods into the object `inject.js` created (never
//! replacing it), then replays the calls the page queued before the wasm was ready, in order, and
//! removes the loader's placeholder launchers no `init` took over (see `crate::mount`). Each method
//! parses its arguments into typed values and returns `Result<_, JsValue>`, which throws a JS `Error`
//! naming the bad key or the call made too early.

pub mod config;
pub mod exports;
mod instances;
pub mod viewport;
pub mod views;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Name of the page global.
pub const GLOBAL: &str = "botpressWebChat";

type Method = dyn FnMut(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>;

fn method(
    f: impl FnMut(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue> + 'static,
) -> JsValue {
    // installed once per page: the function lives as long as the page
    Closure::<Method>::new(f).into_js_value()
}

/// The methods of the global, in the order of [`call`]'s arms.
static METHODS: [&str; 8] = [
    "init",
    "configure",
    "mergeConfig",
    "sendEvent",
    "sendPayload",
    "onEvent",
    "registerView",
    "destroy",
];

/// Runs method `METHODS[which]` with the JS arguments it was given (extra ones ignored); the
/// methods other than `onEvent` return `undefined`.
fn call(which: usize, a: JsValue, b: JsValue, c: JsValue) -> Result<JsValue, JsValue> {
    // the methods borrow their arguments (one drop of each here, not one per exit of each method),
    // except the functions they keep
    let done = match which {
        0 => exports::init(&a, &b),
        1 | 2 => exports::reconfigure(&a, &b, which == 2),
        3 | 4 => exports::send(&a, &b, which == 4),
        5 => return exports::on_event(a, &b, &c),
        6 => views::register_view(&a, &b, c),
        _ => exports::destroy(&a),
    };
    done.map(|()| JsValue::UNDEFINED)
}

/// `obj[key]`, `undefined` when the read throws.
#[inline(never)]
fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[key] = value`, ignoring a write that throws.
#[inline(never)]
fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Install the API on `window.botpressWebChat` and replay queued calls.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let mut obj = get(&window, GLOBAL);
    if !obj.is_object() {
        obj = Object::new().into();
        set(&window, GLOBAL, &obj);
    }
    // one closure type for every method (one vtable and call shim instead of eight)
    for (i, name) in METHODS.iter().enumerate() {
        set(&obj, name, &method(move |a, b, c| call(i, a, b, c)));
    }
    set(&obj, "ready", &JsValue::TRUE);
    replay(&obj);
    // every queued `init` has claimed its loader placeholder by now; the rest (an `init` that threw)
    // would be launchers without a widget
    crate::mount::remove_placeholders();
}

/// Replay `obj._q` entries `{m, a, x?}` in order, storing each result in `entry.r` (so an `onEvent`
/// unsubscribe handed out before the wasm was ready works) and skipping cancelled ones (`x`). The
/// loader queues only the [`METHODS`], so an entry runs [`call`] directly (no JS function lookup and
/// `apply`); an entry naming anything else is skipped.
fn replay(obj: &JsValue) {
    let q = get(obj, "_q");
    let Some(q) = q.dyn_ref::<Array>() else {
        return;
    };
    // the methods are installed: nothing queues while the entries run
    for i in 0..q.length() {
        let entry = q.get(i);
        if get(&entry, "x").is_truthy() {
            continue;
        }
        let Some(name) = get(&entry, "m").as_string() else {
            continue;
        };
        let Some(which) = METHODS.iter().position(|m| *m == name) else {
            continue;
        };
        // `args[i]` (`undefined` past the end, or when `a` is not an array)
        let args = get(&entry, "a");
        match call(which, get(&args, "0"), get(&args, "1"), get(&args, "2")) {
            Ok(r) => set(&entry, "r", &r),
            Err(e) => web_sys::console::error_2(
                &crate::text::concat(&["botpressWebChat.", &name, ":"]).into(),
                &e,
            ),
        }
    }
    // the queue emptied: `length = "0"` (JS reads the string as the number; no number is made
    // in wasm for this one write)
    set(q, "length", &JsValue::from_str("0"));
}

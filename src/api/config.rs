//! JS config objects into typed [`Config`]s: unknown keys warn once, wrong types throw an `Error`
//! naming the key (botpress-protocols.md §1.3).

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use crate::json::{self, Value};
use crate::model::config::{is_known, Config, ConfigError};
use crate::text::concat;

thread_local! {
    /// The unknown keys already warned about (a handful per page: a list does).
    static WARNED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A JS value as JSON (`JSON.stringify` semantics: functions and `undefined` are dropped); `undefined`
/// and `null` are `{}`.
pub fn to_json(v: &JsValue, what: &str) -> Result<Value, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Object(Default::default()));
    }
    json::from_js(v)
        .map_err(|_| js_error(&["botpressWebChat: ", what, " must be a plain JSON object"]))
}

/// JSON into a JS value (plain objects, not `Map`s).
pub fn from_json(v: &Value) -> JsValue {
    json::to_js(v)
}

/// A thrown JS `Error` whose message is `parts` joined: the one place an error is built.
#[inline(never)]
pub fn js_error(parts: &[&str]) -> JsValue {
    js_sys::Error::new(&concat(parts)).into()
}

/// A thrown `Error` `botpressWebChat.{call}: {e}`, `call` naming the method with its parentheses
/// (`init()`, `registerView('m', 'v')`): the one message shape of a method that failed.
#[inline(never)]
pub fn call_error(call: &str, e: &str) -> JsValue {
    js_error(&["botpressWebChat.", call, ": ", e])
}

/// `v` as a string, else a thrown `Error` `botpressWebChat{call}: `{what}` must be a string`
/// (`call` is `""` or `.method()`).
pub fn string_arg(v: &JsValue, call: &str, what: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| js_error(&["botpressWebChat", call, ": `", what, "` must be a string"]))
}

/// Warn (once per key per page) about the options of the object `patch` we do not know.
pub fn warn_unknown(patch: &Value) {
    let Some(obj) = patch.as_object() else {
        return;
    };
    for key in obj.keys() {
        if is_known(key) {
            continue;
        }
        let first = WARNED.with(|w| {
            let mut w = w.borrow_mut();
            let first = !w.contains(key);
            if first {
                w.push(key.clone());
            }
            first
        });
        if first {
            web_sys::console::warn_1(
                &concat(&[
                    "botpressWebChat: unknown config option `",
                    key,
                    "` is ignored",
                ])
                .into(),
            );
        }
    }
}

/// Map a config error to a thrown `Error`.
pub fn config_error(e: ConfigError) -> JsValue {
    js_sys::Error::new(&e.message()).into()
}

/// The JS config object `patch` read over `base` (see [`Config::merged`]), with a warning for each
/// unknown key: the one parsing path of `init`, `configure` and `mergeConfig`.
pub fn read_config(base: Config, patch: &JsValue) -> Result<Config, JsValue> {
    let json = to_json(patch, "config")?;
    let cfg = base.merged(&json).map_err(config_error)?;
    warn_unknown(&json);
    Ok(cfg)
}

/// Parse an `init` config (replace over defaults) and require `botId`.
pub fn parse_init(v: &JsValue) -> Result<Config, JsValue> {
    if !v.is_object() {
        return Err(config_error(ConfigError::NotAnObject));
    }
    let cfg = read_config(Config::default(), v)?;
    if cfg.bot_id.is_empty() {
        return Err(config_error(ConfigError::MissingBotId));
    }
    Ok(cfg)
}

//! The methods of `window.botpressWebChat` (botpress-protocols.md §1.2 plus `onEvent`/`destroy` from the
//! messaging inject, §3.2). Each parses its arguments, finds the instance, and delegates to the session.

use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::{JsCast, JsValue};

use super::config::{call_error, js_error, parse_init, read_config, string_arg, to_json};
use super::instances::{self, Instance};
use crate::dom::Scope;
use crate::model::config::DEFAULT_CHAT_ID;
use crate::model::events::HostEvent;
use crate::model::Config;
use crate::mount;
use crate::transport::session::{event_command, payload_type};
use crate::transport::{Command, Session};

fn opt_string(v: &JsValue, what: &str) -> Result<Option<String>, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(None)
    } else {
        string_arg(v, "", what).map(Some)
    }
}

fn session_for(chat_id: &JsValue, call: &str) -> Result<Rc<Session>, JsValue> {
    let mut key = opt_string(chat_id, "chatId")?.unwrap_or_default();
    if key.is_empty() {
        key = DEFAULT_CHAT_ID.to_string();
    }
    // the key named even for the default widget (`bp-web-widget`): one message shape
    instances::session(&key).ok_or_else(|| {
        js_error(&[
            "botpressWebChat.",
            call,
            "() was called before init() with chatId `",
            &key,
            "`",
        ])
    })
}

/// `init(config, targetSelector = 'body')`: mount a widget (re-initialising one with the same chatId).
pub fn init(config: &JsValue, selector: &JsValue) -> Result<(), JsValue> {
    let cfg = parse_init(config)?;
    let selector = opt_string(selector, "targetSelector")?;
    let key = cfg.chat_key();
    instances::remove(&key);
    let session = Session::new(cfg.clone(), instances::sink(key.clone()))
        .map_err(|e| call_error("init()", &e.message()))?;
    let mounted = mount::mount(&cfg, selector.as_deref(), session.clone())
        .map_err(|e| call_error("init()", &e))?;
    let mut listeners = Scope::new();
    if let Some(window) = web_sys::window() {
        listen_online(&mut listeners, &window, &session, "online", true);
        listen_online(&mut listeners, &window, &session, "offline", false);
    }
    instances::insert(
        key.clone(),
        Instance {
            _listeners: listeners,
            mounted,
            session: session.clone(),
        },
    );
    session.start();
    instances::dispatch(&key, &HostEvent::Loaded);
    Ok(())
}

/// Tells `session` of the window's `name` event (`online` or `offline`) while `listeners` lives.
fn listen_online(
    listeners: &mut Scope,
    window: &web_sys::Window,
    session: &Rc<Session>,
    name: &'static str,
    online: bool,
) {
    let weak = Rc::downgrade(session);
    listeners.listen(
        window,
        name,
        Box::new(move |_| {
            if let Some(s) = weak.upgrade() {
                s.set_online(online);
            }
        }),
    );
}

fn apply_config(session: &Rc<Session>, key: &str, cfg: Config) {
    let public = cfg.to_json();
    instances::restyle(key, &cfg);
    session.set_config(cfg);
    instances::dispatch(key, &HostEvent::ConfigChanged(public));
}

/// `configure(config, chatId?)`: replace the config with the defaults plus `config` (v12 semantics; the
/// connection keys `host`, `botId`, `chatId`, `useSessionStorage` are kept unless given).
pub fn configure(patch: &JsValue, chat_id: &JsValue) -> Result<(), JsValue> {
    reconfigure(patch, chat_id, false)
}

/// `mergeConfig(config, chatId?)`: deep-merge into the current config.
pub fn merge_config(patch: &JsValue, chat_id: &JsValue) -> Result<(), JsValue> {
    reconfigure(patch, chat_id, true)
}

/// `configure` (`merge` false) and `mergeConfig` (`merge` true) in one body, so the session lookup,
/// the JSON conversion and the error paths are compiled once (the page's two methods call it
/// directly).
#[inline(never)]
pub(super) fn reconfigure(patch: &JsValue, chat_id: &JsValue, merge: bool) -> Result<(), JsValue> {
    let session = session_for(chat_id, if merge { "mergeConfig" } else { "configure" })?;
    let mut cfg = session.config();
    let key = cfg.chat_key();
    if !merge {
        // the defaults with the current connection keys, under the patch
        let mut fresh = Config::default();
        std::mem::swap(&mut fresh.host, &mut cfg.host);
        std::mem::swap(&mut fresh.bot_id, &mut cfg.bot_id);
        std::mem::swap(&mut fresh.chat_id, &mut cfg.chat_id);
        fresh.use_session_storage = cfg.use_session_storage;
        cfg = fresh;
    }
    let cfg = read_config(cfg, patch)?;
    apply_config(&session, &key, cfg);
    Ok(())
}

/// `sendEvent(event, chatId?)`: `show|hide|toggle|message|loadConversation|toggleBotInfo`; any other type is
/// sent to `/events` as `{type, payload: event}` (§1.2).
pub fn send_event(event: &JsValue, chat_id: &JsValue) -> Result<(), JsValue> {
    send(event, chat_id, false)
}

/// `sendPayload(payload, chatId?)`: `text|quick_reply|form|login_prompt|postback` to `/messages`, other
/// types to `/events`.
pub fn send_payload(payload: &JsValue, chat_id: &JsValue) -> Result<(), JsValue> {
    send(payload, chat_id, true)
}

/// `sendEvent` (`payload` false) and `sendPayload` (`payload` true) in one body, so the session
/// lookup, the JSON conversion and the error path are compiled once (the page's two methods call
/// it directly).
pub(super) fn send(value: &JsValue, chat_id: &JsValue, payload: bool) -> Result<(), JsValue> {
    let (method, call, what) = if payload {
        ("sendPayload", "sendPayload()", "payload")
    } else {
        ("sendEvent", "sendEvent()", "event")
    };
    let session = session_for(chat_id, method)?;
    let p = to_json(value, what)?;
    let cmd = if !payload {
        event_command(&p)
    } else if let Some(e) = payload_type(&p).err() {
        Err(e)
    } else {
        Ok(Some(Command::SendPayload(p)))
    };
    if let Some(cmd) = cmd.map_err(|e| call_error(call, &e))? {
        session.command(cmd);
    }
    Ok(())
}

/// `onEvent(handler, topics?, chatId?)`: subscribe; returns an unsubscribe function. Works before `init`.
pub fn on_event(handler: JsValue, topics: &JsValue, chat_id: &JsValue) -> Result<JsValue, JsValue> {
    let func: Function = handler
        .dyn_into()
        .map_err(|_| call_error("onEvent()", "`handler` must be a function"))?;
    // one list for every form: a string is a list of one, `undefined`/`null` the empty list
    let mut list = Vec::new();
    if let Some(arr) = topics.dyn_ref::<Array>() {
        // a plain loop by index: `collect::<Result<..>>` costs an iterator adapter in wasm, and
        // `Array::iter` a second element getter
        for i in 0..arr.length() {
            let Some(s) = arr.get(i).as_string() else {
                return Err(call_error("onEvent()", "`topics` must be strings"));
            };
            list.push(s);
        }
    } else if let Some(s) = topics.as_string() {
        list.push(s);
    } else if !(topics.is_undefined() || topics.is_null()) {
        return Err(call_error(
            "onEvent()",
            "`topics` must be an array of strings",
        ));
    }
    let chat = opt_string(chat_id, "chatId")?;
    let id = instances::add_handler(func, list, chat);
    // the toolkit's run-once callback (its closure type is shared; a second call does nothing, as
    // removing an absent id would)
    let unsubscribe = crate::dom::once(Box::new(move || instances::remove_handler(id)));
    Ok(unsubscribe.into_js_value())
}

/// `destroy(chatId?)`: unmount the widget and release its socket, listeners, timers and requests.
/// `destroy('*')` destroys every widget.
pub fn destroy(chat_id: &JsValue) -> Result<(), JsValue> {
    match opt_string(chat_id, "chatId")?.as_deref() {
        Some("*") => instances::remove_all(),
        other => {
            instances::remove(other.filter(|k| !k.is_empty()).unwrap_or(DEFAULT_CHAT_ID));
        }
    }
    Ok(())
}

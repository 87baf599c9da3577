//! The instance table (one entry per `chatId`) and the `onEvent` handler list.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::config::from_json;
use crate::dom::Scope;
use crate::model::events::{topic_matches, HostEvent};
use crate::mount::Mounted;
use crate::transport::session::HostSink;
use crate::transport::Session;

/// A live widget: its window listeners, its DOM and its session. Dropping it destroys the session,
/// then drops the fields in this order.
pub struct Instance {
    /// `online`/`offline` listeners (removed when dropped).
    pub _listeners: Scope,
    /// The mounted shadow root (dropping unmounts).
    pub mounted: Mounted,
    /// The session.
    pub session: Rc<Session>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        // the fields follow: listeners, then the DOM
        self.session.destroy();
    }
}

struct Handler {
    id: u32,
    func: Function,
    topics: Vec<String>,
    chat_id: Option<String>,
}

/// The `onEvent` handlers and the id the next one gets.
struct Handlers {
    next_id: u32,
    list: Vec<Handler>,
}

thread_local! {
    static INSTANCES: RefCell<Vec<(String, Instance)>> = const { RefCell::new(Vec::new()) };
    static HANDLERS: RefCell<Handlers> = const {
        RefCell::new(Handlers {
            next_id: 1,
            list: Vec::new(),
        })
    };
}

/// The session of `chat_key`, if initialised.
pub fn session(chat_key: &str) -> Option<Rc<Session>> {
    INSTANCES.with(|m| {
        m.borrow()
            .iter()
            .find(|(k, _)| k == chat_key)
            .map(|(_, i)| i.session.clone())
    })
}

/// Re-apply the stylesheet of `chat_key` for `cfg`.
pub fn restyle(chat_key: &str, cfg: &crate::model::Config) {
    INSTANCES.with(|m| {
        let all = m.borrow();
        let found = all.iter().find(|(k, _)| k == chat_key);
        if let Some((_, i)) = found {
            i.mounted.restyle(cfg);
        }
    });
}

/// Register an instance (replacing, and so destroying, any previous one with the same key).
pub fn insert(chat_key: String, inst: Instance) {
    let old = remove_entry(&chat_key);
    drop(old);
    INSTANCES.with(|m| m.borrow_mut().push((chat_key, inst)));
}

/// Remove and destroy an instance. Returns whether one existed.
pub fn remove(chat_key: &str) -> bool {
    let old = remove_entry(chat_key);
    let existed = old.is_some();
    // dropped outside the borrow: destroying a widget may run page code
    drop(old);
    existed
}

fn remove_entry(chat_key: &str) -> Option<Instance> {
    INSTANCES.with(|m| {
        let mut all = m.borrow_mut();
        let i = all.iter().position(|(k, _)| k == chat_key)?;
        // the table is looked up by key only: its order does not matter
        Some(all.swap_remove(i).1)
    })
}

/// Remove and destroy every instance.
pub fn remove_all() {
    let all: Vec<(String, Instance)> = INSTANCES.with(|m| std::mem::take(&mut *m.borrow_mut()));
    drop(all);
}

/// Add an `onEvent` handler; returns its id.
pub fn add_handler(func: Function, topics: Vec<String>, chat_id: Option<String>) -> u32 {
    HANDLERS.with(|h| {
        let mut h = h.borrow_mut();
        let id = h.next_id;
        h.next_id = id + 1;
        h.list.push(Handler {
            id,
            func,
            topics,
            chat_id,
        });
        id
    })
}

/// Remove a handler by id.
pub fn remove_handler(id: u32) {
    HANDLERS.with(|h| h.borrow_mut().list.retain(|x| x.id != id));
}

/// The host sink for one widget: lifecycle messages go to `window.postMessage` (the page's own origin,
/// never `'*'`), and every event goes to the matching `onEvent` handlers.
pub fn sink(chat_key: String) -> HostSink {
    Rc::new(move |e: HostEvent| dispatch(&chat_key, &e))
}

/// Deliver `e` of the widget `chat_key` as its [`sink`] does (for callers that have the key at hand
/// and need no sink of their own).
pub fn dispatch(chat_key: &str, e: &HostEvent) {
    if let Some(msg) = e.to_post_message(chat_key) {
        let origin = crate::browser::page_origin();
        if let Some(w) = web_sys::window().filter(|_| !origin.is_empty() && origin != "null") {
            let _ = w.post_message(&from_json(&msg), &origin);
        }
    }
    let topic = e.topic();
    // a plain loop: a filter/filter/map chain compiles to its own iterator adapter
    let mut funcs: Vec<Function> = Vec::new();
    HANDLERS.with(|h| {
        for x in h.borrow().list.iter() {
            if x.chat_id.as_deref().is_none_or(|c| c == chat_key) && topic_matches(&x.topics, topic)
            {
                funcs.push(x.func.clone());
            }
        }
    });
    if funcs.is_empty() {
        return;
    }
    let arg = from_json(&e.to_handler_json(chat_key));
    for f in &funcs {
        if let Err(err) = f.call1(&JsValue::UNDEFINED, &arg) {
            web_sys::console::error_2(&"botpressWebChat onEvent handler threw:".into(), &err);
        }
    }
}

//! The widget's whole rendering toolkit: build elements node by node, attach listeners that are
//! removed when their owner goes away, and run timers and animation frames that are cancelled the
//! same way. No framework, no virtual DOM, no HTML strings.
//!
//! Why not a framework: the widget is a guest on someone else's page and every kilobyte it downloads
//! is charged to that page. A generic view layer instantiates its render machinery once per view type;
//! here every helper is a plain function over `web_sys::Element`, compiled once. Components
//! (`crate::ui`, `crate::views`) are structs that build their DOM once and patch it when the part of the
//! state they show changes.
//!
//! Safety by construction: text only ever goes in through `textContent`/text nodes, attributes through
//! `setAttribute`, and there is no function here (nor anywhere in the crate) that parses markup, so a
//! page with `require-trusted-types-for 'script'` accepts everything the widget does. Styles are never
//! set as `style="..."` strings: dynamic values go through CSSOM (`style.setProperty`).
//!
//! Ownership: a [`Scope`] owns the listeners, timers and cleanups of one component; dropping it releases
//! them all. A [`Listener`], [`Timeout`] or [`Frame`] on its own is released when dropped, even from
//! inside its own callback.

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event, EventTarget, Node};

/// The SVG namespace, for icons.
const SVG_NS: &str = "http://www.w3.org/2000/svg";

// The page's document, timers and microtasks, bound as the globals they are
// (`document.createElement`, `setTimeout`): one JS call each, with no `Window` or `Document` object
// fetched into the wasm first, and no exception check where the call cannot throw (tag names are
// literals of this crate).
#[wasm_bindgen]
extern "C" {
    /// `globalThis`, for `document`.
    #[wasm_bindgen(js_name = globalThis)]
    type Global;
    #[wasm_bindgen(static_method_of = Global, getter, js_name = document)]
    fn page_document() -> Document;
    #[wasm_bindgen(js_namespace = document, js_name = createElement)]
    fn create_element(tag: &str) -> Element;
    #[wasm_bindgen(js_namespace = document, js_name = createElementNS)]
    fn create_element_ns(ns: &str, tag: &str) -> Element;
    #[wasm_bindgen(js_namespace = document, js_name = createTextNode)]
    fn create_text_node(text: &str) -> Node;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &Function, ms: i32) -> i32;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: i32);
    #[wasm_bindgen(js_name = requestAnimationFrame)]
    fn request_animation_frame(f: &Function) -> i32;
    #[wasm_bindgen(js_name = cancelAnimationFrame)]
    fn cancel_animation_frame(id: i32);
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(f: &Function);
}

// The element and listener calls of the helpers below, declared with what the helpers need: no
// return value where none is read, and an exception check only where the page's DOM could make the
// call throw (a tree insertion, a selector); attribute names, classes and events are literals of this
// crate.
#[wasm_bindgen]
extern "C" {
    /// Any node or event target, for these calls (see [`raw`]).
    type Raw;
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute(this: &Raw, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = removeAttribute)]
    fn remove_attribute(this: &Raw, name: &str);
    /// An element's `classList`.
    type ClassList;
    #[wasm_bindgen(method, getter, js_name = classList)]
    fn class_list(this: &Raw) -> ClassList;
    #[wasm_bindgen(method)]
    fn toggle(this: &ClassList, class: &str, force: bool);
    /// An element's `style` (CSSOM).
    type Style;
    #[wasm_bindgen(method, getter)]
    fn style(this: &Raw) -> Style;
    #[wasm_bindgen(method, js_name = setProperty)]
    fn set_property(this: &Style, property: &str, value: &str);
    #[wasm_bindgen(method, catch, js_name = appendChild)]
    fn append_child(this: &Raw, child: &Node) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = insertBefore)]
    fn insert_before(this: &Raw, child: &Node, before: Option<&Node>) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = querySelector)]
    fn query_selector(this: &Raw, selector: &str) -> Result<Option<Element>, JsValue>;
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_listener(this: &Raw, event: &str, f: &Function);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_listener(this: &Raw, event: &str, f: &Function);
    #[wasm_bindgen(method)]
    fn focus(this: &Raw);
}

/// `node` for the calls declared here: they are plain JS method calls, so no type check is needed.
fn raw(node: &JsValue) -> &Raw {
    node.unchecked_ref()
}

/// The page's document.
pub fn document() -> Document {
    Global::page_document()
}

/// A new element. Tag names are literals of this crate, so creation cannot fail.
pub fn create(tag: &str) -> Element {
    create_element(tag)
}

/// A new text node.
pub fn text_node(text: &str) -> Node {
    create_text_node(text)
}

/// An element under construction: `E::new("div").class("x").attr("role", "log").text("hi")`.
/// Every method is a plain function over the element, so building costs no generic code.
#[derive(Clone)]
pub struct E(pub Element);

impl E {
    /// A new HTML element.
    pub fn new(tag: &str) -> E {
        E(create(tag))
    }

    /// A new HTML element with the class `class`.
    #[inline(never)]
    pub fn classed(tag: &str, class: &str) -> E {
        E::new(tag).class(class)
    }

    /// A new `<button type="button">` with the class `class`.
    #[inline(never)]
    pub fn button(class: &str) -> E {
        E::new("button").attr("type", "button").class(class)
    }

    /// A new SVG element (icons).
    pub fn svg(tag: &str) -> E {
        E(create_element_ns(SVG_NS, tag))
    }

    /// Sets the `class` attribute.
    pub fn class(self, class: &str) -> E {
        self.0.set_class_name(class);
        self
    }

    /// Sets an attribute.
    pub fn attr(self, name: &str, value: &str) -> E {
        set(&self.0, name, value);
        self
    }

    /// Sets `aria-hidden="true"` (decoration that assistive technology skips).
    pub fn aria_hidden(self) -> E {
        set(&self.0, "aria-hidden", "true");
        self
    }

    /// Sets `dir="auto"` (the text direction follows the content).
    pub fn dir_auto(self) -> E {
        set(&self.0, "dir", "auto");
        self
    }

    /// Sets a boolean attribute (present or absent).
    pub fn flag(self, name: &str, on: bool) -> E {
        flag(&self.0, name, on);
        self
    }

    /// Sets `data-testid`.
    pub fn testid(self, id: &str) -> E {
        set(&self.0, "data-testid", id);
        self
    }

    /// Appends a text node.
    pub fn text(self, text: &str) -> E {
        append(&self.0, &text_node(text));
        self
    }

    /// Appends a child element.
    pub fn child(self, child: E) -> E {
        append(&self.0, &child.0);
        self
    }

    /// Appends a child node, if any.
    pub fn node(self, child: Option<&Node>) -> E {
        if let Some(c) = child {
            append(&self.0, c);
        }
        self
    }

    /// Appends the element to `parent` (the builder is done with it).
    pub fn append_to(self, parent: &Node) {
        append(parent, &self.0);
    }

    /// Adds a listener, owned by `scope`.
    pub fn on(self, scope: &mut Scope, event: &'static str, f: Box<dyn FnMut(Event)>) -> E {
        scope.listen(&self.0, event, f);
        self
    }
}

/// Sets an attribute.
pub fn set(el: &Element, name: &str, value: &str) {
    raw(el).set_attribute(name, value);
}

/// Sets an attribute only when its value differs (no needless mutation records).
pub fn set_if_changed(el: &Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        set(el, name, value);
    }
}

/// Adds or removes a boolean attribute.
pub fn flag(el: &Element, name: &str, on: bool) {
    if on != el.has_attribute(name) {
        if on {
            set(el, name, "");
        } else {
            raw(el).remove_attribute(name);
        }
    }
}

/// Adds or removes a class.
pub fn toggle_class(el: &Element, class: &str, on: bool) {
    raw(el).class_list().toggle(class, on);
}

/// Replaces the text of an element when it differs.
pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Keeps an optional element in step with an optional text: when the text appears the element is
/// built by `build` and inserted into `parent` before `before`; while it stays its text follows; when it
/// goes the element is removed.
pub fn show_text(
    slot: &mut Option<Element>,
    text: Option<&str>,
    parent: &Node,
    before: Option<&Node>,
    build: fn(&str) -> E,
) {
    match (text, &*slot) {
        (Some(text), Some(el)) => set_text(el, text),
        (Some(text), None) => {
            let el = build(text).0;
            insert(parent, &el, before);
            *slot = Some(el);
        }
        (None, Some(el)) => {
            el.remove();
            *slot = None;
        }
        (None, None) => {}
    }
}

/// Removes every child.
pub fn clear(el: &Element) {
    el.set_text_content(None);
}

/// Appends `child` to `parent`.
#[inline(never)]
pub fn append(parent: &Node, child: &Node) {
    let _ = try_append(parent, child);
}

/// Appends `child` to `parent`; `Err` when the DOM refuses (e.g. `child` contains `parent`).
pub fn try_append(parent: &Node, child: &Node) -> Result<(), JsValue> {
    raw(parent).append_child(child)
}

/// Inserts `child` into `parent` before `before` (at the end without one).
pub fn insert(parent: &Node, child: &Node, before: Option<&Node>) {
    let _ = raw(parent).insert_before(child, before);
}

/// Sets a CSS property through CSSOM (never a `style` attribute string: a strict CSP allows this).
pub fn style(el: &Element, property: &str, value: &str) {
    raw(el).style().set_property(property, value);
}

/// Focuses an element, if it is focusable (HTML and SVG elements have `focus()`; it never throws).
pub fn focus(el: &Element) {
    raw(el).focus();
}

/// The first descendant of `root` (an element, shadow root or document) matching `selector`; `Err`
/// for a selector the browser cannot parse.
pub fn query(root: &Node, selector: &str) -> Result<Option<Element>, JsValue> {
    raw(root).query_selector(selector)
}

/// The first descendant matching `selector`.
pub fn find(root: &Node, selector: &str) -> Option<Element> {
    query(root, selector).ok().flatten()
}

/// `target.addEventListener(event, f)`, for a caller that keeps its own closure (a [`Listener`]
/// is the usual way).
pub fn add_listener(target: &EventTarget, event: &str, f: &Function) {
    raw(target).add_listener(event, f);
}

/// `target.removeEventListener(event, f)`, undoing [`add_listener`].
pub fn remove_listener(target: &EventTarget, event: &str, f: &Function) {
    raw(target).remove_listener(event, f);
}

/// An event listener; dropping it removes it from its target (safe from inside its own callback).
pub struct Listener {
    target: EventTarget,
    event: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Listens for `event` on `target`.
    pub fn new(target: &EventTarget, event: &'static str, f: Box<dyn FnMut(Event)>) -> Listener {
        let closure = Closure::wrap(f);
        add_listener(target, event, closure.as_ref().unchecked_ref());
        Listener {
            target: target.clone(),
            event,
            closure,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        remove_listener(
            &self.target,
            self.event,
            self.closure.as_ref().unchecked_ref(),
        );
    }
}

/// A callback waiting in a `setTimeout` (`frame` false) or a `requestAnimationFrame` (`frame` true);
/// dropping it cancels it. [`Timeout`] and [`Frame`] share it, so they share its code.
struct Pending {
    id: i32,
    frame: bool,
    _closure: Closure<dyn FnMut()>,
}

impl Pending {
    /// Registers `f` to run once after `timeout` milliseconds, or before the next paint (`None`).
    fn new(f: Box<dyn FnOnce()>, timeout: Option<i32>) -> Pending {
        let closure = once(f);
        let cb = closure.as_ref().unchecked_ref();
        let id = match timeout {
            Some(ms) => set_timeout(cb, ms),
            None => request_animation_frame(cb),
        };
        Pending {
            id,
            frame: timeout.is_none(),
            _closure: closure,
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.frame {
            cancel_animation_frame(self.id);
        } else {
            clear_timeout(self.id);
        }
    }
}

/// A `setTimeout`; dropping it cancels it (safe from inside its own callback).
pub struct Timeout {
    _pending: Pending,
}

/// A JS callback that runs `f` the first time it is called and does nothing after.
pub(crate) fn once(f: Box<dyn FnOnce()>) -> Closure<dyn FnMut()> {
    let mut f = Some(f);
    Closure::wrap(Box::new(move || {
        if let Some(f) = f.take() {
            f();
        }
    }) as Box<dyn FnMut()>)
}

impl Timeout {
    /// Runs `f` once after `ms` milliseconds.
    pub fn new(ms: f64, f: Box<dyn FnOnce()>) -> Timeout {
        let ms = if ms.is_finite() && ms > 0.0 {
            ms.min(i32::MAX as f64) as i32
        } else {
            0
        };
        Timeout {
            _pending: Pending::new(f, Some(ms)),
        }
    }
}

/// A `requestAnimationFrame`; dropping it cancels it (safe from inside its own callback).
pub struct Frame {
    _pending: Pending,
}

impl Frame {
    /// Runs `f` before the next paint.
    pub fn new(f: Box<dyn FnOnce()>) -> Frame {
        Frame {
            _pending: Pending::new(f, None),
        }
    }
}

/// Runs `f` once after `ms` milliseconds, with no handle: for work that must happen whatever becomes
/// of its owner.
pub fn after(ms: i32, f: Box<dyn FnOnce()>) {
    // the timer's JS function owns the callback: `f` is dropped when it runs, the small wrapper
    // when the browser collects the function
    set_timeout(once(f).into_js_value().unchecked_ref(), ms);
}

/// Runs `f` in a microtask (after the current task's synchronous work, before the browser renders).
pub fn microtask(f: Box<dyn FnOnce()>) {
    // as in `after`: the JS function owns the callback, and `f` is dropped when it runs
    queue_microtask(once(f).into_js_value().unchecked_ref());
}

/// The listeners and cleanups of one component; dropping the scope releases them all, cleanups first
/// (in the order they were added).
#[derive(Default)]
pub struct Scope {
    listeners: Vec<Listener>,
    cleanups: Vec<Box<dyn FnOnce()>>,
}

impl Scope {
    /// A new, empty scope.
    pub fn new() -> Scope {
        Scope::default()
    }

    /// Listens for `event` on `target` for as long as the scope lives.
    pub fn listen(&mut self, target: &EventTarget, event: &'static str, f: Box<dyn FnMut(Event)>) {
        self.listeners.push(Listener::new(target, event, f));
    }

    /// Runs `f` when the scope is dropped.
    pub fn on_cleanup(&mut self, f: Box<dyn FnOnce()>) {
        self.cleanups.push(f);
    }

    /// Releases everything now (the scope can be reused).
    pub fn clear(&mut self) {
        // popped from the reversed list: a by-value loop compiles to an iterator with its own drop
        self.cleanups.reverse();
        while let Some(f) = self.cleanups.pop() {
            f();
        }
        self.listeners.clear();
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.clear();
    }
}

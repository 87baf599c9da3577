//! The composer: the quick replies of the last bot message (a keyboard above the text box), and the
//! text box itself: Enter sends, Shift+Enter makes a newline, the arrow keys recall sent texts
//! (`enablePersistHistory`). Locked while the last message asks for a choice (`disableFreeText`).
//! `composer` overrides replace it (v12).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement, KeyboardEvent, ShadowRoot};

use super::overrides::{Location, Slot};
use super::{icon, recall, rows, Chat, Cx, ICON_SEND};
use crate::dom::{self, Scope, E};
use crate::i18n::{tf, Key};
use crate::json::Value;
use crate::transport::Command;
use crate::views::{self, QuickReply};

/// The composer, or the `composer` overrides instead of it when any is registered.
pub struct ComposerSlot {
    overrides: Slot,
    composer: Option<Composer>,
}

impl ComposerSlot {
    /// Builds the slot into `section` before `end`.
    pub fn new(section: &Element, end: &Element, cx: &Cx) -> ComposerSlot {
        let mut slot = ComposerSlot {
            overrides: Slot::new(Location::Composer),
            composer: None,
        };
        slot.update(section, end, cx);
        slot
    }

    /// Patches the slot for `cx`.
    pub fn update(&mut self, section: &Element, end: &Element, cx: &Cx) {
        self.overrides.update(cx, section, Some(end.as_ref()));
        if self.overrides.element().is_some() {
            self.composer = None;
            return;
        }
        match &mut self.composer {
            Some(c) => c.update(cx),
            None => self.composer = Some(Composer::new(section, end, cx)),
        }
    }

    /// The first element of the slot (content placed above the composer goes before it).
    pub fn first(&self) -> Option<&Element> {
        if let Some(el) = self.overrides.element() {
            return Some(el);
        }
        self.composer.as_ref().map(Composer::first)
    }
}

/// What the keyboard above the composer shows: the last message's id and its quick replies.
type KeyboardModel = Option<(String, Vec<QuickReply>)>;

/// The text box and its send button, with the keyboard above them.
pub struct Composer {
    form: Element,
    input: HtmlTextAreaElement,
    send: Element,
    /// What the keyboard shows (`None` before the first update), its element and its listeners.
    keyboard_model: Option<KeyboardModel>,
    keyboard: Option<Element>,
    keyboard_scope: Scope,
    /// Whether the text box was locked at the last update (`None` before the first).
    locked: Option<bool>,
    _scope: Scope,
}

impl Composer {
    fn new(section: &Element, end: &Element, cx: &Cx) -> Composer {
        let mut scope = Scope::new();
        let input = E::classed("textarea", "bpw-input")
            .testid("composer")
            .attr("rows", "1")
            .dir_auto();
        let send = E::new("button")
            .attr("type", "submit")
            .class("bpw-send")
            .testid("send")
            .child(icon(ICON_SEND));
        let form = E::classed("form", "bpw-composer")
            .node(Some(input.0.as_ref()))
            .node(Some(send.0.as_ref()));
        let textarea: HtmlTextAreaElement = input.0.clone().unchecked_into();
        let cursor = Rc::new(Cell::new(None::<usize>));
        let (chat, field, recalled) = (cx.chat.clone(), textarea.clone(), cursor.clone());
        scope.listen(
            &form.0,
            "submit",
            Box::new(move |ev| {
                ev.prevent_default();
                submit(&chat, &field, &recalled);
            }),
        );
        let chat = cx.chat.clone();
        let field = textarea.clone();
        scope.listen(
            &input.0,
            "keydown",
            Box::new(move |ev| {
                let Some(ev) = ev.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                let key = ev.key();
                let up = key == "ArrowUp";
                if key == "Enter" && !ev.shift_key() && !ev.is_composing() {
                    ev.prevent_default();
                    submit(&chat, &field, &cursor);
                } else if (up || key == "ArrowDown")
                    && chat.config().enable_persist_history
                    && (cursor.get().is_some() || field.value().is_empty())
                {
                    ev.prevent_default();
                    let state = chat.state();
                    let (next, text) = recall(&state.sent_history, cursor.get(), up);
                    cursor.set(next);
                    field.set_value(text);
                }
            }),
        );
        dom::insert(section, &form.0, Some(end.as_ref()));
        let mut composer = Composer {
            form: form.0,
            input: textarea,
            send: send.0,
            keyboard_model: None,
            keyboard: None,
            keyboard_scope: Scope::new(),
            locked: None,
            _scope: scope,
        };
        composer.update(cx);
        composer
    }

    fn first(&self) -> &Element {
        self.keyboard.as_ref().unwrap_or(&self.form)
    }

    fn update(&mut self, cx: &Cx) {
        self.update_keyboard(cx);
        let locked = rows::composer_locked(&cx.state.messages);
        // borrowed unless it has to be put together ("Reply to {name}")
        let reply_to;
        let placeholder: &str = if locked {
            cx.t(Key::ChooseAnswer)
        } else if let Some(p) = &cx.config.composer_placeholder {
            p
        } else if cx.state.bot_name.is_empty() {
            cx.t(Key::TypeMessage)
        } else {
            reply_to = tf(cx.lang, Key::ReplyTo, &[("name", &cx.state.bot_name)]);
            &reply_to
        };
        // each attribute is written only when it differs (no needless mutation records)
        let input: &Element = self.input.as_ref();
        dom::toggle_class(&self.form, "bpw-locked", locked);
        dom::set_if_changed(input, "placeholder", placeholder);
        dom::set_if_changed(input, "aria-label", cx.t(Key::MessageLabel));
        dom::flag(input, "disabled", locked);
        dom::set_if_changed(&self.send, "aria-label", cx.t(Key::Send));
        dom::flag(&self.send, "disabled", locked);
        if self.locked.replace(locked) != Some(locked) {
            self.move_focus(locked);
        }
    }

    /// Focus: the composer on open and when a lock lifts; when a lock starts while the composer had
    /// focus (a disabled text box drops it), the first answer of the keyboard above it.
    fn move_focus(&self, locked: bool) {
        let input: &Element = self.input.as_ref();
        if !locked {
            dom::focus(input);
            return;
        }
        // the UI lives in the widget's shadow root (`crate::mount`), whose `activeElement` is the
        // focused element inside it (a detached text box's root is an element without one: `None`)
        let root: ShadowRoot = input.get_root_node().unchecked_into();
        let active = root.active_element();
        if active.is_none() || active.as_ref() == Some(input) {
            if let Some(kb) = &self.keyboard {
                if let Some(button) = dom::find(kb, "button") {
                    dom::focus(&button);
                }
            }
        }
    }

    fn update_keyboard(&mut self, cx: &Cx) {
        let model = rows::last_keyboard(&cx.state.messages);
        if self.keyboard_model.as_ref() == Some(&model) {
            return;
        }
        if let Some(el) = self.keyboard.take() {
            el.remove();
        }
        self.keyboard_scope.clear();
        let scope = &mut self.keyboard_scope;
        self.keyboard = model.as_ref().map(|(_, replies)| {
            let send = keyboard_sender(cx.chat, self.input.clone());
            let keyboard = views::render_keyboard(replies, send, cx.lang, scope);
            let el = E::classed("div", "bpw-composer-keyboard")
                .testid("composer-keyboard")
                .dir_auto()
                .0;
            dom::append(&el, &keyboard);
            if let Some(parent) = self.form.parent_node() {
                dom::insert(&parent, &el, Some(self.form.as_ref()));
            }
            el
        });
        self.keyboard_model = Some(model);
    }
}

/// Sends the text box's text (unless blank, or the box is locked) and empties it.
fn submit(chat: &Chat, textarea: &HtmlTextAreaElement, cursor: &Cell<Option<usize>>) {
    let text = textarea.value();
    // `disabled` reflects the attribute (set by `update` while locked)
    if !text.trim().is_empty() && !textarea.has_attribute("disabled") {
        chat.run(Command::SendText(text));
        textarea.set_value("");
        cursor.set(None);
    }
}

/// Sends a quick reply, then gives focus back to the text box (the keyboard disappears).
fn keyboard_sender(chat: &Chat, input: HtmlTextAreaElement) -> views::Callback<Value> {
    let send = chat.send_payload();
    Rc::new(move |p: Value| {
        send(p);
        dom::focus(&input);
    })
}

impl Drop for Composer {
    fn drop(&mut self) {
        if let Some(el) = &self.keyboard {
            el.remove();
        }
        self.form.remove();
    }
}

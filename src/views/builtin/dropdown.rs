//! `custom extensions/Dropdown` (and universal `dropdown`): a native select (single) or a checkbox list
//! (multiple). A selection sends `{type:'quick_reply', text:label, payload:value||label}` (§1.8).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

use super::markdown::append_nodes;
use crate::dom::{append, flag, Scope, E};
use crate::i18n::Key;
use crate::json::Value;
use crate::model::Message;
use crate::views::convert::{Custom, Dropdown, DropdownOption};
use crate::views::markdown::{parse_markdown, plain_text_nodes};
use crate::views::{Callback, RenderCtx};

/// Registry entry for `extensions/Dropdown`.
pub fn render(custom: &Custom, msg: &Message, ctx: &RenderCtx, scope: &mut Scope) -> Element {
    match Dropdown::from_props(&custom.props) {
        Some(dropdown) => view(dropdown, ctx, msg.is_bot() && ctx.is_last(), scope),
        None => super::unsupported::render("custom", ctx.lang),
    }
}

/// What a selection needs: the options, the sender, and whether it was used.
struct Chooser {
    options: Vec<DropdownOption>,
    send: Callback<Value>,
    sent: Cell<bool>,
    controls: RefCell<Vec<Element>>,
}

impl Chooser {
    /// Sends the options at `indices` once, then disables every control.
    fn choose(&self, indices: &[usize]) {
        let Some(payload) = Dropdown::selection_payload(&self.options, indices) else {
            return;
        };
        if self.sent.replace(true) {
            return;
        }
        self.disable();
        (self.send)(payload);
    }

    /// The indices of the checked boxes of a multiple selection (its first controls are the
    /// checkboxes, in the options' order).
    fn checked(&self) -> Vec<usize> {
        let controls = self.controls.borrow();
        let mut indices = Vec::new();
        for i in 0..self.options.len() {
            if let Some(c) = controls.get(i) {
                if c.unchecked_ref::<HtmlInputElement>().checked() {
                    indices.push(i);
                }
            }
        }
        indices
    }

    /// Disables every control.
    fn disable(&self) {
        for c in self.controls.borrow().iter() {
            flag(c, "disabled", true);
        }
    }
}

/// A dropdown message; `active` is false once it is not the last message (then it is disabled).
/// Takes the dropdown by value: its options move into the selection handler.
pub fn view(dropdown: Dropdown, ctx: &RenderCtx, active: bool, scope: &mut Scope) -> Element {
    let root = E::classed("div", "bpw-dropdown").testid("bpw-dropdown");
    if let Some(m) = &dropdown.message {
        let nodes = if dropdown.markdown {
            parse_markdown(m, &ctx.bot_host)
        } else {
            plain_text_nodes(m)
        };
        let message = E::classed("div", "bpw-text bpw-dropdown-message").0;
        append_nodes(&message, &nodes);
        append(&root.0, &message);
    }
    let button_text = dropdown
        .button_text
        .as_deref()
        .unwrap_or(ctx.tr(Key::Select));
    let placeholder = dropdown
        .placeholder_text
        .as_deref()
        .unwrap_or(ctx.tr(Key::ChooseOption));
    let chooser = Rc::new(Chooser {
        options: dropdown.options,
        send: ctx.send_payload.clone(),
        sent: Cell::new(!active),
        controls: RefCell::new(Vec::new()),
    });
    let control = if dropdown.allow_multiple {
        multiple(&chooser, placeholder, button_text, scope)
    } else {
        single(&chooser, placeholder, scope)
    };
    if !active {
        chooser.disable();
    }
    root.child(E(control)).0
}

fn single(chooser: &Rc<Chooser>, placeholder: &str, scope: &mut Scope) -> Element {
    let select = E::classed("select", "bpw-dropdown-select")
        .testid("bpw-dropdown-select")
        .attr("aria-label", placeholder)
        .child(
            E::new("option")
                .attr("value", "")
                .flag("disabled", true)
                .flag("selected", true)
                .text(placeholder),
        );
    for (i, o) in chooser.options.iter().enumerate() {
        append(
            &select.0,
            &E::new("option")
                .attr("value", &crate::text::int(i as i64))
                .text(&o.label)
                .0,
        );
    }
    let c = chooser.clone();
    let el = select.0.clone();
    scope.listen(
        &select.0,
        "change",
        Box::new(move |_| {
            // option `i` is at index `i + 1`, after the placeholder (the element is always a select)
            let i = el.unchecked_ref::<HtmlSelectElement>().selected_index();
            if i > 0 {
                c.choose(&[(i - 1) as usize]);
            }
        }),
    );
    chooser.controls.borrow_mut().push(select.0.clone());
    select.0
}

fn multiple(
    chooser: &Rc<Chooser>,
    placeholder: &str,
    button_text: &str,
    scope: &mut Scope,
) -> Element {
    let set = E::classed("fieldset", "bpw-dropdown-multiple").attr("aria-label", placeholder);
    let submit = E::button("bpw-dropdown-submit")
        .testid("bpw-dropdown-submit")
        .attr("aria-label", button_text)
        .flag("disabled", true)
        .text(button_text);
    for o in &chooser.options {
        let input = E::new("input")
            .attr("type", "checkbox")
            .testid("bpw-dropdown-option")
            .attr("aria-label", &o.label);
        let (s, c) = (submit.0.clone(), chooser.clone());
        scope.listen(
            &input.0,
            "change",
            Box::new(move |_| flag(&s, "disabled", c.sent.get() || c.checked().is_empty())),
        );
        chooser.controls.borrow_mut().push(input.0.clone());
        append(
            &set.0,
            &E::classed("label", "bpw-dropdown-option")
                .child(input)
                .child(E::new("span").text(&o.label))
                .0,
        );
    }
    let c = chooser.clone();
    scope.listen(
        &submit.0,
        "click",
        Box::new(move |_| c.choose(&c.checked())),
    );
    chooser.controls.borrow_mut().push(submit.0.clone());
    set.child(submit).0
}

//! `custom channel-web/QuickReplies` (and universal `single-choice`): the wrapped payload in the bubble,
//! and buttons that send `{type:'quick_reply', text:title, payload}` (§1.8). The buttons render as a
//! keyboard: above the composer through `views::keyboard_for`, or inline under the last message.

use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::dom::{append, flag, Scope, E};
use crate::i18n::{t, Key, Lang};
use crate::json::Value;
use crate::model::Message;
use crate::views::convert::{Custom, QuickReplies, QuickReply};
use crate::views::{render_payload, Callback, RenderCtx};

/// Registry entry for `channel-web/QuickReplies`: renders the wrapped payload (the buttons are the
/// message's keyboard, see `views::render_message`).
pub fn render(custom: &Custom, msg: &Message, ctx: &RenderCtx, scope: &mut Scope) -> Element {
    match QuickReplies::from_props(&custom.props).and_then(|qr| qr.wrapped) {
        Some(wrapped) => render_payload(&wrapped, msg, ctx, scope),
        None => E::new("span").0,
    }
}

/// A row of quick reply buttons; after one is used they are all disabled.
pub fn keyboard(
    replies: &[QuickReply],
    send_payload: Callback<Value>,
    lang: Lang,
    scope: &mut Scope,
) -> Element {
    let group = E::classed("div", "bpw-keyboard")
        .attr("role", "group")
        .attr("aria-label", t(lang, Key::QuickReplies))
        .testid("bpw-keyboard");
    let container = group.0.clone();
    for reply in replies {
        let payload = reply.to_payload();
        let send = send_payload.clone();
        let all = container.clone();
        let button = E::button("bpw-quick-reply")
            .testid("bpw-quick-reply")
            .attr("aria-label", &reply.title)
            .text(&reply.title)
            .on(
                scope,
                "click",
                Box::new(move |_| {
                    if disable_all(&all) {
                        send(payload.clone());
                    }
                }),
            );
        append(&group.0, &button.0);
    }
    group.0
}

/// Disables every button in `group`; false when they were disabled already (a second click).
fn disable_all(group: &Element) -> bool {
    let Ok(buttons) = group.query_selector_all("button") else {
        return false;
    };
    let mut was_enabled = false;
    for i in 0..buttons.length() {
        // the selector only matches elements
        if let Some(b) = buttons.item(i).map(JsCast::unchecked_into::<Element>) {
            was_enabled |= !b.has_attribute("disabled");
            flag(&b, "disabled", true);
        }
    }
    was_enabled
}

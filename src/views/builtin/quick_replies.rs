//! `custom channel-web/QuickReplies` (and universal `single-choice`): the wrapped payload in the bubble,
//! and buttons that send `{type:'quick_reply', text:title, payload}` (§1.8). The buttons render as a
//! keyboard: above the composer through `views::keyboard_for`, or inline under the last message.

use leptos::prelude::*;
use serde_json::Value;

use crate::model::Message;
use crate::views::convert::{Custom, QuickReplies, QuickReply};
use crate::views::{render_payload, RenderCtx};

/// Registry entry for `channel-web/QuickReplies`: renders the wrapped payload (the buttons are the
/// message's keyboard, see `views::render_message`).
pub fn render(custom: &Custom, msg: &Message, ctx: &RenderCtx) -> AnyView {
    match QuickReplies::from_props(&custom.props).and_then(|qr| qr.wrapped) {
        Some(wrapped) => render_payload(&wrapped, msg, ctx),
        None => ().into_any(),
    }
}

/// A row of quick reply buttons; after one is used they are all disabled.
#[component]
pub fn Keyboard(
    /// The buttons.
    replies: Vec<QuickReply>,
    /// Sends the chosen reply.
    send_payload: Callback<Value>,
) -> impl IntoView {
    let used = RwSignal::new(false);
    let buttons = replies
        .into_iter()
        .map(|reply| {
            let title = reply.title.clone();
            let payload = reply.to_payload();
            view! {
                <button
                    type="button"
                    class="bpw-quick-reply"
                    data-testid="bpw-quick-reply"
                    aria-label=title.clone()
                    disabled=move || used.get()
                    on:click=move |_| {
                        if !used.get_untracked() {
                            used.set(true);
                            send_payload.run(payload.clone());
                        }
                    }
                >
                    {title.clone()}
                </button>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="bpw-keyboard" role="group" aria-label=crate::views::tr(crate::i18n::Key::QuickReplies) data-testid="bpw-keyboard">
            {buttons}
        </div>
    }
}

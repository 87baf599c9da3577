//! Message rendering: payload conversion, the URL allowlist, markdown, the view registry and the
//! built-in renderers (botpress-protocols.md §1.8, §1.9).
//!
//! The UI calls one function per transcript row, [`render_message`], with a [`RenderCtx`] carrying the
//! callbacks a message may fire and the row's grouping flags. Quick replies that belong above the composer
//! come from [`keyboard_for`] and render with [`render_keyboard`]; [`locks_composer`] says whether the
//! last message disables free text.
//!
//! Layering: [`convert`], [`url`] and [`markdown`] (its parsing half) are pure and tested natively;
//! [`builtin`] holds thin Leptos components; [`registry`] dispatches `custom` payloads to built-in,
//! Rust-registered or JS-registered views, each isolated so that one broken view only costs its own
//! message (style-anchors.md R11).

pub mod builtin;
pub mod cmark;
pub mod convert;
pub mod markdown;
pub mod registry;
pub mod url;

use leptos::prelude::*;
use serde_json::Value;

use crate::i18n::{self, Key, Lang};
use crate::model::Message;

/// The `aria-hidden` value for decorative elements, held in a const on purpose: `view!` turns an
/// element whose attributes are all string literals and whose children are static into an
/// `InertElement`, mounted by assigning an HTML string, which a page with
/// `require-trusted-types-for 'script'` blocks. One non-literal attribute keeps the element built
/// node by node. `xtask/tests/trusted_types.rs` finds any static subtree that slips in.
pub(crate) const ARIA_HIDDEN: &str = "true";
pub use convert::{convert, Content, Converted, QuickReply};
pub use registry::{
    is_registered, register, register_js, unregister, CustomProps, JsView, RegistryError,
};

/// The UI language, provided as context by the widget so built-in views speak it (English without it).
#[derive(Clone, Copy, Debug)]
pub struct ViewLang(pub Memo<Lang>);

/// A UI string for a built-in view, in the language of the [`ViewLang`] context (read untracked: the
/// UI re-renders a message when the language changes).
pub fn tr(key: Key) -> &'static str {
    let lang = use_context::<ViewLang>()
        .and_then(|l| l.0.try_get_untracked())
        .unwrap_or_default();
    i18n::t(lang, key)
}

/// [`tr`] with `{name}` placeholders filled; runs of spaces left by an empty value collapse.
pub fn trf(key: Key, args: &[(&str, &str)]) -> String {
    let mut s = tr(key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Everything a message renderer needs from the UI.
#[derive(Clone, Debug)]
pub struct RenderCtx {
    /// Sends a payload as the user (`{type:'quick_reply'|'postback'|'say_something'|'login_prompt', …}`).
    pub send_payload: Callback<Value>,
    /// Sends an event that is not a message (custom views' `sendEvent`).
    pub send_event: Callback<Value>,
    /// Records feedback for a bot message: `(message id, 1 | -1)`.
    pub send_feedback: Callback<(String, i8)>,
    /// Origin relative media/link URLs resolve on, e.g. `https://bot.example.com` (§1.8).
    pub bot_host: String,
    /// The message is in the last group of the transcript.
    pub is_last_group: bool,
    /// The message is the last of its group.
    pub is_last_of_group: bool,
    /// Show the message's time under it.
    pub show_timestamp: bool,
    /// The UI shows quick replies above the composer ([`keyboard_for`]); when `false`, the last
    /// message shows them inline under its bubble instead.
    pub keyboard_in_composer: bool,
}

impl RenderCtx {
    /// A context with the given callbacks and bot host; every flag `false`.
    pub fn new(
        send_payload: Callback<Value>,
        send_event: Callback<Value>,
        send_feedback: Callback<(String, i8)>,
        bot_host: impl Into<String>,
    ) -> Self {
        Self {
            send_payload,
            send_event,
            send_feedback,
            bot_host: bot_host.into(),
            is_last_group: false,
            is_last_of_group: false,
            show_timestamp: false,
            keyboard_in_composer: false,
        }
    }

    /// True for the very last message of the transcript (where keyboards and prompts are live).
    pub fn is_last(&self) -> bool {
        self.is_last_group && self.is_last_of_group
    }
}

/// Renders one transcript message. Never panics on bad payloads: unknown or malformed content shows
/// "Unsupported message", and a failing custom view shows the same fallback for its message only.
pub fn render_message(msg: &Message, ctx: RenderCtx) -> AnyView {
    let converted = convert(&msg.payload);
    if converted.content == Content::Visit {
        return ().into_any();
    }
    let is_bot = msg.is_bot();
    let type_name = msg.payload_type().to_string();
    let no_bubble = converted.extras.no_bubble;
    let body = render_content(&converted.content, msg, &ctx);
    let keyboard = (is_bot
        && ctx.is_last()
        && !ctx.keyboard_in_composer
        && !converted.extras.keyboard.is_empty())
    .then(|| render_keyboard(converted.extras.keyboard.clone(), ctx.send_payload));
    let feedback = (is_bot && converted.extras.collect_feedback).then(|| {
        view! { <builtin::feedback::Feedback message_id=msg.id.clone() on_feedback=ctx.send_feedback /> }
    });
    let time = ctx
        .show_timestamp
        .then(|| builtin::timestamp::timestamp(&msg.sent_on));
    view! {
        <div
            class="bpw-message"
            class:bpw-from-bot=is_bot
            class:bpw-from-user=!is_bot
            class:bpw-bubble=!no_bubble
            data-testid="bpw-message"
            data-message-id=msg.id.clone()
            data-type=type_name
        >
            {body}
            {keyboard}
            {feedback}
            {time}
        </div>
    }
    .into_any()
}

/// Renders a payload's content without the message chrome (used for `wrapped` payloads too).
pub fn render_payload(payload: &Value, msg: &Message, ctx: &RenderCtx) -> AnyView {
    render_content(&convert::convert_content(payload), msg, ctx)
}

fn render_content(content: &Content, msg: &Message, ctx: &RenderCtx) -> AnyView {
    let host = ctx.bot_host.clone();
    match content.clone() {
        Content::Text { text, markdown: true } => view! { <builtin::markdown::MarkdownText text bot_host=host /> }.into_any(),
        Content::Text { text, markdown: false } => view! { <builtin::text::PlainText text /> }.into_any(),
        Content::Image(media) => view! { <builtin::image::ImageView media bot_host=host /> }.into_any(),
        Content::Audio(media) => view! { <builtin::audio::AudioView media bot_host=host /> }.into_any(),
        Content::Video(media) => view! { <builtin::video::VideoView media bot_host=host /> }.into_any(),
        Content::File(media) => view! { <builtin::file::FileView media bot_host=host /> }.into_any(),
        Content::Carousel(cards) => {
            view! { <builtin::carousel::Carousel cards bot_host=host send_payload=ctx.send_payload /> }.into_any()
        }
        Content::Location(location) => view! { <builtin::location::LocationView location /> }.into_any(),
        Content::LoginPrompt if msg.is_bot() => {
            view! { <builtin::login_prompt::LoginPrompt send_payload=ctx.send_payload active=ctx.is_last() /> }.into_any()
        }
        // The user's side of a login prompt: the server stored it without the sensitive fields.
        Content::LoginPrompt => {
            let text = msg.payload.get("text").and_then(Value::as_str).unwrap_or("Provided login information");
            view! { <builtin::text::PlainText text=text.to_string() /> }.into_any()
        }
        Content::Typing => view! { <builtin::typing::Typing /> }.into_any(),
        Content::SessionReset => view! { <builtin::session_reset::SessionReset /> }.into_any(),
        Content::Visit => ().into_any(),
        Content::Custom(custom) => registry::render_custom(&custom, msg, ctx),
        Content::Unsupported { type_name } => view! { <builtin::unsupported::Unsupported type_name /> }.into_any(),
    }
}

/// The quick replies of a bot message (`quick_replies`/`buttons` on any payload, including
/// `channel-web/QuickReplies`), to show above the composer when it is the last message.
pub fn keyboard_for(msg: &Message) -> Option<Vec<QuickReply>> {
    if !msg.is_bot() {
        return None;
    }
    let keyboard = convert(&msg.payload).extras.keyboard;
    (!keyboard.is_empty()).then_some(keyboard)
}

/// Renders quick reply buttons; a click sends `{type:'quick_reply', text:title, payload}` (§1.8).
pub fn render_keyboard(replies: Vec<QuickReply>, send_payload: Callback<Value>) -> AnyView {
    view! { <builtin::quick_replies::Keyboard replies send_payload /> }.into_any()
}

/// The per-message bot avatar (`botAvatarUrl`, §1.8) after the URL allowlist, resolved on `bot_host`.
pub fn avatar_url_for(msg: &Message, bot_host: &str) -> Option<String> {
    if !msg.is_bot() {
        return None;
    }
    let raw = convert(&msg.payload).extras.bot_avatar_url?;
    url::safe_url(&raw, bot_host)
}

/// True when this bot message asks for the composer to be locked (`disableFreeText`, §1.8).
/// The UI applies it only while the message is the last one.
pub fn locks_composer(msg: &Message) -> bool {
    msg.is_bot() && convert(&msg.payload).extras.disable_free_text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(author: Option<&str>, payload: Value) -> Message {
        Message {
            id: "m1".into(),
            conversation_id: "c1".into(),
            author_id: author.map(Into::into),
            sent_on: "2026-01-01T00:00:00Z".into(),
            payload,
        }
    }

    #[test]
    fn keyboard_helpers() {
        let qr = json!({"type":"custom","module":"channel-web","component":"QuickReplies",
            "quick_replies":[{"title":"Yes","payload":"Y"}],"disableFreeText":true,"wrapped":{"type":"text","text":"?"}});
        let bot = msg(None, qr.clone());
        assert_eq!(
            keyboard_for(&bot),
            Some(vec![QuickReply {
                title: "Yes".into(),
                payload: json!("Y")
            }])
        );
        assert!(locks_composer(&bot));
        let user = msg(Some("u1"), qr);
        assert_eq!(keyboard_for(&user), None);
        assert!(!locks_composer(&user));
        let plain = msg(None, json!({"type":"text","text":"x"}));
        assert_eq!(keyboard_for(&plain), None);
        assert!(!locks_composer(&plain));
        let universal = msg(
            None,
            json!({"type":"single-choice","text":"?","choices":[{"title":"A","value":"a"}]}),
        );
        assert_eq!(
            keyboard_for(&universal),
            Some(vec![QuickReply {
                title: "A".into(),
                payload: json!("A")
            }])
        );
    }
}

//! Message rendering: payload conversion, the URL allowlist, markdown, the view registry and the
//! built-in renderers (botpress-protocols.md §1.8, §1.9).
//!
//! The UI calls one function per transcript row, [`render_message`], with a [`RenderCtx`] carrying the
//! callbacks a message may fire and the row's grouping flags. Quick replies that belong above the composer
//! come from [`keyboard_for`] and render with [`render_keyboard`]; [`locks_composer`] says whether the
//! last message disables free text.
//!
//! Layering: [`convert`], [`url`] and [`markdown`] (its parsing half) are pure and tested natively;
//! [`builtin`] holds the renderers, plain functions building DOM nodes (see [`crate::dom`]); [`registry`] dispatches `custom` payloads to built-in,
//! Rust-registered or JS-registered views, each isolated so that one broken view only costs its own
//! message (style-anchors.md R11).

pub mod builtin;
pub mod cmark;
pub mod convert;
pub mod markdown;
pub mod registry;
pub mod url;

use std::rc::Rc;

use web_sys::Element;

use crate::dom::{append, Scope, E};
use crate::i18n::{self, Key, Lang};
use crate::json::Value;
use crate::model::Message;

pub use convert::{convert, Content, Converted, QuickReply};
pub use registry::{
    is_registered, register, register_js, unregister, CustomProps, JsView, RegistryError,
};

/// A callback handed to renderers (sending payloads, events, feedback).
pub type Callback<T> = Rc<dyn Fn(T)>;

/// Everything a message renderer needs from the UI.
#[derive(Clone)]
pub struct RenderCtx {
    /// Sends a payload as the user (`{type:'quick_reply'|'postback'|'say_something'|'login_prompt', …}`).
    pub send_payload: Callback<Value>,
    /// Sends an event that is not a message (custom views' `sendEvent`).
    pub send_event: Callback<Value>,
    /// Records feedback for a bot message: `(message id, 1 | -1)`.
    pub send_feedback: Callback<(String, i8)>,
    /// Origin relative media/link URLs resolve on, e.g. `https://bot.example.com` (§1.8).
    pub bot_host: String,
    /// The UI language built-in views speak.
    pub lang: Lang,
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
    /// A context with the given callbacks and bot host; English; every flag `false`.
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
            lang: Lang::default(),
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

    /// A UI string in the context's language.
    pub fn tr(&self, key: Key) -> &'static str {
        i18n::t(self.lang, key)
    }

    /// [`Self::tr`] with `{name}` placeholders filled ([`i18n::tf`]); runs of spaces left by an empty
    /// value collapse.
    pub fn trf(&self, key: Key, args: &[(&str, &str)]) -> String {
        crate::text::collapse_spaces(&i18n::tf(self.lang, key, args))
    }
}

/// Renders one transcript message; `None` for messages that show nothing (`visit`). Never panics on
/// bad payloads: unknown or malformed content shows "Unsupported message", and a failing custom view
/// shows the same fallback for its message only. Listeners and view cleanups go to `scope`.
pub fn render_message(msg: &Message, ctx: &RenderCtx, scope: &mut Scope) -> Option<Element> {
    let converted = convert(&msg.payload);
    if matches!(converted.content, Content::Visit) {
        return None;
    }
    let is_bot = msg.is_bot();
    let class = match (is_bot, converted.extras.no_bubble) {
        (true, false) => "bpw-message bpw-from-bot bpw-bubble",
        (true, true) => "bpw-message bpw-from-bot",
        (false, false) => "bpw-message bpw-from-user bpw-bubble",
        (false, true) => "bpw-message bpw-from-user",
    };
    let root = E::classed("div", class)
        .testid("bpw-message")
        .attr("data-message-id", &msg.id)
        .attr("data-type", msg.payload_type());
    append(
        &root.0,
        &render_content(&converted.content, msg, ctx, scope),
    );
    if is_bot && ctx.is_last() && !ctx.keyboard_in_composer && !converted.extras.keyboard.is_empty()
    {
        let keyboard = render_keyboard(
            &converted.extras.keyboard,
            ctx.send_payload.clone(),
            ctx.lang,
            scope,
        );
        append(&root.0, &keyboard);
    }
    if is_bot && converted.extras.collect_feedback {
        let feedback = builtin::feedback::render(&msg.id, ctx, scope);
        append(&root.0, &feedback);
    }
    if ctx.show_timestamp {
        if let Some(time) = builtin::timestamp::timestamp(&msg.sent_on) {
            append(&root.0, &time);
        }
    }
    Some(root.0)
}

/// Renders a payload's content without the message chrome (used for `wrapped` payloads too).
pub fn render_payload(
    payload: &Value,
    msg: &Message,
    ctx: &RenderCtx,
    scope: &mut Scope,
) -> Element {
    render_content(&convert::convert_content(payload), msg, ctx, scope)
}

fn render_content(content: &Content, msg: &Message, ctx: &RenderCtx, scope: &mut Scope) -> Element {
    let host = ctx.bot_host.as_str();
    match content {
        Content::Text {
            text,
            markdown: true,
        } => builtin::markdown::render(text, host),
        Content::Text { text, .. } => builtin::text::render(text),
        // one URL check for every media type: a refused URL shows the title (or the URL) as text
        Content::Image(media)
        | Content::Audio(media)
        | Content::Video(media)
        | Content::File(media) => {
            let Some(src) = url::safe_url(&media.url, host) else {
                return builtin::refused(media);
            };
            match content {
                Content::Image(_) => builtin::image::render(media, &src, ctx),
                Content::File(_) => builtin::file::render(media, &src, ctx),
                // one call site for both players (it is then inlined once)
                _ => {
                    let kind = if matches!(content, Content::Audio(_)) {
                        builtin::media::Kind::Audio
                    } else {
                        builtin::media::Kind::Video
                    };
                    builtin::media::render(media, &src, ctx, kind)
                }
            }
        }
        Content::Carousel(cards) => builtin::carousel::render(cards, ctx, scope),
        Content::Location(location) => builtin::location::render(location, ctx),
        Content::LoginPrompt if msg.is_bot() => {
            builtin::login_prompt::render(ctx, ctx.is_last(), scope)
        }
        // The user's side of a login prompt: the server stored it without the sensitive fields.
        Content::LoginPrompt => {
            let text = msg
                .payload
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("Provided login information");
            builtin::text::render(text)
        }
        Content::Typing => builtin::typing::render(ctx),
        Content::SessionReset => builtin::session_reset::render(ctx),
        Content::Visit => E::new("span").0,
        Content::Custom(custom) => registry::render_custom(custom, msg, ctx, scope),
        Content::Unsupported { type_name } => builtin::unsupported::render(type_name, ctx.lang),
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
pub fn render_keyboard(
    replies: &[QuickReply],
    send_payload: Callback<Value>,
    lang: Lang,
    scope: &mut Scope,
) -> Element {
    builtin::quick_replies::keyboard(replies, send_payload, lang, scope)
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
    use crate::json;

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

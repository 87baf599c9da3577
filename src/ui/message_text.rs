//! The interim message renderer: the plain text of `payload.text`, escaped by Leptos text nodes.
//!
//! This is the single seam the lead swaps for `views::render_message` once the view registry lands:
//! [`render_message`] has the same shape (`&Message -> AnyView`).

use leptos::prelude::*;

use crate::model::Message;

/// The text a payload shows: `text`, else a `title`, else a short `[type]` note; `None` for payloads that
/// render nothing (`visit`, `typing`).
pub fn payload_text(message: &Message) -> Option<String> {
    let p = &message.payload;
    match message.payload_type() {
        "visit" | "typing" => return None,
        "session_reset" => return Some("Reset the conversation".into()),
        _ => {}
    }
    let text = p
        .get("text")
        .and_then(|t| t.as_str())
        .or_else(|| p.get("title").and_then(|t| t.as_str()))
        .or_else(|| p.get("message").and_then(|t| t.as_str()))
        .map(str::to_string);
    Some(text.unwrap_or_else(|| match message.payload_type() {
        "" => "[message]".to_string(),
        t => format!("[{t}]"),
    }))
}

/// Render one message's content (plain text; HTML in it shows as text).
pub fn render_message(message: &Message) -> AnyView {
    match payload_text(message) {
        Some(text) => view! { <p class="bpw-text">{text}</p> }.into_any(),
        None => ().into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(payload: serde_json::Value) -> Message {
        Message {
            id: "i".into(),
            conversation_id: String::new(),
            author_id: None,
            sent_on: String::new(),
            payload,
        }
    }

    #[test]
    fn text_title_and_fallbacks() {
        assert_eq!(
            payload_text(&m(json!({"type": "text", "text": "<b>hi</b>"}))).as_deref(),
            Some("<b>hi</b>")
        );
        assert_eq!(
            payload_text(&m(json!({"type": "image", "title": "cat"}))).as_deref(),
            Some("cat")
        );
        assert_eq!(
            payload_text(&m(json!({"type": "carousel"}))).as_deref(),
            Some("[carousel]")
        );
        assert_eq!(payload_text(&m(json!({"type": "visit"}))), None);
    }
}

//! What the UI and the page can ask a session to do, and the pure mapping of `sendEvent` /
//! `sendPayload` arguments onto it (botpress-protocols.md §1.2).

use super::plan::id_text;
use crate::json;
use crate::json::Value;

/// What the UI (and `sendEvent`) can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open the panel.
    Open,
    /// Close the panel.
    Close,
    /// Toggle the panel.
    Toggle,
    /// Send a text typed by the user.
    SendText(String),
    /// Send a payload (routed by type, §1.2 `sendPayload`).
    SendPayload(Value),
    /// Retry a failed outgoing message.
    Retry(String),
    /// Start a new conversation.
    NewConversation,
    /// Show the conversation list (fetching it) or hide it.
    ShowConversations(bool),
    /// Show the conversation list if hidden, else hide it (the header button).
    ToggleConversations,
    /// Switch to a conversation.
    LoadConversation(String),
    /// Reset the conversation (`/conversations/reset`).
    Reset,
    /// Download the transcript.
    Download,
    /// Delete the conversation's messages.
    DeleteHistory,
    /// Show or hide the bot-info page (`sendEvent({type:'toggleBotInfo'})`, the header button).
    ToggleBotInfo,
    /// The user picked a UI language: stored in the state and sent to `/preferences` (§1.4).
    SetLanguage(String),
    /// Thumbs up (`1`) or down (`-1`) on a bot message (`/saveFeedback`, §1.4).
    Feedback {
        /// The message id.
        message_id: String,
        /// `1` or `-1`.
        feedback: i8,
    },
}

/// The `type` of a `sendPayload`/`sendEvent` argument, which must be an object with a non-empty `type`.
pub fn payload_type(p: &Value) -> Result<&str, String> {
    if !p.is_object() {
        return Err("the payload must be an object".into());
    }
    match p.get("type").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => Ok(t),
        _ => Err("`type` is required".into()),
    }
}

/// Map a `sendEvent` argument to a command (§1.2): `show|hide|toggle|message|loadConversation|
/// toggleBotInfo`; anything else is sent as `{type, payload: event}`. `None` is reserved for events that
/// map to nothing (none today).
pub fn event_command(p: &Value) -> Result<Option<Command>, String> {
    let t = payload_type(p)?;
    Ok(Some(match t {
        "show" => Command::Open,
        "hide" => Command::Close,
        "toggle" => Command::Toggle,
        "message" => Command::SendText(
            p.get("text")
                .and_then(|v| v.as_str())
                .ok_or("`text` must be a string")?
                .to_string(),
        ),
        "loadConversation" => Command::LoadConversation(
            id_text(p.get("conversationId")).ok_or("`conversationId` is required")?,
        ),
        "toggleBotInfo" => Command::ToggleBotInfo,
        other => Command::SendPayload(json!({ "type": other, "payload": p })),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_event_mapping() {
        assert_eq!(
            event_command(&json!({"type": "show"})),
            Ok(Some(Command::Open))
        );
        assert_eq!(
            event_command(&json!({"type": "hide"})),
            Ok(Some(Command::Close))
        );
        assert_eq!(
            event_command(&json!({"type": "toggle"})),
            Ok(Some(Command::Toggle))
        );
        assert_eq!(
            event_command(&json!({"type": "message", "text": "hi"})),
            Ok(Some(Command::SendText("hi".into())))
        );
        assert_eq!(
            event_command(&json!({"type": "loadConversation", "conversationId": 4})),
            Ok(Some(Command::LoadConversation("4".into())))
        );
        assert_eq!(
            event_command(&json!({"type": "toggleBotInfo"})),
            Ok(Some(Command::ToggleBotInfo))
        );
        assert_eq!(
            event_command(&json!({"type": "proactive", "x": 1})),
            Ok(Some(Command::SendPayload(
                json!({"type": "proactive", "payload": {"type": "proactive", "x": 1}})
            )))
        );
        assert!(event_command(&json!({"type": "message"}))
            .unwrap_err()
            .contains("text"));
        assert!(event_command(&json!({"type": "loadConversation"})).is_err());
        assert!(event_command(&json!({"text": "x"}))
            .unwrap_err()
            .contains("type"));
        assert!(payload_type(&json!("str")).is_err());
    }
}

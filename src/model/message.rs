//! A transcript message as the v12 channel-web server sends it (botpress-protocols.md §1.4, `Message`).

use serde::{Deserialize, Serialize};

/// One message of a conversation: `{id, conversationId, authorId, sentOn, payload}`.
///
/// `author_id` is `None` for bot messages (v12 tells bot from user by `!authorId`, §1.4).
/// `payload` stays untyped JSON here: the view layer converts and validates it
/// (`views::convert`), so a malformed payload can never fail the whole transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Server-assigned id (a UUID); the key for de-duplication.
    pub id: String,
    /// The conversation this message belongs to.
    #[serde(default)]
    pub conversation_id: String,
    /// The author's user id; `None` (or absent) for bot messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    /// ISO-8601 time the server stored the message.
    #[serde(default)]
    pub sent_on: String,
    /// The message payload (`{type, ...}`), rendered by `views`.
    #[serde(default)]
    pub payload: serde_json::Value,
}

impl Message {
    /// True when the bot sent this message (no author).
    pub fn is_bot(&self) -> bool {
        self.author_id.is_none()
    }

    /// The payload's `type` field, or `""` when it has none.
    pub fn payload_type(&self) -> &str {
        self.payload
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("")
    }
}

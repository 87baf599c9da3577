//! A transcript message as the v12 channel-web server sends it (botpress-protocols.md §1.4, `Message`).

use crate::json::{self, field, set, FromJson, Map, Value};

/// One message of a conversation: `{id, conversationId, authorId, sentOn, payload}`.
///
/// `author_id` is `None` for bot messages (v12 tells bot from user by `!authorId`, §1.4).
/// `payload` stays untyped JSON here: the view layer converts and validates it
/// (`views::convert`), so a malformed payload can never fail the whole transcript.
///
/// JSON: camelCase keys; only `id` is required, the others default when absent (`authorId` also
/// when `null`, and it is left out of the JSON when `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Server-assigned id (a UUID); the key for de-duplication.
    pub id: String,
    /// The conversation this message belongs to.
    pub conversation_id: String,
    /// The author's user id; `None` (or absent) for bot messages.
    pub author_id: Option<String>,
    /// ISO-8601 time the server stored the message.
    pub sent_on: String,
    /// The message payload (`{type, ...}`), rendered by `views`.
    pub payload: Value,
}

impl FromJson for Message {
    fn from_json(v: &Value) -> Result<Message, String> {
        let obj = json::object(v, "struct Message")?;
        let mut m = Message {
            id: field(obj, "id")?.ok_or_else(|| json::missing("id"))?,
            conversation_id: String::new(),
            author_id: None,
            sent_on: String::new(),
            payload: Value::Null,
        };
        set(obj, "conversationId", &mut m.conversation_id)?;
        set(obj, "authorId", &mut m.author_id)?;
        set(obj, "sentOn", &mut m.sent_on)?;
        set(obj, "payload", &mut m.payload)?;
        Ok(m)
    }
}

impl Message {
    /// The message as the server sends it (`authorId` only when set).
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.put("id", self.id.as_str().into());
        obj.put("conversationId", self.conversation_id.as_str().into());
        if let Some(author) = &self.author_id {
            obj.put("authorId", author.as_str().into());
        }
        obj.put("sentOn", self.sent_on.as_str().into());
        obj.put("payload", self.payload.clone());
        Value::Object(obj)
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn reads_and_writes_the_server_shape() {
        let m = Message::from_json(&json!({
            "id": "m1", "conversationId": "c", "authorId": "u", "sentOn": "t",
            "payload": {"type": "text", "text": "hi"}, "extra": 1
        }))
        .unwrap();
        assert_eq!(m.author_id.as_deref(), Some("u"));
        assert_eq!(m.payload_type(), "text");
        assert!(!m.is_bot());
        assert_eq!(Message::from_json(&m.to_json()).unwrap(), m);
        assert_eq!(
            m.to_json(),
            json!({"id": "m1", "conversationId": "c", "authorId": "u", "sentOn": "t",
                   "payload": {"type": "text", "text": "hi"}})
        );
    }

    #[test]
    fn optional_fields_default_and_bot_messages_have_no_author() {
        let m = Message::from_json(&json!({"id": "m", "authorId": null, "payload": null})).unwrap();
        assert_eq!(
            m,
            Message {
                id: "m".into(),
                conversation_id: String::new(),
                author_id: None,
                sent_on: String::new(),
                payload: Value::Null,
            }
        );
        assert!(m.is_bot());
        assert_eq!(m.payload_type(), "");
        assert_eq!(
            m.to_json(),
            json!({"id": "m", "conversationId": "", "sentOn": "", "payload": null})
        );
    }

    #[test]
    fn wrong_shapes_are_errors() {
        assert_eq!(
            Message::from_json(&json!({"conversationId": "c"})).unwrap_err(),
            "missing field `id`"
        );
        assert!(Message::from_json(&json!({"id": 1})).is_err());
        assert!(Message::from_json(&json!({"id": "m", "sentOn": null})).is_err());
        assert!(Message::from_json(&json!({"id": "m", "authorId": 3})).is_err());
        assert!(Message::from_json(&json!(["m"])).is_err());
    }
}

//! HTTP reply shapes of the channel-web API (botpress-protocols.md §1.4) and the v12 error JSON.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Message;

/// One entry of `POST /conversations/list`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConversationSummary {
    /// Conversation id (UUID in v12.26+, an integer in older eras).
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    /// ISO creation time.
    pub created_on: String,
    /// Last message, if any.
    pub last_message: Option<Value>,
}

/// `POST /conversations/list` reply.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConversationList {
    /// At most 100, most recent first.
    pub conversations: Vec<ConversationSummary>,
}

/// `POST /conversations/get` reply.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConversationDetail {
    /// Conversation id.
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    /// History, oldest first.
    pub messages: Vec<Message>,
}

/// `POST /conversations/new` reply.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NewConversation {
    /// The new id.
    #[serde(deserialize_with = "string_or_number")]
    pub convo_id: String,
}

/// `POST /conversations/download/txt` reply.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Transcript {
    /// Transcript text.
    pub txt: String,
    /// Suggested file name.
    pub name: String,
}

/// The v12 error body `{statusCode, errorCode, type, message}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiError {
    /// HTTP status.
    pub status_code: u16,
    /// e.g. `BP_0401`.
    pub error_code: String,
    /// e.g. `InvalidExternalToken`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Human-readable message.
    pub message: String,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_list_get_new_and_error() {
        let l: ConversationList = serde_json::from_value(json!({
            "conversations": [{"id": 7, "createdOn": "t"}, {"id": "u-1"}],
            "startNewConvoOnTimeout": false
        }))
        .unwrap();
        assert_eq!(l.conversations[0].id, "7");
        assert_eq!(l.conversations[1].id, "u-1");
        let g: ConversationDetail = serde_json::from_value(json!({
            "id": "c", "messages": [{"id": "m", "conversationId": "c", "payload": {"type": "text"}}]
        }))
        .unwrap();
        assert_eq!(g.messages[0].id, "m");
        let n: NewConversation = serde_json::from_value(json!({"convoId": "x"})).unwrap();
        assert_eq!(n.convo_id, "x");
        let e: ApiError = serde_json::from_value(json!({
            "statusCode": 401, "errorCode": "BP_0401", "type": "InvalidExternalToken", "message": "no"
        }))
        .unwrap();
        assert_eq!((e.status_code, e.error_code.as_str()), (401, "BP_0401"));
    }
}

//! HTTP reply shapes of the channel-web API (botpress-protocols.md §1.4) and the v12 error JSON.

use super::Message;

use crate::json::{self, set, FromJson, Map, Value};

// Every reply here reads leniently like v12's client: absent fields take their defaults and unknown
// fields are ignored; a present field of the wrong type is an error (a `null` only suits `Option`s).

/// One entry of `POST /conversations/list`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConversationSummary {
    /// Conversation id (UUID in v12.26+, an integer in older eras).
    pub id: String,
    /// ISO creation time.
    pub created_on: String,
    /// Last message, if any.
    pub last_message: Option<Value>,
}

impl FromJson for ConversationSummary {
    fn from_json(v: &Value) -> Result<Self, String> {
        let obj = json::object(v, "struct ConversationSummary")?;
        let mut s = ConversationSummary {
            id: id(obj, "id"),
            created_on: String::new(),
            last_message: None,
        };
        set(obj, "createdOn", &mut s.created_on)?;
        set(obj, "lastMessage", &mut s.last_message)?;
        Ok(s)
    }
}

/// `POST /conversations/list` reply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConversationList {
    /// At most 100, most recent first.
    pub conversations: Vec<ConversationSummary>,
}

impl FromJson for ConversationList {
    fn from_json(v: &Value) -> Result<Self, String> {
        let obj = json::object(v, "struct ConversationList")?;
        let mut l = ConversationList::default();
        json::set_items(obj, "conversations", &mut l.conversations)?;
        Ok(l)
    }
}

/// `POST /conversations/get` reply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConversationDetail {
    /// Conversation id.
    pub id: String,
    /// History, oldest first.
    pub messages: Vec<Message>,
}

impl FromJson for ConversationDetail {
    fn from_json(v: &Value) -> Result<Self, String> {
        let obj = json::object(v, "struct ConversationDetail")?;
        let mut d = ConversationDetail {
            id: id(obj, "id"),
            messages: Vec::new(),
        };
        json::set_items(obj, "messages", &mut d.messages)?;
        Ok(d)
    }
}

/// `POST /conversations/new` reply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewConversation {
    /// The new id.
    pub convo_id: String,
}

impl FromJson for NewConversation {
    fn from_json(v: &Value) -> Result<Self, String> {
        let obj = json::object(v, "struct NewConversation")?;
        Ok(NewConversation {
            convo_id: id(obj, "convoId"),
        })
    }
}

/// `POST /conversations/download/txt` reply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transcript {
    /// Transcript text.
    pub txt: String,
    /// Suggested file name.
    pub name: String,
}

impl FromJson for Transcript {
    fn from_json(v: &Value) -> Result<Self, String> {
        let obj = json::object(v, "struct Transcript")?;
        let mut t = Transcript::default();
        set(obj, "txt", &mut t.txt)?;
        set(obj, "name", &mut t.name)?;
        Ok(t)
    }
}

/// The v12 error body `{statusCode, errorCode, type, message}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiError {
    /// HTTP status.
    pub status_code: u16,
    /// e.g. `BP_0401`.
    pub error_code: String,
    /// e.g. `InvalidExternalToken` (the JSON `type`).
    pub kind: String,
    /// Human-readable message.
    pub message: String,
}

impl FromJson for ApiError {
    fn from_json(v: &Value) -> Result<Self, String> {
        let obj = json::object(v, "struct ApiError")?;
        let mut e = ApiError::default();
        set(obj, "statusCode", &mut e.status_code)?;
        set(obj, "errorCode", &mut e.error_code)?;
        set(obj, "type", &mut e.kind)?;
        set(obj, "message", &mut e.message)?;
        Ok(e)
    }
}

/// The id field `key`, sent as a string or a number (`7` becomes `"7"`); absent or `null` is `""`,
/// anything else its JSON text.
fn id(obj: &Map, key: &str) -> String {
    match obj.get(key) {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(other) => json::stringify(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn parses_list_get_new_and_error() {
        let l = ConversationList::from_json(&json!({
            "conversations": [{"id": 7, "createdOn": "t"}, {"id": "u-1"}],
            "startNewConvoOnTimeout": false
        }))
        .unwrap();
        assert_eq!(l.conversations[0].id, "7");
        assert_eq!(l.conversations[1].id, "u-1");
        let g = ConversationDetail::from_json(&json!({
            "id": "c", "messages": [{"id": "m", "conversationId": "c", "payload": {"type": "text"}}]
        }))
        .unwrap();
        assert_eq!(g.messages[0].id, "m");
        let n = NewConversation::from_json(&json!({"convoId": "x"})).unwrap();
        assert_eq!(n.convo_id, "x");
        let e = ApiError::from_json(&json!({
            "statusCode": 401, "errorCode": "BP_0401", "type": "InvalidExternalToken", "message": "no"
        }))
        .unwrap();
        assert_eq!((e.status_code, e.error_code.as_str()), (401, "BP_0401"));
    }

    #[test]
    fn ids_may_be_numbers_and_fields_default() {
        let l = ConversationList::from_json(&json!({
            "conversations": [{"id": 7.5, "lastMessage": {"id": "m"}}, {"id": null, "lastMessage": null}, {}]
        }))
        .unwrap();
        assert_eq!(l.conversations[0].id, "7.5");
        assert_eq!(l.conversations[0].last_message, Some(json!({"id": "m"})));
        assert_eq!(l.conversations[1], ConversationSummary::default());
        assert_eq!(l.conversations[2], ConversationSummary::default());
        assert_eq!(
            ConversationList::from_json(&json!({})).unwrap(),
            ConversationList::default()
        );
        assert_eq!(
            ConversationDetail::from_json(&json!({"id": 12})).unwrap(),
            ConversationDetail {
                id: "12".into(),
                messages: vec![]
            }
        );
        assert_eq!(
            NewConversation::from_json(&json!({"convoId": true}))
                .unwrap()
                .convo_id,
            "true"
        );
        assert_eq!(
            Transcript::from_json(&json!({"txt": "a\nb", "name": "t.txt", "x": 1})).unwrap(),
            Transcript {
                txt: "a\nb".into(),
                name: "t.txt".into()
            }
        );
        assert_eq!(
            ApiError::from_json(&json!({})).unwrap(),
            ApiError::default()
        );
        assert_eq!(
            ApiError::from_json(&json!({"type": "X"})).unwrap().kind,
            "X",
            "`type` is the kind"
        );
    }

    #[test]
    fn wrong_types_are_errors() {
        assert!(ConversationList::from_json(&json!({"conversations": {}})).is_err());
        assert!(
            ConversationList::from_json(&json!({"conversations": [{"createdOn": 1}]})).is_err()
        );
        assert!(ConversationDetail::from_json(
            &json!({"messages": [{"id": "m", "payload": {}}, {}]})
        )
        .is_err());
        assert!(ApiError::from_json(&json!({"statusCode": "401"})).is_err());
        assert!(ApiError::from_json(&json!({"statusCode": 70000})).is_err());
        assert!(ApiError::from_json(&json!({"message": null})).is_err());
        assert!(Transcript::from_json(&json!("text")).is_err());
        assert!(NewConversation::from_json(&Value::Null).is_err());
    }
}

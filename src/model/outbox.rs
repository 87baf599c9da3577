//! The outbox: user payloads waiting to be sent, in order, keyed by `clientMessageId`, persisted (without
//! any token) so a reload while offline loses nothing. Pure data; the session drives it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Payload types v12 sends to `/messages`; all others go to `/events` (`MESSAGE_TYPES`, §1.2).
pub const MESSAGE_TYPES: &[&str] = &["text", "quick_reply", "form", "login_prompt", "postback"];

/// Which endpoint a payload goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Route {
    /// `POST /messages` (stored in the transcript).
    Messages,
    /// `POST /events` (not stored).
    Events,
}

impl Route {
    /// Route for a payload by its `type`.
    pub fn for_payload(payload: &Value) -> Route {
        let t = payload.get("type").and_then(|t| t.as_str()).unwrap_or("");
        if MESSAGE_TYPES.contains(&t) {
            Route::Messages
        } else {
            Route::Events
        }
    }

    /// The API path.
    pub fn path(self) -> &'static str {
        match self {
            Route::Messages => "/messages",
            Route::Events => "/events",
        }
    }
}

/// One queued payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItem {
    /// Idempotency key, also `payload.clientMessageId`.
    pub client_id: String,
    /// Where it goes.
    pub route: Route,
    /// The payload.
    pub payload: Value,
    /// Conversation it belongs to (None: the server picks the most recent).
    pub conversation_id: Option<String>,
}

/// Ordered queue, unique by `client_id`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Outbox {
    /// Items in send order.
    pub items: Vec<OutboxItem>,
}

impl Outbox {
    /// Append unless the key is already queued. Returns whether it was added.
    pub fn push(&mut self, item: OutboxItem) -> bool {
        if self.items.iter().any(|i| i.client_id == item.client_id) {
            return false;
        }
        self.items.push(item);
        true
    }

    /// The next item to send.
    pub fn front(&self) -> Option<&OutboxItem> {
        self.items.first()
    }

    /// Remove a delivered (or abandoned) item.
    pub fn remove(&mut self, client_id: &str) {
        self.items.retain(|i| i.client_id != client_id);
    }

    /// Serialize for storage.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{\"items\":[]}".into())
    }

    /// Parse from storage; corrupt data gives an empty outbox.
    pub fn from_json(s: &str) -> Outbox {
        serde_json::from_str(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(id: &str, payload: Value) -> OutboxItem {
        OutboxItem {
            client_id: id.into(),
            route: Route::for_payload(&payload),
            payload,
            conversation_id: None,
        }
    }

    #[test]
    fn routes_like_v12() {
        for t in MESSAGE_TYPES {
            assert_eq!(Route::for_payload(&json!({"type": t})), Route::Messages);
        }
        assert_eq!(
            Route::for_payload(&json!({"type": "say_something"})),
            Route::Events
        );
        assert_eq!(Route::for_payload(&json!({})), Route::Events);
        assert_eq!(Route::Events.path(), "/events");
    }

    #[test]
    fn ordered_deduped_and_persisted() {
        let mut o = Outbox::default();
        assert!(o.push(item("a", json!({"type": "text", "text": "1"}))));
        assert!(o.push(item("b", json!({"type": "text", "text": "2"}))));
        assert!(!o.push(item("a", json!({"type": "text", "text": "dup"}))));
        assert_eq!(o.front().unwrap().client_id, "a");
        let back = Outbox::from_json(&o.to_json());
        assert_eq!(back, o);
        o.remove("a");
        assert_eq!(o.front().unwrap().client_id, "b");
        assert_eq!(Outbox::from_json("garbage"), Outbox::default());
    }
}

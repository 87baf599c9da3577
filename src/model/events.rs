//! Events the widget reports to the host page: v12 lifecycle names (posted with `window.postMessage`,
//! §1.2) and the messaging-inject topics delivered to `onEvent` handlers (§3.2).

use super::Message;

use crate::json;
use crate::json::{Map, Value};

/// Something the host page may want to know.
#[derive(Debug, Clone, PartialEq)]
pub enum HostEvent {
    /// The UI is mounted (`webchatLoaded`).
    Loaded,
    /// The session is initialised and accepts events (`webchatReady`).
    Ready,
    /// The panel opened (`webchatOpened`).
    Opened,
    /// The panel closed (`webchatClosed`).
    Closed,
    /// The config changed (`configChanged`); the value is the config JSON (no token).
    ConfigChanged(Value),
    /// The user sent a payload.
    MessageSent(Value),
    /// A message arrived from the bot.
    MessageReceived(Message),
    /// The socket connected with this visitor id.
    UserConnected(String),
    /// The bot sent data (`guest.webchat.data`, §1.5): its payload, e.g. `{type:'data', language:'fr'}`.
    Data(Value),
    /// A recoverable error (e.g. `BP_0401` invalid external token).
    Error {
        /// Machine code, e.g. `BP_0401`.
        code: String,
        /// Human text.
        message: String,
    },
}

impl HostEvent {
    /// The `onEvent` topic (`WebchatEventType` of the messaging inject).
    pub fn topic(&self) -> &'static str {
        match self {
            HostEvent::Loaded => "LIFECYCLE.LOADED",
            HostEvent::Ready => "LIFECYCLE.READY",
            HostEvent::Opened => "UI.OPENED",
            HostEvent::Closed => "UI.CLOSED",
            HostEvent::ConfigChanged(_) => "CONFIG.SET",
            HostEvent::MessageSent(_) => "MESSAGE.SENT",
            HostEvent::MessageReceived(_) => "MESSAGE.RECEIVED",
            HostEvent::UserConnected(_) => "USER.CONNECTED",
            HostEvent::Data(_) => "DATA.RECEIVED",
            HostEvent::Error { .. } => "ERROR",
        }
    }

    /// The v12 lifecycle name posted to the page, if this is a lifecycle event.
    pub fn lifecycle_name(&self) -> Option<&'static str> {
        Some(match self {
            HostEvent::Loaded => "webchatLoaded",
            HostEvent::Ready => "webchatReady",
            HostEvent::Opened => "webchatOpened",
            HostEvent::Closed => "webchatClosed",
            HostEvent::ConfigChanged(_) => "configChanged",
            _ => return None,
        })
    }

    /// The event's value for `onEvent` handlers.
    pub fn value(&self) -> Value {
        match self {
            HostEvent::ConfigChanged(v) | HostEvent::MessageSent(v) | HostEvent::Data(v) => {
                v.clone()
            }
            HostEvent::MessageReceived(m) => m.to_json(),
            HostEvent::UserConnected(u) => json!({ "userId": u }),
            HostEvent::Error { code, message } => json!({ "code": code, "message": message }),
            _ => Value::Null,
        }
    }

    /// The `{type, value, chatId}` object handed to `onEvent` handlers.
    pub fn to_handler_json(&self, chat_id: &str) -> Value {
        Value::Object(members(&mut [
            ("type", self.topic().into()),
            ("value", self.value()),
            ("chatId", chat_id.into()),
        ]))
    }

    /// The `{name, chatId[, payload]}` lifecycle message for `postMessage`. Bot data is re-posted like
    /// v12's socket firehose, as `{...data, chatId}` with no name (§1.2).
    pub fn to_post_message(&self, chat_id: &str) -> Option<Value> {
        let mut v = match self {
            HostEvent::Data(Value::Object(data)) => data.clone(),
            HostEvent::Data(other) => members(&mut [("data", other.clone())]),
            _ => members(&mut [("name", self.lifecycle_name()?.into())]),
        };
        v.put("chatId", chat_id.into());
        if let HostEvent::ConfigChanged(c) = self {
            v.put("payload", Value::String(json::stringify(c)));
        }
        Some(Value::Object(v))
    }
}

/// An object of these members, in order (their values are taken). One loop for every event shape
/// instead of a `json!` expansion (a `String` and an `insert` per key) at each call site.
fn members(pairs: &mut [(&str, Value)]) -> Map {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.put(key, value.take());
    }
    map
}

/// True when a handler subscribed to `topics` wants `topic` (empty or `*` means all).
pub fn topic_matches(topics: &[String], topic: &str) -> bool {
    topics.is_empty() || topics.iter().any(|t| t == "*" || t == topic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_and_topics() {
        assert_eq!(
            HostEvent::Ready.to_post_message("c"),
            Some(json!({"name": "webchatReady", "chatId": "c"}))
        );
        assert_eq!(HostEvent::MessageSent(json!({})).to_post_message("c"), None);
        let cfg = HostEvent::ConfigChanged(json!({"botId": "b"}));
        assert_eq!(
            cfg.to_post_message("").unwrap()["payload"]
                .as_str()
                .unwrap(),
            r#"{"botId":"b"}"#
        );
        assert_eq!(
            HostEvent::UserConnected("v".into()).to_handler_json("c"),
            json!({"type": "USER.CONNECTED", "value": {"userId": "v"}, "chatId": "c"})
        );
        let data = HostEvent::Data(json!({"type": "data", "language": "fr"}));
        assert_eq!(
            data.to_handler_json("c"),
            json!({"type": "DATA.RECEIVED", "value": {"type": "data", "language": "fr"}, "chatId": "c"})
        );
        assert_eq!(
            data.to_post_message("c"),
            Some(json!({"type": "data", "language": "fr", "chatId": "c"}))
        );
        assert_eq!(
            HostEvent::Data(json!(3)).to_post_message("c"),
            Some(json!({"data": 3, "chatId": "c"}))
        );
        assert_eq!(data.lifecycle_name(), None);
        for (e, name) in [
            (HostEvent::Loaded, "webchatLoaded"),
            (HostEvent::Opened, "webchatOpened"),
            (HostEvent::Closed, "webchatClosed"),
        ] {
            assert_eq!(
                e.to_post_message("x"),
                Some(json!({"name": name, "chatId": "x"}))
            );
        }
        assert_eq!(
            Value::Object(members(&mut [("b", json!(1)), ("a", json!("x"))])).to_string(),
            r#"{"b":1,"a":"x"}"#
        );
        assert_eq!(
            HostEvent::Data(json!({"chatId": "old", "k": 1})).to_post_message("c"),
            Some(json!({"chatId": "c", "k": 1}))
        );
        assert!(topic_matches(&[], "MESSAGE.SENT"));
        assert!(topic_matches(&["*".into()], "X"));
        assert!(topic_matches(&["MESSAGE.SENT".into()], "MESSAGE.SENT"));
        assert!(!topic_matches(&["MESSAGE.SENT".into()], "UI.OPENED"));
    }
}

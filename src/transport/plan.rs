//! The decisions a [`super::Session`] takes, as pure functions tested natively: the startup steps after
//! each (re)connect (§1.5), the reconnect and online/offline decisions, the routing of server events
//! (§1.5) and the payloads the session builds (the `visit` event). The session only executes them.

use super::backoff;
use super::codec::BpEvent;
use crate::json;
use crate::json::{FromJson, Value};
use crate::model::ids::{classify_user_id, UserIdUse};
use crate::model::{Config, Message};

/// One step of the sequence run after the socket connects (§1.5 steps 3-8).
#[derive(Debug, Clone, PartialEq)]
pub enum StartupStep {
    /// Tell the host the visitor id (`USER.CONNECTED`, v12's `{userId}` post).
    AnnounceUser,
    /// `POST /users/customId` with this id; `warn` when it is too short to be the visitor id (§1.7).
    CustomId {
        /// The configured `userId`.
        id: String,
        /// Log that it stays a custom id only.
        warn: bool,
    },
    /// `/conversations/list` + `get` (or `new`): on failure the sequence stops and the socket reconnects.
    LoadConversation,
    /// The session accepts sends; status `Connected`.
    Ready,
    /// Post `webchatReady` to the host.
    AnnounceReady,
    /// `POST /conversations/reference` with the signed reference.
    Reference(String),
    /// `POST /preferences/get`, then the `visit` event with that language.
    PreferencesAndVisit,
    /// Send what the outbox holds.
    Flush,
}

/// The steps to run after a connect. `first`: the session has not been ready before (a reconnect only
/// reloads the conversation and flushes).
pub fn after_connect_steps(first: bool, cfg: &Config) -> Vec<StartupStep> {
    let mut steps = Vec::new();
    if first {
        steps.push(StartupStep::AnnounceUser);
    }
    if let Some(id) = cfg.user_id.as_deref().filter(|u| !u.is_empty()) {
        steps.push(StartupStep::CustomId {
            id: id.to_string(),
            warn: first && matches!(classify_user_id(id), UserIdUse::CustomId(_)),
        });
    }
    steps.push(StartupStep::LoadConversation);
    steps.push(StartupStep::Ready);
    if first {
        steps.push(StartupStep::AnnounceReady);
        if let Some(r) = cfg.r#ref.as_deref().filter(|r| !r.is_empty()) {
            steps.push(StartupStep::Reference(r.to_string()));
        }
        steps.push(StartupStep::PreferencesAndVisit);
    }
    steps.push(StartupStep::Flush);
    steps
}

/// The `visit` event payload (§1.5 step 8).
pub fn visit_payload(language: &str, timezone_hours: f64) -> Value {
    json!({
        "type": "visit",
        "text": "User visit",
        "timezone": timezone_hours,
        "language": language,
    })
}

/// The language of a `/preferences/get` reply, if it names one.
pub fn preferred_language(reply: &Value) -> Option<String> {
    language_at(reply, &["language"])
}

/// The trimmed, non-empty string at `path` in `v` (a language the server names).
fn language_at(v: &Value, path: &[&str]) -> Option<String> {
    v.path(path)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
}

/// What to do when the socket closed.
#[derive(Debug, Clone, PartialEq)]
pub enum Reconnect {
    /// Nothing: the session is destroyed or no longer wants a socket.
    Stop,
    /// Wait for the browser's `online` event (no timer while offline).
    WaitOnline,
    /// Connect again after `delay_ms`; `attempt` is shown in the banner.
    Retry {
        /// 1-based attempt number.
        attempt: u32,
        /// Backoff delay.
        delay_ms: f64,
    },
}

/// Decide the next reconnect after a close or a failed connect. `attempt` is the number of attempts so
/// far; `jitter` in `[0, 1)`.
pub fn reconnect_decision(
    destroyed: bool,
    wanted: bool,
    online: bool,
    attempt: u32,
    jitter: f64,
) -> Reconnect {
    if destroyed || !wanted {
        return Reconnect::Stop;
    }
    if !online {
        return Reconnect::WaitOnline;
    }
    let attempt = attempt.saturating_add(1);
    Reconnect::Retry {
        attempt,
        delay_ms: backoff::delay_ms(attempt, jitter),
    }
}

/// What to do when the browser goes online or offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnlineAction {
    /// Show "offline".
    MarkOffline,
    /// Connect now (cancelling a pending backoff timer), counting it as attempt `attempt`.
    ConnectNow {
        /// Attempt number for the banner.
        attempt: u32,
    },
    /// The socket survived: show connected and resend what the network refused meanwhile.
    Flush,
    /// No socket is wanted yet (lazy and closed).
    Nothing,
}

/// Decide what an `online`/`offline` event means.
pub fn online_action(online: bool, wanted: bool, connected: bool, attempt: u32) -> OnlineAction {
    if !online {
        OnlineAction::MarkOffline
    } else if connected {
        OnlineAction::Flush
    } else if wanted {
        OnlineAction::ConnectNow {
            attempt: attempt.max(1),
        }
    } else {
        OnlineAction::Nothing
    }
}

/// An id given as a string or a number (`4` is `"4"`); anything else is no id.
pub fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(json::number_to_string(*n)),
        _ => None,
    }
}

/// A server event, decoded and classified (§1.5).
#[derive(Debug, Clone, PartialEq)]
pub enum ServerEvent {
    /// `guest.webchat.message`: a bot message or the echo of the user's own.
    Message {
        /// The message.
        message: Message,
        /// `payload.clientMessageId` when it echoes one of our sends.
        client_id: Option<String>,
    },
    /// `guest.webchat.typing`: the bot types for `ms`.
    Typing {
        /// Duration in ms (v12 default 500).
        ms: f64,
    },
    /// `guest.webchat.data`: bot data for the page; `language` switches the UI language.
    Data {
        /// `language` (or `payload.language`, the v12 `sendDataToChat` shape).
        language: Option<String>,
        /// The data without the server's `__room` routing field.
        payload: Value,
    },
    /// `guest.webchat.clear`: the conversation's messages were deleted.
    Clear(String),
    /// Unknown name or malformed data: ignored (server data never breaks the widget).
    Ignored,
}

/// Classify a socket `event` frame.
pub fn route_server_event(ev: BpEvent) -> ServerEvent {
    match ev.name.as_str() {
        "guest.webchat.message" => match Message::from_json(&ev.data) {
            Ok(message) => {
                let client_id = message
                    .payload
                    .get("clientMessageId")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                ServerEvent::Message { message, client_id }
            }
            Err(_) => ServerEvent::Ignored,
        },
        "guest.webchat.typing" => ServerEvent::Typing {
            ms: ev
                .data
                .get("timeInMs")
                .and_then(Value::as_f64)
                .filter(|ms| ms.is_finite() && *ms >= 0.0)
                .unwrap_or(500.0),
        },
        "guest.webchat.data" => {
            let mut payload = ev.data;
            if let Some(obj) = payload.as_object_mut() {
                obj.remove("__room");
            }
            let language = language_at(&payload, &["language"])
                .or_else(|| language_at(&payload, &["payload", "language"]));
            ServerEvent::Data { language, payload }
        }
        "guest.webchat.clear" => match id_text(ev.data.get("conversationId")) {
            Some(c) => ServerEvent::Clear(c),
            None => ServerEvent::Ignored,
        },
        _ => ServerEvent::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(patch: Value) -> Config {
        let mut p = json!({"botId": "b"});
        crate::model::config::deep_merge(&mut p, &patch);
        Config::from_patch(&p).unwrap().0
    }

    fn ev(name: &str, data: Value) -> BpEvent {
        BpEvent {
            name: name.into(),
            data,
        }
    }

    #[test]
    fn first_connect_runs_the_v12_order() {
        use StartupStep::*;
        assert_eq!(
            after_connect_steps(true, &cfg(json!({}))),
            [
                AnnounceUser,
                LoadConversation,
                Ready,
                AnnounceReady,
                PreferencesAndVisit,
                Flush
            ]
        );
        let long = "abcdefghijklmnopqrstuvwxyz";
        let steps = after_connect_steps(true, &cfg(json!({"userId": long, "ref": "m=s"})));
        assert_eq!(
            steps,
            [
                AnnounceUser,
                CustomId {
                    id: long.into(),
                    warn: false
                },
                LoadConversation,
                Ready,
                AnnounceReady,
                Reference("m=s".into()),
                PreferencesAndVisit,
                Flush
            ]
        );
        let short = after_connect_steps(true, &cfg(json!({"userId": "bob"})));
        assert_eq!(
            short[1],
            CustomId {
                id: "bob".into(),
                warn: true
            }
        );
    }

    #[test]
    fn a_reconnect_only_reloads_and_flushes() {
        use StartupStep::*;
        let steps = after_connect_steps(false, &cfg(json!({"userId": "bob", "ref": "m=s"})));
        assert_eq!(
            steps,
            [
                CustomId {
                    id: "bob".into(),
                    warn: false
                },
                LoadConversation,
                Ready,
                Flush
            ]
        );
        // empty values are no values
        let steps = after_connect_steps(true, &cfg(json!({"userId": "", "ref": ""})));
        assert!(!steps
            .iter()
            .any(|s| matches!(s, CustomId { .. } | Reference(_))));
    }

    #[test]
    fn visit_and_preferences() {
        assert_eq!(
            visit_payload("fr", -5.0),
            json!({"type": "visit", "text": "User visit", "timezone": -5.0, "language": "fr"})
        );
        assert_eq!(
            preferred_language(&json!({"language": "fr"})).as_deref(),
            Some("fr")
        );
        assert_eq!(preferred_language(&json!({"language": " "})), None);
        assert_eq!(preferred_language(&json!({"language": 3})), None);
        assert_eq!(preferred_language(&Value::Null), None);
    }

    #[test]
    fn reconnect_decisions() {
        assert_eq!(
            reconnect_decision(true, true, true, 0, 0.0),
            Reconnect::Stop
        );
        assert_eq!(
            reconnect_decision(false, false, true, 0, 0.0),
            Reconnect::Stop
        );
        assert_eq!(
            reconnect_decision(false, true, false, 3, 0.0),
            Reconnect::WaitOnline
        );
        assert_eq!(
            reconnect_decision(false, true, true, 0, 0.0),
            Reconnect::Retry {
                attempt: 1,
                delay_ms: backoff::delay_ms(1, 0.0)
            }
        );
        let Reconnect::Retry { attempt, delay_ms } = reconnect_decision(false, true, true, 4, 0.5)
        else {
            panic!("expected a retry");
        };
        assert_eq!(attempt, 5);
        assert_eq!(delay_ms, backoff::delay_ms(5, 0.5));
        assert!(matches!(
            reconnect_decision(false, true, true, u32::MAX, 0.0),
            Reconnect::Retry {
                attempt: u32::MAX,
                ..
            }
        ));
    }

    #[test]
    fn ids_are_strings_or_numbers() {
        assert_eq!(id_text(Some(&json!("c1"))).as_deref(), Some("c1"));
        assert_eq!(id_text(Some(&json!(4))).as_deref(), Some("4"));
        assert_eq!(id_text(Some(&json!(true))), None);
        assert_eq!(id_text(Some(&Value::Null)), None);
        assert_eq!(id_text(None), None);
    }

    #[test]
    fn online_offline() {
        assert_eq!(
            online_action(false, true, true, 0),
            OnlineAction::MarkOffline
        );
        assert_eq!(online_action(true, true, true, 0), OnlineAction::Flush);
        assert_eq!(
            online_action(true, true, false, 0),
            OnlineAction::ConnectNow { attempt: 1 }
        );
        assert_eq!(
            online_action(true, true, false, 4),
            OnlineAction::ConnectNow { attempt: 4 }
        );
        assert_eq!(online_action(true, false, false, 0), OnlineAction::Nothing);
    }

    #[test]
    fn server_events_are_routed() {
        let m = route_server_event(ev(
            "guest.webchat.message",
            json!({"id": "m", "conversationId": "c", "authorId": "u", "payload": {"type": "text", "clientMessageId": "k"}, "__room": "visitor:v"}),
        ));
        match m {
            ServerEvent::Message { message, client_id } => {
                assert_eq!(message.id, "m");
                assert_eq!(client_id.as_deref(), Some("k"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            route_server_event(ev("guest.webchat.message", json!({"no": "id"}))),
            ServerEvent::Ignored
        );
        assert_eq!(
            route_server_event(ev("guest.webchat.typing", json!({"timeInMs": 1200}))),
            ServerEvent::Typing { ms: 1200.0 }
        );
        assert_eq!(
            route_server_event(ev("guest.webchat.typing", json!({"timeInMs": -1}))),
            ServerEvent::Typing { ms: 500.0 }
        );
        assert_eq!(
            route_server_event(ev("guest.webchat.clear", json!({"conversationId": 7}))),
            ServerEvent::Clear("7".into())
        );
        assert_eq!(
            route_server_event(ev("guest.webchat.clear", json!({}))),
            ServerEvent::Ignored
        );
        assert_eq!(
            route_server_event(ev("guest.other", json!({}))),
            ServerEvent::Ignored
        );
    }

    #[test]
    fn data_events_carry_the_language() {
        assert_eq!(
            route_server_event(ev(
                "guest.webchat.data",
                json!({"type": "data", "language": "fr", "__room": "visitor:v"})
            )),
            ServerEvent::Data {
                language: Some("fr".into()),
                payload: json!({"type": "data", "language": "fr"})
            }
        );
        // v12 `sendDataToChat` nests it under `payload`
        let nested = route_server_event(ev(
            "guest.webchat.data",
            json!({"type": "data", "payload": {"language": "de"}}),
        ));
        assert!(matches!(nested, ServerEvent::Data { language: Some(l), .. } if l == "de"));
        let plain = route_server_event(ev("guest.webchat.data", json!({"type": "data", "x": 1})));
        assert!(matches!(plain, ServerEvent::Data { language: None, .. }));
        let odd = route_server_event(ev("guest.webchat.data", json!({"language": 5})));
        assert!(matches!(odd, ServerEvent::Data { language: None, .. }));
    }
}

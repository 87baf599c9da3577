//! The event pipeline: an incoming event runs through the hooks, then either goes to the bot's
//! webhooks (bring your own bot, §3.3) or to the built-in demo bot; outgoing payloads are stored and
//! pushed to the visitor's room (§1.5). Turns of one conversation are serialised.

use std::time::Duration;

use serde_json::{json, Value};

use crate::hooks::HookEvent;
use crate::realtime::{self, events};
use crate::state::{AppState, Outgoing};
use crate::store::{Conversation, Message, NewMessage, StoreResult, User};

/// An incoming event (`bp.IO.Event`).
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Bot.
    pub bot_id: String,
    /// `web`, `api` or `messaging`.
    pub channel: String,
    /// The user (`event.target`).
    pub user: User,
    /// The conversation (`event.threadId`).
    pub conversation: Conversation,
    /// `event.payload`.
    pub payload: Value,
    /// `event.credentials`.
    pub credentials: Option<Value>,
    /// The stored message, for message events.
    pub message: Option<Message>,
}

/// The outcome of a turn.
#[derive(Debug, Clone, Default)]
pub struct Turn {
    /// Payloads the built-in bot sent, in order.
    pub responses: Vec<Value>,
    /// What the bot decided, when the built-in bot answered.
    pub intent: Option<String>,
    /// `state.user` after the turn.
    pub user_state: Value,
    /// A hook set `SKIP_DIALOG_ENGINE`.
    pub skipped_dialog: bool,
    /// The event went to webhooks; answers arrive later through `/api/v1/messages`.
    pub forwarded: bool,
}

/// Runs one turn.
pub async fn process(st: &AppState, ev: Incoming) -> StoreResult<Turn> {
    let lock = st.conversation_lock(&ev.conversation.id);
    let _guard = lock.lock().await;
    let kind = ev
        .payload
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    // Re-read inside the lock so a concurrent attribute change (customId, language) is not lost.
    let mut user_state = match st.store.get_user(&ev.user.id)? {
        Some(u) => u.attributes,
        None => ev.user.attributes.clone(),
    };
    let flags = st.hooks.run(&mut HookEvent {
        kind: &kind,
        channel: &ev.channel,
        payload: &ev.payload,
        credentials: ev.credentials.as_ref(),
        user_state: &mut user_state,
    });
    if flags.force_persist_state {
        st.store.set_user_attributes(&ev.user.id, &user_state)?;
    }
    let mut turn = Turn {
        user_state,
        ..Default::default()
    };
    if flags.skip_dialog_engine {
        turn.skipped_dialog = true;
        return Ok(turn);
    }
    let hooks = st.store.webhooks_for_bot(&ev.bot_id)?;
    if !hooks.is_empty() {
        let data = json!({
            "userId": ev.user.id,
            "conversationId": ev.conversation.id,
            "channel": ev.channel,
        });
        let body = match (&ev.message, kind.as_str()) {
            (Some(m), _) => {
                let mut d = data;
                d["message"] = serde_json::to_value(m).unwrap_or(Value::Null);
                json!({"type": "message.new", "data": d})
            }
            (None, "visit") => json!({"type": "conversation.started", "data": data}),
            (None, _) => {
                let mut d = data;
                d["event"] = ev.payload.clone();
                json!({"type": "event.new", "data": d})
            }
        };
        st.webhooks.deliver(hooks, body);
        turn.forwarded = true;
        return Ok(turn);
    }
    if !st.config.bot(&ev.bot_id).is_some_and(|b| b.demo) {
        return Ok(turn);
    }
    let reply = crate::bot::respond(&ev.payload, &turn.user_state);
    for p in reply.payloads {
        send_outgoing(st, &ev.conversation, p.clone()).await?;
        turn.responses.push(p);
    }
    turn.intent = Some(reply.intent);
    Ok(turn)
}

/// The visitor id of a web user, if any.
pub fn web_visitor(st: &AppState, user_id: &str) -> StoreResult<Option<String>> {
    Ok(st
        .store
        .user_tags(user_id)?
        .into_iter()
        .find(|(ch, _)| ch == "web")
        .map(|(_, v)| v))
}

/// Sends one bot payload to a conversation: `typing` becomes a typing event (never stored, §1.5),
/// `data` goes to `guest.webchat.data`, anything else is stored and emitted as a message.
pub async fn send_outgoing(
    st: &AppState,
    conv: &Conversation,
    payload: Value,
) -> StoreResult<Option<Message>> {
    let visitor = web_visitor(st, &conv.user_id)?;
    let kind = payload.get("type").and_then(Value::as_str).unwrap_or("");
    let cap = st.config.file.channel_web.max_typing_delay_ms;
    let _ = st.outgoing.send(Outgoing {
        conversation_id: conv.id.clone(),
        payload: payload.clone(),
    });
    match kind {
        "typing" => {
            let ms = match payload.get("value") {
                Some(Value::Number(n)) => n.as_u64().unwrap_or(500),
                _ => 500,
            };
            if let Some(v) = &visitor {
                typing(st, v, &conv.id, ms, cap).await;
            }
            Ok(None)
        }
        "data" => {
            if let Some(v) = &visitor {
                realtime::emit(&st.io, v, events::DATA, payload.clone()).await;
            }
            Ok(None)
        }
        _ => {
            if payload.get("typing").and_then(Value::as_bool) == Some(true) {
                if let Some(v) = &visitor {
                    typing(st, v, &conv.id, 500, cap).await;
                }
            }
            let (msg, _) = st.store.insert_message(NewMessage {
                conversation_id: conv.id.clone(),
                author_id: None,
                payload,
                client_message_id: None,
            })?;
            if let Some(v) = &visitor {
                emit_message(st, v, &msg).await;
            }
            Ok(Some(msg))
        }
    }
}

async fn typing(st: &AppState, visitor: &str, conversation_id: &str, ms: u64, cap: u64) {
    realtime::emit(
        &st.io,
        visitor,
        events::TYPING,
        json!({"timeInMs": ms, "conversationId": conversation_id}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(ms.min(cap))).await;
}

/// Emits `guest.webchat.message` for a stored message.
pub async fn emit_message(st: &AppState, visitor: &str, msg: &Message) {
    let data = serde_json::to_value(msg).unwrap_or(Value::Null);
    realtime::emit(&st.io, visitor, events::MESSAGE, data).await;
}

//! The v12 Converse API (§2, seed 002): `POST /api/v1/bots/{botId}/converse/{userId}` and
//! `/secured?include=nlu,state,suggestions,decision,credentials`. The user lives in channel `api`
//! (tag `(bot, "api", userId)`); the answer is sent once the turn settles.

use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::extract::{credentials, JsonBody};
use crate::engine::{self, Incoming};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::NewMessage;

/// Parts a secured call may include.
pub const INCLUDABLE: &[&str] = &[
    "nlu",
    "state",
    "suggestions",
    "decision",
    "credentials",
    "responses",
];

/// Converse routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/bots/{botId}/converse/{userId}", post(unsecured))
        .route(
            "/api/v1/bots/{botId}/converse/{userId}/secured",
            post(secured),
        )
}

#[derive(Debug, serde::Deserialize)]
struct IncludeQuery {
    include: Option<String>,
}

/// Validates the unsecured body (the v12 joi schema): `type:'text'`, `text` required,
/// `includedContexts` string[], `metadata` object, nothing else.
pub fn validate_body(body: &Value, max_len: usize) -> Result<(), String> {
    let obj = body.as_object().ok_or("body must be an object")?;
    for k in obj.keys() {
        if !["type", "text", "includedContexts", "metadata"].contains(&k.as_str()) {
            return Err(format!("\"{k}\" is not allowed"));
        }
    }
    match obj.get("type") {
        Some(Value::String(t)) if t == "text" => {}
        Some(_) => return Err("\"type\" must be [text]".into()),
        None => return Err("\"type\" is required".into()),
    }
    match obj.get("text") {
        Some(Value::String(t)) if !t.is_empty() => {
            if t.chars().count() > max_len {
                return Err(format!(
                    "\"text\" length must be less than or equal to {max_len} characters long"
                ));
            }
        }
        Some(Value::String(_)) => return Err("\"text\" is not allowed to be empty".into()),
        Some(_) => return Err("\"text\" must be a string".into()),
        None => return Err("\"text\" is required".into()),
    }
    if let Some(c) = obj.get("includedContexts") {
        if !c.as_array().is_some_and(|a| a.iter().all(Value::is_string)) {
            return Err("\"includedContexts\" must be an array of strings".into());
        }
    }
    if let Some(m) = obj.get("metadata") {
        if !m.is_object() {
            return Err("\"metadata\" must be of type object".into());
        }
    }
    Ok(())
}

fn check_user_id(user_id: &str) -> ApiResult<()> {
    if user_id.is_empty() || user_id.len() > 255 {
        return Err(ApiError::bad_request(
            "Invalid payload: userId must be 1-255 characters",
        ));
    }
    Ok(())
}

async fn unsecured(
    State(st): State<AppState>,
    Path((bot_id, user_id)): Path<(String, String)>,
    Query(q): Query<IncludeQuery>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    if !st.config.file.converse.enable_unsecured_endpoint {
        return Ok((
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The unsecured Converse API endpoint is disabled",
        )
            .into_response());
    }
    if !st.known_bot(&bot_id) {
        return Err(ApiError::not_found(format!("Bot \"{bot_id}\" not found")));
    }
    if q.include
        .as_deref()
        .is_some_and(|i| !i.is_empty() && i != "responses")
    {
        return Err(ApiError::forbidden(
            "Unauthenticated Converse API can only return \"responses\"",
        ));
    }
    check_user_id(&user_id)?;
    validate_body(&body, st.config.file.converse.max_message_length)
        .map_err(|e| ApiError::bad_request(format!("Invalid payload: {e}")))?;
    let creds = credentials(&st, &headers)?;
    let out = turn(&st, &bot_id, &user_id, body, creds).await?;
    Ok(Json(json!({"responses": out.responses})).into_response())
}

async fn secured(
    State(st): State<AppState>,
    Path((bot_id, user_id)): Path<(String, String)>,
    Query(q): Query<IncludeQuery>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    st.tokens.verify_header(
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    )?;
    if !st.known_bot(&bot_id) {
        return Err(ApiError::not_found(format!("Bot \"{bot_id}\" not found")));
    }
    check_user_id(&user_id)?;
    let include: Vec<String> = q
        .include
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(bad) = include.iter().find(|i| !INCLUDABLE.contains(&i.as_str())) {
        return Err(ApiError::bad_request(format!("Invalid include \"{bad}\"")));
    }
    if !body.get("type").is_some_and(Value::is_string) {
        return Err(ApiError::bad_request(
            "Invalid payload: \"type\" is required",
        ));
    }
    let creds = credentials(&st, &headers)?;
    let out = turn(&st, &bot_id, &user_id, body.clone(), creds.clone()).await?;
    let mut res = Map::new();
    res.insert("responses".into(), Value::Array(out.responses.clone()));
    let contexts = body
        .get("includedContexts")
        .cloned()
        .unwrap_or_else(|| json!(["global"]));
    for part in &include {
        let v = match part.as_str() {
            "nlu" => json!({
                "entities": [], "language": out.language, "detectedLanguage": out.language,
                "ambiguous": false, "slots": {},
                "intent": {"name": out.intent, "confidence": 1, "context": "global"},
                "intents": [{"name": out.intent, "confidence": 1, "context": "global"}],
                "errored": false, "includedContexts": contexts, "ms": 0
            }),
            "state" => json!({
                "user": out.user_state, "context": {}, "temp": {},
                "session": {"lastMessages": out.last_messages, "workflows": {}, "slots": {}}
            }),
            "suggestions" => json!([]),
            "decision" => json!({
                "decision": {"reason": out.reason, "status": "elected"},
                "confidence": 1, "payloads": out.responses, "source": out.source, "sourceDetails": out.intent
            }),
            "credentials" => creds.clone().unwrap_or(Value::Null),
            _ => continue,
        };
        res.insert(part.clone(), v);
    }
    Ok(Json(Value::Object(res)))
}

/// The result of a Converse turn.
struct Outcome {
    responses: Vec<Value>,
    intent: String,
    reason: String,
    source: String,
    user_state: Value,
    language: String,
    last_messages: Vec<Value>,
}

async fn turn(
    st: &AppState,
    bot_id: &str,
    user_id: &str,
    payload: Value,
    credentials: Option<Value>,
) -> ApiResult<Outcome> {
    if !st.limiter.check(&format!("api:{bot_id}:{user_id}")) {
        return Err(ApiError::too_many_requests());
    }
    let (user, _) = st.store.get_or_create_user(bot_id, "api", user_id)?;
    let conv = match st.store.most_recent_conversation(bot_id, &user.id)? {
        Some(c) => c,
        None => st.store.create_conversation(bot_id, &user.id)?,
    };
    // Everything except includedContexts becomes event.payload (§2).
    let mut event_payload = payload.clone();
    if let Some(o) = event_payload.as_object_mut() {
        o.remove("includedContexts");
    }
    let mut bus = st.outgoing.subscribe();
    let (msg, _) = st.store.insert_message(NewMessage {
        conversation_id: conv.id.clone(),
        author_id: Some(user.id.clone()),
        payload: crate::routes::channel_web::strip_sensitive(&event_payload),
        client_message_id: None,
    })?;
    let incoming_preview = msg
        .payload
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let conv_id = conv.id.clone();
    let t = engine::process(
        st,
        Incoming {
            bot_id: bot_id.to_string(),
            channel: "api".into(),
            user: user.clone(),
            conversation: conv,
            payload: event_payload,
            credentials,
            message: Some(msg.clone()),
        },
    )
    .await?;
    let mut responses = t.responses.clone();
    let (source, reason) = if t.skipped_dialog {
        ("hook", "dialog engine skipped by a hook")
    } else if t.forwarded {
        ("webhook", "forwarded to the bot webhook")
    } else if t.intent.as_deref().is_some_and(|i| i != "none") {
        ("dialogManager", "keyword matched")
    } else {
        ("dialogManager", "no suggestion matched")
    };
    if t.forwarded {
        responses = collect_webhook_replies(st, &mut bus, &conv_id).await;
    }
    let language = t
        .user_state
        .get("language")
        .and_then(Value::as_str)
        .unwrap_or("n/a")
        .to_string();
    let last_messages = responses
        .iter()
        .filter(|p| p.get("type").and_then(Value::as_str) != Some("typing"))
        .map(|p| {
            json!({
                "eventId": msg.id,
                "incomingPreview": incoming_preview,
                "replyConfidence": 1,
                "replySource": source,
                "replyDate": crate::store::now_iso(),
                "replyPreview": p.get("text").and_then(Value::as_str).unwrap_or(""),
            })
        })
        .collect();
    Ok(Outcome {
        responses,
        intent: t.intent.unwrap_or_else(|| "none".into()),
        reason: reason.into(),
        source: source.into(),
        user_state: t.user_state,
        language,
        last_messages,
    })
}

/// Waits for a webhook bot's answers: up to `converse.timeout` for the first, then until
/// `converse.bufferDelayMs` pass without another.
async fn collect_webhook_replies(
    st: &AppState,
    bus: &mut tokio::sync::broadcast::Receiver<crate::state::Outgoing>,
    conv_id: &str,
) -> Vec<Value> {
    let cfg = &st.config.file.converse;
    let deadline = Instant::now() + cfg.timeout.0;
    let buffer = Duration::from_millis(cfg.buffer_delay_ms);
    let mut out = Vec::new();
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let wait = if out.is_empty() {
            deadline - now
        } else {
            buffer.min(deadline - now)
        };
        match tokio::time::timeout(wait, bus.recv()).await {
            Ok(Ok(o)) if o.conversation_id == conv_id => out.push(o.payload),
            Ok(Ok(_)) => {}
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
            Ok(Err(_)) | Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_matches_v12() {
        assert!(validate_body(&json!({"type": "text", "text": "hi"}), 360).is_ok());
        assert!(validate_body(
            &json!({"type": "text", "text": "hi", "includedContexts": ["global"], "metadata": {"a": 1}}),
            360
        )
        .is_ok());
        assert!(validate_body(&json!({"type": "image", "text": "hi"}), 360).is_err());
        assert!(validate_body(&json!({"type": "text"}), 360).is_err());
        assert!(validate_body(&json!({"type": "text", "text": 3}), 360).is_err());
        assert!(
            validate_body(&json!({"type": "text", "text": "hi", "extra": 1}), 360)
                .unwrap_err()
                .contains("extra")
        );
        assert!(
            validate_body(&json!({"type": "text", "text": "hi", "metadata": []}), 360).is_err()
        );
        assert!(validate_body(&json!({"type": "text", "text": "x".repeat(361)}), 360).is_err());
    }
}

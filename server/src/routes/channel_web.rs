//! The v12 channel-web HTTP API (§1.4) under `/api/v1/bots/{botId}/mod/channel-web`.
//!
//! User-scoped routes take `{webSessionId, conversationId?}`; the session id is resolved to the visitor
//! through its socket's room (§1.5), the visitor to a user by tags `(bot, "web", visitorId)` (§1.7).

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::extract::{credentials, str_field, JsonBody};
use crate::engine::{self, Incoming};
use crate::error::{ApiError, ApiResult};
use crate::realtime::{self, events};
use crate::state::AppState;
use crate::store::{Conversation, NewMessage, User};

/// Payload types `/messages` accepts (§1.4).
pub const MESSAGE_TYPES: &[&str] = &[
    "text",
    "quick_reply",
    "form",
    "login_prompt",
    "visit",
    "request_start_conversation",
    "postback",
    "voice",
];

/// Conversations returned by `/conversations/list` at most.
const MAX_CONVERSATIONS: usize = 100;

/// Routes relative to the module base.
pub fn router(st: &AppState) -> Router<AppState> {
    let upload_limit = st.config.file.channel_web.file_upload_max_size.0 as usize + 64 * 1024;
    // Oversized uploads are drained up to this bound so the client receives the 413.
    let upload_cap = super::extract::drain_cap(upload_limit);
    Router::new()
        .route("/botInfo", get(bot_info))
        .route("/users/customId", post(custom_id))
        .route("/messages", post(post_message))
        .route(
            "/messages/files",
            post(post_file).layer(axum::extract::DefaultBodyLimit::max(upload_cap)),
        )
        .route(
            "/messages/voice",
            post(post_voice).layer(axum::extract::DefaultBodyLimit::max(
                upload_limit * 4 / 3 + 64 * 1024,
            )),
        )
        .route("/events", post(post_event))
        .route("/conversations/reference", post(conversation_reference))
        .route("/conversations/list", post(list_conversations))
        .route("/conversations/get", post(get_conversation))
        .route("/conversations/new", post(new_conversation))
        .route("/conversations/reset", post(reset_conversation))
        .route("/conversations/download/txt", post(download_txt))
        .route("/conversations/messages/delete", post(delete_messages))
        .route("/preferences/get", post(get_preferences))
        .route("/preferences", post(set_preferences))
        .route("/saveFeedback", post(save_feedback))
        .route("/feedbackInfo", post(feedback_info))
}

fn check_bot(st: &AppState, bot_id: &str) -> ApiResult<()> {
    if st.known_bot(bot_id) {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("Bot \"{bot_id}\" not found")))
    }
}

/// The visitor and user behind a request body's `webSessionId`.
fn resolve_user(st: &AppState, bot_id: &str, body: &Value) -> ApiResult<(String, User)> {
    check_bot(st, bot_id)?;
    let visitor = realtime::visitor_for_session(&st.io, str_field(body, "webSessionId"))?;
    let (user, created) = st.store.get_or_create_user(bot_id, "web", &visitor)?;
    if created {
        tracing::info!(bot_id, user_id = %user.id, "new web user");
    }
    Ok((visitor, user))
}

fn rate_limit(st: &AppState, visitor: &str) -> ApiResult<()> {
    if st.limiter.check(visitor) {
        Ok(())
    } else {
        Err(ApiError::too_many_requests())
    }
}

/// The conversation named in the body (must belong to the user); when absent and `fallback` is set,
/// the most recent conversation or a new one.
fn conversation_for(
    st: &AppState,
    bot_id: &str,
    user: &User,
    body: &Value,
    fallback: bool,
) -> ApiResult<Conversation> {
    match body.get("conversationId") {
        Some(Value::String(id)) if !id.is_empty() => {
            let conv = st.store.get_conversation(id)?.ok_or_else(|| {
                ApiError::bad_request("The conversation ID doesn't belong to that user")
            })?;
            if conv.user_id != user.id || conv.client_id != bot_id {
                return Err(ApiError::bad_request(
                    "The conversation ID doesn't belong to that user",
                ));
            }
            Ok(conv)
        }
        Some(Value::Number(_)) => Err(ApiError::bad_request(
            "The conversation ID doesn't belong to that user",
        )),
        None | Some(Value::Null) if fallback => {
            match st.store.most_recent_conversation(bot_id, &user.id)? {
                Some(c) => Ok(c),
                None => Ok(st.store.create_conversation(bot_id, &user.id)?),
            }
        }
        _ => Err(ApiError::bad_request(
            "`conversationId` is required and must be valid",
        )),
    }
}

/// `GET /botInfo`.
async fn bot_info(State(st): State<AppState>, Path(bot_id): Path<String>) -> ApiResult<Response> {
    check_bot(&st, &bot_id)?;
    let cfg = st.config.bot(&bot_id);
    let cw = &st.config.file.channel_web;
    let body = json!({
        "showBotInfoPage": false,
        "name": cfg.and_then(|b| b.name.clone()).unwrap_or_else(|| bot_id.clone()),
        "description": cfg.and_then(|b| b.description.clone()).unwrap_or_default(),
        "details": {},
        "languages": cw.languages,
        "extraStylesheet": cw.extra_stylesheet,
        "disableNotificationSound": cw.disable_notification_sound,
        "security": {"escapeHTML": true},
        "lazySocket": cw.lazy_socket,
        "maxMessageLength": cw.max_message_length,
        "alwaysScrollDownOnMessages": false,
    });
    Ok(([(header::CACHE_CONTROL, "max-age=60")], Json(body)).into_response())
}

/// `POST /users/customId`: stores the attribute `webchatCustomId`.
async fn custom_id(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    credentials(&st, &headers)?;
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let custom = str_field(&body, "customId")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::bad_request("`customId` is required"))?;
    if custom.len() > 255 {
        return Err(ApiError::bad_request("`customId` is too long"));
    }
    st.store
        .merge_user_attributes(&user.id, &json!({"webchatCustomId": custom}))?;
    Ok(StatusCode::OK)
}

/// Validates a `/messages` payload (§1.4) against the configured text limit.
pub fn validate_payload(payload: &Value, max_len: usize) -> ApiResult<()> {
    let ty = payload.get("type").and_then(Value::as_str);
    let Some(ty) = ty.filter(|t| MESSAGE_TYPES.contains(t)) else {
        return Err(ApiError::bad_request(
            "`type` is required and must be valid",
        ));
    };
    if ty != "postback" && ty != "voice" {
        match payload.get("text") {
            Some(Value::String(s)) if s.chars().count() <= max_len => {}
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Text must be a valid string of less than {max_len} chars"
                )))
            }
        }
    }
    Ok(())
}

/// Removes the keys listed in `payload.sensitive` (and `sensitive` itself) before storing (§1.8).
pub fn strip_sensitive(payload: &Value) -> Value {
    let mut out = payload.clone();
    if let (Some(obj), Some(list)) = (
        out.as_object_mut(),
        payload.get("sensitive").and_then(Value::as_array),
    ) {
        for k in list.iter().filter_map(Value::as_str) {
            obj.remove(k);
        }
        obj.remove("sensitive");
    }
    out
}

/// Stores a user message (idempotent by `clientMessageId`), emits it, and starts the bot turn in the
/// background. Returns the stored message and whether it is new.
#[allow(clippy::too_many_arguments)]
async fn accept_user_message(
    st: &AppState,
    bot_id: &str,
    visitor: &str,
    user: User,
    conv: Conversation,
    payload: Value,
    credentials: Option<Value>,
) -> ApiResult<Value> {
    let client_message_id = payload
        .get("clientMessageId")
        .and_then(|v| match v {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .map(|s| s.chars().take(128).collect::<String>());
    let (msg, inserted) = st.store.insert_message(NewMessage {
        conversation_id: conv.id.clone(),
        author_id: Some(user.id.clone()),
        payload: strip_sensitive(&payload),
        client_message_id,
    })?;
    let out = serde_json::to_value(&msg).unwrap_or(Value::Null);
    if !inserted {
        tracing::debug!(message_id = %msg.id, "duplicate clientMessageId; answered once");
        return Ok(out);
    }
    engine::emit_message(st, visitor, &msg).await;
    let ev = Incoming {
        bot_id: bot_id.to_string(),
        channel: "web".into(),
        user,
        conversation: conv,
        payload,
        credentials,
        message: Some(msg),
    };
    spawn_turn(st, ev);
    Ok(out)
}

fn spawn_turn(st: &AppState, ev: Incoming) {
    st.spawn_turn(ev);
}

/// `POST /messages`.
async fn post_message(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let creds = credentials(&st, &headers)?;
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let payload = body.get("payload").cloned().unwrap_or(Value::Null);
    validate_payload(&payload, st.config.file.channel_web.max_message_length)?;
    let conv = conversation_for(&st, &bot_id, &user, &body, true)?;
    let msg = accept_user_message(&st, &bot_id, &visitor, user, conv, payload, creds).await?;
    Ok(Json(msg))
}

/// `POST /messages/files` (multipart `file`, `webSessionId`, `conversationId`, `payload`).
async fn post_file(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    mut form: Multipart,
) -> ApiResult<Json<Value>> {
    let creds = credentials(&st, &headers)?;
    check_bot(&st, &bot_id)?;
    let limit = st.config.file.channel_web.file_upload_max_size.0 as usize;
    let mut fields = serde_json::Map::new();
    let mut file: Option<(String, String, Vec<u8>)> = None;
    let mut too_large = false;
    let multipart_err = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(format!("File is larger than {limit} bytes"))
        } else {
            ApiError::bad_request("Invalid multipart body")
        }
    };
    while let Some(mut field) = form.next_field().await.map_err(multipart_err)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let original = field.file_name().unwrap_or("file").to_string();
            let mime = field
                .content_type()
                .map(str::to_string)
                .unwrap_or_else(|| "application/octet-stream".into());
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(multipart_err)? {
                // Keep reading (and discarding) past the limit so the client gets the 413.
                if too_large || data.len() + chunk.len() > limit {
                    too_large = true;
                    data = Vec::new();
                    continue;
                }
                data.extend_from_slice(&chunk);
            }
            file = Some((original, mime, data));
        } else {
            let text = field.text().await.map_err(multipart_err)?;
            fields.insert(name, Value::String(text));
        }
    }
    if too_large {
        return Err(ApiError::payload_too_large(format!(
            "File is larger than {limit} bytes"
        )));
    }
    let body = Value::Object(fields);
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let conv = conversation_for(&st, &bot_id, &user, &body, false)?;
    let (original, mime, data) = file.ok_or_else(|| ApiError::bad_request("`file` is required"))?;
    let (stored_name, url) = store_upload(&st, &bot_id, &original, &data).await?;
    let extra: Value = str_field(&body, "payload")
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or(Value::Null);
    let payload = json!({
        "type": "file",
        "text": format!("Uploaded a file **{original}**"),
        "title": original,
        "storage": "local",
        "url": url,
        "file": url,
        "name": stored_name,
        "originalName": original,
        "mime": mime,
        "size": data.len(),
        "payload": extra,
    });
    let msg = accept_user_message(&st, &bot_id, &visitor, user, conv, payload, creds).await?;
    Ok(Json(msg))
}

/// Keeps letters, digits, `.`, `-` and `_` of an uploaded file name.
fn sanitize_name(original: &str) -> String {
    let safe: String = original
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    safe.trim_start_matches('.').to_string()
}

/// Writes an upload under `DATA/uploads/{bot}/` and returns `(stored name, media URL)`.
async fn store_upload(
    st: &AppState,
    bot_id: &str,
    original: &str,
    data: &[u8],
) -> ApiResult<(String, String)> {
    let stored_name = format!(
        "{}-{}",
        uuid::Uuid::new_v4().simple(),
        sanitize_name(original)
    );
    let dir = st.config.data_dir.join("uploads").join(bot_id);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(ApiError::internal)?;
    tokio::fs::write(dir.join(&stored_name), data)
        .await
        .map_err(ApiError::internal)?;
    let url = format!("/api/v1/bots/{bot_id}/media/{stored_name}");
    Ok((stored_name, url))
}

/// `POST /messages/voice` `{webSessionId, conversationId, audio:{buffer:<base64>, title:'<uuid>.<ext>'}}`.
async fn post_voice(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    use base64::Engine;
    let creds = credentials(&st, &headers)?;
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let conv = conversation_for(&st, &bot_id, &user, &body, false)?;
    let audio = body.get("audio").cloned().unwrap_or(Value::Null);
    let buffer = str_field(&audio, "buffer")
        .ok_or_else(|| ApiError::bad_request("`audio.buffer` is required"))?;
    let title = str_field(&audio, "title").unwrap_or("voice.webm");
    let data = base64::engine::general_purpose::STANDARD
        .decode(buffer.trim())
        .map_err(|_| ApiError::bad_request("`audio.buffer` must be base64"))?;
    let limit = st.config.file.channel_web.file_upload_max_size.0 as usize;
    if data.len() > limit {
        return Err(ApiError::payload_too_large(format!(
            "Audio is larger than {limit} bytes"
        )));
    }
    let (_, url) = store_upload(&st, &bot_id, title, &data).await?;
    let payload = json!({"type": "voice", "audio": url});
    let msg = accept_user_message(&st, &bot_id, &visitor, user, conv, payload, creds).await?;
    Ok(Json(msg))
}

/// Hex HMAC-SHA256 of a reference message (the signature half of `msg=signature`).
pub fn reference_signature(secret: &str, message: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `POST /conversations/reference` `{webSessionId, conversationId?, reference:"msg=signature"}`: a valid
/// reference reaches the bot as a `session_reference` event; a bad one answers 500 `{message}` as in v12.
async fn conversation_reference(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let fail = |m: &str| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"message": m})),
        )
            .into_response()
    };
    let Some(secret) = st.config.file.channel_web.reference_secret.as_deref() else {
        return Ok(fail(
            "Conversation references are not enabled (channelWeb.referenceSecret)",
        ));
    };
    let reference = str_field(&body, "reference").unwrap_or("");
    let Some((message, signature)) = reference.rsplit_once('=') else {
        return Ok(fail("Invalid reference: expected `message=signature`"));
    };
    let expected = reference_signature(secret, message);
    if !crate::auth::constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        return Ok(fail("Bad reference signature"));
    }
    let conv = conversation_for(&st, &bot_id, &user, &body, true)?;
    spawn_turn(
        &st,
        Incoming {
            bot_id,
            channel: "web".into(),
            user,
            conversation: conv,
            payload: json!({"type": "session_reference", "text": message, "reference": message}),
            credentials: None,
            message: None,
        },
    );
    Ok(StatusCode::OK.into_response())
}

/// `GET /api/v1/bots/{botId}/media/{file}`: uploaded files.
pub async fn media(
    State(st): State<AppState>,
    Path((bot_id, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            && !s.starts_with('.')
    };
    if !ok(&bot_id) || !ok(&file) {
        return Err(ApiError::not_found("File not found"));
    }
    let path = st.config.data_dir.join("uploads").join(&bot_id).join(&file);
    let data = tokio::fs::read(&path)
        .await
        .map_err(|_| ApiError::not_found("File not found"))?;
    let mime = super::static_files::mime_for(&file);
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, "inline".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        Body::from(data),
    )
        .into_response())
}

/// `POST /events`: an incoming event that is not stored as a message.
async fn post_event(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let creds = credentials(&st, &headers)?;
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let payload = body.get("payload").cloned().unwrap_or(Value::Null);
    if !payload.get("type").is_some_and(Value::is_string) {
        return Err(ApiError::bad_request(
            "`type` is required and must be valid",
        ));
    }
    let conv = conversation_for(&st, &bot_id, &user, &body, true)?;
    spawn_turn(
        &st,
        Incoming {
            bot_id,
            channel: "web".into(),
            user,
            conversation: conv,
            payload,
            credentials: creds,
            message: None,
        },
    );
    Ok(StatusCode::OK)
}

/// `POST /conversations/list`.
async fn list_conversations(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let (_, user) = resolve_user(&st, &bot_id, &body)?;
    let list = st
        .store
        .list_conversations(&bot_id, &user.id, MAX_CONVERSATIONS)?;
    let conversations: Vec<Value> = list
        .into_iter()
        .map(|(c, last)| {
            let mut v = serde_json::to_value(&c).unwrap_or(Value::Null);
            if let Some(m) = last {
                v["lastMessage"] = serde_json::to_value(&m).unwrap_or(Value::Null);
            }
            v
        })
        .collect();
    let cw = &st.config.file.channel_web;
    Ok(Json(json!({
        "conversations": conversations,
        "startNewConvoOnTimeout": cw.start_new_convo_on_timeout,
        "recentConversationLifetime": cw.recent_conversation_lifetime,
    })))
}

fn visible(m: &crate::store::Message) -> bool {
    let ty = m.payload.get("type").and_then(Value::as_str).unwrap_or("");
    if ty == "visit" {
        return false;
    }
    !(ty == "text"
        && m.payload
            .get("text")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty))
}

/// `POST /conversations/get`.
async fn get_conversation(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let (_, user) = resolve_user(&st, &bot_id, &body)?;
    let conv = conversation_for(&st, &bot_id, &user, &body, false)?;
    let max = st.config.file.channel_web.max_messages_history;
    let messages: Vec<_> = st
        .store
        .list_messages(&conv.id, max)?
        .into_iter()
        .filter(visible)
        .collect();
    let mut v = serde_json::to_value(&conv).unwrap_or(Value::Null);
    v["messages"] = serde_json::to_value(&messages).unwrap_or(Value::Null);
    Ok(Json(v))
}

/// `POST /conversations/new`.
async fn new_conversation(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let conv = st.store.create_conversation(&bot_id, &user.id)?;
    Ok(Json(json!({"convoId": conv.id})))
}

/// `POST /conversations/reset`: stores a `session_reset` user message and tells the bot.
async fn reset_conversation(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let creds = credentials(&st, &headers)?;
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let conv = conversation_for(&st, &bot_id, &user, &body, false)?;
    let payload = json!({"type": "session_reset", "text": "Reset the conversation"});
    accept_user_message(&st, &bot_id, &visitor, user, conv, payload, creds).await?;
    Ok(StatusCode::OK)
}

/// Renders a transcript as text, one line per message.
pub fn transcript(
    conv: &Conversation,
    messages: &[crate::store::Message],
    bot_name: &str,
) -> String {
    let mut out = format!(
        "Conversation Id: {}\nCreated on: {}\n\n",
        conv.id, conv.created_on
    );
    for m in messages.iter().filter(|m| visible(m)) {
        let who = if m.author_id.is_some() {
            "User"
        } else {
            bot_name
        };
        let p = &m.payload;
        let text = p
            .get("text")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                format!(
                    "[{}]",
                    p.get("type").and_then(Value::as_str).unwrap_or("message")
                )
            });
        out.push_str(&format!("[{}] {}: {}\n", m.sent_on, who, text));
    }
    out
}

/// `POST /conversations/download/txt`.
async fn download_txt(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let (_, user) = resolve_user(&st, &bot_id, &body)?;
    let conv = conversation_for(&st, &bot_id, &user, &body, false)?;
    let messages = st.store.list_messages(&conv.id, usize::MAX >> 1)?;
    let bot_name = st
        .config
        .bot(&bot_id)
        .and_then(|b| b.name.clone())
        .unwrap_or_else(|| bot_id.clone());
    let txt = transcript(&conv, &messages, &bot_name);
    let date = chrono::Utc::now().format("%Y-%m-%d");
    Ok(Json(
        json!({"txt": txt, "name": format!("Conversation {} - {date}.txt", conv.id)}),
    ))
}

/// `POST /conversations/messages/delete`: 204 and `guest.webchat.clear`.
async fn delete_messages(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let conv = conversation_for(&st, &bot_id, &user, &body, false)?;
    st.store.delete_messages(&conv.id)?;
    realtime::emit(
        &st.io,
        &visitor,
        events::CLEAR,
        json!({"conversationId": conv.id}),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /preferences/get`.
async fn get_preferences(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let (_, user) = resolve_user(&st, &bot_id, &body)?;
    let language = user
        .attributes
        .get("language")
        .cloned()
        .unwrap_or(Value::Null);
    Ok(Json(json!({"language": language})))
}

/// `POST /preferences`.
async fn set_preferences(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let (visitor, user) = resolve_user(&st, &bot_id, &body)?;
    rate_limit(&st, &visitor)?;
    let lang = str_field(&body, "language").unwrap_or("");
    if !st
        .config
        .file
        .channel_web
        .languages
        .iter()
        .any(|l| l == lang)
    {
        return Err(ApiError::bad_request(format!(
            "Language \"{lang}\" is not supported by this bot"
        )));
    }
    st.store
        .merge_user_attributes(&user.id, &json!({"language": lang}))?;
    Ok(StatusCode::OK)
}

/// The user behind a feedback `target` (a visitor id); feedback routes carry no session id (§1.4).
fn feedback_user(st: &AppState, bot_id: &str, body: &Value) -> ApiResult<User> {
    check_bot(st, bot_id)?;
    let target = str_field(body, "target")
        .filter(|t| !t.is_empty() && t.len() <= 40)
        .ok_or_else(|| ApiError::bad_request("`target` is required and must be valid"))?;
    Ok(st.store.get_or_create_user(bot_id, "web", target)?.0)
}

/// `POST /saveFeedback` `{messageId, target, feedback: 1|-1}`.
async fn save_feedback(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    credentials(&st, &headers)?;
    let user = feedback_user(&st, &bot_id, &body)?;
    if !st.limiter.check(&user.id) {
        return Err(ApiError::too_many_requests());
    }
    let feedback = body.get("feedback").and_then(Value::as_i64);
    let Some(feedback) = feedback.filter(|f| *f == 1 || *f == -1) else {
        return Err(ApiError::bad_request("`feedback` must be 1 or -1"));
    };
    let id = str_field(&body, "messageId")
        .or_else(|| str_field(&body, "eventId"))
        .ok_or_else(|| ApiError::bad_request("`messageId` is required"))?;
    let msg = st
        .store
        .get_message(id)?
        .ok_or_else(|| ApiError::bad_request("Unknown message"))?;
    let conv = st.store.get_conversation(&msg.conversation_id)?;
    if conv.is_none_or(|c| c.user_id != user.id) || msg.author_id.is_some() {
        return Err(ApiError::bad_request(
            "Feedback can only be given on bot messages of your conversations",
        ));
    }
    st.store.set_feedback(id, &user.id, feedback)?;
    Ok(StatusCode::OK)
}

/// `POST /feedbackInfo` `{messageIds, target}` → `[{messageId, feedback}]`.
async fn feedback_info(
    State(st): State<AppState>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    credentials(&st, &headers)?;
    let user = feedback_user(&st, &bot_id, &body)?;
    let ids: Vec<String> = body
        .get("messageIds")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::bad_request("`messageIds` must be an array"))?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .take(500)
        .collect();
    let list: Vec<Value> = st
        .store
        .get_feedback(&ids, &user.id)?
        .into_iter()
        .map(|(message_id, feedback)| json!({"messageId": message_id, "feedback": feedback}))
        .collect();
    Ok(Json(Value::Array(list)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_validation_follows_v12() {
        assert!(validate_payload(&json!({"type": "text", "text": "hi"}), 360).is_ok());
        assert!(validate_payload(&json!({"type": "postback", "payload": "X"}), 360).is_ok());
        let e = validate_payload(&json!({"type": "image"}), 360).unwrap_err();
        assert_eq!(e.message, "`type` is required and must be valid");
        assert!(validate_payload(&json!({"text": "hi"}), 360).is_err());
        assert!(validate_payload(&json!({"type": "text"}), 360).is_err());
        assert!(validate_payload(&json!({"type": "text", "text": "x".repeat(361)}), 360).is_err());
        assert!(validate_payload(&json!({"type": "text", "text": "é".repeat(360)}), 360).is_ok());
    }

    #[test]
    fn reference_signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            reference_signature("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(sanitize_name("../a b.txt"), "_a_b.txt");
    }

    #[test]
    fn sensitive_fields_are_stripped() {
        let p = json!({"type": "login_prompt", "text": "t", "username": "u", "password": "p", "sensitive": ["password"]});
        assert_eq!(
            strip_sensitive(&p),
            json!({"type": "login_prompt", "text": "t", "username": "u"})
        );
    }

    #[test]
    fn transcript_names_speakers_and_hides_visits() {
        let conv = Conversation {
            id: "c".into(),
            client_id: "b".into(),
            user_id: "u".into(),
            created_on: "t0".into(),
        };
        let m = |author: Option<&str>, p: Value| crate::store::Message {
            id: "m".into(),
            conversation_id: "c".into(),
            author_id: author.map(str::to_string),
            sent_on: "t".into(),
            payload: p,
        };
        let txt = transcript(
            &conv,
            &[
                m(Some("u"), json!({"type": "visit", "text": "User visit"})),
                m(Some("u"), json!({"type": "text", "text": "hello"})),
                m(None, json!({"type": "image", "image": "/x.svg"})),
            ],
            "Bot",
        );
        assert!(txt.contains("User: hello"));
        assert!(txt.contains("Bot: [image]"));
        assert!(!txt.contains("User visit"));
    }
}

//! Bring your own bot, the Botpress Messaging way (§3.3):
//! - `POST /api/v1/admin/clients` (`x-bp-messaging-admin-key`) → `{id, token, botId}`;
//! - `POST /api/v1/sync {webhooks:[{url}]}` → `{webhooks:[{url, token}]}` (client credentials);
//! - `POST /api/v1/messages {conversationId, authorId?, payload}` → 201 Message (bot reply or proactive);
//! - `GET /api/v1/messages?conversationId=&limit=`, `POST /api/v1/users`, `POST /api/v1/conversations {userId}`,
//!   `GET /api/v1/conversations/{id}`.
//!
//! Incoming messages reach the bot as `{type:'message.new', data:{userId, conversationId, channel, message}}`
//! (see `engine`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::extract::{str_field, JsonBody};
use crate::auth::{constant_time_eq, random_secret, sha256_hex};
use crate::engine;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{Client, NewMessage, Webhook};

/// Messaging routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/clients", post(create_client))
        .route("/api/v1/sync", post(sync))
        .route("/api/v1/messages", post(create_message).get(list_messages))
        .route("/api/v1/users", post(create_user))
        .route("/api/v1/conversations", post(create_conversation))
        .route("/api/v1/conversations/{id}", get(get_conversation))
}

/// Authenticates `x-bp-messaging-client-id` / `x-bp-messaging-client-token`.
fn client_auth(st: &AppState, headers: &HeaderMap) -> ApiResult<Client> {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok()).unwrap_or("");
    let id = get("x-bp-messaging-client-id");
    let token = get("x-bp-messaging-client-token");
    if id.is_empty() || token.is_empty() {
        return Err(ApiError::unauthorized("Client credentials are required"));
    }
    let client = st.store.get_client(id)?;
    match client {
        Some(c) if constant_time_eq(sha256_hex(token).as_bytes(), c.token_hash.as_bytes()) => Ok(c),
        _ => Err(ApiError::unauthorized("Invalid client credentials")),
    }
}

async fn create_client(
    State(st): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let Some(admin_key) = &st.config.file.messaging.admin_key else {
        return Err(ApiError::forbidden(
            "Client creation is disabled: set messaging.adminKey or WEBCHAT_ADMIN_KEY",
        ));
    };
    let given = headers
        .get("x-bp-messaging-admin-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !constant_time_eq(given.as_bytes(), admin_key.as_bytes()) {
        return Err(ApiError::unauthorized("Invalid admin key"));
    }
    let bot_id = str_field(&body, "botId")
        .map(str::to_string)
        .unwrap_or_else(|| st.config.file.messaging.bot_id.clone());
    if bot_id.is_empty()
        || !bot_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::bad_request(
            "`botId` must use only letters, digits, `-` and `_`",
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let token = random_secret(32);
    st.store.upsert_client(&Client {
        id: id.clone(),
        token_hash: sha256_hex(&token),
        bot_id: bot_id.clone(),
    })?;
    tracing::info!(client_id = %id, bot_id, "messaging client created");
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "token": token, "botId": bot_id})),
    ))
}

/// Registers webhooks, keeping the token of a URL already registered.
pub fn register_webhooks(
    st: &AppState,
    client_id: &str,
    urls: &[String],
) -> ApiResult<Vec<Webhook>> {
    let existing = st.store.webhooks_for_client(client_id)?;
    let hooks: Vec<Webhook> = urls
        .iter()
        .map(|url| Webhook {
            client_id: client_id.to_string(),
            url: url.clone(),
            token: existing
                .iter()
                .find(|w| &w.url == url)
                .map(|w| w.token.clone())
                .unwrap_or_else(|| random_secret(32)),
        })
        .collect();
    st.store.set_webhooks(client_id, &hooks)?;
    st.webhooks.forget(client_id);
    Ok(hooks)
}

async fn sync(
    State(st): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let client = client_auth(&st, &headers)?;
    let list = match body.get("webhooks") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(ApiError::bad_request("`webhooks` must be an array")),
    };
    let mut urls = Vec::new();
    for (i, w) in list.iter().enumerate() {
        let url = str_field(w, "url").unwrap_or("");
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ApiError::bad_request(format!(
                "`webhooks[{i}].url` must be an http(s) URL"
            )));
        }
        urls.push(url.to_string());
    }
    let hooks = register_webhooks(&st, &client.id, &urls)?;
    tracing::info!(client_id = %client.id, count = hooks.len(), "webhooks synced");
    Ok(Json(json!({"id": client.id, "webhooks": hooks})))
}

async fn create_message(
    State(st): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let client = client_auth(&st, &headers)?;
    let conv_id = str_field(&body, "conversationId")
        .ok_or_else(|| ApiError::bad_request("`conversationId` is required"))?;
    let payload = body.get("payload").cloned().unwrap_or(Value::Null);
    if !payload.get("type").is_some_and(Value::is_string) {
        return Err(ApiError::bad_request("`payload.type` is required"));
    }
    let conv = st
        .store
        .get_conversation(conv_id)?
        .filter(|c| c.client_id == client.bot_id)
        .ok_or_else(|| ApiError::not_found("Conversation not found"))?;
    let msg = match str_field(&body, "authorId") {
        None => engine::send_outgoing(&st, &conv, payload.clone())
            .await?
            .map(|m| serde_json::to_value(m).unwrap_or(Value::Null))
            .unwrap_or_else(|| json!({"conversationId": conv.id, "payload": payload})),
        Some(author) => {
            if author != conv.user_id {
                return Err(ApiError::bad_request(
                    "`authorId` must be the conversation's user",
                ));
            }
            let (m, _) = st.store.insert_message(NewMessage {
                conversation_id: conv.id.clone(),
                author_id: Some(author.to_string()),
                payload,
                client_message_id: None,
            })?;
            if let Some(v) = engine::web_visitor(&st, &conv.user_id)? {
                engine::emit_message(&st, &v, &m).await;
            }
            serde_json::to_value(m).unwrap_or(Value::Null)
        }
    };
    Ok((StatusCode::CREATED, Json(msg)))
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    conversation_id: String,
    limit: Option<usize>,
}

async fn list_messages(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let client = client_auth(&st, &headers)?;
    let conv = st
        .store
        .get_conversation(&q.conversation_id)?
        .filter(|c| c.client_id == client.bot_id)
        .ok_or_else(|| ApiError::not_found("Conversation not found"))?;
    let msgs = st
        .store
        .list_messages(&conv.id, q.limit.unwrap_or(100).min(1000))?;
    Ok(Json(serde_json::to_value(msgs).unwrap_or(Value::Null)))
}

async fn create_user(
    State(st): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let client = client_auth(&st, &headers)?;
    let external = uuid::Uuid::new_v4().to_string();
    let (user, _) = st
        .store
        .get_or_create_user(&client.bot_id, "messaging", &external)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": user.id, "clientId": client.id})),
    ))
}

async fn create_conversation(
    State(st): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let client = client_auth(&st, &headers)?;
    let user_id =
        str_field(&body, "userId").ok_or_else(|| ApiError::bad_request("`userId` is required"))?;
    let user = st
        .store
        .get_user(user_id)?
        .filter(|u| u.bot_id == client.bot_id)
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    let conv = st.store.create_conversation(&client.bot_id, &user.id)?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(conv).unwrap_or(Value::Null)),
    ))
}

async fn get_conversation(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let client = client_auth(&st, &headers)?;
    let conv = st
        .store
        .get_conversation(&id)?
        .filter(|c| c.client_id == client.bot_id)
        .ok_or_else(|| ApiError::not_found("Conversation not found"))?;
    Ok(Json(serde_json::to_value(conv).unwrap_or(Value::Null)))
}

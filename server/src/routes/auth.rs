//! `POST /api/v1/auth/login/basic/default {email, password}` → `{status, message, payload:{jwt, exp}}` (§2, seed 002).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::extract::{str_field, JsonBody};
use crate::auth::password::PasswordHash;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Auth routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/auth/login/basic/default", post(login))
}

async fn login(State(st): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Json<Value>> {
    let email = str_field(&body, "email")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let password = str_field(&body, "password").unwrap_or("").to_string();
    if email.is_empty() || password.is_empty() {
        return Err(ApiError::bad_request("`email` and `password` are required"));
    }
    if !st.limiter.check(&format!("login:{email}")) {
        return Err(ApiError::too_many_requests());
    }
    let stored = st.store.admin_password_hash(&email)?;
    // Hash checking is CPU-bound; keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || {
        stored
            .as_deref()
            .and_then(PasswordHash::parse)
            .is_some_and(|h| h.verify(&password))
    })
    .await
    .map_err(ApiError::internal)?;
    if !ok {
        tracing::info!("failed admin login");
        return Err(ApiError::unauthorized("Invalid email or password"));
    }
    let jwt = st.tokens.issue(&email)?;
    Ok(Json(json!({
        "status": "success",
        "message": "Login successful",
        "payload": {"jwt": jwt, "exp": st.tokens.lifetime_ms()},
    })))
}

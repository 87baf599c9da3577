//! HTTP routes. [`router`] assembles them with the middleware stack.

pub mod auth;
pub mod channel_web;
pub mod converse;
pub mod demo_assets;
pub mod extract;
pub mod messaging;
pub mod static_files;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method};
use axum::routing::get;
use axum::Router;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::config::CorsConfig;
use crate::state::AppState;

/// All HTTP routes (without the socket.io and CORS layers, which `crate::app` adds).
pub fn router(st: AppState) -> Router {
    // `JsonBody` enforces httpServer.bodyLimit itself (draining oversized bodies so clients get the
    // 413); this outer bound only stops abuse of routes that read no body.
    let body_limit = extract::drain_cap(st.config.file.http_server.body_limit.0 as usize);
    let api = Router::new()
        .nest(
            "/api/v1/bots/{botId}/mod/channel-web",
            channel_web::router(&st),
        )
        .route("/api/v1/bots/{botId}/media/{file}", get(channel_web::media))
        .merge(converse::router())
        .merge(auth::router())
        .merge(messaging::router())
        .layer(DefaultBodyLimit::max(body_limit));
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api)
        .merge(demo_assets::router())
        .merge(static_files::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(st)
}

/// Unknown route: v12 error JSON 404.
pub async fn not_found() -> crate::error::ApiError {
    crate::error::ApiError::not_found("Route not found")
}

/// Known route, wrong method: v12 error JSON 405.
async fn method_not_allowed() -> crate::error::ApiError {
    crate::error::ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "BP_0405",
        "MethodNotAllowedError",
        "Method not allowed on this route",
    )
}

/// `GET /healthz`: 200 when the store answers, 503 otherwise.
async fn healthz(
    axum::extract::State(st): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, axum::Json<serde_json::Value>) {
    match st.store.kv_get("collaborator_jwt_secret") {
        Ok(_) => (
            axum::http::StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: store unavailable");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
        }
    }
}

/// The CORS layer for `httpServer.cors` (`None` when disabled); it also covers socket.io polling.
pub fn cors_layer(c: &CorsConfig) -> Option<CorsLayer> {
    if !c.enabled {
        return None;
    }
    let origins: Vec<String> = c.origin.as_ref().map(|o| o.to_vec()).unwrap_or_default();
    let layer = CorsLayer::new()
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers(Any)
        .max_age(std::time::Duration::from_secs(600));
    let layer = if origins.is_empty() || origins.iter().any(|o| o == "*") {
        layer.allow_origin(Any)
    } else {
        let list: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
        layer.allow_origin(AllowOrigin::list(list))
    };
    Some(layer)
}

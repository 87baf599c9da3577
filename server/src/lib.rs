//! `webchat-server`: the reference server of the Botpress-v12-compatible webchat.
//!
//! It speaks the v12 channel-web HTTP API and socket.io `/guest` namespace (§1), the Converse API (§2)
//! and a Botpress Messaging style webhook bridge for bring-your-own bots (§3.3), with SQLite storage.
//! Use [`run`] for the binary, [`start`] to run it in-process (tests), or [`build`] + [`app`] to embed
//! the router elsewhere.

pub mod auth;
pub mod bot;
pub mod config;
pub mod engine;
pub mod error;
pub mod hooks;
pub mod ratelimit;
pub mod realtime;
pub mod routes;
pub mod state;
pub mod store;
pub mod webhooks;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use socketioxide::layer::SocketIoLayer;

use crate::auth::collaborator::CollaboratorTokens;
use crate::auth::external::ExternalAuth;
use crate::auth::password::{PasswordHash, DEFAULT_ITERATIONS};
use crate::auth::sha256_hex;
pub use crate::config::Config;
use crate::state::AppState;
use crate::store::sqlite::SqliteStore;
use crate::store::{Client, Store};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Bad configuration (the message names the key).
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The database could not be opened or migrated.
    #[error("storage: {0}")]
    Store(#[from] store::StoreError),
    /// Binding or serving failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

/// How long in-flight requests may take to finish after a shutdown signal.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the store, applies the configuration to it and builds the state and socket.io layer.
pub async fn build(config: Config) -> Result<(AppState, SocketIoLayer), StartError> {
    config.validate()?;
    let store: Arc<dyn Store> = Arc::new(store::Offloaded(SqliteStore::open_in_dir(
        &config.data_dir,
    )?));
    let external = ExternalAuth::from_config(&config.file.pro.external_auth, &config.data_dir)?;
    provision(&config, store.as_ref())?;
    let secret = match store.kv_get("collaborator_jwt_secret")? {
        Some(s) => s,
        None => {
            let s = auth::random_secret(48);
            store.kv_set("collaborator_jwt_secret", &s)?;
            s
        }
    };
    let tokens = CollaboratorTokens::new(secret.as_bytes(), config.file.jwt_token.duration.0);
    let (layer, io) = realtime::build(config.file.http_server.body_limit.0.max(1_000_000));
    let state = AppState::new(
        config,
        store,
        io,
        external,
        tokens,
        hooks::Pipeline::default(),
    );
    if let (Some(id), false) = (
        &state.config.file.messaging.client_id,
        state.config.file.messaging.webhooks.is_empty(),
    ) {
        let hooks =
            routes::messaging::register_webhooks(&state, id, &state.config.file.messaging.webhooks)
                .map_err(|e| std::io::Error::other(e.message))?;
        tracing::info!(count = hooks.len(), "webhooks registered from config");
    }
    Ok((state, layer))
}

/// Stores the admin account (hashed) and the configured messaging client.
fn provision(config: &Config, store: &dyn Store) -> Result<(), StartError> {
    let a = &config.file.admin;
    if let Some(email) = &a.email {
        let email = email.trim().to_ascii_lowercase();
        let hash = match (&a.password, &a.password_hash) {
            (Some(p), _) => Some(PasswordHash::create(p, DEFAULT_ITERATIONS).to_string()),
            (None, Some(h)) => Some(h.clone()),
            (None, None) => None,
        };
        if let Some(h) = hash {
            store.upsert_admin(&email, &h)?;
        }
    } else {
        tracing::warn!("no admin account configured (admin.email/admin.password); secured Converse is unreachable");
    }
    let m = &config.file.messaging;
    if let (Some(id), Some(token)) = (&m.client_id, &m.client_token) {
        store.upsert_client(&Client {
            id: id.clone(),
            token_hash: sha256_hex(token),
            bot_id: m.bot_id.clone(),
        })?;
    }
    Ok(())
}

/// The full HTTP app: routes, socket.io at `/socket.io`, CORS and request tracing.
///
/// The socket.io layer must wrap the router exactly once: `Router::layer` would build one Engine.IO
/// instance per route, and long-polling requests (GET then POST) would land on different engines.
pub fn app(state: AppState, socket_layer: SocketIoLayer) -> Router {
    use tower::Layer;
    let cors = routes::cors_layer(&state.config.file.http_server.cors);
    let with_sockets = socket_layer.layer(routes::router(state));
    let mut router = Router::new().fallback_service(with_sockets).layer(
        tower_http::trace::TraceLayer::new_for_http().make_span_with(
            |req: &axum::http::Request<_>| {
                // The path only: no query string, no headers (tokens never reach logs).
                tracing::debug_span!("http", method = %req.method(), path = %req.uri().path())
            },
        ),
    );
    if let Some(c) = cors {
        router = router.layer(c);
    }
    router
}

/// A server running in the background (see [`start`]).
pub struct Running {
    /// The bound address (the real port when `port` was 0).
    pub addr: SocketAddr,
    /// Shared state (store, socket.io handle, ...).
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Asks for a graceful shutdown and waits for it.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.map_err(std::io::Error::other)?
    }
}

/// Binds `config.host:config.port` and serves in a background task until [`Running::shutdown`].
pub async fn start(config: Config) -> Result<Running, StartError> {
    let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await?;
    let addr = listener.local_addr()?;
    let (state, layer) = build(config).await?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, state.clone(), layer, async move {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        state,
        shutdown: Some(tx),
        task,
    })
}

/// Serves until `shutdown` resolves, then closes every socket.io connection (clients get a server
/// disconnect) and lets in-flight requests and bot turns finish, for at most [`DRAIN_TIMEOUT`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    layer: SocketIoLayer,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let io = state.io.clone();
    let turns = state.clone();
    let router = app(state, layer);
    let signalled = Arc::new(tokio::sync::Notify::new());
    let notify = signalled.clone();
    let graceful = async move {
        shutdown.await;
        tracing::info!("shutdown requested: closing sockets and draining requests");
        notify.notify_one();
        io.close().await;
    };
    let server = axum::serve(listener, router).with_graceful_shutdown(graceful);
    let drained = async {
        let res = server.await;
        // Let bot turns already started store their replies.
        turns.turns_idle().await;
        res
    };
    tokio::select! {
        res = drained => res,
        _ = async { signalled.notified().await; tokio::time::sleep(DRAIN_TIMEOUT).await } => {
            tracing::warn!("drain timeout reached; exiting with requests still open");
            Ok(())
        }
    }
}

/// Runs the server for the binary: binds, prints the contract's startup line on stdout, serves until
/// SIGINT/SIGTERM, then shuts down gracefully.
pub async fn run(config: Config) -> Result<(), StartError> {
    let host = config.host.clone();
    let listener = tokio::net::TcpListener::bind((host.as_str(), config.port)).await?;
    let addr = listener.local_addr()?;
    let static_dir = config.static_dir.clone();
    let (state, layer) = build(config).await?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "webchat-server listening on http://{}:{}",
            host,
            addr.port()
        )?;
        out.flush()?;
    }
    tracing::info!(%addr, "listening");
    if !static_dir.join("index.html").is_file() {
        tracing::warn!(dir = %static_dir.display(), "static dir has no index.html (build the widget with trunk)");
    }
    serve(listener, state, layer, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests {
    //! In-process checks of the assembled server (the black-box suite lives in `server/tests/`).
    use super::*;
    use serde_json::{json, Value};

    const SECRET: &str = "in-process-test-secret-that-is-long-enough-for-hs256-0123456789abcdef";

    fn config(dir: &std::path::Path) -> Config {
        let mut c = Config::for_dirs(dir.join("data"), dir.join("dist"));
        c.file.admin.email = Some("admin@example.com".into());
        c.file.admin.password = Some("pw".into());
        c.file.pro.external_auth.enabled = true;
        c.file.pro.external_auth.public_key = Some(SECRET.into());
        c
    }

    async fn post(url: String, body: Value, headers: &[(&str, String)]) -> (u16, Value) {
        let mut req = reqwest::Client::new().post(url).json(&body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let r = req.send().await.unwrap();
        let st = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            st,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    #[tokio::test]
    async fn converse_login_update_profile_and_greeting_by_name() {
        let dir = std::env::temp_dir().join(format!("wcs-lib-{}", uuid::Uuid::new_v4()));
        let server = start(config(&dir)).await.unwrap();
        let base = format!("http://{}", server.addr);
        let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
        assert_eq!(health.status().as_u16(), 200);

        let converse = format!("{base}/api/v1/bots/welcome-bot/converse/user-1");
        let (st, body) = post(
            converse.clone(),
            json!({"type": "text", "text": "hello bot"}),
            &[],
        )
        .await;
        assert_eq!(st, 200, "{body}");
        assert!(
            body["responses"][0]["text"]
                .as_str()
                .unwrap()
                .contains("You said: hello bot"),
            "{body}"
        );
        let (st, _) = post(
            format!("{converse}?include=state"),
            json!({"type": "text", "text": "x"}),
            &[],
        )
        .await;
        assert_eq!(st, 403);
        let (st, body) = post(converse.clone(), json!({"type": "image", "text": "x"}), &[]).await;
        assert_eq!(st, 400);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid payload"),
            "{body}"
        );

        let login = format!("{base}/api/v1/auth/login/basic/default");
        let (st, _) = post(
            login.clone(),
            json!({"email": "admin@example.com", "password": "no"}),
            &[],
        )
        .await;
        assert_eq!(st, 401);
        let (st, body) = post(
            login,
            json!({"email": "admin@example.com", "password": "pw"}),
            &[],
        )
        .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["status"], "success");
        let jwt = body["payload"]["jwt"].as_str().unwrap().to_string();
        let auth = ("authorization", format!("Bearer {jwt}"));

        let claims = json!({"firstname": "Ada", "lastname": "Lovelace", "exp": chrono::Utc::now().timestamp() + 60});
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .unwrap();
        let ext = ("x-bp-externalauth", format!("Bearer {token}"));
        let secured = format!("{converse}/secured?include=state,credentials,decision");
        let (st, body) = post(
            secured.clone(),
            json!({"type": "update_profile"}),
            &[auth.clone(), ext.clone()],
        )
        .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(
            body["responses"],
            json!([]),
            "update_profile skips the dialog engine"
        );
        assert_eq!(body["state"]["user"]["firstname"], "Ada");
        assert_eq!(body["credentials"]["lastname"], "Lovelace");

        let (st, body) = post(
            secured.clone(),
            json!({"type": "visit"}),
            std::slice::from_ref(&auth),
        )
        .await;
        assert_eq!(st, 200, "{body}");
        assert!(
            body["responses"][0]["text"]
                .as_str()
                .unwrap()
                .contains("Hi Ada"),
            "{body}"
        );

        let bad = ("x-bp-externalauth", "Bearer not.a.jwt".to_string());
        let (st, body) = post(
            secured.clone(),
            json!({"type": "text", "text": "hi"}),
            &[auth.clone(), bad],
        )
        .await;
        assert_eq!((st, body["errorCode"].as_str()), (401, Some("BP_0401")));
        let (st, _) = post(secured, json!({"type": "text", "text": "hi"}), &[]).await;
        assert_eq!(st, 401, "secured needs a collaborator token");

        server.shutdown().await.unwrap();
        // State survives a restart.
        let server = start(config(&dir)).await.unwrap();
        let converse = format!(
            "http://{}/api/v1/bots/welcome-bot/converse/user-1",
            server.addr
        );
        // The collaborator signing secret is persisted, so the token still works after a restart.
        let (_, body) = post(
            format!("{converse}/secured"),
            json!({"type": "visit"}),
            std::slice::from_ref(&auth),
        )
        .await;
        assert!(
            body["responses"][0]["text"]
                .as_str()
                .unwrap()
                .contains("Hi Ada"),
            "{body}"
        );
        server.shutdown().await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn converse_waits_for_a_webhook_bot_reply() {
        let dir = std::env::temp_dir().join(format!("wcs-hook-{}", uuid::Uuid::new_v4()));
        // A fake bot: answers every message.new through /api/v1/messages.
        let target = std::sync::Arc::new(tokio::sync::OnceCell::<String>::new());
        let t2 = target.clone();
        let bot = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, axum::Json(b): axum::Json<Value>| {
                let t2 = t2.clone();
                async move {
                    assert!(headers.contains_key("x-bp-messaging-webhook-token"));
                    if b["type"] == "message.new" {
                        let text = b["data"]["message"]["payload"]["text"].as_str().unwrap_or("").to_string();
                        let conv = b["data"]["conversationId"].clone();
                        let base = t2.get().unwrap().clone();
                        tokio::spawn(async move {
                            post(
                                format!("{base}/api/v1/messages"),
                                json!({"conversationId": conv, "payload": {"type": "text", "text": format!("bot heard: {text}")}}),
                                &[("x-bp-messaging-client-id", "client-1".into()), ("x-bp-messaging-client-token", "tok-1".into())],
                            )
                            .await;
                        });
                    }
                    "ok"
                }
            }),
        );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hook_url = format!("http://{}/hook", l.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(l, bot).await.unwrap() });

        let mut c = config(&dir);
        c.file.messaging.client_id = Some("client-1".into());
        c.file.messaging.client_token = Some("tok-1".into());
        c.file.messaging.webhooks = vec![hook_url];
        let server = start(c).await.unwrap();
        let base = format!("http://{}", server.addr);
        target.set(base.clone()).unwrap();
        let (st, body) = post(
            format!("{base}/api/v1/bots/welcome-bot/converse/hook-user"),
            json!({"type": "text", "text": "ping"}),
            &[],
        )
        .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(
            body["responses"],
            json!([{"type": "text", "text": "bot heard: ping"}])
        );
        let (st, _) = post(
            format!("{base}/api/v1/messages"),
            json!({"conversationId": "nope", "payload": {"type": "text", "text": "x"}}),
            &[
                ("x-bp-messaging-client-id", "client-1".into()),
                ("x-bp-messaging-client-token", "wrong".into()),
            ],
        )
        .await;
        assert_eq!(st, 401);
        server.shutdown().await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shutdown_waits_for_a_running_bot_turn() {
        let dir = std::env::temp_dir().join(format!("wcs-drain-{}", uuid::Uuid::new_v4()));
        let server = start(config(&dir)).await.unwrap();
        let st = server.state.clone();
        let (user, _) = st
            .store
            .get_or_create_user("welcome-bot", "web", &"W".repeat(24))
            .unwrap();
        let conv = st
            .store
            .create_conversation("welcome-bot", &user.id)
            .unwrap();
        // `typing` makes the turn wait before its last message.
        st.spawn_turn(engine::Incoming {
            bot_id: "welcome-bot".into(),
            channel: "web".into(),
            user,
            conversation: conv.clone(),
            payload: json!({"type": "text", "text": "typing"}),
            credentials: None,
            message: None,
        });
        server.shutdown().await.unwrap();
        let texts: Vec<Value> = st
            .store
            .list_messages(&conv.id, 10)
            .unwrap()
            .into_iter()
            .map(|m| m.payload["text"].clone())
            .collect();
        assert_eq!(texts, vec![json!("…done typing.")]);
        let _ = std::fs::remove_dir_all(dir);
    }
}

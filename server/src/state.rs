//! Shared application state handed to every route.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, Weak};

use serde_json::Value;
use socketioxide::SocketIo;
use tokio::sync::broadcast;

use crate::auth::collaborator::CollaboratorTokens;
use crate::auth::external::ExternalAuth;
use crate::config::Config;
use crate::hooks::Pipeline;
use crate::ratelimit::RateLimiter;
use crate::store::Store;
use crate::webhooks::Dispatcher;

/// A bot message that was just sent, published for listeners such as the Converse API.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Conversation it went to.
    pub conversation_id: String,
    /// The payload (typing included).
    pub payload: Value,
}

/// Everything routes need. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The fields of [`AppState`].
pub struct Inner {
    /// Resolved configuration.
    pub config: Config,
    /// Persistence.
    pub store: Arc<dyn Store>,
    /// socket.io handle.
    pub io: SocketIo,
    /// External token verifier, when `pro.externalAuth.enabled`.
    pub external_auth: Option<ExternalAuth>,
    /// Collaborator token signer.
    pub tokens: CollaboratorTokens,
    /// Per-visitor limiter for channel-web writes.
    pub limiter: RateLimiter,
    /// Hook pipeline.
    pub hooks: Pipeline,
    /// Webhook delivery.
    pub webhooks: Dispatcher,
    /// Bot messages as they are sent.
    pub outgoing: broadcast::Sender<Outgoing>,
    conv_locks: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
    turns: tokio::sync::watch::Sender<usize>,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Assembles the state.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        io: SocketIo,
        external_auth: Option<ExternalAuth>,
        tokens: CollaboratorTokens,
        hooks: Pipeline,
    ) -> Self {
        let rl = &config.file.channel_web.rate_limit;
        let limiter = RateLimiter::new(rl.enabled, rl.max_requests, rl.window.0);
        let m = &config.file.messaging;
        let webhooks = Dispatcher::new(
            m.webhook_max_attempts,
            std::time::Duration::from_millis(m.webhook_initial_backoff_ms),
            m.webhook_timeout.0,
        );
        let (outgoing, _) = broadcast::channel(1024);
        AppState(Arc::new(Inner {
            config,
            store,
            io,
            external_auth,
            tokens,
            limiter,
            hooks,
            webhooks,
            outgoing,
            conv_locks: Mutex::new(HashMap::new()),
            turns: tokio::sync::watch::channel(0).0,
        }))
    }

    /// Whether `bot_id` is served: configured bots and bots driven by a messaging client.
    pub fn known_bot(&self, bot_id: &str) -> bool {
        self.config.bot(bot_id).is_some()
            || self
                .store
                .client_bot_ids()
                .map(|ids| ids.iter().any(|b| b == bot_id))
                .unwrap_or(false)
    }

    /// Runs a bot turn in the background, counted so shutdown can wait for it.
    pub fn spawn_turn(&self, ev: crate::engine::Incoming) {
        /// Decrements the running-turn count even if the turn panics.
        struct Counted(AppState);
        impl Drop for Counted {
            fn drop(&mut self) {
                self.0.turns.send_modify(|n| *n -= 1);
            }
        }
        self.turns.send_modify(|n| *n += 1);
        let counted = Counted(self.clone());
        tokio::spawn(async move {
            if let Err(e) = crate::engine::process(&counted.0, ev).await {
                tracing::error!(error = %e, "bot turn failed");
            }
        });
    }

    /// Resolves once no background bot turn is running.
    pub async fn turns_idle(&self) {
        let mut rx = self.turns.subscribe();
        let _ = rx.wait_for(|n| *n == 0).await;
    }

    /// The lock that serialises bot turns of one conversation (replies stay in order).
    pub fn conversation_lock(&self, conversation_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.conv_locks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(l) = map.get(conversation_id).and_then(Weak::upgrade) {
            return l;
        }
        if map.len() > 1024 {
            map.retain(|_, w| w.strong_count() > 0);
        }
        let l = Arc::new(tokio::sync::Mutex::new(()));
        map.insert(conversation_id.to_string(), Arc::downgrade(&l));
        l
    }
}

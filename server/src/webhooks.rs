//! Webhook delivery to bring-your-own-bot backends (§3.3): `POST {url}` with
//! `x-bp-messaging-client-id` and `x-bp-messaging-webhook-token`, retried with exponential backoff in
//! the background so the user's request never waits for the bot. Each webhook has its own queue and
//! worker, so a bot receives events in the order they happened, even across retries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use serde_json::Value;

use crate::store::Webhook;

/// Delivery settings.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    http: reqwest::Client,
    max_attempts: u32,
    initial_backoff: Duration,
    queues: Arc<Mutex<Queues>>,
}

/// Per `(client id, url)` delivery queue.
type Queues = HashMap<(String, String), mpsc::UnboundedSender<Value>>;

impl Dispatcher {
    /// A dispatcher; `timeout` bounds each attempt.
    pub fn new(max_attempts: u32, initial_backoff: Duration, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("webchat-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Dispatcher {
            http,
            max_attempts: max_attempts.max(1),
            initial_backoff,
            queues: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Queues `body` for every webhook; returns immediately.
    pub fn deliver(&self, hooks: Vec<Webhook>, body: Value) {
        let mut queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        for hook in hooks {
            let key = (hook.client_id.clone(), hook.url.clone());
            let pending = match queues.get(&key) {
                Some(tx) => tx.send(body.clone()).err().map(|e| e.0),
                None => Some(body.clone()),
            };
            // No worker yet, or its worker ended (webhook token changed): start one.
            if let Some(first) = pending {
                let (tx, rx) = mpsc::unbounded_channel();
                let _ = tx.send(first);
                queues.insert(key, tx);
                tokio::spawn(self.clone().worker(hook, rx));
            }
        }
    }

    async fn worker(self, hook: Webhook, mut rx: mpsc::UnboundedReceiver<Value>) {
        while let Some(body) = rx.recv().await {
            self.deliver_one(&hook, &body).await;
        }
    }

    /// Forgets the queue of a webhook whose registration changed (its worker stops once drained).
    pub fn forget(&self, client_id: &str) {
        let mut queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        queues.retain(|(c, _), _| c != client_id);
    }

    /// Delivers to one webhook with retries; true when a 2xx was received.
    pub async fn deliver_one(&self, hook: &Webhook, body: &Value) -> bool {
        let kind = body
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let mut delay = self.initial_backoff;
        for attempt in 1..=self.max_attempts {
            let res = self
                .http
                .post(&hook.url)
                .header("x-bp-messaging-client-id", &hook.client_id)
                .header("x-bp-messaging-webhook-token", &hook.token)
                .json(body)
                .send()
                .await;
            match res {
                Ok(r) if r.status().is_success() => {
                    tracing::debug!(url = %hook.url, kind, attempt, "webhook delivered");
                    return true;
                }
                Ok(r) => {
                    tracing::warn!(url = %hook.url, kind, attempt, status = r.status().as_u16(), "webhook refused")
                }
                Err(e) => {
                    tracing::warn!(url = %hook.url, kind, attempt, error = %e.without_url(), "webhook failed")
                }
            }
            if attempt < self.max_attempts {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        }
        tracing::error!(url = %hook.url, kind, "webhook delivery abandoned");
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn retries_until_success() {
        let hits = Arc::new(AtomicU32::new(0));
        let h2 = hits.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap| {
                let h2 = h2.clone();
                async move {
                    assert_eq!(headers["x-bp-messaging-webhook-token"], "tok");
                    if h2.fetch_add(1, Ordering::SeqCst) < 2 {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        axum::http::StatusCode::OK
                    }
                }
            }),
        );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
        let d = Dispatcher::new(5, Duration::from_millis(1), Duration::from_secs(5));
        let hook = Webhook {
            client_id: "c".into(),
            url: format!("http://{addr}/hook"),
            token: "tok".into(),
        };
        assert!(
            d.deliver_one(&hook, &serde_json::json!({"type": "message.new"}))
                .await
        );
        assert_eq!(hits.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn deliveries_to_one_webhook_keep_their_order() {
        let seen = Arc::new(Mutex::new(Vec::<u64>::new()));
        let s2 = seen.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |axum::Json(b): axum::Json<Value>| {
                let s2 = s2.clone();
                async move {
                    let n = b["n"].as_u64().unwrap();
                    // Make early events slow so a racing delivery would overtake them.
                    tokio::time::sleep(Duration::from_millis(if n < 3 { 30 } else { 0 })).await;
                    s2.lock().unwrap().push(n);
                    "ok"
                }
            }),
        );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
        let d = Dispatcher::new(3, Duration::from_millis(1), Duration::from_secs(5));
        let hook = Webhook {
            client_id: "c".into(),
            url: format!("http://{addr}/hook"),
            token: "t".into(),
        };
        for n in 0..6u64 {
            d.deliver(vec![hook.clone()], serde_json::json!({ "n": n }));
        }
        for _ in 0..200 {
            if seen.lock().unwrap().len() == 6 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(*seen.lock().unwrap(), vec![0, 1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn gives_up_after_max_attempts() {
        let d = Dispatcher::new(2, Duration::from_millis(1), Duration::from_millis(200));
        let hook = Webhook {
            client_id: "c".into(),
            url: "http://127.0.0.1:9/unreachable".into(),
            token: "t".into(),
        };
        assert!(!d.deliver_one(&hook, &serde_json::json!({})).await);
    }
}

//! Messaging-style bot bridge (§3.3): a webhook receiver in the test plays the bot. Visitor messages
//! reach it as `{type:'message.new', data:{userId, conversationId, channel, message}}` with
//! `x-bp-messaging-webhook-token`; it answers with `POST /api/v1/messages` and the visitor's socket
//! gets the answer. Also: proactive messages, `POST /api/v1/admin/clients`, `POST /api/v1/sync`.

mod common;

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use common::*;
use serde_json::{json, Value};

const CLIENT_ID: &str = "3f2b8c1e-6a4d-4e0b-9c7a-1d2e3f4a5b6c";
const CLIENT_TOKEN: &str = "test-client-token-0123456789abcdef";
const ADMIN_KEY: &str = "test-admin-key-fedcba9876543210";

/// The fake bot: records every webhook call and answers text messages through the HTTP API.
#[derive(Default)]
struct FakeBot {
    /// Answer this many first calls with HTTP 500 (to exercise delivery retries).
    fail_first: std::sync::atomic::AtomicUsize,
    calls: EventLog,
    /// `(server base, client id, client token)` once known.
    api: Mutex<Option<(String, String, String)>>,
    http: reqwest::Client,
    replies: EventLog,
}

async fn hook(
    State(bot): State<Arc<FakeBot>>,
    headers: HeaderMap,
    body: String,
) -> (axum::http::StatusCode, &'static str) {
    use std::sync::atomic::Ordering;
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    let fail = bot
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let header = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map_or(Value::Null, |s| Value::String(s.to_string()))
    };
    let record = json!({
        "name": body["type"],
        "data": body["data"],
        "webhookToken": header("x-bp-messaging-webhook-token"),
        "clientId": header("x-bp-messaging-client-id"),
        "failed": fail,
    });
    bot.calls.push_value(record);
    if fail {
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "try again");
    }
    let message = &body["data"]["message"];
    let is_user_text =
        body["type"] == "message.new" && message["payload"]["type"] == "text" && !is_bot(message);
    let api = bot.api.lock().unwrap().clone();
    if let (true, Some((base, id, token))) = (is_user_text, api) {
        let req = bot
            .http
            .post(format!("{base}/api/v1/messages"))
            .header("x-bp-messaging-client-id", id)
            .header("x-bp-messaging-client-token", token)
            .json(&json!({
                "conversationId": body["data"]["conversationId"],
                "payload": {"type": "text", "text": format!("bot heard: {}", message["payload"]["text"].as_str().unwrap_or(""))}
            }));
        let bot = bot.clone();
        tokio::spawn(async move {
            let (st, resp) = read(req.send().await.expect("fake bot reply")).await;
            bot.replies.push_value(json!({"status": st, "body": resp}));
        });
    }
    (axum::http::StatusCode::OK, "ok")
}

/// Starts the receiver on 127.0.0.1; returns the bot and the webhook URL.
async fn start_fake_bot() -> (Arc<FakeBot>, String) {
    let bot = Arc::new(FakeBot::default());
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(bot.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (bot, format!("http://{addr}/hook"))
}

fn client_headers<'a>(id: &'a str, token: &'a str) -> [(&'static str, &'a str); 2] {
    [
        ("x-bp-messaging-client-id", id),
        ("x-bp-messaging-client-token", token),
    ]
}

/// Visitor message -> webhook -> bot reply -> visitor socket; then a proactive message.
async fn round_trip(
    server: &Server,
    bot: &FakeBot,
    client_id: &str,
    token: &str,
    hook_token: Option<&str>,
) {
    let v = server.visitor().await;
    let convo = v.new_conversation(server).await;
    let (st, body) = v.say(server, &convo, "ping the bot").await;
    assert_eq!(st, 200, "{body}");

    let call = bot
        .calls
        .wait_for("message.new webhook", |c| {
            c["name"] == "message.new" && c["data"]["message"]["payload"]["text"] == "ping the bot"
        })
        .await;
    let data = &call["data"];
    assert_eq!(id_string(&data["conversationId"]), convo, "{call}");
    assert!(
        data["userId"].as_str().is_some_and(|u| !u.is_empty()),
        "{call}"
    );
    assert!(
        data["channel"].as_str().is_some_and(|c| !c.is_empty()),
        "{call}"
    );
    assert_eq!(
        id_string(&data["message"]["conversationId"]),
        convo,
        "{call}"
    );
    assert!(data["message"]["id"].is_string(), "{call}");
    assert_eq!(data["message"]["authorId"], data["userId"], "{call}");
    let got_token = call["webhookToken"]
        .as_str()
        .unwrap_or_else(|| panic!("x-bp-messaging-webhook-token missing: {call}"));
    assert!(!got_token.is_empty());
    if let Some(expected) = hook_token {
        assert_eq!(got_token, expected, "webhook token from /sync");
    }
    assert_eq!(call["clientId"], client_id, "{call}");

    let reply = v.events.bot_text("bot heard: ping the bot").await;
    assert_eq!(id_string(&reply["conversationId"]), convo);
    let r = bot.replies.wait_for("reply status", |_| true).await;
    assert!(
        r["status"] == 200 || r["status"] == 201,
        "POST /api/v1/messages: {r}"
    );
    // The webhook bot replaces the demo dialog: the user's text was not echoed by the demo bot.
    let (_, c) = server
        .post_cw(
            "/conversations/get",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    assert!(
        !c.to_string().contains("You said: ping the bot"),
        "demo bot must stay quiet when a webhook bot is registered: {c}"
    );

    // Proactive: the bot speaks first in a fresh conversation.
    let fresh = v.new_conversation(server).await;
    let (st, body) = server
        .post(
            &server.url("/api/v1/messages"),
            &json!({ "conversationId": fresh, "payload": {"type": "text", "text": "proactive hello"} }),
            &client_headers(client_id, token),
        )
        .await;
    assert!(st == 200 || st == 201, "{st} {body}");
    let msg = v.events.bot_text("proactive hello").await;
    assert_eq!(id_string(&msg["conversationId"]), fresh);
    // Bot messages sent through the API are stored as bot messages (no authorId).
    let (st, c) = server
        .post_cw(
            "/conversations/get",
            &v.body(json!({ "conversationId": fresh })),
        )
        .await;
    assert_eq!(st, 200, "{c}");
    let stored: Vec<&Value> = c["messages"].as_array().unwrap().iter().collect();
    assert_eq!(stored.len(), 1, "{c}");
    assert_eq!(stored[0]["payload"]["text"], "proactive hello");
    assert!(is_bot(stored[0]), "{c}");

    // Wrong client token / unknown conversation.
    let (st, body) = server
        .post(
            &server.url("/api/v1/messages"),
            &json!({ "conversationId": fresh, "payload": {"type": "text", "text": "forged"} }),
            &client_headers(client_id, "wrong-token"),
        )
        .await;
    assert_v12_error(st, &body, 401);
    let (st, _) = server
        .post(
            &server.url("/api/v1/messages"),
            &json!({ "conversationId": "00000000-0000-0000-0000-000000000000", "payload": {"type": "text", "text": "lost"} }),
            &client_headers(client_id, token),
        )
        .await;
    assert!(st == 400 || st == 404, "unknown conversation: {st}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_from_config_round_trip_and_proactive() {
    let (bot, url) = start_fake_bot().await;
    let cfg = config_with(json!({
        "messaging": { "clientId": CLIENT_ID, "clientToken": CLIENT_TOKEN, "webhooks": [url] }
    }));
    let (_fx, server) = Server::start(&cfg).await;
    *bot.api.lock().unwrap() = Some((server.base.clone(), CLIENT_ID.into(), CLIENT_TOKEN.into()));
    round_trip(&server, &bot, CLIENT_ID, CLIENT_TOKEN, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_client_then_sync_webhook_round_trip() {
    let (bot, url) = start_fake_bot().await;
    let cfg = config_with(json!({ "messaging": { "adminKey": ADMIN_KEY } }));
    let (_fx, server) = Server::start(&cfg).await;
    let admin = server.url("/api/v1/admin/clients");

    let (st, body) = server.post(&admin, &json!({}), &[]).await;
    assert!(st == 401 || st == 403, "no admin key: {st} {body}");
    let (st, body) = server
        .post(&admin, &json!({}), &[("x-bp-messaging-admin-key", "nope")])
        .await;
    assert!(st == 401 || st == 403, "wrong admin key: {st} {body}");
    let (st, client) = server
        .post(
            &admin,
            &json!({}),
            &[("x-bp-messaging-admin-key", ADMIN_KEY)],
        )
        .await;
    assert!(st == 200 || st == 201, "{st} {client}");
    let id = client["id"].as_str().expect("client id").to_string();
    let token = client["token"].as_str().expect("client token").to_string();

    let sync = server.url("/api/v1/sync");
    let (st, body) = server
        .post(
            &sync,
            &json!({ "webhooks": [{ "url": url }] }),
            &client_headers(&id, "bad"),
        )
        .await;
    assert_v12_error(st, &body, 401);
    let (st, synced) = server
        .post(
            &sync,
            &json!({ "webhooks": [{ "url": url }] }),
            &client_headers(&id, &token),
        )
        .await;
    assert_eq!(st, 200, "{synced}");
    let hook_token = synced["webhooks"][0]["token"].as_str().map(str::to_string);

    *bot.api.lock().unwrap() = Some((server.base.clone(), id.clone(), token.clone()));
    round_trip(&server, &bot, &id, &token, hook_token.as_deref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_webhook_delivery_is_retried() {
    let (bot, url) = start_fake_bot().await;
    bot.fail_first.store(2, std::sync::atomic::Ordering::SeqCst);
    let cfg = config_with(json!({
        "messaging": {
            "clientId": CLIENT_ID, "clientToken": CLIENT_TOKEN, "webhooks": [url],
            "webhookMaxAttempts": 5, "webhookInitialBackoffMs": 20
        }
    }));
    let (_fx, server) = Server::start(&cfg).await;
    *bot.api.lock().unwrap() = Some((server.base.clone(), CLIENT_ID.into(), CLIENT_TOKEN.into()));
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    v.say(&server, &convo, "retry delivery").await;
    // Two 500s, then the third attempt is answered and the reply reaches the visitor.
    v.events.bot_text("bot heard: retry delivery").await;
    let deliveries: Vec<Value> = bot
        .calls
        .all()
        .into_iter()
        .filter(|c| c["data"]["message"]["payload"]["text"] == "retry delivery")
        .collect();
    assert_eq!(deliveries.len(), 3, "{deliveries:#?}");
    let ids: Vec<&Value> = deliveries
        .iter()
        .map(|d| &d["data"]["message"]["id"])
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "same message each time: {ids:?}"
    );
}

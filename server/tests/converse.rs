//! Converse API (§2, seed 002): `responses[]`, payload validation, `include` rules, and the
//! `/secured` route behind a collaborator JWT from `POST /api/v1/auth/login/basic/default`.

mod common;

use common::*;
use serde_json::{json, Value};

fn converse_url(server: &Server, user: &str, suffix: &str) -> String {
    server.url(&format!("/api/v1/bots/{BOT}/converse/{user}{suffix}"))
}

fn response_texts(body: &Value) -> Vec<String> {
    body["responses"]
        .as_array()
        .unwrap_or_else(|| panic!("responses[] in {body}"))
        .iter()
        .filter_map(|r| r["text"].as_str().map(str::to_string))
        .collect()
}

async fn login(server: &Server, password: &str) -> (u16, Value) {
    server
        .post(
            &server.url("/api/v1/auth/login/basic/default"),
            &json!({ "email": ADMIN_EMAIL, "password": password }),
            &[],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converse_happy_path_returns_responses() {
    let (_fx, server) = Server::start_default().await;
    let (st, body) = server
        .post(
            &converse_url(&server, "api-user-1", ""),
            &json!({ "type": "text", "text": "hello converse", "metadata": {"source": "test"} }),
            &[],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert!(
        response_texts(&body)
            .iter()
            .any(|t| t == "You said: hello converse"),
        "{body}"
    );
    // Only `responses` without include.
    assert!(
        body.get("state").is_none() && body.get("nlu").is_none(),
        "{body}"
    );

    // Unknown bot.
    let (st, body) = server
        .post(
            &server.url("/api/v1/bots/nobody/converse/u1"),
            &json!({ "type": "text", "text": "x" }),
            &[],
        )
        .await;
    assert_v12_error(st, &body, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converse_rejects_invalid_payloads() {
    let (_fx, server) = Server::start_default().await;
    let url = converse_url(&server, "api-user-2", "");
    for bad in [
        json!({ "type": "image", "text": "x" }),
        json!({ "type": "text" }),
        json!({ "type": "text", "text": 42 }),
        json!({ "text": "no type" }),
        json!({ "type": "text", "text": "x", "includedContexts": "global" }),
        json!({ "type": "text", "text": "a".repeat(361) }),
    ] {
        let (st, body) = server.post(&url, &bad, &[]).await;
        assert_v12_error(st, &body, 400);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("Invalid payload")
                || bad["text"].as_str().is_some_and(|t| t.len() > 360),
            "{bad} -> {body}"
        );
    }
    // Not JSON at all.
    let resp = server
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (st, body) = read(resp).await;
    assert_v12_error(st, &body, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converse_include_needs_auth() {
    let (_fx, server) = Server::start_default().await;
    let (st, body) = server
        .post(
            &converse_url(&server, "api-user-3", "?include=state"),
            &json!({ "type": "text", "text": "x" }),
            &[],
        )
        .await;
    assert_v12_error(st, &body, 403);
    // include=responses is allowed.
    let (st, body) = server
        .post(
            &converse_url(&server, "api-user-3", "?include=responses"),
            &json!({ "type": "text", "text": "y" }),
            &[],
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secured_converse_with_collaborator_jwt() {
    let (_fx, server) = Server::start_default().await;
    let (st, body) = login(&server, ADMIN_PASSWORD).await;
    assert_eq!(st, 200, "{body}");
    let jwt = body["payload"]["jwt"]
        .as_str()
        .expect("payload.jwt")
        .to_string();
    assert!(body["payload"]["exp"].is_number(), "{body}");
    let auth = format!("Bearer {jwt}");

    let url = converse_url(
        &server,
        "api-user-4",
        "/secured?include=nlu,state,suggestions,decision",
    );
    let (st, body) = server
        .post(
            &url,
            &json!({ "type": "text", "text": "secure hello" }),
            &[("Authorization", &auth)],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert!(
        response_texts(&body)
            .iter()
            .any(|t| t == "You said: secure hello"),
        "{body}"
    );
    assert!(body["state"].is_object(), "state: {body}");
    assert!(body["nlu"].is_object(), "nlu: {body}");
    assert!(body["suggestions"].is_array(), "suggestions: {body}");
    assert!(body["decision"].is_object(), "decision: {body}");

    // The secured route needs the token...
    let (st, body) = server
        .post(&url, &json!({ "type": "text", "text": "x" }), &[])
        .await;
    assert_v12_error(st, &body, 401);
    // ...a real one.
    let (st, body) = server
        .post(
            &url,
            &json!({ "type": "text", "text": "x" }),
            &[(
                "Authorization",
                "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
            )],
        )
        .await;
    assert_v12_error(st, &body, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_wrong_password_is_rejected() {
    let (_fx, server) = Server::start_default().await;
    let (st, body) = login(&server, "wrong password").await;
    assert!(st == 400 || st == 401, "status {st}: {body}");
    assert_v12_error(st, &body, st);
    assert!(body.get("payload").is_none(), "no token on failure: {body}");
    let (st, body) = server
        .post(
            &server.url("/api/v1/auth/login/basic/default"),
            &json!({ "email": "nobody@example.test", "password": ADMIN_PASSWORD }),
            &[],
        )
        .await;
    assert!(st == 400 || st == 401, "status {st}: {body}");
    assert!(body.get("payload").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsecured_endpoint_can_be_disabled() {
    let cfg = config_with(json!({ "converse": { "enableUnsecuredEndpoint": false } }));
    let (_fx, server) = Server::start(&cfg).await;
    let (st, body) = server
        .post(
            &converse_url(&server, "api-user-5", ""),
            &json!({ "type": "text", "text": "x" }),
            &[],
        )
        .await;
    assert_eq!(st, 403, "{body}");
    // The secured route still works.
    let (_, login_body) = login(&server, ADMIN_PASSWORD).await;
    let auth = format!("Bearer {}", login_body["payload"]["jwt"].as_str().unwrap());
    let (st, body) = server
        .post(
            &converse_url(&server, "api-user-5", "/secured"),
            &json!({ "type": "text", "text": "x" }),
            &[("Authorization", &auth)],
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converse_responses_keep_typing_items_in_order() {
    // §2: responses[] holds the outgoing payloads in order, `typing` items included.
    let (_fx, server) = Server::start_default().await;
    let (st, body) = server
        .post(
            &converse_url(&server, "api-user-6", ""),
            &json!({ "type": "text", "text": "typing" }),
            &[],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let responses = body["responses"].as_array().expect("responses[]");
    let typing = responses
        .iter()
        .position(|r| r["type"] == "typing")
        .unwrap_or_else(|| panic!("typing item in {body}"));
    let text = responses
        .iter()
        .position(|r| {
            r["text"]
                .as_str()
                .is_some_and(|t| t.contains("done typing"))
        })
        .unwrap_or_else(|| panic!("text item in {body}"));
    assert!(typing < text, "{body}");
}

//! Abuse limits: the per-visitor rate limit answers 429 and the JSON body-size limit answers 413,
//! both with the v12 error body, and neither leaks to other visitors or stores anything.

mod common;

use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_is_429_per_visitor() {
    let cfg = config_with(json!({
        "channelWeb": { "rateLimit": { "enabled": true, "maxRequests": 5, "window": "10m" } }
    }));
    let (_fx, server) = Server::start(&cfg).await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;

    let mut limited = None;
    for i in 0..20 {
        let (st, body) = v.say(&server, &convo, &format!("burst {i}")).await;
        if st == 429 {
            limited = Some((i, body));
            break;
        }
        assert_eq!(st, 200, "request {i}: {body}");
    }
    let (i, body) = limited.expect("20 quick messages must hit a 5-per-window limit");
    assert!(
        i <= 6,
        "limit of 5 (plus the conversations/new call) hit late, at {i}"
    );
    assert_v12_error(429, &body, 429);

    // Another visitor is not affected.
    let w = server.visitor().await;
    let wc = w.new_conversation(&server).await;
    let (st, body) = w.say(&server, &wc, "still fine").await;
    assert_eq!(st, 200, "{body}");

    // The limited message was not stored.
    let (st, c) = server
        .post_cw(
            "/conversations/get",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    assert_eq!(st, 200, "reads are not writes: {c}");
    let last = format!("burst {i}");
    assert!(!c.to_string().contains(&format!("\"{last}\"")), "{c}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_json_body_is_413() {
    let cfg = config_with(json!({ "httpServer": { "bodyLimit": "8kb" } }));
    let (_fx, server) = Server::start(&cfg).await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let big = v.body(json!({
        "conversationId": convo,
        "payload": {"type": "text", "text": "hi", "padding": "x".repeat(64 * 1024)}
    }));
    let (st, body) = server.post_cw("/messages", &big).await;
    assert_v12_error(st, &body, 413);

    // Converse has the same limit.
    let (st, body) = server
        .post(
            &server.url(&format!("/api/v1/bots/{BOT}/converse/u-limit")),
            &json!({ "type": "text", "text": "hi", "metadata": {"pad": "y".repeat(64 * 1024)} }),
            &[],
        )
        .await;
    assert_v12_error(st, &body, 413);

    // A normal request on the same server still works.
    let (st, body) = v.say(&server, &convo, "small").await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_visitor_recovers_after_the_window() {
    let cfg = config_with(json!({
        "channelWeb": { "rateLimit": { "enabled": true, "maxRequests": 3, "window": "1s" } }
    }));
    let (_fx, server) = Server::start(&cfg).await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let mut hit = false;
    for i in 0..10 {
        let (st, _) = v.say(&server, &convo, &format!("fast {i}")).await;
        if st == 429 {
            hit = true;
            break;
        }
    }
    assert!(
        hit,
        "a 3-per-second limit must trip within 10 immediate requests"
    );
    // Retrying (even while still limited) must not extend the lockout past the window.
    eventually("the limit to lift", || {
        let (server, v, convo) = (&server, &v, &convo);
        async move { (v.say(server, convo, "later").await.0 == 200).then_some(()) }
    })
    .await;
}

//! Every channel-web route of §1.4 over real HTTP against the running server: happy paths and the
//! v12 error bodies `{statusCode, errorCode, type, message}`.

mod common;

use common::*;
use serde_json::{json, Value};

fn messages(conversation: &Value) -> Vec<Value> {
    conversation["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("messages[] in {conversation}"))
        .clone()
}

fn texts(conversation: &Value) -> Vec<String> {
    messages(conversation)
        .iter()
        .filter_map(|m| m["payload"]["text"].as_str().map(str::to_string))
        .collect()
}

async fn get_conversation(server: &Server, v: &Visitor, convo: &str) -> Value {
    let (st, body) = server
        .post_cw(
            "/conversations/get",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    assert_eq!(st, 200, "conversations/get: {body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_info_and_unknown_bot() {
    let (_fx, server) = Server::start_default().await;
    let (st, info) = server.get(&server.cw("/botInfo")).await;
    assert_eq!(st, 200, "{info}");
    assert!(
        info["name"].as_str().is_some_and(|n| !n.is_empty()),
        "{info}"
    );
    assert!(info["description"].is_string(), "{info}");
    assert!(info["details"].is_object(), "{info}");
    assert!(info["showBotInfoPage"].is_boolean(), "{info}");
    let langs = info["languages"].as_array().expect("languages[]");
    assert!(langs.contains(&json!("en")), "{info}");
    assert_eq!(info["maxMessageLength"], 360, "{info}");
    assert!(info["security"]["escapeHTML"].is_boolean(), "{info}");
    assert!(info["lazySocket"].is_boolean(), "{info}");
    assert!(info["disableNotificationSound"].is_boolean(), "{info}");
    assert!(info["extraStylesheet"].is_string(), "{info}");

    let (st, body) = server.get(&server.cw_bot("no-such-bot", "/botInfo")).await;
    assert_v12_error(st, &body, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz() {
    let (_fx, server) = Server::start_default().await;
    let resp = server
        .http
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_user_id() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let (st, body) = server
        .post_cw("/users/customId", &v.body(json!({ "customId": "crm-42" })))
        .await;
    assert_eq!(st, 200, "{body}");

    let (st, body) = server.post_cw("/users/customId", &v.body(json!({}))).await;
    assert_v12_error(st, &body, 400);

    let (st, body) = server
        .post_cw(
            "/users/customId",
            &json!({ "webSessionId": "not-a-socket", "customId": "x" }),
        )
        .await;
    assert_v12_error(st, &body, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_message_happy_path_is_stored_and_answered() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    // The lite client appends `?__ts=<ms>` to every URL but /botInfo (§1.4).
    let (st, body) = server
        .post(
            &format!("{}?__ts=1700000000000", server.cw("/messages")),
            &v.body(json!({
                "conversationId": convo,
                "payload": {"type": "text", "text": "first words"}
            })),
            &[],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    v.events.bot_text("You said: first words").await;

    let c = get_conversation(&server, &v, &convo).await;
    assert_eq!(id_string(&c["id"]), convo);
    assert!(c["createdOn"].is_string(), "{c}");
    let msgs = messages(&c);
    let user = msgs
        .iter()
        .find(|m| m["payload"]["text"] == "first words")
        .unwrap_or_else(|| panic!("user message stored: {c}"));
    assert!(!is_bot(user), "user message has authorId: {user}");
    let bot = msgs
        .iter()
        .find(|m| m["payload"]["text"] == "You said: first words")
        .unwrap_or_else(|| panic!("bot reply stored: {c}"));
    assert!(is_bot(bot), "bot message must have no authorId: {bot}");
    for m in &msgs {
        assert_eq!(id_string(&m["conversationId"]), convo, "{m}");
        assert!(m["sentOn"].is_string(), "{m}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_message_without_conversation_id_uses_or_creates_one() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let (st, body) = server
        .post_cw(
            "/messages",
            &v.body(json!({ "payload": {"type": "text", "text": "no convo given"} })),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let echo = v
        .events
        .message("echo", |d| d["payload"]["text"] == "no convo given")
        .await;
    let convo = id_string(&echo["conversationId"]);
    let (st, list) = server
        .post_cw("/conversations/list", &v.body(json!({})))
        .await;
    assert_eq!(st, 200, "{list}");
    let ids: Vec<String> = list["conversations"]
        .as_array()
        .expect("conversations[]")
        .iter()
        .map(|c| id_string(&c["id"]))
        .collect();
    assert_eq!(ids, vec![convo.clone()], "{list}");

    // A second message without conversationId goes to the most recent conversation.
    server
        .post_cw(
            "/messages",
            &v.body(json!({ "payload": {"type": "text", "text": "again"} })),
        )
        .await;
    let echo = v
        .events
        .message("echo 2", |d| d["payload"]["text"] == "again")
        .await;
    assert_eq!(id_string(&echo["conversationId"]), convo);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_message_errors() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let post = |body: Value| {
        let server = &server;
        async move { server.post_cw("/messages", &body).await }
    };

    // Unsupported payload type.
    let (st, body) = post(v.body(json!({
        "conversationId": convo, "payload": {"type": "carousel", "text": "x"}
    })))
    .await;
    assert_v12_error(st, &body, 400);
    assert!(body["message"].as_str().unwrap().contains("type"), "{body}");

    // Missing payload type.
    let (st, body) =
        post(v.body(json!({ "conversationId": convo, "payload": {"text": "x"} }))).await;
    assert_v12_error(st, &body, 400);

    // Text missing for a text payload.
    let (st, body) =
        post(v.body(json!({ "conversationId": convo, "payload": {"type": "text"} }))).await;
    assert_v12_error(st, &body, 400);

    // Exactly maxMessageLength (360) is fine, one more is rejected.
    let ok = "a".repeat(360);
    let (st, body) = v.say(&server, &convo, &ok).await;
    assert_eq!(st, 200, "360 chars must pass: {body}");
    let (st, body) = v.say(&server, &convo, &"b".repeat(361)).await;
    assert_v12_error(st, &body, 400);

    // Unknown / missing session.
    let (st, body) = post(json!({
        "webSessionId": "unknown-session", "conversationId": convo,
        "payload": {"type": "text", "text": "hi"}
    }))
    .await;
    assert_v12_error(st, &body, 400);
    assert!(
        body["message"].as_str().unwrap().contains("session"),
        "{body}"
    );
    let (st, body) = post(json!({ "payload": {"type": "text", "text": "hi"} })).await;
    assert_v12_error(st, &body, 400);

    // Malformed JSON answers with the v12 error body too.
    let resp = server
        .http
        .post(server.cw("/messages"))
        .header("content-type", "application/json")
        .body("{\"webSessionId\": ")
        .send()
        .await
        .unwrap();
    let (st, body) = read(resp).await;
    assert_v12_error(st, &body, 400);

    // Somebody else's conversation.
    let other = server.visitor().await;
    let (st, body) = other.say(&server, &convo, "not mine").await;
    assert_v12_error(st, &body, 400);

    // None of the rejected texts was stored.
    v.events.bot_text(&format!("You said: {ok}")).await;
    let c = get_conversation(&server, &v, &convo).await;
    let stored = texts(&c);
    assert!(
        !stored
            .iter()
            .any(|t| t.starts_with('b') || t == "not mine" || t == "hi"),
        "{c}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postback_and_quick_reply_are_accepted_without_length_rules_for_postback() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let (st, body) = server
        .post_cw(
            "/messages",
            &v.body(json!({ "conversationId": convo, "payload": {"type": "postback", "payload": "BUY"} })),
        )
        .await;
    assert_eq!(st, 200, "postback needs no text: {body}");
    let (st, body) = server
        .post_cw(
            "/messages",
            &v.body(json!({
                "conversationId": convo,
                "payload": {"type": "quick_reply", "text": "Yes", "payload": "YES"}
            })),
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_upload_and_size_limit() {
    let cfg = config_with(json!({ "channelWeb": { "fileUploadMaxSize": "4kb" } }));
    let (_fx, server) = Server::start(&cfg).await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;

    let upload = |bytes: Vec<u8>, convo: Option<&str>, session: &str| {
        let mut form = reqwest::multipart::Form::new()
            .text("webSessionId", session.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name("notes.txt")
                    .mime_str("text/plain")
                    .unwrap(),
            );
        if let Some(c) = convo {
            form = form.text("conversationId", c.to_string());
        }
        let req = server
            .http
            .post(server.cw("/messages/files"))
            .multipart(form);
        async move { read(req.send().await.unwrap()).await }
    };

    let (st, body) = upload(b"hello file".to_vec(), Some(&convo), &v.session_id).await;
    assert_eq!(st, 200, "{body}");
    let msg = v
        .events
        .message("file message", |d| d["payload"]["type"] == "file")
        .await;
    assert!(
        msg["payload"]["url"]
            .as_str()
            .is_some_and(|u| !u.is_empty()),
        "{msg}"
    );
    assert!(
        msg["payload"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("notes.txt")),
        "{msg}"
    );
    // The stored file is served back.
    let url = msg["payload"]["url"].as_str().unwrap();
    let url = if url.starts_with("http") {
        url.to_string()
    } else {
        server.url(url)
    };
    let resp = server.http.get(url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"hello file");

    // Exactly the limit passes, one byte more does not.
    let (st, body) = upload(vec![b'y'; 4 * 1024], Some(&convo), &v.session_id).await;
    assert_eq!(st, 200, "a file of exactly fileUploadMaxSize: {body}");
    let (st, body) = upload(vec![b'z'; 4 * 1024 + 1], Some(&convo), &v.session_id).await;
    assert_v12_error(st, &body, 413);
    // Too large.
    let (st, body) = upload(vec![b'x'; 8 * 1024], Some(&convo), &v.session_id).await;
    assert_v12_error(st, &body, 413);
    // conversationId is required.
    let (st, body) = upload(b"x".to_vec(), None, &v.session_id).await;
    assert_v12_error(st, &body, 400);
    // Unknown session.
    let (st, body) = upload(b"x".to_vec(), Some(&convo), "nope").await;
    assert_v12_error(st, &body, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_reach_the_bot_and_are_not_stored() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let (st, body) = server
        .post_cw(
            "/events",
            &v.body(json!({
                "conversationId": convo,
                "payload": {"type": "visit", "text": "User visit", "timezone": 0, "language": "en"}
            })),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let greeting = v
        .events
        .message("visit greeting", |d| {
            is_bot(d)
                && d["payload"]["text"]
                    .as_str()
                    .is_some_and(|t| t.to_lowercase().contains("welcome"))
        })
        .await;
    assert_eq!(id_string(&greeting["conversationId"]), convo);
    let c = get_conversation(&server, &v, &convo).await;
    assert!(
        messages(&c).iter().all(|m| m["payload"]["type"] != "visit"),
        "visit must not be stored/returned: {c}"
    );

    let (st, body) = server
        .post_cw(
            "/events",
            &json!({ "webSessionId": "ghost", "payload": {"type": "visit"} }),
        )
        .await;
    assert_v12_error(st, &body, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_list_get_new_and_ownership() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let (st, list) = server
        .post_cw("/conversations/list", &v.body(json!({})))
        .await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["conversations"], json!([]), "{list}");
    assert!(list["startNewConvoOnTimeout"].is_boolean(), "{list}");
    assert!(list["recentConversationLifetime"].is_string(), "{list}");

    let a = v.new_conversation(&server).await;
    let b = v.new_conversation(&server).await;
    assert_ne!(a, b);
    v.say(&server, &a, "in a").await;
    v.events.bot_text("You said: in a").await;

    let (_, list) = server
        .post_cw("/conversations/list", &v.body(json!({})))
        .await;
    let convos = list["conversations"].as_array().unwrap();
    let ids: Vec<String> = convos.iter().map(|c| id_string(&c["id"])).collect();
    assert!(
        ids.contains(&a) && ids.contains(&b) && ids.len() == 2,
        "{list}"
    );
    let ca = convos.iter().find(|c| id_string(&c["id"]) == a).unwrap();
    assert!(ca["createdOn"].is_string(), "{ca}");
    assert!(ca["lastMessage"].is_object(), "lastMessage for a: {ca}");

    let c = get_conversation(&server, &v, &a).await;
    assert_eq!(texts(&c), vec!["in a", "You said: in a"]);
    let c = get_conversation(&server, &v, &b).await;
    assert!(messages(&c).is_empty(), "{c}");

    // Another visitor sees none of it and cannot read it.
    let w = server.visitor().await;
    let (_, list) = server
        .post_cw("/conversations/list", &w.body(json!({})))
        .await;
    assert_eq!(list["conversations"], json!([]), "{list}");
    let (st, body) = server
        .post_cw(
            "/conversations/get",
            &w.body(json!({ "conversationId": a })),
        )
        .await;
    assert_v12_error(st, &body, 400);

    // Errors: unknown session, missing conversation id.
    let (st, body) = server
        .post_cw("/conversations/list", &json!({ "webSessionId": "ghost" }))
        .await;
    assert_v12_error(st, &body, 400);
    let (st, body) = server
        .post_cw("/conversations/get", &v.body(json!({})))
        .await;
    assert_v12_error(st, &body, 400);
    let (st, body) = server.post_cw("/conversations/new", &json!({})).await;
    assert_v12_error(st, &body, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_get_caps_history_at_max_messages_history() {
    let cfg = config_with(json!({ "channelWeb": { "maxMessagesHistory": 4 } }));
    let (_fx, server) = Server::start(&cfg).await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    for i in 0..4 {
        v.say(&server, &convo, &format!("m{i}")).await;
        v.events.bot_text(&format!("You said: m{i}")).await;
    }
    let c = get_conversation(&server, &v, &convo).await;
    // The most recent 4 of 8, oldest first.
    assert_eq!(
        texts(&c),
        vec!["m2", "You said: m2", "m3", "You said: m3"],
        "{c}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_download_and_delete() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    v.say(&server, &convo, "keep me").await;
    v.events.bot_text("You said: keep me").await;

    // reset stores a session_reset user message.
    let (st, body) = server
        .post_cw(
            "/conversations/reset",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let c = get_conversation(&server, &v, &convo).await;
    assert!(
        messages(&c)
            .iter()
            .any(|m| m["payload"]["type"] == "session_reset" && !is_bot(m)),
        "{c}"
    );
    let (st, body) = server
        .post_cw("/conversations/reset", &v.body(json!({})))
        .await;
    assert_v12_error(st, &body, 400);

    // download/txt
    let (st, dl) = server
        .post_cw(
            "/conversations/download/txt",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    assert_eq!(st, 200, "{dl}");
    let txt = dl["txt"].as_str().expect("txt");
    assert!(
        txt.contains("keep me") && txt.contains("You said: keep me"),
        "{txt}"
    );
    assert!(
        dl["name"].as_str().is_some_and(|n| n.ends_with(".txt")),
        "{dl}"
    );
    let other = server.visitor().await;
    let (st, body) = server
        .post_cw(
            "/conversations/download/txt",
            &other.body(json!({ "conversationId": convo })),
        )
        .await;
    assert_v12_error(st, &body, 400);

    // messages/delete: 204, a clear event, and an empty history.
    let (st, body) = server
        .post_cw(
            "/conversations/messages/delete",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    assert_eq!(st, 204, "{body}");
    let clear = v
        .events
        .wait_for("guest.webchat.clear", |f| {
            f["name"] == "guest.webchat.clear"
        })
        .await;
    assert_eq!(id_string(&clear["data"]["conversationId"]), convo);
    let c = get_conversation(&server, &v, &convo).await;
    assert!(messages(&c).is_empty(), "{c}");
    let (st, body) = server
        .post_cw(
            "/conversations/messages/delete",
            &other.body(json!({ "conversationId": convo })),
        )
        .await;
    assert_v12_error(st, &body, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preferences_get_and_set() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let (st, p) = server.post_cw("/preferences/get", &v.body(json!({}))).await;
    assert_eq!(st, 200, "{p}");
    assert!(p["language"].is_string() || p["language"].is_null(), "{p}");

    let (st, body) = server
        .post_cw("/preferences", &v.body(json!({ "language": "fr" })))
        .await;
    assert_eq!(st, 200, "{body}");
    let (_, p) = server.post_cw("/preferences/get", &v.body(json!({}))).await;
    assert_eq!(p["language"], "fr", "{p}");

    let (st, body) = server
        .post_cw("/preferences", &v.body(json!({ "language": "xx" })))
        .await;
    assert_v12_error(st, &body, 400);
    let (_, p) = server.post_cw("/preferences/get", &v.body(json!({}))).await;
    assert_eq!(
        p["language"], "fr",
        "unsupported language must not be saved: {p}"
    );

    let (st, body) = server
        .post_cw("/preferences/get", &json!({ "webSessionId": "ghost" }))
        .await;
    assert_v12_error(st, &body, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_save_and_info() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    v.say(&server, &convo, "rate me").await;
    let reply = v.events.bot_text("You said: rate me").await;
    let mid = reply["id"].clone();

    let (st, body) = server
        .post_cw(
            "/feedbackInfo",
            &json!({ "messageIds": [mid], "target": v.visitor_id }),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert!(
        body.as_array()
            .is_some_and(|a| a.iter().all(|f| f["messageId"] != mid)),
        "no feedback yet: {body}"
    );

    let (st, body) = server
        .post_cw(
            "/saveFeedback",
            &json!({ "messageId": mid, "target": v.visitor_id, "feedback": 1 }),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = server
        .post_cw(
            "/feedbackInfo",
            &json!({ "messageIds": [mid], "target": v.visitor_id }),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body, json!([{ "messageId": mid, "feedback": 1 }]));

    // Invalid feedback value, unknown message, someone else's message.
    let (st, body) = server
        .post_cw(
            "/saveFeedback",
            &json!({ "messageId": mid, "target": v.visitor_id, "feedback": 7 }),
        )
        .await;
    assert_v12_error(st, &body, 400);
    let (st, body) = server
        .post_cw(
            "/saveFeedback",
            &json!({ "messageId": "00000000-0000-0000-0000-000000000000", "target": v.visitor_id, "feedback": -1 }),
        )
        .await;
    assert_v12_error(st, &body, 400);
    let (st, body) = server
        .post_cw(
            "/saveFeedback",
            &json!({ "messageId": mid, "target": new_visitor_id(), "feedback": -1 }),
        )
        .await;
    assert_v12_error(st, &body, 400);
    let (_, body) = server
        .post_cw(
            "/feedbackInfo",
            &json!({ "messageIds": [mid], "target": v.visitor_id }),
        )
        .await;
    assert_eq!(
        body,
        json!([{ "messageId": mid, "feedback": 1 }]),
        "unchanged"
    );
    // Another visitor learns nothing about this feedback.
    let (st, body) = server
        .post_cw(
            "/feedbackInfo",
            &json!({ "messageIds": [mid], "target": new_visitor_id() }),
        )
        .await;
    assert!(
        st == 400 || body.as_array().is_some_and(|a| a.is_empty()),
        "{st} {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_client_message_id_three_times_is_stored_once_with_one_answer() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let body = v.body(json!({
        "conversationId": convo,
        "payload": {"type": "text", "text": "retry me", "clientMessageId": "7d1f5a3e-0b6c-4c59-9a3e-4f1d7f0e2b11"}
    }));
    let mut ids = Vec::new();
    for attempt in 0..3 {
        let (st, resp) = server.post_cw("/messages", &body).await;
        assert_eq!(st, 200, "attempt {attempt}: {resp}");
        if let Some(id) = resp.get("id") {
            ids.push(id.clone());
        }
    }
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "retries must answer with the same stored message: {ids:?}"
    );
    v.events.bot_text("You said: retry me").await;
    // Barrier: a later message's answer proves the bot has processed everything before it.
    v.say(&server, &convo, "barrier").await;
    v.events.bot_text("You said: barrier").await;

    let c = get_conversation(&server, &v, &convo).await;
    let t = texts(&c);
    assert_eq!(
        t.iter().filter(|t| *t == "retry me").count(),
        1,
        "stored once: {t:?}"
    );
    assert_eq!(
        t.iter().filter(|t| *t == "You said: retry me").count(),
        1,
        "answered once: {t:?}"
    );
    let answers = v
        .events
        .named("guest.webchat.message")
        .into_iter()
        .filter(|f| f["data"]["payload"]["text"] == "You said: retry me")
        .count();
    assert_eq!(answers, 1, "one bot answer on the socket");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_history() {
    let fx = Fixture::new(&default_config());
    let server = fx.start().await;
    let v = server.visitor().await;
    let visitor_id = v.visitor_id.clone();
    let convo = v.new_conversation(&server).await;
    v.say(&server, &convo, "remember me").await;
    v.events.bot_text("You said: remember me").await;
    v.close().await;
    server.kill().await;

    let server = fx.start().await;
    let v = Visitor::connect(&server, &visitor_id).await;
    let (st, list) = server
        .post_cw("/conversations/list", &v.body(json!({})))
        .await;
    assert_eq!(st, 200, "{list}");
    let ids: Vec<String> = list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| id_string(&c["id"]))
        .collect();
    assert_eq!(ids, vec![convo.clone()]);
    let c = get_conversation(&server, &v, &convo).await;
    assert_eq!(texts(&c), vec!["remember me", "You said: remember me"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_id_dies_with_its_socket() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let raw = RawSocket::connect(&server, &v.visitor_id, 4).await;
    let sid = raw.sid.clone().expect("sid");
    let body = json!({ "webSessionId": sid });
    let (st, resp) = server.post_cw("/conversations/list", &body).await;
    assert_eq!(st, 200, "live socket: {resp}");
    drop(raw);
    // §1.4: a session id whose socket is gone is "session id is invalid".
    let resp = eventually("the closed socket's session to be rejected", || {
        let server = &server;
        let body = &body;
        async move {
            let (st, resp) = server.post_cw("/conversations/list", body).await;
            (st != 200).then_some((st, resp))
        }
    })
    .await;
    assert_v12_error(resp.0, &resp.1, 400);
    // The visitor's other socket is unaffected.
    let (st, resp) = server
        .post_cw("/conversations/list", &v.body(json!({})))
        .await;
    assert_eq!(st, 200, "{resp}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_id_missing_or_longer_than_40_chars_is_rejected() {
    let (_fx, server) = Server::start_default().await;
    let long_id = "v".repeat(41);
    let raw = RawSocket::connect(&server, &long_id, 4).await;
    let body = json!({ "webSessionId": raw.sid.clone().expect("sid") });
    let (st, resp) = server.post_cw("/conversations/new", &body).await;
    assert_v12_error(st, &resp, 400);
    assert!(
        resp["message"].as_str().unwrap().contains("user id"),
        "{resp}"
    );
    // No visitorId at all is just as invalid.
    let anon = RawSocket::connect(&server, "", 4).await;
    let body = json!({ "webSessionId": anon.sid.clone().expect("sid") });
    let (st, resp) = server.post_cw("/conversations/new", &body).await;
    assert_v12_error(st, &resp, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_message_id_survives_a_restart() {
    // A widget outbox may resend after the server came back: still stored and answered once.
    let fx = Fixture::new(&default_config());
    let server = fx.start().await;
    let v = server.visitor().await;
    let visitor_id = v.visitor_id.clone();
    let convo = v.new_conversation(&server).await;
    let payload = json!({
        "type": "text", "text": "sent before the crash",
        "clientMessageId": "0c9b7e52-4c1f-4a57-8f7e-2b1d6c3a9e01"
    });
    let (st, body) = server
        .post_cw(
            "/messages",
            &v.body(json!({ "conversationId": convo, "payload": payload })),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    v.events.bot_text("You said: sent before the crash").await;
    v.close().await;
    server.kill().await;

    let server = fx.start().await;
    let v = Visitor::connect(&server, &visitor_id).await;
    let (st, body) = server
        .post_cw(
            "/messages",
            &v.body(json!({ "conversationId": convo, "payload": payload })),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    v.say(&server, &convo, "after restart").await;
    v.events.bot_text("You said: after restart").await;
    let c = get_conversation(&server, &v, &convo).await;
    assert_eq!(
        texts(&c),
        vec![
            "sent before the crash",
            "You said: sent before the crash",
            "after restart",
            "You said: after restart"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_of_one_client_message_id_are_stored_once() {
    // A retry fired while the first attempt is still in flight.
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let body = v.body(json!({
        "conversationId": convo,
        "payload": {"type": "text", "text": "racing copies", "clientMessageId": "5f0e4d3c-2b1a-4098-8765-43210fedcba9"}
    }));
    let sends = (0..4).map(|_| server.post_cw("/messages", &body));
    let results = futures_util::future::join_all(sends).await;
    for (st, resp) in &results {
        assert_eq!(*st, 200, "{resp}");
    }
    let ids: Vec<&Value> = results.iter().filter_map(|(_, r)| r.get("id")).collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    v.events.bot_text("You said: racing copies").await;
    v.say(&server, &convo, "barrier").await;
    v.events.bot_text("You said: barrier").await;
    let c = get_conversation(&server, &v, &convo).await;
    assert_eq!(
        texts(&c),
        vec![
            "racing copies",
            "You said: racing copies",
            "barrier",
            "You said: barrier"
        ]
    );
}

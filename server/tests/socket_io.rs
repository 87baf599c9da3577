//! socket.io `/guest` namespace (§1.5, CONTRACT.md): echo and bot reply as `event` frames, typing,
//! Engine.IO 4 over websocket, long-polling and upgrade, and Engine.IO 3 (socket.io v2) clients.

mod common;

use common::*;
use rust_socketio::TransportType;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_and_bot_reply_arrive_as_event_frames() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let (st, body) = v.say(&server, &convo, "hello there").await;
    assert_eq!(st, 200, "POST /messages: {body}");

    let echo = v
        .events
        .message("user echo", |d| {
            !is_bot(d) && d["payload"]["text"] == "hello there"
        })
        .await;
    assert_eq!(id_string(&echo["conversationId"]), convo);
    assert!(echo["id"].is_string() || echo["id"].is_number(), "{echo}");
    assert!(echo["sentOn"].is_string(), "sentOn in {echo}");
    assert_eq!(echo["payload"]["type"], "text");

    let reply = v.events.bot_text("You said: hello there").await;
    assert_eq!(id_string(&reply["conversationId"]), convo);
    assert_ne!(reply["id"], echo["id"]);

    // Every data object carries its room (§1.5).
    let frame = v
        .events
        .wait_for("frame with __room", |f| {
            f["name"] == "guest.webchat.message"
        })
        .await;
    assert_eq!(
        frame["data"]["__room"],
        json!(format!("visitor:{}", v.visitor_id))
    );

    // The raw socket of the same visitor is in the same room and sees the same reply.
    v.raw.events.bot_text("You said: hello there").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_visitors_do_not_receive_my_messages() {
    let (_fx, server) = Server::start_default().await;
    let a = server.visitor().await;
    let b = server.visitor().await;
    let convo = a.new_conversation(&server).await;
    a.say(&server, &convo, "private words").await;
    a.events.bot_text("You said: private words").await;
    // b then gets its own reply; by then a's frames would have been delivered if they leaked.
    let convo_b = b.new_conversation(&server).await;
    b.say(&server, &convo_b, "mine").await;
    b.events.bot_text("You said: mine").await;
    assert!(
        b.events
            .all()
            .iter()
            .all(|f| !f.to_string().contains("private words")),
        "visitor b saw visitor a's message: {:#?}",
        b.events.all()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_typing_payload_becomes_a_typing_event() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    // The demo bot answers `typing` with `{type:'typing', value:800}` then a text (CONTRACT.md).
    v.say(&server, &convo, "typing").await;
    let typing = v
        .events
        .wait_for("guest.webchat.typing", |f| {
            f["name"] == "guest.webchat.typing"
        })
        .await;
    assert_eq!(id_string(&typing["data"]["conversationId"]), convo);
    assert_eq!(typing["data"]["timeInMs"], 800, "{typing}");
    assert_eq!(
        typing["data"]["__room"],
        json!(format!("visitor:{}", v.visitor_id))
    );
    v.events.bot_text("done typing").await;
    // The typing frame came before the text it announces.
    let frames = v.events.all();
    let pos = |pred: &dyn Fn(&serde_json::Value) -> bool| frames.iter().position(pred);
    let t = pos(&|f| f["name"] == "guest.webchat.typing").unwrap();
    let m = pos(&|f| {
        f["data"]["payload"]["text"]
            .as_str()
            .is_some_and(|s| s.contains("done typing"))
    })
    .unwrap();
    assert!(t < m, "typing must precede the message: {frames:#?}");
    // Typing is never stored (§1.5).
    let (st, body) = server
        .post_cw(
            "/conversations/get",
            &v.body(json!({"conversationId": convo})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert!(
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["payload"]["type"] != "typing"),
        "typing stored: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_io_4_handshake_and_connect_reply_shape() {
    let (_fx, server) = Server::start_default().await;
    let raw = RawSocket::connect(&server, &new_visitor_id(), 4).await;
    assert!(raw.handshake["sid"].is_string(), "{}", raw.handshake);
    assert!(
        raw.handshake["pingInterval"].is_number(),
        "{}",
        raw.handshake
    );
    assert!(
        raw.connect_packet.starts_with("40/guest,{"),
        "CONNECT reply {}",
        raw.connect_packet
    );
    let sid = raw.sid.clone().expect("namespace sid");
    assert!(!sid.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_polling_and_upgrade_transports_receive_events() {
    let (_fx, server) = Server::start_default().await;
    for (name, transport) in [
        ("polling", TransportType::Polling),
        ("websocket upgrade", TransportType::WebsocketUpgrade),
    ] {
        let v = Visitor::connect_with(&server, &new_visitor_id(), transport).await;
        let convo = v.new_conversation(&server).await;
        let text = format!("via {name}");
        let (st, body) = v.say(&server, &convo, &text).await;
        assert_eq!(st, 200, "{name}: {body}");
        v.events.bot_text(&format!("You said: {text}")).await;
        v.close().await;
    }
}

/// CONTRACT.md: "Engine.IO 4, also 3" (v12 runs socket.io 4 with `allowEIO3`, §1.1). rust_socketio
/// speaks only EIO 4, so this uses a raw websocket speaking the socket.io v2 protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_io_3_client_is_accepted_and_receives_events() {
    let (_fx, server) = Server::start_default().await;
    let visitor_id = new_visitor_id();
    let old = RawSocket::connect(&server, &visitor_id, 3).await;
    let engine_sid = old.handshake["sid"].as_str().expect("sid").to_string();
    // EIO3: the client pings, the server pongs.
    old.send("2");
    old.frames.wait_for("EIO3 pong", |f| f == "3").await;
    // A socket.io v2 client's socket id (its webSessionId) is `/guest#<engine sid>`.
    let session = json!({ "webSessionId": format!("/guest#{engine_sid}") });
    let (st, body) = server.post_cw("/conversations/new", &session).await;
    assert_eq!(st, 200, "v2 session id: {body}");
    let convo = id_string(&body["convoId"]);
    let mut msg = session.clone();
    msg["conversationId"] = json!(convo);
    msg["payload"] = json!({"type": "text", "text": "old client"});
    let (st, body) = server.post_cw("/messages", &msg).await;
    assert_eq!(st, 200, "{body}");
    old.events.bot_text("You said: old client").await;
    // An EIO4 socket of the same visitor shares the room.
    let v = Visitor::connect(&server, &visitor_id).await;
    v.say(&server, &convo, "both hear this").await;
    old.events.bot_text("You said: both hear this").await;
    v.events.bot_text("You said: both hear this").await;
}

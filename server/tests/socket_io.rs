//! socket.io `/guest` namespace (§1.5, CONTRACT.md): echo and bot reply as `event` frames, typing,
//! Engine.IO 4 handshake shape.

mod common;

use common::*;
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

//! A minimal guest client for checking what the server stored: it opens the `/guest` socket.io
//! namespace over a WebSocket with a given visitor id (CONTRACT: the namespace sid is the
//! `webSessionId`) and reads conversations through the channel-web HTTP API (§1.4, §1.5).

use std::net::TcpStream;

use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{self, stream::MaybeTlsStream, Message, WebSocket};

/// A connected guest: a live `/guest` socket and its `webSessionId`.
pub struct Guest {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    api: String,
    sid: String,
}

impl Guest {
    /// Connects to `server` (`http://127.0.0.1:PORT`) as `visitor_id`, talking about `bot_id`.
    pub fn connect(server: &str, bot_id: &str, visitor_id: &str) -> Guest {
        let ws_url = format!(
            "{}/socket.io/?visitorId={visitor_id}&EIO=4&transport=websocket",
            server.replacen("http://", "ws://", 1)
        );
        let (mut ws, _) = tungstenite::connect(ws_url.as_str())
            .unwrap_or_else(|e| panic!("guest socket to {ws_url}: {e}"));
        let mut sid = None;
        while sid.is_none() {
            let frame = match ws.read().expect("guest socket frame") {
                Message::Text(t) => t.to_string(),
                _ => continue,
            };
            if frame.starts_with('0') {
                ws.send(Message::text("40/guest,")).expect("connect /guest");
            } else if frame == "2" {
                ws.send(Message::text("3")).expect("pong");
            } else if let Some(data) = frame.strip_prefix("40/guest,") {
                let v: Value = serde_json::from_str(data).expect("CONNECT data");
                sid = v["sid"].as_str().map(str::to_string);
            }
        }
        Guest {
            ws,
            api: format!("{server}/api/v1/bots/{bot_id}/mod/channel-web"),
            sid: sid.expect("loop ends with a sid"),
        }
    }

    /// POSTs `body` plus this guest's `webSessionId` to `path`; panics on an HTTP error.
    pub fn post(&self, path: &str, mut body: Value) -> Value {
        body["webSessionId"] = json!(self.sid);
        match ureq::post(&format!("{}{path}", self.api)).send_json(body) {
            Ok(r) => r.into_json().unwrap_or(Value::Null),
            Err(e) => panic!("POST {path}: {e}"),
        }
    }

    /// The ids of this visitor's conversations, most recent first (as the server lists them).
    pub fn conversation_ids(&self) -> Vec<String> {
        let v = self.post("/conversations/list", json!({}));
        v["conversations"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_string))
            .collect()
    }

    /// The stored messages of `conversation_id` as the server returns them.
    pub fn messages(&self, conversation_id: &str) -> Vec<Value> {
        let v = self.post(
            "/conversations/get",
            json!({ "conversationId": conversation_id }),
        );
        v["messages"].as_array().cloned().unwrap_or_default()
    }

    /// The texts of the user's own stored messages across every conversation, oldest first.
    pub fn user_texts(&self) -> Vec<String> {
        let mut all: Vec<Value> = self
            .conversation_ids()
            .iter()
            .flat_map(|c| self.messages(c))
            .filter(|m| m.get("authorId").is_some_and(|a| !a.is_null()))
            .collect();
        all.sort_by(|a, b| {
            a["sentOn"]
                .as_str()
                .unwrap_or_default()
                .cmp(b["sentOn"].as_str().unwrap_or_default())
        });
        all.iter()
            .filter_map(|m| m["payload"]["text"].as_str().map(str::to_string))
            .collect()
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }
}

//! socket.io (§1.5): namespace `/guest`, handshake query `visitorId`, room `visitor:{id}`, server→client
//! frames `event` `{name, data}` where `data` carries `__room`. Engine.IO 4 and 3 (socketioxide `v4`).

use serde_json::Value;
use socketioxide::extract::SocketRef;
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::SocketIo;

use crate::error::ApiError;

/// The guest namespace.
pub const NAMESPACE: &str = "/guest";

/// Event names the webchat listens to.
pub mod events {
    /// A stored message (bot or the user's own).
    pub const MESSAGE: &str = "guest.webchat.message";
    /// Typing indicator `{timeInMs, conversationId}`.
    pub const TYPING: &str = "guest.webchat.typing";
    /// Bot `data` payloads.
    pub const DATA: &str = "guest.webchat.data";
    /// History cleared `{conversationId}`.
    pub const CLEAR: &str = "guest.webchat.clear";
}

/// Room name of a visitor.
pub fn room(visitor_id: &str) -> String {
    format!("visitor:{visitor_id}")
}

/// Builds the socket.io layer and registers the `/guest` namespace.
pub fn build(max_payload: u64) -> (SocketIoLayer, SocketIo) {
    let (layer, io) = SocketIo::builder()
        .max_payload(max_payload)
        .ping_interval(std::time::Duration::from_secs(25))
        .ping_timeout(std::time::Duration::from_secs(20))
        .build_layer();
    // socket.io v2 clients (Engine.IO 3) are connected to "/" implicitly; socketioxide drops them
    // unless the root namespace exists.
    io.ns("/", async |_s: SocketRef| {});
    io.ns(NAMESPACE, on_connect.with(join_visitor_room));
    (layer, io)
}

/// Extracts `visitorId` from a handshake query string.
pub fn visitor_from_query(query: Option<&str>) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query?).ok()?;
    pairs
        .into_iter()
        .find(|(k, _)| k == "visitorId")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v != "undefined")
}

/// Connect middleware: joins `visitor:{id}` *before* the CONNECT reply, so the `webSessionId` a client
/// receives resolves at once.
async fn join_visitor_room(socket: SocketRef) -> Result<(), std::convert::Infallible> {
    match visitor_from_query(socket.req_parts().uri.query()) {
        Some(v) => socket.join(room(&v)),
        None => tracing::debug!(sid = %socket.id, "guest socket without visitorId"),
    }
    Ok(())
}

async fn on_connect(socket: SocketRef) {
    tracing::debug!(sid = %socket.id, "guest socket connected");
    // Client-emitted `event` frames are accepted (v12 re-emits them on its bus); the webchat needs none.
    socket.on("event", async |_s: SocketRef| {});
    socket.on_disconnect(async |s: SocketRef| {
        tracing::debug!(sid = %s.id, "guest socket disconnected");
    });
}

/// Resolves a `webSessionId` (the `/guest` socket id) to its visitor id, with the v12 error strings (§1.4).
pub fn visitor_for_session(
    io: &SocketIo,
    web_session_id: Option<&str>,
) -> Result<String, ApiError> {
    let invalid = || ApiError::bad_request("session id is invalid");
    let sid = web_session_id
        .filter(|s| !s.is_empty())
        .ok_or_else(invalid)?;
    // socket.io v2 clients name a namespace socket `/guest#<engine sid>`.
    let sid = sid.strip_prefix("/guest#").unwrap_or(sid);
    let sid = sid.parse().map_err(|_| invalid())?;
    let ns = io.of(NAMESPACE).ok_or_else(invalid)?;
    let socket = ns.get_socket(sid).ok_or_else(invalid)?;
    let visitor = socket
        .rooms()
        .iter()
        .find_map(|r| r.strip_prefix("visitor:").map(str::to_string));
    match visitor {
        Some(v) if v.len() <= 40 => Ok(v),
        _ => Err(ApiError::bad_request(
            "user id associated with this session must be valid",
        )),
    }
}

/// Emits `event` `{name, data}` to a visitor's room, adding `__room` to `data`.
pub async fn emit(io: &SocketIo, visitor_id: &str, name: &str, mut data: Value) {
    let room = room(visitor_id);
    if let Some(obj) = data.as_object_mut() {
        obj.insert("__room".into(), Value::String(room.clone()));
    }
    let frame = serde_json::json!({ "name": name, "data": data });
    if let Some(ns) = io.of(NAMESPACE) {
        if let Err(e) = ns.to(room).emit("event", &frame).await {
            tracing::warn!(error = %e, event = name, "socket emit failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visitor_query_parsing() {
        assert_eq!(
            visitor_from_query(Some("visitorId=abc%20d&EIO=4&transport=websocket")).as_deref(),
            Some("abc d")
        );
        assert_eq!(visitor_from_query(Some("EIO=4")), None);
        assert_eq!(visitor_from_query(Some("visitorId=")), None);
        assert_eq!(visitor_from_query(None), None);
        assert_eq!(room("x"), "visitor:x");
    }
}

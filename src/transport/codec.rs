//! Engine.IO 4 and socket.io 5 text packet codecs (pure functions, tested natively).
//!
//! Engine.IO frames a socket.io packet as `4<socket.io packet>`; a socket.io packet is
//! `<type>[<attachments>-][<namespace>,][<ack id>][<json>]` (botpress-protocols.md §1.5 uses namespace
//! `/guest` and the single event `event` carrying `{name, data}`).
//!
//! The socket reads server frames with the narrow [`read_frame`]; the general decoders and encoders
//! are the reference it is tested against (and spell out the wire format).

use crate::json::{self, field, set, FromJson, Value};
use crate::text::concat;

/// Engine.IO handshake (`0{...}`) fields we use: `{sid, pingInterval, pingTimeout}`, the intervals
/// defaulting to 25 s and 20 s, other fields ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct Handshake {
    /// Engine.IO session id (not the namespace sid).
    pub sid: String,
    /// Server ping interval in ms.
    pub ping_interval: u32,
    /// Ping timeout in ms.
    pub ping_timeout: u32,
}

impl FromJson for Handshake {
    fn from_json(v: &Value) -> Result<Handshake, String> {
        let obj = json::object(v, "struct Handshake")?;
        let mut h = Handshake {
            sid: field(obj, "sid")?.ok_or_else(|| json::missing("sid"))?,
            ping_interval: 25_000,
            ping_timeout: 20_000,
        };
        set(obj, "pingInterval", &mut h.ping_interval)?;
        set(obj, "pingTimeout", &mut h.ping_timeout)?;
        Ok(h)
    }
}

/// One Engine.IO packet (text transport).
#[derive(Debug, Clone, PartialEq)]
pub enum EioPacket {
    /// `0` + handshake JSON.
    Open(Handshake),
    /// `1`.
    Close,
    /// `2` (+ optional probe data).
    Ping(String),
    /// `3`.
    Pong(String),
    /// `4` + a socket.io packet.
    Message(String),
    /// `5`.
    Upgrade,
    /// `6`.
    Noop,
}

/// Why a frame could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CodecError {
    /// Empty frame.
    #[error("empty packet")]
    Empty,
    /// Unknown packet type character.
    #[error("unknown packet type `{0}`")]
    UnknownType(char),
    /// Bad JSON in a packet body.
    #[error("bad packet json: {0}")]
    Json(String),
}

/// Decode an Engine.IO text frame.
pub fn decode_eio(frame: &str) -> Result<EioPacket, CodecError> {
    let mut chars = frame.chars();
    let t = chars.next().ok_or(CodecError::Empty)?;
    let rest = chars.as_str();
    Ok(match t {
        '0' => EioPacket::Open(
            json::parse(rest)
                .and_then(|v| Handshake::from_json(&v))
                .map_err(CodecError::Json)?,
        ),
        '1' => EioPacket::Close,
        '2' => EioPacket::Ping(rest.into()),
        '3' => EioPacket::Pong(rest.into()),
        '4' => EioPacket::Message(rest.into()),
        '5' => EioPacket::Upgrade,
        '6' => EioPacket::Noop,
        c => return Err(CodecError::UnknownType(c)),
    })
}

/// Encode an Engine.IO text frame.
pub fn encode_eio(p: &EioPacket) -> String {
    match p {
        EioPacket::Open(_) => "0".into(),
        EioPacket::Close => "1".into(),
        EioPacket::Ping(d) => format!("2{d}"),
        EioPacket::Pong(d) => format!("3{d}"),
        EioPacket::Message(m) => format!("4{m}"),
        EioPacket::Upgrade => "5".into(),
        EioPacket::Noop => "6".into(),
    }
}

/// socket.io packet kinds we handle.
#[derive(Debug, Clone, PartialEq)]
pub enum SioPacket {
    /// `0`: connect request (client) or accept with `{sid}` (server).
    Connect {
        /// Namespace, e.g. `/guest`.
        nsp: String,
        /// The payload (`{"sid": ...}` from the server, auth object from the client).
        data: Option<Value>,
    },
    /// `1`: disconnect.
    Disconnect {
        /// Namespace.
        nsp: String,
    },
    /// `2`: event `[name, ...args]`.
    Event {
        /// Namespace.
        nsp: String,
        /// Ack id, if any.
        id: Option<u64>,
        /// Event name.
        name: String,
        /// Arguments after the name.
        args: Vec<Value>,
    },
    /// `3`: ack.
    Ack {
        /// Namespace.
        nsp: String,
        /// Ack id.
        id: u64,
        /// Ack arguments.
        args: Vec<Value>,
    },
    /// `4`: connect error with `{message}`.
    ConnectError {
        /// Namespace.
        nsp: String,
        /// The server's reason.
        data: Option<Value>,
    },
}

/// Decode a socket.io packet (the part after the Engine.IO `4`).
pub fn decode_sio(s: &str) -> Result<SioPacket, CodecError> {
    let mut chars = s.chars();
    let t = chars.next().ok_or(CodecError::Empty)?;
    let mut rest = chars.as_str();
    // binary attachments count `N-` (we do not support binary, but parse past it)
    if matches!(t, '5' | '6') {
        if let Some(i) = rest.find('-') {
            rest = &rest[i + 1..];
        }
    }
    let mut nsp = "/".to_string();
    if rest.starts_with('/') {
        let end = rest.find(',').unwrap_or(rest.len());
        nsp = rest[..end].to_string();
        rest = rest.get(end + 1..).unwrap_or("");
    }
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    let id = if digits > 0 {
        rest[..digits].parse::<u64>().ok()
    } else {
        None
    };
    rest = &rest[digits..];
    let data: Option<Value> = if rest.is_empty() {
        None
    } else {
        Some(json::parse(rest).map_err(CodecError::Json)?)
    };
    Ok(match t {
        '0' => SioPacket::Connect { nsp, data },
        '1' => SioPacket::Disconnect { nsp },
        '2' | '5' => {
            let mut arr = match data {
                Some(Value::Array(a)) => a,
                _ => return Err(CodecError::Json("event payload is not an array".into())),
            };
            if arr.is_empty() {
                return Err(CodecError::Json("event without a name".into()));
            }
            let name = match arr.remove(0) {
                Value::String(n) => n,
                _ => return Err(CodecError::Json("event name is not a string".into())),
            };
            SioPacket::Event {
                nsp,
                id,
                name,
                args: arr,
            }
        }
        '3' | '6' => SioPacket::Ack {
            nsp,
            id: id.unwrap_or(0),
            args: match data {
                Some(Value::Array(a)) => a,
                _ => vec![],
            },
        },
        '4' => SioPacket::ConnectError { nsp, data },
        c => return Err(CodecError::UnknownType(c)),
    })
}

fn nsp_prefix(nsp: &str) -> String {
    if nsp == "/" {
        String::new()
    } else {
        format!("{nsp},")
    }
}

/// Encode a socket.io packet (without the Engine.IO `4`).
pub fn encode_sio(p: &SioPacket) -> String {
    match p {
        SioPacket::Connect { nsp, data } => format!(
            "0{}{}",
            nsp_prefix(nsp),
            data.as_ref().map(|d| d.to_string()).unwrap_or_default()
        ),
        SioPacket::Disconnect { nsp } => format!("1{}", nsp_prefix(nsp)),
        SioPacket::Event {
            nsp,
            id,
            name,
            args,
        } => {
            let mut arr = vec![Value::String(name.clone())];
            arr.extend(args.iter().cloned());
            format!(
                "2{}{}{}",
                nsp_prefix(nsp),
                id.map(|i| i.to_string()).unwrap_or_default(),
                Value::Array(arr)
            )
        }
        SioPacket::Ack { nsp, id, args } => {
            format!("3{}{}{}", nsp_prefix(nsp), id, Value::Array(args.clone()))
        }
        SioPacket::ConnectError { nsp, data } => format!(
            "4{}{}",
            nsp_prefix(nsp),
            data.as_ref().map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}

/// The `{name, data}` envelope of a Botpress `event` frame (§1.5); `data` defaults to `null`.
#[derive(Debug, Clone, PartialEq)]
pub struct BpEvent {
    /// e.g. `guest.webchat.message`.
    pub name: String,
    /// The event data (carries `__room`).
    pub data: Value,
}

impl FromJson for BpEvent {
    fn from_json(v: &Value) -> Result<BpEvent, String> {
        let obj = json::object(v, "struct BpEvent")?;
        let mut e = BpEvent {
            name: field(obj, "name")?.ok_or_else(|| json::missing("name"))?,
            data: Value::Null,
        };
        set(obj, "data", &mut e.data)?;
        Ok(e)
    }
}

/// What a server frame means to the widget: the few frames the `/guest` client acts on, read straight
/// from the text. It agrees with [`decode_eio`] + [`decode_sio`] (tested) but builds no packet values,
/// which keeps the wasm small; every other frame (and any malformed one) is [`Frame::Other`].
#[derive(Debug, Clone, PartialEq)]
pub enum Frame<'a> {
    /// Engine.IO open: the watchdog delay, `pingInterval + pingTimeout` of the handshake.
    Open(u32),
    /// Engine.IO close.
    Close,
    /// Engine.IO ping with its data (answered by a pong carrying it).
    Ping(&'a str),
    /// `/guest` accepted us with this `sid` (`""` when the reply has none).
    Connected(String),
    /// The first argument of a `/guest` `event` frame.
    Event(BpEvent),
    /// A connect error (any namespace).
    ConnectError,
    /// `/guest` disconnected us.
    Disconnected,
    /// Anything else: ignored.
    Other,
}

/// Read an Engine.IO text frame as a [`Frame`].
pub fn read_frame(frame: &str) -> Frame<'_> {
    // the packet types are ASCII digits, so the body starts at byte 1 (`None` only for a frame whose
    // first character is not ASCII, which is no packet we know)
    let rest = frame.get(1..).unwrap_or("");
    match frame.as_bytes().first() {
        Some(b'0') => match json::parse(rest).and_then(|v| Handshake::from_json(&v)) {
            Ok(h) => Frame::Open(h.ping_interval + h.ping_timeout),
            Err(_) => Frame::Other,
        },
        Some(b'1') => Frame::Close,
        Some(b'2') => Frame::Ping(rest),
        Some(b'4') => read_sio(rest),
        _ => Frame::Other,
    }
}

/// The socket.io part of [`read_frame`] (the layout [`decode_sio`] documents).
fn read_sio(s: &str) -> Frame<'static> {
    let t = s.as_bytes().first().copied();
    let mut rest = s.get(1..).unwrap_or("");
    // binary attachments count `N-` (not supported, but parsed past)
    if matches!(t, Some(b'5' | b'6')) {
        if let Some(i) = rest.find('-') {
            rest = &rest[i + 1..];
        }
    }
    let mut nsp = "/";
    if rest.starts_with('/') {
        let end = rest.find(',').unwrap_or(rest.len());
        nsp = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
    }
    // an ack id, unused
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    // no data reads as `null`: every use below treats both as "no field"
    let data = if rest.is_empty() {
        Value::Null
    } else {
        match json::parse(rest) {
            Ok(v) => v,
            Err(_) => return Frame::Other,
        }
    };
    let guest = nsp == super::socket::NAMESPACE;
    let text = |key: &str| data.get(key).and_then(Value::as_str);
    match t {
        Some(b'0') if guest => Frame::Connected(text("sid").unwrap_or_default().to_string()),
        Some(b'1') if guest => Frame::Disconnected,
        Some(b'2' | b'5') if guest && data.get(0).and_then(Value::as_str) == Some("event") => {
            match data.get(1).map(BpEvent::from_json) {
                Some(Ok(ev)) => Frame::Event(ev),
                _ => Frame::Other,
            }
        }
        Some(b'4') => Frame::ConnectError,
        _ => Frame::Other,
    }
}

/// Build the socket URL: `ws(s)://host/socket.io/?visitorId=..&EIO=4&transport=websocket`.
pub fn socket_url(host: &str, visitor_id: &str) -> String {
    let base = host.trim_end_matches('/');
    let ws = if let Some(rest) = base.strip_prefix("https://") {
        concat(&["wss://", rest])
    } else if let Some(rest) = base.strip_prefix("http://") {
        concat(&["ws://", rest])
    } else {
        base.to_string()
    };
    let mut vid = String::new();
    for c in visitor_id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            vid.push(c);
        }
    }
    concat(&[
        &ws,
        "/socket.io/?visitorId=",
        &vid,
        "&EIO=4&transport=websocket",
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn eio_roundtrip() {
        let open =
            decode_eio(r#"0{"sid":"abc","upgrades":[],"pingInterval":300,"pingTimeout":200}"#)
                .unwrap();
        assert_eq!(
            open,
            EioPacket::Open(Handshake {
                sid: "abc".into(),
                ping_interval: 300,
                ping_timeout: 200
            })
        );
        assert_eq!(decode_eio("2").unwrap(), EioPacket::Ping(String::new()));
        assert_eq!(encode_eio(&EioPacket::Pong(String::new())), "3");
        assert_eq!(decode_eio("6").unwrap(), EioPacket::Noop);
        assert_eq!(decode_eio("").unwrap_err(), CodecError::Empty);
        assert_eq!(decode_eio("x").unwrap_err(), CodecError::UnknownType('x'));
        assert!(matches!(decode_eio("0{"), Err(CodecError::Json(_))));
        assert_eq!(
            decode_eio("440/guest,").unwrap(),
            EioPacket::Message("40/guest,".into())
        );
    }

    #[test]
    fn sio_connect_and_event() {
        assert_eq!(
            encode_sio(&SioPacket::Connect {
                nsp: "/guest".into(),
                data: None
            }),
            "0/guest,"
        );
        assert_eq!(
            decode_sio(r#"0/guest,{"sid":"s1"}"#).unwrap(),
            SioPacket::Connect {
                nsp: "/guest".into(),
                data: Some(json!({"sid": "s1"}))
            }
        );
        let ev =
            decode_sio(r#"2/guest,["event",{"name":"guest.webchat.message","data":{"id":"m"}}]"#)
                .unwrap();
        match &ev {
            SioPacket::Event {
                nsp,
                name,
                args,
                id,
            } => {
                assert_eq!(
                    (nsp.as_str(), name.as_str(), *id),
                    ("/guest", "event", None)
                );
                let bp = BpEvent::from_json(&args[0]).unwrap();
                assert_eq!(bp.name, "guest.webchat.message");
                assert_eq!(bp.data, json!({"id": "m"}));
            }
            p => panic!("unexpected {p:?}"),
        }
        assert_eq!(decode_sio(&encode_sio(&ev)).unwrap(), ev);
    }

    #[test]
    fn sio_ack_ids_root_namespace_and_errors() {
        let p = decode_sio(r#"212["x",1]"#).unwrap();
        assert_eq!(
            p,
            SioPacket::Event {
                nsp: "/".into(),
                id: Some(12),
                name: "x".into(),
                args: vec![json!(1)]
            }
        );
        assert_eq!(encode_sio(&p), r#"212["x",1]"#);
        assert_eq!(
            decode_sio(r#"4/guest,{"message":"nope"}"#).unwrap(),
            SioPacket::ConnectError {
                nsp: "/guest".into(),
                data: Some(json!({"message": "nope"}))
            }
        );
        assert_eq!(
            decode_sio("1/guest,").unwrap(),
            SioPacket::Disconnect {
                nsp: "/guest".into()
            }
        );
        assert!(decode_sio("2/guest,{}").is_err());
        assert!(decode_sio("2/guest,[]").is_err());
        assert_eq!(decode_sio("9").unwrap_err(), CodecError::UnknownType('9'));
    }

    #[test]
    fn handshake_and_event_envelopes() {
        assert_eq!(
            decode_eio(r#"0{"sid":"s"}"#).unwrap(),
            EioPacket::Open(Handshake {
                sid: "s".into(),
                ping_interval: 25_000,
                ping_timeout: 20_000
            })
        );
        for bad in [
            r#"0{"pingInterval":1}"#,
            r#"0{"sid":1}"#,
            r#"0{"sid":"s","pingTimeout":-5}"#,
            "0[]",
        ] {
            assert!(matches!(decode_eio(bad), Err(CodecError::Json(_))), "{bad}");
        }
        assert_eq!(
            BpEvent::from_json(&json!({"name": "n"})).unwrap(),
            BpEvent {
                name: "n".into(),
                data: Value::Null
            }
        );
        assert!(BpEvent::from_json(&json!({"data": {}})).is_err());
        assert!(BpEvent::from_json(&json!("event")).is_err());
    }

    /// What the socket made of a frame through the general decoders (before [`read_frame`]).
    fn through_decoders(frame: &str) -> Frame<'_> {
        let nsp_ok = |nsp: &str| nsp == crate::transport::socket::NAMESPACE;
        match decode_eio(frame) {
            Ok(EioPacket::Open(h)) => Frame::Open(h.ping_interval + h.ping_timeout),
            Ok(EioPacket::Ping(_)) => Frame::Ping(&frame[1..]),
            Ok(EioPacket::Close) => Frame::Close,
            Ok(EioPacket::Message(m)) => match decode_sio(&m) {
                Ok(SioPacket::Connect { nsp, data }) if nsp_ok(&nsp) => Frame::Connected(
                    data.as_ref()
                        .and_then(|d| d.get("sid"))
                        .and_then(|s| s.as_str())
                        .unwrap_or_default()
                        .to_string(),
                ),
                Ok(SioPacket::Event {
                    nsp, name, args, ..
                }) if nsp_ok(&nsp) && name == "event" => {
                    match args.into_iter().next().map(|v| BpEvent::from_json(&v)) {
                        Some(Ok(ev)) => Frame::Event(ev),
                        _ => Frame::Other,
                    }
                }
                Ok(SioPacket::ConnectError { .. }) => Frame::ConnectError,
                Ok(SioPacket::Disconnect { nsp }) if nsp_ok(&nsp) => Frame::Disconnected,
                _ => Frame::Other,
            },
            _ => Frame::Other,
        }
    }

    #[test]
    fn read_frame_agrees_with_the_decoders() {
        let frames = [
            "",
            "x",
            "é",
            "0",
            "0{",
            r#"0{"sid":"abc","upgrades":[],"pingInterval":300,"pingTimeout":200}"#,
            r#"0{"sid":"s"}"#,
            r#"0{"pingInterval":1}"#,
            "1",
            "2",
            "2probe",
            "3",
            "3probe",
            "5",
            "6",
            "4",
            "40",
            "40/guest,",
            r#"40/guest,{"sid":"s1"}"#,
            r#"40/guest,{"sid":7}"#,
            r#"40{"sid":"root"}"#,
            r#"40/other,{"sid":"x"}"#,
            "40/guest,{bad",
            "40/guest",
            "41/guest,",
            "41",
            "41/other,",
            r#"42/guest,["event",{"name":"guest.webchat.message","data":{"id":"m"}}]"#,
            r#"42/guest,12["event",{"name":"n"}]"#,
            r#"42/guest,["event"]"#,
            r#"42/guest,["event",{"data":{}}]"#,
            r#"42/guest,["other",{"name":"n"}]"#,
            r#"42/guest,[7,{"name":"n"}]"#,
            "42/guest,[]",
            "42/guest,{}",
            r#"42["event",{"name":"n"}]"#,
            r#"451-/guest,["event",{"name":"n"}]"#,
            r#"45/guest,["event",{"name":"n"}]"#,
            r#"43/guest,1["x"]"#,
            r#"461-/guest,1[]"#,
            r#"44/guest,{"message":"nope"}"#,
            r#"44/other,{"message":7}"#,
            "44/guest,",
            "44/guest,{bad",
            "44",
            "49",
            "4é",
            r#"42/guest,99999999999999999999999["event",{"name":"n"}]"#,
        ];
        for f in frames {
            assert_eq!(read_frame(f), through_decoders(f), "{f:?}");
        }
    }

    #[test]
    fn url_building() {
        assert_eq!(
            socket_url("https://bot.example/", "abc"),
            "wss://bot.example/socket.io/?visitorId=abc&EIO=4&transport=websocket"
        );
        assert_eq!(
            socket_url("http://127.0.0.1:3000", "a&b=c"),
            "ws://127.0.0.1:3000/socket.io/?visitorId=abc&EIO=4&transport=websocket"
        );
    }
}

//! Shared harness for the black-box integration tests: spawns the real `webchat-server` binary on a free
//! port, talks to it over real HTTP (`reqwest`) and real socket.io (`rust_socketio`, a client we did not
//! write), and kills the process on drop.
//!
//! Every wait is a condition wait with a deadline; nothing sleeps a fixed time to make a test pass.

#![allow(dead_code)] // each test binary uses a different subset of the harness

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{FutureExt, SinkExt, StreamExt};
use rust_socketio::asynchronous::{Client as SioClient, ClientBuilder};
use rust_socketio::{Payload, TransportType};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The demo bot shipped with the server (CONTRACT.md).
pub const BOT: &str = "welcome-bot";

/// How long any condition wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);

/// A running `webchat-server` child process.
pub struct Server {
    child: Option<Child>,
    /// `http://HOST:PORT`, parsed from the `listening on` line.
    pub base: String,
    /// `HOST:PORT`.
    pub authority: String,
    /// The `--data-dir` (owned by the test, survives restarts).
    pub data_dir: PathBuf,
    /// The `--config` file.
    pub config_path: PathBuf,
    log_path: PathBuf,
    /// Shared HTTP client.
    pub http: reqwest::Client,
}

/// A temporary data directory plus config file that can outlive several server processes.
pub struct Fixture {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
    /// `<dir>/data`, passed as `--data-dir`.
    pub data_dir: PathBuf,
    /// `<dir>/config.json`, passed as `--config`.
    pub config_path: PathBuf,
}

impl Fixture {
    /// Creates the directories and writes `config` as JSON.
    pub fn new(config: &Value) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let data_dir = dir.path().join("data");
        std::fs::create_dir_all(data_dir.join("global")).expect("mkdir data/global");
        let config_path = dir.path().join("config.json");
        std::fs::write(&config_path, serde_json::to_vec_pretty(config).unwrap()).expect("config");
        Fixture {
            dir,
            data_dir,
            config_path,
        }
    }

    /// Starts a server process on this fixture.
    pub async fn start(&self) -> Server {
        Server::spawn(&self.data_dir, &self.config_path, &[]).await
    }

    /// Starts a server process with extra CLI arguments (e.g. `--static-dir`).
    pub async fn start_with_args(&self, args: &[&str]) -> Server {
        Server::spawn(&self.data_dir, &self.config_path, args).await
    }
}

impl Server {
    /// Starts a server with a fresh temp dir and the given config; the fixture is returned so it lives
    /// as long as the server.
    pub async fn start(config: &Value) -> (Fixture, Server) {
        let fx = Fixture::new(config);
        let server = fx.start().await;
        (fx, server)
    }

    /// Starts with the default test config.
    pub async fn start_default() -> (Fixture, Server) {
        Server::start(&default_config()).await
    }

    /// Spawns the binary and waits (with a deadline) for `webchat-server listening on http://HOST:PORT`.
    pub async fn spawn(data_dir: &Path, config_path: &Path, extra_args: &[&str]) -> Server {
        let log_path = data_dir
            .parent()
            .unwrap_or(data_dir)
            .join(format!("server-{}.log", rand::random::<u32>()));
        let log = std::fs::File::create(&log_path).expect("log file");
        // Cargo builds the binary for integration tests; `WEBCHAT_SERVER_BIN` lets an out-of-tree
        // checkout of these tests (see server/pending_tests/) point at it.
        let bin = option_env!("CARGO_BIN_EXE_webchat-server")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("WEBCHAT_SERVER_BIN").map(PathBuf::from))
            .expect("CARGO_BIN_EXE_webchat-server or WEBCHAT_SERVER_BIN");
        let mut child = Command::new(bin)
            .arg("--host")
            .arg("127.0.0.1")
            .arg("--port")
            .arg("0")
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--config")
            .arg(config_path)
            .args(extra_args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("spawn webchat-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let wait = async {
            while let Some(line) = lines.next_line().await.expect("read stdout") {
                if let Some(rest) = line.strip_prefix("webchat-server listening on ") {
                    return Some(rest.trim().to_string());
                }
            }
            None
        };
        let base = match tokio::time::timeout(Duration::from_secs(30), wait).await {
            Ok(Some(base)) => base,
            other => {
                let _ = child.start_kill();
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("server did not print its listening line ({other:?}); stderr:\n{log}");
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let authority = base
            .strip_prefix("http://")
            .expect("listening line must be http://HOST:PORT")
            .trim_end_matches('/')
            .to_string();
        assert!(
            authority
                .rsplit_once(':')
                .is_some_and(|(_, p)| p.parse::<u16>().is_ok_and(|p| p != 0)),
            "listening line must carry the real bound port: {base}"
        );
        Server {
            child: Some(child),
            base: format!("http://{authority}"),
            authority,
            data_dir: data_dir.to_path_buf(),
            config_path: config_path.to_path_buf(),
            log_path,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
        }
    }

    /// Kills the process and waits until it has exited (used by the restart test).
    pub async fn kill(mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("kill server");
        }
    }

    /// The server's stderr so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// `{base}/api/v1/bots/{bot}/mod/channel-web{path}`.
    pub fn cw(&self, path: &str) -> String {
        self.cw_bot(BOT, path)
    }

    /// Channel-web URL for another bot id.
    pub fn cw_bot(&self, bot: &str, path: &str) -> String {
        format!("{}/api/v1/bots/{bot}/mod/channel-web{path}", self.base)
    }

    /// `{base}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs JSON to a channel-web route and returns status and JSON body (`Null` when empty/not JSON).
    pub async fn post_cw(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post(&self.cw(path), body, &[]).await
    }

    /// POSTs JSON with extra headers.
    pub async fn post(&self, url: &str, body: &Value, headers: &[(&str, &str)]) -> (u16, Value) {
        let mut req = self.http.post(url).json(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.send().await.expect("http send")).await
    }

    /// GET returning status and JSON.
    pub async fn get(&self, url: &str) -> (u16, Value) {
        read(self.http.get(url).send().await.expect("http send")).await
    }

    /// Opens a visitor: a `rust_socketio` client in `/guest` plus the namespace sid (`webSessionId`).
    pub async fn visitor(&self) -> Visitor {
        Visitor::connect(self, &new_visitor_id()).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
        if std::thread::panicking() {
            eprintln!(
                "---- webchat-server stderr ({}) ----\n{}",
                self.base,
                tail(&self.log(), 60)
            );
        }
    }
}

fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Reads a response into status + JSON (Null when the body is empty or not JSON).
pub async fn read(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
        if bytes.is_empty() {
            Value::Null
        } else {
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        }
    });
    (status, body)
}

/// Asserts a v12 error body `{statusCode, errorCode, type, message}` with the given status.
#[track_caller]
pub fn assert_v12_error(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "unexpected status, body: {body}");
    assert_eq!(body["statusCode"], json!(expected), "statusCode in {body}");
    let code = body["errorCode"]
        .as_str()
        .unwrap_or_else(|| panic!("errorCode in {body}"));
    assert!(
        code.starts_with("BP_") && code[3..].chars().all(|c| c.is_ascii_digit()) && code.len() == 7,
        "errorCode must look like BP_0000: {body}"
    );
    assert!(
        body["type"].as_str().is_some_and(|t| !t.is_empty()),
        "type in {body}"
    );
    assert!(
        body["message"].as_str().is_some_and(|t| !t.is_empty()),
        "message in {body}"
    );
}

/// A 24-char visitor id like the v12 `nanoid(24)`.
pub fn new_visitor_id() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}

/// Collaborator account used by the Converse `/secured` tests.
pub const ADMIN_EMAIL: &str = "admin@example.test";
/// Its password.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// The default test config: server defaults plus a collaborator account (`admin`, see
/// `server/src/config.rs` for the keys).
pub fn default_config() -> Value {
    json!({
        "admin": { "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }
    })
}

/// `default_config()` with `patch` deep-merged into it.
pub fn config_with(patch: Value) -> Value {
    let mut base = default_config();
    merge(&mut base, patch);
    base
}

fn merge(into: &mut Value, patch: Value) {
    match (into, patch) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

/// A log of `{name, data}` frames received on the socket, with condition waits.
#[derive(Default)]
pub struct EventLog {
    frames: Mutex<Vec<Value>>,
    notify: Notify,
}

impl EventLog {
    /// Records a frame and wakes waiters.
    pub fn push_value(&self, v: Value) {
        self.frames.lock().unwrap().push(v);
        self.notify.notify_waiters();
    }

    /// All frames so far.
    pub fn all(&self) -> Vec<Value> {
        self.frames.lock().unwrap().clone()
    }

    /// Frames with the given `name`.
    pub fn named(&self, name: &str) -> Vec<Value> {
        self.all()
            .into_iter()
            .filter(|f| f["name"] == name)
            .collect()
    }

    /// Waits until `pred` holds for some frame; returns it.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let fut = async {
            loop {
                let notified = self.notify.notified();
                if let Some(f) = self.all().into_iter().find(|f| pred(f)) {
                    return f;
                }
                notified.await;
            }
        };
        match tokio::time::timeout(WAIT, fut).await {
            Ok(v) => v,
            Err(_) => panic!("timed out waiting for {what}; frames: {:#?}", self.all()),
        }
    }

    /// Waits until `pred` holds for the whole log (e.g. a count).
    pub async fn wait_until(&self, what: &str, pred: impl Fn(&[Value]) -> bool) {
        let fut = async {
            loop {
                let notified = self.notify.notified();
                if pred(&self.all()) {
                    return;
                }
                notified.await;
            }
        };
        if tokio::time::timeout(WAIT, fut).await.is_err() {
            panic!("timed out waiting for {what}; frames: {:#?}", self.all());
        }
    }

    /// Waits for a `guest.webchat.message` whose data satisfies `pred`.
    pub async fn message(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(what, |f| {
            f["name"] == "guest.webchat.message" && pred(&f["data"])
        })
        .await["data"]
            .clone()
    }

    /// Waits for a bot message (no `authorId`) whose text contains `needle`.
    pub async fn bot_text(&self, needle: &str) -> Value {
        self.message(&format!("bot text containing {needle:?}"), |d| {
            is_bot(d)
                && d["payload"]["text"]
                    .as_str()
                    .is_some_and(|t| t.contains(needle))
        })
        .await
    }
}

/// Bot messages have no `authorId` (§1.4).
pub fn is_bot(msg: &Value) -> bool {
    msg.get("authorId").is_none_or(Value::is_null)
}

/// A visitor with two `/guest` sockets in the same room `visitor:{id}`:
/// - `sio`, the real `rust_socketio` client, whose frames land in `events`;
/// - `raw`, a minimal websocket client that exposes the namespace sid (`webSessionId`), which
///   `rust_socketio` does not surface.
pub struct Visitor {
    /// The visitor id sent as handshake query.
    pub visitor_id: String,
    /// The `/guest` namespace sid of `raw`.
    pub session_id: String,
    /// Frames received by the `rust_socketio` client.
    pub events: Arc<EventLog>,
    /// Frames received by the raw socket.
    pub raw: RawSocket,
    sio: SioClient,
}

impl Visitor {
    /// Connects both sockets for `visitor_id` (rust_socketio over websocket) and waits until they are
    /// in the namespace.
    pub async fn connect(server: &Server, visitor_id: &str) -> Visitor {
        Visitor::connect_with(server, visitor_id, TransportType::Websocket).await
    }

    /// Like [`Visitor::connect`] with the given rust_socketio transport (polling, upgrade, ...).
    pub async fn connect_with(
        server: &Server,
        visitor_id: &str,
        transport: TransportType,
    ) -> Visitor {
        let events = Arc::new(EventLog::default());
        let connected = Arc::new(EventLog::default());
        let (ev, cn) = (events.clone(), connected.clone());
        let url = format!("{}/socket.io/?visitorId={visitor_id}", server.base);
        let sio = ClientBuilder::new(url)
            .namespace("/guest")
            .transport_type(transport)
            .reconnect(false)
            .on("event", move |payload, _| {
                let ev = ev.clone();
                async move {
                    if let Payload::Text(args) = payload {
                        if let Some(first) = args.into_iter().next() {
                            ev.push_value(first);
                        }
                    }
                }
                .boxed()
            })
            .on(rust_socketio::Event::Connect, move |_, _| {
                let cn = cn.clone();
                async move { cn.push_value(json!({"name": "connect"})) }.boxed()
            })
            .connect()
            .await
            .expect("rust_socketio connect to /guest");
        connected
            .wait_for("rust_socketio /guest CONNECT", |_| true)
            .await;
        let raw = RawSocket::connect(server, visitor_id, 4).await;
        Visitor {
            visitor_id: visitor_id.to_string(),
            session_id: raw.sid.clone().expect("EIO4 CONNECT carries a sid"),
            events,
            raw,
            sio,
        }
    }

    /// `{webSessionId}` merged with `extra`.
    pub fn body(&self, extra: Value) -> Value {
        let mut b = json!({ "webSessionId": self.session_id });
        if let (Some(m), Value::Object(e)) = (b.as_object_mut(), extra) {
            m.extend(e);
        }
        b
    }

    /// Creates a conversation with `/conversations/new` and returns its id.
    pub async fn new_conversation(&self, server: &Server) -> String {
        let (st, body) = server
            .post_cw("/conversations/new", &self.body(json!({})))
            .await;
        assert_eq!(st, 200, "conversations/new: {body}");
        id_string(&body["convoId"])
    }

    /// Sends a text message into `conversation_id`.
    pub async fn say(&self, server: &Server, conversation_id: &str, text: &str) -> (u16, Value) {
        server
            .post_cw(
                "/messages",
                &self.body(json!({
                    "conversationId": conversation_id,
                    "payload": {"type": "text", "text": text}
                })),
            )
            .await
    }

    /// Disconnects the `rust_socketio` client.
    pub async fn close(self) {
        let _ = self.sio.disconnect().await;
    }
}

/// Conversation ids are strings (UUIDs at v12 HEAD); accept numbers too and normalise.
pub fn id_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("expected an id, got {other}"),
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next text frame, within `WAIT`.
async fn next_text(ws: &mut Ws) -> Result<String, tokio::time::error::Elapsed> {
    let fut = async {
        loop {
            match ws.next().await {
                Some(Ok(WsMessage::Text(t))) => return t.to_string(),
                Some(Ok(_)) => continue,
                other => panic!("websocket ended during handshake: {other:?}"),
            }
        }
    };
    tokio::time::timeout(WAIT, fut).await
}

/// A minimal socket.io-over-websocket client used where `rust_socketio` cannot help: reading the
/// namespace sid, and speaking Engine.IO 3 (rust_socketio only speaks EIO 4).
pub struct RawSocket {
    /// The `/guest` namespace sid from the CONNECT packet, when the server sent one.
    pub sid: Option<String>,
    /// The Engine.IO handshake (`0{...}`).
    pub handshake: Value,
    /// The raw CONNECT reply text, e.g. `40/guest,{"sid":"..."}`.
    pub connect_packet: String,
    /// `{name, data}` frames of `event` packets.
    pub events: Arc<EventLog>,
    /// Every other text frame after the handshake, as JSON strings (e.g. `"3"`, an EIO3 pong).
    pub frames: Arc<EventLog>,
    task: tokio::task::JoinHandle<()>,
    tx: tokio::sync::mpsc::UnboundedSender<String>,
}

impl RawSocket {
    /// Opens `ws://.../socket.io/?visitorId=..&EIO={eio}&transport=websocket` and joins `/guest`.
    pub async fn connect(server: &Server, visitor_id: &str, eio: u8) -> RawSocket {
        let url = format!(
            "ws://{}/socket.io/?visitorId={visitor_id}&EIO={eio}&transport=websocket",
            server.authority
        );
        let (mut ws, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
            .await
            .expect("ws connect timeout")
            .expect("ws connect");
        let open = next_text(&mut ws).await.expect("engine.io OPEN timeout");
        let handshake: Value = serde_json::from_str(
            open.strip_prefix('0')
                .unwrap_or_else(|| panic!("expected engine.io OPEN, got {open}")),
        )
        .expect("OPEN json");
        ws.send(WsMessage::Text("40/guest,".into())).await.unwrap();
        let connect_packet = loop {
            let t = next_text(&mut ws).await.expect("socket.io CONNECT timeout");
            if t.starts_with("40/guest") {
                break t;
            }
            if t.starts_with("44/guest") {
                panic!("/guest CONNECT refused: {t}");
            }
            if t == "2" {
                ws.send(WsMessage::Text("3".into())).await.unwrap();
            }
        };
        let sid = connect_packet
            .strip_prefix("40/guest,")
            .and_then(|j| serde_json::from_str::<Value>(j).ok())
            .and_then(|v| v["sid"].as_str().map(str::to_string));
        let events = Arc::new(EventLog::default());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let ev = events.clone();
        let frames = Arc::new(EventLog::default());
        let other = frames.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    out = rx.recv() => match out {
                        Some(t) => { if ws.send(WsMessage::Text(t.into())).await.is_err() { break; } }
                        None => break,
                    },
                    inc = ws.next() => match inc {
                        Some(Ok(WsMessage::Text(t))) => {
                            let t = t.to_string();
                            if t == "2" {
                                // EIO4: server ping -> client pong.
                                if ws.send(WsMessage::Text("3".into())).await.is_err() { break; }
                            } else if let Some(j) = t.strip_prefix("42/guest,") {
                                // Skip an optional ack id before the JSON array.
                                let j = j.trim_start_matches(|c: char| c.is_ascii_digit());
                                if let Ok(Value::Array(args)) = serde_json::from_str::<Value>(j) {
                                    if args.first() == Some(&json!("event")) {
                                        ev.push_value(args.get(1).cloned().unwrap_or(Value::Null));
                                    }
                                }
                            } else {
                                other.push_value(Value::String(t));
                            }
                        }
                        Some(Ok(_)) => {}
                        _ => break,
                    },
                }
            }
        });
        RawSocket {
            sid,
            handshake,
            connect_packet,
            events,
            frames,
            task,
            tx,
        }
    }

    /// Sends a raw text frame (e.g. `2` for an EIO3 client ping).
    pub fn send(&self, text: &str) {
        let _ = self.tx.send(text.to_string());
    }
}

impl Drop for RawSocket {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Waits until `f` returns `Some`, polling an HTTP-observable condition (no fixed sleep decides the
/// outcome: the loop ends as soon as the condition holds, and fails at the deadline).
pub async fn eventually<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

//! Small loopback network helpers on plain threads:
//!
//! - [`Proxy`]: an HTTP reverse proxy in front of the server that the browser talks to. It counts the
//!   WebSocket connections passing through (so a test sees, from the network side, that `destroy`
//!   closed the socket), can cut them all ([`Proxy::drop_websockets`]), can answer chosen requests
//!   with a 500 ([`Proxy::fail`]), before or after forwarding them, and can hold chosen requests
//!   until the test releases them ([`Proxy::hold`], e.g. the wasm, to act before it arrives).
//! - [`HookSink`]: a webhook receiver that records every JSON body the server delivers (the bot's view
//!   of what the widget sent, §3.3 `message.new` / `event.new`).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// One HTTP request read from a client.
struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn method(&self) -> &str {
        self.head.split(' ').next().unwrap_or_default()
    }

    fn path(&self) -> &str {
        let target = self.head.split(' ').nth(1).unwrap_or_default();
        target.split('?').next().unwrap_or_default()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then_some(v.trim())
        })
    }

    fn is_upgrade(&self) -> bool {
        self.header("upgrade")
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
    }

    /// The request with `Connection: close`, so one connection carries one exchange.
    fn closing_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        for (i, line) in self.head.split("\r\n").enumerate() {
            if line.is_empty() {
                continue;
            }
            if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
                continue;
            }
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str("Connection: close\r\n\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    fn raw_bytes(&self) -> Vec<u8> {
        let mut bytes = self.head.clone().into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// Reads one request (head and `Content-Length` body); `None` when the client closed.
fn read_request(s: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut req = Request {
        head,
        body: Vec::new(),
    };
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    req.body = body;
    Some(req)
}

fn respond(s: &mut TcpStream, status: &str, body: &str) {
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = s.flush();
}

/// Which requests to fail, and how.
#[derive(Debug, Clone)]
struct Fault {
    method: String,
    path_suffix: String,
    remaining: usize,
    after_forward: bool,
}

#[derive(Default)]
struct ProxyState {
    faults: Vec<Fault>,
    failed: Vec<String>,
    upgrades: Vec<TcpStream>,
    heads: Vec<String>,
    holds: Vec<String>,
}

/// A fault-injecting HTTP + WebSocket reverse proxy on `127.0.0.1`.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    state: Arc<Mutex<ProxyState>>,
    open_ws: Arc<AtomicUsize>,
    frozen: Arc<AtomicBool>,
}

/// The v12 error body of an injected failure.
const FAULT_BODY: &str = r#"{"statusCode":500,"errorCode":"BP_0500","type":"InternalError","message":"injected by the e2e proxy"}"#;

impl Proxy {
    /// Starts a proxy forwarding to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Proxy {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let state = Arc::new(Mutex::new(ProxyState::default()));
        let open_ws = Arc::new(AtomicUsize::new(0));
        let frozen = Arc::new(AtomicBool::new(false));
        let (st, ws, fr) = (state.clone(), open_ws.clone(), frozen.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                let (st, ws, fr, up) = (st.clone(), ws.clone(), fr.clone(), upstream.clone());
                std::thread::spawn(move || serve(client, &up, &st, &ws, &fr));
            }
        });
        Proxy {
            url,
            state,
            open_ws,
            frozen,
        }
    }

    /// Answers the next `count` requests `method` whose path ends with `path_suffix` with a 500.
    /// With `after_forward` the server handles the request first and only its answer is lost.
    pub fn fail(&self, method: &str, path_suffix: &str, count: usize, after_forward: bool) {
        self.state.lock().expect("proxy state").faults.push(Fault {
            method: method.into(),
            path_suffix: path_suffix.into(),
            remaining: count,
            after_forward,
        });
    }

    /// Holds every request whose path ends with `path_suffix` (already waiting or still to come)
    /// until [`Proxy::release`]: the browser sees a request still in flight.
    pub fn hold(&self, path_suffix: &str) {
        self.state
            .lock()
            .expect("proxy state")
            .holds
            .push(path_suffix.into());
    }

    /// Lets the requests held by [`Proxy::hold`] go on to the server, and stops holding.
    pub fn release(&self) {
        self.state.lock().expect("proxy state").holds.clear();
    }

    /// Forgets the faults not used yet.
    pub fn clear_faults(&self) {
        self.state.lock().expect("proxy state").faults.clear();
    }

    /// The `METHOD path` of every request answered with an injected 500 so far.
    pub fn failed(&self) -> Vec<String> {
        self.state.lock().expect("proxy state").failed.clone()
    }

    /// The head (request line and headers) of every request so far, in arrival order.
    pub fn request_heads(&self) -> Vec<String> {
        self.state.lock().expect("proxy state").heads.clone()
    }

    /// WebSocket connections currently open through the proxy.
    pub fn open_websockets(&self) -> usize {
        self.open_ws.load(Ordering::SeqCst)
    }

    /// From now on, frames from the server to the browser on the open WebSockets are swallowed (the
    /// connections stay up, so the server still counts the visitor as connected). Meant to be
    /// followed by [`Proxy::drop_websockets`], which also ends the freeze.
    pub fn freeze_websockets(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    /// Cuts every WebSocket connection (both sides see the TCP connection end), like a network drop.
    pub fn drop_websockets(&self) -> usize {
        let conns: Vec<TcpStream> = self
            .state
            .lock()
            .expect("proxy state")
            .upgrades
            .drain(..)
            .collect();
        for c in &conns {
            let _ = c.shutdown(Shutdown::Both);
        }
        self.frozen.store(false, Ordering::SeqCst);
        conns.len()
    }
}

/// Takes the fault matching `req`, if any is left.
fn take_fault(st: &Mutex<ProxyState>, req: &Request) -> Option<bool> {
    let mut st = st.lock().expect("proxy state");
    let f = st.faults.iter_mut().find(|f| {
        f.remaining > 0 && f.method == req.method() && req.path().ends_with(&f.path_suffix)
    })?;
    f.remaining -= 1;
    let after = f.after_forward;
    st.failed.push(format!("{} {}", req.method(), req.path()));
    Some(after)
}

fn serve(
    mut client: TcpStream,
    upstream: &str,
    st: &Mutex<ProxyState>,
    open_ws: &AtomicUsize,
    frozen: &AtomicBool,
) {
    let Some(req) = read_request(&mut client) else {
        return;
    };
    st.lock().expect("proxy state").heads.push(req.head.clone());
    while st
        .lock()
        .expect("proxy state")
        .holds
        .iter()
        .any(|h| req.path().ends_with(h.as_str()))
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let fault = take_fault(st, &req);
    if fault == Some(false) {
        respond(&mut client, "500 Internal Server Error", FAULT_BODY);
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream) else {
        respond(&mut client, "502 Bad Gateway", "{}");
        return;
    };
    if req.is_upgrade() {
        if server.write_all(&req.raw_bytes()).is_err() {
            return;
        }
        open_ws.fetch_add(1, Ordering::SeqCst);
        if let Ok(c) = client.try_clone() {
            st.lock().expect("proxy state").upgrades.push(c);
        }
        pipe(client, server, frozen);
        open_ws.fetch_sub(1, Ordering::SeqCst);
        return;
    }
    if server.write_all(&req.closing_bytes()).is_err() {
        return;
    }
    let mut answer = Vec::new();
    let _ = server.read_to_end(&mut answer);
    if fault == Some(true) {
        respond(&mut client, "500 Internal Server Error", FAULT_BODY);
        return;
    }
    let _ = client.write_all(&answer);
    let _ = client.flush();
}

/// Copies both ways until either side ends, then closes both. While `frozen`, server-to-browser
/// bytes are read and dropped.
fn pipe(client: TcpStream, server: TcpStream, frozen: &AtomicBool) {
    let (Ok(mut c_read), Ok(mut s_write)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let (client2, server2) = (client, server);
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut s_write);
        let _ = s_write.shutdown(Shutdown::Both);
    });
    let (mut s_read, mut c_write) = match (server2.try_clone(), client2.try_clone()) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return,
    };
    let mut buf = [0u8; 8192];
    loop {
        let n = match s_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if frozen.load(Ordering::SeqCst) {
            continue;
        }
        if c_write.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = client2.shutdown(Shutdown::Both);
    let _ = server2.shutdown(Shutdown::Both);
    let _ = up.join();
}

/// A webhook receiver: records each JSON body POSTed to it and answers 200.
pub struct HookSink {
    /// `http://127.0.0.1:PORT/hook`
    pub url: String,
    bodies: Arc<Mutex<Vec<Value>>>,
}

impl HookSink {
    /// Starts the receiver.
    pub fn start() -> HookSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the webhook sink");
        let url = format!(
            "http://{}/hook",
            listener.local_addr().expect("sink address")
        );
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let b = bodies.clone();
        std::thread::spawn(move || {
            for mut s in listener.incoming().map_while(Result::ok) {
                let b = b.clone();
                std::thread::spawn(move || {
                    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                    if let Some(req) = read_request(&mut s) {
                        if let Ok(v) = serde_json::from_slice::<Value>(&req.body) {
                            b.lock().expect("sink").push(v);
                        }
                        respond(&mut s, "200 OK", "{}");
                    }
                });
            }
        });
        HookSink { url, bodies }
    }

    /// Every body received so far, in arrival order.
    pub fn bodies(&self) -> Vec<Value> {
        self.bodies.lock().expect("sink").clone()
    }

    /// Waits (up to [`crate::WAIT`]) until a body satisfies `pred`, and returns it.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + crate::WAIT;
        loop {
            if let Some(v) = self.bodies().into_iter().find(|v| pred(v)) {
                return v;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the bot's webhook never received {what}; got {:#?}",
                self.bodies()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

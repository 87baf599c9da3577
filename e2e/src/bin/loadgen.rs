//! Socket.io load generator for `webchat-server`: N concurrent `/guest` visitors on loopback, each
//! sending messages over the channel-web HTTP API and waiting for the demo bot's answer on its
//! own socket (botpress-protocols.md §1.4, §1.5).
//!
//! `loadgen --url http://127.0.0.1:PORT --visitors N --messages M [--bot welcome-bot]` prints one
//! JSON line: connections held, messages per second, round-trip p50/p99 in milliseconds. Request
//! loops are bounded (N × M messages, a deadline per reply), so the run always ends by itself.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, Semaphore};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// How long one reply may take before that message counts as lost.
const REPLY_DEADLINE: Duration = Duration::from_secs(60);

struct Args {
    url: String,
    visitors: usize,
    messages: usize,
    bot: String,
}

fn parse_args() -> Result<Args, String> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| {
        argv.iter()
            .position(|a| a == name)
            .and_then(|i| argv.get(i + 1).cloned())
    };
    let num = |name: &str, default: usize| -> Result<usize, String> {
        get(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("{name} takes a number, not `{v}`"))
        })
    };
    Ok(Args {
        url: get("--url").ok_or("--url http://HOST:PORT is required")?,
        visitors: num("--visitors", 100)?,
        messages: num("--messages", 1)?,
        bot: get("--bot").unwrap_or_else(|| "welcome-bot".into()),
    })
}

/// A connected visitor: its socket id, and the bot texts its socket receives.
struct Visitor {
    sid: String,
    replies: mpsc::UnboundedReceiver<String>,
}

fn visitor_id(n: usize) -> String {
    format!("loadgen{n:017}")
}

/// Opens the Engine.IO 4 websocket, joins `/guest`, and spawns the reader that answers pings and
/// forwards bot message texts.
async fn connect(ws_base: &str, n: usize) -> Result<Visitor, String> {
    let url = format!(
        "{ws_base}/socket.io/?visitorId={}&EIO=4&transport=websocket",
        visitor_id(n)
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|e| format!("websocket: {e}"))?;
    // Engine.IO open packet, then the namespace connect and its acknowledgement with the sid.
    let mut sid = None;
    ws.send(WsMessage::text("40/guest,"))
        .await
        .map_err(|e| e.to_string())?;
    while sid.is_none() {
        let frame = ws
            .next()
            .await
            .ok_or("socket closed during the handshake")?
            .map_err(|e| e.to_string())?;
        if let WsMessage::Text(t) = frame {
            if let Some(body) = t.as_str().strip_prefix("40/guest,") {
                let v: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
                sid = v["sid"].as_str().map(str::to_string);
            } else if t.as_str().starts_with("44/guest") {
                return Err(format!("namespace refused: {t}"));
            }
        }
    }
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(Ok(frame)) = ws.next().await {
            let WsMessage::Text(t) = frame else { continue };
            let t = t.as_str();
            if t == "2" {
                if ws.send(WsMessage::text("3")).await.is_err() {
                    break;
                }
            } else if let Some(body) = t.strip_prefix("42/guest,") {
                let Ok(Value::Array(args)) = serde_json::from_str::<Value>(body) else {
                    continue;
                };
                let data = &args.get(1).cloned().unwrap_or_default();
                if data["name"] == "guest.webchat.message" && data["data"]["authorId"].is_null() {
                    if let Some(text) = data["data"]["payload"]["text"].as_str() {
                        let _ = tx.send(text.to_string());
                    }
                }
            }
        }
    });
    Ok(Visitor {
        sid: sid.unwrap_or_default(),
        replies: rx,
    })
}

/// Sends `count` messages one after the other and returns each round trip.
async fn converse(
    http: reqwest::Client,
    api: String,
    mut visitor: Visitor,
    n: usize,
    count: usize,
) -> (Vec<Duration>, usize) {
    let mut times = Vec::with_capacity(count);
    let mut lost = 0;
    for i in 0..count {
        let text = format!("load {n}.{i}");
        let started = Instant::now();
        let body = json!({"webSessionId": visitor.sid, "payload": {"type": "text", "text": text}});
        match http
            .post(format!("{api}/messages"))
            .json(&body)
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => {}
            _ => {
                lost += 1;
                continue;
            }
        }
        let want = format!("You said: {text}");
        let got = tokio::time::timeout(REPLY_DEADLINE, async {
            while let Some(reply) = visitor.replies.recv().await {
                if reply == want {
                    return true;
                }
            }
            false
        })
        .await;
        if matches!(got, Ok(true)) {
            times.push(started.elapsed());
        } else {
            lost += 1;
        }
    }
    (times, lost)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = parse_args()?;
    let ws_base = args.url.replacen("http", "ws", 1);
    let api = format!("{}/api/v1/bots/{}/mod/channel-web", args.url, args.bot);

    // Phase 1: every visitor connects (at most 256 handshakes in flight).
    let gate = Arc::new(Semaphore::new(256));
    let started = Instant::now();
    let mut joins = Vec::with_capacity(args.visitors);
    for n in 0..args.visitors {
        let gate = gate.clone();
        let ws_base = ws_base.clone();
        joins.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.expect("semaphore open");
            connect(&ws_base, n).await
        }));
    }
    let mut visitors = Vec::new();
    let mut failed = Vec::new();
    for j in joins {
        match j.await.map_err(|e| e.to_string())? {
            Ok(v) => visitors.push(v),
            Err(e) => failed.push(e),
        }
    }
    let connect_secs = started.elapsed().as_secs_f64();
    let held = visitors.len();

    // Phase 2: all visitors talk at once.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut talks = Vec::with_capacity(held);
    for (n, v) in visitors.into_iter().enumerate() {
        talks.push(tokio::spawn(converse(
            http.clone(),
            api.clone(),
            v,
            n,
            args.messages,
        )));
    }
    let mut times = Vec::new();
    let mut lost = 0;
    for t in talks {
        let (ts, l) = t.await.map_err(|e| e.to_string())?;
        times.extend(ts);
        lost += l;
    }
    let talk_secs = started.elapsed().as_secs_f64();
    times.sort();
    let report = json!({
        "visitors": args.visitors,
        "connections_held": held,
        "connect_failures": failed.len(),
        "first_connect_failure": failed.first(),
        "connect_seconds": connect_secs,
        "messages_answered": times.len(),
        "messages_lost": lost,
        "messages_per_second": times.len() as f64 / talk_secs,
        "rtt_p50_ms": percentile(&times, 0.50),
        "rtt_p99_ms": percentile(&times, 0.99),
    });
    println!("{report}");
    Ok(())
}

//! What a browser sees besides the chat API: static files and the v12 loader path with the MIME types
//! CONTRACT.md fixes, path confinement, CORS for a cross-origin widget, the demo bot's media, and that
//! tokens and `sensitive` fields never reach storage, the socket or the logs (GUIDE.md).

mod common;

use std::path::Path;

use common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn get_raw(server: &Server, path: &str) -> (u16, String, Vec<u8>) {
    let resp = server.http.get(server.url(path)).send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, ct, resp.bytes().await.unwrap().to_vec())
}

/// Sends a request line byte-for-byte (no client-side path normalisation).
async fn raw_http_get(server: &Server, target: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(&server.authority)
        .await
        .unwrap();
    let req = format!(
        "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.authority
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(WAIT, s.read_to_end(&mut out))
        .await
        .expect("raw http timeout")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_and_v12_loader_path_with_contract_mime_types() {
    let fx = Fixture::new(&default_config());
    let dist = fx.dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let files: [(&str, &[u8]); 5] = [
        ("index.html", b"<!doctype html><title>demo page</title>"),
        (
            "inject.js",
            b"window.botpressWebChat = window.botpressWebChat || {};",
        ),
        ("webchat.js", b"export default function init() {}"),
        ("webchat_bg.wasm", b"\0asm\x01\0\0\0"),
        ("inject.css", b".bp-widget-web { border: 0 }"),
    ];
    for (name, bytes) in files {
        std::fs::write(dist.join(name), bytes).unwrap();
    }
    std::fs::write(fx.dir.path().join("secret.txt"), b"TOP-SECRET-OUTSIDE-DIST").unwrap();
    let server = fx
        .start_with_args(&["--static-dir", dist.to_str().unwrap()])
        .await;

    let (st, ct, body) = get_raw(&server, "/").await;
    assert_eq!(st, 200);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert_eq!(body, files[0].1);
    for (path, mime, bytes) in [
        ("/inject.js", "text/javascript", files[1].1),
        (
            "/assets/modules/channel-web/inject.js",
            "text/javascript",
            files[1].1,
        ),
        ("/webchat.js", "text/javascript", files[2].1),
        ("/webchat_bg.wasm", "application/wasm", files[3].1),
        (
            "/assets/modules/channel-web/webchat_bg.wasm",
            "application/wasm",
            files[3].1,
        ),
        ("/inject.css", "text/css", files[4].1),
        ("/index.html", "text/html", files[0].1),
    ] {
        let (st, ct, body) = get_raw(&server, path).await;
        assert_eq!(st, 200, "{path}");
        assert!(
            ct.starts_with(mime),
            "{path}: content-type {ct}, want {mime}"
        );
        assert_eq!(body, bytes, "{path}");
    }
    let (st, _, _) = get_raw(&server, "/nope.js").await;
    assert_eq!(st, 404);
    // API routes win over the static fallback.
    let (st, _, _) = get_raw(&server, "/healthz").await;
    assert_eq!(st, 200);
    let (st, body) = server.get(&server.cw("/botInfo")).await;
    assert_eq!(st, 200, "{body}");

    // Nothing outside the static dir is reachable.
    for target in [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/assets/modules/channel-web/../../../secret.txt",
        "/assets/modules/channel-web/..%2f..%2f..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
    ] {
        let resp = raw_http_get(&server, target).await;
        assert!(
            !resp.contains("TOP-SECRET-OUTSIDE-DIST"),
            "{target} escaped the static dir:\n{resp}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_lets_a_cross_origin_widget_call_the_api() {
    let (_fx, server) = Server::start_default().await;
    let resp = server
        .http
        .request(reqwest::Method::OPTIONS, server.cw("/messages"))
        .header("Origin", "https://shop.example")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,x-bp-externalauth",
        )
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "preflight: {}", resp.status());
    let h = resp.headers();
    let origin = h
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        origin == "*" || origin == "https://shop.example",
        "allow-origin {origin:?}"
    );
    let allow_headers = h
        .get("access-control-allow-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    assert!(
        allow_headers == "*" || allow_headers.contains("x-bp-externalauth"),
        "allow-headers {allow_headers:?}"
    );
    let resp = server
        .http
        .get(server.cw("/botInfo"))
        .header("Origin", "https://shop.example")
        .send()
        .await
        .unwrap();
    assert!(resp.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_origin_list_is_enforced() {
    let cfg = config_with(json!({
        "httpServer": { "cors": { "enabled": true, "origin": ["https://allowed.example"] } }
    }));
    let (_fx, server) = Server::start(&cfg).await;
    let ask = |origin: &'static str| {
        server
            .http
            .get(server.cw("/botInfo"))
            .header("Origin", origin)
            .send()
    };
    let ok = ask("https://allowed.example").await.unwrap();
    assert_eq!(
        ok.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://allowed.example")
    );
    let evil = ask("https://evil.example").await.unwrap();
    assert!(
        evil.headers().get("access-control-allow-origin").is_none(),
        "{:?}",
        evil.headers()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_bot_keywords_and_their_media_are_served() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    v.say(&server, &convo, "help").await;
    let help = v.events.bot_text("image").await;
    let help_text = help["payload"]["text"].as_str().unwrap();
    for k in ["image", "audio", "video", "file", "card", "carousel"] {
        assert!(help_text.contains(k), "help lists {k}: {help_text}");
    }
    for (keyword, mime) in [
        ("image", "image/"),
        ("audio", "audio/"),
        ("video", "video/"),
        ("file", "text/"),
    ] {
        v.say(&server, &convo, keyword).await;
        let msg = v
            .events
            .message(&format!("{keyword} reply"), |d| {
                is_bot(d) && d["payload"]["type"] == keyword
            })
            .await;
        let p = &msg["payload"];
        let url = p[keyword]
            .as_str()
            .or_else(|| p["url"].as_str())
            .unwrap_or_else(|| panic!("{keyword} has a url: {msg}"));
        let url = if url.starts_with("http") {
            url.to_string()
        } else {
            server.url(url)
        };
        let resp = server.http.get(&url).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{url}");
        let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with(mime), "{url}: {ct}");
        assert!(!resp.bytes().await.unwrap().is_empty(), "{url}");
    }
}

fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(p.display().to_string());
                }
            }
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_and_sensitive_fields_are_never_stored_emitted_or_logged() {
    const SECRET: &str = "privacy-test-shared-secret-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-0123456789-abcdef";
    let cfg = config_with(json!({
        "pro": { "externalAuth": { "enabled": true, "algorithms": ["HS256"], "publicKey": SECRET } }
    }));
    let (fx, server) = Server::start(&cfg).await;
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "firstname": "Hedy", "exp": exp }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    let auth = format!("Bearer {token}");
    let password = "hunter2-Pr1vacy-Check";

    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let (st, body) = server
        .post(
            &server.cw("/events"),
            &v.body(json!({ "conversationId": convo, "payload": {"type": "update_profile"} })),
            &[("X-BP-ExternalAuth", &auth)],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = server
        .post(
            &server.cw("/messages"),
            &v.body(json!({
                "conversationId": convo,
                "payload": {
                    "type": "login_prompt", "text": "Provided login information",
                    "username": "hedy", "password": password, "sensitive": ["password"]
                }
            })),
            &[("X-BP-ExternalAuth", &auth)],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert!(!body.to_string().contains(password), "response: {body}");
    v.events.bot_text("login information was received").await;

    let echo = v
        .events
        .message("login echo", |d| d["payload"]["type"] == "login_prompt")
        .await;
    assert_eq!(echo["payload"]["username"], "hedy", "{echo}");
    assert!(echo["payload"].get("password").is_none(), "echo: {echo}");
    let (_, c) = server
        .post_cw(
            "/conversations/get",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    let stored: Vec<&Value> = c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["payload"]["type"] == "login_prompt")
        .collect();
    assert_eq!(stored.len(), 1, "{c}");
    assert!(stored[0]["payload"].get("password").is_none(), "{c}");
    let (_, dl) = server
        .post_cw(
            "/conversations/download/txt",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    assert!(!dl.to_string().contains(password), "{dl}");

    for frame in v.events.all() {
        let f = frame.to_string();
        assert!(!f.contains(password) && !f.contains(&token), "socket: {f}");
    }
    let log = server.log();
    assert!(!log.contains(&token), "token logged");
    assert!(!log.contains(password), "password logged");
    // Stop the server so SQLite has flushed everything, then scan every byte on disk.
    server.kill().await;
    let hits = files_containing(&fx.data_dir, token.as_bytes());
    assert!(hits.is_empty(), "token stored in {hits:?}");
    let hits = files_containing(&fx.data_dir, password.as_bytes());
    assert!(hits.is_empty(), "password stored in {hits:?}");
}

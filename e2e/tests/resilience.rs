//! Faults between the widget and the server: the server killed and restarted on the same data dir and
//! port, the WebSocket cut by the network, `POST /messages` answering 500 twice (once before and once
//! after the server stored the message). Whatever happens, every typed message is stored exactly once
//! and in order (checked on the server with `conversations/get`, and in the transcript).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use webchat_e2e::guest::Guest;
use webchat_e2e::net::Proxy;
use webchat_e2e::page::{capture_events, config, load_widget_runtime, must, open_host_page};
use webchat_e2e::{Browser, Server, ServerOptions, Site, Widget, WAIT};

/// Generous limits so that retries never hit the rate limit or the history cap.
fn server_config() -> Value {
    json!({"channelWeb": {"maxMessagesHistory": 200, "rateLimit": {"enabled": false}}})
}

fn server(site: &Site) -> Server {
    Server::start_with(
        None,
        ServerOptions {
            config: Some(server_config()),
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    )
}

fn open_chat(b: &Browser, origin: &str, user_id: &str) -> Widget {
    open_host_page(b, origin);
    load_widget_runtime(b);
    capture_events(b);
    must(
        b,
        "init",
        json!([config(origin, json!({"userId": user_id}))]),
    );
    b.wait_for(
        "webchatReady",
        "window.__posts.some(p => p.name === 'webchatReady')",
    );
    let w = Widget::default_one();
    w.open(b);
    w
}

/// Polls the server until the user's stored texts equal `expected`; fails with what it saw.
fn wait_stored(server_url: &str, user_id: &str, expected: &[&str]) {
    let guest = Guest::connect(server_url, "welcome-bot", user_id);
    let deadline = Instant::now() + WAIT;
    loop {
        let got = guest.user_texts();
        if got == expected {
            return;
        }
        let too_many = expected
            .iter()
            .any(|e| got.iter().filter(|g| g == e).count() > 1);
        assert!(
            !too_many && Instant::now() < deadline,
            "stored user messages {got:?}, expected exactly {expected:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Each text appears exactly once as a user bubble, in this order, and nothing is left pending.
fn assert_transcript(b: &Browser, w: &Widget, expected: &[&str]) {
    let state = format!(
        "return [...{}.querySelectorAll('[data-testid=\"message\"][data-from=\"user\"]')]\
           .map(m => [m.textContent.trim(), m.dataset.delivery || 'stored']);",
        w.root()
    );
    let deadline = Instant::now() + WAIT;
    loop {
        let rows = b.exec(&state, json!([]));
        let rows: Vec<(String, String)> = serde_json::from_value(rows).expect("[[text, delivery]]");
        let texts: Vec<&str> = rows.iter().map(|(t, _)| t.as_str()).collect();
        // a pending bubble is labelled ("Sending…"), so it only matches once it is stored
        if texts == expected && rows.iter().all(|(_, d)| d == "stored" || d == "sent") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "user bubbles {rows:?} (text, delivery), expected exactly {expected:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn server_killed_and_restarted_mid_conversation_loses_and_duplicates_nothing() {
    let site = Site::new();
    let mut server = server(&site);
    let user_id = "e2e-restart-user-0123456789";
    let b = Browser::start();
    let w = open_chat(&b, &server.url, user_id);
    w.say(&b, "before the crash");
    w.wait_reply(&b, "before the crash", "You said: before the crash");

    server.kill();
    b.wait_for(
        "the connection banner",
        &format!(
            "({0}) && {0}.textContent.trim().length > 0",
            w.q("connection-banner")
        ),
    );
    w.say(&b, "typed while down 1");
    w.say(&b, "typed while down 2");
    w.wait_message(&b, "user", "typed while down 2");

    server.restart();
    w.wait_reply(&b, "typed while down 2", "You said: typed while down 2");
    w.say(&b, "after the restart");
    w.wait_reply(&b, "after the restart", "You said: after the restart");

    let expected = [
        "before the crash",
        "typed while down 1",
        "typed while down 2",
        "after the restart",
    ];
    wait_stored(&server.url, user_id, &expected);
    assert_transcript(&b, &w, &expected);
    // Expected while the server is down: the browser logs failed socket/fetch attempts.
    b.assert_console_errors_only(&[
        "ERR_CONNECTION_REFUSED",
        "WebSocket connection to",
        "Failed to fetch",
    ]);
}

#[test]
fn websocket_cut_by_the_network_reconnects_and_keeps_order() {
    let site = Site::new();
    let server = server(&site);
    let proxy = Proxy::start(&server.url);
    let user_id = "e2e-socket-drop-user-0123456";
    let b = Browser::start();
    let w = open_chat(&b, &proxy.url, user_id);
    w.say(&b, "first");
    w.wait_reply(&b, "first", "You said: first");

    assert_eq!(proxy.drop_websockets(), 1, "one socket to cut");
    w.say(&b, "second");
    w.say(&b, "third");
    w.wait_reply(&b, "third", "You said: third");
    assert_eq!(proxy.open_websockets(), 1, "reconnected with one socket");

    // a second cut, then a message on the new connection (a cut while a message is in flight is
    // e2e/tests/socket_cut_in_flight.rs)
    assert_eq!(proxy.drop_websockets(), 1, "one socket to cut again");
    w.say(&b, "fourth");
    w.wait_reply(&b, "fourth", "You said: fourth");

    let expected = ["first", "second", "third", "fourth"];
    wait_stored(&server.url, user_id, &expected);
    assert_transcript(&b, &w, &expected);
    // Expected: a WebSocket closed by the network may be logged by the browser.
    b.assert_console_errors_only(&["WebSocket connection to"]);
}

#[test]
fn messages_answering_500_twice_are_retried_by_the_widget_and_stored_once_in_order() {
    let site = Site::new();
    let server = server(&site);
    let proxy = Proxy::start(&server.url);
    let user_id = "e2e-http-500-user-012345678";
    let b = Browser::start();
    let w = open_chat(&b, &proxy.url, user_id);

    // 1st attempt: refused before the server sees it; 2nd: the server stores it, the answer is lost
    proxy.fail("POST", "/mod/channel-web/messages", 1, false);
    proxy.fail("POST", "/mod/channel-web/messages", 1, true);
    w.say(&b, "alpha");
    // no further user action: the widget retries the same clientMessageId by itself
    w.wait_reply(&b, "alpha", "You said: alpha");
    wait_faults(&proxy, 2);
    w.say(&b, "beta");
    w.say(&b, "gamma");
    w.wait_reply(&b, "gamma", "You said: gamma");

    let expected = ["alpha", "beta", "gamma"];
    wait_stored(&server.url, user_id, &expected);
    assert_transcript(&b, &w, &expected);
    for said in expected {
        let reply = format!("You said: {said}");
        w.wait_message(&b, "bot", &reply);
        assert_eq!(
            w.messages(&b)
                .iter()
                .filter(|(f, t)| f == "bot" && t.contains(&reply))
                .count(),
            1,
            "the bot answered {said:?} once"
        );
    }
    // Expected: the browser logs the two injected 500 answers.
    let seen = b.assert_console_errors_only(&["status of 500"]);
    assert!(!seen.is_empty(), "the 500s were not seen by the page");
}

/// Waits until the proxy injected `n` faults.
fn wait_faults(proxy: &Proxy, n: usize) {
    let deadline = Instant::now() + WAIT;
    while proxy.failed().len() < n {
        assert!(
            Instant::now() < deadline,
            "only {:?} faults injected, expected {n}",
            proxy.failed()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_reload_with_an_unsent_message_loses_nothing() {
    let site = Site::new();
    let server = server(&site);
    let proxy = Proxy::start(&server.url);
    let user_id = "e2e-reload-outbox-user-0123";
    let b = Browser::start();
    let w = open_chat(&b, &proxy.url, user_id);
    w.say(&b, "sent before");
    w.wait_reply(&b, "sent before", "You said: sent before");

    // the API keeps failing: the message stays in the outbox
    proxy.fail("POST", "/mod/channel-web/messages", 10_000, false);
    w.say(&b, "unsent at reload");
    wait_faults(&proxy, 1);
    let w = open_chat(&b, &proxy.url, user_id); // reload the page
    proxy.clear_faults();
    w.wait_reply(&b, "unsent at reload", "You said: unsent at reload");

    let expected = ["sent before", "unsent at reload"];
    wait_stored(&server.url, user_id, &expected);
    assert_transcript(&b, &w, &expected);
    // Expected: the browser logs the injected 500 answers.
    b.assert_console_errors_only(&["status of 500"]);
}

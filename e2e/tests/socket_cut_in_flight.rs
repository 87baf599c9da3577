//! Issue 4, "every message typed arrives exactly once": the socket dies while a message is in flight.
//! The server stores the message and answers the POST, but its socket echo is lost with the dead
//! connection. After reconnecting, the widget reloads the history (which has the message): the
//! stored copy must replace the pending bubble, so the transcript shows the message once. The
//! proxy swallows the echo, then cuts, so the race is deterministic.

use std::time::{Duration, Instant};

use serde_json::json;
use webchat_e2e::guest::Guest;
use webchat_e2e::net::Proxy;
use webchat_e2e::page::{capture_events, config, load_widget_runtime, must, open_host_page};
use webchat_e2e::{Browser, Server, ServerOptions, Site, Widget, WAIT};

#[test]
fn a_message_whose_echo_died_with_the_socket_shows_once() {
    let site = Site::new();
    let server = Server::start_with(
        None,
        ServerOptions {
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    );
    let proxy = Proxy::start(&server.url);
    let user_id = "e2e-in-flight-user-01234567";
    let b = Browser::start();
    open_host_page(&b, &proxy.url);
    load_widget_runtime(&b);
    capture_events(&b);
    must(
        &b,
        "init",
        json!([config(&proxy.url, json!({"userId": user_id}))]),
    );
    let w = Widget::default_one();
    w.open(&b);
    w.say(&b, "first");
    w.wait_reply(&b, "first", "You said: first");

    proxy.freeze_websockets();
    w.say(&b, "second");
    // stored on the server, and the widget got its 200
    let guest = Guest::connect(&server.url, "welcome-bot", user_id);
    let deadline = Instant::now() + WAIT;
    while guest.user_texts() != ["first", "second"] {
        assert!(
            Instant::now() < deadline,
            "never stored: {:?}",
            guest.user_texts()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(guest);
    b.wait_for(
        "the pending bubble marked sent",
        &format!(
            "[...{}.querySelectorAll('[data-delivery=\"sent\"]')].length === 1",
            w.root()
        ),
    );
    proxy.drop_websockets();
    w.wait_reply(&b, "second", "You said: second");
    b.wait_for(
        "one bubble per message",
        &format!(
            "JSON.stringify({}.filter(m => m.from === 'user').map(m => m.text)) === '[\"first\",\"second\"]'",
            w.messages_js()
        ),
    );
    b.assert_console_errors_only(&["WebSocket connection to"]);
}

//! PENDING (not compiled: the widget does not do this yet). Copy into `e2e/tests/` to run.
//!
//! Issue 4: `/messages` answering 500 twice must not need the user to act: the widget retries the
//! pending message by itself (backoff), and it is stored once. Today a 5xx is "transient" and the
//! outbox stops until the socket reconnects or another message is sent, so "alpha" stays
//! "Sending…" forever on a healthy connection.

use serde_json::json;
use webchat_e2e::net::Proxy;
use webchat_e2e::page::{capture_events, config, load_widget_runtime, must, open_host_page};
use webchat_e2e::{Browser, Server, ServerOptions, Site, Widget};

#[test]
fn a_message_refused_with_500_twice_is_retried_without_user_action() {
    let site = Site::new();
    let server = Server::start_with(
        None,
        ServerOptions {
            config: Some(json!({"channelWeb": {"rateLimit": {"enabled": false}}})),
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    );
    let proxy = Proxy::start(&server.url);
    let b = Browser::start();
    open_host_page(&b, &proxy.url);
    load_widget_runtime(&b);
    capture_events(&b);
    must(&b, "init", json!([config(&proxy.url, json!({}))]));
    let w = Widget::default_one();
    w.open(&b);

    proxy.fail("POST", "/mod/channel-web/messages", 1, false);
    proxy.fail("POST", "/mod/channel-web/messages", 1, true);
    w.say(&b, "alpha");
    w.wait_reply(&b, "alpha", "You said: alpha");
    assert_eq!(proxy.failed().len(), 2, "both faults were hit");
    assert_eq!(w.count(&b, "user", "alpha"), 1);
    // Expected: the browser logs the two injected 500 answers.
    b.assert_console_errors_only(&["status of 500"]);
}

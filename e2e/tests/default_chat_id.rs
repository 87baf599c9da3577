//! botpress-protocols.md §1.3: `chatId` defaults to `bp-web-widget`, and the lifecycle messages
//! (§1.2, `{name, chatId}`) and `onEvent` events name it.

use serde_json::json;
use webchat_e2e::page::{capture_events, config, load_widget_runtime, must, open_host_page};
use webchat_e2e::{Browser, Server, ServerOptions, Site};

#[test]
fn the_default_widget_reports_chat_id_bp_web_widget() {
    let site = Site::new();
    let server = Server::start_with(
        None,
        ServerOptions {
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    );
    let b = Browser::start();
    open_host_page(&b, &server.url);
    load_widget_runtime(&b);
    capture_events(&b);
    must(&b, "init", json!([config(&server.url, json!({}))]));
    b.wait_for(
        "webchatReady",
        "window.__posts.some(p => p.name === 'webchatReady')",
    );
    let ids = b.exec(
        "return [...new Set(window.__posts.map(p => p.chatId).concat(window.__events.map(e => e.chatId)))]",
        json!([]),
    );
    assert_eq!(ids, json!(["bp-web-widget"]));
    b.assert_no_console_errors();
}

//! PENDING (not compiled: the widget does not do this yet). Copy into `e2e/tests/` to run.
//!
//! botpress-protocols.md §1.2: `sendEvent({type:'toggleBotInfo'})` shows and hides the bot
//! information page (name, description, details from `/botInfo`). Today the widget accepts the call
//! and does nothing (`event_command` maps it to no command); there is no bot-info view. The test
//! assumes a `data-testid="bot-info"` hook inside the panel.

use serde_json::json;
use webchat_e2e::page::{capture_events, config, load_widget_runtime, must, open_host_page};
use webchat_e2e::{Browser, Server, ServerOptions, Site, Widget};

#[test]
fn toggle_bot_info_shows_and_hides_the_bot_info_page() {
    let site = Site::new();
    let server = Server::start_with(
        None,
        ServerOptions {
            config: Some(json!({"bots": [{"id": "welcome-bot", "name": "Welcome Bot",
                "description": "The webchat demo bot", "demo": true}]})),
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    );
    let b = Browser::start();
    open_host_page(&b, &server.url);
    load_widget_runtime(&b);
    capture_events(&b);
    must(&b, "init", json!([config(&server.url, json!({}))]));
    let w = Widget::default_one();
    w.open(&b);
    must(&b, "sendEvent", json!([{"type": "toggleBotInfo"}]));
    b.wait_for(
        "the bot info page with the bot's description",
        &format!("({0}) && {0}.textContent.includes('The webchat demo bot')", w.q("bot-info")),
    );
    must(&b, "sendEvent", json!([{"type": "toggleBotInfo"}]));
    b.wait_for("the bot info page gone", &format!("!{}", w.q("bot-info")));
    w.el(&b, "composer");
    b.assert_no_console_errors();
}

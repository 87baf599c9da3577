//! Accessibility: an axe-core scan (npm `axe-core@4`, installed into `.tools/` by
//! `cargo xtask setup|test`) of the open widget showing every message type, run on the widget's
//! host element so axe walks its open shadow root. Zero violations allowed.

use webchat_e2e::axe::scan;
use webchat_e2e::{Browser, Server};

#[test]
fn the_open_widget_with_every_message_type_has_no_axe_violations() {
    let server = Server::start();
    let browser = Browser::start();
    browser.open_demo(&server);
    browser.show_all_types();
    browser.wait_for_all_renderers();

    let result = scan(&browser);
    assert!(result.get("error").is_none(), "axe failed: {result}");
    assert!(
        result["passes"].as_u64().unwrap_or(0) > 10,
        "axe checked almost nothing (did it see the shadow root?): {result}"
    );
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{} axe violations:\n{}",
        violations.len(),
        serde_json::to_string_pretty(&violations).unwrap_or_default()
    );
    browser.assert_no_console_errors();
}

#[test]
fn the_closed_launcher_with_unread_messages_has_no_axe_violations() {
    let server = Server::start();
    let browser = Browser::start();
    browser.goto(&format!("{}/", server.url));
    // The demo bot greets on `visit`: the closed launcher shows an unread count.
    browser.wait_for(
        "the unread badge",
        &format!(
            "{}.querySelector('[data-testid=\"unread-badge\"]')",
            webchat_e2e::widget_root_js()
        ),
    );
    let result = scan(&browser);
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    assert!(
        result.get("error").is_none() && violations.is_empty(),
        "axe: {}",
        serde_json::to_string_pretty(&result).unwrap_or_default()
    );
    browser.assert_no_console_errors();
}

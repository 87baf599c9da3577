//! Accessibility: axe-core scans (npm `axe-core@4`, installed into `.tools/` by
//! `cargo xtask setup|test`) of the widget, run on its host element so axe walks the open shadow
//! root. Zero violations allowed. This one covers the open conversation; `a11y_all_types.rs` scans
//! every message type of `all` and the closed launcher with unread messages.

use serde_json::{json, Value};
use webchat_e2e::axe::scan;
use webchat_e2e::{Browser, Server};

fn assert_clean(result: &Value) {
    assert!(result.get("error").is_none(), "axe failed: {result}");
    assert!(
        result["passes"].as_u64().unwrap_or(0) > 5,
        "axe checked almost nothing (did it see the shadow root?): {result}"
    );
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{} axe violations:\n{}",
        violations.len(),
        serde_json::to_string_pretty(&violations).unwrap_or_default()
    );
}

#[test]
fn the_open_conversation_has_no_axe_violations() {
    let server = Server::start();
    let browser = Browser::start();
    browser.goto(&format!("{}/", server.url));
    let launcher = browser.widget_el("launcher");
    browser.click(&launcher);
    browser.widget_el("panel");
    // Text, markdown (help), media, a carousel, a dropdown and quick replies, each as the last message.
    for (say, marker) in [
        ("help", "Type one of these keywords"),
        ("image", "The welcome picture"),
        ("carousel", "Card 3"),
        ("dropdown", "Pick a content type"),
        ("choice", "Do you like this demo?"),
    ] {
        browser.say(say);
        browser.wait_for(
            &format!("the answer to {say}"),
            &format!(
                "[...{}.querySelectorAll('[data-testid=\"message\"][data-from=\"bot\"]')].some(m => m.textContent.includes({}))",
                webchat_e2e::widget_root_js(),
                json!(marker)
            ),
        );
    }
    browser.wait_for(
        "images to load",
        &format!(
            "[...{}.querySelectorAll('img')].every(i => i.complete)",
            webchat_e2e::widget_root_js()
        ),
    );
    assert_clean(&scan(&browser));
    browser.assert_no_console_errors();
}

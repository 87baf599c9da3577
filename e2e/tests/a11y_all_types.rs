//! Accessibility: an axe-core scan (npm `axe-core@4`, installed into `.tools/` by
//! `cargo xtask setup|test`) of the open widget showing every message type, run on the widget's
//! host element so axe walks its open shadow root. Zero violations allowed.

use serde_json::{json, Value};
use webchat_e2e::{repo_root, Browser, Server};

fn axe_source() -> String {
    let path = repo_root().join(".tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); run `cargo xtask setup` (or `npm install --no-save --prefix .tools axe-core@4`)",
            path.display()
        )
    })
}

/// Runs axe on the widget host and returns `{violations, passes, incomplete}` (violations in detail).
fn scan(browser: &Browser) -> Value {
    let loaded = browser.exec(
        &format!("{}\n;return typeof window.axe;", axe_source()),
        json!([]),
    );
    assert_eq!(loaded, "object", "axe-core did not load");
    browser.exec_async(
        "const done = arguments[arguments.length - 1];\
         const host = document.getElementById('bp-web-widget');\
         window.axe.run(host, {resultTypes: ['violations']}).then(r => done({\
           passes: r.passes.length, incomplete: r.incomplete.length,\
           violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,\
             nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200), summary: n.failureSummary}))}))\
         }), e => done({error: String(e)}));",
        json!([]),
    )
}

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

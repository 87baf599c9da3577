//! The widget under the full policy of `public/csp.html`:
//! no `unsafe-inline`, no `unsafe-eval`, only same-origin scripts, styles, images and media, and
//! `require-trusted-types-for 'script'`. Every violation is collected by `public/csp.js` in
//! `window.__violations`.

use serde_json::json;
use webchat_e2e::{widget_root_js, Browser, Server};

#[test]
fn the_chat_works_under_a_strict_csp_with_trusted_types_and_zero_violations() {
    let server = Server::start();
    let browser = Browser::start();
    browser.goto(&format!("{}/csp.html", server.url));
    let policy = browser.exec(
        "const m = document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]');\
         return m ? m.content : null;",
        json!([]),
    );
    let policy = policy.as_str().expect("csp.html carries its policy");
    for directive in [
        "default-src 'self';",
        "script-src 'self' 'wasm-unsafe-eval';",
        "style-src 'self';",
        "img-src 'self' data:;",
        "media-src 'self';",
        "require-trusted-types-for 'script'",
    ] {
        assert!(
            policy.contains(directive),
            "policy lacks {directive}: {policy}"
        );
    }
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"),
        "{policy}"
    );

    browser.wait_for("the collector", "Array.isArray(window.__violations)");
    browser.wait_for(
        "the widget under CSP",
        "window.botpressWebChat && window.botpressWebChat.ready === true",
    );
    let root = widget_root_js();
    // A blocked DOM write leaves the widget half-mounted: stop at the first violation and show it.
    browser.wait_for(
        "the launcher, or a violation",
        &format!(
            "window.__violations.length > 0 || ({root} && {root}.querySelector('[data-testid=\"launcher\"]'))"
        ),
    );
    let early = browser.exec("return window.__violations;", json!([]));
    assert_eq!(early, json!([]), "violations while mounting the widget");
    let launcher = browser.widget_el("launcher");
    browser.click(&launcher);
    browser.widget_el("panel");
    browser.register_demo_greeting();
    browser.say("hello there");
    browser.wait_for(
        "the bot's answer",
        &format!(
            "[...{root}.querySelectorAll('[data-testid=\"message\"][data-from=\"bot\"]')]\
             .some(m => m.textContent.includes('You said: hello there'))"
        ),
    );
    browser.show_all_types();
    browser.wait_for_all_renderers();
    // The bot-information page and the typing indicator are built on other code paths.
    let toggle = browser.widget_el("bot-info-toggle");
    browser.click(&toggle);
    browser.wait_for(
        "the bot-information page",
        &format!("{root}.querySelector('[data-testid=\"bot-info-toggle\"]').getAttribute('aria-pressed') === 'true'"),
    );
    browser.click(&toggle);

    let violations = browser.exec("return window.__violations;", json!([]));
    assert_eq!(violations, json!([]), "CSP / Trusted Types violations");
    browser.assert_no_console_errors();
}

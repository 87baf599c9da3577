//! The walking skeleton, end to end: the demo page as a new user sees it.

use webchat_e2e::{widget_root_js, Browser, Server};

#[test]
fn visitor_says_hello_and_the_demo_bot_answers() {
    let server = Server::start();
    let browser = Browser::start();
    browser.goto(&format!("{}/", server.url));

    // The page embeds the widget the v12 way; the loader defines the global at once.
    browser.wait_for(
        "the v12 global",
        "window.botpressWebChat && typeof window.botpressWebChat.init === 'function'",
    );

    let launcher = browser.widget_el("launcher");
    browser.click(&launcher);
    browser.widget_el("panel");
    let composer = browser.widget_el("composer");
    browser.type_into(&composer, "hello\u{E007}");

    let root = widget_root_js();
    let user_bubble = format!(
        "[...{root}.querySelectorAll('[data-testid=\"message\"][data-from=\"user\"]')]\
         .some(m => m.textContent.includes('hello'))"
    );
    browser.wait_for("the user's bubble", &user_bubble);
    // The bot answers: a bot message appears after the user's bubble.
    let bot_reply = format!(
        "(() => {{ const ms = [...{root}.querySelectorAll('[data-testid=\"message\"]')];\
           const u = ms.findIndex(m => m.dataset.from === 'user' && m.textContent.includes('hello'));\
           return u >= 0 && ms.slice(u + 1).some(m => m.dataset.from === 'bot' && m.textContent.trim().length > 0); }})()"
    );
    browser.wait_for("the bot's reply after the user's bubble", &bot_reply);

    // The composer is cleared after sending, and the page logged no error at any point.
    let draft = browser.exec(
        &format!("return {root}.querySelector('[data-testid=\"composer\"]').value"),
        serde_json::json!([]),
    );
    assert_eq!(draft, "", "composer keeps the sent text");
    browser.assert_no_console_errors();
}

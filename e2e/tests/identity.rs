//! Who the visitor is: external auth tokens (botpress-protocols.md §1.6, seed 000: `externalAuthToken`,
//! the `update_profile` hook), a custom `userId` shared across browsers (§1.3, §1.7), history kept
//! across reloads, and two widgets on one page (`chatId`).

use serde_json::{json, Value};
use webchat_e2e::jwt::{external_auth_config, hs256, SECRET};
use webchat_e2e::net::Proxy;
use webchat_e2e::page::{capture_events, config, load_widget_runtime, must, open_host_page};
use webchat_e2e::{Browser, Server, ServerOptions, Site, Widget};

fn server(site: &Site, cfg: Option<Value>) -> Server {
    Server::start_with(
        None,
        ServerOptions {
            config: cfg,
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    )
}

/// Host page, runtime, onEvent recorder, `init(cfg)`, then the panel opened.
fn open_chat(b: &Browser, origin: &str, cfg: Value) -> Widget {
    open_host_page(b, origin);
    load_widget_runtime(b);
    capture_events(b);
    must(b, "init", json!([cfg]));
    b.wait_for(
        "webchatReady",
        "window.__posts.some(p => p.name === 'webchatReady')",
    );
    let w = Widget::default_one();
    w.open(b);
    w
}

#[test]
fn external_auth_token_profile_greets_by_first_name_and_configure_swaps_the_token() {
    let site = Site::new();
    let server = server(&site, Some(external_auth_config()));
    // through the proxy, which records every request head
    let proxy = Proxy::start(&server.url);
    let b = Browser::start();
    let ada = hs256(SECRET, &json!({"firstname": "Ada", "lastname": "Lovelace"}));
    let w = open_chat(
        &b,
        &proxy.url,
        config(&proxy.url, json!({"externalAuthToken": ada})),
    );

    must(&b, "sendEvent", json!([{"type": "update_profile"}]));
    w.say(&b, "hello");
    w.wait_reply(&b, "hello", "Hi Ada");

    // a new token mid-conversation
    let grace = hs256(SECRET, &json!({"firstname": "Grace", "lastname": "Hopper"}));
    must(&b, "configure", json!([{"externalAuthToken": grace}]));
    must(&b, "sendEvent", json!([{"type": "update_profile"}]));
    w.say(&b, "hi");
    w.wait_reply(&b, "hi", "Hi Grace");

    // the token never reaches the page-visible config, storage or the URL
    let leaks = b.exec(
        "const t = arguments[0];\
         const inStorage = Object.keys(localStorage).some(k => (localStorage.getItem(k) || '').includes(t))\
           || Object.keys(sessionStorage).some(k => (sessionStorage.getItem(k) || '').includes(t));\
         const inPosts = window.__posts.some(p => JSON.stringify(p).includes(t));\
         const inEvents = window.__events.some(e => JSON.stringify(e).includes(t));\
         return { inStorage, inPosts, inEvents, inUrl: location.href.includes(t) };",
        json!([grace]),
    );
    assert_eq!(
        leaks,
        json!({"inStorage": false, "inPosts": false, "inEvents": false, "inUrl": false})
    );
    assert_eq!(
        b.exec(
            "return window.__events.filter(e => e.type === 'ERROR').length",
            json!([])
        ),
        0,
        "a valid token produced an ERROR event"
    );
    // §1.6: the token travels in `X-BP-ExternalAuth: Bearer`, never in a URL
    let heads = proxy.request_heads();
    for token in [&ada, &grace] {
        assert!(
            !heads.iter().any(|h| h
                .lines()
                .next()
                .unwrap_or_default()
                .contains(token.as_str())),
            "a token in a request line"
        );
        let bearer = format!("bearer {}", token.to_ascii_lowercase());
        assert!(
            heads.iter().any(|h| h.starts_with("POST ")
                && h.contains("/messages")
                && h.to_ascii_lowercase()
                    .lines()
                    .any(|l| l.starts_with("x-bp-externalauth:") && l.ends_with(&bearer))),
            "no /messages request carried the token as X-BP-ExternalAuth"
        );
    }
    b.assert_no_console_errors();
}

#[test]
fn invalid_token_gives_an_error_event_and_the_chat_works_unauthenticated() {
    let site = Site::new();
    let server = server(&site, Some(external_auth_config()));
    let b = Browser::start();
    let forged = hs256(
        "not-the-shared-secret-not-the-shared-secret-not-the-shared-secret-not-the-shared-secret-not-the-shared-secret-not-the-shared-secret-xx",
        &json!({"firstname": "Mallory"}),
    );
    let proxy = Proxy::start(&server.url);
    let w = open_chat(
        &b,
        &proxy.url,
        config(&proxy.url, json!({"externalAuthToken": forged})),
    );
    must(&b, "sendEvent", json!([{"type": "update_profile"}]));
    let err = b.wait_for(
        "an ERROR event",
        "window.__events.find(e => e.type === 'ERROR')",
    );
    assert_eq!(err["value"]["code"], "BP_0401", "error event {err}");

    w.say(&b, "hello");
    w.wait_reply(&b, "hello", "Hi, welcome");
    assert!(
        !w.messages(&b).iter().any(|(_, t)| t.contains("Mallory")),
        "the forged name reached the bot"
    );
    w.say(&b, "still here");
    w.wait_reply(&b, "still here", "You said: still here");
    // after the 401 the token is dropped from later requests (§1.6): "still here" went without it
    let heads = proxy.request_heads();
    let last_message = heads
        .iter()
        .rev()
        .find(|h| h.starts_with("POST ") && h.contains("/messages"))
        .expect("a /messages request");
    assert!(
        !last_message
            .to_ascii_lowercase()
            .contains("x-bp-externalauth"),
        "the rejected token is still sent: {last_message}"
    );
    assert!(
        heads.iter().any(|h| h
            .to_ascii_lowercase()
            .contains(&forged.to_ascii_lowercase())),
        "the forged token was never sent"
    );
    // Expected: the browser logs the rejected request itself ("... status of 401").
    let allowed = b.assert_console_errors_only(&["401"]);
    assert!(
        !allowed.is_empty(),
        "no 401 seen: was the forged token ever sent?"
    );
}

#[test]
fn the_same_long_user_id_in_two_browsers_sees_one_history_and_reload_keeps_it() {
    let site = Site::new();
    let server = server(&site, None);
    let user_id = "e2e-shared-user-id-0123456789";
    assert!(user_id.len() >= 24);
    let cfg = config(&server.url, json!({"userId": user_id}));

    let a = Browser::start();
    let wa = open_chat(&a, &server.url, cfg.clone());
    wa.say(&a, "written in browser A");
    wa.wait_reply(&a, "written in browser A", "You said: written in browser A");

    let b = Browser::start(); // a different profile: no shared storage
    let wb = open_chat(&b, &server.url, cfg.clone());
    wb.wait_message(&b, "user", "written in browser A");
    wb.say(&b, "written in browser B");
    wb.wait_reply(&b, "written in browser B", "You said: written in browser B");
    // A is live on the same visitor: it sees B's message without reloading
    wa.wait_message(&a, "user", "written in browser B");

    for (br, w) in [(&a, &wa), (&b, &wb)] {
        assert_eq!(w.count(br, "user", "written in browser A"), 1);
        assert_eq!(w.count(br, "user", "written in browser B"), 1);
        assert_eq!(
            br.exec(
                "return (window.__events.find(e => e.type === 'USER.CONNECTED') || {value:{}}).value.userId",
                json!([])
            ),
            user_id,
            "the long userId is the visitor id"
        );
    }

    // reload: the history comes back from the server, once
    let wa = open_chat(&a, &server.url, cfg);
    wa.wait_message(&a, "user", "written in browser B");
    assert_eq!(wa.count(&a, "user", "written in browser A"), 1);
    assert_eq!(wa.count(&a, "user", "written in browser B"), 1);
    a.assert_no_console_errors();
    b.assert_no_console_errors();
}

#[test]
fn reload_keeps_the_history_of_an_anonymous_visitor() {
    let site = Site::new();
    let server = server(&site, None);
    let b = Browser::start();
    let w = open_chat(&b, &server.url, config(&server.url, json!({})));
    w.say(&b, "remember me");
    w.wait_reply(&b, "remember me", "You said: remember me");
    let first = b.exec(
        "return window.__events.find(e => e.type === 'USER.CONNECTED').value.userId",
        json!([]),
    );

    let w = open_chat(&b, &server.url, config(&server.url, json!({})));
    w.wait_reply(&b, "remember me", "You said: remember me");
    assert_eq!(w.count(&b, "user", "remember me"), 1);
    let second = b.exec(
        "return (window.__events.find(e => e.type === 'USER.CONNECTED') || {value:{}}).value.userId",
        json!([]),
    );
    assert_eq!(first, second, "the visitor id survives a reload");
    b.assert_no_console_errors();
}

#[test]
fn two_widgets_on_one_page_keep_their_own_transcripts() {
    let site = Site::new();
    let server = server(
        &site,
        Some(json!({"bots": [
            {"id": "welcome-bot", "name": "Alpha bot", "demo": true},
            {"id": "second-bot", "name": "Beta bot", "demo": true}
        ]})),
    );
    let b = Browser::start();
    open_host_page(&b, &server.url);
    load_widget_runtime(&b);
    capture_events(&b);
    // the site places its two widgets side by side (a transform makes each host the containing
    // block of its fixed-position launcher and panel)
    b.exec(
        "const s = document.createElement('style');\
         s.textContent = '#alpha-container { position: fixed; top: 0; bottom: 0; left: 0; width: 50%; transform: translateZ(0); }\
           #beta-container { position: fixed; top: 0; bottom: 0; right: 0; width: 50%; transform: translateZ(0); }';\
         document.head.appendChild(s); return true;",
        json!([]),
    );
    must(
        &b,
        "init",
        json!([config(&server.url, json!({"chatId": "alpha"}))]),
    );
    must(
        &b,
        "init",
        json!([{"host": server.url, "botId": "second-bot", "chatId": "beta"}]),
    );
    b.wait_for(
        "both widgets ready",
        "['alpha', 'beta'].every(c => window.__posts.some(p => p.name === 'webchatReady' && p.chatId === c))",
    );
    let alpha = Widget::with_chat_id("alpha");
    let beta = Widget::with_chat_id("beta");

    alpha.open(&b);
    alpha.say(&b, "to alpha");
    alpha.wait_reply(&b, "to alpha", "You said: to alpha");
    must(&b, "sendEvent", json!([{"type": "show"}, "beta"]));
    beta.el(&b, "panel");
    must(
        &b,
        "sendEvent",
        json!([{"type": "message", "text": "to beta"}, "beta"]),
    );
    beta.wait_reply(&b, "to beta", "You said: to beta");

    assert_eq!(
        alpha.count(&b, "user", "to beta"),
        0,
        "beta's message in alpha"
    );
    assert_eq!(
        beta.count(&b, "user", "to alpha"),
        0,
        "alpha's message in beta"
    );
    assert_eq!(alpha.count(&b, "user", "to alpha"), 1);
    assert_eq!(beta.count(&b, "user", "to beta"), 1);
    // events name their widget
    let sent = b.exec(
        "return window.__events.filter(e => e.type === 'MESSAGE.SENT').map(e => [e.chatId, e.value.text])",
        json!([]),
    );
    assert_eq!(sent, json!([["alpha", "to alpha"], ["beta", "to beta"]]));

    // destroying one leaves the other working
    must(&b, "destroy", json!(["beta"]));
    b.wait_for("beta removed", "!document.getElementById('beta-container')");
    alpha.say(&b, "alpha alone");
    alpha.wait_reply(&b, "alpha alone", "You said: alpha alone");

    // destroy('*') removes every widget and closes every socket
    must(&b, "destroy", json!(["*"]));
    b.wait_for(
        "no widget left, every socket closed",
        "!document.getElementById('alpha-container') && !document.getElementById('beta-container')\
         && window.__sockets.length >= 2 && window.__sockets.every(s => s.readyState === 3)",
    );
    b.assert_no_console_errors();
}

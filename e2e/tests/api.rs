//! `window.botpressWebChat` end to end, called exactly as a website calls it (botpress-protocols.md
//! §1.2, §1.3; `onEvent`/`destroy` from §3.2): init, configure, mergeConfig, sendEvent, sendPayload,
//! onEvent, destroy, the lifecycle `postMessage`s, the call queue and argument validation.

use serde_json::{json, Value};
use webchat_e2e::net::{HookSink, Proxy};
use webchat_e2e::page::{call, capture_events, config, load_widget_runtime, must, open_host_page};
use webchat_e2e::{Browser, Server, ServerOptions, Site, Widget};

/// A server serving the test pages, with an optional config.
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

/// A server whose bot is a webhook we record (the demo dialog stays quiet then).
fn server_with_hook(site: &Site, sink: &HookSink) -> Server {
    server(
        site,
        Some(json!({"messaging": {
            "clientId": "e2e-client", "clientToken": "e2e-token", "webhooks": [sink.url]
        }})),
    )
}

/// Host page + runtime + onEvent recorder, then `init(cfg)`; waits for `webchatReady`.
fn ready_page(b: &Browser, origin: &str, cfg: Value) {
    open_host_page(b, origin);
    load_widget_runtime(b);
    capture_events(b);
    must(b, "init", json!([cfg]));
    b.wait_for(
        "webchatReady",
        "window.__posts.some(p => p.name === 'webchatReady')",
    );
}

fn js(b: &Browser, expr: &str) -> Value {
    b.exec(&format!("return {expr};"), json!([]))
}

/// The visitor id the widget reported with `USER.CONNECTED`.
fn visitor_id(b: &Browser) -> String {
    b.wait_for(
        "USER.CONNECTED",
        "(window.__events.find(e => e.type === 'USER.CONNECTED') || {value: {}}).value.userId",
    )
    .as_str()
    .expect("userId is a string")
    .to_string()
}

#[test]
fn init_into_a_selector_and_lifecycle_messages_to_the_page_origin() {
    let site = Site::new();
    let server = server(&site, None);
    let b = Browser::start();
    open_host_page(&b, &server.url);
    load_widget_runtime(&b);
    capture_events(&b);
    must(&b, "init", json!([config(&server.url, json!({})), "#slot"]));

    // init(config, selector): the host element goes inside the selector's element, with a shadow root
    b.wait_for(
        "the widget inside #slot",
        "(document.querySelector('#slot > #bp-web-widget') || {}).shadowRoot",
    );
    b.wait_for(
        "webchatReady",
        "window.__posts.some(p => p.name === 'webchatReady')",
    );
    let w = Widget::default_one();
    assert_eq!(
        js(&b, &format!("!!{}", w.q("panel"))),
        json!(false),
        "the panel starts closed"
    );

    must(&b, "sendEvent", json!([{"type": "show"}]));
    b.wait_for("panel after show", &w.q("panel"));
    b.wait_for(
        "webchatOpened",
        "window.__posts.some(p => p.name === 'webchatOpened')",
    );
    must(&b, "sendEvent", json!([{"type": "hide"}]));
    b.wait_for("no panel after hide", &format!("!{}", w.q("panel")));
    b.wait_for(
        "webchatClosed",
        "window.__posts.some(p => p.name === 'webchatClosed')",
    );
    must(&b, "sendEvent", json!([{"type": "toggle"}]));
    b.wait_for("panel after toggle", &w.q("panel"));
    must(&b, "sendEvent", json!([{"type": "toggle"}]));
    b.wait_for("no panel after toggle", &format!("!{}", w.q("panel")));
    must(&b, "configure", json!([{"botName": "Renamed bot"}]));
    let changed = b.wait_for(
        "configChanged",
        "(window.__posts.find(p => p.name === 'configChanged') || {}).payload",
    );
    let changed: Value =
        serde_json::from_str(changed.as_str().expect("payload is the config JSON string"))
            .expect("configChanged payload parses");
    assert_eq!(changed["botName"], "Renamed bot");
    b.wait_for(
        "four open/close messages",
        "window.__posts.filter(p => /webchat(Opened|Closed)/.test(p.name)).length >= 4",
    );

    let posts = js(&b, "window.__posts");
    let names: Vec<&str> = posts
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "webchatLoaded",
            "webchatReady",
            "webchatOpened",
            "webchatClosed",
            "webchatOpened",
            "webchatClosed",
            "configChanged"
        ],
        "lifecycle messages in order, once each"
    );
    for p in posts.as_array().expect("array") {
        assert_eq!(p["origin"], server.url.as_str(), "posted from {p}");
        assert_eq!(
            p["sameWindow"], true,
            "posted by the page's own window: {p}"
        );
        // the default widget's chatId is checked in e2e/tests/default_chat_id.rs
        assert_eq!(
            p["chatId"], posts[0]["chatId"],
            "one chatId for one widget: {p}"
        );
    }
    // the target origin is the page's own origin, never '*'
    let targets = js(&b, "window.__postTargets");
    assert!(!targets.as_array().expect("array").is_empty());
    for t in targets.as_array().expect("array") {
        assert_eq!(t["target"], server.url.as_str(), "postMessage target {t}");
    }
    // USER.CONNECTED through onEvent, with the 24-char visitor id
    assert_eq!(visitor_id(&b).len(), 24);
    b.assert_no_console_errors();
}

#[test]
fn configure_replaces_over_defaults_and_merge_config_merges_deeply() {
    let site = Site::new();
    let server = server(&site, None);
    let b = Browser::start();
    ready_page(
        &b,
        &server.url,
        config(
            &server.url,
            json!({"botName": "Alpha", "composerPlaceholder": "Ask Alpha",
                   "overrides": {"composer": [{"module": "m1", "component": "c1"}]}}),
        ),
    );
    let w = Widget::default_one();
    w.open(&b);
    let placeholder = format!("{}.getAttribute('placeholder')", w.q("composer"));
    b.wait_for(
        "placeholder Ask Alpha",
        &format!("{placeholder} === 'Ask Alpha'"),
    );
    let last_config =
        "JSON.parse(window.__posts.filter(p => p.name === 'configChanged').pop().payload)";

    must(
        &b,
        "configure",
        json!([{"composerPlaceholder": "Ask Beta"}]),
    );
    b.wait_for(
        "placeholder Ask Beta",
        &format!("{placeholder} === 'Ask Beta'"),
    );
    let c = js(&b, last_config);
    assert_eq!(c["composerPlaceholder"], "Ask Beta");
    assert!(
        c["botName"].is_null(),
        "configure replaces: botName back to its default, got {c}"
    );
    assert!(
        c["overrides"].is_null(),
        "configure replaces: overrides back to default, got {c}"
    );
    assert_eq!(
        c["botId"], "welcome-bot",
        "connection keys survive configure"
    );
    assert_eq!(c["host"], server.url.as_str());

    must(
        &b,
        "mergeConfig",
        json!([{"botName": "Gamma", "overrides": {"before_widget": [{"module": "m2", "component": "c2"}]}}]),
    );
    b.wait_for(
        "two configChanged",
        "window.__posts.filter(p => p.name === 'configChanged').length >= 2",
    );
    must(
        &b,
        "mergeConfig",
        json!([{"overrides": {"composer": [{"module": "m3", "component": "c3"}]}}]),
    );
    b.wait_for(
        "three configChanged",
        "window.__posts.filter(p => p.name === 'configChanged').length >= 3",
    );
    let c = js(&b, last_config);
    assert_eq!(
        c["composerPlaceholder"], "Ask Beta",
        "mergeConfig keeps: {c}"
    );
    assert_eq!(c["botName"], "Gamma");
    assert_eq!(
        c["overrides"],
        json!({"before_widget": [{"module": "m2", "component": "c2"}],
               "composer": [{"module": "m3", "component": "c3"}]}),
        "nested objects are merged, not replaced"
    );
    assert_eq!(
        js(&b, &placeholder),
        "Ask Beta",
        "the DOM follows the merged config"
    );
    // the onEvent side sees CONFIG.SET too
    assert!(
        js(
            &b,
            "window.__events.filter(e => e.type === 'CONFIG.SET').length"
        )
        .as_u64()
        .unwrap_or(0)
            >= 3
    );

    // still a working chat
    w.say(&b, "after configuring");
    w.wait_reply(&b, "after configuring", "You said: after configuring");
    b.assert_no_console_errors();
}

#[test]
fn send_event_message_and_custom_event_reach_the_bot() {
    let site = Site::new();
    let sink = HookSink::start();
    let server = server_with_hook(&site, &sink);
    let b = Browser::start();
    ready_page(&b, &server.url, config(&server.url, json!({})));
    let w = Widget::default_one();

    must(
        &b,
        "sendEvent",
        json!([{"type": "message", "text": "sent by sendEvent"}]),
    );
    let m = sink.wait_for("message.new 'sent by sendEvent'", |v| {
        v["type"] == "message.new" && v["data"]["message"]["payload"]["text"] == "sent by sendEvent"
    });
    assert_eq!(m["data"]["message"]["payload"]["type"], "text");
    w.open(&b);
    w.wait_message(&b, "user", "sent by sendEvent");

    must(
        &b,
        "sendEvent",
        json!([{"type": "my_custom_event", "detail": {"level": 3}}]),
    );
    let e = sink.wait_for("event.new my_custom_event", |v| {
        v["type"] == "event.new" && v["data"]["event"]["type"] == "my_custom_event"
    });
    // v12: any other type is sent as `{type, payload: <the whole event>}` (§1.2)
    assert_eq!(
        e["data"]["event"]["payload"]["detail"]["level"], 3,
        "event body {e}"
    );
    assert!(
        !sink.bodies().iter().any(|v| v["type"] == "message.new"
            && v["data"]["message"]["payload"]["type"] == "my_custom_event"),
        "a custom event must not become a stored message"
    );

    // toggleBotInfo is accepted (no throw) and leaves a working widget
    must(&b, "sendEvent", json!([{"type": "toggleBotInfo"}]));
    must(&b, "sendEvent", json!([{"type": "toggleBotInfo"}]));
    w.say(&b, "typed after toggleBotInfo");
    sink.wait_for("the typed message", |v| {
        v["data"]["message"]["payload"]["text"] == "typed after toggleBotInfo"
    });
    b.assert_no_console_errors();
}

#[test]
fn send_event_load_conversation_switches_the_transcript() {
    let site = Site::new();
    let server = server(&site, None);
    let b = Browser::start();
    let user_id = "e2e-load-conversation-user-0001";
    ready_page(
        &b,
        &server.url,
        config(&server.url, json!({"userId": user_id})),
    );
    let w = Widget::default_one();
    w.open(&b);
    w.say(&b, "in the first conversation");
    w.wait_reply(
        &b,
        "in the first conversation",
        "You said: in the first conversation",
    );

    // another conversation of the same user, made through the API
    let guest = webchat_e2e::guest::Guest::connect(&server.url, "welcome-bot", user_id);
    let created = guest.post("/conversations/new", json!({}));
    let other = match &created["convoId"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        v => panic!("no convoId in {v}"),
    };
    guest.post(
        "/messages",
        json!({"conversationId": other, "payload": {"type": "text", "text": "in the other conversation"}}),
    );

    must(
        &b,
        "sendEvent",
        json!([{"type": "loadConversation", "conversationId": other}]),
    );
    w.wait_message(&b, "user", "in the other conversation");
    b.wait_for(
        "the first conversation gone from the transcript",
        &format!(
            "!{}.some(m => m.text.includes('in the first conversation'))",
            w.messages_js()
        ),
    );
    b.assert_no_console_errors();
}

#[test]
fn send_payload_routes_message_types_to_messages_and_others_to_events() {
    let site = Site::new();
    let sink = HookSink::start();
    let server = server_with_hook(&site, &sink);
    let b = Browser::start();
    ready_page(&b, &server.url, config(&server.url, json!({})));
    let visitor = visitor_id(&b);

    must(
        &b,
        "sendPayload",
        json!([{"type": "text", "text": "payload text"}]),
    );
    must(
        &b,
        "sendPayload",
        json!([{"type": "quick_reply", "text": "Yes please", "payload": "YES"}]),
    );
    must(
        &b,
        "sendPayload",
        json!([{"type": "postback", "payload": "PB_1"}]),
    );
    must(
        &b,
        "sendPayload",
        json!([{"type": "my_custom_payload", "foo": "bar"}]),
    );

    for t in ["text", "quick_reply", "postback"] {
        sink.wait_for(&format!("message.new of type {t}"), |v| {
            v["type"] == "message.new" && v["data"]["message"]["payload"]["type"] == t
        });
    }
    let e = sink.wait_for("event.new my_custom_payload", |v| {
        v["type"] == "event.new" && v["data"]["event"]["type"] == "my_custom_payload"
    });
    assert_eq!(
        e["data"]["event"]["foo"], "bar",
        "sendPayload sends the payload as is: {e}"
    );

    // what the server stored: the three message types, not the custom payload
    let guest = webchat_e2e::guest::Guest::connect(&server.url, "welcome-bot", &visitor);
    let stored: Vec<String> = guest
        .conversation_ids()
        .iter()
        .flat_map(|c| guest.messages(c))
        .filter_map(|m| m["payload"]["type"].as_str().map(str::to_string))
        .collect();
    for t in ["text", "quick_reply", "postback"] {
        assert!(stored.iter().any(|s| s == t), "{t} not stored: {stored:?}");
    }
    assert!(
        !stored.iter().any(|s| s == "my_custom_payload"),
        "a custom payload went to /messages: {stored:?}"
    );
    // MESSAGE.SENT for each, in call order
    let sent = js(
        &b,
        "window.__events.filter(e => e.type === 'MESSAGE.SENT').map(e => e.value.type)",
    );
    assert_eq!(
        sent,
        json!(["text", "quick_reply", "postback", "my_custom_payload"])
    );
    b.assert_no_console_errors();
}

#[test]
fn on_event_topics_and_unsubscribe() {
    let site = Site::new();
    let server = server(&site, None);
    let b = Browser::start();
    open_host_page(&b, &server.url);
    load_widget_runtime(&b);
    capture_events(&b);
    b.exec(
        "window.__sent = []; window.__recv = [];\
         window.botpressWebChat.onEvent((e) => window.__sent.push(e), ['MESSAGE.SENT']);\
         window.__unsubRecv = window.botpressWebChat.onEvent((e) => window.__recv.push(e), ['MESSAGE.RECEIVED']);\
         return typeof window.__unsubRecv;",
        json!([]),
    );
    must(&b, "init", json!([config(&server.url, json!({}))]));
    let w = Widget::default_one();
    w.open(&b);
    w.say(&b, "first");
    w.wait_reply(&b, "first", "You said: first");
    b.wait_for(
        "MESSAGE.RECEIVED for the reply",
        "window.__recv.some(e => e.value.payload.text === 'You said: first')",
    );

    let sent = js(&b, "window.__sent");
    let sent = sent.as_array().expect("array");
    assert_eq!(sent.len(), 1, "one MESSAGE.SENT: {sent:?}");
    assert_eq!(sent[0]["type"], "MESSAGE.SENT");
    assert_eq!(sent[0]["value"]["text"], "first");
    assert_eq!(
        sent[0]["chatId"],
        js(&b, "window.__events[0].chatId"),
        "one chatId for every event of one widget"
    );
    assert_eq!(
        js(
            &b,
            "window.__recv.every(e => e.type === 'MESSAGE.RECEIVED' && !e.value.authorId)"
        ),
        true,
        "topic filter lets only bot messages through: {}",
        js(&b, "window.__recv")
    );
    let all = js(&b, "[...new Set(window.__events.map(e => e.type))]");
    for t in [
        "LIFECYCLE.READY",
        "USER.CONNECTED",
        "MESSAGE.SENT",
        "MESSAGE.RECEIVED",
        "UI.OPENED",
    ] {
        assert!(
            all.as_array().expect("array").iter().any(|x| x == t),
            "a handler without topics missed {t}: {all}"
        );
    }

    b.exec("window.__unsubRecv(); return true;", json!([]));
    let before = js(&b, "window.__recv.length");
    w.say(&b, "second");
    w.wait_reply(&b, "second", "You said: second");
    b.wait_for(
        "the all-topics handler saw the second reply",
        "window.__events.some(e => e.type === 'MESSAGE.RECEIVED' && e.value.payload.text === 'You said: second')",
    );
    assert_eq!(
        js(&b, "window.__recv.length"),
        before,
        "an unsubscribed handler was called"
    );
    assert_eq!(js(&b, "window.__sent.length"), 2);
    b.assert_no_console_errors();
}

#[test]
fn destroy_closes_the_socket_and_re_init_works() {
    let site = Site::new();
    let server = server(&site, None);
    // the page and the widget talk through the proxy, which sees every WebSocket
    let proxy = Proxy::start(&server.url);
    let b = Browser::start();
    ready_page(&b, &proxy.url, config(&proxy.url, json!({})));
    let w = Widget::default_one();
    w.open(&b);
    w.say(&b, "before destroy");
    w.wait_reply(&b, "before destroy", "You said: before destroy");
    assert_eq!(
        proxy.open_websockets(),
        1,
        "one socket while the widget lives"
    );

    must(&b, "destroy", json!([]));
    b.wait_for(
        "the host element removed",
        "!document.getElementById('bp-web-widget')",
    );
    b.wait_for(
        "every page WebSocket closed",
        "window.__sockets.length > 0 && window.__sockets.every(s => s.readyState === 3)",
    );
    let deadline = std::time::Instant::now() + webchat_e2e::WAIT;
    while proxy.open_websockets() != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the server side still has {} socket(s) open after destroy",
            proxy.open_websockets()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        call(&b, "sendEvent", json!([{"type": "show"}])).is_err(),
        "sendEvent after destroy must throw (no widget)"
    );

    must(&b, "init", json!([config(&proxy.url, json!({}))]));
    w.open(&b);
    w.wait_message(&b, "user", "before destroy");
    w.say(&b, "after re-init");
    w.wait_reply(&b, "after re-init", "You said: after re-init");
    assert_eq!(
        w.count(&b, "user", "after re-init"),
        1,
        "one bubble per message after re-init"
    );
    assert_eq!(
        js(&b, "window.__sockets.filter(s => s.readyState < 2).length"),
        1,
        "exactly one live socket after re-init"
    );
    assert_eq!(proxy.open_websockets(), 1);
    assert_eq!(
        js(&b, "document.querySelectorAll('#bp-web-widget').length"),
        1
    );
    b.assert_no_console_errors();
}

#[test]
fn calls_queued_before_the_wasm_is_ready_are_replayed_in_order() {
    let site = Site::new();
    let server = server(&site, None);
    let b = Browser::start();
    open_host_page(&b, &server.url);
    // the calls run in the loader's onload, as an inline script after the tag would: the loader
    // has defined the queueing stubs and its dynamic import() of the wasm has only just started
    let queued = b.exec_async(
        r#"const done = arguments[arguments.length - 1];
           const host = arguments[0];
           const s = document.createElement('script');
           s.src = '/assets/modules/channel-web/inject.js';
           s.onload = () => {
             const api = window.botpressWebChat;
             const wasReady = api.ready === true;
             window.__events = [];
             api.onEvent((e) => window.__events.push(e));
             window.__cancelled = [];
             const unsub = api.onEvent((e) => window.__cancelled.push(e));
             unsub();
             api.init({ host, botId: 'welcome-bot' });
             api.sendEvent({ type: 'show' });
             api.sendEvent({ type: 'message', text: 'queued one' });
             api.sendEvent({ type: 'message', text: 'queued two' });
             api.sendPayload({ type: 'text', text: 'queued three' });
             done({ wasReady, queue: (api._q || []).map((e) => e.m) });
           };
           document.body.appendChild(s);"#,
        json!([server.url]),
    );
    assert_eq!(
        queued["wasReady"], false,
        "the wasm was ready already; the queue was not exercised"
    );
    assert_eq!(
        queued["queue"],
        json!([
            "onEvent",
            "onEvent",
            "init",
            "sendEvent",
            "sendEvent",
            "sendEvent",
            "sendPayload"
        ])
    );
    let w = Widget::default_one();
    w.wait_reply(&b, "queued three", "You said: queued three");
    let users: Vec<String> = w
        .messages(&b)
        .into_iter()
        .filter(|(f, _)| f == "user")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(users, ["queued one", "queued two", "queued three"]);
    assert!(
        js(&b, &format!("!!{}", w.q("panel"))) == json!(true),
        "the queued show opened the panel"
    );
    let sent = js(
        &b,
        "window.__events.filter(e => e.type === 'MESSAGE.SENT').map(e => e.value.text)",
    );
    assert_eq!(sent, json!(["queued one", "queued two", "queued three"]));
    assert_eq!(
        js(&b, "window.__cancelled.length"),
        0,
        "a handler unsubscribed while queued was called"
    );
    assert_eq!(js(&b, "(window.botpressWebChat._q || []).length"), 0);
    b.assert_no_console_errors();
}

#[test]
fn validation_warns_once_throws_named_errors_and_keeps_working() {
    let site = Site::new();
    let server = server(&site, None);
    let b = Browser::start();
    open_host_page(&b, &server.url);
    load_widget_runtime(&b);
    b.console(); // start from a clean log

    // calls before init throw an Error naming the call
    for m in ["configure", "mergeConfig", "sendEvent", "sendPayload"] {
        let arg = if m == "sendPayload" || m == "sendEvent" {
            json!({"type": "text", "text": "x"})
        } else {
            json!({})
        };
        let err = call(&b, m, json!([arg])).expect_err("a call before init must throw");
        assert!(err.starts_with("Error: "), "{m} threw a non-Error: {err}");
        assert!(err.contains(m), "{m}'s error does not name the call: {err}");
    }
    // a wrong type throws an Error naming the key; nothing is mounted
    let err = call(
        &b,
        "init",
        json!([config(&server.url, json!({"hideWidget": "yes"}))]),
    )
    .expect_err("hideWidget: 'yes' must throw");
    assert!(
        err.starts_with("Error: ") && err.contains("hideWidget"),
        "{err}"
    );
    let err = call(
        &b,
        "init",
        json!([config(&server.url, json!({"containerWidth": {"no": 1}}))]),
    )
    .expect_err("containerWidth: {} must throw");
    assert!(err.contains("containerWidth"), "{err}");
    let err = call(&b, "init", json!([{"host": server.url}])).expect_err("no botId must throw");
    assert!(err.contains("botId"), "{err}");

    // an unknown key warns once (twice used, one warning), and init succeeds
    capture_events(&b);
    must(
        &b,
        "init",
        json!([config(&server.url, json!({"noSuchOption": 1}))]),
    );
    must(&b, "mergeConfig", json!([{"noSuchOption": 2}]));
    let w = Widget::default_one();
    w.open(&b);
    // a bad configure after init throws and keeps the old config
    let err = call(&b, "configure", json!([{"showTimestamp": 42}])).expect_err("must throw");
    assert!(err.contains("showTimestamp"), "{err}");
    let err = call(&b, "sendEvent", json!([{"type": "message"}])).expect_err("no text");
    assert!(err.starts_with("Error: "), "{err}");
    w.say(&b, "still working");
    w.wait_reply(&b, "still working", "You said: still working");

    let log = b.console();
    let warnings: Vec<&str> = log
        .iter()
        .filter(|e| {
            e["level"] == "WARNING"
                && e["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("noSuchOption"))
        })
        .map(|e| e["message"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        warnings.len(),
        1,
        "unknown key must warn exactly once: {warnings:#?}"
    );
    let errors: Vec<&Value> = log.iter().filter(|e| e["level"] == "SEVERE").collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

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
        &format!(
            "({0}) && {0}.textContent.includes('The webchat demo bot')",
            w.q("bot-info")
        ),
    );
    must(&b, "sendEvent", json!([{"type": "toggleBotInfo"}]));
    b.wait_for("the bot info page gone", &format!("!{}", w.q("bot-info")));
    w.el(&b, "composer");
    b.assert_no_console_errors();
}

#[test]
fn opening_and_closing_by_hand_posts_lifecycle_messages_and_ui_events() {
    let site = Site::new();
    let server = server(&site, None);
    let b = Browser::start();
    ready_page(&b, &server.url, config(&server.url, json!({})));
    let w = Widget::default_one();
    let launcher = w.el(&b, "launcher");
    b.click(&launcher);
    w.el(&b, "panel");
    b.wait_for(
        "webchatOpened and UI.OPENED",
        "window.__posts.some(p => p.name === 'webchatOpened')\
         && window.__events.some(e => e.type === 'UI.OPENED')",
    );
    let close = w.el(&b, "close");
    b.click(&close);
    b.wait_for("no panel", &format!("!{}", w.q("panel")));
    b.wait_for(
        "webchatClosed and UI.CLOSED",
        "window.__posts.some(p => p.name === 'webchatClosed')\
         && window.__events.some(e => e.type === 'UI.CLOSED')",
    );
    assert_eq!(
        js(
            &b,
            "window.__posts.filter(p => /webchat(Opened|Closed)/.test(p.name)).map(p => p.name)"
        ),
        json!(["webchatOpened", "webchatClosed"])
    );
    b.assert_no_console_errors();
}

//! Browser tests for the UI around the messages: the language (config `locale`, right to left for
//! Arabic, switched by `mergeConfig`), `registerView` errors, the v12 `window.botpress[module][view]`
//! lookup, and the windowed transcript with 1,000 and 10,000 messages of mixed types (bounded DOM, the
//! latest message at open, the oldest reachable, anchored scrolling, appends, keyboard navigation across
//! the window's edge). Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p webchat --target wasm32-unknown-unknown --test web_ui`.
#![cfg(target_arch = "wasm32")]

mod support;

use support::settle;

use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, ShadowRoot};

use webchat::dom::Scope;
use webchat::json;
use webchat::json::FromJson;
use webchat::model::{Config, Message};
use webchat::state::ChatEvent;
use webchat::transport::Session;
use webchat::views::{render_message, RenderCtx};

wasm_bindgen_test_configure!(run_in_browser);

fn config(chat_id: &str, locale: &str) -> JsValue {
    // an unreachable host: these tests cover the DOM, not the network
    js_sys::JSON::parse(&format!(
        r#"{{"host":"http://127.0.0.1:9","botId":"b","chatId":"{chat_id}","lazySocket":true,"locale":"{locale}"}}"#
    ))
    .unwrap()
}

fn shadow(host_id: &str) -> ShadowRoot {
    let doc = web_sys::window().unwrap().document().unwrap();
    doc.get_element_by_id(host_id)
        .and_then(|h| h.shadow_root())
        .expect("widget host with an open shadow root")
}

fn query(root: &ShadowRoot, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn locale_sets_language_and_direction() {
    webchat::api::exports::init(&config("l1", "ar"), &JsValue::UNDEFINED).unwrap();
    settle().await;
    let root = shadow("l1-container");
    let widget = query(&root, ".bpw");
    assert_eq!(widget.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(widget.get_attribute("lang").as_deref(), Some("ar"));
    let launcher = query(&root, "[data-testid=\"launcher\"]");
    assert_eq!(
        launcher.get_attribute("aria-label").as_deref(),
        Some("فتح المحادثة")
    );
    launcher.click();
    settle().await;
    let composer = query(&root, "[data-testid=\"composer\"]");
    assert_eq!(
        composer.get_attribute("aria-label").as_deref(),
        Some("رسالة")
    );
    assert_eq!(composer.get_attribute("dir").as_deref(), Some("auto"));
    let log = query(&root, "[data-testid=\"transcript\"]");
    assert_eq!(log.get_attribute("role").as_deref(), Some("log"));
    assert_eq!(
        log.get_attribute("aria-live").as_deref(),
        Some("off"),
        "the log is not live: the separate live region announces"
    );
    let live = query(&root, "[data-testid=\"live-region\"]");
    assert_eq!(live.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(live.child_element_count(), 0, "nothing announced yet");

    // mergeConfig switches the language at once
    let patch = js_sys::JSON::parse(r#"{"locale":"fr-CA"}"#).unwrap();
    webchat::api::exports::merge_config(&patch, &JsValue::from_str("l1")).unwrap();
    settle().await;
    assert_eq!(widget.get_attribute("dir").as_deref(), Some("ltr"));
    assert_eq!(
        query(&root, "[data-testid=\"composer\"]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Message")
    );
    assert_eq!(
        query(&root, "[data-testid=\"close\"]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Fermer le chat")
    );
    // an unsupported language falls back to English
    let patch = js_sys::JSON::parse(r#"{"locale":"xx"}"#).unwrap();
    webchat::api::exports::merge_config(&patch, &JsValue::from_str("l1")).unwrap();
    settle().await;
    assert_eq!(
        query(&root, "[data-testid=\"close\"]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Close chat")
    );
    webchat::api::exports::destroy(&JsValue::from_str("l1")).unwrap();
}

fn error_message(err: JsValue) -> String {
    String::from(err.unchecked_into::<js_sys::Error>().message())
}

#[wasm_bindgen_test]
fn register_view_errors_name_the_view() {
    let render: JsValue = js_sys::Function::new_with_args("c, p", "").into();
    let err = webchat::api::views::register_view(
        &"channel-web".into(),
        &"QuickReplies".into(),
        render.clone(),
    )
    .unwrap_err();
    assert!(error_message(err).contains("channel-web/QuickReplies"));
    let err = webchat::api::views::register_view(&"demo".into(), &"X".into(), JsValue::from(3))
        .unwrap_err();
    let msg = error_message(err);
    assert!(
        msg.contains("'demo', 'X'") && msg.contains("function"),
        "{msg}"
    );
    let err =
        webchat::api::views::register_view(&"a b".into(), &"X".into(), render.clone()).unwrap_err();
    assert!(error_message(err).contains("a b/X"));
    webchat::api::views::register_view(&"demo".into(), &"Ok".into(), render).unwrap();
    assert!(webchat::views::is_registered("demo", "Ok"));
}

/// Renders a custom message into an attached container; dropping the scope releases its view.
fn render_custom(module: &str, view: &str) -> (HtmlElement, Scope) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let msg = Message {
        id: "m1".into(),
        conversation_id: "c".into(),
        author_id: None,
        sent_on: String::new(),
        payload: json!({"type": "custom", "module": module, "component": view, "name": "Ada"}),
    };
    let ctx = RenderCtx::new(Rc::new(|_| {}), Rc::new(|_| {}), Rc::new(|_| {}), "");
    let mut scope = Scope::new();
    if let Some(el) = render_message(&msg, &ctx, &mut scope) {
        root.append_child(&el).unwrap();
    }
    (root, scope)
}

#[wasm_bindgen_test]
async fn page_views_on_window_botpress_render_when_they_take_container_and_props() {
    let window = web_sys::window().unwrap();
    let module = js_sys::Object::new();
    let two = js_sys::Function::new_with_args("c, p", "c.textContent = 'page view for ' + p.name;");
    // a React component from a v12 bundle takes (props) only: not this widget's signature (if it were
    // called, it would render nothing and the fallback assertion below would fail)
    let one = js_sys::Function::new_with_args("p", "return null;");
    js_sys::Reflect::set(&module, &"Two".into(), &two).unwrap();
    js_sys::Reflect::set(&module, &"One".into(), &one).unwrap();
    let botpress = js_sys::Object::new();
    js_sys::Reflect::set(&botpress, &"pagemod".into(), &module).unwrap();
    js_sys::Reflect::set(&window, &"botpress".into(), &botpress).unwrap();

    let (root, scope) = render_custom("pagemod", "Two");
    settle().await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("page view for Ada"), "{text}");
    drop(scope);
    root.remove();

    for (m, v) in [
        ("pagemod", "One"),
        ("pagemod", "constructor"),
        ("__proto__", "constructor"),
    ] {
        let (root, scope) = render_custom(m, v);
        settle().await;
        assert!(
            root.query_selector(".bpw-unsupported").unwrap().is_some(),
            "{m}/{v} falls back"
        );
        drop(scope);
        root.remove();
    }
    js_sys::Reflect::delete_property(&window, &"botpress".into()).unwrap();
}

// ---- windowed transcript -------------------------------------------------------------------------

/// Message `i` of a long mixed conversation: texts both ways, markdown, carousels, quick replies,
/// images, files and locations.
fn mixed(i: usize) -> Message {
    let card = |n: usize| {
        json!({"title": format!("Card {n}"), "subtitle": "A card", "image": "/none.svg", "actions": [
            {"action": "Say something", "title": "Say hi", "text": "hi"},
            {"action": "Open URL", "title": "Docs", "url": "https://botpress.com/docs"},
            {"action": "Postback", "title": "More", "payload": "more"}]})
    };
    let (author, payload) = match i % 8 {
        0 => (
            None,
            json!({"type": "text", "text": format!("Bot message {i}, long enough to wrap onto a second line of the panel on most widths")}),
        ),
        1 => (
            Some("u"),
            json!({"type": "text", "text": format!("User message {i}")}),
        ),
        2 => (
            None,
            json!({"type": "text", "markdown": true, "text": format!("**Bold {i}** and a [link](https://botpress.com)\n\n- one\n- two")}),
        ),
        3 => (
            None,
            json!({"type": "carousel", "items": [card(1), card(2), card(3)]}),
        ),
        4 => (
            None,
            json!({"type": "single-choice", "text": format!("Question {i}?"), "choices": [
            {"title": "Yes", "value": "yes"}, {"title": "No", "value": "no"}]}),
        ),
        5 => (
            Some("u"),
            json!({"type": "text", "text": format!("Another user message {i}")}),
        ),
        6 => (
            None,
            json!({"type": "file", "file": "/readme.txt", "title": format!("file-{i}.txt")}),
        ),
        _ => (
            None,
            json!({"type": "location", "latitude": 45.5, "longitude": -73.5, "title": format!("Place {i}")}),
        ),
    };
    Message {
        id: format!("m{i}"),
        conversation_id: "c".into(),
        author_id: author.map(str::to_string),
        sent_on: String::new(),
        payload,
    }
}

/// An open widget (not connected: no `start`) showing `n` mixed messages.
struct LongChat {
    session: Rc<Session>,
    mounted: Option<webchat::mount::Mounted>,
    root: ShadowRoot,
}

impl LongChat {
    async fn open(chat_id: &str, n: usize, arrows: bool) -> LongChat {
        let cfg = Config::from_json(&json!({
            "host": "http://127.0.0.1:9", "botId": "b", "chatId": chat_id, "lazySocket": true,
            "enableArrowNavigation": arrows, "disableAnimations": true
        }))
        .unwrap();
        let session = Session::new(cfg.clone(), Rc::new(|_| {})).unwrap();
        session.state.update(|s| {
            s.apply(ChatEvent::History {
                conversation_id: "c".into(),
                messages: (0..n).map(mixed).collect(),
            });
            s.apply(ChatEvent::Open);
        });
        let mounted = webchat::mount::mount(&cfg, None, session.clone()).unwrap();
        let chat = LongChat {
            session,
            mounted: Some(mounted),
            root: shadow(&format!("{chat_id}-container")),
        };
        chat.frames(4).await;
        chat
    }

    /// Lets the UI render and the window settle (renders are microtasks; measuring is per frame).
    async fn frames(&self, n: usize) {
        for _ in 0..n {
            settle().await;
            next_frame().await;
        }
        settle().await;
    }

    fn log(&self) -> HtmlElement {
        query(&self.root, "[data-testid=\"transcript\"]")
    }

    fn elements(&self) -> u32 {
        self.log().query_selector_all("*").unwrap().length()
    }

    fn row(&self, id: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(&format!(
                "[data-testid=\"message\"][data-message-id=\"{id}\"]"
            ))
            .unwrap()
            .map(|e| e.unchecked_into())
    }

    /// Whether the row of `id` is rendered and at least partly inside the transcript's viewport.
    fn visible(&self, id: &str) -> bool {
        let Some(row) = self.row(id) else {
            return false;
        };
        let log = self.log().get_bounding_client_rect();
        let r = row.get_bounding_client_rect();
        r.bottom() > log.top() && r.top() < log.bottom() && r.height() > 0.0
    }

    fn at_bottom(&self) -> bool {
        let log = self.log();
        log.scroll_height() - log.scroll_top() - log.client_height() <= 2
    }

    /// A row's top relative to the transcript's top (the panel itself may still be animating in).
    fn top_of(&self, row: &HtmlElement) -> f64 {
        row.get_bounding_client_rect().top() - self.log().get_bounding_client_rect().top()
    }

    /// The first row whose bottom is inside the viewport, and its top (relative to the transcript).
    fn first_visible(&self) -> (String, f64) {
        let log = self.log();
        let top = log.get_bounding_client_rect().top();
        let rows = log
            .query_selector_all(".bpw-window > [data-testid=\"message\"]")
            .unwrap();
        (0..rows.length())
            .filter_map(|i| rows.item(i))
            .map(|n| n.unchecked_into::<HtmlElement>())
            .find(|r| r.get_bounding_client_rect().bottom() > top + 1.0)
            .map(|r| (r.get_attribute("data-message-id").unwrap(), self.top_of(&r)))
            .expect("a visible row")
    }

    /// Positions, for assertion messages.
    fn debug(&self, id: &str) -> String {
        let log = self.log();
        let rows = log
            .query_selector_all(".bpw-window > [data-testid=\"message\"]")
            .unwrap();
        let pos = |i: u32| {
            rows.item(i)
                .map(|n| n.unchecked_into::<HtmlElement>())
                .and_then(|r| r.get_attribute("aria-posinset"))
        };
        let rect = self.row(id).map(|r| {
            let b = r.get_bounding_client_rect();
            (b.top(), b.bottom())
        });
        let l = log.get_bounding_client_rect();
        format!(
            "row {rect:?}, log ({}, {}), scrollTop {} of {}, rows {:?}..{:?}",
            l.top(),
            l.bottom(),
            log.scroll_top(),
            log.scroll_height(),
            pos(0),
            pos(rows.length().saturating_sub(1))
        )
    }

    fn active_id(&self) -> Option<String> {
        self.root
            .active_element()
            .and_then(|e| e.get_attribute("data-message-id"))
    }

    fn key(&self, target: &web_sys::Element, key: &str) {
        let init = js_sys::Object::new();
        for (k, v) in [
            ("key", JsValue::from_str(key)),
            ("bubbles", true.into()),
            ("composed", true.into()),
            ("cancelable", true.into()),
        ] {
            js_sys::Reflect::set(&init, &k.into(), &v).unwrap();
        }
        let ctor: js_sys::Function =
            js_sys::Reflect::get(&web_sys::window().unwrap(), &"KeyboardEvent".into())
                .unwrap()
                .unchecked_into();
        let args = js_sys::Array::of2(&"keydown".into(), &init);
        let ev: web_sys::Event = js_sys::Reflect::construct(&ctor, &args)
            .unwrap()
            .unchecked_into();
        target.dispatch_event(&ev).unwrap();
    }
}

impl Drop for LongChat {
    fn drop(&mut self) {
        self.mounted.take();
        self.session.destroy();
    }
}

async fn next_frame() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

fn log_line(s: &str) {
    web_sys::console::log_1(&s.into());
}

/// Opening shows the latest message with a bounded DOM; the top of the transcript reaches the oldest
/// message; scrolling up keeps the visible content in place while the window slides; appends at the
/// bottom follow, appends while reading older messages do not move the view.
async fn long_transcript(n: usize) {
    let id = format!("long{n}");
    let chat = LongChat::open(&id, n, false).await;
    let last = format!("m{}", n - 1);
    let open_count = chat.elements();
    log_line(&format!(
        "{n} messages: {open_count} transcript elements at open"
    ));
    assert!(open_count < 1500, "{open_count} elements at open");
    assert!(chat.visible(&last), "the latest message is visible at open");
    assert!(chat.at_bottom(), "opened at the bottom");
    let rendered = chat
        .log()
        .query_selector_all("[data-testid=\"message\"]")
        .unwrap()
        .length() as usize;
    assert!(rendered < n && rendered >= 10, "{rendered} rows rendered");
    let row = chat.row(&last).unwrap();
    assert_eq!(row.get_attribute("aria-posinset"), Some(n.to_string()));
    assert_eq!(row.get_attribute("aria-setsize"), Some(n.to_string()));
    assert_eq!(row.get_attribute("role").as_deref(), Some("article"));

    // scrolling up step by step: each step shows older messages and the rows on screen stay in place
    let log = chat.log();
    let mut max_count = open_count;
    for _ in 0..12 {
        let (before_id, before_top) = chat.first_visible();
        let step = 250;
        log.set_scroll_top(log.scroll_top() - step);
        chat.frames(3).await;
        max_count = max_count.max(chat.elements());
        let row = chat.row(&before_id).expect("the anchor row stays rendered");
        let moved = chat.top_of(&row) - before_top;
        assert!(
            (moved - f64::from(step)).abs() <= 2.0,
            "{before_id} moved {moved}px for a {step}px scroll"
        );
    }
    assert!(!chat.at_bottom());

    // a message arriving while reading older ones does not move the view
    let (anchor_id, anchor_top) = chat.first_visible();
    chat.session
        .state
        .update(|s| _ = s.apply(ChatEvent::Received(mixed(n))));
    chat.frames(3).await;
    let row = chat.row(&anchor_id).unwrap();
    assert!((chat.top_of(&row) - anchor_top).abs() <= 1.0);
    assert!(chat.row(&format!("m{n}")).is_none() || !chat.visible(&format!("m{n}")));

    // the top of the scroll range is the oldest message
    for _ in 0..20 {
        log.set_scroll_top(0);
        chat.frames(2).await;
        if chat.visible("m0") {
            break;
        }
    }
    max_count = max_count.max(chat.elements());
    assert!(chat.visible("m0"), "the oldest message is reached");
    let first = chat.row("m0").unwrap();
    assert_eq!(first.get_attribute("aria-posinset").as_deref(), Some("1"));
    assert!(chat.row(&last).is_none(), "the window left the end");

    // back to the bottom, then appends keep it there with a bounded DOM
    log.set_scroll_top(log.scroll_height());
    chat.frames(3).await;
    for _ in 0..20 {
        if chat.at_bottom() && chat.visible(&format!("m{n}")) {
            break;
        }
        log.set_scroll_top(log.scroll_height());
        chat.frames(2).await;
    }
    assert!(
        chat.visible(&format!("m{n}")),
        "{}",
        chat.debug(&format!("m{n}"))
    );
    for k in 1..=30 {
        chat.session
            .state
            .update(|s| _ = s.apply(ChatEvent::Received(mixed(n + k))));
        chat.frames(1).await;
        max_count = max_count.max(chat.elements());
    }
    // a burst (a bot sending several messages at once) while scroll events of the previous
    // frames are still arriving must not unpin
    for k in 31..=40 {
        chat.session
            .state
            .update(|s| _ = s.apply(ChatEvent::Received(mixed(n + k))));
        settle().await;
        if k % 3 == 0 {
            next_frame().await;
        }
    }
    chat.frames(3).await;
    max_count = max_count.max(chat.elements());
    let newest = format!("m{}", n + 40);
    assert!(
        chat.visible(&newest),
        "pinned to the bottom after appends: {}",
        chat.debug(&newest)
    );
    assert!(chat.at_bottom());
    assert_eq!(
        chat.row(&newest).unwrap().get_attribute("aria-setsize"),
        Some((n + 41).to_string())
    );
    log_line(&format!(
        "{n} messages: at most {max_count} transcript elements"
    ));
    assert!(max_count < 1500, "{max_count} elements at most");
}

#[wasm_bindgen_test]
async fn a_thousand_messages_render_a_bounded_window() {
    long_transcript(1_000).await;
}

#[wasm_bindgen_test]
async fn ten_thousand_messages_render_a_bounded_window() {
    long_transcript(10_000).await;
}

#[wasm_bindgen_test]
async fn arrow_keys_cross_the_window_edge_and_home_end_reach_both_ends() {
    let n = 1_000;
    let chat = LongChat::open("keys1k", n, true).await;
    let log = chat.log();
    // End from the transcript: the newest message
    chat.key(&log, "End");
    chat.frames(2).await;
    assert_eq!(chat.active_id().as_deref(), Some("m999"));
    // Home: the oldest message, far outside the window
    assert!(chat.row("m0").is_none());
    let focused = chat.root.active_element().unwrap();
    chat.key(&focused, "Home");
    chat.frames(3).await;
    assert_eq!(chat.active_id().as_deref(), Some("m0"));
    assert!(chat.visible("m0"));
    assert!(chat.row("m999").is_none());
    // ArrowDown walks forward past the window's bottom edge, one message at a time
    let end = {
        let rows = log
            .query_selector_all(".bpw-window > [data-testid=\"message\"]")
            .unwrap();
        rows.length() as usize
    };
    for i in 1..end + 5 {
        let focused = chat.root.active_element().unwrap();
        chat.key(&focused, "ArrowDown");
        chat.frames(1).await;
        assert_eq!(
            chat.active_id(),
            Some(format!("m{i}")),
            "step {i}: {}",
            chat.debug(&format!("m{i}"))
        );
        assert!(
            chat.visible(&format!("m{i}")),
            "m{i} scrolled into view: {}",
            chat.debug(&format!("m{i}"))
        );
    }
    // End again, then ArrowUp from the first rendered row goes to the one before it
    let focused = chat.root.active_element().unwrap();
    chat.key(&focused, "End");
    chat.frames(3).await;
    assert_eq!(chat.active_id().as_deref(), Some("m999"));
    let first: HtmlElement = query(&chat.root, ".bpw-window > [data-testid=\"message\"]");
    let pos: usize = first
        .get_attribute("aria-posinset")
        .unwrap()
        .parse()
        .unwrap();
    assert!(pos > 1);
    first.focus().unwrap();
    chat.key(&first, "ArrowUp");
    chat.frames(3).await;
    assert_eq!(chat.active_id(), Some(format!("m{}", pos - 2)));
    assert!(chat.visible(&format!("m{}", pos - 2)));
    let tab_stops = log
        .query_selector_all("[data-testid=\"message\"][tabindex=\"0\"]")
        .unwrap()
        .length();
    assert_eq!(tab_stops, 1, "one roving tab stop");
}

/// The demo bot's `all` reply: every type in a burst, with a typing pause and a login form that shrinks
/// once it is no longer the last message. The view follows to the last one.
#[wasm_bindgen_test]
async fn a_burst_of_every_type_keeps_the_view_at_the_bottom() {
    let chat = LongChat::open("burst", 3, false).await;
    let card = |n: u32| {
        json!({"title": format!("Card {n}"), "subtitle": "A card", "image": "/none.svg", "actions": [
            {"action": "Say something", "title": "Say hi", "text": "hi"}]})
    };
    let payloads = [
        json!({"type": "text", "text": "Here is one of every content type:"}),
        json!({"type": "text", "markdown": true, "text": "**Bold**, *italic*\n\n- one\n- two"}),
        json!({"type": "image", "image": "/none.svg", "title": "The welcome picture"}),
        json!({"type": "audio", "audio": "/none.wav", "title": "A short chime"}),
        json!({"type": "video", "video": "/none.webm", "title": "A short clip"}),
        json!({"type": "file", "file": "/readme.txt", "title": "readme.txt"}),
        json!({"type": "carousel", "items": [card(1), card(2), card(3)]}),
        json!({"type": "typing", "value": 300}),
        json!({"type": "location", "latitude": 45.5, "longitude": -73.5, "title": "Montréal"}),
        json!({"type": "login_prompt", "text": "Please log in"}),
        json!({"type": "dropdown", "message": "Pick a content type:", "options": [
            {"label": "Image", "value": "image"}]}),
        json!({"type": "single-choice", "text": "Do you like this demo?", "choices": [
            {"title": "Yes", "value": "choice_yes"}]}),
    ];
    for (k, payload) in payloads.into_iter().enumerate() {
        let msg = Message {
            id: format!("b{k}"),
            conversation_id: "c".into(),
            author_id: None,
            sent_on: String::new(),
            payload,
        };
        chat.session
            .state
            .update(|s| _ = s.apply(ChatEvent::Received(msg)));
        settle().await;
        next_frame().await;
    }
    chat.frames(4).await;
    assert!(
        chat.visible("b11"),
        "the last message is shown: {}",
        chat.debug("b11")
    );
    assert!(chat.at_bottom());
}

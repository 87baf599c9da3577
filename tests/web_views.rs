//! Browser tests for `webchat::views`: each payload type is rendered into a real element and the DOM is
//! asserted (allowlisted links, no `<script>`, callbacks fired with the v12 payload shapes, custom view
//! isolation). Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p webchat --test web_views`.
#![cfg(target_arch = "wasm32")]

mod support;

use support::tick;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use webchat::dom::{Listener, Scope, E};
use webchat::json;
use webchat::json::Value;
use webchat::model::Message;
use webchat::views::{self, render_message, CustomProps, RenderCtx};

wasm_bindgen_test_configure!(run_in_browser);

const HOST: &str = "https://bot.example.com";

/// What the callbacks received.
#[derive(Clone, Default)]
struct Sink {
    payloads: Rc<RefCell<Vec<Value>>>,
    events: Rc<RefCell<Vec<Value>>>,
    feedback: Rc<RefCell<Vec<(String, i8)>>>,
}

impl Sink {
    fn payloads(&self) -> Vec<Value> {
        self.payloads.borrow().clone()
    }
    fn events(&self) -> Vec<Value> {
        self.events.borrow().clone()
    }
    fn ctx(&self, last: bool) -> RenderCtx {
        let (p, e, f) = (
            self.payloads.clone(),
            self.events.clone(),
            self.feedback.clone(),
        );
        let mut ctx = RenderCtx::new(
            Rc::new(move |v| p.borrow_mut().push(v)),
            Rc::new(move |v| e.borrow_mut().push(v)),
            Rc::new(move |v| f.borrow_mut().push(v)),
            HOST,
        );
        ctx.is_last_group = last;
        ctx.is_last_of_group = last;
        ctx
    }
}

/// A mounted message; unmounts and detaches on drop.
struct Mounted {
    /// The container the message is appended to (attached to the document).
    root: HtmlElement,
    /// The rendered message (`None` once unmounted, or for messages that show nothing).
    el: Option<Element>,
    /// Owns the message's listeners and view cleanups.
    scope: Option<Scope>,
}

impl Mounted {
    fn q(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).unwrap()
    }
    fn get(&self, selector: &str) -> Element {
        self.q(selector)
            .unwrap_or_else(|| panic!("no {selector} in {}", self.root.outer_html()))
    }
    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }
    fn click(&self, selector: &str) {
        self.get(selector).unchecked_into::<HtmlElement>().click();
    }
    fn text(&self) -> String {
        self.root.text_content().unwrap_or_default()
    }
    /// Releases the message's listeners and runs its views' cleanups, then takes it out of the DOM.
    fn unmount(&mut self) {
        self.scope.take();
        if let Some(el) = self.el.take() {
            el.remove();
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.unmount();
        self.root.remove();
    }
}

fn message(author: Option<&str>, payload: Value) -> Message {
    Message {
        id: "msg-1".into(),
        conversation_id: "conv-1".into(),
        author_id: author.map(Into::into),
        sent_on: "2026-01-02T03:04:05Z".into(),
        payload,
    }
}

/// Renders a bot message that is the last of the transcript.
async fn render(payload: Value, sink: &Sink) -> Mounted {
    render_with(message(None, payload), sink.ctx(true)).await
}

async fn render_with(msg: Message, ctx: RenderCtx) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    // Attached, so that forms can submit; removed on drop.
    document.body().unwrap().append_child(&root).unwrap();
    let mut scope = Scope::new();
    let el = render_message(&msg, &ctx, &mut scope);
    if let Some(el) = &el {
        root.append_child(el).unwrap();
    }
    tick().await;
    Mounted {
        root,
        el,
        scope: Some(scope),
    }
}

fn assert_no_active_content(m: &Mounted) {
    for tag in ["script", "iframe", "object", "embed", "style", "svg"] {
        assert!(
            m.all(tag).is_empty(),
            "found <{tag}> in {}",
            m.root.inner_text()
        );
    }
    for el in m.all("*") {
        let names = el.get_attribute_names();
        for i in 0..names.length() {
            let name = names.get(i).as_string().unwrap();
            assert!(!name.starts_with("on"), "event handler attribute {name}");
            if name == "href" || name == "src" {
                let v = el.get_attribute(&name).unwrap().to_ascii_lowercase();
                assert!(
                    ["https://", "http://", "mailto:", "tel:"]
                        .iter()
                        .any(|s| v.starts_with(s)),
                    "unsafe {name}={v}"
                );
            }
        }
    }
}

/// In the browser, fractions are written by JavaScript's `String(n)` (the shortest decimal that
/// reads back as the same number), as `JSON.stringify` writes them.
#[wasm_bindgen_test]
fn numbers_are_written_as_javascript_writes_them() {
    for (n, text) in [
        (1.5, "1.5"),
        (0.1, "0.1"),
        (-2.5e-7, "-2.5e-7"),
        (1e21, "1e+21"),
        (123456789.125, "123456789.125"),
        (42.0, "42"),
        (-0.0, "0"),
        (f64::NAN, "null"),
    ] {
        assert_eq!(json::number_to_string(n), text, "{n}");
        assert_eq!(json::stringify(&Value::from(n)), text, "{n}");
    }
}

#[wasm_bindgen_test]
async fn plain_text_is_linkified_through_the_allowlist() {
    let sink = Sink::default();
    let m = render(
        json!({"type":"text","text":"see https://example.com and javascript:alert(1) <b>x</b>"}),
        &sink,
    )
    .await;
    let a = m.get("a");
    assert_eq!(
        a.get_attribute("href").as_deref(),
        Some("https://example.com")
    );
    assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        a.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert_eq!(m.all("a").len(), 1);
    assert!(m.all("b").is_empty());
    assert!(m.text().contains("javascript:alert(1) <b>x</b>"));
    assert_no_active_content(&m);
}

#[wasm_bindgen_test]
async fn hostile_markdown_renders_as_text() {
    let sink = Sink::default();
    let src = "**hi** <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) \
               [y](JaVaScRiPt&#58;alert(1)) ![z](data:image/svg+xml,<svg/onload=alert(1)>) [ok](/docs)\n\n\
               <iframe src=\"javascript:alert(1)\"></iframe>";
    let m = render(json!({"type":"text","markdown":true,"text":src}), &sink).await;
    assert_eq!(m.get("strong").text_content().as_deref(), Some("hi"));
    assert!(m.all("img").is_empty());
    let links = m.all("a");
    assert_eq!(links.len(), 1, "{}", m.root.inner_text());
    assert_eq!(
        links[0].get_attribute("href").as_deref(),
        Some("https://bot.example.com/docs")
    );
    assert_eq!(
        links[0].get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    let text = m.text();
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    assert!(text.contains("<img src=x onerror=alert(1)>"), "{text}");
    assert_no_active_content(&m);
}

#[wasm_bindgen_test]
async fn markdown_table_and_list() {
    let sink = Sink::default();
    let m = render(
        json!({"type":"text","markdown":true,"text":"- a\n- ~~b~~\n\n| h |\n|---|\n| c |"}),
        &sink,
    )
    .await;
    assert_eq!(m.all("li").len(), 2);
    assert_eq!(m.get("del").text_content().as_deref(), Some("b"));
    assert_eq!(m.get("th").text_content().as_deref(), Some("h"));
    assert_eq!(m.get("td").text_content().as_deref(), Some("c"));
}

#[wasm_bindgen_test]
async fn image_is_lazy_and_opens_in_a_new_tab() {
    let sink = Sink::default();
    let m = render(
        json!({"type":"image","url":"/media/cat.png","title":"Cat"}),
        &sink,
    )
    .await;
    let img = m.get("img");
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("https://bot.example.com/media/cat.png")
    );
    assert_eq!(img.get_attribute("loading").as_deref(), Some("lazy"));
    assert_eq!(img.get_attribute("alt").as_deref(), Some("Cat"));
    let a = m.get("[data-testid=bpw-image-link]");
    assert_eq!(
        a.get_attribute("href").as_deref(),
        Some("https://bot.example.com/media/cat.png")
    );
    assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
    assert!(a.get_attribute("aria-label").unwrap().contains("Cat"));

    let m = render(
        json!({"type":"image","image":"javascript:alert(1)","title":"Evil"}),
        &sink,
    )
    .await;
    assert!(m.all("img").is_empty());
    assert!(m.all("a").is_empty());
    assert!(m.text().contains("Evil"));
}

#[wasm_bindgen_test]
async fn audio_video_file() {
    let sink = Sink::default();
    let m = render(
        json!({"type":"audio","audio":"https://x.example/a.mp3"}),
        &sink,
    )
    .await;
    assert_eq!(
        m.get("audio").get_attribute("src").as_deref(),
        Some("https://x.example/a.mp3")
    );
    assert!(m.get("audio").has_attribute("controls"));
    let m = render(json!({"type":"video","url":"/v.mp4","title":"Clip"}), &sink).await;
    assert_eq!(
        m.get("video").get_attribute("src").as_deref(),
        Some("https://bot.example.com/v.mp4")
    );
    assert_eq!(
        m.get("video").get_attribute("aria-label").as_deref(),
        Some("Clip")
    );
    let m = render(json!({"type":"file","file":"/media/report.pdf"}), &sink).await;
    let a = m.get("[data-testid=bpw-file-link]");
    assert_eq!(
        a.get_attribute("href").as_deref(),
        Some("https://bot.example.com/media/report.pdf")
    );
    assert_eq!(a.get_attribute("download").as_deref(), Some("report.pdf"));
    assert!(m.text().contains("report.pdf"));
    let m = render(
        json!({"type":"file","url":"vbscript:x","title":"bad"}),
        &sink,
    )
    .await;
    assert!(m.all("a").is_empty());
}

#[wasm_bindgen_test]
async fn carousel_buttons() {
    let sink = Sink::default();
    let m = render(
        json!({"type":"carousel","elements":[
            {"title":"One","subtitle":"First","picture":"/one.png","buttons":[
                {"type":"open_url","title":"Site","url":"https://example.com"},
                {"type":"open_url","title":"Evil","url":"javascript:alert(1)"},
                {"type":"postback","title":"Buy","payload":"BUY_1"},
                {"type":"say_something","title":"Hi","text":"Hello"}]},
            {"title":"Two"}]}),
        &sink,
    )
    .await;
    assert_eq!(m.all("[data-testid=bpw-card]").len(), 2);
    assert_eq!(
        m.get(".bpw-card-picture").get_attribute("src").as_deref(),
        Some("https://bot.example.com/one.png")
    );
    let links = m.all("[data-testid=bpw-card-link]");
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].get_attribute("href").as_deref(),
        Some("https://example.com")
    );
    assert_eq!(links[0].get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        links[0].get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert!(m
        .get("[data-testid=bpw-card-refused]")
        .text_content()
        .unwrap()
        .contains("Evil"));
    m.click("[data-testid=bpw-card-postback]");
    m.click("[data-testid=bpw-card-say]");
    assert_eq!(
        sink.payloads(),
        vec![
            json!({"type":"postback","payload":"BUY_1"}),
            json!({"type":"say_something","text":"Hello"})
        ]
    );
    assert_no_active_content(&m);
}

#[wasm_bindgen_test]
async fn quick_replies_show_wrapped_text_and_send() {
    let sink = Sink::default();
    let payload = json!({"type":"single-choice","text":"Pick one","choices":[
        {"title":"Yes","value":"yes"},{"title":"No","value":"no"}]});
    let m = render(payload.clone(), &sink).await;
    assert!(m.text().contains("Pick one"));
    let buttons = m.all("[data-testid=bpw-quick-reply]");
    assert_eq!(buttons.len(), 2);
    assert_eq!(
        buttons[0].get_attribute("aria-label").as_deref(),
        Some("Yes")
    );
    m.click("[data-testid=bpw-quick-reply]");
    tick().await;
    assert_eq!(
        sink.payloads(),
        vec![json!({"type":"quick_reply","text":"Yes","payload":"YES"})]
    );
    // Once used, the keyboard is disabled: a second click sends nothing.
    m.click("[data-testid=bpw-quick-reply]");
    assert_eq!(sink.payloads().len(), 1);

    // Not the last message: no inline keyboard.
    let m = render_with(message(None, payload.clone()), sink.ctx(false)).await;
    assert!(m.all("[data-testid=bpw-quick-reply]").is_empty());
    // Keyboard in the composer: the UI asks for it through keyboard_for.
    let mut ctx = sink.ctx(true);
    ctx.keyboard_in_composer = true;
    let m = render_with(message(None, payload.clone()), ctx).await;
    assert!(m.all("[data-testid=bpw-quick-reply]").is_empty());
    let replies = views::keyboard_for(&message(None, payload)).expect("keyboard");
    assert_eq!(replies.len(), 2);
}

#[wasm_bindgen_test]
async fn dropdown_single_and_multiple() {
    let sink = Sink::default();
    let m = render(
        json!({"type":"custom","module":"extensions","component":"Dropdown","message":"Which?",
            "options":[{"label":"Apple","value":"apple"},{"label":"Pear"}]}),
        &sink,
    )
    .await;
    assert!(m.text().contains("Which?"));
    let select: HtmlSelectElement = m.get("[data-testid=bpw-dropdown-select]").unchecked_into();
    select.set_value("1");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    assert_eq!(
        sink.payloads(),
        vec![json!({"type":"quick_reply","text":"Pear","payload":"Pear"})]
    );

    let sink = Sink::default();
    let m = render(
        json!({"type":"dropdown","message":"Pick","allowMultiple":true,"buttonText":"Send",
            "options":[{"label":"A","value":"a"},{"label":"B","value":"b"},{"label":"C","value":"c"}]}),
        &sink,
    )
    .await;
    let boxes = m.all("[data-testid=bpw-dropdown-option]");
    assert_eq!(boxes.len(), 3);
    boxes[2].unchecked_ref::<HtmlElement>().click();
    boxes[0].unchecked_ref::<HtmlElement>().click();
    tick().await;
    m.click("[data-testid=bpw-dropdown-submit]");
    assert_eq!(
        sink.payloads(),
        vec![json!({"type":"quick_reply","text":"A, C","payload":"a,c"})]
    );
}

#[wasm_bindgen_test]
async fn login_prompt_sends_and_forgets_the_password() {
    let sink = Sink::default();
    let m = render(json!({"type":"login_prompt"}), &sink).await;
    let user: HtmlInputElement = m.get("[data-testid=bpw-login-username]").unchecked_into();
    let pass: HtmlInputElement = m.get("[data-testid=bpw-login-password]").unchecked_into();
    assert_eq!(pass.type_(), "password");
    user.set_value("ann");
    pass.set_value("s3cret-pw");
    m.click("[data-testid=bpw-login-submit]");
    tick().await;
    assert_eq!(
        sink.payloads(),
        vec![
            json!({"type":"login_prompt","text":"Provided login information","username":"ann",
            "password":"s3cret-pw","sensitive":["password"]})
        ]
    );
    assert_eq!(pass.value(), "");
    assert!(!m.root.outer_html().contains("s3cret-pw"));

    // An old prompt is not live; the user's echo is text.
    let m = render_with(
        message(None, json!({"type":"login_prompt"})),
        sink.ctx(false),
    )
    .await;
    assert!(m.q("form").is_none());
    let m = render_with(
        message(
            Some("user-1"),
            json!({"type":"login_prompt","text":"Provided login information","username":"ann"}),
        ),
        sink.ctx(true),
    )
    .await;
    assert!(m.q("form").is_none());
    assert!(m.text().contains("Provided login information"));
}

#[wasm_bindgen_test]
async fn system_and_misc_types() {
    let sink = Sink::default();
    let m = render(json!({"type":"typing"}), &sink).await;
    assert_eq!(
        m.get("[data-testid=bpw-typing]")
            .get_attribute("role")
            .as_deref(),
        Some("status")
    );
    let m = render(json!({"type":"session_reset"}), &sink).await;
    assert!(m.q("[data-testid=bpw-session-reset]").is_some());
    let m = render(json!({"type":"visit"}), &sink).await;
    assert_eq!(m.root.child_element_count(), 0);
    let m = render(
        json!({"type":"location","latitude":45.5,"longitude":-73.5,"title":"HQ"}),
        &sink,
    )
    .await;
    let a = m.get("[data-testid=bpw-location-link]");
    assert!(a
        .get_attribute("href")
        .unwrap()
        .starts_with("https://www.openstreetmap.org/?mlat=45.5&mlon=-73.5"));
    assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
    assert!(m.all("script").is_empty());
    for bad in [
        json!({"type":"hologram"}),
        json!({"type":"text"}),
        json!(null),
        json!({"type":"carousel","elements":3}),
    ] {
        let m = render(bad, &sink).await;
        assert_eq!(
            m.get("[data-testid=bpw-unsupported]")
                .text_content()
                .as_deref(),
            Some("Unsupported message")
        );
    }
}

#[wasm_bindgen_test]
async fn feedback_thumbs() {
    let sink = Sink::default();
    let m = render(
        json!({"type":"text","text":"answer","collectFeedback":true}),
        &sink,
    )
    .await;
    m.click("[data-testid=bpw-feedback-down]");
    tick().await;
    m.click("[data-testid=bpw-feedback-up]");
    assert_eq!(
        sink.feedback.borrow().clone(),
        vec![("msg-1".to_string(), -1)]
    );
    // User messages never ask for feedback.
    let m = render_with(
        message(
            Some("u"),
            json!({"type":"text","text":"q","collectFeedback":true}),
        ),
        sink.ctx(true),
    )
    .await;
    assert!(m.q("[data-testid=bpw-feedback-up]").is_none());
}

#[wasm_bindgen_test]
async fn rust_custom_view() {
    // what the view saw (module, view, messageId, isBotMessage, isLastGroup, isLastOfGroup), and
    // how many times its cleanup ran
    type Seen = (String, String, String, bool, bool, bool);
    let seen: Rc<RefCell<Vec<Seen>>> = Rc::default();
    let cleaned = Rc::new(Cell::new(0));
    let (s, c) = (seen.clone(), cleaned.clone());
    views::register(
        "weather",
        "Forecast",
        move |p: &CustomProps, container: &Element| {
            s.borrow_mut().push((
                p.module.clone(),
                p.view.clone(),
                p.message_id.clone(),
                p.is_bot_message,
                p.is_last_group,
                p.is_last_of_group,
            ));
            for k in ["type", "module", "view", "component"] {
                assert!(!p.data.contains_key(k), "{k} leaked into props");
            }
            let city = p.data.get("city").and_then(Value::as_str).unwrap_or("?");
            let button = E::new("button")
                .attr("type", "button")
                .testid("forecast")
                .text(city);
            let send = p.send_payload.clone();
            let listener = Listener::new(
                &button.0,
                "click",
                Box::new(move |_| send(json!({"type":"text","text":"more"}))),
            );
            container.append_child(&button.0).unwrap();
            let c = c.clone();
            Some(Box::new(move || {
                drop(listener);
                c.set(c.get() + 1);
            }))
        },
    )
    .unwrap();
    let sink = Sink::default();
    let mut m = render(
        json!({"type":"custom","module":"weather","view":"Forecast","city":"Québec"}),
        &sink,
    )
    .await;
    assert_eq!(
        *seen.borrow(),
        vec![(
            "weather".to_string(),
            "Forecast".to_string(),
            "msg-1".to_string(),
            true,
            true,
            true
        )]
    );
    assert_eq!(
        m.get("[data-testid=forecast]").text_content().as_deref(),
        Some("Québec")
    );
    m.click("[data-testid=forecast]");
    assert_eq!(sink.payloads(), vec![json!({"type":"text","text":"more"})]);
    // the cleanup the view returned runs when its message is unmounted, once
    assert_eq!(cleaned.get(), 0);
    m.unmount();
    assert_eq!(cleaned.get(), 1);
    drop(m);
    assert_eq!(cleaned.get(), 1);
    views::unregister("weather", "Forecast");
}

#[wasm_bindgen_test]
async fn js_custom_view_gets_props_and_is_cleaned_up() {
    let js_render = js_sys::Function::new_with_args(
        "container, props",
        "window.__bpwProps = props;\
         const p = document.createElement('p'); p.className = 'js-view'; p.textContent = props.greeting;\
         container.appendChild(p);\
         props.sendPayload({type: 'text', text: 'from js'});\
         props.sendEvent({type: 'custom-event'});\
         return function () { window.__bpwCleaned = (window.__bpwCleaned || 0) + 1; };",
    );
    views::register_js("demo", "Hello", js_render).unwrap();
    let sink = Sink::default();
    let mut m = render(
        json!({"type":"custom","module":"demo","component":"Hello","greeting":"Bonjour <b>x</b>","n":3}),
        &sink,
    )
    .await;
    tick().await;
    assert_eq!(
        m.get(".js-view").text_content().as_deref(),
        Some("Bonjour <b>x</b>")
    );
    let window: JsValue = web_sys::window().unwrap().into();
    let props = js_sys::Reflect::get(&window, &"__bpwProps".into()).unwrap();
    let get = |k: &str| js_sys::Reflect::get(&props, &k.into()).unwrap();
    assert_eq!(get("messageId").as_string().as_deref(), Some("msg-1"));
    assert_eq!(
        get("sentOn").as_string().as_deref(),
        Some("2026-01-02T03:04:05Z")
    );
    assert_eq!(get("isBotMessage").as_bool(), Some(true));
    assert_eq!(get("isLastGroup").as_bool(), Some(true));
    assert_eq!(get("isLastOfGroup").as_bool(), Some(true));
    assert_eq!(get("n").as_f64(), Some(3.0));
    assert!(get("onSendData").is_function());
    for k in ["type", "module", "view", "component"] {
        assert!(get(k).is_undefined(), "{k} leaked into props");
    }
    assert_eq!(
        sink.payloads(),
        vec![json!({"type":"text","text":"from js"})]
    );
    assert_eq!(sink.events(), vec![json!({"type":"custom-event"})]);
    let cleaned = || {
        js_sys::Reflect::get(&window, &"__bpwCleaned".into())
            .unwrap()
            .as_f64()
    };
    assert_eq!(cleaned(), None);
    m.unmount();
    assert_eq!(cleaned(), Some(1.0));
    views::unregister("demo", "Hello");
}

#[wasm_bindgen_test]
async fn failing_custom_views_show_the_fallback() {
    views::register_js(
        "demo",
        "Throws",
        js_sys::Function::new_with_args("c, p", "throw new Error('boom')"),
    )
    .unwrap();
    let sink = Sink::default();
    let m = render(
        json!({"type":"custom","module":"demo","view":"Throws"}),
        &sink,
    )
    .await;
    assert!(m.q("[data-testid=bpw-unsupported]").is_some());
    assert!(m.q("[data-testid=bpw-custom]").is_none());
    // Unregistered views fall back too, and the next message still renders.
    let m = render(
        json!({"type":"custom","module":"nobody","view":"Nothing"}),
        &sink,
    )
    .await;
    assert!(m.q("[data-testid=bpw-unsupported]").is_some());
    let m = render(json!({"type":"text","text":"still fine"}), &sink).await;
    assert!(m.text().contains("still fine"));
    // Built-ins cannot be replaced from JS.
    assert!(views::register_js(
        "channel-web",
        "QuickReplies",
        js_sys::Function::new_no_args("")
    )
    .is_err());
}

#[wasm_bindgen_test]
async fn chrome_timestamp_and_bubble_flags() {
    let sink = Sink::default();
    let mut ctx = sink.ctx(true);
    ctx.show_timestamp = true;
    let m = render_with(message(None, json!({"type":"text","text":"hi"})), ctx).await;
    let time = m.get("time.bpw-timestamp");
    assert_eq!(
        time.get_attribute("datetime").as_deref(),
        Some("2026-01-02T03:04:05Z")
    );
    let shown = time.text_content().unwrap();
    assert_eq!(shown.len(), 5, "{shown}");
    assert_eq!(&shown[2..3], ":");
    let row = m.get("[data-testid=bpw-message]");
    assert!(row.class_list().contains("bpw-from-bot"));
    assert!(row.class_list().contains("bpw-bubble"));
    assert_eq!(
        row.get_attribute("data-message-id").as_deref(),
        Some("msg-1")
    );

    // No timestamp unless asked; noBubble drops the bubble; user messages are marked as such.
    let m = render_with(
        message(
            Some("u"),
            json!({"type":"text","text":"hi","noBubble":true}),
        ),
        sink.ctx(true),
    )
    .await;
    assert!(m.q("time").is_none());
    let row = m.get("[data-testid=bpw-message]");
    assert!(row.class_list().contains("bpw-from-user"));
    assert!(!row.class_list().contains("bpw-bubble"));
}

/// The autolinker and the avatar initial ask the browser whether a non-ASCII character is a letter
/// or digit; its answer must be Rust's `char::is_alphanumeric` (Unicode Alphabetic or Numeric).
#[wasm_bindgen_test]
fn browser_alphanumeric_matches_unicode() {
    let samples = [
        'a', 'Z', '0', '9', ' ', '-', '_', '(', 'é', 'ß', 'Ж', 'ж', 'ع', '٣', 'あ', '漢', '한',
        'Ⅻ', '½', '²', '\u{0301}', '\u{00a0}', '\u{2014}', '«', '€', '😀', '\u{200b}', 'ǅ', 'ⅿ',
        '𝔸',
    ];
    for c in samples {
        assert_eq!(
            webchat::browser::is_alphanumeric(c),
            c.is_alphanumeric(),
            "{c:?} (U+{:04X})",
            c as u32
        );
    }
    // and every code point of a few blocks, ASCII to Greek
    for c in (0u32..0x400).filter_map(char::from_u32) {
        assert_eq!(
            webchat::browser::is_alphanumeric(c),
            c.is_alphanumeric(),
            "U+{:04X}",
            c as u32
        );
    }
}

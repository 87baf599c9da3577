//! Every content type the demo bot sends (`all`) renders as the right DOM in the open widget
//! (botpress-protocols.md §1.8), and a screenshot of it becomes `docs/screenshot.png`.

use serde_json::{json, Value};
use webchat_e2e::{repo_root, widget_root_js, Browser, Server};

/// Records in `window.__sawTyping` whether a typing indicator ever appeared in the widget: it is
/// shown for a few hundred milliseconds, so polling could miss it; a MutationObserver cannot.
const WATCH_TYPING: &str = "window.__sawTyping = false; var root = arguments[0]; \
     var seen = function () { return !!root.querySelector('.bpw-typing, [data-testid=\"bpw-typing\"]'); }; \
     new MutationObserver(function () { if (seen()) window.__sawTyping = true; }) \
       .observe(root, {childList: true, subtree: true, attributes: true});";

/// One probe per type: `{name: [ok, detail]}` computed in the page.
const PROBE: &str = r#"
const root = arguments[0];
const q = s => root.querySelector(s);
const qa = s => [...root.querySelectorAll(s)];
const transcript = q('[data-testid="transcript"]');
const inT = s => transcript ? [...transcript.querySelectorAll(s)] : [];
const out = {};
const check = (name, ok, detail) => { out[name] = [!!ok, String(detail)]; };
const html = el => el ? el.outerHTML.slice(0, 300) : 'absent';

const img = inT('img').find(i => (i.getAttribute('src') || '').endsWith('/demo-assets/welcome.svg')
  && !i.classList.contains('bpw-card-picture'));
check('image', img && img.getAttribute('loading') === 'lazy' && img.alt === 'The welcome picture', html(img));

const audio = inT('audio').find(a => (a.getAttribute('src') || '').endsWith('/demo-assets/chime.wav'));
check('audio', audio && audio.controls, html(audio));
const video = inT('video').find(v => (v.getAttribute('src') || '').endsWith('/demo-assets/clip.webm'));
check('video', video && video.controls, html(video));

const file = inT('a[download]').find(a => (a.getAttribute('href') || '').endsWith('/demo-assets/readme.txt'));
check('file', file && file.getAttribute('download') === 'readme.txt' && file.textContent.includes('readme.txt'), html(file));

const cards = inT('[data-testid="bpw-card"]');
const titles = cards.map(c => c.textContent);
const cardButtons = cards.map(c => c.querySelectorAll('button, a').length);
check('carousel', cards.length === 4 && ['Card 1', 'Card 2', 'Card 3'].every(t => titles.some(x => x.includes(t)))
  && cardButtons.every(n => n === 3)
  && cards.every(c => { const p = c.querySelector('img'); return p && p.getAttribute('loading') === 'lazy'; })
  && cards.some(c => [...c.querySelectorAll('a')].some(a => a.href === 'https://botpress.com/docs' && a.textContent.includes('Open the docs'))),
  `cards=${cards.length} buttons=${cardButtons} ${html(cards[0])}`);

const composer = q('[data-testid="composer"]');
const keyboard = q('[data-testid="bpw-keyboard"]');
const kbButtons = keyboard ? [...keyboard.querySelectorAll('button')].map(b => b.textContent.trim()) : [];
const above = keyboard && composer
  && (keyboard.compareDocumentPosition(composer) & Node.DOCUMENT_POSITION_FOLLOWING)
  && !(transcript && transcript.contains(keyboard))
  && keyboard.getBoundingClientRect().bottom <= composer.getBoundingClientRect().top + 1;
check('quick_replies', above && kbButtons.join('|') === 'Yes|No', `buttons=${kbButtons} ${html(keyboard)}`);

const dropdown = inT('[data-testid="bpw-dropdown"]')[0];
const options = dropdown ? [...dropdown.querySelectorAll('option, label')].map(o => o.textContent.trim()) : [];
check('dropdown', dropdown && ['Image', 'Card', 'Location'].every(l => options.includes(l))
  && dropdown.textContent.includes('Pick a content type'), `options=${options} ${html(dropdown)}`);

const loc = inT('a').find(a => a.textContent.includes('Montréal'));
check('location', loc && /^https:\/\//.test(loc.href) && loc.href.includes('45.5017') && loc.href.includes('-73.5673')
  && loc.target === '_blank' && (loc.rel || '').includes('noopener'), html(loc));

check('typing', window.__sawTyping, 'no typing indicator was ever shown');

const md = inT('.bpw-markdown').find(m => m.textContent.includes('Bold'));
const mdLink = md && md.querySelector('a');
check('markdown', md && md.querySelector('strong') && md.querySelector('strong').textContent === 'Bold'
  && md.querySelector('em') && md.querySelector('code') && md.querySelectorAll('li').length === 2
  && mdLink && mdLink.getAttribute('href') === 'https://botpress.com' && mdLink.target === '_blank'
  && (mdLink.rel || '').includes('noopener') && !md.textContent.includes('**'), html(md));

const custom = inT('.demo-greeting')[0];
check('custom', custom && custom.textContent.includes('Hello visitor') && !custom.closest('[data-testid="bpw-unsupported"]'), html(custom));

const text = inT('[data-testid="message"]').find(m => m.textContent.includes('Here is one of every content type:'));
check('text', text && text.dataset.from === 'bot', html(text));
return out;
"#;

fn probe(browser: &Browser) -> Value {
    browser.exec(
        &format!(
            "return (function () {{ {PROBE} }}).apply(null, [{}]);",
            widget_root_js()
        ),
        json!([]),
    )
}

fn failures(result: &Value) -> Vec<String> {
    result
        .as_object()
        .expect("probe object")
        .iter()
        .filter(|(_, v)| v[0] != json!(true))
        .map(|(k, v)| format!("{k}: {}", v[1].as_str().unwrap_or_default()))
        .collect()
}

#[test]
fn the_demo_bot_sends_every_type_and_each_renders() {
    let server = Server::start();
    let browser = Browser::start();
    browser.open_demo(&server);
    // The demo page registers the `demo/Greeting` view the bot's `custom` message names.
    let registered = browser.exec(
        "return typeof window.botpressWebChat.registerView === 'function';",
        json!([]),
    ) == json!(true);
    browser.exec(
        &format!(
            "(function () {{ {WATCH_TYPING} }}).apply(null, [{}]);",
            widget_root_js()
        ),
        json!([]),
    );

    browser.show_all_types();
    let root = widget_root_js();

    let result = probe(&browser);
    let mut failed = failures(&result);
    if !registered {
        failed.push("custom: window.botpressWebChat.registerView is missing".into());
    }
    assert!(
        failed.is_empty(),
        "types that did not render:\n{}",
        failed.join("\n")
    );

    // Screenshots of the open widget: the transcript's end as the bot left it (the README links
    // it as docs/screenshot.png), and its media part.
    let t = format!("{root}.querySelector('[data-testid=\"transcript\"]')");
    browser.exec(&format!("{t}.scrollTop = {t}.scrollHeight;"), json!([]));
    let shot = browser.screenshot("widget-all-types.png");
    let docs = repo_root().join("docs");
    std::fs::create_dir_all(&docs).expect("docs dir");
    std::fs::copy(&shot, docs.join("screenshot.png")).expect("copy the screenshot to docs/");
    browser.exec(
        &format!(
            "const t = {t}; const a = t.querySelector('audio').closest('[data-testid=\"message\"]');\
             t.scrollTop = a.offsetTop - t.offsetTop - 8;"
        ),
        json!([]),
    );
    browser.screenshot("widget-media-types.png");
    browser.assert_no_console_errors();
}

#[test]
fn a_login_prompt_as_the_last_message_shows_a_password_form() {
    let server = Server::start();
    let browser = Browser::start();
    browser.open_demo(&server);
    browser.say("login");
    let root = widget_root_js();
    browser.wait_for(
        "the login form",
        &format!("{root}.querySelector('[data-testid=\"bpw-login-form\"]')"),
    );
    let form = browser.exec(
        &format!(
            "const f = {root}.querySelector('[data-testid=\"bpw-login-form\"]'); \
             const pw = f.querySelector('input[type=\"password\"]'); \
             return {{password: !!pw, autocomplete: pw && pw.autocomplete, \
                      user: !!f.querySelector('input:not([type=\"password\"])'), \
                      submit: !!f.querySelector('button')}};"
        ),
        json!([]),
    );
    assert_eq!(form["password"], true, "no password input: {form}");
    assert_eq!(form["user"], true, "no username input: {form}");
    assert_eq!(form["submit"], true, "no submit button: {form}");
    browser.assert_no_console_errors();
}

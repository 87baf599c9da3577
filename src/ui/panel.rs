//! The chat window while it is open: the `before_container` overrides, then a `role="dialog"` section
//! with the header, the connection banner, the live region, the body (bot-info page, conversation list,
//! or transcript + `below_conversation` overrides + composer) and the "powered by" line.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

use super::composer::ComposerSlot;
use super::overrides::{Location, Slot};
use super::rows::{self, Announcer};
use super::transcript::Transcript;
use super::{banner_text, bot_info, keys, Cx};
use crate::dom::{self, Scope, E};
use crate::i18n::{Key, Lang};
use crate::model::config::ViewMode;
use crate::model::wire::ConversationSummary;
use crate::transport::Command;
use crate::views::url::safe_url;

/// The open panel. Dropping it removes it from the page and releases everything in it.
pub struct Panel {
    section: Element,
    before_container: Slot,
    header: Header,
    banner: Banner,
    live: LiveRegion,
    body: Body,
    powered: Option<Element>,
    _scope: Scope,
}

impl Panel {
    /// Builds the panel into `root` before `before` (the launcher), then renders it for `cx`.
    pub fn new(root: &Element, before: Option<&Element>, cx: &Cx, request: Rc<dyn Fn()>) -> Panel {
        let mut scope = Scope::new();
        let chat = cx.chat.clone();
        let section = E::classed("section", "bpw-panel")
            .testid("panel")
            .attr("role", "dialog")
            .on(
                &mut scope,
                "keydown",
                Box::new(move |ev| {
                    if let Some(ev) = ev.dyn_ref::<KeyboardEvent>() {
                        keys::panel_keydown(&chat, ev);
                    }
                }),
            )
            .0;
        dom::insert(root, &section, before.map(|b| b.as_ref()));
        let header = Header::new(&section, cx);
        let banner = Banner::new(&section, cx);
        let live = LiveRegion::new(&section, cx);
        let body = Body::new(&section, cx, request);
        let mut panel = Panel {
            section,
            before_container: Slot::new(Location::BeforeContainer),
            header,
            banner,
            live,
            body,
            powered: None,
            _scope: scope,
        };
        panel.update(cx);
        panel
    }

    /// Patches the panel for `cx`.
    pub fn update(&mut self, cx: &Cx) {
        dom::set_if_changed(&self.section, "aria-label", &cx.title());
        if let Some(root) = self.section.parent_node() {
            self.before_container
                .update(cx, &root, Some(self.section.as_ref()));
        }
        self.header.update(cx);
        self.banner.update(cx);
        self.live.update(cx);
        self.body.update(&self.section, cx);
        dom::show_text(
            &mut self.powered,
            cx.config.show_powered_by.then(|| cx.t(Key::PoweredBy)),
            &self.section,
            None,
            |text| E::classed("p", "bpw-powered").text(text),
        );
    }
}

impl Drop for Panel {
    fn drop(&mut self) {
        self.section.remove();
    }
}

/// What the header shows; it is rebuilt when this changes (config, language, title).
#[derive(PartialEq)]
struct HeaderModel {
    lang: crate::i18n::Lang,
    title: String,
    description: String,
    avatar: Option<String>,
    /// Which of [`BUTTONS`] config enables.
    buttons: [bool; 4],
    close: bool,
}

/// A header command button: its `data-testid`, label and command.
type HeaderButton = (&'static str, Key, fn(String) -> Command);

/// The header's command buttons, in order. The first one toggles the conversation list (its
/// `aria-pressed` follows the state).
const BUTTONS: [HeaderButton; 4] = [
    ("conversations", Key::Conversations, |_| {
        Command::ToggleConversations
    }),
    ("reset", Key::Reset, |_| Command::Reset),
    ("download", Key::Download, |_| Command::Download),
    ("delete-history", Key::Delete, |_| Command::DeleteHistory),
];

/// Title, description and the conversation buttons enabled by config.
struct Header {
    el: Element,
    model: Option<HeaderModel>,
    /// The two toggles whose `aria-pressed` follows the state (kept, not looked up every render).
    conversations: Option<Element>,
    bot_info: Option<Element>,
    scope: Scope,
}

impl Header {
    fn new(section: &Element, cx: &Cx) -> Header {
        let el = E::classed("header", "bpw-header").0;
        dom::append(section, &el);
        let mut h = Header {
            el,
            model: None,
            conversations: None,
            bot_info: None,
            scope: Scope::new(),
        };
        h.update(cx);
        h
    }

    fn update(&mut self, cx: &Cx) {
        let c = cx.config;
        let model = HeaderModel {
            lang: cx.lang,
            title: cx.title(),
            description: c.bot_convo_description.clone().unwrap_or_default(),
            avatar: c.avatar_url.as_deref().and_then(|u| safe_url(u, &c.host)),
            buttons: [
                c.show_conversations_button,
                c.enable_reset,
                c.enable_transcript_download,
                c.enable_conversation_deletion,
            ],
            close: c.view_mode != ViewMode::Fullscreen,
        };
        if self.model.as_ref() != Some(&model) {
            self.build(cx, &model);
            self.model = Some(model);
        }
        let pressed = |on: bool| if on { "true" } else { "false" };
        if let Some(b) = &self.conversations {
            dom::set_if_changed(b, "aria-pressed", pressed(cx.state.show_list));
        }
        if let Some(b) = &self.bot_info {
            dom::set_if_changed(b, "aria-pressed", pressed(cx.state.show_bot_info));
        }
    }

    fn build(&mut self, cx: &Cx, m: &HeaderModel) {
        self.scope.clear();
        dom::clear(&self.el);
        if let Some(src) = &m.avatar {
            let img = E::classed("img", "bpw-avatar")
                .attr("alt", "")
                .attr("src", src);
            img.append_to(&self.el);
        }
        let mut title = E::classed("div", "bpw-title").child(E::new("h2").text(&m.title));
        if !m.description.is_empty() {
            title = title.child(E::classed("p", "bpw-description").text(&m.description));
        }
        title.append_to(&self.el);
        let actions = E::classed("div", "bpw-actions");
        let toggle = bot_info::toggle(cx, &mut self.scope);
        dom::append(&actions.0, &toggle);
        self.bot_info = Some(toggle);
        self.conversations = None;
        for (&(testid, key, cmd), &show) in BUTTONS.iter().zip(&m.buttons) {
            if !show {
                continue;
            }
            let b = E::button("bpw-header-btn").testid(testid).text(cx.t(key));
            let b = cx.chat.on_click(b, &mut self.scope, cmd, String::new()).0;
            dom::append(&actions.0, &b);
            if testid == "conversations" {
                self.conversations = Some(b);
            }
        }
        if m.close {
            let chat = cx.chat.clone();
            let close = E::button("bpw-header-btn bpw-close")
                .testid("close")
                .attr("aria-label", cx.t(Key::CloseChat))
                .child(E::new("span").aria_hidden().text("×"))
                .on(
                    &mut self.scope,
                    "click",
                    Box::new(move |_| chat.close_from_panel()),
                );
            close.append_to(&actions.0);
        }
        actions.append_to(&self.el);
    }
}

/// Connection status in a polite live region.
struct Banner {
    el: Element,
    inner: Option<Element>,
}

impl Banner {
    fn new(section: &Element, cx: &Cx) -> Banner {
        let el = E::classed("div", "bpw-live")
            .attr("role", "status")
            .attr("aria-live", "polite")
            .0;
        dom::append(section, &el);
        let mut b = Banner { el, inner: None };
        b.update(cx);
        b
    }

    fn update(&mut self, cx: &Cx) {
        dom::show_text(
            &mut self.inner,
            banner_text(cx.lang, cx.state),
            &self.el,
            None,
            |text| {
                E::classed("div", "bpw-banner")
                    .testid("connection-banner")
                    .text(text)
            },
        );
    }
}

/// How many announcements the live region keeps (older ones are removed; they were read already).
const LIVE_KEEP: u32 = 3;

/// A visually hidden polite live region announcing each new bot message once. The transcript itself is
/// not live, so the history is never read out on load or on a conversation switch.
struct LiveRegion {
    el: Element,
    announcer: Announcer,
    /// How many announcements the region holds (at most [`LIVE_KEEP`]; only this code adds to it).
    held: u32,
}

impl LiveRegion {
    fn new(section: &Element, cx: &Cx) -> LiveRegion {
        let el = E::classed("div", "bpw-sr-only")
            .testid("live-region")
            .attr("aria-live", "polite")
            .attr("aria-atomic", "false")
            .attr("aria-relevant", "additions")
            .0;
        dom::append(section, &el);
        let mut l = LiveRegion {
            el,
            announcer: Announcer::default(),
            held: 0,
        };
        l.update(cx);
        l
    }

    fn update(&mut self, cx: &Cx) {
        let s = cx.state;
        for m in self
            .announcer
            .update(s.conversation_id.as_deref(), &s.messages)
        {
            let Some(text) = rows::announcement(cx.lang, &s.bot_name, m) else {
                continue;
            };
            // a text node in a paragraph, never markup
            E::new("p").text(&text).append_to(&self.el);
            if self.held == LIVE_KEEP {
                // the region holds only the paragraphs added here
                if let Some(first) = self.el.first_child() {
                    first.unchecked_ref::<Element>().remove();
                }
            } else {
                self.held += 1;
            }
        }
    }
}

/// Which page the panel body shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    BotInfo,
    List,
    Chat,
}

impl Mode {
    fn of(cx: &Cx) -> Mode {
        if cx.state.show_bot_info {
            Mode::BotInfo
        } else if cx.state.show_list {
            Mode::List
        } else {
            Mode::Chat
        }
    }
}

enum Page {
    BotInfo(bot_info::Page),
    List(ConversationList),
    Chat(Box<ChatPage>),
}

/// The conversation: transcript, `below_conversation` overrides, composer.
struct ChatPage {
    transcript: Transcript,
    below: Slot,
    composer: ComposerSlot,
}

/// The panel body: one page at a time, rebuilt when the page changes.
struct Body {
    mode: Mode,
    page: Page,
    request: Rc<dyn Fn()>,
    /// Marks where the body ends (the "powered by" line goes after it).
    end: Element,
}

impl Body {
    fn new(section: &Element, cx: &Cx, request: Rc<dyn Fn()>) -> Body {
        let end = E::classed("span", "bpw-body-end").attr("hidden", "").0;
        dom::append(section, &end);
        let mode = Mode::of(cx);
        let page = Self::page(section, &end, mode, cx, &request);
        Body {
            mode,
            page,
            request,
            end,
        }
    }

    fn page(section: &Element, end: &Element, mode: Mode, cx: &Cx, request: &Rc<dyn Fn()>) -> Page {
        match mode {
            Mode::BotInfo => Page::BotInfo(bot_info::Page::new(section, end, cx)),
            Mode::List => Page::List(ConversationList::new(section, end, cx)),
            Mode::Chat => {
                let transcript = Transcript::new(section, end, cx, request.clone());
                let mut below = Slot::new(Location::BelowConversation);
                below.update(cx, section, Some(end.as_ref()));
                let composer = ComposerSlot::new(section, end, cx);
                Page::Chat(Box::new(ChatPage {
                    transcript,
                    below,
                    composer,
                }))
            }
        }
    }

    fn update(&mut self, section: &Element, cx: &Cx) {
        let mode = Mode::of(cx);
        if mode != self.mode {
            // the new page goes in before the end marker; the old one leaves the section when dropped
            self.mode = mode;
            self.page = Self::page(section, &self.end, mode, cx, &self.request);
            return;
        }
        match &mut self.page {
            Page::BotInfo(p) => p.update(cx),
            Page::List(l) => l.update(cx),
            Page::Chat(page) => {
                let ChatPage {
                    transcript,
                    below,
                    composer,
                } = &mut **page;
                transcript.update(cx);
                let anchor = composer.first();
                below.update(cx, section, anchor.map(|a| a.as_ref()));
                composer.update(section, &self.end, cx);
            }
        }
    }
}

/// The visitor's conversations: pick one, or start a new one.
struct ConversationList {
    nav: Element,
    /// What the list was built from: the language, the conversations, the current one.
    model: Option<(Lang, Vec<ConversationSummary>, Option<String>)>,
    scope: Scope,
}

impl ConversationList {
    fn new(section: &Element, end: &Element, cx: &Cx) -> ConversationList {
        let nav = E::classed("nav", "bpw-convos")
            .testid("conversation-list")
            .0;
        dom::insert(section, &nav, Some(end.as_ref()));
        let mut l = ConversationList {
            nav,
            model: None,
            scope: Scope::new(),
        };
        l.update(cx);
        l
    }

    fn update(&mut self, cx: &Cx) {
        let s = cx.state;
        if let Some((lang, conversations, current)) = &self.model {
            if *lang == cx.lang
                && *conversations == s.conversations
                && *current == s.conversation_id
            {
                return;
            }
        }
        self.scope.clear();
        dom::clear(&self.nav);
        dom::set(&self.nav, "aria-label", cx.t(Key::Conversations));
        let new = E::button("bpw-convo-new")
            .testid("new-conversation")
            .text(cx.t(Key::NewConversation));
        let new = cx.chat.on_click(
            new,
            &mut self.scope,
            |_| Command::NewConversation,
            String::new(),
        );
        let list = E::new("ul");
        for c in &s.conversations {
            let current = s.conversation_id.as_deref() == Some(c.id.as_str());
            let preview = c
                .last_message
                .as_ref()
                .and_then(|m| m.path(&["payload", "text"]))
                .and_then(|t| t.as_str())
                .unwrap_or(cx.t(Key::NoMessages));
            let when = c.created_on.get(..16).unwrap_or("").replace('T', " ");
            let button = E::button("bpw-convo")
                .testid("conversation")
                .attr("aria-current", if current { "true" } else { "false" })
                .child(
                    E::classed("span", "bpw-convo-preview")
                        .dir_auto()
                        .text(preview),
                )
                .child(E::classed("span", "bpw-convo-when").text(&when));
            let button = cx.chat.on_click(
                button,
                &mut self.scope,
                Command::LoadConversation,
                c.id.clone(),
            );
            E::new("li").child(button).append_to(&list.0);
        }
        new.append_to(&self.nav);
        list.append_to(&self.nav);
        self.model = Some((cx.lang, s.conversations.clone(), s.conversation_id.clone()));
    }
}

impl Drop for ConversationList {
    fn drop(&mut self) {
        self.nav.remove();
    }
}

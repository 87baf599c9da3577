//! The widget's UI, without a framework (see [`crate::dom`] for why). [`Ui`] owns the widget root in
//! the shadow root; it subscribes to the session's state and config [`crate::state::Store`]s and, after
//! any change, renders once in a microtask (at most `RENDERS_PER_FRAME` times per animation frame,
//! then once per frame): each component compares the part of the state it shows with what it showed
//! last and patches its DOM, or rebuilds itself when that is simpler and cheap.
//! Components are thin: the logic lives in `state`, `transport`, the pure helpers of [`rows`],
//! [`keys`], [`crate::state::window`] and [`crate::i18n`]. Message bodies come from [`crate::views`].
//!
//! `data-testid` hooks: `launcher`, `panel`, `composer`, `send`, `transcript`, `message` (`data-from`,
//! `data-message-id`), `connection-banner`, `unread-badge`, `live-region`, `composer-keyboard`,
//! `avatar`, and those of the header, conversation list and bot-info page.
//!
//! Accessibility: the transcript is a `role="log"` that is not itself live; a separate polite live region
//! announces each new bot message once (never the history). Focus moves to the composer when the panel
//! opens and back to the launcher when it closes from inside; Escape closes (`closeOnEscape`).
//!
//! User actions become [`Command`]s run in a microtask ([`Chat::run`]), never inside a render, so a page
//! view that calls the API while it renders cannot re-enter the session.

pub mod bot_info;
pub mod composer;
pub mod keys;
pub mod overrides;
pub mod panel;
pub mod rows;
pub mod transcript;
pub mod windowing;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use web_sys::{Element, Node};

use crate::browser;
use crate::dom::{self, Scope, E};
use crate::i18n::{t, Key, Lang};
use crate::json::Value;
use crate::model::config::ViewMode;
use crate::model::Config;
use crate::state::{ChatState, ConnectionStatus, Subscription};
use crate::transport::{Command, Session};
use crate::views::Callback;

/// A handle on the widget for components: sends commands and knows the launcher (focus goes back
/// there when the panel closes). Cheap to clone.
#[derive(Clone)]
pub struct Chat {
    session: Weak<Session>,
    launcher: Rc<RefCell<Option<Element>>>,
}

impl Chat {
    /// Runs a command on the session in a microtask (never inside a render).
    pub fn run(&self, cmd: Command) {
        let session = self.session.clone();
        dom::microtask(Box::new(move || {
            if let Some(s) = session.upgrade() {
                s.command(cmd);
            }
        }));
    }

    /// Close from the panel (Escape, close button): focus returns to the launcher, as for a dialog.
    pub fn close_from_panel(&self) {
        self.run(Command::Close);
        self.focus_launcher();
        // again after the next paint: on narrow screens the launcher is hidden while the panel is
        // open, and a hidden element cannot take focus
        let me = self.clone();
        dom::after(16, Box::new(move || me.focus_launcher()));
    }

    /// The config of this moment (defaults once the session is gone).
    pub fn config(&self) -> Rc<Config> {
        self.session
            .upgrade()
            .map(|s| s.ui_config.snapshot())
            .unwrap_or_default()
    }

    /// The state of this moment (empty once the session is gone).
    pub fn state(&self) -> Rc<ChatState> {
        self.session
            .upgrade()
            .map(|s| s.state.snapshot())
            .unwrap_or_default()
    }

    /// Makes a click on `el` run `cmd(arg)`, where `arg` is the id the command carries (empty for a
    /// command without one). Every command button shares this one listener type.
    pub fn on_click(&self, el: E, scope: &mut Scope, cmd: fn(String) -> Command, arg: String) -> E {
        let me = self.clone();
        el.on(scope, "click", Box::new(move |_| me.run(cmd(arg.clone()))))
    }

    fn focus_launcher(&self) {
        if let Some(l) = self.launcher.borrow().as_ref() {
            dom::focus(l);
        }
    }

    /// Sends a payload as the user (quick replies, postbacks, custom views).
    pub fn send_payload(&self) -> Callback<Value> {
        let me = self.clone();
        Rc::new(move |p: Value| me.run(Command::SendPayload(p)))
    }

    /// Records a thumbs up/down.
    pub fn send_feedback(&self) -> Callback<(String, i8)> {
        let me = self.clone();
        Rc::new(move |(message_id, feedback): (String, i8)| {
            me.run(Command::Feedback {
                message_id,
                feedback,
            })
        })
    }
}

/// What one render sees: the state and config of this moment, the resolved language, the handle.
pub struct Cx<'a> {
    /// The chat state.
    pub state: &'a ChatState,
    /// The config (without the token).
    pub config: &'a Config,
    /// The UI language (config `locale`, or the language the bot set).
    pub lang: Lang,
    /// Commands and the launcher.
    pub chat: &'a Chat,
}

impl Cx<'_> {
    /// A UI string in the current language.
    pub fn t(&self, key: Key) -> &'static str {
        t(self.lang, key)
    }

    /// The bot's name, or the localised default title.
    pub fn title(&self) -> String {
        if self.state.bot_name.is_empty() {
            self.t(Key::DefaultTitle).to_string()
        } else {
            self.state.bot_name.clone()
        }
    }
}

/// The UI language: the bot's choice (`guest.webchat.data` with `language`) wins over config `locale`,
/// which may be `browser`.
pub fn resolve_lang(state: &ChatState, config: &Config) -> Lang {
    let locale = state.language.as_deref().unwrap_or(&config.locale);
    Lang::resolve(locale, &browser::language())
}

/// The mounted UI. Dropping it releases every listener, timer and view and removes the root.
pub struct Ui {
    inner: Rc<Inner>,
}

struct Inner {
    me: Weak<Inner>,
    session: Rc<Session>,
    chat: Chat,
    el: Element,
    root: RefCell<Option<Root>>,
    scheduled: Cell<bool>,
    dead: Cell<bool>,
    subscriptions: RefCell<Vec<Subscription>>,
    /// Renders done since the last animation frame, and the frame that resets the count.
    renders_in_frame: Cell<u32>,
    frame: RefCell<Option<dom::Frame>>,
    /// A render is waiting for the next frame.
    waiting: Cell<bool>,
}

/// Renders a frame may take at once, in microtasks; past that, the next render waits for the next
/// animation frame. A burst of bot messages (each its own socket task) then costs one DOM update per
/// frame instead of one per message, and the browser keeps painting.
const RENDERS_PER_FRAME: u32 = 4;

impl Ui {
    /// Builds the widget for `session` into `parent` (the shadow root) and renders it at once, so the
    /// launcher exists before this returns.
    pub fn mount(session: Rc<Session>, parent: &Node) -> Ui {
        let el = E::new("div").0;
        dom::append(parent, &el);
        let inner = Rc::new_cyclic(|me: &Weak<Inner>| Inner {
            me: me.clone(),
            chat: Chat {
                session: Rc::downgrade(&session),
                launcher: Rc::new(RefCell::new(None)),
            },
            session,
            el,
            root: RefCell::new(None),
            scheduled: Cell::new(false),
            dead: Cell::new(false),
            subscriptions: RefCell::new(Vec::new()),
            renders_in_frame: Cell::new(0),
            frame: RefCell::new(None),
            waiting: Cell::new(false),
        });
        let subs = {
            let schedule = inner.requester();
            vec![
                inner.session.state.subscribe(schedule.clone()),
                inner.session.ui_config.subscribe(schedule),
            ]
        };
        *inner.subscriptions.borrow_mut() = subs;
        inner.render();
        Ui { inner }
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        self.inner.dead.set(true);
        self.inner.subscriptions.borrow_mut().clear();
        self.inner.frame.borrow_mut().take();
        self.inner.waiting.set(false);
        // during a render (a page view destroyed the widget from its render), the render drops it
        if let Ok(mut root) = self.inner.root.try_borrow_mut() {
            root.take();
        }
        self.inner.el.remove();
    }
}

impl Inner {
    fn schedule(&self) {
        if self.scheduled.replace(true) || self.dead.get() {
            return;
        }
        if self.renders_in_frame.get() < RENDERS_PER_FRAME {
            let me = self.me.clone();
            dom::microtask(Box::new(move || {
                if let Some(me) = me.upgrade() {
                    me.render();
                }
            }));
        } else {
            // the frame that resets the count renders first (see `count_render`)
            self.waiting.set(true);
        }
    }

    /// Counts a render against the current frame, and makes sure a frame will reset the count (and
    /// run a render that waited for it).
    fn count_render(&self) {
        self.renders_in_frame.set(self.renders_in_frame.get() + 1);
        if self.frame.borrow().is_some() {
            return;
        }
        let me = self.me.clone();
        let frame = dom::Frame::new(Box::new(move || {
            let Some(me) = me.upgrade() else { return };
            me.frame.borrow_mut().take();
            me.renders_in_frame.set(0);
            if me.waiting.replace(false) {
                me.render();
            }
        }));
        *self.frame.borrow_mut() = Some(frame);
    }

    /// Asks for a render (components that change what they show on their own, e.g. the window).
    fn requester(&self) -> Rc<dyn Fn()> {
        let me = self.me.clone();
        Rc::new(move || {
            if let Some(me) = me.upgrade() {
                me.schedule();
            }
        })
    }

    fn render(&self) {
        self.scheduled.set(false);
        if self.dead.get() {
            return;
        }
        self.count_render();
        let state = self.session.state.snapshot();
        let config = self.session.ui_config.snapshot();
        let cx = Cx {
            state: &state,
            config: &config,
            lang: resolve_lang(&state, &config),
            chat: &self.chat,
        };
        let Ok(mut slot) = self.root.try_borrow_mut() else {
            // a render inside a render (page code ran the API): the outer one shows the new state
            self.schedule();
            return;
        };
        match slot.as_mut() {
            Some(root) => root.update(&cx),
            None => *slot = Some(Root::new(&self.el, &cx, self.requester())),
        }
        if self.dead.get() {
            slot.take();
        }
    }
}

/// The root's class list: `bpw`, open state, the layout mode, `className` from config (where the
/// `bpw-theme-dark` / `bpw-theme-light` hooks go).
pub fn root_class(c: &Config, open: bool) -> String {
    let mut cls = String::from("bpw");
    if open {
        cls.push_str(" bpw-open");
    }
    if c.view_mode == ViewMode::Fullscreen {
        cls.push_str(" bpw-fullscreen");
    }
    if c.disable_animations {
        cls.push_str(" bpw-no-anim");
    }
    if let Some(extra) = &c.class_name {
        cls.push(' ');
        cls.push_str(extra);
    }
    cls
}

/// The root: the `before_widget` overrides, the panel while open (after the `before_container`
/// overrides), the launcher and its unread badge.
struct Root {
    el: Element,
    request: Rc<dyn Fn()>,
    before_widget: overrides::Slot,
    panel: Option<panel::Panel>,
    launcher: Option<Launcher>,
    _viewport: Scope,
}

impl Root {
    fn new(el: &Element, cx: &Cx, request: Rc<dyn Fn()>) -> Root {
        let mut root = Root {
            el: el.clone(),
            request,
            before_widget: overrides::Slot::new(overrides::Location::BeforeWidget),
            panel: None,
            launcher: None,
            _viewport: crate::api::viewport::track_visual_viewport(el),
        };
        root.update(cx);
        root
    }

    fn update(&mut self, cx: &Cx) {
        let open = cx.state.open;
        dom::set_if_changed(&self.el, "class", &root_class(cx.config, open));
        dom::set_if_changed(&self.el, "dir", cx.lang.dir());
        dom::set_if_changed(&self.el, "lang", cx.lang.code());
        let first = self.el.first_child();
        self.before_widget.update(cx, &self.el, first.as_ref());
        let show_launcher = cx.config.view_mode != ViewMode::Fullscreen && !cx.config.hide_widget;
        if show_launcher {
            match &mut self.launcher {
                Some(l) => l.update(cx),
                None => self.launcher = Some(Launcher::new(&self.el, cx)),
            }
        } else if let Some(l) = self.launcher.take() {
            l.remove();
            *cx.chat.launcher.borrow_mut() = None;
        }
        if open {
            match &mut self.panel {
                Some(p) => p.update(cx),
                None => {
                    let before = self.launcher.as_ref().map(|l| &l.button);
                    self.panel = Some(panel::Panel::new(
                        &self.el,
                        before,
                        cx,
                        self.request.clone(),
                    ));
                }
            }
        } else if self.panel.take().is_some() {
            // the panel removed itself (its Drop)
        }
    }
}

/// The icons' shapes.
const ICON_CHAT: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
/// The send icon.
pub(crate) const ICON_SEND: &str = "M2 21l21-9L2 3v7l15 2-15 2z";

/// A decorative 24×24 SVG icon with one path.
pub(crate) fn icon(path: &str) -> E {
    E::svg("svg")
        .attr("class", "bpw-icon")
        .attr("viewBox", "0 0 24 24")
        .aria_hidden()
        .attr("focusable", "false")
        .child(E::svg("path").attr("d", path))
}

/// The floating button, and the unread badge beside it.
struct Launcher {
    button: Element,
    badge: Option<Element>,
    _scope: Scope,
}

impl Launcher {
    fn new(parent: &Element, cx: &Cx) -> Launcher {
        let mut scope = Scope::new();
        let button = E::button("bpw-launcher")
            .testid("launcher")
            .child(icon(ICON_CHAT));
        let button = cx
            .chat
            .on_click(button, &mut scope, |_| Command::Toggle, String::new())
            .0;
        dom::append(parent, &button);
        *cx.chat.launcher.borrow_mut() = Some(button.clone());
        let mut launcher = Launcher {
            button,
            badge: None,
            _scope: scope,
        };
        launcher.update(cx);
        launcher
    }

    fn update(&mut self, cx: &Cx) {
        let open = cx.state.open;
        let unread = cx.state.unread;
        let action = cx.t(if open { Key::CloseChat } else { Key::OpenChat });
        // the count's text, for the label and the badge
        let n = crate::text::int(i64::from(unread));
        let mut label = action.to_string();
        if unread != 0 {
            let count = crate::i18n::tf(cx.lang, Key::UnreadMessages, &[("n", &n)]);
            label.push_str(" (");
            label.push_str(&count);
            label.push(')');
        }
        dom::set_if_changed(&self.button, "aria-label", &label);
        dom::set_if_changed(
            &self.button,
            "aria-expanded",
            if open { "true" } else { "false" },
        );
        // The count is part of the launcher's label; the badge is only visual. It sits beside the
        // button, not inside it, so the button's visible text never differs from its name (WCAG 2.5.3).
        if let Some(parent) = self.button.parent_node() {
            dom::show_text(
                &mut self.badge,
                (unread > 0).then_some(n.as_str()),
                &parent,
                self.button.next_sibling().as_ref(),
                |n| {
                    E::classed("span", "bpw-badge")
                        .testid("unread-badge")
                        .aria_hidden()
                        .text(n)
                },
            );
        }
    }

    fn remove(self) {
        self.button.remove();
        if let Some(b) = &self.badge {
            b.remove();
        }
    }
}

/// The text the connection banner shows, if any.
pub fn banner_text(lang: Lang, s: &ChatState) -> Option<&str> {
    if let Some(e) = &s.error {
        return Some(e);
    }
    let key = match s.connection {
        ConnectionStatus::Offline => Key::Offline,
        ConnectionStatus::Reconnecting(_) => Key::Reconnecting,
        ConnectionStatus::Failed => Key::Unavailable,
        ConnectionStatus::Connected if s.recovered => Key::BackOnline,
        _ => return None,
    };
    Some(t(lang, key))
}

/// The first letter or digit of a name, upper-cased (the avatar without an image).
pub fn initial(name: &str) -> String {
    let first = name.chars().find(|&c| browser::is_alphanumeric(c));
    first
        .map(|c| browser::to_upper(c.encode_utf8(&mut [0; 4])))
        .unwrap_or_default()
}

/// Step through the user's sent texts with the arrow keys (`enablePersistHistory`): `Up` goes back,
/// `Down` forward; past the newest entry the draft is empty again. Returns the new cursor and text.
pub fn recall(history: &[String], cursor: Option<usize>, up: bool) -> (Option<usize>, &str) {
    if history.is_empty() {
        return (None, "");
    }
    let next = match (cursor, up) {
        (None, true) => Some(history.len() - 1),
        (None, false) => None,
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i + 1 < history.len() => Some(i + 1),
        (Some(_), false) => None,
    };
    let text = next.map_or("", |i| history[i].as_str());
    (next, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_steps_through_history() {
        let h = vec!["a".to_string(), "b".to_string()];
        assert_eq!(recall(&h, None, true), (Some(1), "b"));
        assert_eq!(recall(&h, Some(1), true), (Some(0), "a"));
        assert_eq!(recall(&h, Some(0), true), (Some(0), "a"));
        assert_eq!(recall(&h, Some(0), false), (Some(1), "b"));
        assert_eq!(recall(&h, Some(1), false), (None, ""));
        assert_eq!(recall(&[], None, true), (None, ""));
    }

    #[test]
    fn banner_text_by_status_and_language() {
        let mut s = ChatState::default();
        assert_eq!(banner_text(Lang::En, &s), None);
        s.connection = ConnectionStatus::Offline;
        assert!(banner_text(Lang::En, &s).unwrap().contains("offline"));
        assert!(banner_text(Lang::Fr, &s).unwrap().contains("hors ligne"));
        s.connection = ConnectionStatus::Reconnecting(1);
        assert!(banner_text(Lang::En, &s).unwrap().contains("Reconnecting"));
        s.apply(crate::state::ChatEvent::Connection(
            ConnectionStatus::Connected,
        ));
        assert_eq!(banner_text(Lang::En, &s), Some("Back online."));
        s.error = Some("boom".into());
        assert_eq!(banner_text(Lang::En, &s), Some("boom"));
    }

    #[test]
    fn root_class_and_initials() {
        let cfg = Config {
            class_name: Some("bpw-theme-dark".into()),
            view_mode: ViewMode::Fullscreen,
            ..Config::default()
        };
        assert_eq!(
            root_class(&cfg, true),
            "bpw bpw-open bpw-fullscreen bpw-theme-dark"
        );
        assert_eq!(root_class(&Config::default(), false), "bpw");
        assert_eq!(initial("welcome bot"), "W");
        assert_eq!(initial("  "), "");
    }
}

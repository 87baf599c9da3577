//! Leptos components of the widget. They are thin: they read the session's `ChatState`/`Config` signals
//! through the [`Chat`] context and send [`Command`]s; all logic lives in `state`, `transport`, the pure
//! helpers of [`rows`] and [`crate::i18n`]. Message bodies are rendered by [`crate::views`].
//!
//! `data-testid` hooks follow CONTRACT.md: `launcher`, `panel`, `composer`, `send`, `transcript`,
//! `message` (`data-from`, `data-message-id`), `connection-banner`, `unread-badge`; plus `live-region`,
//! `composer-keyboard` and `avatar`.
//!
//! Accessibility: the transcript is a `role="log"` that is not itself live; a separate polite live region
//! announces each new bot message once (never the history). Focus moves to the composer when the panel
//! opens and back to the launcher when it closes from inside; Escape closes (`closeOnEscape`).

pub mod bot_info;
pub mod keys;
pub mod overrides;
pub mod rows;
pub mod windowing;

use std::rc::Rc;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::i18n::{t, tf, Key, Lang};
use crate::model::config::ViewMode;
use crate::model::Config;
use crate::state::{ChatState, ConnectionStatus, Delivery};
use crate::transport::{Command, Session};
use crate::views::{self, RenderCtx, ARIA_HIDDEN};
use rows::{Announcer, Row};

/// What every component reads: the state, the UI config, the language, and the command sender.
#[derive(Clone, Copy)]
pub struct Chat {
    /// The chat state (read it; only the session writes it).
    pub state: RwSignal<ChatState>,
    /// The config (without the token).
    pub config: RwSignal<Config>,
    /// The UI language (config `locale`, or the language the bot set).
    pub lang: Memo<Lang>,
    /// Send a command to the session.
    pub cmd: UnsyncCallback<Command>,
    /// The launcher button, to give focus back when the panel is closed from inside.
    pub launcher: NodeRef<leptos::html::Button>,
}

impl Chat {
    /// Close from the panel (Escape, close button): focus returns to the launcher, as for a dialog.
    pub fn close_from_panel(&self) {
        self.cmd.run(Command::Close);
        let launcher = self.launcher;
        let focus = move || {
            if let Some(b) = launcher.get_untracked() {
                let _ = b.focus();
            }
        };
        focus();
        // again after the next paint: on narrow screens the launcher is hidden while the panel is
        // open, and a hidden element cannot take focus
        request_animation_frame(focus);
    }

    /// A UI string in the current language (reactive when called inside a closure).
    pub fn t(&self, key: Key) -> &'static str {
        t(self.lang.get(), key)
    }

    /// Sends a payload as the user (quick replies, postbacks, custom views).
    pub fn send_payload(&self) -> Callback<Value> {
        let cmd = self.cmd;
        Callback::new(move |p: Value| cmd.run(Command::SendPayload(p)))
    }

    /// The bot's name, or the localised default title.
    pub fn title(&self) -> String {
        let name = self.state.with(|s| s.bot_name.clone());
        if name.is_empty() {
            self.t(Key::DefaultTitle).to_string()
        } else {
            name
        }
    }
}

/// The [`Chat`] context. Panics outside [`Root`], a programming error.
pub fn use_chat() -> Chat {
    expect_context::<Chat>()
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

/// The widget: launcher + panel for one session.
#[component]
pub fn Root(
    /// The session this widget shows.
    session: Rc<Session>,
) -> impl IntoView {
    let state = session.state;
    let config = session.ui_config;
    let s = session.clone();
    let cmd = UnsyncCallback::new(move |c: Command| s.command(c));
    // the bot's choice (`guest.webchat.data` with `language`) wins over config `locale` / the browser
    let lang = Memo::new(move |_| {
        let locale = state
            .with(|s| s.language.clone())
            .unwrap_or_else(|| config.with(|c| c.locale.clone()));
        Lang::resolve(&locale, &browser::language())
    });
    provide_context(views::ViewLang(lang));
    provide_context(Chat {
        state,
        config,
        lang,
        cmd,
        launcher: NodeRef::new(),
    });
    let root_ref = NodeRef::<leptos::html::Div>::new();
    crate::api::viewport::track_visual_viewport(root_ref);
    let open = move || state.with(|s| s.open);
    let fullscreen = move || config.with(|c| c.view_mode == ViewMode::Fullscreen);
    let show_launcher = move || !fullscreen() && !config.with(|c| c.hide_widget);
    view! {
        <div
            class=move || config.with(|c| root_class(c, open()))
            dir=move || lang.get().dir()
            lang=move || lang.get().code()
            node_ref=root_ref
        >
            <overrides::OverrideSlot location=overrides::Location::BeforeWidget />
            <Show when=open>
                <Panel />
            </Show>
            <Show when=show_launcher>
                <Launcher />
            </Show>
        </div>
    }
}

/// The icons' class. Not a literal on purpose: `view!` turns a fully static subtree into an
/// `InertElement` mounted by parsing an HTML string, which `require-trusted-types-for 'script'` blocks; a
/// non-literal attribute keeps the SVG built node by node.
const ICON_CLASS: &str = "bpw-icon";
/// Icon shapes, likewise non-literal (see [`ICON_CLASS`]).
const ICON_PATH_0: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
const ICON_PATH_1: &str = "M2 21l21-9L2 3v7l15 2-15 2z";

/// The floating button with the unread badge.
#[component]
pub fn Launcher() -> impl IntoView {
    let chat = use_chat();
    let unread = move || chat.state.with(|s| s.unread);
    let open = move || chat.state.with(|s| s.open);
    view! {
        <button
            type="button"
            class="bpw-launcher"
            data-testid="launcher"
            node_ref=chat.launcher
            aria-label=move || {
                let action = chat.t(if open() { Key::CloseChat } else { Key::OpenChat });
                match unread() {
                    0 => action.to_string(),
                    n => {
                        let count = tf(chat.lang.get(), Key::UnreadMessages, &[("n", &n.to_string())]);
                        format!("{action} ({count})")
                    }
                }
            }
            aria-expanded=move || open().to_string()
            on:click=move |_| chat.cmd.run(Command::Toggle)
        >
            <svg class=ICON_CLASS viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d=ICON_PATH_0 />
            </svg>
        </button>
        <Show when=move || { unread() > 0 }>
            // The count is part of the launcher's label; the badge is only visual. It sits beside the
            // button, not inside it, so the button's visible text never differs from its name (WCAG 2.5.3).
            <span class="bpw-badge" data-testid="unread-badge" aria-hidden="true">
                {unread}
            </span>
        </Show>
    }
}

/// The chat window.
#[component]
pub fn Panel() -> impl IntoView {
    let chat = use_chat();
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && chat.config.with_untracked(|c| c.close_on_escape) {
            ev.stop_propagation();
            chat.close_from_panel();
        }
        keys::panel_keydown(&chat, &ev);
    };
    view! {
        <overrides::OverrideSlot location=overrides::Location::BeforeContainer />
        <section
            class="bpw-panel"
            data-testid="panel"
            role="dialog"
            aria-label=move || chat.title()
            on:keydown=on_keydown
        >
            <Header />
            <ConnectionBanner />
            <LiveRegion />
            <Show
                when=move || chat.state.with(|s| s.show_bot_info)
                fallback=move || {
                    view! {
                        <Show
                            when=move || chat.state.with(|s| s.show_list)
                            fallback=|| {
                                view! {
                                    <Transcript />
                                    <overrides::OverrideSlot location=overrides::Location::BelowConversation />
                                    <overrides::ComposerSlot />
                                }
                            }
                        >
                            <ConversationList />
                        </Show>
                    }
                }
            >
                <bot_info::BotInfoPage />
            </Show>
            <Show when=move || chat.config.with(|c| c.show_powered_by)>
                <p class="bpw-powered">{move || chat.t(Key::PoweredBy)}</p>
            </Show>
        </section>
    }
}

/// Title, description and the conversation buttons enabled by config.
#[component]
pub fn Header() -> impl IntoView {
    let chat = use_chat();
    let c = chat.config;
    let description = move || c.with(|c| c.bot_convo_description.clone().unwrap_or_default());
    let btn = move |key: Key, testid: &'static str, cmd: Command| {
        view! {
            <button
                type="button"
                class="bpw-header-btn"
                data-testid=testid
                on:click=move |_| chat.cmd.run(cmd.clone())
            >
                {move || chat.t(key)}
            </button>
        }
    };
    let avatar = move || {
        let host = c.with(|c| c.host.clone());
        c.with(|c| c.avatar_url.clone())
            .and_then(|u| views::url::safe_url(&u, &host))
    };
    view! {
        <header class="bpw-header">
            <Show when=move || avatar().is_some()>
                <img class="bpw-avatar" alt="" src=move || avatar().unwrap_or_default() />
            </Show>
            <div class="bpw-title">
                <h2>{move || chat.title()}</h2>
                <Show when=move || !description().is_empty()>
                    <p class="bpw-description">{description}</p>
                </Show>
            </div>
            <div class="bpw-actions">
                <bot_info::BotInfoToggle />
                <Show when=move || c.with(|c| c.show_conversations_button)>
                    <button
                        type="button"
                        class="bpw-header-btn"
                        data-testid="conversations"
                        aria-pressed=move || chat.state.with(|s| s.show_list).to_string()
                        on:click=move |_| {
                            let show = !chat.state.with_untracked(|s| s.show_list);
                            chat.cmd.run(Command::ShowConversations(show));
                        }
                    >
                        {move || chat.t(Key::Conversations)}
                    </button>
                </Show>
                <Show when=move || c.with(|c| c.enable_reset)>
                    {btn(Key::Reset, "reset", Command::Reset)}
                </Show>
                <Show when=move || c.with(|c| c.enable_transcript_download)>
                    {btn(Key::Download, "download", Command::Download)}
                </Show>
                <Show when=move || c.with(|c| c.enable_conversation_deletion)>
                    {btn(Key::Delete, "delete-history", Command::DeleteHistory)}
                </Show>
                <Show when=move || c.with(|c| c.view_mode != ViewMode::Fullscreen)>
                    <button
                        type="button"
                        class="bpw-header-btn bpw-close"
                        data-testid="close"
                        aria-label=move || chat.t(Key::CloseChat)
                        on:click=move |_| chat.close_from_panel()
                    >
                        <span aria-hidden=ARIA_HIDDEN>"×"</span>
                    </button>
                </Show>
            </div>
        </header>
    }
}

/// The visitor's conversations: pick one, or start a new one.
#[component]
pub fn ConversationList() -> impl IntoView {
    let chat = use_chat();
    let list = move || chat.state.with(|s| s.conversations.clone());
    let current = move || chat.state.with(|s| s.conversation_id.clone());
    view! {
        <nav
            class="bpw-convos"
            data-testid="conversation-list"
            aria-label=move || chat.t(Key::Conversations)
        >
            <button
                type="button"
                class="bpw-convo-new"
                data-testid="new-conversation"
                on:click=move |_| chat.cmd.run(Command::NewConversation)
            >
                {move || chat.t(Key::NewConversation)}
            </button>
            <ul>
                <For each=list key=|c| c.id.clone() let:convo>
                    {
                        let id = convo.id.clone();
                        let is_current = {
                            let id = id.clone();
                            move || current().as_deref() == Some(id.as_str())
                        };
                        let preview = convo
                            .last_message
                            .as_ref()
                            .and_then(|m| m.pointer("/payload/text").and_then(|t| t.as_str()))
                            .map(str::to_string);
                        let when = convo.created_on.get(..16).unwrap_or("").replace('T', " ");
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="bpw-convo"
                                    data-testid="conversation"
                                    aria-current=move || if is_current() { "true" } else { "false" }
                                    on:click=move |_| chat.cmd.run(Command::LoadConversation(id.clone()))
                                >
                                    <span class="bpw-convo-preview" dir="auto">
                                        {
                                            let preview = preview.clone();
                                            move || {
                                                preview
                                                    .clone()
                                                    .unwrap_or_else(|| chat.t(Key::NoMessages).to_string())
                                            }
                                        }
                                    </span>
                                    <span class="bpw-convo-when">{when}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </nav>
    }
}

/// The text the connection banner shows, if any.
pub fn banner_text(lang: Lang, s: &ChatState) -> Option<String> {
    if let Some(e) = &s.error {
        return Some(e.clone());
    }
    let key = match s.connection {
        ConnectionStatus::Offline => Key::Offline,
        ConnectionStatus::Reconnecting(_) => Key::Reconnecting,
        ConnectionStatus::Failed => Key::Unavailable,
        ConnectionStatus::Connected if s.recovered => Key::BackOnline,
        _ => return None,
    };
    Some(t(lang, key).to_string())
}

/// Connection status in a polite live region.
#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let chat = use_chat();
    let text = Memo::new(move |_| {
        let lang = chat.lang.get();
        chat.state.with(|s| banner_text(lang, s))
    });
    view! {
        <div class="bpw-live" role="status" aria-live="polite">
            <Show when=move || text.with(|t| t.is_some())>
                <div class="bpw-banner" data-testid="connection-banner">
                    {move || text.get().unwrap_or_default()}
                </div>
            </Show>
        </div>
    }
}

/// How many announcements the live region keeps (older ones are removed; they were read already).
const LIVE_KEEP: u32 = 3;

/// A visually hidden polite live region announcing each new bot message once. The transcript itself is
/// not live, so the history is never read out on load or on a conversation switch.
#[component]
pub fn LiveRegion() -> impl IntoView {
    let chat = use_chat();
    let region = NodeRef::<leptos::html::Div>::new();
    let mut announcer = Announcer::default();
    Effect::new(move |_| {
        let lang = chat.lang.get_untracked();
        let texts: Vec<String> = chat.state.with(|s| {
            announcer
                .update(s.conversation_id.as_deref(), &s.messages)
                .into_iter()
                .filter_map(|m| rows::announcement(lang, &s.bot_name, m))
                .collect()
        });
        if let Some(el) = region.get_untracked() {
            for text in texts {
                announce(&el, &text);
            }
        }
    });
    view! {
        <div
            class="bpw-sr-only"
            data-testid="live-region"
            aria-live="polite"
            aria-atomic="false"
            aria-relevant="additions"
            node_ref=region
        ></div>
    }
}

/// Appends one announcement as a text node (never markup) and trims the old ones.
fn announce(region: &web_sys::HtmlDivElement, text: &str) {
    let Some(doc) = region.owner_document() else {
        return;
    };
    if let Ok(p) = doc.create_element("p") {
        p.set_text_content(Some(text));
        let _ = region.append_child(&p);
    }
    while region.child_element_count() > LIVE_KEEP {
        if let Some(first) = region.first_element_child() {
            first.remove();
        }
    }
}

/// The message list (`role="log"`): a window of the messages between two spacers (only what is near the
/// viewport is in the DOM, see [`windowing`]), then the pending sends and the typing indicator. Every
/// row carries `aria-posinset`/`aria-setsize`, its place in the whole transcript.
#[component]
pub fn Transcript() -> impl IntoView {
    let chat = use_chat();
    let win = windowing::Windowing::new();
    // only the rendered window is copied out of the state, never the whole transcript
    let rows = Memo::new(move |_| {
        let range = win.range.get();
        chat.state
            .with(|s| rows::rows_in(&s.messages, range.start..range.end))
    });
    let total = Memo::new(move |_| chat.state.with(|s| s.messages.len() + s.pending.len()));
    let shape = Memo::new(move |_| {
        chat.state.with(|s| {
            (
                s.messages.len(),
                s.messages.first().map(|m| m.id.clone()),
                s.messages.last().map(|m| m.id.clone()),
                s.conversation_id.clone(),
                s.pending.len(),
            )
        })
    });
    let pending_ids = move || {
        chat.state.with(|s| {
            s.pending
                .iter()
                .map(|p| p.client_id.clone())
                .collect::<Vec<_>>()
        })
    };
    let typing = Memo::new(move |_| chat.state.with(|s| s.typing_until.is_some()));
    // (`with`, not `track`: a memo must be read to be brought up to date and notify again)
    Effect::new(move |_| {
        shape.with(|_| ());
        win.on_messages(chat.state);
    });
    // after the rows or the indicator changed: measure, size the spacers, keep the view in place
    Effect::new(move |_| {
        rows.with(|_| ());
        typing.with(|_| ());
        win.changed();
    });
    view! {
        <div
            class="bpw-transcript"
            data-testid="transcript"
            role="log"
            aria-live="off"
            aria-label=move || chat.t(Key::Transcript)
            tabindex="0"
            node_ref=win.log
            on:scroll=move |_| win.on_scroll()
            on:keydown=move |ev: KeyboardEvent| {
                keys::transcript_keydown(&chat, &ev, total.get_untracked(), |i| win.reveal(i))
            }
        >
            <div class="bpw-window" node_ref=win.rows>
                <div
                    class="bpw-spacer"
                    aria-hidden="true"
                    node_ref=win.top
                    style:height=move || windowing::px(win.spacers.get().0)
                ></div>
                <For each=move || rows.get() key=Row::key let:row>
                    <MessageRow row=row setsize=total />
                </For>
                <div
                    class="bpw-spacer"
                    aria-hidden="true"
                    node_ref=win.bottom
                    style:height=move || windowing::px(win.spacers.get().1)
                ></div>
            </div>
            <For each=pending_ids key=|id| id.clone() let:client_id>
                <PendingRow client_id=client_id setsize=total />
            </For>
            <Show when=move || typing.get()>
                <div
                    class="bpw-typing"
                    data-testid="typing"
                    role="img"
                    aria-label=move || chat.t(Key::BotTyping)
                >
                    <span></span>
                    <span></span>
                    <span></span>
                </div>
            </Show>
        </div>
    }
}

/// The avatar of a group: the message's `botAvatarUrl`, else config `avatarUrl`, else botInfo's, else
/// an initial.
#[component]
fn Avatar(
    /// Allowlisted image URL, if any.
    url: Option<String>,
    /// The initial shown without an image.
    initial: String,
) -> impl IntoView {
    match url {
        Some(src) => {
            view! { <img class="bpw-row-avatar" data-testid="avatar" alt="" src=src /> }.into_any()
        }
        None => view! {
            <span class="bpw-row-avatar bpw-avatar-initial" data-testid="avatar" aria-hidden="true">
                {initial}
            </span>
        }
        .into_any(),
    }
}

fn initial(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

/// One transcript message: the group's avatar and name on its first row, then the rendered message. An
/// `article` with its position in the transcript, so assistive technology knows where it is even though
/// only a window of the transcript is rendered.
#[component]
pub fn MessageRow(
    /// The message and its place in the transcript and its group.
    row: Row,
    /// Number of messages in the transcript (`aria-setsize`).
    #[prop(into)]
    setsize: Signal<usize>,
) -> impl IntoView {
    let chat = use_chat();
    let Row {
        message,
        index,
        first_of_group,
        last_of_group,
        last_group,
    } = row;
    let is_bot = message.is_bot();
    let from = if is_bot { "bot" } else { "user" };
    let id = message.id.clone();
    let host = chat.config.with_untracked(|c| c.host.clone());
    let cmd = chat.cmd;
    let send_payload = chat.send_payload();
    let send_feedback = Callback::new(move |(message_id, feedback): (String, i8)| {
        cmd.run(Command::Feedback {
            message_id,
            feedback,
        })
    });
    let show_timestamp = Memo::new(move |_| chat.config.with(|c| c.show_timestamp));
    let show_name = Memo::new(move |_| chat.config.with(|c| c.show_user_name));
    let show_user_avatar = Memo::new(move |_| chat.config.with(|c| c.show_user_avatar));
    let avatar = {
        let message = message.clone();
        let host = host.clone();
        move || {
            if !first_of_group || (!is_bot && !show_user_avatar.get()) {
                return None;
            }
            let (url, name) = if is_bot {
                // the message's botAvatarUrl, config avatarUrl, then botInfo details.avatarUrl
                let url = views::avatar_url_for(&message, &host)
                    .or_else(|| chat.config.with(|c| c.avatar_url.clone()))
                    .or_else(|| {
                        chat.state.with(|s| {
                            s.bot_info
                                .details
                                .get("avatarUrl")
                                .and_then(|u| u.as_str())
                                .map(str::to_string)
                        })
                    })
                    .and_then(|u| views::url::safe_url(&u, &host));
                (url, chat.title())
            } else {
                (None, chat.t(Key::You).to_string())
            };
            Some(view! { <Avatar url=url initial=initial(&name) /> })
        }
    };
    let name = move || {
        (first_of_group && show_name.get()).then(|| {
            let name = if is_bot {
                chat.title()
            } else {
                chat.t(Key::You).to_string()
            };
            view! { <span class="bpw-row-name">{name}</span> }
        })
    };
    let body = move || {
        // built-in views read the language untracked: re-render the message when it changes
        chat.lang.track();
        let mut ctx = RenderCtx::new(send_payload, send_payload, send_feedback, host.clone());
        ctx.is_last_group = last_group;
        ctx.is_last_of_group = last_of_group;
        ctx.show_timestamp = show_timestamp.get();
        ctx.keyboard_in_composer = true;
        views::render_message(&message, ctx)
    };
    view! {
        <div
            class=format!("bpw-row bpw-row-{from}")
            class:bpw-group-start=first_of_group
            class:bpw-group-end=last_of_group
            class:bpw-with-avatar=move || is_bot || show_user_avatar.get()
            data-testid="message"
            data-from=from
            data-message-id=id
            role="article"
            aria-posinset=index + 1
            aria-setsize=move || setsize.get()
            tabindex="-1"
        >
            {avatar}
            <div class="bpw-row-body" dir="auto">
                {name}
                {body}
            </div>
        </div>
    }
}

/// Step through the user's sent texts with the arrow keys (`enablePersistHistory`): `Up` goes back,
/// `Down` forward; past the newest entry the draft is empty again. Returns the new cursor and text.
pub fn recall(history: &[String], cursor: Option<usize>, up: bool) -> (Option<usize>, String) {
    if history.is_empty() {
        return (None, String::new());
    }
    let next = match (cursor, up) {
        (None, true) => Some(history.len() - 1),
        (None, false) => None,
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i + 1 < history.len() => Some(i + 1),
        (Some(_), false) => None,
    };
    let text = next.map(|i| history[i].clone()).unwrap_or_default();
    (next, text)
}

/// A user message not yet echoed by the server, with its delivery state and a retry button. It follows
/// the transcript's messages in the `aria-posinset` order.
#[component]
pub fn PendingRow(
    /// The pending message's client id.
    client_id: String,
    /// Number of messages in the transcript, pending ones included (`aria-setsize`).
    #[prop(into)]
    setsize: Signal<usize>,
) -> impl IntoView {
    let chat = use_chat();
    let cid = client_id.clone();
    let entry = Memo::new(move |_| {
        chat.state
            .with(|s| s.pending.iter().find(|p| p.client_id == cid).cloned())
    });
    let cid = client_id.clone();
    let posinset = Memo::new(move |_| {
        chat.state.with(|s| {
            let k = s.pending.iter().position(|p| p.client_id == cid);
            s.messages.len() + k.unwrap_or(s.pending.len()) + 1
        })
    });
    let text = move || {
        entry.with(|p| {
            p.as_ref()
                .and_then(|p| {
                    p.payload
                        .get("text")
                        .and_then(|t| t.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_default()
        })
    };
    let delivery = move || entry.with(|p| p.as_ref().map(|p| p.delivery));
    let label = move || {
        chat.t(match delivery() {
            Some(Delivery::Failed) => Key::NotSent,
            Some(Delivery::Sent) => Key::Sent,
            _ => Key::Sending,
        })
    };
    let state_attr = move || match delivery() {
        Some(Delivery::Failed) => "failed",
        Some(Delivery::Sent) => "sent",
        _ => "sending",
    };
    let retry_id = client_id.clone();
    view! {
        <div
            class="bpw-row bpw-row-user bpw-pending"
            data-testid="message"
            data-from="user"
            data-message-id=client_id
            data-delivery=state_attr
            role="article"
            aria-posinset=move || posinset.get()
            aria-setsize=move || setsize.get()
            tabindex="-1"
        >
            <div class="bpw-row-body" dir="auto">
                <div class="bpw-message bpw-from-user bpw-bubble">
                    <p class="bpw-text">{text}</p>
                </div>
            </div>
            <div class="bpw-delivery">
                <span>{label}</span>
                <Show when=move || delivery() == Some(Delivery::Failed)>
                    {
                        let id = retry_id.clone();
                        view! {
                            <button
                                type="button"
                                class="bpw-retry"
                                data-testid="retry"
                                on:click=move |_| chat.cmd.run(Command::Retry(id.clone()))
                            >
                                {move || chat.t(Key::Retry)}
                            </button>
                        }
                    }
                </Show>
            </div>
        </div>
    }
}

/// The quick replies of the last bot message, above the composer.
#[component]
pub fn ComposerKeyboard(
    /// The composer's text box: focus goes back there after a choice (the keyboard then disappears).
    input_ref: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let chat = use_chat();
    let keyboard = Memo::new(move |_| chat.state.with(|s| rows::last_keyboard(&s.messages)));
    let send = chat.send_payload();
    let send_payload = Callback::new(move |p: Value| {
        send.run(p);
        if let Some(el) = input_ref.get_untracked() {
            let _ = el.focus();
        }
    });
    move || {
        keyboard.get().map(|(_, replies)| {
            view! {
                <div class="bpw-composer-keyboard" data-testid="composer-keyboard" dir="auto">
                    {views::render_keyboard(replies, send_payload)}
                </div>
            }
        })
    }
}

/// The text box: Enter sends, Shift+Enter makes a newline. Locked while the last message asks for a
/// choice (`disableFreeText`).
#[component]
pub fn Composer() -> impl IntoView {
    let chat = use_chat();
    let draft = RwSignal::new(String::new());
    let input_ref = NodeRef::<leptos::html::Textarea>::new();
    let locked = Memo::new(move |_| chat.state.with(|s| rows::composer_locked(&s.messages)));
    // Focus: the composer on open and when a lock lifts; when a lock starts while the composer had
    // focus (a disabled text box drops it), the first answer of the keyboard above it.
    Effect::new(move |_| {
        let is_locked = locked.get();
        let Some(el) = input_ref.get() else {
            return;
        };
        if !is_locked {
            let _ = el.focus();
            return;
        }
        let Some(root) = el.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok() else {
            return;
        };
        let active = root.active_element();
        if active.is_none() || active.as_ref() == Some(el.as_ref()) {
            let first = el
                .parent_element()
                .and_then(|form| form.parent_element())
                .and_then(|p| {
                    p.query_selector(".bpw-composer-keyboard button")
                        .ok()
                        .flatten()
                })
                .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(button) = first {
                let _ = button.focus();
            }
        }
    });
    let placeholder = move || {
        if locked.get() {
            return chat.t(Key::ChooseAnswer).to_string();
        }
        let cfg = chat.config.with(|c| c.composer_placeholder.clone());
        cfg.unwrap_or_else(|| {
            let name = chat.state.with(|s| s.bot_name.clone());
            if name.is_empty() {
                chat.t(Key::TypeMessage).to_string()
            } else {
                tf(chat.lang.get(), Key::ReplyTo, &[("name", &name)])
            }
        })
    };
    let cursor = StoredValue::new(None::<usize>);
    let send = move || {
        let text = draft.get_untracked();
        if !text.trim().is_empty() && !locked.get_untracked() {
            chat.cmd.run(Command::SendText(text));
            draft.set(String::new());
            cursor.set_value(None);
        }
    };
    // the texts the user sent, oldest first (kept by the session, stored with enablePersistHistory)
    let history = move || chat.state.with_untracked(|s| s.sent_history.clone());
    view! {
        <ComposerKeyboard input_ref=input_ref />
        <form
            class="bpw-composer"
            class:bpw-locked=move || locked.get()
            on:submit=move |ev| {
                ev.prevent_default();
                send();
            }
        >
            <textarea
                class="bpw-input"
                data-testid="composer"
                rows="1"
                dir="auto"
                aria-label=move || chat.t(Key::MessageLabel)
                placeholder=placeholder
                disabled=move || locked.get()
                node_ref=input_ref
                prop:value=move || draft.get()
                on:input:target=move |ev| draft.set(ev.target().value())
                on:keydown=move |ev: KeyboardEvent| {
                    let key = ev.key();
                    if key == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    } else if (key == "ArrowUp" || key == "ArrowDown")
                        && chat.config.with_untracked(|c| c.enable_persist_history)
                        && (cursor.get_value().is_some() || draft.with_untracked(|d| d.is_empty()))
                    {
                        ev.prevent_default();
                        let (next, text) = recall(&history(), cursor.get_value(), key == "ArrowUp");
                        cursor.set_value(next);
                        draft.set(text);
                    }
                }
            ></textarea>
            <button
                type="submit"
                class="bpw-send"
                data-testid="send"
                aria-label=move || chat.t(Key::Send)
                disabled=move || locked.get()
            >
                <svg class=ICON_CLASS viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d=ICON_PATH_1 />
                </svg>
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_steps_through_history() {
        let h = vec!["a".to_string(), "b".to_string()];
        assert_eq!(recall(&h, None, true), (Some(1), "b".into()));
        assert_eq!(recall(&h, Some(1), true), (Some(0), "a".into()));
        assert_eq!(recall(&h, Some(0), true), (Some(0), "a".into()));
        assert_eq!(recall(&h, Some(0), false), (Some(1), "b".into()));
        assert_eq!(recall(&h, Some(1), false), (None, String::new()));
        assert_eq!(recall(&[], None, true), (None, String::new()));
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
        assert_eq!(banner_text(Lang::En, &s).as_deref(), Some("Back online."));
        s.error = Some("boom".into());
        assert_eq!(banner_text(Lang::En, &s).as_deref(), Some("boom"));
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

//! Leptos components of the widget. They are thin: they read the session's `ChatState`/`Config` signals
//! through the [`Chat`] context and send [`Command`]s; all logic lives in `state` and `transport`.
//!
//! `data-testid` hooks follow CONTRACT.md: `launcher`, `panel`, `composer`, `send`, `transcript`,
//! `message` (`data-from`, `data-message-id`), `connection-banner`, `unread-badge`.

pub mod message_text;

use std::rc::Rc;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::model::config::ViewMode;
use crate::model::{Config, Message};
use crate::state::{ChatState, ConnectionStatus, Delivery};
use crate::transport::{Command, Session};

pub use message_text::render_message;

/// What every component reads: the state, the UI config, and the command sender.
#[derive(Clone, Copy)]
pub struct Chat {
    /// The chat state (read it; only the session writes it).
    pub state: RwSignal<ChatState>,
    /// The config (without the token).
    pub config: RwSignal<Config>,
    /// Send a command to the session.
    pub cmd: UnsyncCallback<Command>,
    /// The launcher button, to give focus back when the panel is closed from inside.
    pub launcher: NodeRef<leptos::html::Button>,
}

impl Chat {
    /// Close from the panel (Escape, close button): focus returns to the launcher, as for a dialog.
    pub fn close_from_panel(&self) {
        self.cmd.run(Command::Close);
        if let Some(b) = self.launcher.get_untracked() {
            let _ = b.focus();
        }
    }
}

/// The [`Chat`] context. Panics outside [`Root`], a programming error.
pub fn use_chat() -> Chat {
    expect_context::<Chat>()
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
    provide_context(Chat {
        state,
        config,
        cmd,
        launcher: NodeRef::new(),
    });
    let open = move || state.with(|s| s.open);
    let fullscreen = move || config.with(|c| c.view_mode == ViewMode::Fullscreen);
    let show_launcher = move || !fullscreen() && !config.with(|c| c.hide_widget);
    let class = move || {
        config.with(|c| {
            let mut cls = String::from("bpw");
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
        })
    };
    view! {
        <div class=class>
            <Show when=open>
                <Panel />
            </Show>
            <Show when=show_launcher>
                <Launcher />
            </Show>
        </div>
    }
}

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
            aria-label=move || if open() { "Close chat" } else { "Open chat" }
            aria-expanded=move || open().to_string()
            on:click=move |_| chat.cmd.run(Command::Toggle)
        >
            <svg class="bpw-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
            </svg>
            <Show when=move || { unread() > 0 }>
                <span
                    class="bpw-badge"
                    data-testid="unread-badge"
                    aria-label=move || format!("{} unread messages", unread())
                >
                    {unread}
                </span>
            </Show>
        </button>
    }
}

/// The chat window.
#[component]
pub fn Panel() -> impl IntoView {
    let chat = use_chat();
    let title = move || {
        chat.state.with(|s| {
            if s.bot_name.is_empty() {
                "Chatbot".to_string()
            } else {
                s.bot_name.clone()
            }
        })
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && chat.config.with_untracked(|c| c.close_on_escape) {
            chat.close_from_panel();
        }
    };
    view! {
        <section class="bpw-panel" data-testid="panel" role="dialog" aria-label=title on:keydown=on_keydown>
            <Header />
            <ConnectionBanner />
            <Show
                when=move || chat.state.with(|s| s.show_list)
                fallback=|| view! { <Transcript /> <Composer /> }
            >
                <ConversationList />
            </Show>
        </section>
    }
}

/// Title, description and the conversation buttons enabled by config.
#[component]
pub fn Header() -> impl IntoView {
    let chat = use_chat();
    let c = chat.config;
    let title = move || {
        chat.state.with(|s| {
            if s.bot_name.is_empty() {
                "Chatbot".to_string()
            } else {
                s.bot_name.clone()
            }
        })
    };
    let description = move || c.with(|c| c.bot_convo_description.clone().unwrap_or_default());
    let btn = move |label: &'static str, testid: &'static str, cmd: Command| {
        view! {
            <button
                type="button"
                class="bpw-header-btn"
                data-testid=testid
                title=label
                aria-label=label
                on:click=move |_| chat.cmd.run(cmd.clone())
            >
                {label}
            </button>
        }
    };
    view! {
        <header class="bpw-header">
            <div class="bpw-title">
                <h2>{title}</h2>
                <Show when=move || !description().is_empty()>
                    <p class="bpw-description">{description}</p>
                </Show>
            </div>
            <div class="bpw-actions">
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
                        "Conversations"
                    </button>
                </Show>
                <Show when=move || c.with(|c| c.enable_reset)>
                    {btn("Reset", "reset", Command::Reset)}
                </Show>
                <Show when=move || c.with(|c| c.enable_transcript_download)>
                    {btn("Download", "download", Command::Download)}
                </Show>
                <Show when=move || c.with(|c| c.enable_conversation_deletion)>
                    {btn("Delete", "delete-history", Command::DeleteHistory)}
                </Show>
                <Show when=move || c.with(|c| c.view_mode != ViewMode::Fullscreen)>
                    <button
                        type="button"
                        class="bpw-header-btn bpw-close"
                        data-testid="close"
                        aria-label="Close chat"
                        on:click=move |_| chat.close_from_panel()
                    >
                        "×"
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
        <nav class="bpw-convos" data-testid="conversation-list" aria-label="Conversations">
            <button
                type="button"
                class="bpw-convo-new"
                data-testid="new-conversation"
                on:click=move |_| chat.cmd.run(Command::NewConversation)
            >
                "Start a new conversation"
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
                            .unwrap_or("(no messages)")
                            .to_string();
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
                                    <span class="bpw-convo-preview">{preview}</span>
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
pub fn banner_text(s: &ChatState) -> Option<String> {
    if let Some(e) = &s.error {
        return Some(e.clone());
    }
    match s.connection {
        ConnectionStatus::Offline => {
            Some("You are offline. Messages will be sent when you are back.".into())
        }
        ConnectionStatus::Reconnecting(_) => Some("Connection lost. Reconnecting…".into()),
        ConnectionStatus::Failed => Some("The chat is not available.".into()),
        ConnectionStatus::Connected if s.recovered => Some("Back online.".into()),
        _ => None,
    }
}

/// Connection status in a polite live region.
#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let chat = use_chat();
    let text = Memo::new(move |_| chat.state.with(banner_text));
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

/// The message list (`role="log"`), pending sends and the typing indicator.
#[component]
pub fn Transcript() -> impl IntoView {
    let chat = use_chat();
    let log_ref = NodeRef::<leptos::html::Div>::new();
    let messages = move || chat.state.with(|s| s.messages.clone());
    let pending_ids = move || {
        chat.state.with(|s| {
            s.pending
                .iter()
                .map(|p| p.client_id.clone())
                .collect::<Vec<_>>()
        })
    };
    let typing = move || chat.state.with(|s| s.typing_until.is_some());
    Effect::new(move |_| {
        chat.state
            .with(|s| (s.messages.len(), s.pending.len(), s.typing_until));
        if let Some(el) = log_ref.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    view! {
        <div
            class="bpw-transcript"
            data-testid="transcript"
            role="log"
            aria-live="polite"
            aria-label="Conversation"
            tabindex="0"
            node_ref=log_ref
        >
            <For each=messages key=|m| m.id.clone() let:message>
                <MessageRow message=message />
            </For>
            <For each=pending_ids key=|id| id.clone() let:client_id>
                <PendingRow client_id=client_id />
            </For>
            <Show when=typing>
                <div class="bpw-typing" role="status" aria-label="The bot is typing">
                    <span></span>
                    <span></span>
                    <span></span>
                </div>
            </Show>
        </div>
    }
}

/// One transcript message.
#[component]
pub fn MessageRow(
    /// The message to show.
    message: Message,
) -> impl IntoView {
    let from = if message.is_bot() { "bot" } else { "user" };
    let id = message.id.clone();
    view! {
        <div
            class=format!("bpw-row bpw-row-{from}")
            data-testid="message"
            data-from=from
            data-message-id=id
        >
            <div class="bpw-bubble">{render_message(&message)}</div>
        </div>
    }
}

/// A user message not yet echoed by the server, with its delivery state and a retry button.
#[component]
pub fn PendingRow(
    /// The pending message's client id.
    client_id: String,
) -> impl IntoView {
    let chat = use_chat();
    let cid = client_id.clone();
    let entry = Memo::new(move |_| {
        chat.state
            .with(|s| s.pending.iter().find(|p| p.client_id == cid).cloned())
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
    let label = move || match delivery() {
        Some(Delivery::Failed) => "Not sent",
        Some(Delivery::Sent) => "Sent",
        _ => "Sending…",
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
        >
            <div class="bpw-bubble">
                <p class="bpw-text">{text}</p>
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
                                "Retry"
                            </button>
                        }
                    }
                </Show>
            </div>
        </div>
    }
}

/// The text box: Enter sends, Shift+Enter makes a newline.
#[component]
pub fn Composer() -> impl IntoView {
    let chat = use_chat();
    let draft = RwSignal::new(String::new());
    let input_ref = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(el) = input_ref.get() {
            let _ = el.focus();
        }
    });
    let placeholder = move || {
        let cfg = chat.config.with(|c| c.composer_placeholder.clone());
        cfg.unwrap_or_else(|| {
            let name = chat.state.with(|s| s.bot_name.clone());
            if name.is_empty() {
                "Type a message…".to_string()
            } else {
                format!("Reply to {name}")
            }
        })
    };
    let send = move || {
        let text = draft.get_untracked();
        if !text.trim().is_empty() {
            chat.cmd.run(Command::SendText(text));
            draft.set(String::new());
        }
    };
    view! {
        <form
            class="bpw-composer"
            on:submit=move |ev| {
                ev.prevent_default();
                send();
            }
        >
            <textarea
                class="bpw-input"
                data-testid="composer"
                rows="1"
                aria-label="Message"
                placeholder=placeholder
                node_ref=input_ref
                prop:value=move || draft.get()
                on:input:target=move |ev| draft.set(ev.target().value())
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <button type="submit" class="bpw-send" data-testid="send" aria-label="Send">
                <svg class="bpw-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M2 21l21-9L2 3v7l15 2-15 2z" />
                </svg>
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_text_by_status() {
        let mut s = ChatState::default();
        assert_eq!(banner_text(&s), None);
        s.connection = ConnectionStatus::Offline;
        assert!(banner_text(&s).unwrap().contains("offline"));
        s.connection = ConnectionStatus::Reconnecting(1);
        assert!(banner_text(&s).unwrap().contains("Reconnecting"));
        s.apply(crate::state::ChatEvent::Connection(
            ConnectionStatus::Connected,
        ));
        assert_eq!(banner_text(&s).as_deref(), Some("Back online."));
        s.error = Some("boom".into());
        assert_eq!(banner_text(&s).as_deref(), Some("boom"));
    }
}

//! The chat state as a pure reducer: `ChatState::apply(ChatEvent)`.
//!
//! No browser types: the session holds one [`Store`]`<ChatState>`; the UI derives everything it shows from
//! it; the controller turns socket frames, HTTP replies and user actions into [`ChatEvent`]s. Native tests
//! below cover every transition.

pub mod id_map;
pub mod store;
pub mod window;

pub use store::{Store, Subscription};

use crate::model::wire::ConversationSummary;
use crate::model::{BotInfo, Message};

/// How many sent texts the composer remembers for the up-arrow recall.
pub const HISTORY_LEN: usize = 50;

/// Connection status shown by the banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectionStatus {
    /// Not connected yet (or lazy and not opened).
    #[default]
    Idle,
    /// First connection in progress.
    Connecting,
    /// Socket connected and session ready.
    Connected,
    /// Lost; retrying (attempt number).
    Reconnecting(u32),
    /// The browser reports no network.
    Offline,
    /// A fatal error (bot unknown...).
    Failed,
}

/// Delivery state of a message the user sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Waiting for the server (or for the network).
    Sending,
    /// The server accepted it.
    Sent,
    /// The server refused it or the call failed; can be retried.
    Failed,
}

/// A user message not yet confirmed by its `guest.webchat.message` echo.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Client-generated idempotency key (`payload.clientMessageId`).
    pub client_id: String,
    /// The payload as sent.
    pub payload: crate::json::Value,
    /// Delivery state.
    pub delivery: Delivery,
}

/// Everything the widget shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatState {
    /// Transcript, in arrival order, unique by id.
    pub messages: Vec<Message>,
    /// Sent by the user, not yet echoed by the server.
    pub pending: Vec<Pending>,
    /// The panel is open.
    pub open: bool,
    /// Bot messages received while closed.
    pub unread: u32,
    /// Socket/session status.
    pub connection: ConnectionStatus,
    /// The current conversation.
    pub conversation_id: Option<String>,
    /// Header title (config botName, else botInfo name).
    pub bot_name: String,
    /// A user-visible error (shown in the banner), e.g. "bot not found".
    pub error: Option<String>,
    /// The bot is typing until this many ms (`Date.now` clock), if set.
    pub typing_until: Option<f64>,
    /// The connection just came back after a loss (the banner says so briefly).
    pub recovered: bool,
    /// The conversation list is shown instead of the transcript.
    pub show_list: bool,
    /// The visitor's conversations (most recent first), as last fetched.
    pub conversations: Vec<ConversationSummary>,
    /// `GET /botInfo` as last fetched (defaults until then).
    pub bot_info: BotInfo,
    /// The bot-info page is shown instead of the transcript.
    pub show_bot_info: bool,
    /// The UI language chosen by the bot (`guest.webchat.data` with `language`, §1.5), the user, or
    /// `/preferences/get`; `None` means the config `locale` / browser language.
    pub language: Option<String>,
    /// Texts the user sent, oldest first, at most [`HISTORY_LEN`] (the composer's up-arrow recall).
    pub sent_history: Vec<String>,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// Open the panel (clears unread).
    Open,
    /// Close the panel.
    Close,
    /// Flip open/closed.
    Toggle,
    /// A message arrived (socket or history); ignored if another conversation or a duplicate id.
    Received(Message),
    /// Replace the transcript with a conversation's history.
    History {
        /// Conversation id.
        conversation_id: String,
        /// Its messages, oldest first.
        messages: Vec<Message>,
    },
    /// The user sent a payload (optimistic).
    Sending(Pending),
    /// The server accepted / refused a pending payload.
    Delivered {
        /// Client id of the pending payload.
        client_id: String,
        /// Whether it was accepted.
        ok: bool,
    },
    /// Retry a failed pending payload.
    Retrying(String),
    /// Connection status changed.
    Connection(ConnectionStatus),
    /// The server cleared a conversation (`guest.webchat.clear`).
    Cleared(String),
    /// Bot name from config or botInfo.
    BotName(String),
    /// A user-visible error, or `None` to clear it.
    Error(Option<String>),
    /// The bot is typing until the given time.
    Typing(Option<f64>),
    /// The "back online" notice was shown long enough.
    RecoveredSeen,
    /// Show (`true`) or hide the conversation list.
    ShowList(bool),
    /// The conversation list arrived.
    Conversations(Vec<ConversationSummary>),
    /// `GET /botInfo` arrived; `showBotInfoPage` opens the bot-info page first.
    BotInfo(BotInfo),
    /// Show or hide the bot-info page (`sendEvent({type:'toggleBotInfo'})`, header button).
    ToggleBotInfo,
    /// The UI language changed (`None`: back to the config/browser language).
    Language(Option<String>),
    /// The user sent a text: remember it for the up-arrow recall.
    SentText(String),
    /// Restore the remembered texts (from storage).
    SentHistory(Vec<String>),
}

/// A `visit` event: never part of the transcript.
fn is_visit(m: &Message) -> bool {
    m.payload_type() == "visit"
}

/// Drops the oldest texts beyond [`HISTORY_LEN`].
fn keep_last(history: &mut Vec<String>) {
    // the list is short and rarely over: a `remove` loop is smaller code than `drain`
    while history.len() > HISTORY_LEN {
        history.remove(0);
    }
}

impl ChatState {
    /// Apply one event. Returns true when a bot message arrived while closed (play the sound).
    pub fn apply(&mut self, event: ChatEvent) -> bool {
        match event {
            ChatEvent::Open => {
                self.open = true;
                self.unread = 0;
            }
            ChatEvent::Close => self.open = false,
            ChatEvent::Toggle => {
                // as `Open` or `Close`
                self.open = !self.open;
                if self.open {
                    self.unread = 0;
                }
            }
            ChatEvent::Received(msg) => return self.receive(msg),
            ChatEvent::History {
                conversation_id,
                messages,
            } => {
                self.show_list = false;
                self.conversation_id = Some(conversation_id);
                // the history becomes the transcript, through `insert` (no `visit` events, no
                // repeated ids); a message stored while its echo was lost (socket cut in flight)
                // confirms its pending send here
                self.messages.clear();
                for m in messages {
                    self.confirm_pending(&m);
                    self.insert(m);
                }
            }
            ChatEvent::Sending(p) => {
                if !self.pending.iter().any(|x| x.client_id == p.client_id) {
                    self.pending.push(p);
                }
            }
            ChatEvent::Delivered { client_id, ok } => self.set_delivery(
                &client_id,
                if ok { Delivery::Sent } else { Delivery::Failed },
            ),
            ChatEvent::Retrying(client_id) => self.set_delivery(&client_id, Delivery::Sending),
            ChatEvent::Connection(c) => {
                let was_lost = matches!(
                    self.connection,
                    ConnectionStatus::Reconnecting(_) | ConnectionStatus::Offline
                );
                self.recovered = c == ConnectionStatus::Connected && (was_lost || self.recovered);
                self.connection = c;
            }
            ChatEvent::RecoveredSeen => self.recovered = false,
            ChatEvent::ShowList(show) => {
                self.show_list = show;
                if show {
                    self.show_bot_info = false;
                }
            }
            ChatEvent::BotInfo(info) => {
                if info.show_bot_info_page {
                    self.show_bot_info = true;
                    self.show_list = false;
                }
                self.bot_info = info;
            }
            ChatEvent::ToggleBotInfo => {
                self.show_bot_info = !self.show_bot_info;
                if self.show_bot_info {
                    self.show_list = false;
                }
            }
            ChatEvent::Language(lang) => {
                self.language = lang.and_then(|l| {
                    let l = l.trim();
                    (!l.is_empty()).then(|| l.to_string())
                })
            }
            ChatEvent::SentText(text) => {
                let text = text.trim();
                if !text.is_empty() && self.sent_history.last().map(String::as_str) != Some(text) {
                    self.sent_history.push(text.to_string());
                }
                keep_last(&mut self.sent_history);
            }
            ChatEvent::SentHistory(list) => {
                // blank texts dropped in place, like the history's messages (smaller than `retain`)
                self.sent_history = list;
                let mut i = 0;
                while i < self.sent_history.len() {
                    if self.sent_history[i].trim().is_empty() {
                        self.sent_history.remove(i);
                    } else {
                        i += 1;
                    }
                }
                keep_last(&mut self.sent_history);
            }
            ChatEvent::Conversations(list) => self.conversations = list,
            ChatEvent::Cleared(conv) => {
                if self.conversation_id.as_deref() == Some(conv.as_str()) {
                    self.messages.clear();
                }
            }
            ChatEvent::BotName(n) => self.bot_name = n,
            ChatEvent::Error(e) => self.error = e,
            ChatEvent::Typing(t) => self.typing_until = t,
        }
        false
    }

    /// Sets the delivery state of the pending send `client_id`, if it is still pending.
    fn set_delivery(&mut self, client_id: &str, delivery: Delivery) {
        for p in &mut self.pending {
            if p.client_id == client_id {
                p.delivery = delivery;
                return;
            }
        }
    }

    /// A stored copy of our own message (its echo, or the history) confirms the pending entry.
    fn confirm_pending(&mut self, msg: &Message) {
        if let Some(cid) = msg.payload.get("clientMessageId").and_then(|v| v.as_str()) {
            // a search-and-remove loop is smaller code than `retain`
            while let Some(i) = self.pending.iter().position(|p| p.client_id == cid) {
                self.pending.remove(i);
            }
        }
    }

    fn receive(&mut self, msg: Message) -> bool {
        if let Some(conv) = &self.conversation_id {
            if !msg.conversation_id.is_empty() && &msg.conversation_id != conv {
                return false;
            }
        }
        self.confirm_pending(&msg);
        let is_bot = msg.is_bot();
        if !self.insert(msg) {
            return false;
        }
        if is_bot {
            self.typing_until = None;
        }
        if is_bot && !self.open {
            self.unread += 1;
            return true;
        }
        false
    }

    /// Insert unless the id is already present. Returns whether it was added.
    fn insert(&mut self, msg: Message) -> bool {
        if is_visit(&msg) {
            return false;
        }
        if self.messages.iter().any(|m| m.id == msg.id) {
            return false;
        }
        self.messages.push(msg);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn msg(id: &str, author: Option<&str>, conv: &str) -> Message {
        Message {
            id: id.into(),
            conversation_id: conv.into(),
            author_id: author.map(Into::into),
            sent_on: String::new(),
            payload: json!({"type": "text", "text": id}),
        }
    }

    #[test]
    fn adds_and_dedupes_by_id() {
        let mut s = ChatState::default();
        s.apply(ChatEvent::Received(msg("a", None, "c")));
        s.apply(ChatEvent::Received(msg("a", None, "c")));
        s.apply(ChatEvent::Received(msg("b", Some("u"), "c")));
        assert_eq!(
            s.messages.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn unread_counts_bot_messages_while_closed_and_open_clears() {
        let mut s = ChatState::default();
        assert!(s.apply(ChatEvent::Received(msg("a", None, "c"))));
        assert!(!s.apply(ChatEvent::Received(msg("b", Some("u"), "c"))));
        assert!(!s.apply(ChatEvent::Received(msg("a", None, "c"))));
        assert_eq!(s.unread, 1);
        s.apply(ChatEvent::Toggle);
        assert!(s.open);
        assert_eq!(s.unread, 0);
        assert!(!s.apply(ChatEvent::Received(msg("d", None, "c"))));
        assert_eq!(s.unread, 0);
        s.apply(ChatEvent::Toggle);
        assert!(!s.open);
    }

    #[test]
    fn ignores_other_conversations_and_visit() {
        let mut s = ChatState::default();
        s.apply(ChatEvent::History {
            conversation_id: "c".into(),
            messages: vec![msg("a", None, "c")],
        });
        s.apply(ChatEvent::Received(msg("x", None, "other")));
        let mut v = msg("v", Some("u"), "c");
        v.payload = json!({"type": "visit"});
        s.apply(ChatEvent::Received(v));
        assert_eq!(s.messages.len(), 1);
        s.apply(ChatEvent::Cleared("other".into()));
        assert_eq!(s.messages.len(), 1);
        s.apply(ChatEvent::Cleared("c".into()));
        assert!(s.messages.is_empty());
    }

    #[test]
    fn history_drops_visits_and_repeated_ids_in_order() {
        let mut s = ChatState::default();
        s.apply(ChatEvent::Received(msg("old", None, "")));
        s.apply(ChatEvent::Sending(Pending {
            client_id: "k".into(),
            payload: json!({}),
            delivery: Delivery::Sending,
        }));
        let mut visit = msg("v", Some("u"), "c");
        visit.payload = json!({"type": "visit"});
        let mut mine = msg("m", Some("u"), "c");
        mine.payload = json!({"type": "text", "clientMessageId": "k"});
        let mut again = msg("a", Some("u"), "c");
        again.payload = json!({"type": "text", "text": "second copy"});
        s.apply(ChatEvent::History {
            conversation_id: "c".into(),
            messages: vec![
                visit,
                msg("a", None, "c"),
                mine,
                again,
                msg("b", None, "c"),
                msg("a", None, "c"),
            ],
        });
        let ids: Vec<&str> = s.messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["a", "m", "b"]);
        // the first copy of a repeated id is the one kept
        assert!(s.messages[0].is_bot());
        assert!(s.pending.is_empty());
    }

    #[test]
    fn conversation_list_view() {
        let mut s = ChatState::default();
        s.apply(ChatEvent::ShowList(true));
        s.apply(ChatEvent::Conversations(vec![ConversationSummary {
            id: "c2".into(),
            ..Default::default()
        }]));
        assert!(s.show_list);
        assert_eq!(s.conversations[0].id, "c2");
        // loading a conversation goes back to the transcript
        s.apply(ChatEvent::History {
            conversation_id: "c2".into(),
            messages: vec![msg("m", None, "c2")],
        });
        assert!(!s.show_list);
        assert_eq!(s.conversation_id.as_deref(), Some("c2"));
    }

    #[test]
    fn pending_lifecycle() {
        let mut s = ChatState::default();
        let p = Pending {
            client_id: "k".into(),
            payload: json!({"type": "text", "text": "hi", "clientMessageId": "k"}),
            delivery: Delivery::Sending,
        };
        s.apply(ChatEvent::Sending(p.clone()));
        s.apply(ChatEvent::Sending(p));
        assert_eq!(s.pending.len(), 1);
        s.apply(ChatEvent::Delivered {
            client_id: "k".into(),
            ok: false,
        });
        assert_eq!(s.pending[0].delivery, Delivery::Failed);
        s.apply(ChatEvent::Retrying("k".into()));
        assert_eq!(s.pending[0].delivery, Delivery::Sending);
        let mut echo = msg("m1", Some("u"), "");
        echo.payload = json!({"type": "text", "text": "hi", "clientMessageId": "k"});
        s.apply(ChatEvent::Received(echo));
        assert!(s.pending.is_empty());
        assert_eq!(s.messages.len(), 1);
    }

    #[test]
    fn bot_info_page() {
        let mut s = ChatState::default();
        s.apply(ChatEvent::BotInfo(BotInfo {
            name: "Bob".into(),
            ..BotInfo::default()
        }));
        assert!(!s.show_bot_info, "only showBotInfoPage opens it");
        assert_eq!(s.bot_info.name, "Bob");
        s.apply(ChatEvent::ShowList(true));
        s.apply(ChatEvent::BotInfo(BotInfo {
            show_bot_info_page: true,
            ..BotInfo::default()
        }));
        assert!(
            s.show_bot_info && !s.show_list,
            "shown first, instead of the list"
        );
        s.apply(ChatEvent::ToggleBotInfo);
        assert!(!s.show_bot_info);
        s.apply(ChatEvent::ShowList(true));
        s.apply(ChatEvent::ToggleBotInfo);
        assert!(s.show_bot_info && !s.show_list);
        s.apply(ChatEvent::ShowList(true));
        assert!(!s.show_bot_info && s.show_list, "one page at a time");
    }

    #[test]
    fn language() {
        let mut s = ChatState::default();
        assert_eq!(s.language, None);
        s.apply(ChatEvent::Language(Some(" fr ".into())));
        assert_eq!(s.language.as_deref(), Some("fr"));
        s.apply(ChatEvent::Language(Some("".into())));
        assert_eq!(s.language, None);
    }

    #[test]
    fn sent_history_is_capped_and_skips_repeats() {
        let mut s = ChatState::default();
        for t in ["a", "a", "  ", "b", "a"] {
            s.apply(ChatEvent::SentText(t.into()));
        }
        assert_eq!(s.sent_history, ["a", "b", "a"]);
        for i in 0..HISTORY_LEN + 5 {
            s.apply(ChatEvent::SentText(format!("t{i}")));
        }
        assert_eq!(s.sent_history.len(), HISTORY_LEN);
        assert_eq!(
            s.sent_history.last().unwrap(),
            &format!("t{}", HISTORY_LEN + 4)
        );
        let restored: Vec<String> = (0..HISTORY_LEN + 2)
            .map(|i| i.to_string())
            .chain([" ".into()])
            .collect();
        s.apply(ChatEvent::SentHistory(restored));
        assert_eq!(s.sent_history.len(), HISTORY_LEN);
        assert_eq!(s.sent_history[0], "2", "the oldest are dropped");
    }

    #[test]
    fn delivery_of_unknown_ids_and_toggle_and_errors() {
        let mut s = ChatState::default();
        s.apply(ChatEvent::Delivered {
            client_id: "nope".into(),
            ok: true,
        });
        s.apply(ChatEvent::Retrying("nope".into()));
        assert!(s.pending.is_empty());
        s.apply(ChatEvent::Error(Some("x".into())));
        assert_eq!(s.error.as_deref(), Some("x"));
        s.apply(ChatEvent::Error(None));
        assert_eq!(s.error, None);
        s.apply(ChatEvent::Typing(Some(5.0)));
        s.apply(ChatEvent::Received(msg("b1", None, "")));
        assert_eq!(
            s.typing_until, None,
            "a bot message ends the typing indicator"
        );
        s.apply(ChatEvent::Typing(Some(6.0)));
        s.apply(ChatEvent::Received(msg("u1", Some("u"), "")));
        assert_eq!(s.typing_until, Some(6.0), "the user's own echo does not");
        s.apply(ChatEvent::BotName("N".into()));
        assert_eq!(s.bot_name, "N");
    }

    #[test]
    fn history_confirms_a_pending_message_whose_echo_was_lost() {
        let mut s = ChatState::default();
        s.apply(ChatEvent::Sending(Pending {
            client_id: "k".into(),
            payload: json!({"type": "text", "text": "hi", "clientMessageId": "k"}),
            delivery: Delivery::Sent,
        }));
        let mut stored = msg("m1", Some("u"), "c");
        stored.payload = json!({"type": "text", "text": "hi", "clientMessageId": "k"});
        s.apply(ChatEvent::History {
            conversation_id: "c".into(),
            messages: vec![stored],
        });
        assert!(
            s.pending.is_empty(),
            "the stored copy replaces the optimistic one"
        );
        assert_eq!(s.messages.len(), 1);
    }

    #[test]
    fn history_replaces_the_transcript_and_keeps_pending() {
        let mut s = ChatState::default();
        s.apply(ChatEvent::Received(msg("old", None, "")));
        s.apply(ChatEvent::Sending(Pending {
            client_id: "k".into(),
            payload: json!({"type": "text"}),
            delivery: Delivery::Sending,
        }));
        s.apply(ChatEvent::History {
            conversation_id: "c".into(),
            messages: vec![
                msg("a", None, "c"),
                msg("a", None, "c"),
                msg("b", Some("u"), "c"),
            ],
        });
        assert_eq!(
            s.messages.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(s.pending.len(), 1);
        // messages without a conversation id are accepted (older servers omit it)
        s.apply(ChatEvent::Received(msg("c", None, "")));
        assert_eq!(s.messages.len(), 3);
    }

    #[test]
    fn connection_status() {
        let mut s = ChatState::default();
        assert_eq!(s.connection, ConnectionStatus::Idle);
        s.apply(ChatEvent::Connection(ConnectionStatus::Connected));
        assert!(!s.recovered, "first connect is not a recovery");
        s.apply(ChatEvent::Connection(ConnectionStatus::Reconnecting(2)));
        assert_eq!(s.connection, ConnectionStatus::Reconnecting(2));
        s.apply(ChatEvent::Connection(ConnectionStatus::Offline));
        s.apply(ChatEvent::Connection(ConnectionStatus::Connected));
        assert!(s.recovered);
        s.apply(ChatEvent::Connection(ConnectionStatus::Connected));
        assert!(s.recovered, "a repeated Connected keeps the notice");
        s.apply(ChatEvent::RecoveredSeen);
        assert!(!s.recovered);
    }
}

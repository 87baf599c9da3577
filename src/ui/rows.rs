//! Pure helpers behind the transcript: grouping consecutive messages by sender, the composer lock and
//! keyboard of the last message, and the screen-reader announcements of new bot messages. No browser
//! types; tested natively.

use crate::i18n::{t, tf, Key, Lang};
use crate::model::Message;
use crate::state::id_map::IdMap;
use crate::views::markdown::{parse_markdown, MdNode};
use crate::views::{self, Content};

/// One transcript row: a message, its place in the transcript and in its sender group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row<'a> {
    /// The message (borrowed from the state: building the rows of a window copies no message).
    pub message: &'a Message,
    /// Its index in the whole transcript (0 is the oldest), for `aria-posinset` and the window.
    pub index: usize,
    /// First message of its group (the avatar and name go here).
    pub first_of_group: bool,
    /// Last message of its group.
    pub last_of_group: bool,
    /// The message is in the last group of the transcript.
    pub last_group: bool,
}

impl Row<'_> {
    /// The `For` key: a row re-renders when its place in the groups changes (a new message makes the
    /// previous one no longer last) or the transcript was replaced under it, never otherwise.
    pub fn key(&self) -> (String, usize, bool, bool, bool) {
        (
            self.message.id.clone(),
            self.index,
            self.first_of_group,
            self.last_of_group,
            self.last_group,
        )
    }

    /// Whether [`Row::key`] would equal `key` (without copying the id).
    pub fn has_key(&self, key: &(String, usize, bool, bool, bool)) -> bool {
        key.0 == self.message.id
            && key.1 == self.index
            && key.2 == self.first_of_group
            && key.3 == self.last_of_group
            && key.4 == self.last_group
    }
}

/// Whether two messages have the same sender (the bot, or the same user id), for grouping. One
/// out-of-line comparison for the three places that group.
#[inline(never)]
fn same_sender(a: &Message, b: &Message) -> bool {
    a.author_id == b.author_id
}

/// Splits messages into consecutive same-sender groups (`visit` payloads never reach the state).
pub fn rows(messages: &[Message]) -> Vec<Row<'_>> {
    rows_in(messages, 0..messages.len())
}

/// The rows of `range` only (the rendered window), with the group flags of the whole transcript. Costs
/// O(range) plus, at worst, a walk back over the last sender group: never a copy of the transcript.
pub fn rows_in(messages: &[Message], range: std::ops::Range<usize>) -> Vec<Row<'_>> {
    let n = messages.len();
    let end = range.end.min(n);
    let start = range.start.min(end);
    if start == end {
        return Vec::new();
    }
    // where the last group starts, or `start` if it starts before the window (all rendered rows are in it)
    let last = &messages[n - 1];
    let mut last_group_start = n - 1;
    while last_group_start > start && same_sender(&messages[last_group_start - 1], last) {
        last_group_start -= 1;
    }
    let mut rows = Vec::with_capacity(end - start);
    for i in start..end {
        let m = &messages[i];
        rows.push(Row {
            message: m,
            index: i,
            first_of_group: i == 0 || !same_sender(&messages[i - 1], m),
            last_of_group: i + 1 == n || !same_sender(&messages[i + 1], m),
            last_group: i >= last_group_start,
        });
    }
    rows
}

/// The quick replies of the last message, keyed by its id (shown above the composer).
pub fn last_keyboard(messages: &[Message]) -> Option<(String, Vec<views::QuickReply>)> {
    let last = messages.last()?;
    views::keyboard_for(last).map(|k| (last.id.clone(), k))
}

/// The last message asks to lock the composer (`disableFreeText`, §1.8).
pub fn composer_locked(messages: &[Message]) -> bool {
    messages.last().is_some_and(views::locks_composer)
}

/// A short text for a message, as a screen reader should hear it.
pub fn summary(lang: Lang, m: &Message) -> String {
    // the text itself, or a localised kind of content with its title (borrowed from the converted
    // payload, which is dropped whole once)
    let converted = views::convert(&m.payload);
    let mut titles = String::new();
    let (key, title) = match &converted.content {
        Content::Text {
            text,
            markdown: true,
        } => return markdown_text(text),
        Content::Text { text, .. } => return text.clone(),
        Content::Image(media) => (Key::Image, media.title.as_deref()),
        Content::Audio(media) => (Key::Audio, media.title.as_deref()),
        Content::Video(media) => (Key::Video, media.title.as_deref()),
        Content::File(media) => (Key::File, media.title.as_deref()),
        Content::Carousel(cards) => {
            for (i, c) in cards.iter().enumerate() {
                if i > 0 {
                    titles.push_str(", ");
                }
                titles.push_str(&c.title);
            }
            (Key::Cards, Some(titles.as_str()))
        }
        Content::Location(l) => (Key::Location, l.title.as_deref().or(l.address.as_deref())),
        Content::LoginPrompt => (Key::LoginForm, None),
        Content::SessionReset => (Key::SessionReset, None),
        Content::Typing | Content::Visit => return String::new(),
        Content::Custom(c) => {
            // quick replies and dropdowns wrap a text; a page-provided view may carry one too
            let text = c
                .props
                .get("wrapped")
                .and_then(|w| w.get("text"))
                .or_else(|| c.props.get("message"))
                .or_else(|| c.props.get("text"))
                .and_then(|t| t.as_str());
            match text {
                Some(text) => return text.to_string(),
                None => (Key::Interactive, None),
            }
        }
        Content::Unsupported { .. } => (Key::Unsupported, None),
    };
    let mut text = t(lang, key).to_string();
    if let Some(title) = title.filter(|t| !t.trim().is_empty()) {
        text.push_str(": ");
        text.push_str(title);
    }
    text
}

/// Markdown as a screen reader should hear it: the text of the sanitized nodes, blocks separated by a
/// space, no markup characters.
fn markdown_text(src: &str) -> String {
    fn walk(node: &MdNode, out: &mut String) {
        match node {
            MdNode::Text(t) => out.push_str(t),
            MdNode::Element { tag, children, .. } => {
                children.iter().for_each(|c| walk(c, out));
                if !matches!(*tag, "a" | "strong" | "em" | "code" | "del" | "span") {
                    out.push(' ');
                }
            }
        }
    }
    let mut out = String::new();
    for node in parse_markdown(src, "") {
        walk(&node, &mut out);
        out.push(' ');
    }
    crate::text::collapse_spaces(&out)
}

/// Decides which messages the live region announces: each bot message that arrives while the
/// transcript is shown, once. The history of a conversation (the first look at it, or a switch to
/// another conversation) is marked as seen without being announced.
///
/// An append is looked at in O(new messages): the transcript is only rescanned when it changed other
/// than at its end (cleared, reloaded).
#[derive(Debug, Default)]
pub struct Announcer {
    conversation: Option<Option<String>>,
    seen: IdMap<()>,
    /// How many messages the last update looked at, and the id of the last of them.
    checked: usize,
    checked_last: Option<String>,
}

impl Announcer {
    /// Looks at the current transcript; returns the ids of the bot messages to announce now.
    pub fn update<'a>(
        &mut self,
        conversation: Option<&str>,
        messages: &'a [Message],
    ) -> Vec<&'a Message> {
        let fresh = self.conversation.as_ref().map(Option::as_deref) != Some(conversation);
        let unchanged_prefix = self.checked <= messages.len()
            && (self.checked == 0
                || messages.get(self.checked - 1).map(|m| &m.id) == self.checked_last.as_ref());
        let from = if unchanged_prefix { self.checked } else { 0 };
        self.checked = messages.len();
        self.checked_last = messages.last().map(|m| m.id.clone());
        if fresh {
            self.conversation = Some(conversation.map(str::to_string));
            self.seen = IdMap::default();
            for m in messages {
                self.seen.insert(&m.id, ());
            }
            return Vec::new();
        }
        let mut fresh = Vec::new();
        for m in &messages[from..] {
            if self.seen.insert(&m.id, ()) && m.is_bot() {
                fresh.push(m);
            }
        }
        fresh
    }
}

/// The live-region text for a new bot message: `"{bot}: {summary}"`, or `None` when there is nothing
/// to say (typing dots).
pub fn announcement(lang: Lang, bot_name: &str, m: &Message) -> Option<String> {
    let text = summary(lang, m);
    if text.trim().is_empty() {
        return None;
    }
    let name = if bot_name.is_empty() {
        t(lang, Key::DefaultTitle)
    } else {
        bot_name
    };
    Some(tf(lang, Key::Said, &[("name", name), ("text", &text)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::json::Value;

    fn msg(id: &str, author: Option<&str>, payload: Value) -> Message {
        Message {
            id: id.into(),
            conversation_id: "c".into(),
            author_id: author.map(Into::into),
            sent_on: String::new(),
            payload,
        }
    }

    fn text(id: &str, author: Option<&str>) -> Message {
        msg(id, author, json!({"type": "text", "text": id}))
    }

    #[test]
    fn groups_consecutive_messages_by_sender() {
        let ms = [
            text("a", None),
            text("b", None),
            text("c", Some("u")),
            text("d", None),
            text("e", None),
        ];
        let r = rows(&ms);
        let flags: Vec<(bool, bool, bool)> = r
            .iter()
            .map(|r| (r.first_of_group, r.last_of_group, r.last_group))
            .collect();
        assert_eq!(
            flags,
            [
                (true, false, false),
                (false, true, false),
                (true, true, false),
                (true, false, true),
                (false, true, true),
            ]
        );
        assert!(rows(&[]).is_empty());
        let single = [text("x", Some("u"))];
        let one = rows(&single);
        assert!(one[0].first_of_group && one[0].last_of_group && one[0].last_group);
        // the key changes when a row stops being last, so the row re-renders with new flags
        let before = rows(&ms[..4]);
        assert_ne!(before[3].key(), r[3].key());
        assert_eq!(before[0].key(), r[0].key());
        assert_eq!(
            r.iter().map(|r| r.index).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn a_window_of_rows_has_the_flags_of_the_whole_transcript() {
        let ms: Vec<Message> = (0..40)
            .map(|i| text(&format!("m{i}"), (i % 4 == 3).then_some("u")))
            .chain((40..50).map(|i| text(&format!("m{i}"), None)))
            .collect();
        let all = rows(&ms);
        for (a, b) in [
            (0, 0),
            (0, 1),
            (5, 12),
            (39, 41),
            (42, 50),
            (45, 99),
            (60, 70),
        ] {
            assert_eq!(rows_in(&ms, a..b), all[a.min(50)..b.min(50)], "{a}..{b}");
        }
        assert!(rows_in(&[], 0..10).is_empty());
    }

    #[test]
    fn keyboard_and_lock_follow_the_last_message() {
        let qr = msg(
            "q",
            None,
            json!({"type": "single-choice", "text": "Pick", "choices": [{"title": "A", "value": "a"}],
                   "disableFreeText": true}),
        );
        let ms = vec![text("a", None), qr.clone()];
        assert_eq!(
            last_keyboard(&ms).map(|(id, k)| (id, k.len())),
            Some(("q".into(), 1))
        );
        assert!(composer_locked(&ms));
        let ms = vec![qr, text("u", Some("u"))];
        assert_eq!(last_keyboard(&ms), None);
        assert!(!composer_locked(&ms));
        assert!(!composer_locked(&[]));
    }

    #[test]
    fn announces_new_bot_messages_once_and_never_the_history() {
        let mut a = Announcer::default();
        let history = vec![text("h1", None), text("h2", Some("u"))];
        assert!(a.update(None, &[]).is_empty());
        // the history arrives with the conversation id: seen, not announced
        assert!(a.update(Some("c"), &history).is_empty());
        let mut ms = history.clone();
        ms.push(text("u1", Some("u")));
        ms.push(text("b1", None));
        let ids: Vec<&str> = a
            .update(Some("c"), &ms)
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(ids, ["b1"]);
        assert!(a.update(Some("c"), &ms).is_empty(), "announced once");
        // switching conversations does not read the other history
        assert!(a.update(Some("c2"), &[text("z", None)]).is_empty());
        // a cleared then refilled transcript is rescanned: only unseen bot messages are announced
        assert!(a.update(Some("c2"), &[]).is_empty());
        let refill = [text("z", None), text("y", None)];
        let ids: Vec<&str> = a
            .update(Some("c2"), &refill)
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(ids, ["y"]);
        // a reloaded history with a new message in it (not at the old end) still finds it
        let reload = [text("x", None), text("z", None), text("y", None)];
        let ids: Vec<&str> = a
            .update(Some("c2"), &reload)
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(ids, ["x"]);
    }

    #[test]
    fn summaries_and_announcements() {
        let img = msg(
            "i",
            None,
            json!({"type": "image", "image": "/x.png", "title": "Cat"}),
        );
        assert_eq!(summary(Lang::En, &img), "Image: Cat");
        assert_eq!(summary(Lang::Fr, &img), "Image: Cat");
        let card = msg(
            "c",
            None,
            json!({"type": "card", "title": "Rust", "actions": []}),
        );
        assert_eq!(summary(Lang::En, &card), "Cards: Rust");
        let qr = msg(
            "q",
            None,
            json!({"type": "single-choice", "text": "Pick one", "choices": [{"title": "A", "value": "a"}]}),
        );
        assert_eq!(summary(Lang::En, &qr), "Pick one");
        assert_eq!(
            announcement(Lang::En, "Welcome Bot", &text("hello", None)).as_deref(),
            Some("Welcome Bot: hello")
        );
        assert_eq!(
            announcement(Lang::En, "", &text("hi", None)).as_deref(),
            Some("Chatbot: hi")
        );
        let md = msg(
            "m",
            None,
            json!({"type": "text", "markdown": true, "text": "Pick:\n- **hi**: hello\n- *bye*"}),
        );
        assert_eq!(summary(Lang::En, &md), "Pick: hi: hello bye");
        let typing = msg("t", None, json!({"type": "typing"}));
        assert_eq!(announcement(Lang::En, "B", &typing), None);
        let weird = msg("w", None, json!({"type": "nope"}));
        assert_eq!(summary(Lang::De, &weird), "Nicht unterstützte Nachricht");
    }

    #[test]
    fn has_key_matches_key() {
        let ms = [text("a", None), text("b", None), text("c", Some("u"))];
        let rows = rows_in(&ms, 0..3);
        for r in &rows {
            assert!(r.has_key(&r.key()));
        }
        let mut k = rows[1].key();
        k.3 = !k.3;
        assert!(!rows[1].has_key(&k));
        assert!(!rows[0].has_key(&rows[1].key()));
    }
}

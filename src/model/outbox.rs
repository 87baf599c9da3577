//! The outbox: user payloads waiting to be sent, in order, keyed by `clientMessageId`, persisted (without
//! any token) so a reload while offline loses nothing. Pure data; the session drives it.
//!
//! ## State machine
//! The session asks for [`Outbox::next`] (the oldest item not marked failed), sends it, and reports the
//! [`SendOutcome`] to [`Outbox::record`], which answers with the [`Step`] to take:
//! - delivered: the item leaves the queue, send the next one;
//! - rejected for good (4xx other than 401/429): a message is marked failed (the UI offers a retry) and
//!   stays in place, an event is dropped; either way the *next* item is sent, so one bad payload never
//!   blocks the ones after it;
//! - transient (5xx, 429, 401 without a token to drop, network): stop and retry the *same* item after a
//!   backoff that grows with its attempt count (same `clientMessageId`, so the server never stores it twice);
//! - `BP_0401` while a token was sent: the session drops the token and the same item goes again at once.
//!
//! [`Outbox::retry`] puts a failed item back in the queue at its original position.

use crate::json::{self, FromJson, Map, Value};

/// Payload types v12 sends to `/messages`; all others go to `/events` (`MESSAGE_TYPES`, §1.2).
pub const MESSAGE_TYPES: &[&str] = &["text", "quick_reply", "form", "login_prompt", "postback"];

/// Which endpoint a payload goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `POST /messages` (stored in the transcript).
    Messages,
    /// `POST /events` (not stored).
    Events,
}

impl Route {
    /// Route for a payload by its `type`.
    pub fn for_payload(payload: &Value) -> Route {
        let t = payload.get("type").and_then(|t| t.as_str()).unwrap_or("");
        if MESSAGE_TYPES.contains(&t) {
            Route::Messages
        } else {
            Route::Events
        }
    }

    /// The stored name: `"Messages"` or `"Events"`.
    pub fn name(self) -> &'static str {
        match self {
            Route::Messages => "Messages",
            Route::Events => "Events",
        }
    }

    /// The API path.
    pub fn path(self) -> &'static str {
        match self {
            Route::Messages => "/messages",
            Route::Events => "/events",
        }
    }
}

/// One queued payload. Stored as `{clientId, route, payload, conversationId, failed, attempts}`;
/// `failed` and `attempts` may be absent (entries stored before they existed).
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    /// Idempotency key, also `payload.clientMessageId`.
    pub client_id: String,
    /// Where it goes.
    pub route: Route,
    /// The payload.
    pub payload: Value,
    /// Conversation it belongs to (None: the server picks the most recent).
    pub conversation_id: Option<String>,
    /// The server refused it for good; skipped by [`Outbox::next`] until [`Outbox::retry`].
    pub failed: bool,
    /// Transient failures in a row (drives the retry backoff).
    pub attempts: u32,
}

impl OutboxItem {
    /// A new queued item; `route` is [`Route::for_payload`] of `payload`, which the caller has
    /// already worked out.
    pub fn new(
        client_id: String,
        route: Route,
        payload: Value,
        conversation_id: Option<String>,
    ) -> Self {
        OutboxItem {
            client_id,
            route,
            payload,
            conversation_id,
            failed: false,
            attempts: 0,
        }
    }

    /// The stored form.
    pub fn to_value(&self) -> Value {
        let mut obj = Map::new();
        obj.put("clientId", self.client_id.as_str().into());
        obj.put("route", self.route.name().into());
        obj.put("payload", self.payload.clone());
        obj.put("conversationId", self.conversation_id.as_deref().into());
        obj.put("failed", self.failed.into());
        obj.put("attempts", self.attempts.into());
        Value::Object(obj)
    }
}

impl OutboxItem {
    /// Reads a stored item; `None` when it is malformed (`clientId`, `route` and `payload` are
    /// required, `payload` may be `null`; `conversationId` may be `null`).
    fn read(v: &Value) -> Option<OutboxItem> {
        let obj = v.as_object()?;
        let route = match obj.get("route")?.as_str()? {
            "Messages" => Route::Messages,
            "Events" => Route::Events,
            _ => return None,
        };
        let conversation_id = match obj.get("conversationId") {
            None | Some(Value::Null) => None,
            Some(id) => Some(id.as_str()?.to_string()),
        };
        let failed = match obj.get("failed") {
            None => false,
            Some(f) => f.as_bool()?,
        };
        let attempts = match obj.get("attempts") {
            None => 0,
            Some(n) => u32::from_json(n).ok()?,
        };
        Some(OutboxItem {
            client_id: obj.get("clientId")?.as_str()?.to_string(),
            route,
            payload: obj.get("payload")?.clone(),
            conversation_id,
            failed,
            attempts,
        })
    }
}

/// How one send attempt ended, as far as the outbox is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    /// 2xx: the server has it.
    Delivered,
    /// A 4xx other than 401/429: sending it again would fail again.
    Rejected,
    /// 5xx, 429, a 401 with no token to drop, or no response at all: try again later.
    Transient,
    /// `BP_0401` for a token we sent (§1.6): the token is dropped, send again without it.
    TokenRejected,
}

/// What the session does after [`Outbox::record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The item was delivered and removed: show it as sent, continue with the next one.
    Delivered,
    /// The item was refused for good: a message stays queued as failed (retry button), an event is
    /// dropped (`dropped`); continue with the next one.
    Failed {
        /// True when the item left the queue (events are not retried).
        dropped: bool,
    },
    /// Stop flushing; send the same item again after backoff attempt `attempt` (1-based).
    RetryLater {
        /// Transient failures in a row for this item.
        attempt: u32,
    },
    /// Send the same item again now (the token was dropped).
    SendAgain,
    /// The item is no longer queued (its socket echo removed it meanwhile): continue.
    Gone,
}

/// Ordered queue, unique by `client_id`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outbox {
    /// Items in send order.
    pub items: Vec<OutboxItem>,
}

impl Outbox {
    /// Append unless the key is already queued. Returns whether it was added.
    pub fn push(&mut self, item: OutboxItem) -> bool {
        if self.items.iter().any(|i| i.client_id == item.client_id) {
            return false;
        }
        self.items.push(item);
        true
    }

    /// The next item to send: the oldest one not marked failed.
    pub fn next(&self) -> Option<&OutboxItem> {
        self.items.iter().find(|i| !i.failed)
    }

    /// Whether any item is waiting to be sent (failed ones wait for the user).
    pub fn has_work(&self) -> bool {
        self.next().is_some()
    }

    /// Record the outcome of sending `client_id` and say what to do next (see the module docs).
    pub fn record(&mut self, client_id: &str, outcome: SendOutcome) -> Step {
        let Some(pos) = self.items.iter().position(|i| i.client_id == client_id) else {
            return Step::Gone;
        };
        let item = &mut self.items[pos];
        let step = match outcome {
            SendOutcome::Delivered => Step::Delivered,
            SendOutcome::Rejected => {
                let dropped = item.route == Route::Events;
                item.failed = true;
                item.attempts = 0;
                Step::Failed { dropped }
            }
            SendOutcome::Transient => {
                item.attempts = item.attempts.saturating_add(1);
                Step::RetryLater {
                    attempt: item.attempts,
                }
            }
            SendOutcome::TokenRejected => Step::SendAgain,
        };
        // delivered, or an event refused for good: it leaves the queue
        if matches!(step, Step::Delivered | Step::Failed { dropped: true }) {
            self.items.remove(pos);
        }
        step
    }

    /// Queue a failed item again (the user pressed retry), keeping its place. Returns whether it was
    /// failed.
    pub fn retry(&mut self, client_id: &str) -> bool {
        match self
            .items
            .iter_mut()
            .find(|i| i.client_id == client_id && i.failed)
        {
            Some(item) => {
                item.failed = false;
                item.attempts = 0;
                true
            }
            None => false,
        }
    }

    /// Whether `client_id` is queued and marked failed.
    pub fn is_failed(&self, client_id: &str) -> bool {
        self.items
            .iter()
            .any(|i| i.client_id == client_id && i.failed)
    }

    /// Remove a delivered (or abandoned) item.
    pub fn remove(&mut self, client_id: &str) {
        // a search-and-remove loop is smaller code than `retain`
        while let Some(i) = self.items.iter().position(|i| i.client_id == client_id) {
            self.items.remove(i);
        }
    }

    /// The stored text: `{"items":[...]}`.
    pub fn to_json(&self) -> String {
        let mut items = Vec::with_capacity(self.items.len());
        for item in &self.items {
            items.push(item.to_value());
        }
        let mut obj = Map::new();
        obj.put("items", Value::Array(items));
        json::stringify(&Value::Object(obj))
    }

    /// Parse from storage; corrupt data (bad text, a missing or malformed item) gives an empty outbox.
    pub fn from_json(s: &str) -> Outbox {
        let mut items = Vec::new();
        // not an object, or no `items`: the index reads `null`, which is no list either
        if let Ok(v) = json::parse(s) {
            for item in v["items"].as_array().map_or(&[][..], Vec::as_slice) {
                match OutboxItem::read(item) {
                    Some(item) => items.push(item),
                    None => return Outbox::default(),
                }
            }
        }
        Outbox { items }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn item(id: &str, payload: Value) -> OutboxItem {
        OutboxItem::new(id.into(), Route::for_payload(&payload), payload, None)
    }

    fn text(id: &str) -> OutboxItem {
        item(
            id,
            json!({"type": "text", "text": id, "clientMessageId": id}),
        )
    }

    fn ids(o: &Outbox) -> Vec<&str> {
        o.items.iter().map(|i| i.client_id.as_str()).collect()
    }

    /// Send everything the way the session does, answering each attempt from `answer`; returns the
    /// client ids in the order they were sent and the step that stopped the run.
    fn drain(o: &mut Outbox, mut answer: impl FnMut(&str) -> SendOutcome) -> (Vec<String>, Step) {
        let mut sent = Vec::new();
        let mut last = Step::Gone;
        for _ in 0..100 {
            let Some(next) = o.next().map(|i| i.client_id.clone()) else {
                return (sent, last);
            };
            sent.push(next.clone());
            last = o.record(&next, answer(&next));
            if matches!(last, Step::RetryLater { .. }) {
                return (sent, last);
            }
        }
        panic!("outbox never settled: {sent:?}");
    }

    #[test]
    fn delivered_items_leave_in_order() {
        let mut o = Outbox::default();
        for id in ["a", "b", "c"] {
            o.push(text(id));
        }
        let (sent, _) = drain(&mut o, |_| SendOutcome::Delivered);
        assert_eq!(sent, ["a", "b", "c"]);
        assert!(o.items.is_empty());
        assert!(!o.has_work());
    }

    #[test]
    fn a_rejected_message_is_marked_failed_and_does_not_block_the_rest() {
        let mut o = Outbox::default();
        for id in ["a", "bad", "c"] {
            o.push(text(id));
        }
        let (sent, _) = drain(&mut o, |id| {
            if id == "bad" {
                SendOutcome::Rejected
            } else {
                SendOutcome::Delivered
            }
        });
        assert_eq!(sent, ["a", "bad", "c"], "c is sent after bad is refused");
        assert_eq!(ids(&o), ["bad"]);
        assert!(o.is_failed("bad"));
        assert_eq!(o.next(), None, "a failed item waits for the user");
        // a later message is still sent; the failed one stays put
        o.push(text("d"));
        let (sent, _) = drain(&mut o, |_| SendOutcome::Delivered);
        assert_eq!(sent, ["d"]);
        assert_eq!(ids(&o), ["bad"]);
    }

    #[test]
    fn retry_requeues_a_failed_item_in_its_place() {
        let mut o = Outbox::default();
        o.push(text("bad"));
        assert_eq!(
            o.record("bad", SendOutcome::Rejected),
            Step::Failed { dropped: false }
        );
        o.push(text("later"));
        assert!(!o.retry("later"), "only failed items can be retried");
        assert!(o.retry("bad"));
        assert!(!o.retry("bad"), "retry is not repeated");
        assert!(!o.retry("missing"));
        let (sent, _) = drain(&mut o, |_| SendOutcome::Delivered);
        assert_eq!(sent, ["bad", "later"], "original order is kept");
        assert!(o.items.is_empty());
    }

    #[test]
    fn a_rejected_event_is_dropped() {
        let mut o = Outbox::default();
        o.push(item("e", json!({"type": "proactive"})));
        o.push(text("m"));
        assert_eq!(
            o.record("e", SendOutcome::Rejected),
            Step::Failed { dropped: true }
        );
        assert_eq!(ids(&o), ["m"]);
    }

    #[test]
    fn transient_failures_retry_the_same_item_with_growing_attempts() {
        let mut o = Outbox::default();
        o.push(text("a"));
        o.push(text("b"));
        let mut failures = 3;
        let mut steps = Vec::new();
        loop {
            let (sent, step) = drain(&mut o, |id| {
                if id == "a" && failures > 0 {
                    failures -= 1;
                    SendOutcome::Transient
                } else {
                    SendOutcome::Delivered
                }
            });
            steps.push((sent, step.clone()));
            if !matches!(step, Step::RetryLater { .. }) {
                break;
            }
        }
        let attempts: Vec<_> = steps
            .iter()
            .filter_map(|(_, s)| match s {
                Step::RetryLater { attempt } => Some(*attempt),
                _ => None,
            })
            .collect();
        assert_eq!(attempts, [1, 2, 3]);
        // b never overtakes a (no reordering), and a is never sent as a new item: same key each time
        for (sent, _) in &steps[..3] {
            assert_eq!(sent, &["a"]);
        }
        assert_eq!(steps[3].0, ["a", "b"]);
        assert!(o.items.is_empty());
    }

    #[test]
    fn the_attempt_count_resets_on_rejection_and_retry() {
        let mut o = Outbox::default();
        o.push(text("a"));
        o.record("a", SendOutcome::Transient);
        o.record("a", SendOutcome::Transient);
        assert_eq!(o.items[0].attempts, 2);
        o.record("a", SendOutcome::Rejected);
        assert_eq!(o.items[0].attempts, 0);
        o.retry("a");
        assert_eq!(
            o.record("a", SendOutcome::Transient),
            Step::RetryLater { attempt: 1 }
        );
    }

    #[test]
    fn token_rejection_sends_the_same_item_again() {
        let mut o = Outbox::default();
        o.push(text("a"));
        assert_eq!(o.record("a", SendOutcome::TokenRejected), Step::SendAgain);
        assert_eq!(o.next().unwrap().client_id, "a");
        assert_eq!(o.items[0].attempts, 0);
    }

    #[test]
    fn outcomes_for_unknown_items_are_ignored() {
        let mut o = Outbox::default();
        o.push(text("a"));
        for outcome in [
            SendOutcome::Delivered,
            SendOutcome::Rejected,
            SendOutcome::Transient,
            SendOutcome::TokenRejected,
        ] {
            assert_eq!(o.record("echoed", outcome), Step::Gone);
        }
        assert_eq!(ids(&o), ["a"]);
    }

    #[test]
    fn failed_state_survives_storage_and_old_entries_load() {
        let mut o = Outbox::default();
        o.push(text("a"));
        o.record("a", SendOutcome::Rejected);
        let back = Outbox::from_json(&o.to_json());
        assert!(back.is_failed("a"));
        // entries stored before `failed`/`attempts` existed still load
        let old = r#"{"items":[{"clientId":"x","route":"Messages","payload":{"type":"text"},"conversationId":null}]}"#;
        let o = Outbox::from_json(old);
        assert_eq!(o.next().unwrap().client_id, "x");
    }

    #[test]
    fn stored_form_is_stable() {
        let mut o = Outbox::default();
        o.push(OutboxItem::new(
            "k".into(),
            Route::Messages,
            json!({"type": "text", "text": "hi"}),
            Some("c".into()),
        ));
        o.push(item("e", json!({"type": "custom_event"})));
        o.record("e", SendOutcome::Transient);
        assert_eq!(
            json::parse(&o.to_json()).unwrap(),
            json!({"items": [
                {"clientId": "k", "route": "Messages", "payload": {"type": "text", "text": "hi"},
                 "conversationId": "c", "failed": false, "attempts": 0},
                {"clientId": "e", "route": "Events", "payload": {"type": "custom_event"},
                 "conversationId": null, "failed": false, "attempts": 1}
            ]})
        );
        assert_eq!(Outbox::from_json(&o.to_json()), o);
    }

    #[test]
    fn malformed_storage_gives_an_empty_outbox() {
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"items":{}}"#,
            r#"{"items":[{"route":"Messages","payload":{}}]}"#,
            r#"{"items":[{"clientId":"x","route":"Nowhere","payload":{}}]}"#,
            r#"{"items":[{"clientId":"x","route":"Events"}]}"#,
            r#"{"items":[{"clientId":"x","route":"Events","payload":1,"attempts":-1}]}"#,
            r#"{"items":[{"clientId":"x","route":"Events","payload":1,"failed":null}]}"#,
        ] {
            assert_eq!(Outbox::from_json(bad), Outbox::default(), "{bad}");
        }
        let ok = Outbox::from_json(
            r#"{"items":[{"clientId":"x","route":"Events","payload":null,"extra":1}],"v":2}"#,
        );
        assert_eq!(ok.items[0].payload, Value::Null);
        assert_eq!(ok.items[0].route, Route::Events);
    }

    #[test]
    fn routes_like_v12() {
        for t in MESSAGE_TYPES {
            assert_eq!(Route::for_payload(&json!({"type": t})), Route::Messages);
        }
        assert_eq!(
            Route::for_payload(&json!({"type": "say_something"})),
            Route::Events
        );
        assert_eq!(Route::for_payload(&json!({})), Route::Events);
        assert_eq!(Route::Events.path(), "/events");
    }

    #[test]
    fn ordered_deduped_and_persisted() {
        let mut o = Outbox::default();
        assert!(o.push(item("a", json!({"type": "text", "text": "1"}))));
        assert!(o.push(item("b", json!({"type": "text", "text": "2"}))));
        assert!(!o.push(item("a", json!({"type": "text", "text": "dup"}))));
        assert_eq!(o.next().unwrap().client_id, "a");
        let back = Outbox::from_json(&o.to_json());
        assert_eq!(back, o);
        o.remove("a");
        assert_eq!(o.next().unwrap().client_id, "b");
        assert_eq!(Outbox::from_json("garbage"), Outbox::default());
    }
}

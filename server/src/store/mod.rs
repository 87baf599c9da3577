//! Persistence behind the [`Store`] trait. The default implementation is SQLite in WAL mode
//! ([`sqlite::SqliteStore`]); migrations are embedded and run at start.
//!
//! Model (v12.26+ messaging style, §1.1/§1.7): users are found by tags `(bot, channel, external id)`
//! with get-or-create semantics; conversations and messages have UUID ids; a message with
//! `authorId == None` is a bot message.

pub mod sqlite;

use serde::Serialize;
use serde_json::Value;

/// Storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Stored JSON could not be decoded.
    #[error("corrupt stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Filesystem error (opening the database).
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    /// The group commit that held this write failed as a whole (the message was not stored).
    #[error("database error: {0}")]
    Batch(String),
    /// A migration failed.
    #[error("migration {version} failed: {source}")]
    Migration {
        /// Schema version being applied.
        version: usize,
        /// Cause.
        source: rusqlite::Error,
    },
}

/// Store result.
pub type StoreResult<T> = Result<T, StoreError>;

/// A user (one per `(bot, channel, external id)` tag).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// UUID.
    pub id: String,
    /// Bot this user talks to.
    pub bot_id: String,
    /// ISO-8601 creation time.
    pub created_on: String,
    /// User attributes, i.e. Botpress `event.state.user` (`webchatCustomId`, `language`, profile).
    pub attributes: Value,
}

/// A conversation, in the HEAD `/conversations/get` shape `{id, clientId, userId, createdOn}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// UUID.
    pub id: String,
    /// The bot id (Botpress HEAD puts the messaging client id here; we use the bot id).
    pub client_id: String,
    /// Owner.
    pub user_id: String,
    /// ISO-8601 creation time.
    pub created_on: String,
}

/// A stored message, `{id, conversationId, authorId, sentOn, payload}` (§1.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// UUID.
    pub id: String,
    /// Conversation.
    pub conversation_id: String,
    /// Author user id; `None` for bot messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    /// ISO-8601 time.
    pub sent_on: String,
    /// Payload `{type, ...}`.
    pub payload: Value,
}

/// A message to insert.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Conversation.
    pub conversation_id: String,
    /// Author (None = bot).
    pub author_id: Option<String>,
    /// Payload.
    pub payload: Value,
    /// Idempotency key: the same key from the same author is stored once.
    pub client_message_id: Option<String>,
}

/// A messaging client (a bot backend, §3.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    /// Client id (UUID).
    pub id: String,
    /// SHA-256 hex of the token.
    pub token_hash: String,
    /// Bot this client drives.
    pub bot_id: String,
}

/// A registered webhook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Webhook {
    /// Owning client.
    #[serde(skip)]
    pub client_id: String,
    /// Target URL.
    pub url: String,
    /// Sent as `x-bp-messaging-webhook-token`.
    pub token: String,
}

/// Storage operations. Implementations must be safe to share between threads; calls are short.
pub trait Store: Send + Sync + 'static {
    /// Finds the user tagged `(bot, channel, external_id)` or creates it. Returns `(user, created)`.
    fn get_or_create_user(
        &self,
        bot_id: &str,
        channel: &str,
        external_id: &str,
    ) -> StoreResult<(User, bool)>;
    /// A user by id.
    fn get_user(&self, id: &str) -> StoreResult<Option<User>>;
    /// The user's external ids per channel.
    fn user_tags(&self, user_id: &str) -> StoreResult<Vec<(String, String)>>;
    /// Shallow-merges `patch` (an object) into the user's attributes; returns the new attributes.
    fn merge_user_attributes(&self, user_id: &str, patch: &Value) -> StoreResult<Value>;

    /// Replaces the user's attributes (`FORCE_PERSIST_STATE`).
    fn set_user_attributes(&self, user_id: &str, attributes: &Value) -> StoreResult<()>;

    /// Creates a conversation.
    fn create_conversation(&self, bot_id: &str, user_id: &str) -> StoreResult<Conversation>;
    /// A conversation by id.
    fn get_conversation(&self, id: &str) -> StoreResult<Option<Conversation>>;
    /// The user's conversations, most recent activity first, each with its last message.
    fn list_conversations(
        &self,
        bot_id: &str,
        user_id: &str,
        limit: usize,
    ) -> StoreResult<Vec<(Conversation, Option<Message>)>>;
    /// The user's most recently active conversation.
    fn most_recent_conversation(
        &self,
        bot_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<Conversation>>;
    /// Deletes a conversation and its messages.
    fn delete_conversation(&self, id: &str) -> StoreResult<bool>;

    /// Inserts a message. When `client_message_id` was already used by the same author (in any
    /// conversation), nothing is inserted and the first message is returned with `false`.
    fn insert_message(&self, m: NewMessage) -> StoreResult<(Message, bool)>;
    /// A message by id.
    fn get_message(&self, id: &str) -> StoreResult<Option<Message>>;
    /// The last `limit` messages of a conversation, oldest first.
    fn list_messages(&self, conversation_id: &str, limit: usize) -> StoreResult<Vec<Message>>;
    /// Deletes all messages of a conversation; returns how many.
    fn delete_messages(&self, conversation_id: &str) -> StoreResult<usize>;

    /// Records feedback (1 / -1) of a user on a message.
    fn set_feedback(&self, message_id: &str, user_id: &str, feedback: i64) -> StoreResult<()>;
    /// Feedback of a user on messages.
    fn get_feedback(
        &self,
        message_ids: &[String],
        user_id: &str,
    ) -> StoreResult<Vec<(String, i64)>>;

    /// Creates or replaces a messaging client.
    fn upsert_client(&self, c: &Client) -> StoreResult<()>;
    /// A client by id.
    fn get_client(&self, id: &str) -> StoreResult<Option<Client>>;
    /// Replaces the webhooks of a client.
    fn set_webhooks(&self, client_id: &str, hooks: &[Webhook]) -> StoreResult<()>;
    /// Webhooks of a client.
    fn webhooks_for_client(&self, client_id: &str) -> StoreResult<Vec<Webhook>>;
    /// Webhooks of every client that drives `bot_id`.
    fn webhooks_for_bot(&self, bot_id: &str) -> StoreResult<Vec<Webhook>>;
    /// Bot ids that have at least one client.
    fn client_bot_ids(&self) -> StoreResult<Vec<String>>;

    /// Creates or replaces an admin account's password hash.
    fn upsert_admin(&self, email: &str, password_hash: &str) -> StoreResult<()>;
    /// The admin's password hash.
    fn admin_password_hash(&self, email: &str) -> StoreResult<Option<String>>;

    /// Reads a server-wide setting.
    fn kv_get(&self, key: &str) -> StoreResult<Option<String>>;
    /// Writes a server-wide setting.
    fn kv_set(&self, key: &str, value: &str) -> StoreResult<()>;
}

/// Runs a synchronous store call without stalling the async workers: on a multi-threaded Tokio runtime
/// the worker is handed over with `block_in_place` while SQLite runs (and fsyncs); elsewhere (a
/// current-thread runtime, plain threads) the call runs directly.
pub fn offload<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// A [`Store`] whose every call goes through [`offload`].
pub struct Offloaded<S>(pub S);

impl<S: Store> Store for Offloaded<S> {
    fn get_or_create_user(
        &self,
        bot_id: &str,
        channel: &str,
        external_id: &str,
    ) -> StoreResult<(User, bool)> {
        offload(|| self.0.get_or_create_user(bot_id, channel, external_id))
    }

    fn list_conversations(
        &self,
        bot_id: &str,
        user_id: &str,
        limit: usize,
    ) -> StoreResult<Vec<(Conversation, Option<Message>)>> {
        offload(|| self.0.list_conversations(bot_id, user_id, limit))
    }

    fn most_recent_conversation(
        &self,
        bot_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<Conversation>> {
        offload(|| self.0.most_recent_conversation(bot_id, user_id))
    }

    fn get_feedback(
        &self,
        message_ids: &[String],
        user_id: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        offload(|| self.0.get_feedback(message_ids, user_id))
    }

    fn get_user(&self, id: &str) -> StoreResult<Option<User>> {
        offload(|| self.0.get_user(id))
    }

    fn user_tags(&self, user_id: &str) -> StoreResult<Vec<(String, String)>> {
        offload(|| self.0.user_tags(user_id))
    }

    fn merge_user_attributes(&self, user_id: &str, patch: &Value) -> StoreResult<Value> {
        offload(|| self.0.merge_user_attributes(user_id, patch))
    }

    fn set_user_attributes(&self, user_id: &str, attributes: &Value) -> StoreResult<()> {
        offload(|| self.0.set_user_attributes(user_id, attributes))
    }

    fn create_conversation(&self, bot_id: &str, user_id: &str) -> StoreResult<Conversation> {
        offload(|| self.0.create_conversation(bot_id, user_id))
    }

    fn get_conversation(&self, id: &str) -> StoreResult<Option<Conversation>> {
        offload(|| self.0.get_conversation(id))
    }

    fn delete_conversation(&self, id: &str) -> StoreResult<bool> {
        offload(|| self.0.delete_conversation(id))
    }

    fn insert_message(&self, m: NewMessage) -> StoreResult<(Message, bool)> {
        offload(|| self.0.insert_message(m))
    }

    fn get_message(&self, id: &str) -> StoreResult<Option<Message>> {
        offload(|| self.0.get_message(id))
    }

    fn list_messages(&self, conversation_id: &str, limit: usize) -> StoreResult<Vec<Message>> {
        offload(|| self.0.list_messages(conversation_id, limit))
    }

    fn delete_messages(&self, conversation_id: &str) -> StoreResult<usize> {
        offload(|| self.0.delete_messages(conversation_id))
    }

    fn set_feedback(&self, message_id: &str, user_id: &str, feedback: i64) -> StoreResult<()> {
        offload(|| self.0.set_feedback(message_id, user_id, feedback))
    }

    fn upsert_client(&self, c: &Client) -> StoreResult<()> {
        offload(|| self.0.upsert_client(c))
    }

    fn get_client(&self, id: &str) -> StoreResult<Option<Client>> {
        offload(|| self.0.get_client(id))
    }

    fn set_webhooks(&self, client_id: &str, hooks: &[Webhook]) -> StoreResult<()> {
        offload(|| self.0.set_webhooks(client_id, hooks))
    }

    fn webhooks_for_client(&self, client_id: &str) -> StoreResult<Vec<Webhook>> {
        offload(|| self.0.webhooks_for_client(client_id))
    }

    fn webhooks_for_bot(&self, bot_id: &str) -> StoreResult<Vec<Webhook>> {
        offload(|| self.0.webhooks_for_bot(bot_id))
    }

    fn client_bot_ids(&self) -> StoreResult<Vec<String>> {
        offload(|| self.0.client_bot_ids())
    }

    fn upsert_admin(&self, email: &str, password_hash: &str) -> StoreResult<()> {
        offload(|| self.0.upsert_admin(email, password_hash))
    }

    fn admin_password_hash(&self, email: &str) -> StoreResult<Option<String>> {
        offload(|| self.0.admin_password_hash(email))
    }

    fn kv_get(&self, key: &str) -> StoreResult<Option<String>> {
        offload(|| self.0.kv_get(key))
    }

    fn kv_set(&self, key: &str, value: &str) -> StoreResult<()> {
        offload(|| self.0.kv_set(key, value))
    }
}

/// Current time as ISO-8601 with milliseconds, UTC (`2024-01-01T00:00:00.000Z`).
pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offloaded_store_delegates_outside_a_runtime() {
        let s = Offloaded(sqlite::SqliteStore::open_in_memory().unwrap());
        let (u, created) = s.get_or_create_user("b", "web", "v").unwrap();
        assert!(created);
        assert_eq!(s.get_user(&u.id).unwrap().unwrap().id, u.id);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn offloaded_store_works_on_a_multi_thread_runtime() {
        let s = Offloaded(sqlite::SqliteStore::open_in_memory().unwrap());
        s.kv_set("k", "v").unwrap();
        assert_eq!(s.kv_get("k").unwrap().as_deref(), Some("v"));
    }
}

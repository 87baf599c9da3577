//! SQLite implementation of [`Store`]: WAL journal, `synchronous=FULL` (a committed write survives a
//! crash), foreign keys on, embedded migrations tracked by `PRAGMA user_version`.
//!
//! The hot writes (a new visitor, a new conversation, every message) go through a group commit:
//! with `synchronous=FULL` every commit waits for an fsync (about 6 ms on the CI-class VM, so one
//! commit per write capped the server at a few hundred messages a second), so such a write is
//! queued as a job, and whichever caller finds no commit running runs every queued job in one
//! transaction (each in its own savepoint, so one failing job fails only its caller) and wakes the
//! others. A caller still returns only once its write is committed and synced: durability is
//! unchanged, and a lone write is committed at once, as before. See [`SqliteStore::write`].

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::*;

/// Embedded schema migrations; index + 1 is the schema version it produces.
const MIGRATIONS: &[&str] = &[
    // 1: users by tags, conversations, messages with idempotency keys, feedback, clients, admins, kv.
    r#"
    CREATE TABLE users (
        id TEXT PRIMARY KEY,
        bot_id TEXT NOT NULL,
        created_on TEXT NOT NULL,
        attributes TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE user_tags (
        bot_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        external_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (bot_id, channel, external_id)
    );
    CREATE INDEX user_tags_user ON user_tags(user_id);
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        bot_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_on TEXT NOT NULL,
        last_activity INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX conversations_user ON conversations(bot_id, user_id, last_activity);
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        author_id TEXT,
        sent_on TEXT NOT NULL,
        payload TEXT NOT NULL,
        client_message_id TEXT
    );
    CREATE INDEX messages_conversation ON messages(conversation_id, seq);
    CREATE UNIQUE INDEX messages_idempotency
        ON messages(conversation_id, author_id, client_message_id)
        WHERE client_message_id IS NOT NULL AND author_id IS NOT NULL;
    CREATE TABLE feedback (
        message_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        feedback INTEGER NOT NULL,
        PRIMARY KEY (message_id, user_id)
    );
    CREATE TABLE clients (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL,
        bot_id TEXT NOT NULL
    );
    CREATE TABLE webhooks (
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        token TEXT NOT NULL,
        PRIMARY KEY (client_id, url)
    );
    CREATE TABLE admins (
        email TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL
    );
    CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    // 2: idempotency keys are per author (visitor), whatever the conversation. Not UNIQUE so that
    // databases written by version 1 migrate even if they hold such duplicates; insert_message checks
    // inside its transaction.
    r#"
    DROP INDEX IF EXISTS messages_idempotency;
    CREATE INDEX messages_idempotency_author
        ON messages(author_id, client_message_id)
        WHERE client_message_id IS NOT NULL AND author_id IS NOT NULL;
    "#,
];

/// The SQLite store. One connection behind a mutex; every operation is a short statement or
/// transaction; the hot writes are group-committed (see the module docs).
pub struct SqliteStore {
    conn: Mutex<Connection>,
    group: Mutex<Group>,
    /// Signalled when a group commit ends (its jobs are done, and another may start).
    committed: Condvar,
}

/// A write waiting for a group commit.
struct Job {
    ticket: u64,
    /// Runs the write on the batch's transaction and stores its outcome; true when it succeeded.
    run: Box<dyn FnOnce(&Connection) -> bool + Send>,
    /// Replaces the outcome with this error (the write was not committed after all).
    fail: Box<dyn FnOnce(String) + Send>,
}

/// Writes waiting for a group commit, and the tickets of finished ones.
#[derive(Default)]
struct Group {
    /// Queued since the running commit started, in arrival order.
    queue: Vec<Job>,
    /// Tickets whose commit finished (their outcome is in the caller's slot).
    done: Vec<u64>,
    next_ticket: u64,
    /// A caller is committing a batch.
    committing: bool,
}

/// Held by the caller committing a batch: when dropped (after the commit, or if it panicked), the
/// batch's tickets are marked done and the next commit may start.
struct Committing<'s> {
    store: &'s SqliteStore,
    tickets: Vec<u64>,
}

impl Drop for Committing<'_> {
    fn drop(&mut self) {
        let mut g = self.store.group();
        g.done.append(&mut self.tickets);
        g.committing = false;
        self.store.committed.notify_all();
    }
}

impl SqliteStore {
    /// Opens (creating if needed) `dir/webchat.sqlite3` and migrates it.
    pub fn open_in_dir(dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(dir)?;
        Self::open(&dir.join("webchat.sqlite3"))
    }

    /// Opens a database file and migrates it.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// An in-memory database (unit tests).
    pub fn open_in_memory() -> StoreResult<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> StoreResult<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let store = SqliteStore {
            conn: Mutex::new(conn),
            group: Mutex::new(Group::default()),
            committed: Condvar::new(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The schema version after migrations.
    pub fn schema_version(&self) -> StoreResult<usize> {
        let c = self.lock();
        let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
        Ok(v as usize)
    }

    fn migrate(&self) -> StoreResult<()> {
        let mut c = self.lock();
        let current: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let version = i + 1;
            let tx = c.transaction()?;
            tx.execute_batch(sql)
                .and_then(|_| tx.pragma_update(None, "user_version", version as i64))
                .map_err(|source| StoreError::Migration { version, source })?;
            tx.commit()?;
            tracing::info!(version, "applied schema migration");
        }
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll back),
        // so a poisoned mutex is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn group(&self) -> MutexGuard<'_, Group> {
        // The queue is only pushed to and drained whole; a panic cannot leave it half-updated.
        self.group.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in the next group commit and returns its outcome once that commit is synced. `f`
    /// runs on the batch's transaction, in its own savepoint: an `Err` rolls back only its
    /// statements. A caller that finds no commit running runs the whole queue itself.
    fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        type Slot<T> = Arc<Mutex<Option<StoreResult<T>>>>;
        let slot: Slot<T> = Arc::new(Mutex::new(None));
        let put = |slot: &Slot<T>, r: StoreResult<T>| {
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
        };
        let (ran, failed) = (slot.clone(), slot.clone());
        let mut g = self.group();
        let ticket = g.next_ticket;
        g.next_ticket += 1;
        g.queue.push(Job {
            ticket,
            run: Box::new(move |c| {
                let r = f(c);
                let ok = r.is_ok();
                put(&ran, r);
                ok
            }),
            fail: Box::new(move |why| put(&failed, Err(StoreError::Batch(why)))),
        });
        loop {
            if let Some(i) = g.done.iter().position(|t| *t == ticket) {
                g.done.swap_remove(i);
                drop(g);
                let outcome = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
                return outcome
                    .unwrap_or_else(|| Err(StoreError::Batch("the commit was abandoned".into())));
            }
            if !g.committing {
                // no commit running: this caller commits everything queued, its own job included
                g.committing = true;
                let batch = std::mem::take(&mut g.queue);
                drop(g);
                // marks the batch done when dropped, after the commit or if it panicked
                let committing = Committing {
                    store: self,
                    tickets: batch.iter().map(|j| j.ticket).collect(),
                };
                self.commit_batch(batch);
                drop(committing);
                g = self.group();
                continue;
            }
            g = self.committed.wait(g).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Runs `batch` in one transaction, each job in a savepoint, and commits it.
    fn commit_batch(&self, batch: Vec<Job>) {
        let mut c = self.lock();
        let mut tx = match c.transaction() {
            Ok(tx) => tx,
            Err(e) => {
                let why = e.to_string();
                for job in batch {
                    (job.fail)(why.clone());
                }
                return;
            }
        };
        // the fail hooks of the jobs that succeeded, in case the commit itself fails
        let mut committed = Vec::with_capacity(batch.len());
        for job in batch {
            let sp = match tx.savepoint() {
                Ok(sp) => sp,
                Err(e) => {
                    (job.fail)(e.to_string());
                    continue;
                }
            };
            if (job.run)(&sp) {
                match sp.commit() {
                    Ok(()) => committed.push(job.fail),
                    Err(e) => (job.fail)(e.to_string()),
                }
            }
            // a failed job's savepoint rolls back when dropped
        }
        if let Err(e) = tx.commit() {
            let why = e.to_string();
            for fail in committed {
                fail(why.clone());
            }
        }
    }
}

/// One message insert inside a group commit: the earlier message with the same idempotency key
/// (same author) if there is one, else the new message.
fn insert_one(c: &Connection, m: NewMessage) -> StoreResult<(Message, bool)> {
    if let (Some(key), Some(author)) = (&m.client_message_id, &m.author_id) {
        let prior = c
            .query_row(
                &format!(
                    "SELECT {MSG_COLS} FROM messages WHERE author_id = ?1 AND client_message_id = ?2
                     ORDER BY seq LIMIT 1"
                ),
                params![author, key],
                row_msg,
            )
            .optional()?;
        if let Some(p) = prior {
            return Ok((to_msg(p)?, false));
        }
    }
    let msg = Message {
        id: new_id(),
        conversation_id: m.conversation_id,
        author_id: m.author_id,
        sent_on: now_iso(),
        payload: m.payload,
    };
    c.execute(
        "INSERT INTO messages (id, conversation_id, author_id, sent_on, payload, client_message_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            msg.id,
            msg.conversation_id,
            msg.author_id,
            msg.sent_on,
            serde_json::to_string(&msg.payload)?,
            m.client_message_id
        ],
    )?;
    c.execute(
        "UPDATE conversations SET last_activity = ?2 WHERE id = ?1",
        params![msg.conversation_id, now_millis()],
    )?;
    Ok((msg, true))
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

fn row_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_user(t: (String, String, String, String)) -> StoreResult<User> {
    Ok(User {
        id: t.0,
        bot_id: t.1,
        created_on: t.2,
        attributes: serde_json::from_str(&t3_or_empty(&t.3))?,
    })
}

/// The user tagged `(bot_id, channel, external_id)`, if any.
fn find_user(
    c: &Connection,
    bot_id: &str,
    channel: &str,
    external_id: &str,
) -> StoreResult<Option<User>> {
    c.query_row(
        "SELECT u.id, u.bot_id, u.created_on, u.attributes FROM user_tags t JOIN users u ON u.id = t.user_id
         WHERE t.bot_id = ?1 AND t.channel = ?2 AND t.external_id = ?3",
        params![bot_id, channel, external_id],
        row_user,
    )
    .optional()?
    .map(to_user)
    .transpose()
}

fn t3_or_empty(s: &str) -> String {
    if s.is_empty() {
        "{}".into()
    } else {
        s.to_string()
    }
}

fn row_conv(r: &rusqlite::Row<'_>) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: r.get(0)?,
        client_id: r.get(1)?,
        user_id: r.get(2)?,
        created_on: r.get(3)?,
    })
}

type RawMessage = (String, String, Option<String>, String, String);

fn row_msg(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawMessage> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_msg(t: RawMessage) -> StoreResult<Message> {
    Ok(Message {
        id: t.0,
        conversation_id: t.1,
        author_id: t.2,
        sent_on: t.3,
        payload: serde_json::from_str(&t.4)?,
    })
}

const MSG_COLS: &str = "id, conversation_id, author_id, sent_on, payload";

impl Store for SqliteStore {
    fn get_or_create_user(
        &self,
        bot_id: &str,
        channel: &str,
        external_id: &str,
    ) -> StoreResult<(User, bool)> {
        // a returning visitor is a read: only a new one waits for a commit
        if let Some(u) = find_user(&self.lock(), bot_id, channel, external_id)? {
            return Ok((u, false));
        }
        let (bot_id, channel, external_id) = (
            bot_id.to_string(),
            channel.to_string(),
            external_id.to_string(),
        );
        self.write(move |c| {
            // created meanwhile by a concurrent first visit with the same tag
            if let Some(u) = find_user(c, &bot_id, &channel, &external_id)? {
                return Ok((u, false));
            }
            let user = User {
                id: new_id(),
                bot_id: bot_id.clone(),
                created_on: now_iso(),
                attributes: Value::Object(Default::default()),
            };
            c.execute(
                "INSERT INTO users (id, bot_id, created_on, attributes) VALUES (?1, ?2, ?3, '{}')",
                params![user.id, user.bot_id, user.created_on],
            )?;
            c.execute(
                "INSERT INTO user_tags (bot_id, channel, external_id, user_id) VALUES (?1, ?2, ?3, ?4)",
                params![bot_id, channel, external_id, user.id],
            )?;
            Ok((user, true))
        })
    }

    fn get_user(&self, id: &str) -> StoreResult<Option<User>> {
        let c = self.lock();
        let u = c
            .query_row(
                "SELECT id, bot_id, created_on, attributes FROM users WHERE id = ?1",
                params![id],
                row_user,
            )
            .optional()?;
        u.map(to_user).transpose()
    }

    fn user_tags(&self, user_id: &str) -> StoreResult<Vec<(String, String)>> {
        let c = self.lock();
        let mut st = c.prepare("SELECT channel, external_id FROM user_tags WHERE user_id = ?1")?;
        let rows = st.query_map(params![user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn merge_user_attributes(&self, user_id: &str, patch: &Value) -> StoreResult<Value> {
        let mut c = self.lock();
        let tx = c.transaction()?;
        let raw: Option<String> = tx
            .query_row(
                "SELECT attributes FROM users WHERE id = ?1",
                params![user_id],
                |r| r.get(0),
            )
            .optional()?;
        let mut attrs: Value = serde_json::from_str(&t3_or_empty(&raw.unwrap_or_default()))?;
        if let (Some(a), Some(p)) = (attrs.as_object_mut(), patch.as_object()) {
            for (k, v) in p {
                a.insert(k.clone(), v.clone());
            }
        }
        tx.execute(
            "UPDATE users SET attributes = ?2 WHERE id = ?1",
            params![user_id, serde_json::to_string(&attrs)?],
        )?;
        tx.commit()?;
        Ok(attrs)
    }

    fn set_user_attributes(&self, user_id: &str, attributes: &Value) -> StoreResult<()> {
        let c = self.lock();
        c.execute(
            "UPDATE users SET attributes = ?2 WHERE id = ?1",
            params![user_id, serde_json::to_string(attributes)?],
        )?;
        Ok(())
    }

    fn create_conversation(&self, bot_id: &str, user_id: &str) -> StoreResult<Conversation> {
        let conv = Conversation {
            id: new_id(),
            client_id: bot_id.to_string(),
            user_id: user_id.to_string(),
            created_on: now_iso(),
        };
        self.write(move |c| {
            c.execute(
                "INSERT INTO conversations (id, bot_id, user_id, created_on, last_activity) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![conv.id, conv.client_id, conv.user_id, conv.created_on, now_millis()],
            )?;
            Ok(conv)
        })
    }

    fn get_conversation(&self, id: &str) -> StoreResult<Option<Conversation>> {
        let c = self.lock();
        Ok(c.query_row(
            "SELECT id, bot_id, user_id, created_on FROM conversations WHERE id = ?1",
            params![id],
            row_conv,
        )
        .optional()?)
    }

    fn list_conversations(
        &self,
        bot_id: &str,
        user_id: &str,
        limit: usize,
    ) -> StoreResult<Vec<(Conversation, Option<Message>)>> {
        let c = self.lock();
        let mut st = c.prepare(
            "SELECT id, bot_id, user_id, created_on FROM conversations WHERE bot_id = ?1 AND user_id = ?2
             ORDER BY last_activity DESC, rowid DESC LIMIT ?3",
        )?;
        let convs = st
            .query_map(params![bot_id, user_id, limit as i64], row_conv)?
            .collect::<Result<Vec<_>, _>>()?;
        let mut last = c.prepare(&format!(
            "SELECT {MSG_COLS} FROM messages WHERE conversation_id = ?1 ORDER BY seq DESC LIMIT 1"
        ))?;
        let mut out = Vec::with_capacity(convs.len());
        for conv in convs {
            let m = last.query_row(params![conv.id], row_msg).optional()?;
            out.push((conv, m.map(to_msg).transpose()?));
        }
        Ok(out)
    }

    fn most_recent_conversation(
        &self,
        bot_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<Conversation>> {
        let c = self.lock();
        Ok(c.query_row(
            "SELECT id, bot_id, user_id, created_on FROM conversations WHERE bot_id = ?1 AND user_id = ?2
             ORDER BY last_activity DESC, rowid DESC LIMIT 1",
            params![bot_id, user_id],
            row_conv,
        )
        .optional()?)
    }

    fn delete_conversation(&self, id: &str) -> StoreResult<bool> {
        let c = self.lock();
        Ok(c.execute("DELETE FROM conversations WHERE id = ?1", params![id])? > 0)
    }

    fn insert_message(&self, m: NewMessage) -> StoreResult<(Message, bool)> {
        self.write(move |c| insert_one(c, m))
    }

    fn get_message(&self, id: &str) -> StoreResult<Option<Message>> {
        let c = self.lock();
        let m = c
            .query_row(
                &format!("SELECT {MSG_COLS} FROM messages WHERE id = ?1"),
                params![id],
                row_msg,
            )
            .optional()?;
        m.map(to_msg).transpose()
    }

    fn list_messages(&self, conversation_id: &str, limit: usize) -> StoreResult<Vec<Message>> {
        let c = self.lock();
        let mut st = c.prepare(&format!(
            "SELECT {MSG_COLS} FROM (SELECT seq, {MSG_COLS} FROM messages WHERE conversation_id = ?1
             ORDER BY seq DESC LIMIT ?2) ORDER BY seq ASC"
        ))?;
        let rows = st
            .query_map(params![conversation_id, limit as i64], row_msg)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_msg).collect()
    }

    fn delete_messages(&self, conversation_id: &str) -> StoreResult<usize> {
        let c = self.lock();
        Ok(c.execute(
            "DELETE FROM messages WHERE conversation_id = ?1",
            params![conversation_id],
        )?)
    }

    fn set_feedback(&self, message_id: &str, user_id: &str, feedback: i64) -> StoreResult<()> {
        let c = self.lock();
        c.execute(
            "INSERT INTO feedback (message_id, user_id, feedback) VALUES (?1, ?2, ?3)
             ON CONFLICT(message_id, user_id) DO UPDATE SET feedback = excluded.feedback",
            params![message_id, user_id, feedback],
        )?;
        Ok(())
    }

    fn get_feedback(
        &self,
        message_ids: &[String],
        user_id: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        let c = self.lock();
        let mut st =
            c.prepare("SELECT feedback FROM feedback WHERE message_id = ?1 AND user_id = ?2")?;
        let mut out = Vec::new();
        for id in message_ids {
            if let Some(f) = st
                .query_row(params![id, user_id], |r| r.get::<_, i64>(0))
                .optional()?
            {
                out.push((id.clone(), f));
            }
        }
        Ok(out)
    }

    fn upsert_client(&self, cl: &Client) -> StoreResult<()> {
        let c = self.lock();
        c.execute(
            "INSERT INTO clients (id, token_hash, bot_id) VALUES (?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET token_hash = excluded.token_hash, bot_id = excluded.bot_id",
            params![cl.id, cl.token_hash, cl.bot_id],
        )?;
        Ok(())
    }

    fn get_client(&self, id: &str) -> StoreResult<Option<Client>> {
        let c = self.lock();
        Ok(c.query_row(
            "SELECT id, token_hash, bot_id FROM clients WHERE id = ?1",
            params![id],
            |r| {
                Ok(Client {
                    id: r.get(0)?,
                    token_hash: r.get(1)?,
                    bot_id: r.get(2)?,
                })
            },
        )
        .optional()?)
    }

    fn set_webhooks(&self, client_id: &str, hooks: &[Webhook]) -> StoreResult<()> {
        let mut c = self.lock();
        let tx = c.transaction()?;
        tx.execute(
            "DELETE FROM webhooks WHERE client_id = ?1",
            params![client_id],
        )?;
        for h in hooks {
            tx.execute(
                "INSERT OR REPLACE INTO webhooks (client_id, url, token) VALUES (?1, ?2, ?3)",
                params![client_id, h.url, h.token],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn webhooks_for_client(&self, client_id: &str) -> StoreResult<Vec<Webhook>> {
        let c = self.lock();
        let mut st = c.prepare(
            "SELECT client_id, url, token FROM webhooks WHERE client_id = ?1 ORDER BY url",
        )?;
        let rows = st.query_map(params![client_id], |r| {
            Ok(Webhook {
                client_id: r.get(0)?,
                url: r.get(1)?,
                token: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn webhooks_for_bot(&self, bot_id: &str) -> StoreResult<Vec<Webhook>> {
        let c = self.lock();
        let mut st = c.prepare(
            "SELECT w.client_id, w.url, w.token FROM webhooks w JOIN clients c ON c.id = w.client_id
             WHERE c.bot_id = ?1 ORDER BY w.client_id, w.url",
        )?;
        let rows = st.query_map(params![bot_id], |r| {
            Ok(Webhook {
                client_id: r.get(0)?,
                url: r.get(1)?,
                token: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn client_bot_ids(&self) -> StoreResult<Vec<String>> {
        let c = self.lock();
        let mut st = c.prepare("SELECT DISTINCT bot_id FROM clients")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn upsert_admin(&self, email: &str, password_hash: &str) -> StoreResult<()> {
        let c = self.lock();
        c.execute(
            "INSERT INTO admins (email, password_hash) VALUES (?1, ?2)
             ON CONFLICT(email) DO UPDATE SET password_hash = excluded.password_hash",
            params![email, password_hash],
        )?;
        Ok(())
    }

    fn admin_password_hash(&self, email: &str) -> StoreResult<Option<String>> {
        let c = self.lock();
        Ok(c.query_row(
            "SELECT password_hash FROM admins WHERE email = ?1",
            params![email],
            |r| r.get(0),
        )
        .optional()?)
    }

    fn kv_get(&self, key: &str) -> StoreResult<Option<String>> {
        let c = self.lock();
        Ok(
            c.query_row("SELECT value FROM kv WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?,
        )
    }

    fn kv_set(&self, key: &str, value: &str) -> StoreResult<()> {
        let c = self.lock();
        c.execute(
            "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store() -> SqliteStore {
        SqliteStore::open_in_memory().unwrap()
    }

    #[test]
    fn users_are_get_or_create_by_tags() {
        let s = store();
        let (a, created) = s.get_or_create_user("b", "web", "visitor-1").unwrap();
        assert!(created);
        let (b, created) = s.get_or_create_user("b", "web", "visitor-1").unwrap();
        assert!(!created);
        assert_eq!(a.id, b.id);
        let (c, _) = s.get_or_create_user("b", "api", "visitor-1").unwrap();
        assert_ne!(a.id, c.id, "channel is part of the tag");
        let (d, _) = s.get_or_create_user("other", "web", "visitor-1").unwrap();
        assert_ne!(a.id, d.id, "bot is part of the tag");
        assert_eq!(
            s.user_tags(&a.id).unwrap(),
            vec![("web".into(), "visitor-1".into())]
        );
    }

    #[test]
    fn attributes_merge() {
        let s = store();
        let (u, _) = s.get_or_create_user("b", "web", "v").unwrap();
        s.merge_user_attributes(&u.id, &json!({"webchatCustomId": "abc"}))
            .unwrap();
        let a = s
            .merge_user_attributes(&u.id, &json!({"firstname": "Ada"}))
            .unwrap();
        assert_eq!(a, json!({"webchatCustomId": "abc", "firstname": "Ada"}));
        assert_eq!(s.get_user(&u.id).unwrap().unwrap().attributes, a);
        s.set_user_attributes(&u.id, &json!({"firstname": "Bo"}))
            .unwrap();
        assert_eq!(
            s.get_user(&u.id).unwrap().unwrap().attributes,
            json!({"firstname": "Bo"})
        );
    }

    #[test]
    fn idempotent_insert_by_client_message_id() {
        let s = store();
        let (u, _) = s.get_or_create_user("b", "web", "v").unwrap();
        let conv = s.create_conversation("b", &u.id).unwrap();
        let mk = |key: Option<&str>| NewMessage {
            conversation_id: conv.id.clone(),
            author_id: Some(u.id.clone()),
            payload: json!({"type": "text", "text": "hi"}),
            client_message_id: key.map(str::to_string),
        };
        let (m1, new1) = s.insert_message(mk(Some("k1"))).unwrap();
        let (m2, new2) = s.insert_message(mk(Some("k1"))).unwrap();
        assert!(new1 && !new2);
        assert_eq!(m1.id, m2.id);
        let (_, new3) = s.insert_message(mk(None)).unwrap();
        let (_, new4) = s.insert_message(mk(None)).unwrap();
        assert!(new3 && new4, "no key means no deduplication");
        assert_eq!(s.list_messages(&conv.id, 100).unwrap().len(), 3);
    }

    #[test]
    fn concurrent_inserts_are_group_committed_deduplicated_and_ordered() {
        let dir = std::env::temp_dir().join(format!("wcs-group-{}", uuid::Uuid::new_v4()));
        let s = SqliteStore::open_in_dir(&dir).unwrap();
        let (u, _) = s.get_or_create_user("b", "web", "v").unwrap();
        let conv = s.create_conversation("b", &u.id).unwrap();
        // 8 threads send the same 25 keyed messages in the same order, and 25 unkeyed ones each
        let ids: Vec<Vec<(String, bool)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let (s, conv, u) = (&s, &conv, &u);
                    scope.spawn(move || {
                        let mut seen = Vec::new();
                        for i in 0..25 {
                            for key in [Some(format!("k{i}")), None] {
                                let (m, new) = s
                                    .insert_message(NewMessage {
                                        conversation_id: conv.id.clone(),
                                        author_id: Some(u.id.clone()),
                                        payload: json!({"type": "text", "text": format!("{t}:{i}")}),
                                        client_message_id: key.clone(),
                                    })
                                    .unwrap();
                                if key.is_some() {
                                    seen.push((m.id, new));
                                }
                            }
                        }
                        seen
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        // each key was stored once, and every thread got that message back
        for i in 0..25 {
            let first = &ids[0][i].0;
            assert!(ids.iter().all(|t| &t[i].0 == first), "key k{i}");
            assert_eq!(
                ids.iter().filter(|t| t[i].1).count(),
                1,
                "key k{i} new once"
            );
        }
        let stored = s.list_messages(&conv.id, 10_000).unwrap();
        assert_eq!(stored.len(), 25 + 8 * 25);
        // a thread's messages are stored in the order it sent them
        for t in 0..8 {
            let mine: Vec<usize> = stored
                .iter()
                .filter_map(|m| {
                    let text = m.payload["text"].as_str()?;
                    let (who, i) = text.split_once(':')?;
                    (who == t.to_string()).then(|| i.parse().unwrap())
                })
                .collect();
            assert!(
                mine.windows(2).all(|w| w[0] <= w[1]),
                "thread {t}: {mine:?}"
            );
        }
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failing_write_in_a_group_fails_only_its_caller() {
        let s = store();
        let (u, _) = s.get_or_create_user("b", "web", "v").unwrap();
        let conv = s.create_conversation("b", &u.id).unwrap();
        let outcomes: Vec<Arc<Mutex<Option<bool>>>> = (0..3).map(|_| Arc::default()).collect();
        let batch: Vec<Job> = ["ok", "fails", "ok"]
            .iter()
            .enumerate()
            .map(|(i, what)| {
                let conversation = if *what == "ok" {
                    conv.id.clone()
                } else {
                    "nope".into()
                };
                let m = NewMessage {
                    conversation_id: conversation,
                    author_id: Some(u.id.clone()),
                    payload: json!({"type": "text", "text": what}),
                    client_message_id: None,
                };
                let (ran, failed) = (outcomes[i].clone(), outcomes[i].clone());
                Job {
                    ticket: i as u64,
                    run: Box::new(move |c| {
                        let ok = insert_one(c, m).is_ok();
                        *ran.lock().unwrap() = Some(ok);
                        ok
                    }),
                    fail: Box::new(move |_| *failed.lock().unwrap() = Some(false)),
                }
            })
            .collect();
        s.commit_batch(batch);
        let got: Vec<Option<bool>> = outcomes.iter().map(|o| *o.lock().unwrap()).collect();
        assert_eq!(got, vec![Some(true), Some(false), Some(true)]);
        // the failed insert (unknown conversation) rolled back alone
        assert_eq!(s.list_messages(&conv.id, 10).unwrap().len(), 2);
        // and the store still takes writes through the queue
        let (m, new) = s
            .insert_message(NewMessage {
                conversation_id: conv.id.clone(),
                author_id: None,
                payload: json!({"type": "text", "text": "after"}),
                client_message_id: None,
            })
            .unwrap();
        assert!(new);
        assert_eq!(
            s.get_message(&m.id).unwrap().unwrap().payload["text"],
            "after"
        );
        let g = s.group();
        assert!(!g.committing && g.queue.is_empty() && g.done.is_empty());
    }

    #[test]
    fn concurrent_first_visits_with_one_tag_create_one_user() {
        let dir = std::env::temp_dir().join(format!("wcs-visit-{}", uuid::Uuid::new_v4()));
        let s = SqliteStore::open_in_dir(&dir).unwrap();
        let users: Vec<(String, bool)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let s = &s;
                    scope.spawn(move || {
                        let (u, created) = s.get_or_create_user("b", "web", "same").unwrap();
                        (u.id, created)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(users.iter().all(|(id, _)| id == &users[0].0));
        assert_eq!(users.iter().filter(|(_, created)| *created).count(), 1);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn list_messages_returns_the_last_n_oldest_first() {
        let s = store();
        let (u, _) = s.get_or_create_user("b", "web", "v").unwrap();
        let conv = s.create_conversation("b", &u.id).unwrap();
        for i in 0..5 {
            s.insert_message(NewMessage {
                conversation_id: conv.id.clone(),
                author_id: None,
                payload: json!({"type": "text", "text": i.to_string()}),
                client_message_id: None,
            })
            .unwrap();
        }
        let last = s.list_messages(&conv.id, 2).unwrap();
        let texts: Vec<_> = last
            .iter()
            .map(|m| m.payload["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, vec!["3", "4"]);
        let list = s.list_conversations("b", &u.id, 10).unwrap();
        assert_eq!(list[0].1.as_ref().unwrap().payload["text"], "4");
        assert_eq!(s.delete_messages(&conv.id).unwrap(), 5);
    }

    #[test]
    fn most_recent_conversation_follows_activity() {
        let s = store();
        let (u, _) = s.get_or_create_user("b", "web", "v").unwrap();
        let c1 = s.create_conversation("b", &u.id).unwrap();
        let c2 = s.create_conversation("b", &u.id).unwrap();
        assert_eq!(
            s.most_recent_conversation("b", &u.id).unwrap().unwrap().id,
            c2.id
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
        s.insert_message(NewMessage {
            conversation_id: c1.id.clone(),
            author_id: Some(u.id.clone()),
            payload: json!({"type": "text", "text": "x"}),
            client_message_id: None,
        })
        .unwrap();
        assert_eq!(
            s.most_recent_conversation("b", &u.id).unwrap().unwrap().id,
            c1.id
        );
    }

    #[test]
    fn data_survives_reopen_and_migrations_are_idempotent() {
        let dir = std::env::temp_dir().join(format!("wcs-test-{}", uuid::Uuid::new_v4()));
        let user_id = {
            let s = SqliteStore::open_in_dir(&dir).unwrap();
            s.kv_set("k", "v").unwrap();
            s.get_or_create_user("b", "web", "v").unwrap().0.id
        };
        let s = SqliteStore::open_in_dir(&dir).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len());
        assert_eq!(s.kv_get("k").unwrap().as_deref(), Some("v"));
        assert_eq!(s.get_or_create_user("b", "web", "v").unwrap().0.id, user_id);
        drop(s);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn feedback_and_webhooks() {
        let s = store();
        s.set_feedback("m1", "u", 1).unwrap();
        s.set_feedback("m1", "u", -1).unwrap();
        assert_eq!(
            s.get_feedback(&["m1".into(), "m2".into()], "u").unwrap(),
            vec![("m1".into(), -1)]
        );
        s.upsert_client(&Client {
            id: "c".into(),
            token_hash: "h".into(),
            bot_id: "bot".into(),
        })
        .unwrap();
        s.set_webhooks(
            "c",
            &[Webhook {
                client_id: "c".into(),
                url: "http://x".into(),
                token: "t".into(),
            }],
        )
        .unwrap();
        assert_eq!(s.webhooks_for_bot("bot").unwrap().len(), 1);
        assert!(s.webhooks_for_bot("other").unwrap().is_empty());
        assert_eq!(s.client_bot_ids().unwrap(), vec!["bot".to_string()]);
    }
}

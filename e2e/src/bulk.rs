//! Many messages, fast: long conversations and bursts for `browserbench` and `tests/burst.rs`.
//!
//! - [`bench_config`]: a server config with the messaging bridge, no rate limit, a history cap
//!   large enough for the whole conversation, and a bot ([`BENCH_BOT`]) whose demo dialog is off,
//!   so nothing but the seeded messages lands in the conversation (no greeting on `visit`).
//! - [`Bridge`]: speaks as the bot or as the user into one conversation through
//!   `POST /api/v1/messages` (§3.3) over one kept-alive connection (about 1 ms a message against
//!   the release server on loopback, so 10,000 messages take seconds and no bulk path is needed).
//! - [`mixed_payload`]: the n-th message of a conversation that mixes every common type.
//! - [`walk_transcript`]: every row a visitor can reach by scrolling the transcript from top to
//!   bottom, in order; it works whether the transcript renders every row or only a window of them.

use serde_json::{json, Value};

use crate::guest::Guest;
use crate::{widget_root_js, Browser, BOT_CLIENT_ID, BOT_CLIENT_TOKEN};

/// The bot the bench conversations belong to (its demo dialog is off).
pub const BENCH_BOT: &str = "bench-bot";

/// Server config for seeded conversations: bridge client [`BOT_CLIENT_ID`] bound to [`BENCH_BOT`],
/// no rate limit, and `/conversations/get` returning up to `history` messages (v12's
/// `maxMessagesHistory`, default 20, is what decides how much of a long conversation the widget
/// receives on open).
pub fn bench_config(history: usize) -> Value {
    json!({
        "messaging": {"clientId": BOT_CLIENT_ID, "clientToken": BOT_CLIENT_TOKEN, "botId": BENCH_BOT},
        "bots": [{"id": BENCH_BOT, "name": "Bench bot", "demo": false}],
        "channelWeb": {"rateLimit": {"enabled": false}, "maxMessagesHistory": history},
    })
}

/// A valid 24-character visitor id (letters and digits), distinct per `seed`.
pub fn visitor_id(seed: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    // xorshift over the seed and the clock: distinct per call, no rand dependency.
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ nanos ^ 0x2545_F491_4F6C_DD1D;
    (0..24)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

/// One conversation seen from the bot's side of the messaging bridge.
pub struct Bridge {
    agent: ureq::Agent,
    url: String,
    /// The conversation id.
    pub conversation: String,
    /// Its user id.
    pub user: String,
}

impl Bridge {
    /// Creates a conversation for `visitor` on `bot` (as the widget would, through the `/guest`
    /// socket and `POST /conversations/new`) and returns the bridge into it. `server` is
    /// `http://127.0.0.1:PORT`. The guest socket is closed again, so seeding emits to nobody.
    pub fn for_visitor(server: &str, bot: &str, visitor: &str) -> Bridge {
        let conversation = {
            let guest = Guest::connect(server, bot, visitor);
            let v = guest.post("/conversations/new", json!({}));
            v["convoId"]
                .as_str()
                .unwrap_or_else(|| panic!("no convoId in {v}"))
                .to_string()
        };
        let agent = ureq::AgentBuilder::new().build();
        let conv: Value = agent
            .get(&format!("{server}/api/v1/conversations/{conversation}"))
            .set("x-bp-messaging-client-id", BOT_CLIENT_ID)
            .set("x-bp-messaging-client-token", BOT_CLIENT_TOKEN)
            .call()
            .unwrap_or_else(|e| panic!("the conversation {conversation}: {e}"))
            .into_json()
            .expect("conversation JSON");
        let user = conv["userId"]
            .as_str()
            .unwrap_or_else(|| panic!("no userId in {conv}"))
            .to_string();
        Bridge {
            agent,
            url: format!("{server}/api/v1/messages"),
            conversation,
            user,
        }
    }

    /// Stores `payload` as the bot's (`from_user == false`) or the user's message and returns the
    /// stored message; any non-2xx answer panics.
    pub fn send(&self, payload: &Value, from_user: bool) -> Value {
        let mut body = json!({"conversationId": self.conversation, "payload": payload});
        if from_user {
            body["authorId"] = json!(self.user);
        }
        match self
            .agent
            .post(&self.url)
            .set("x-bp-messaging-client-id", BOT_CLIENT_ID)
            .set("x-bp-messaging-client-token", BOT_CLIENT_TOKEN)
            .send_json(body)
        {
            Ok(resp) => resp.into_json().unwrap_or(Value::Null),
            Err(ureq::Error::Status(code, resp)) => panic!(
                "bridge refused {payload}: {code} {}",
                resp.into_string().unwrap_or_default()
            ),
            Err(e) => panic!("bridge call failed: {e}"),
        }
    }

    /// Seeds `count` messages of [`mixed_payload`] (indexes `from..from + count`); returns the
    /// stored messages' ids, oldest first.
    pub fn seed(&self, from: usize, count: usize) -> Vec<String> {
        (from..from + count)
            .map(|i| {
                let (payload, from_user) = mixed_payload(i);
                let m = self.send(&payload, from_user);
                m["id"].as_str().unwrap_or_default().to_string()
            })
            .collect()
    }
}

/// The `i`-th message of a mixed conversation and whether the user sent it: user texts, bot
/// texts, markdown, images, cards, carousels, quick replies (single-choice), files and locations.
/// Every payload's text names `#i`. Media point at the server's own `/demo-assets`.
pub fn mixed_payload(i: usize) -> (Value, bool) {
    let asset = |f: &str| format!("/demo-assets/{f}");
    let card = |n: usize| {
        json!({
            "title": format!("Card #{i}.{n}"),
            "subtitle": "A seeded card",
            "image": asset("welcome.svg"),
            "actions": [
                {"action": "Say something", "title": "Say hi", "text": "hi"},
                {"action": "Open URL", "title": "Docs", "url": "https://botpress.com/docs"},
                {"action": "Postback", "title": "Text", "payload": "text"}
            ]
        })
    };
    match i % 10 {
        0 | 5 => (
            json!({"type": "text", "text": format!("User message #{i}: how does this work?")}),
            true,
        ),
        1 => (
            json!({"type": "text", "text": format!("Bot text #{i}: here is a plain answer.")}),
            false,
        ),
        2 => (
            json!({"type": "text", "markdown": true, "text": format!(
                "**Markdown #{i}**: *italic*, `code`, a [link](https://botpress.com).\n\n- one\n- two"
            )}),
            false,
        ),
        3 => (
            json!({"type": "image", "image": asset("welcome.svg"), "title": format!("Image #{i}")}),
            false,
        ),
        4 => {
            let mut c = card(1);
            c["type"] = json!("card");
            (c, false)
        }
        6 => (
            json!({"type": "carousel", "items": [card(1), card(2), card(3)]}),
            false,
        ),
        7 => (
            json!({"type": "single-choice", "text": format!("Quick replies #{i}: pick one"),
                "choices": [{"title": "Yes", "value": "yes"}, {"title": "No", "value": "no"}]}),
            false,
        ),
        8 => (
            json!({"type": "file", "file": asset("readme.txt"), "title": format!("File #{i}.txt")}),
            false,
        ),
        _ => (
            json!({"type": "location", "latitude": 45.5017, "longitude": -73.5673,
                "address": "Montréal, QC, Canada", "title": format!("Location #{i}")}),
            false,
        ),
    }
}

/// JavaScript: the element of the default widget's transcript that scrolls (the transcript itself,
/// an ancestor or a descendant: whichever overflows with `overflow-y: auto|scroll`), else the
/// transcript. Defines `__scroller()` on `window`.
pub const SCROLLER_JS: &str = r#"
window.__scroller = () => {
  const r = (document.getElementById('bp-web-widget') || {}).shadowRoot;
  const t = r && r.querySelector('[data-testid="transcript"]');
  if (!t) return null;
  const scrolls = (el) => el && el.nodeType === 1 && el.scrollHeight > el.clientHeight + 1
    && /(auto|scroll)/.test(getComputedStyle(el).overflowY);
  for (let el = t; el; el = el.parentElement) {
    if (scrolls(el)) return el;
  }
  for (const el of t.querySelectorAll('*')) if (scrolls(el)) return el;
  return t;
};
"#;

/// Scrolls the default widget's transcript from the top to the bottom, half a screen at a time
/// (waiting two frames after each step, so a windowed transcript renders the rows in view), and
/// returns every row seen, in order, as `(data-message-id, text)`. Panics when one screen shows
/// the same message id twice.
pub fn walk_transcript(browser: &Browser) -> Vec<(String, String)> {
    let js = format!(
        r#"{SCROLLER_JS}
const done = arguments[arguments.length - 1];
const root = {root};
const sc = window.__scroller();
const frames = (n) => new Promise((res) => {{
  const f = () => (n-- <= 0 ? res() : requestAnimationFrame(f)); f();
}});
(async () => {{
  const seen = [];
  const ids = new Set();
  const views = [];
  sc.scrollTop = 0;
  await frames(3);
  for (let guard = 0; guard < 100000; guard++) {{
    const rows = [...root.querySelectorAll('[data-testid="message"]')]
      .map((m) => [m.getAttribute('data-message-id') || '', m.textContent.trim()]);
    const here = new Set();
    for (const [id] of rows) {{
      if (here.has(id)) {{ done({{ error: 'message id ' + id + ' shown twice on one screen' }}); return; }}
      here.add(id);
    }}
    for (const row of rows) if (!ids.has(row[0])) {{ ids.add(row[0]); seen.push(row); }}
    views.push(rows.length);
    const before = sc.scrollTop;
    if (before + sc.clientHeight >= sc.scrollHeight - 1) break;
    sc.scrollTop = before + Math.max(50, Math.floor(sc.clientHeight / 2));
    await frames(2);
    if (sc.scrollTop === before) break;
  }}
  done({{ rows: seen, views: views.length }});
}})().catch((e) => done({{ error: String(e) }}));
"#,
        root = widget_root_js()
    );
    let v = browser.exec_async(&js, json!([]));
    if let Some(e) = v.get("error") {
        panic!("walking the transcript failed: {e}");
    }
    v["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap_or_default().to_string(),
                r[1].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visitor_ids_are_valid_and_distinct() {
        let a = visitor_id(1);
        let b = visitor_id(2);
        assert_eq!(a.len(), 24);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn the_mix_covers_every_type_and_both_authors() {
        let mut types: Vec<String> = (0..10)
            .map(|i| mixed_payload(i).0["type"].as_str().unwrap().to_string())
            .collect();
        types.sort();
        types.dedup();
        assert_eq!(
            types,
            [
                "card",
                "carousel",
                "file",
                "image",
                "location",
                "single-choice",
                "text"
            ]
        );
        assert!((0..10).any(|i| mixed_payload(i).1));
        assert!((0..10).any(|i| !mixed_payload(i).1));
        assert!(mixed_payload(12).0.to_string().contains("#12"));
    }
}

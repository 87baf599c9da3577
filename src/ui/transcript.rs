//! The message list (`role="log"`): a window of the messages between two spacers (only what is near the
//! viewport is in the DOM, see [`super::windowing`]), then the pending sends and the typing indicator.
//! Every row carries `aria-posinset`/`aria-setsize`, its place in the whole transcript.
//!
//! Rows are keyed by [`Row::key`] (the message id and its place in its sender group): a row is built
//! once and kept while its key holds, so a new message only builds one row.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, Node};

use super::rows::{self, Row};
use super::windowing::Windowing;
use super::{initial, keys, Cx};
use crate::dom::{self, Scope, E};
use crate::i18n::{Key, Lang};
use crate::state::{ChatState, Delivery};
use crate::transport::Command;
use crate::views::{self, RenderCtx};

/// What every row depends on besides its message: when it changes, the rendered rows are rebuilt.
#[derive(PartialEq)]
struct RowEnv {
    lang: Lang,
    show_timestamp: bool,
    show_name: bool,
    show_user_avatar: bool,
    title: String,
    you: &'static str,
    config_avatar: Option<String>,
    info_avatar: Option<String>,
    host: String,
}

impl RowEnv {
    fn of(cx: &Cx) -> RowEnv {
        RowEnv {
            lang: cx.lang,
            show_timestamp: cx.config.show_timestamp,
            show_name: cx.config.show_user_name,
            show_user_avatar: cx.config.show_user_avatar,
            title: cx.title(),
            you: cx.t(Key::You),
            config_avatar: cx.config.avatar_url.clone(),
            info_avatar: cx
                .state
                .bot_info
                .details
                .get("avatarUrl")
                .and_then(|u| u.as_str())
                .map(str::to_string),
            host: cx.config.host.clone(),
        }
    }
}

/// Which transcript changes move the window: its length, its ends, the conversation, pending sends.
type Shape = (usize, Option<String>, Option<String>, Option<String>, usize);

fn shape(s: &ChatState) -> Shape {
    (
        s.messages.len(),
        s.messages.first().map(|m| m.id.clone()),
        s.messages.last().map(|m| m.id.clone()),
        s.conversation_id.clone(),
        s.pending.len(),
    )
}

type RowKey = (String, usize, bool, bool, bool);

/// A rendered row (a message, or a pending send with an empty key) and what it holds (listeners,
/// custom view cleanups).
struct RowView {
    key: RowKey,
    el: Element,
    _scope: Scope,
}

impl Drop for RowView {
    fn drop(&mut self) {
        self.el.remove();
    }
}

/// What a pending row shows.
#[derive(PartialEq)]
struct PendingModel {
    client_id: String,
    text: String,
    delivery: Delivery,
    posinset: usize,
    lang: Lang,
}

/// The transcript.
pub struct Transcript {
    /// The window, which also holds the log, the rows' container and the top spacer.
    win: Rc<Windowing>,
    rows: Vec<RowView>,
    env: Option<RowEnv>,
    pending: Vec<RowView>,
    /// What the pending rows show.
    pending_models: Vec<PendingModel>,
    typing: Option<Element>,
    shape: Option<Shape>,
    total: Rc<Cell<usize>>,
    _scope: Scope,
}

impl Transcript {
    /// Builds the transcript into `section` before `end`; `request` asks the UI for a render.
    pub fn new(section: &Element, end: &Element, cx: &Cx, request: Rc<dyn Fn()>) -> Transcript {
        let spacer = || E::classed("div", "bpw-spacer").aria_hidden().0;
        let (top, bottom) = (spacer(), spacer());
        let window = E::classed("div", "bpw-window")
            .node(Some(top.as_ref()))
            .node(Some(bottom.as_ref()))
            .0;
        let log = E::classed("div", "bpw-transcript")
            .testid("transcript")
            .attr("role", "log")
            .attr("aria-live", "off")
            .attr("tabindex", "0")
            .node(Some(window.as_ref()))
            .0;
        let win = Windowing::new(log, window, top, bottom, request);
        let log = &win.log;
        let total = Rc::new(Cell::new(0));
        let mut scope = Scope::new();
        let w = win.clone();
        scope.listen(log, "scroll", Box::new(move |_| w.on_scroll()));
        let (w, chat, t, el) = (win.clone(), cx.chat.clone(), total.clone(), log.clone());
        scope.listen(
            log,
            "keydown",
            Box::new(move |ev| {
                if let Some(ev) = ev.dyn_ref::<KeyboardEvent>() {
                    keys::transcript_keydown(&chat, &el, ev, t.get(), &w);
                }
            }),
        );
        dom::insert(section, log, Some(end.as_ref()));
        let mut transcript = Transcript {
            win,
            rows: Vec::new(),
            env: None,
            pending: Vec::new(),
            pending_models: Vec::new(),
            typing: None,
            shape: None,
            total,
            _scope: scope,
        };
        transcript.update(cx);
        transcript
    }

    /// Patches the transcript for `cx`.
    pub fn update(&mut self, cx: &Cx) {
        let s = cx.state;
        dom::set_if_changed(&self.win.log, "aria-label", cx.t(Key::Transcript));
        let shape = shape(s);
        if self.shape.as_ref() != Some(&shape) {
            // another conversation (not the first one shown), or more pending sends than before
            let (new_conversation, sent) = match &self.shape {
                Some(old) => (old.3 != shape.3, shape.4 > old.4),
                None => (false, shape.4 > 0),
            };
            self.shape = Some(shape);
            self.win.on_messages(s, new_conversation, sent);
        }
        let total = s.messages.len() + s.pending.len();
        let total_changed = self.total.replace(total) != total;
        let env = RowEnv::of(cx);
        if self.env.as_ref() != Some(&env) {
            self.rows.clear();
        }
        let range = self.win.range();
        let wanted = rows::rows_in(&s.messages, range.start..range.end);
        let mut changed = self.sync_rows(cx, &env, &wanted);
        // the new value equals the old one when the rows were kept: storing it needs no copy
        self.env = Some(env);
        changed |= self.sync_pending(cx);
        if total_changed {
            // the rows' and pending sends' places still hold, the count does not
            let size = crate::text::int(total as i64);
            for r in &self.rows {
                dom::set(&r.el, "aria-setsize", &size);
            }
            for p in &self.pending {
                dom::set(&p.el, "aria-setsize", &size);
            }
        }
        changed |= self.sync_typing(cx);
        self.win.write_spacers();
        if changed {
            self.win.changed();
        }
    }

    /// Brings the rendered rows to `wanted`, reusing rows whose key holds; true when anything changed.
    fn sync_rows(&mut self, cx: &Cx, env: &RowEnv, wanted: &[Row]) -> bool {
        let same = self.rows.len() == wanted.len()
            && self.rows.iter().zip(wanted).all(|(r, w)| w.has_key(&r.key));
        if same {
            return false;
        }
        // the window holds a few dozen rows: a linear search beats hashing them in code size
        let mut old: Vec<RowView> = std::mem::take(&mut self.rows);
        let mut next = Vec::with_capacity(wanted.len());
        for &row in wanted {
            let view = match old.iter().position(|v| row.has_key(&v.key)) {
                Some(i) => old.swap_remove(i),
                None => build_row(cx, env, row, self.total.get()),
            };
            next.push(view);
        }
        // rows that left the window go first, then the kept and new ones are put in order
        drop(old);
        let mut cursor: Option<Node> = self.win.top.next_sibling();
        for v in &next {
            let el: &Node = v.el.as_ref();
            if cursor.as_ref() == Some(el) {
                cursor = el.next_sibling();
            } else {
                dom::insert(&self.win.rows, el, cursor.as_ref());
            }
        }
        self.rows = next;
        true
    }

    fn sync_pending(&mut self, cx: &Cx) -> bool {
        let s = cx.state;
        let mut models: Vec<PendingModel> = Vec::with_capacity(s.pending.len());
        for p in &s.pending {
            models.push(PendingModel {
                client_id: p.client_id.clone(),
                text: p
                    .payload
                    .get("text")
                    .and_then(|t| t.as_str())
                    .unwrap_or_default()
                    .to_string(),
                delivery: p.delivery,
                posinset: s.messages.len() + models.len() + 1,
                lang: cx.lang,
            });
        }
        if self.pending_models == models {
            return false;
        }
        let ids_same = self.pending_models.len() == models.len()
            && self
                .pending_models
                .iter()
                .zip(&models)
                .all(|(v, m)| v.client_id == m.client_id);
        self.pending.clear();
        let before = self.typing.as_ref().map(|t| t.as_ref());
        for model in &models {
            let view = build_pending(cx, model, self.total.get());
            dom::insert(&self.win.log, &view.el, before);
            self.pending.push(view);
        }
        self.pending_models = models;
        !ids_same
    }

    fn sync_typing(&mut self, cx: &Cx) -> bool {
        let typing = cx.state.typing_until.is_some();
        match (&self.typing, typing) {
            (None, true) => {
                let el = E::classed("div", "bpw-typing")
                    .testid("typing")
                    .attr("role", "img")
                    .attr("aria-label", cx.t(Key::BotTyping))
                    .0;
                for _ in 0..3 {
                    E::new("span").append_to(&el);
                }
                dom::append(&self.win.log, &el);
                self.typing = Some(el);
                true
            }
            (Some(el), false) => {
                el.remove();
                self.typing = None;
                true
            }
            _ => false,
        }
    }
}

impl Drop for Transcript {
    fn drop(&mut self) {
        self.win.stop();
        self.rows.clear();
        self.pending.clear();
        self.win.log.remove();
    }
}

/// The avatar of a group: the message's `botAvatarUrl`, else config `avatarUrl`, else botInfo's, else
/// an initial.
fn avatar(url: Option<String>, name: &str) -> E {
    match url {
        Some(src) => E::classed("img", "bpw-row-avatar")
            .testid("avatar")
            .attr("alt", "")
            .attr("src", &src),
        None => E::classed("span", "bpw-row-avatar bpw-avatar-initial")
            .testid("avatar")
            .aria_hidden()
            .text(&initial(name)),
    }
}

/// The `article` element of a transcript row (a message or a pending send): its classes, sender,
/// id, delivery state for a pending send, and its place among `setsize` rows.
fn article(
    class: &str,
    from: &str,
    id: &str,
    delivery: Option<&str>,
    posinset: usize,
    setsize: usize,
) -> E {
    let el = E::classed("div", class)
        .testid("message")
        .attr("data-from", from)
        .attr("data-message-id", id);
    if let Some(d) = delivery {
        dom::set(&el.0, "data-delivery", d);
    }
    el.attr("role", "article")
        .attr("aria-posinset", &crate::text::int(posinset as i64))
        .attr("aria-setsize", &crate::text::int(setsize as i64))
        .attr("tabindex", "-1")
}

/// The body of a transcript row, whose text direction follows its content.
fn row_body() -> E {
    E::classed("div", "bpw-row-body").dir_auto()
}

/// One transcript message: the group's avatar and name on its first row, then the rendered message. An
/// `article` with its position in the transcript, so assistive technology knows where it is even though
/// only a window of the transcript is rendered.
fn build_row(cx: &Cx, env: &RowEnv, row: Row, setsize: usize) -> RowView {
    let key = row.key();
    let Row {
        message,
        index,
        first_of_group,
        last_of_group,
        last_group,
    } = row;
    let is_bot = message.is_bot();
    let from = if is_bot { "bot" } else { "user" };
    let mut class = String::from(if is_bot {
        "bpw-row bpw-row-bot"
    } else {
        "bpw-row bpw-row-user"
    });
    if first_of_group {
        class.push_str(" bpw-group-start");
    }
    if last_of_group {
        class.push_str(" bpw-group-end");
    }
    if is_bot || env.show_user_avatar {
        class.push_str(" bpw-with-avatar");
    }
    let el = article(&class, from, &message.id, None, index + 1, setsize);
    let name = if is_bot { env.title.as_str() } else { env.you };
    if first_of_group && (is_bot || env.show_user_avatar) {
        let url = if is_bot {
            // the message's botAvatarUrl, config avatarUrl, then botInfo details.avatarUrl
            let own = views::avatar_url_for(message, &env.host);
            own.as_deref()
                .or(env.config_avatar.as_deref())
                .or(env.info_avatar.as_deref())
                .and_then(|u| views::url::safe_url(u, &env.host))
        } else {
            None
        };
        avatar(url, name).append_to(&el.0);
    }
    let body = row_body();
    if first_of_group && env.show_name {
        E::classed("span", "bpw-row-name")
            .text(name)
            .append_to(&body.0);
    }
    let mut scope = Scope::new();
    let send = cx.chat.send_payload();
    let mut ctx = RenderCtx::new(
        send.clone(),
        send,
        cx.chat.send_feedback(),
        env.host.clone(),
    );
    ctx.lang = env.lang;
    ctx.is_last_group = last_group;
    ctx.is_last_of_group = last_of_group;
    ctx.show_timestamp = env.show_timestamp;
    ctx.keyboard_in_composer = true;
    if let Some(m) = views::render_message(message, &ctx, &mut scope) {
        dom::append(&body.0, &m);
    }
    body.append_to(&el.0);
    RowView {
        key,
        el: el.0,
        _scope: scope,
    }
}

/// A user message not yet echoed by the server, with its delivery state and a retry button. It follows
/// the transcript's messages in the `aria-posinset` order.
fn build_pending(cx: &Cx, model: &PendingModel, setsize: usize) -> RowView {
    let (state, label) = match model.delivery {
        Delivery::Failed => ("failed", Key::NotSent),
        Delivery::Sent => ("sent", Key::Sent),
        Delivery::Sending => ("sending", Key::Sending),
    };
    let mut scope = Scope::new();
    let delivery = E::classed("div", "bpw-delivery").child(E::new("span").text(cx.t(label)));
    if model.delivery == Delivery::Failed {
        let retry = E::button("bpw-retry")
            .testid("retry")
            .text(cx.t(Key::Retry));
        let retry = cx
            .chat
            .on_click(retry, &mut scope, Command::Retry, model.client_id.clone());
        retry.append_to(&delivery.0);
    }
    let el = article(
        "bpw-row bpw-row-user bpw-pending",
        "user",
        &model.client_id,
        Some(state),
        model.posinset,
        setsize,
    )
    .child(
        row_body().child(
            E::classed("div", "bpw-message bpw-from-user bpw-bubble")
                .child(E::classed("p", "bpw-text").text(&model.text)),
        ),
    )
    .child(delivery)
    .0;
    RowView {
        key: RowKey::default(),
        el,
        _scope: scope,
    }
}

//! One widget's connection to the bot: startup order (§1.5), socket lifecycle with reconnect, the
//! outbox, and the user's commands. The UI only reads `state` and sends [`Command`]s; the `api` module
//! only calls the public methods here and receives [`HostEvent`]s through the sink it passes in.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use super::backoff;
use super::codec::{socket_url, BpEvent};
use super::http::{decode, send_outcome, settle, HttpClient, HttpError};
use super::plan::{
    after_connect_steps, online_action, preferred_language, reconnect_decision, route_server_event,
    visit_payload, OnlineAction, Reconnect, ServerEvent, StartupStep,
};
use super::socket::{Socket, SocketEvent};
use crate::browser;
use crate::dom;
use crate::dom::Timeout;
use crate::json;
use crate::json::{FromJson, Map, Value};
use crate::model::config::ViewMode;
use crate::model::events::HostEvent;
use crate::model::ids::{classify_user_id, is_valid_visitor_id, UserIdUse};
use crate::model::outbox::{Outbox, OutboxItem, Route, Step};
use crate::model::wire::{ConversationDetail, ConversationList, NewConversation, Transcript};
use crate::model::{BotInfo, Config};
use crate::state::{ChatEvent, ChatState, ConnectionStatus, Delivery, Pending, Store};
use crate::text::concat;

pub use super::command::{event_command, payload_type, Command};

/// Sink for events the host page may observe.
pub type HostSink = Rc<dyn Fn(HostEvent)>;

/// A running widget session. Create with [`Session::new`], then [`Session::start`].
pub struct Session {
    me: Weak<Session>,
    config: RefCell<Config>,
    /// The reactive state the UI renders.
    pub state: Store<ChatState>,
    /// The config as the UI sees it (never holds the external token).
    pub ui_config: Store<Config>,
    http: HttpClient,
    host: HostSink,
    socket: RefCell<Option<Socket>>,
    web_session_id: RefCell<Option<String>>,
    visitor_id: RefCell<String>,
    ready_sent: Cell<bool>,
    attempt: Cell<u32>,
    timer: RefCell<Option<Timeout>>,
    typing_timer: RefCell<Option<Timeout>>,
    notice_timer: RefCell<Option<Timeout>>,
    /// The outbox's backoff timer (a transient send failure).
    retry_timer: RefCell<Option<Timeout>>,
    outbox: RefCell<Outbox>,
    flushing: Cell<bool>,
    /// Connected *and* the conversation is loaded: only then may the outbox send (else a message could
    /// land in a conversation the widget is about to replace).
    ready: Cell<bool>,
    destroyed: Cell<bool>,
    socket_wanted: Cell<bool>,
}

impl Session {
    /// Build a session for `config`; nothing touches the network until [`Session::start`].
    pub fn new(config: Config, host: HostSink) -> Result<Rc<Session>, HttpError> {
        let http = HttpClient::new(config.api_base())?;
        let state = Store::new(ChatState {
            open: config.view_mode == ViewMode::Fullscreen,
            bot_name: config.bot_name.clone().unwrap_or_default(),
            ..ChatState::default()
        });
        let outbox = browser::storage_get(config.use_session_storage, &outbox_key(&config))
            .map(|s| Outbox::from_json(&s))
            .unwrap_or_default();
        let ui_config = Store::new(without_token(&config));
        if config.enable_persist_history {
            let saved = browser::storage_get(config.use_session_storage, &history_key(&config))
                .and_then(|s| json::parse(&s).ok())
                .and_then(|v| Vec::<String>::from_json(&v).ok())
                .unwrap_or_default();
            state.update_quiet(|s| {
                s.apply(ChatEvent::SentHistory(saved));
            });
        }
        Ok(Rc::new_cyclic(|me| Session {
            me: me.clone(),
            ui_config,
            config: RefCell::new(config),
            state,
            http,
            host,
            socket: RefCell::new(None),
            web_session_id: RefCell::new(None),
            visitor_id: RefCell::new(String::new()),
            ready_sent: Cell::new(false),
            attempt: Cell::new(0),
            timer: RefCell::new(None),
            typing_timer: RefCell::new(None),
            notice_timer: RefCell::new(None),
            retry_timer: RefCell::new(None),
            outbox: RefCell::new(outbox),
            flushing: Cell::new(false),
            ready: Cell::new(false),
            destroyed: Cell::new(false),
            socket_wanted: Cell::new(false),
        }))
    }

    /// The current config (a copy).
    pub fn config(&self) -> Config {
        self.config.borrow().clone()
    }

    /// The visitor id once known.
    pub fn visitor_id(&self) -> String {
        self.visitor_id.borrow().clone()
    }

    fn emit(&self, e: HostEvent) {
        if !self.destroyed.get() {
            (self.host)(e);
        }
    }

    fn apply(&self, e: ChatEvent) -> bool {
        if self.destroyed.get() {
            return false;
        }
        self.state.update(|s| s.apply(e))
    }

    /// Run `f(session, arg)` after `ms` in `slot` (replacing, and cancelling, what was there) unless the
    /// session is gone or destroyed by then. `destroy` clears slots. A plain `fn` and one `f64` (instead
    /// of any closure) keep one timer closure type for every caller.
    fn after(&self, slot: &RefCell<Option<Timeout>>, ms: f64, f: fn(&Rc<Session>, f64), arg: f64) {
        let weak = self.me.clone();
        let timeout = Timeout::new(
            ms,
            Box::new(move || {
                if let Some(me) = weak.upgrade() {
                    if !me.destroyed.get() {
                        f(&me, arg);
                    }
                }
            }),
        );
        // replacing the slot drops (and so cancels) the previous timer
        slot.replace(Some(timeout));
    }

    /// Startup (§1.5): botInfo (a GET: its body is null), then the socket (now, or on first open when
    /// lazy; see [`Then::BotInfo`]).
    pub fn start(self: &Rc<Self>) {
        self.restore_pending();
        self.spawn_chain(Job::Post(Post {
            path: "/botInfo",
            data: Value::Null,
            make: Make::AsIs,
            authed: false,
            then: Then::BotInfo,
        }));
    }

    fn lazy(&self) -> bool {
        self.config
            .borrow()
            .lazy_socket
            .or(self.state.with(|s| s.bot_info.lazy_socket))
            .unwrap_or(false)
    }

    fn sound_enabled(&self) -> bool {
        !self
            .config
            .borrow()
            .disable_notification_sound
            .or(self.state.with(|s| s.bot_info.disable_notification_sound))
            .unwrap_or(false)
    }

    fn resolve_visitor_id(&self) -> String {
        let cfg = self.config.borrow();
        if let Some(UserIdUse::VisitorId(v)) = cfg.user_id.as_deref().map(classify_user_id) {
            return v;
        }
        let key = cfg.visitor_storage_key();
        match browser::storage_get(cfg.use_session_storage, &key) {
            Some(v) if is_valid_visitor_id(&v) => v,
            _ => {
                let v = browser::new_visitor_id();
                browser::storage_set(cfg.use_session_storage, &key, &v);
                v
            }
        }
    }

    fn ensure_socket(self: &Rc<Self>) {
        self.socket_wanted.set(true);
        if self.socket.borrow().is_some() || self.destroyed.get() {
            return;
        }
        self.connect();
    }

    fn connect(self: &Rc<Self>) {
        if self.destroyed.get() {
            return;
        }
        self.ready.set(false);
        let vid = self.resolve_visitor_id();
        *self.visitor_id.borrow_mut() = vid.clone();
        let host = {
            let h = self.config.borrow().host.clone();
            if h.is_empty() {
                browser::page_origin()
            } else {
                h
            }
        };
        let status = if self.attempt.get() == 0 {
            ConnectionStatus::Connecting
        } else {
            ConnectionStatus::Reconnecting(self.attempt.get())
        };
        self.apply(ChatEvent::Connection(status));
        let weak = self.me.clone();
        let sink = Rc::new(move |e: SocketEvent| {
            if let Some(me) = weak.upgrade() {
                me.on_socket(e);
            }
        });
        match Socket::connect(&socket_url(&host, &vid), sink) {
            Ok(s) => *self.socket.borrow_mut() = Some(s),
            Err(_) => self.schedule_reconnect(),
        }
    }

    fn on_socket(self: &Rc<Self>, e: SocketEvent) {
        if self.destroyed.get() {
            return;
        }
        match e {
            SocketEvent::Connected { sid } => {
                *self.web_session_id.borrow_mut() = Some(sid);
                self.attempt.set(0);
                self.spawn_chain(Job::Startup);
            }
            SocketEvent::Event(ev) => self.on_bp_event(ev),
            SocketEvent::Closed => {
                self.ready.set(false);
                *self.web_session_id.borrow_mut() = None;
                self.schedule_reconnect();
            }
        }
    }

    /// Exponential backoff with jitter; paused while the browser is offline (resumed by
    /// [`Session::set_online`]). The decision is [`reconnect_decision`].
    fn schedule_reconnect(self: &Rc<Self>) {
        let decision = reconnect_decision(
            self.destroyed.get(),
            self.socket_wanted.get(),
            browser::online(),
            self.attempt.get(),
            browser::jitter(),
        );
        let (attempt, delay) = match decision {
            Reconnect::Stop => return,
            Reconnect::WaitOnline => {
                self.apply(ChatEvent::Connection(ConnectionStatus::Offline));
                return;
            }
            Reconnect::Retry { attempt, delay_ms } => (attempt, delay_ms),
        };
        self.attempt.set(attempt);
        self.apply(ChatEvent::Connection(ConnectionStatus::Reconnecting(
            attempt,
        )));
        self.after(
            &self.timer,
            delay,
            // dropping the old socket here, outside its own callbacks
            |me, _| me.reconnect_now(),
            0.0,
        );
    }

    /// Drop the socket and any pending reconnect timer, and connect again.
    fn reconnect_now(self: &Rc<Self>) {
        self.socket.borrow_mut().take();
        self.timer.borrow_mut().take();
        self.connect();
    }

    /// The browser went offline/online ([`online_action`]).
    pub fn set_online(self: &Rc<Self>, online: bool) {
        let connected = self.web_session_id.borrow().is_some();
        match online_action(
            online,
            self.socket_wanted.get(),
            connected,
            self.attempt.get(),
        ) {
            OnlineAction::MarkOffline => {
                self.apply(ChatEvent::Connection(ConnectionStatus::Offline));
            }
            OnlineAction::ConnectNow { attempt } => {
                self.attempt.set(attempt);
                self.reconnect_now();
            }
            OnlineAction::Flush => {
                // the socket survived the blip: resend what the network refused meanwhile
                self.mark_connected();
                self.flush();
            }
            OnlineAction::Nothing => {}
        }
    }

    /// Status `Connected`; after a loss the banner says "back" for a few seconds.
    fn mark_connected(&self) {
        self.apply(ChatEvent::Connection(ConnectionStatus::Connected));
        if self.state.with(|s| s.recovered) {
            self.after(
                &self.notice_timer,
                4000.0,
                |me, _| {
                    me.apply(ChatEvent::RecoveredSeen);
                },
                0.0,
            );
        }
    }

    fn token(&self) -> Option<String> {
        self.config.borrow().external_auth_token.clone()
    }

    /// The request body: `webSessionId` first, then the members of `extra` when it is an object (`null`
    /// adds none).
    fn body(&self, extra: Value) -> Value {
        let mut b = Map::new();
        b.put(
            "webSessionId",
            self.web_session_id.borrow().as_deref().into(),
        );
        if let Value::Object(e) = extra {
            b.extend(e);
        }
        Value::Object(b)
    }

    /// The body of a post ([`Make`]), built when it is sent.
    fn make(&self, make: Make, data: Value) -> Value {
        match make {
            Make::Body => self.body(data),
            Make::Conv => self.body(json!({ "conversationId": self.conv() })),
            Make::AsIs => data,
        }
    }

    fn conv(&self) -> Option<String> {
        self.state.with(|s| s.conversation_id.clone())
    }

    /// Handle an auth failure: BP_0401 drops the token and tells the host once (§1.6). Returns true when
    /// the call should be repeated without the token.
    fn check_token_error(&self, e: &HttpError) -> bool {
        if !e.is_bad_token() {
            return false;
        }
        let had = self
            .config
            .borrow_mut()
            .external_auth_token
            .take()
            .is_some();
        if had {
            self.emit(HostEvent::Error {
                code: "BP_0401".into(),
                message: "The external auth token was rejected; continuing without it.".into(),
            });
        }
        true
    }

    /// Run the job's chain ([`Session::chain`]) in a microtask.
    fn spawn_chain(self: &Rc<Self>, job: Job) {
        let me = self.clone();
        dom::microtask(Box::new(move || me.chain(job)));
    }

    /// Send the job's first request, then whatever each reply calls for ([`Session::on_reply`]), one
    /// request at a time. The one request chain of the session (botInfo, commands, startup,
    /// conversation loads, the outbox): each reply is handled by [`Session::settled`], which sends the
    /// next request.
    fn chain(self: Rc<Self>, job: Job) {
        // the startup steps not run yet, when the job is the startup
        let mut startup = None;
        let next = match job {
            Job::Post(post) => Some(post),
            Job::Flush => self.next_send(),
            Job::Startup => {
                let first = !self.ready_sent.get();
                let mut steps = after_connect_steps(first, &self.config.borrow());
                // popped from the end
                steps.reverse();
                self.startup_next(startup.insert(steps))
            }
        };
        self.send(next, startup);
    }

    /// Send `post` (if any) as the chain's next request; `startup` holds the startup steps left.
    fn send(self: Rc<Self>, post: Option<Post>, startup: Option<Vec<StartupStep>>) {
        let Some(post) = post else { return };
        // when `authed`, with the external token, and on BP_0401 the token is dropped and the same
        // body sent once more without it (not checked again, [`Session::settled`]); an outbox send is
        // not repeated here (the outbox decides, `Step::SendAgain`)
        let token = if post.authed { self.token() } else { None };
        let request = Request {
            path: post.path,
            body: self.make(post.make, post.data),
            authed: post.authed,
            sent_token: token.is_some(),
            then: post.then,
            startup,
        };
        self.issue(request, token);
    }

    /// Send `request` with `token`; its reply goes to [`Session::settled`].
    fn issue(self: Rc<Self>, request: Request, token: Option<String>) {
        let started = self
            .http
            .start(request.path, &request.body, token.as_deref());
        settle(started, move |r| self.settled(request, r));
    }

    /// A request of the chain settled: send it again without the token after a BP_0401, else act on
    /// the reply and send what it calls for.
    fn settled(self: Rc<Self>, mut request: Request, r: Result<Value, HttpError>) {
        if let Err(e) = &r {
            if request.authed && self.check_token_error(e) && !request.then.is_send() {
                request.authed = false;
                return self.issue(request, None);
            }
        }
        let mut startup = request.startup;
        let next = match self.on_reply(request.then, r, request.sent_token) {
            Ok(None) => startup.as_mut().and_then(|steps| self.startup_next(steps)),
            Ok(next) => next,
            // only a conversation load fails; outside the startup nobody is told
            Err(e) => {
                if startup.is_some() {
                    self.load_failed(&e);
                }
                None
            }
        };
        self.send(next, startup);
    }

    /// Act on a reply: `Ok(Some(next))` to post next, `Ok(None)` when done; an error of the
    /// conversation load ends the chain.
    /// `sent_token`: the request carried the external token.
    fn on_reply(
        self: &Rc<Self>,
        then: Then,
        r: Result<Value, HttpError>,
        sent_token: bool,
    ) -> Result<Option<Post>, HttpError> {
        Ok(match then {
            Then::Ignore => None,
            Then::Sent(client_id) => {
                let step = self
                    .outbox
                    .borrow_mut()
                    .record(&client_id, send_outcome(&r, sent_token));
                self.persist_outbox();
                match step {
                    Step::Delivered => {
                        self.apply(ChatEvent::Delivered {
                            client_id,
                            ok: true,
                        });
                    }
                    Step::Failed { dropped } => {
                        if let Err(e) = &r {
                            warn_http("the server refused a payload: ", e);
                        }
                        if !dropped {
                            self.apply(ChatEvent::Delivered {
                                client_id,
                                ok: false,
                            });
                        }
                    }
                    Step::SendAgain | Step::Gone => {}
                    Step::RetryLater { attempt } => {
                        let delay = backoff::delay_ms(attempt, browser::jitter());
                        self.after(&self.retry_timer, delay, |me, _| me.flush(), 0.0);
                        self.flushing.set(false);
                        return Ok(None);
                    }
                }
                self.next_send()
            }
            Then::BotInfo => {
                match r.and_then(decode::<BotInfo>) {
                    Ok(info) => {
                        if self.config.borrow().bot_name.is_none() && !info.name.is_empty() {
                            self.apply(ChatEvent::BotName(info.name.clone()));
                        }
                        // the state keeps it (`lazy`, `sound_enabled` and `set_config` read it there)
                        self.apply(ChatEvent::BotInfo(info));
                    }
                    Err(HttpError::Status { status: 404, .. }) => {
                        self.apply(ChatEvent::Connection(ConnectionStatus::Failed));
                        self.apply(ChatEvent::Error(Some("This bot is not available.".into())));
                        return Ok(None);
                    }
                    // botInfo is cosmetic: keep going with defaults
                    Err(_) => {}
                }
                // (`ensure_socket` does nothing once destroyed)
                if !self.lazy() || self.state.with(|s| s.open) {
                    self.ensure_socket();
                }
                None
            }
            Then::Language => {
                if let Err(e) = r {
                    warn_http("the language was not saved: ", &e);
                }
                None
            }
            Then::ShowList => {
                if let Ok(list) = r.and_then(decode::<ConversationList>) {
                    self.apply(ChatEvent::Conversations(list.conversations));
                }
                None
            }
            Then::Download => {
                if let Ok(t) = r.and_then(decode::<Transcript>) {
                    browser::download_text(&t.name, &t.txt);
                }
                None
            }
            Then::Deleted => {
                if r.is_ok() {
                    if let Some(c) = self.conv() {
                        self.apply(ChatEvent::Cleared(c));
                    }
                }
                None
            }
            Then::Visit => {
                let preferred = r.ok().and_then(|v| preferred_language(&v));
                // the bot may already have switched the language; else the stored preference
                let current = self.state.with(|s| s.language.clone());
                if current.is_none() && preferred.is_some() {
                    self.apply(ChatEvent::Language(preferred.clone()));
                }
                let language = current.or(preferred).unwrap_or_else(browser::language);
                let payload = visit_payload(&language, browser::timezone_hours());
                Some(Post::new(
                    "/events",
                    json!({ "conversationId": self.conv(), "payload": payload }),
                    true,
                    Then::Ignore,
                ))
            }
            Then::List => {
                let list: ConversationList = r.and_then(decode)?;
                Some(match list.conversations.first() {
                    Some(c) => Post::get_conversation(c.id.clone()),
                    None => Post::new("/conversations/new", Value::Null, false, Then::New),
                })
            }
            Then::New => {
                let n: NewConversation = r.and_then(decode)?;
                Some(Post::get_conversation(n.convo_id))
            }
            Then::Get(id) => {
                let detail: ConversationDetail = r.and_then(decode)?;
                let conversation_id = if detail.id.is_empty() { id } else { detail.id };
                self.apply(ChatEvent::History {
                    conversation_id,
                    messages: detail.messages,
                });
                None
            }
        })
    }

    /// Run the startup steps up to the next one that posts (none once the session is destroyed).
    /// `steps` is in reverse order (the next step last).
    fn startup_next(self: &Rc<Self>, steps: &mut Vec<StartupStep>) -> Option<Post> {
        while let Some(step) = steps.pop() {
            if self.destroyed.get() {
                return None;
            }
            if let Some(post) = self.startup_step(step) {
                return Some(post);
            }
        }
        None
    }

    /// The conversation could not be loaded at startup: say so and reconnect.
    fn load_failed(self: &Rc<Self>, e: &HttpError) {
        warn_http("", e);
        self.apply(ChatEvent::Error(Some(
            "Could not load the conversation. Retrying…".into(),
        )));
        // the socket is up but the API is not: retry through the reconnect path
        self.socket.borrow_mut().take();
        *self.web_session_id.borrow_mut() = None;
        self.schedule_reconnect();
    }

    /// Run one startup step; what it posts (and what follows the reply) is returned for
    /// [`Session::chain`].
    fn startup_step(self: &Rc<Self>, step: StartupStep) -> Option<Post> {
        match step {
            StartupStep::AnnounceUser => {
                self.emit(HostEvent::UserConnected(self.visitor_id()));
                None
            }
            StartupStep::CustomId { id, warn } => {
                if warn {
                    web_sys::console::warn_1(
                        &"botpressWebChat: a userId shorter than 24 chars is only stored as a custom id; the visitor id stays random"
                            .into(),
                    );
                }
                Some(Post::new(
                    "/users/customId",
                    json!({ "customId": id }),
                    true,
                    Then::Ignore,
                ))
            }
            StartupStep::LoadConversation => Some(self.load_conversation(None)),
            StartupStep::Ready => {
                self.apply(ChatEvent::Error(None));
                self.ready.set(true);
                self.mark_connected();
                None
            }
            StartupStep::AnnounceReady => {
                self.ready_sent.set(true);
                self.emit(HostEvent::Ready);
                None
            }
            StartupStep::Reference(reference) => Some(Post::new(
                "/conversations/reference",
                json!({ "conversationId": self.conv(), "reference": reference }),
                false,
                Then::Ignore,
            )),
            StartupStep::PreferencesAndVisit => Some(Post::new(
                "/preferences/get",
                Value::Null,
                false,
                Then::Visit,
            )),
            StartupStep::Flush => {
                self.flush();
                None
            }
        }
    }

    /// The first post of loading a conversation: `/conversations/list` + `get` (or `new`), or `get`
    /// of a given (or the current, or the configured) conversation.
    fn load_conversation(&self, wanted: Option<String>) -> Post {
        let wanted = wanted
            .or_else(|| self.conv())
            .or_else(|| self.config.borrow().conversation_id.clone());
        match wanted {
            Some(id) => Post::get_conversation(id),
            None => Post::new("/conversations/list", Value::Null, false, Then::List),
        }
    }

    fn on_bp_event(&self, ev: BpEvent) {
        match route_server_event(ev) {
            ServerEvent::Message { message, client_id } => {
                if let Some(cid) = client_id {
                    self.outbox.borrow_mut().remove(&cid);
                    self.persist_outbox();
                }
                let is_bot = message.is_bot();
                let sound = self.apply(ChatEvent::Received(message.clone()));
                if is_bot {
                    self.emit(HostEvent::MessageReceived(message));
                }
                if sound && self.sound_enabled() {
                    browser::play_notification();
                }
            }
            ServerEvent::Typing { ms } => {
                let until = js_sys::Date::now() + ms;
                self.apply(ChatEvent::Typing(Some(until)));
                self.after(
                    &self.typing_timer,
                    ms,
                    |me, until| {
                        if me.state.with(|s| s.typing_until == Some(until)) {
                            me.apply(ChatEvent::Typing(None));
                        }
                    },
                    until,
                );
            }
            ServerEvent::Data { language, payload } => {
                if language.is_some() {
                    self.apply(ChatEvent::Language(language));
                }
                self.emit(HostEvent::Data(payload));
            }
            ServerEvent::Clear(c) => {
                self.apply(ChatEvent::Cleared(c));
            }
            ServerEvent::Ignored => {}
        }
    }

    /// Run a UI or API command. The commands that post end in one [`Session::spawn_chain`].
    pub fn command(self: &Rc<Self>, cmd: Command) {
        if self.destroyed.get() {
            return;
        }
        let post = match cmd {
            Command::Open | Command::Close | Command::Toggle => {
                let open = match cmd {
                    Command::Open => true,
                    Command::Close => false,
                    _ => !self.state.with(|s| s.open),
                };
                return self.set_open(open);
            }
            Command::SendText(text) => {
                let text = text.trim().to_string();
                if !text.is_empty() {
                    self.remember_sent(&text);
                    self.send_payload(json!({ "type": "text", "text": text }));
                }
                return;
            }
            Command::SendPayload(p) => return self.send_payload(p),
            Command::Retry(client_id) => {
                if self.outbox.borrow_mut().retry(&client_id) {
                    self.persist_outbox();
                }
                self.apply(ChatEvent::Retrying(client_id));
                self.ensure_socket();
                return self.flush();
            }
            Command::ToggleBotInfo => {
                self.apply(ChatEvent::ToggleBotInfo);
                return;
            }
            Command::SetLanguage(language) => {
                self.apply(ChatEvent::Language(Some(language.clone())));
                Post::new(
                    "/preferences",
                    json!({ "language": language }),
                    false,
                    Then::Language,
                )
            }
            // then `get` it, as `LoadConversation` would
            Command::NewConversation => {
                Post::new("/conversations/new", Value::Null, false, Then::New)
            }
            Command::ToggleConversations | Command::ShowConversations(_) => {
                let show = match cmd {
                    Command::ShowConversations(show) => show,
                    _ => !self.state.with(|s| s.show_list),
                };
                self.apply(ChatEvent::ShowList(show));
                if !show {
                    return;
                }
                Post::new("/conversations/list", Value::Null, false, Then::ShowList)
            }
            Command::LoadConversation(id) => self.load_conversation(Some(id)),
            Command::Reset => Post::conv("/conversations/reset", true, Then::Ignore),
            Command::Download => Post::conv("/conversations/download/txt", false, Then::Download),
            Command::Feedback {
                message_id,
                feedback,
            } => Post {
                path: "/saveFeedback",
                data: json!({
                    "messageId": message_id,
                    "target": self.visitor_id(),
                    "feedback": feedback.signum(),
                }),
                make: Make::AsIs,
                authed: true,
                then: Then::Ignore,
            },
            Command::DeleteHistory => {
                Post::conv("/conversations/messages/delete", false, Then::Deleted)
            }
        };
        self.spawn_chain(Job::Post(post));
    }

    fn set_open(self: &Rc<Self>, open: bool) {
        let was = self.state.with(|s| s.open);
        self.apply(if open {
            ChatEvent::Open
        } else {
            ChatEvent::Close
        });
        // an unknown bot (botInfo 404) stays unavailable: no socket that could only fail
        let failed = self
            .state
            .with(|s| s.connection == ConnectionStatus::Failed);
        if open && !failed {
            self.ensure_socket();
        }
        if was != open {
            self.emit(if open {
                HostEvent::Opened
            } else {
                HostEvent::Closed
            });
        }
    }

    /// Queue a payload (`sendPayload` / composer) and send it when connected.
    pub fn send_payload(self: &Rc<Self>, mut payload: Value) {
        if !payload.is_object() {
            return;
        }
        let client_id = browser::random_id(21);
        let route = Route::for_payload(&payload);
        let conversation_id = self.conv();
        if route == Route::Messages {
            if let Value::Object(m) = &mut payload {
                m.put("clientMessageId", Value::String(client_id.clone()));
            }
            self.apply(ChatEvent::Sending(Pending {
                client_id: client_id.clone(),
                payload: payload.clone(),
                delivery: Delivery::Sending,
            }));
        }
        self.outbox.borrow_mut().push(OutboxItem::new(
            client_id,
            route,
            payload.clone(),
            conversation_id,
        ));
        self.persist_outbox();
        self.emit(HostEvent::MessageSent(payload));
        self.ensure_socket();
        self.flush();
    }

    fn persist_outbox(&self) {
        let cfg = self.config.borrow();
        let key = outbox_key(&cfg);
        let ob = self.outbox.borrow();
        if ob.items.is_empty() {
            browser::storage_remove(cfg.use_session_storage, &key);
        } else {
            browser::storage_set(cfg.use_session_storage, &key, &ob.to_json());
        }
    }

    /// Remember a sent text for the composer's up-arrow recall (stored only with `enablePersistHistory`).
    fn remember_sent(&self, text: &str) {
        self.apply(ChatEvent::SentText(text.to_string()));
        let cfg = self.config.borrow();
        if cfg.enable_persist_history {
            let list = self.state.with(|s| s.sent_history.clone());
            let text = json::stringify(&Value::from(list));
            browser::storage_set(cfg.use_session_storage, &history_key(&cfg), &text);
        }
    }

    /// Show messages left in the persisted outbox as pending bubbles (failed ones with their retry).
    fn restore_pending(&self) {
        let pending: Vec<Pending> = self
            .outbox
            .borrow()
            .items
            .iter()
            .filter(|it| it.route == Route::Messages)
            .map(|it| Pending {
                client_id: it.client_id.clone(),
                payload: it.payload.clone(),
                delivery: if it.failed {
                    Delivery::Failed
                } else {
                    Delivery::Sending
                },
            })
            .collect();
        for p in pending {
            self.apply(ChatEvent::Sending(p));
        }
    }

    /// Send queued items one at a time, in order, while connected, following the outbox state machine
    /// (`model::outbox`): a payload refused for good is marked failed and skipped, a transient failure
    /// retries the same item (same `clientMessageId`) after a backoff.
    fn flush(self: &Rc<Self>) {
        if self.flushing.get() || !self.ready.get() {
            return;
        }
        self.flushing.set(true);
        self.retry_timer.borrow_mut().take();
        self.spawn_chain(Job::Flush);
    }

    /// The outbox's next send while the session is ready, else the end of the flush.
    fn next_send(&self) -> Option<Post> {
        let outbox = self.outbox.borrow();
        let item = match outbox.next() {
            Some(item) if !self.destroyed.get() && self.ready.get() => item,
            _ => {
                self.flushing.set(false);
                return None;
            }
        };
        Some(Post::new(
            item.route.path(),
            json!({
                "conversationId": item.conversation_id.clone().or_else(|| self.conv()),
                "payload": item.payload.clone(),
            }),
            true,
            Then::Sent(item.client_id.clone()),
        ))
    }

    /// Replace (`configure`) or merge (`mergeConfig`) the config. A changed `userId` moves the socket and
    /// reloads history for the new identity.
    pub fn set_config(self: &Rc<Self>, cfg: Config) {
        // the visitor id comes from `userId` and its scope
        let identity_changed = {
            let c = self.config.borrow();
            c.user_id != cfg.user_id || c.user_id_scope != cfg.user_id_scope
        };
        let bot_name = cfg
            .bot_name
            .clone()
            .unwrap_or_else(|| self.state.with(|s| s.bot_info.name.clone()));
        self.ui_config.set(without_token(&cfg));
        *self.config.borrow_mut() = cfg;
        self.apply(ChatEvent::BotName(bot_name));
        if identity_changed && self.socket.borrow().is_some() {
            self.socket.borrow_mut().take();
            *self.web_session_id.borrow_mut() = None;
            self.state.update(|s| {
                s.conversation_id = None;
                s.messages.clear();
            });
            self.ready_sent.set(false);
            self.attempt.set(0);
            self.connect();
        }
    }

    /// Release every socket, timer and request. The session is inert afterwards.
    pub fn destroy(&self) {
        self.destroyed.set(true);
        for slot in [
            &self.timer,
            &self.typing_timer,
            &self.notice_timer,
            &self.retry_timer,
        ] {
            slot.borrow_mut().take();
        }
        self.socket.borrow_mut().take();
        self.http.abort_all();
    }
}

/// One request of a [`Session::chain`]: the body is made from `data` by `make` when it is sent.
struct Post {
    path: &'static str,
    data: Value,
    make: Make,
    /// With the external token (see [`Session::send`]).
    authed: bool,
    then: Then,
}

impl Post {
    /// A post of `{webSessionId, ..extra}`.
    fn new(path: &'static str, extra: Value, authed: bool, then: Then) -> Post {
        Post {
            path,
            data: extra,
            make: Make::Body,
            authed,
            then,
        }
    }

    /// A post of `{webSessionId, conversationId}`: the commands on the current conversation.
    fn conv(path: &'static str, authed: bool, then: Then) -> Post {
        Post {
            path,
            data: Value::Null,
            make: Make::Conv,
            authed,
            then,
        }
    }

    /// `/conversations/get` of `id`, whose reply becomes the history.
    fn get_conversation(id: String) -> Post {
        Post::new(
            "/conversations/get",
            json!({ "conversationId": id }),
            false,
            Then::Get(id),
        )
    }
}

/// A request of a [`Session::chain`] in flight, with what its reply needs.
struct Request {
    path: &'static str,
    /// The body made from the [`Post`] (sent again as is after a BP_0401).
    body: Value,
    /// Still with the external token (see [`Session::send`]).
    authed: bool,
    /// The first attempt carried the external token.
    sent_token: bool,
    then: Then,
    /// The startup steps not run yet, when the chain is the startup.
    startup: Option<Vec<StartupStep>>,
}

/// Where a [`Session::chain`] starts.
enum Job {
    /// This post.
    Post(Post),
    /// The outbox's next send ([`Session::next_send`]), and the ones after it.
    Flush,
    /// Steps 3-8 of §1.5, run on every (re)connect with the new webSessionId
    /// ([`after_connect_steps`], [`Session::startup_step`]); a failed conversation load stops them
    /// and reconnects ([`Session::load_failed`]).
    Startup,
}

/// What [`Session::on_reply`] does with a reply.
enum Then {
    /// Nothing (fire and forget).
    Ignore,
    /// `/botInfo` answered: apply it (a 404 means the bot is unavailable), then open the socket unless
    /// it is lazy and the panel closed.
    BotInfo,
    /// `/preferences` answered: a failure is logged.
    Language,
    /// `/conversations/list` answered for the list panel: show it.
    ShowList,
    /// `/conversations/download/txt` answered: save the transcript.
    Download,
    /// `/conversations/messages/delete` answered: on success clear the conversation.
    Deleted,
    /// `/preferences/get` answered: post the `visit` event in the preferred language.
    Visit,
    /// `/conversations/list` answered: `get` the most recent, or create one.
    List,
    /// `/conversations/new` answered: `get` it.
    New,
    /// `/conversations/get` of this id answered: show its history.
    Get(String),
    /// The outbox item with this client id was sent: record the outcome (`model::outbox`), then send
    /// the next one.
    Sent(String),
}

impl Then {
    /// An outbox send.
    fn is_send(&self) -> bool {
        matches!(self, Then::Sent(_))
    }
}

/// How a [`Post`]'s body is made from its data ([`Session::make`]).
#[derive(Clone, Copy)]
enum Make {
    /// `{webSessionId, ..data}` ([`Session::body`]).
    Body,
    /// `{webSessionId, conversationId}`: the commands on the current conversation.
    Conv,
    /// The data itself (null for the botInfo GET; the `/saveFeedback` body).
    AsIs,
}

/// Log `botpressWebChat: {what}{e}` to the console (one copy of the formatting for every caller).
#[inline(never)]
fn warn_http(what: &str, e: &HttpError) {
    web_sys::console::warn_1(&concat(&["botpressWebChat: ", what, &e.message()]).into());
}

fn without_token(cfg: &Config) -> Config {
    let mut c = cfg.clone();
    c.external_auth_token = None;
    c
}

fn outbox_key(cfg: &Config) -> String {
    concat(&["bp/outbox/", &cfg.bot_id, "/", &cfg.chat_key()])
}

/// Storage key of the composer's sent-text history (texts only, never a token).
fn history_key(cfg: &Config) -> String {
    concat(&["bp/history/", &cfg.bot_id, "/", &cfg.chat_key()])
}

//! End-to-end harness: the real `webchat-server` process, real headless Chromium, and the built
//! widget in `dist/`, driven the way a website drives it.
//!
//! - [`Server`] spawns `webchat-server --port 0` on a temporary data directory and reads the port
//!   from its `listening on` line; dropping it kills the process.
//! - [`Browser`] spawns chromedriver and opens a W3C WebDriver session with the flags this machine
//!   needs (headless, no sandbox, no background networking). It speaks the small part of the
//!   WebDriver protocol the tests use (navigate, execute script, click, send keys, browser logs),
//!   so no driver download and no large client crate is involved.
//! - [`Browser::wait_for`] is the only way to wait: a JavaScript condition polled until it holds or
//!   a timeout fails the test with the condition's text. No fixed sleeps.
//! - [`Server::start_with`] takes a config (written to a `--config` file), a port and a static dir
//!   ([`Site`]: the widget build plus a blank host page); [`Server::kill`] / [`Server::restart`]
//!   crash and revive it on the same data dir and port.
//! - [`page`]: host-page recorders (`window.__posts`, `__postTargets`, `__sockets`, `__events`), API
//!   calls that report thrown errors, and the [`Widget`] page object (one per `chatId`).
//! - [`net`]: a fault-injecting reverse proxy and a webhook sink; [`guest`]: a `/guest` client that
//!   reads what the server stored; [`jwt`]: HS256 tokens for external auth.
//!
//! Paths come from the environment `cargo xtask test` sets: `WEBCHAT_SERVER_BIN` (the server
//! binary), `WEBCHAT_DIST` (the trunk release build) and `CHROMEDRIVER`.

pub mod axe;
pub mod bulk;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub mod guest;
pub mod jwt;
pub mod net;
pub mod page;
pub mod site;

pub use page::Widget;
pub use site::Site;

/// How long any condition may take before the test fails (generous: CI machines are slow).
pub const WAIT: Duration = Duration::from_secs(30);

/// The W3C key for an element reference in WebDriver JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("e2e/ sits in the workspace")
        .to_path_buf()
}

fn env_path(var: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or(default)
}

/// How to start a [`Server`] beyond the defaults.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// A `botpress.config.json`-shaped config, written to a file and passed as `--config`.
    pub config: Option<Value>,
    /// The port (`0`, the default, binds a free one).
    pub port: u16,
    /// The static directory (defaults to `WEBCHAT_DIST`), e.g. a [`Site`] with test pages.
    pub static_dir: Option<PathBuf>,
}

/// A running `webchat-server` process on a loopback port.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    data_dir: PathBuf,
    args: Vec<std::ffi::OsString>,
    _config: Option<tempfile::TempDir>,
    _temp: Option<tempfile::TempDir>,
}

impl Server {
    /// Starts the server on a fresh temporary data directory.
    pub fn start() -> Server {
        Server::start_with(None, ServerOptions::default())
    }

    /// Starts the server on `data_dir` (kept by the caller) with extra CLI arguments.
    pub fn start_on(data_dir: &Path, extra: &[&str]) -> Server {
        let mut server = Server::spawn(data_dir, 0, &ServerOptions::default(), extra);
        server._temp = None;
        server
    }

    /// Starts the server with `opts`, on `data_dir` or a fresh temporary one.
    pub fn start_with(data_dir: Option<&Path>, opts: ServerOptions) -> Server {
        let temp = match data_dir {
            Some(_) => None,
            None => Some(tempfile::tempdir().expect("temporary data dir")),
        };
        let dir = data_dir
            .map(Path::to_path_buf)
            .unwrap_or_else(|| temp.as_ref().expect("made above").path().to_path_buf());
        let mut server = Server::spawn(&dir, opts.port, &opts, &[]);
        server._temp = temp;
        server
    }

    fn spawn(data_dir: &Path, port: u16, opts: &ServerOptions, extra: &[&str]) -> Server {
        let dist = env_path("WEBCHAT_DIST", workspace_root().join("dist"));
        assert!(
            dist.join("inject.js").exists(),
            "no widget build in {} (run `cargo xtask build`)",
            dist.display()
        );
        let static_dir = opts.static_dir.clone().unwrap_or(dist);
        let mut args: Vec<std::ffi::OsString> = vec!["--host".into(), "127.0.0.1".into()];
        args.push("--data-dir".into());
        args.push(data_dir.into());
        args.push("--static-dir".into());
        args.push(static_dir.into());
        let config_dir = opts.config.as_ref().map(|cfg| {
            let dir = tempfile::tempdir().expect("temporary config dir");
            let file = dir.path().join("botpress.config.json");
            std::fs::write(&file, serde_json::to_vec_pretty(cfg).expect("config JSON"))
                .expect("write the server config");
            args.push("--config".into());
            args.push(file.into());
            dir
        });
        args.extend(extra.iter().map(Into::into));
        let (child, url) = launch(&args, port);
        Server {
            child: Some(child),
            url,
            data_dir: data_dir.to_path_buf(),
            args,
            _config: config_dir,
            _temp: None,
        }
    }

    /// The data directory the server runs on.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the url ends with the port")
    }

    /// Kills the process (SIGKILL: no graceful shutdown, like a crash).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the process again with the same data dir, config, static dir and port.
    pub fn restart(&mut self) {
        self.kill();
        let port = self.port();
        let (child, url) = launch(&self.args, port);
        assert_eq!(url, self.url, "restarted on another address");
        self.child = Some(child);
    }
}

/// Spawns the server binary with `args` on `port` and waits for its `listening on` line; retries a
/// few times when the port is still being released by a previous process.
fn launch(args: &[std::ffi::OsString], port: u16) -> (Child, String) {
    let bin = env_path(
        "WEBCHAT_SERVER_BIN",
        workspace_root().join("target/debug/webchat-server"),
    );
    assert!(
        bin.exists(),
        "no server binary at {} (run `cargo xtask test`, or `cargo build -p webchat-server`)",
        bin.display()
    );
    let deadline = Instant::now() + WAIT;
    loop {
        let mut child = Command::new(&bin)
            .args(args)
            .arg("--port")
            .arg(port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split("listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        match rx.recv_timeout(WAIT) {
            Ok(url) => return (child, url),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                assert!(
                    Instant::now() < deadline && port != 0,
                    "webchat-server printed no `listening on` line"
                );
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}

impl Server {
    /// Starts the server on a fresh temporary data directory with `config` passed with `--config`.
    pub fn start_with_config(config: &Value) -> Server {
        Server::start_with(
            None,
            ServerOptions {
                config: Some(config.clone()),
                ..Default::default()
            },
        )
    }

    /// Like [`Server::start_on`], serving the static files of `dist` (e.g. a modified copy of
    /// [`widget_dist`]) instead of the widget build.
    pub fn start_serving(data_dir: &Path, dist: &Path, extra: &[&str]) -> Server {
        let opts = ServerOptions {
            static_dir: Some(dist.to_path_buf()),
            ..Default::default()
        };
        let mut server = Server::spawn(data_dir, 0, &opts, extra);
        server._temp = None;
        server
    }

    /// Starts the server with the messaging bridge client [`BOT_CLIENT_ID`] / [`BOT_CLIENT_TOKEN`]
    /// provisioned, so a test can speak as the bot with [`Server::send_as_bot`].
    pub fn start_with_bridge() -> Server {
        Server::start_with_config(&json!({
            "messaging": {"clientId": BOT_CLIENT_ID, "clientToken": BOT_CLIENT_TOKEN},
            // hostile-payload suites send many messages; the limit is not what they test
            "channelWeb": {"rateLimit": {"enabled": false}},
        }))
    }

    /// Sends `payload` as the bot into `conversation_id` through the messaging bridge
    /// (`POST /api/v1/messages`) and returns the stored message; any non-2xx answer fails the test.
    pub fn send_as_bot(&self, conversation_id: &str, payload: &Value) -> Value {
        let url = format!("{}/api/v1/messages", self.url);
        match ureq::post(&url)
            .set("x-bp-messaging-client-id", BOT_CLIENT_ID)
            .set("x-bp-messaging-client-token", BOT_CLIENT_TOKEN)
            .send_json(json!({"conversationId": conversation_id, "payload": payload}))
        {
            Ok(resp) => resp.into_json().unwrap_or(Value::Null),
            Err(ureq::Error::Status(code, resp)) => panic!(
                "bridge refused {payload}: {code} {}",
                resp.into_string().unwrap_or_default()
            ),
            Err(e) => panic!("bridge call failed: {e}"),
        }
    }
}

impl Server {
    /// The user id that owns `conversation_id` (`GET /api/v1/conversations/{id}` on the bridge).
    pub fn conversation_user(&self, conversation_id: &str) -> String {
        let conv: Value = ureq::get(&format!(
            "{}/api/v1/conversations/{conversation_id}",
            self.url
        ))
        .set("x-bp-messaging-client-id", BOT_CLIENT_ID)
        .set("x-bp-messaging-client-token", BOT_CLIENT_TOKEN)
        .call()
        .unwrap_or_else(|e| panic!("the conversation {conversation_id}: {e}"))
        .into_json()
        .expect("conversation JSON");
        conv["userId"]
            .as_str()
            .unwrap_or_else(|| panic!("no userId in {conv}"))
            .to_string()
    }

    /// Stores `payload` as a message of the conversation's user `user_id` through the bridge
    /// (`authorId`); the bot does not answer it. Returns the stored message.
    pub fn send_as_user(&self, conversation_id: &str, user_id: &str, payload: &Value) -> Value {
        let url = format!("{}/api/v1/messages", self.url);
        match ureq::post(&url)
            .set("x-bp-messaging-client-id", BOT_CLIENT_ID)
            .set("x-bp-messaging-client-token", BOT_CLIENT_TOKEN)
            .send_json(
                json!({"conversationId": conversation_id, "authorId": user_id, "payload": payload}),
            ) {
            Ok(resp) => resp.into_json().unwrap_or(Value::Null),
            Err(e) => panic!("bridge refused the user message {payload}: {e}"),
        }
    }
}

/// The messaging client id [`Server::start_with_bridge`] provisions.
pub const BOT_CLIENT_ID: &str = "e2e-bot-client";
/// The messaging client token [`Server::start_with_bridge`] provisions.
pub const BOT_CLIENT_TOKEN: &str = "e2e-bot-client-token-0123456789abcdef";

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The widget build the tests serve: `WEBCHAT_DIST`, else `dist/` of the workspace.
pub fn widget_dist() -> PathBuf {
    env_path("WEBCHAT_DIST", workspace_root().join("dist"))
}

/// A free loopback port (bound and released at once).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A reference to a DOM element inside the WebDriver session, with the JavaScript expression that
/// found it when there is one (so a click can find a replaced element again).
#[derive(Debug, Clone)]
pub struct Element(String, Option<String>);

impl Element {
    /// The element a script returned (`{"element-6066-…": id}`); fails the test for anything else.
    pub fn from_json(v: &Value) -> Element {
        Element(
            v[ELEMENT_KEY]
                .as_str()
                .unwrap_or_else(|| panic!("not an element: {v}"))
                .to_string(),
            None,
        )
    }
}

/// A headless Chromium session driven through chromedriver.
pub struct Browser {
    driver: Child,
    base: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium profile.
    pub fn start() -> Browser {
        let driver_bin = env_path("CHROMEDRIVER", PathBuf::from("/usr/bin/chromedriver"));
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_bin.display()));
        let root = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + WAIT;
        while ureq::get(&format!("{root}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("temporary browser profile");
        let args = json!([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--window-size=1280,900",
            format!("--user-data-dir={}", profile.path().display()),
        ]);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let resp = post(&format!("{root}/session"), &caps);
        let id = resp["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {resp}"))
            .to_string();
        Browser {
            driver,
            base: format!("{root}/session/{id}"),
            _profile: profile,
        }
    }

    /// Opens `url` and waits for the document to load.
    pub fn goto(&self, url: &str) {
        post(&format!("{}/url", self.base), &json!({ "url": url }));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its JSON result.
    pub fn exec(&self, script: &str, args: Value) -> Value {
        post(
            &format!("{}/execute/sync", self.base),
            &json!({"script": script, "args": args}),
        )
    }

    /// Like [`Browser::exec`], but a script error (e.g. during navigation) is returned, not fatal.
    pub fn try_exec(&self, script: &str, args: Value) -> Result<Value, String> {
        try_post(
            &format!("{}/execute/sync", self.base),
            &json!({"script": script, "args": args}),
        )
    }

    /// Runs an asynchronous `script` whose last argument is the callback that returns its result.
    pub fn exec_async(&self, script: &str, args: Value) -> Value {
        post(
            &format!("{}/execute/async", self.base),
            &json!({"script": script, "args": args}),
        )
    }

    /// Polls the JavaScript expression `condition` until it is truthy, failing after [`WAIT`].
    pub fn wait_for(&self, what: &str, condition: &str) -> Value {
        let script = format!("return ({condition});");
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.try_exec(&script, json!([])).unwrap_or(Value::Null);
            if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("")) {
                return v;
            }
            if Instant::now() >= deadline {
                // What the visitor saw: each transcript row and the composer, for the failure report.
                let seen = self
                    .try_exec(
                        &format!(
                            "const r = {}; if (!r) return 'no widget';\
                             const c = r.querySelector('[data-testid=\"composer\"]');\
                             return {{rows: [...r.querySelectorAll('[data-testid=\"message\"]')]\
                               .map(m => m.dataset.from + ': ' + m.textContent.trim().slice(0, 80)),\
                               composer: c ? {{value: c.value, disabled: c.disabled}} : null}};",
                            widget_root_js()
                        ),
                        json!([]),
                    )
                    .unwrap_or(Value::Null);
                panic!(
                    "timed out waiting for {what}: `{condition}`; widget: {seen}; console: {:?}",
                    self.console()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs the Chrome DevTools Protocol command `cmd` with `params` through chromedriver's
    /// `goog/cdp/execute` endpoint and returns its result (e.g. `Runtime.getHeapUsage`).
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        post(
            &format!("{}/goog/cdp/execute", self.base),
            &json!({"cmd": cmd, "params": params}),
        )
    }

    /// Lets [`Browser::exec_async`] scripts run up to `ms` milliseconds (WebDriver's default is
    /// 30 s; the long-conversation bench needs more).
    pub fn set_script_timeout(&self, ms: u64) {
        post(&format!("{}/timeouts", self.base), &json!({ "script": ms }));
    }

    /// Reloads the current page.
    pub fn reload(&self) {
        post(&format!("{}/refresh", self.base), &json!({}));
    }

    /// Finds the element with `data-testid=testid` inside the widget's shadow root.
    pub fn widget_el(&self, testid: &str) -> Element {
        self.el_in(widget_root_js(), testid)
    }

    /// Finds the element with `data-testid=testid` under the JS node expression `root`.
    pub fn el_in(&self, root: &str, testid: &str) -> Element {
        let js = format!("{root}.querySelector('[data-testid=\"{testid}\"]')");
        let v = self.wait_for(&format!("widget element {testid}"), &js);
        Element(Element::from_json(&v).0, Some(js))
    }

    /// Clicks an element as a user would. An element found by test id that was replaced since (the
    /// loader's placeholder launcher handing over to the widget's own) is found again and clicked:
    /// WebDriver refuses a stale element before any event reaches the page.
    pub fn click(&self, el: &Element) {
        let url = |id: &str| format!("{}/element/{id}/click", self.base);
        match (try_post(&url(&el.0), &json!({})), &el.1) {
            (Ok(_), _) => {}
            (Err(e), Some(js)) if e.contains("stale element") => {
                let again = Element::from_json(&self.wait_for("the element again", js));
                post(&url(&again.0), &json!({}));
            }
            (Err(e), _) => panic!("{e}"),
        }
    }

    /// Types `text` into an element (`\u{E007}` is the Enter key).
    pub fn type_into(&self, el: &Element, text: &str) {
        post(
            &format!("{}/element/{}/value", self.base, el.0),
            &json!({ "text": text }),
        );
    }

    /// Everything the page logged to the console since the last call.
    pub fn console(&self) -> Vec<Value> {
        let v = post(
            &format!("{}/se/log", self.base),
            &json!({"type": "browser"}),
        );
        v.as_array().cloned().unwrap_or_default()
    }

    /// Console errors (level SEVERE: `console.error` calls and uncaught exceptions).
    pub fn console_errors(&self) -> Vec<String> {
        self.console()
            .into_iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Fails the test when the page logged an error that contains none of the `allowed` fragments.
    /// Returns the allowed errors that were seen.
    pub fn assert_console_errors_only(&self, allowed: &[&str]) -> Vec<String> {
        let (ok, bad): (Vec<String>, Vec<String>) = self
            .console_errors()
            .into_iter()
            .partition(|e| allowed.iter().any(|a| e.contains(a)));
        assert!(bad.is_empty(), "unexpected console errors: {bad:#?}");
        ok
    }

    /// Saves a PNG screenshot of the viewport to `target/e2e-artifacts/{name}` and returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let v = ureq::get(&format!("{}/screenshot", self.base))
            .call()
            .unwrap_or_else(|e| panic!("screenshot: {e}"))
            .into_json::<Value>()
            .expect("screenshot JSON");
        let b64 = v["value"].as_str().expect("base64 screenshot");
        let png = base64_decode(b64);
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir).expect("artifacts dir");
        let path = dir.join(name);
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Opens the demo page of `server`, waits for the widget, opens the panel and returns once the
    /// composer is there.
    pub fn open_demo(&self, server: &Server) {
        self.goto(&format!("{}/", server.url));
        self.wait_for(
            "the v12 global",
            "window.botpressWebChat && typeof window.botpressWebChat.init === 'function'",
        );
        let launcher = self.widget_el("launcher");
        self.click(&launcher);
        self.widget_el("panel");
        self.widget_el("composer");
    }

    /// Registers the demo bot's `demo/Greeting` custom view (§1.9) through
    /// `window.botpressWebChat.registerView`, as a website would; it renders
    /// `<p class="demo-greeting">Hello {data.name} from a custom view!</p>`. Returns `false` when the
    /// widget has no `registerView`.
    pub fn register_demo_greeting(&self) -> bool {
        self.exec(
            "if (typeof window.botpressWebChat.registerView !== 'function') return false;\
             window.botpressWebChat.registerView('demo', 'Greeting', function (container, props) {\
               var p = document.createElement('p'); p.className = 'demo-greeting';\
               p.textContent = 'Hello ' + ((props.data && props.data.name) || 'there') + ' from a custom view!';\
               container.appendChild(p); });\
             return true;",
            json!([]),
        ) == json!(true)
    }

    /// Says `all` to the demo bot and waits until its last payload (the single-choice question) is in
    /// the transcript and every image and media element of the widget has loaded.
    pub fn show_all_types(&self) {
        self.say("all");
        let root = widget_root_js();
        self.wait_for(
            "the last payload of `all` (the single-choice question)",
            &format!(
                "[...{root}.querySelectorAll('[data-testid=\"message\"][data-from=\"bot\"]')]\
                 .some(m => m.textContent.includes('Do you like this demo?'))"
            ),
        );
        self.wait_for(
            "images and media to load",
            &format!(
                "[...{root}.querySelectorAll('img')].every(i => i.complete) && \
                 [...{root}.querySelectorAll('audio, video')].every(m => m.readyState >= 1)"
            ),
        );
    }

    /// Waits until the renderers of every type of `all` are in the widget (media, carousel, markdown,
    /// dropdown, location, quick replies above the composer), so a scan of the page covers them.
    pub fn wait_for_all_renderers(&self) {
        let root = widget_root_js();
        self.wait_for(
            "the renderer of every type of `all`",
            &format!(
                "['.bpw-image img', 'audio', 'video', '[data-testid=\"bpw-file-link\"]', '[data-testid=\"bpw-carousel\"]',\
                  '.bpw-markdown strong', '[data-testid=\"bpw-dropdown\"]', '.bpw-location-title', '[data-testid=\"bpw-keyboard\"]']\
                 .every(s => {root}.querySelector(s))"
            ),
        );
    }

    /// Types `text` into the composer and presses Enter.
    pub fn say(&self, text: &str) {
        let composer = self.widget_el("composer");
        self.type_into(&composer, &format!("{text}\u{E007}"));
    }

    /// Number of messages in the default widget's transcript (rendered or not, see
    /// [`transcript_total_js`]).
    pub fn message_count(&self) -> u64 {
        self.exec(&format!("return {};", transcript_total_js()), json!([]))
            .as_u64()
            .unwrap_or(0)
    }

    /// Installs an `onEvent` handler that records the conversation id of bot messages in
    /// `window.__convId`, says `hi`, and returns the id once the bot's answer arrived.
    pub fn conversation_id(&self) -> String {
        self.exec(
            "window.__convId = null; window.botpressWebChat.onEvent(function (e) {\
               var v = e && e.value; if (v && v.conversationId) window.__convId = String(v.conversationId);\
             }, ['MESSAGE.RECEIVED']);",
            json!([]),
        );
        self.say("hi");
        self.wait_for("a bot message with its conversation id", "window.__convId")
            .as_str()
            .expect("conversation id string")
            .to_string()
    }

    /// Fails the test when the page logged any error.
    pub fn assert_no_console_errors(&self) {
        let errors = self.console_errors();
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.base).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Where tests leave screenshots and reports: `target/e2e-artifacts/` of the workspace (or of
/// `CARGO_TARGET_DIR`).
pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
        .join("e2e-artifacts")
}

/// The workspace root (for files tests read or write in the repository, e.g. `docs/`).
pub fn repo_root() -> PathBuf {
    workspace_root()
}

/// Decodes standard base64 (the WebDriver screenshot encoding).
fn base64_decode(text: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// JavaScript for the shadow root of the default widget (`#bp-web-widget`).
pub fn widget_root_js() -> &'static str {
    "(document.getElementById('bp-web-widget') || {}).shadowRoot"
}

/// JS: how many messages the default widget's transcript holds (sent and pending), rendered or
/// not. The transcript is windowed (only the rows near the viewport are in the DOM), so counting
/// rows undercounts a long one; every rendered row carries the total as `aria-setsize`.
pub fn transcript_total_js() -> String {
    format!(
        "(() => {{ const r = {}; const row = r && r.querySelector('[data-testid=\"message\"][aria-setsize]'); \
         return row ? Number(row.getAttribute('aria-setsize')) : 0; }})()",
        widget_root_js()
    )
}

/// POSTs JSON to the driver and returns the `value` of its answer; a driver error fails the test.
fn post(url: &str, body: &Value) -> Value {
    try_post(url, body).unwrap_or_else(|e| panic!("{e}"))
}

/// POSTs JSON to the driver; `Err` carries the driver's error text.
fn try_post(url: &str, body: &Value) -> Result<Value, String> {
    match ureq::post(url).send_json(body.clone()) {
        Ok(resp) => {
            let v: Value = resp
                .into_json()
                .map_err(|e| format!("WebDriver {url}: {e}"))?;
            // Every answer wraps its result in `value` (the new-session answer too).
            Ok(v.get("value").cloned().unwrap_or(v))
        }
        Err(ureq::Error::Status(code, resp)) => {
            let text = resp.into_string().unwrap_or_default();
            Err(format!("WebDriver {url} answered {code}: {text}"))
        }
        Err(e) => Err(format!("WebDriver {url}: {e}")),
    }
}

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
//!
//! Paths come from the environment `cargo xtask test` sets: `WEBCHAT_SERVER_BIN` (the server
//! binary), `WEBCHAT_DIST` (the trunk release build) and `CHROMEDRIVER`.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

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

/// A running `webchat-server` process on a free loopback port.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    data_dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Server {
    /// Starts the server on a fresh temporary data directory.
    pub fn start() -> Server {
        let temp = tempfile::tempdir().expect("temporary data dir");
        let data_dir = temp.path().to_path_buf();
        let mut server = Server::start_on(&data_dir, &[]);
        server._temp = Some(temp);
        server
    }

    /// Starts the server on `data_dir` (kept by the caller) with extra CLI arguments.
    pub fn start_on(data_dir: &Path, extra: &[&str]) -> Server {
        let bin = env_path(
            "WEBCHAT_SERVER_BIN",
            workspace_root().join("target/debug/webchat-server"),
        );
        assert!(
            bin.exists(),
            "no server binary at {} (run `cargo xtask test`, or `cargo build -p webchat-server`)",
            bin.display()
        );
        let dist = env_path("WEBCHAT_DIST", workspace_root().join("dist"));
        assert!(
            dist.join("inject.js").exists(),
            "no widget build in {} (run `cargo xtask build`)",
            dist.display()
        );
        let mut child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", "0", "--data-dir"])
            .arg(data_dir)
            .arg("--static-dir")
            .arg(&dist)
            .args(extra)
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
        let url = rx
            .recv_timeout(WAIT)
            .expect("webchat-server printed no `listening on` line");
        Server {
            child,
            url,
            data_dir: data_dir.to_path_buf(),
            _temp: None,
        }
    }

    /// The data directory the server runs on.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A reference to a DOM element inside the WebDriver session.
#[derive(Debug, Clone)]
pub struct Element(String);

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
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: `{condition}`; console: {:?}",
                self.console()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Finds the element with `data-testid=testid` inside the widget's shadow root.
    pub fn widget_el(&self, testid: &str) -> Element {
        let js = format!(
            "{}.querySelector('[data-testid=\"{testid}\"]')",
            widget_root_js()
        );
        let v = self.wait_for(&format!("widget element {testid}"), &js);
        Element(
            v[ELEMENT_KEY]
                .as_str()
                .unwrap_or_else(|| panic!("not an element: {v}"))
                .to_string(),
        )
    }

    /// Clicks an element as a user would.
    pub fn click(&self, el: &Element) {
        post(&format!("{}/element/{}/click", self.base, el.0), &json!({}));
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

/// JavaScript for the shadow root of the default widget (`#bp-web-widget`).
pub fn widget_root_js() -> &'static str {
    "(document.getElementById('bp-web-widget') || {}).shadowRoot"
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

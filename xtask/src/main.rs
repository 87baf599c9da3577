//! `cargo xtask`: the project's commands, so that a new user needs only two of them.
//!
//! - `cargo xtask demo [--port N] [--data-dir DIR]`: install what is missing, build the widget in
//!   release, and serve the demo page with the reference server.
//! - `cargo xtask test`: install what is missing, then run every gate in CI order (fmt, clippy host
//!   and wasm32, native tests, browser tests, release build + size budget, end-to-end tests).
//! - `cargo xtask bench [--skip-load]`: build release, start the real server, drive headless
//!   Chromium and write one report (`target/bench/report.md`): startup, long-conversation and burst
//!   figures, the download table, the peers' sizes and the server load run.
//!
//! Every install step first checks what is there, so a second run on a prepared machine installs
//! nothing (see [`tools`]).

mod bench;
mod shrink;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// A failed step: what ran and why it failed, printed once by `main`.
type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("setup") => tools::ensure_all(tools::Needs::everything()).map(|_| ()),
        Some("build") => {
            tools::ensure_all(tools::Needs::build()).and_then(|env| build_widget(&env))
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("\nxtask: {why}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  demo [--port N] [--data-dir DIR]   build the widget and serve the demo on http://127.0.0.1:N/ (3000)
  test                               run every test gate (what CI runs)
  bench [--skip-load]                measure the release build: browser figures, sizes, peers, load
  setup                              only install the missing tools
  build                              only build the widget (dist/)";

/// The workspace root (the parent of this crate's manifest directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Runs `cmd` with the tool environment, echoing it first; a non-zero exit is an error.
pub fn run(env: &tools::Env, program: &str, args: &[&str]) -> Result {
    run_with(env, program, args, &[])
}

/// Like [`run`], with extra environment variables.
pub fn run_with(env: &tools::Env, program: &str, args: &[&str], vars: &[(&str, &str)]) -> Result {
    println!("\n==> {program} {}", args.join(" "));
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(root()).env("PATH", &env.path);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// How the release wasm is compiled: `std` is rebuilt with the widget (`-Zbuild-std`) and a panic
/// aborts at once (`-Cpanic=immediate-abort`), so no panic message, source location or the
/// formatting code behind them ships (10.3 KB gzip on 2026-12-01); `-Zlocation-detail=none` drops
/// the source file names and lines that `#[track_caller]` code still passes to those traps (1 KB
/// gzip). The options are unstable; `RUSTC_BOOTSTRAP=1` allows them on the pinned stable
/// toolchain for this one build, and the rustflags apply to the wasm target only (never to the
/// server or build scripts). Debug builds and the browser tests keep ordinary panics with messages.
const RELEASE_WASM_ENV: [(&str, &str); 3] = [
    ("RUSTC_BOOTSTRAP", "1"),
    ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
    (
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none",
    ),
];

/// [`RELEASE_WASM_ENV`] when this rustc has `-Cpanic=immediate-abort` (newer than the 1.88
/// `rust-version`), else nothing: an older toolchain still builds the widget, with panic messages
/// and 10 KB larger.
fn release_wasm_env(env: &tools::Env) -> &'static [(&'static str, &'static str)] {
    let probe = Command::new("rustc")
        .args([
            "-Zunstable-options",
            "-Cpanic=immediate-abort",
            "--print",
            "cfg",
        ])
        .args(["--target", "wasm32-unknown-unknown"])
        .env("PATH", &env.path)
        .env("RUSTC_BOOTSTRAP", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if probe.is_ok_and(|s| s.success()) {
        &RELEASE_WASM_ENV
    } else {
        println!("note: this rustc has no -Cpanic=immediate-abort; building std as shipped");
        &[]
    }
}

/// The release widget, its glue and the loader into `dist/`: `cargo build` first (online, so the
/// dependencies of the rebuilt `std` are fetched), then `trunk build --release --offline`, which
/// finds the wasm already built and runs wasm-bindgen and wasm-opt; then [`shrink::shrink_dist`]
/// shortens the wasm/glue boundary names and minifies the glue and the loader.
pub fn build_widget(env: &tools::Env) -> Result {
    let vars = release_wasm_env(env);
    run_with(
        env,
        "cargo",
        &[
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "webchat",
        ],
        vars,
    )?;
    run_with(env, "trunk", &["build", "--release", "--offline"], vars)?;
    shrink::shrink_dist(env, &root().join("dist"))
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn demo(args: &[String]) -> Result {
    let port = flag(args, "--port").unwrap_or("3000");
    port.parse::<u16>()
        .map_err(|_| format!("--port takes a port number, not `{port}`"))?;
    let data_dir = flag(args, "--data-dir").unwrap_or("data");
    let env = tools::ensure_all(tools::Needs::build())?;
    build_widget(&env)?;
    run(
        &env,
        "cargo",
        &["build", "--release", "-p", "webchat-server"],
    )?;
    println!("\nDemo: open http://127.0.0.1:{port}/ (Ctrl-C stops the server)\n");
    let server = root().join("target/release/webchat-server");
    let server = server.to_string_lossy();
    run(
        &env,
        &server,
        &[
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--data-dir",
            data_dir,
            "--static-dir",
            "dist",
        ],
    )
}

fn test(_args: &[String]) -> Result {
    let env = tools::ensure_all(tools::Needs::everything())?;
    run(&env, "cargo", &["fmt", "--all", "--", "--check"])?;
    run(
        &env,
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    run(
        &env,
        "cargo",
        &[
            "clippy",
            "-p",
            "webchat",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    run(
        &env,
        "cargo",
        &["test", "--workspace", "--exclude", "webchat-e2e"],
    )?;
    let chromedriver = env.chromedriver.to_string_lossy().into_owned();
    run_with(
        &env,
        "cargo",
        &[
            "test",
            "-p",
            "webchat",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "web_*",
        ],
        &[("CHROMEDRIVER", &chromedriver)],
    )?;
    build_widget(&env)?;
    bench::check_size_budget()?;
    run(&env, "cargo", &["build", "-p", "webchat-server"])?;
    let dist = root().join("dist").to_string_lossy().into_owned();
    let server = bench::target_dir()
        .join("debug/webchat-server")
        .to_string_lossy()
        .into_owned();
    run_with(
        &env,
        "cargo",
        &["test", "-p", "webchat-e2e", "--", "--test-threads=1"],
        &[
            ("CHROMEDRIVER", &chromedriver),
            ("WEBCHAT_DIST", &dist),
            ("WEBCHAT_SERVER_BIN", &server),
        ],
    )
}

//! Installs what the build and the tests need, only when it is missing.
//!
//! Each tool is probed first (`--version`, a file on disk), so a prepared machine installs nothing.
//! Versions are pinned where a mismatch breaks the build: trunk 0.21.14 (0.22 needs a newer rustc),
//! wasm-bindgen-cli equal to the `wasm-bindgen` in Cargo.lock, and wasm-opt from npm `binaryen@132`
//! (Debian's binaryen 108 emits wasm that fails at run time), and npm `esbuild` for minifying the
//! glue and the loader (`crate::shrink`). The `rust-src` component lets the
//! release widget rebuild `std` without panic messages. The browser tests also get npm
//! `axe-core@4` in `.tools/` for the accessibility scan.

use std::path::PathBuf;
use std::process::Command;

use crate::{root, Result};

/// What a command needs installed.
#[derive(Clone, Copy, Debug)]
pub struct Needs {
    browser: bool,
}

impl Needs {
    /// The release build only (`demo`, `bench` sizes).
    pub fn build() -> Self {
        Needs { browser: false }
    }
    /// Build and browser tests (`test`, `bench` timings).
    pub fn everything() -> Self {
        Needs { browser: true }
    }
}

/// The environment child commands run with.
#[derive(Clone, Debug)]
pub struct Env {
    /// `PATH` with the project-local tool folders first.
    pub path: String,
    /// The chromedriver binary (only meaningful when the browser was required).
    pub chromedriver: PathBuf,
    /// The Chromium binary.
    pub chromium: PathBuf,
}

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132";
/// The esbuild that minifies the shipped glue and loader; pinned, so the sizes are reproducible.
pub const ESBUILD_VERSION: &str = "0.28.2";
/// The axe-core major version the accessibility tests (`e2e/tests/a11y.rs`) inject.
const AXE_CORE_VERSION: &str = "4";

/// Checks and installs every tool `needs` names; returns the environment to run with.
pub fn ensure_all(needs: Needs) -> Result<Env> {
    // binaryen, esbuild and axe-core get a prefix each: `npm install --no-save` prunes what it did
    // not list.
    let local_bin = root().join(".tools/binaryen/node_modules/.bin");
    let esbuild_bin = root().join(".tools/esbuild/node_modules/.bin");
    let cargo_bin = home_cargo_bin();
    let path = format!(
        "{}:{}:{}:{}",
        local_bin.display(),
        esbuild_bin.display(),
        cargo_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let env = Env {
        path,
        chromedriver: PathBuf::from("/usr/bin/chromedriver"),
        chromium: PathBuf::from("/usr/bin/chromium"),
    };
    rustup_add(&env, "target", "wasm32-unknown-unknown")?;
    // the standard library's sources: the release widget rebuilds `std` (`crate::build_widget`)
    rustup_add(&env, "component", "rust-src")?;
    trunk(&env)?;
    wasm_bindgen_cli(&env)?;
    wasm_opt(&env)?;
    esbuild(&env)?;
    if needs.browser {
        browser(&env)?;
        axe_core(&env)?;
    }
    Ok(env)
}

fn home_cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// The first line a tool prints for `--version`, or `None` when it is not there.
fn version_of(env: &Env, program: &str) -> Option<String> {
    let out = Command::new(program)
        .arg("--version")
        .env("PATH", &env.path)
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    })
}

fn say_ok(what: &str, version: &str) {
    println!("ok: {what} ({version})");
}

/// Adds the rustup `kind` (`target` or `component`) `name` unless `rustup {kind} list --installed`
/// already lists it.
fn rustup_add(env: &Env, kind: &str, name: &str) -> Result {
    let out = Command::new("rustup")
        .args([kind, "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the {name} {kind}: {e}"))?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == name)
    {
        say_ok(&format!("rust {kind}"), name);
        return Ok(());
    }
    crate::run(env, "rustup", &[kind, "add", name])
}

fn trunk(env: &Env) -> Result {
    match version_of(env, "trunk") {
        Some(v) if v.ends_with(TRUNK_VERSION) => {
            say_ok("trunk", &v);
            Ok(())
        }
        _ => crate::run(
            env,
            "cargo",
            &["install", "trunk", "--version", TRUNK_VERSION, "--locked"],
        ),
    }
}

/// The `wasm-bindgen` version Cargo.lock resolved (wasm-bindgen-cli must match it exactly).
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    locked_version(&lock, "wasm-bindgen")
        .ok_or_else(|| "Cargo.lock has no wasm-bindgen package".to_string())
}

/// Finds `version = "…"` right after `name = "<name>"` in a Cargo.lock text.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let v = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(v.trim_end_matches('"').to_string());
        }
    }
    None
}

fn wasm_bindgen_cli(env: &Env) -> Result {
    let want = locked_wasm_bindgen()?;
    match version_of(env, "wasm-bindgen") {
        Some(v) if v.ends_with(&want) => {
            say_ok("wasm-bindgen-cli", &v);
            Ok(())
        }
        // Without --locked: the CLI's own lockfile names a crate version this registry lacks.
        _ => crate::run(
            env,
            "cargo",
            &["install", "wasm-bindgen-cli", "--version", &want, "--force"],
        ),
    }
}

fn wasm_opt(env: &Env) -> Result {
    match version_of(env, "wasm-opt") {
        Some(v) if v.contains(&format!("version {BINARYEN_VERSION}")) => {
            say_ok("wasm-opt", &v);
            Ok(())
        }
        _ => npm_install(env, "binaryen", &format!("binaryen@{BINARYEN_VERSION}")),
    }
}

fn esbuild(env: &Env) -> Result {
    match version_of(env, "esbuild") {
        Some(v) if v == ESBUILD_VERSION => {
            say_ok("esbuild", &v);
            Ok(())
        }
        _ => npm_install(env, "esbuild", &format!("esbuild@{ESBUILD_VERSION}")),
    }
}

/// `npm install --no-save --prefix .tools/{prefix} {package}`.
fn npm_install(env: &Env, prefix: &str, package: &str) -> Result {
    let prefix = root().join(".tools").join(prefix);
    std::fs::create_dir_all(&prefix)
        .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let prefix = prefix.to_string_lossy().into_owned();
    crate::run(
        env,
        "npm",
        &["install", "--no-save", "--prefix", &prefix, package],
    )
}

/// Where the accessibility tests read axe-core from (npm `axe-core`, installed into `.tools/`).
pub fn axe_core_path() -> PathBuf {
    root().join(".tools/node_modules/axe-core/axe.min.js")
}

fn axe_core(env: &Env) -> Result {
    if axe_core_path().exists() {
        say_ok("axe-core", &axe_core_path().display().to_string());
        return Ok(());
    }
    npm_install(env, "", &format!("axe-core@{AXE_CORE_VERSION}"))
}

fn browser(env: &Env) -> Result {
    if env.chromium.exists() && env.chromedriver.exists() {
        say_ok(
            "chromium + chromedriver",
            &version_of(env, "chromedriver").unwrap_or_default(),
        );
        return Ok(());
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !is_root {
        return Err(
            "Chromium and chromedriver are missing; install them with:\n  \
             sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
                .into(),
        );
    }
    crate::run(env, "apt-get", &["update"])?;
    crate::run_with(
        env,
        "apt-get",
        &[
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ],
        &[("DEBIAN_FRONTEND", "noninteractive")],
    )
}

#[cfg(test)]
mod tests {
    use super::locked_version;

    #[test]
    fn finds_the_locked_version_of_a_package() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.1\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "trunk"), None);
    }
}

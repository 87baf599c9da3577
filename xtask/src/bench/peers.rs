//! The peers' download sizes, from their npm tarballs, measured like ours (raw, gzip -9, brotli 11).
//!
//! - `deep-chat@2.4.2`: `npm pack`, then `package/dist/deepChat.bundle.js` (one self-contained file).
//! - `@botpress/webchat@4.5.2`: a scratch npm project with the package, the React version its
//!   `peerDependencies` name (the newest major it allows); an entry renders its `Webchat` and `Fab`
//!   components (the README's basic use) and the pinned esbuild of `tools` (the one that minifies our
//!   glue) bundles it with React and react-dom,
//!   minified for production (`process.env.NODE_ENV = "production"`): what a site would ship. The
//!   CSS the package imports is bundled too and counted.
//!
//! Everything is cached under `target/bench/peers/` and reused on the next run. A step that fails
//! (no npm, offline) makes its row say why instead of failing the bench.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{brotli11, gzip9, Sizes};
use crate::{tools, Result};

const DEEP_CHAT: &str = "deep-chat@2.4.2";
const BOTPRESS: &str = "@botpress/webchat@4.5.2";

/// The entry a site would write: the README's basic implementation, without JSX.
const BOTPRESS_ENTRY: &str = "import { createElement as h, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { Fab, Webchat } from '@botpress/webchat'

function App() {
  const [open, setOpen] = useState(false)
  return h('div', null,
    h(Webchat, { clientId: 'YOUR_CLIENT_ID', style: { display: open ? 'flex' : 'none' } }),
    h(Fab, { onClick: () => setOpen(!open) }))
}

const el = document.createElement('div')
document.body.appendChild(el)
createRoot(el).render(h(App))
";

/// One peer's measured files.
struct Peer {
    name: String,
    /// What was measured (files, versions).
    what: String,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// The peer table (Markdown), with our total download as a ratio of each peer.
pub fn table(env: &tools::Env, dir: &Path, ours: &[Sizes]) -> String {
    let total = |f: fn(&Sizes) -> usize| ours.iter().filter(|r| r.separate).map(f).sum::<usize>();
    let (our_raw, our_gzip, our_brotli) =
        (total(|r| r.raw), total(|r| r.gzip), total(|r| r.brotli));
    let mut s = String::from(
        "| peer | measured | raw bytes | gzip -9 | brotli | ours ÷ peer (raw / gzip / brotli) |\n\
         |---|---|---:|---:|---:|---|\n",
    );
    s += &format!(
        "| **ours** | loader + glue + wasm | {our_raw} | {our_gzip} ({:.1} KiB) | {our_brotli} ({:.1} KiB) | 1 |\n",
        our_gzip as f64 / 1024.0,
        our_brotli as f64 / 1024.0
    );
    for (name, outcome) in [
        (DEEP_CHAT, deep_chat(env, dir)),
        (BOTPRESS, botpress(env, dir)),
    ] {
        match outcome {
            Ok(p) => {
                let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
                s += &format!(
                    "| {} | {} | {} | {} ({:.1} KiB) | {} ({:.1} KiB) | {:.2} / {:.2} / {:.2} |\n",
                    p.name,
                    p.what,
                    p.raw,
                    p.gzip,
                    p.gzip as f64 / 1024.0,
                    p.brotli,
                    p.brotli as f64 / 1024.0,
                    ratio(our_raw, p.raw),
                    ratio(our_gzip, p.gzip),
                    ratio(our_brotli, p.brotli),
                );
            }
            Err(why) => {
                println!("peer {name} not measured: {why}");
                s += &format!("| {name} | **not measured**: {why} | | | | |\n");
            }
        }
    }
    s
}

/// Sums raw / gzip / brotli over `files`.
fn measure(name: &str, what: String, files: &[PathBuf]) -> Result<Peer> {
    let mut p = Peer {
        name: name.to_string(),
        what,
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    for f in files {
        let data = std::fs::read(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        p.raw += data.len();
        p.gzip += gzip9(&data);
        p.brotli += brotli11(&data);
    }
    Ok(p)
}

/// Runs `program args` in `dir` with the tool environment; a failure is an error with its stderr.
fn run_in(env: &tools::Env, dir: &Path, program: &str, args: &[&str]) -> Result<String> {
    println!("\n==> ({}) {program} {}", dir.display(), args.join(" "));
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", &env.path)
        .output()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.contains("Unknown user config"))
            .unwrap_or("")
            .trim()
            .to_string();
        return Err(format!("`{program} {}` failed: {last}", args.join(" ")));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn mkdir(dir: &Path) -> Result {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn deep_chat(env: &tools::Env, dir: &Path) -> Result<Peer> {
    let home = dir.join("deep-chat-2.4.2");
    let bundle = home.join("package/dist/deepChat.bundle.js");
    if !bundle.exists() {
        mkdir(&home)?;
        let out = run_in(env, &home, "npm", &["pack", DEEP_CHAT, "--silent"])?;
        let tgz = out
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.ends_with(".tgz"))
            .ok_or("npm pack named no tarball")?
            .to_string();
        run_in(env, &home, "tar", &["xzf", &tgz])?;
    }
    measure(
        DEEP_CHAT,
        "`package/dist/deepChat.bundle.js`".into(),
        &[bundle],
    )
}

/// The newest alternative of an npm range like `^18.0.0 || ^19.0.0` (`^19.0.0`).
fn newest_alternative(range: &str) -> String {
    range
        .split("||")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .max_by_key(|r| {
            r.trim_start_matches(|c: char| !c.is_ascii_digit())
                .split('.')
                .next()
                .and_then(|m| m.parse::<u64>().ok())
                .unwrap_or(0)
        })
        .unwrap_or("latest")
        .to_string()
}

/// The string value of `"key": "value"` in a JSON text (first occurrence), without a JSON parser.
fn json_string(text: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\"");
    let at = text.find(&pat)? + pat.len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

fn installed_version(home: &Path, package: &str) -> String {
    std::fs::read_to_string(home.join("node_modules").join(package).join("package.json"))
        .ok()
        .and_then(|t| json_string(&t, "version"))
        .unwrap_or_else(|| "?".into())
}

fn botpress(env: &tools::Env, dir: &Path) -> Result<Peer> {
    let home = dir.join("botpress-webchat-4.5.2");
    let js = home.join("out/webchat.js");
    let css = home.join("out/webchat.css");
    if !js.exists() {
        mkdir(&home)?;
        std::fs::write(
            home.join("package.json"),
            "{\"name\": \"peer-scratch\", \"private\": true, \"version\": \"0.0.0\"}\n",
        )
        .map_err(|e| format!("cannot write the scratch package.json: {e}"))?;
        let peers = run_in(
            env,
            &home,
            "npm",
            &["view", BOTPRESS, "peerDependencies", "--json"],
        )?;
        let react = newest_alternative(&json_string(&peers, "react").unwrap_or_default());
        let react_dom = newest_alternative(&json_string(&peers, "react-dom").unwrap_or_default());
        run_in(
            env,
            &home,
            "npm",
            &[
                "install",
                "--no-audit",
                "--no-fund",
                BOTPRESS,
                &format!("react@{react}"),
                &format!("react-dom@{react_dom}"),
            ],
        )?;
        std::fs::write(home.join("entry.js"), BOTPRESS_ENTRY)
            .map_err(|e| format!("cannot write the entry: {e}"))?;
        // the pinned esbuild that also minifies our glue (`tools`, on `env.path`)
        run_in(
            env,
            &home,
            "esbuild",
            &[
                "entry.js",
                "--bundle",
                "--minify",
                "--format=esm",
                "--define:process.env.NODE_ENV=\"production\"",
                "--outfile=out/webchat.js",
                "--log-level=warning",
            ],
        )?;
    }
    let mut files = vec![js];
    if css.exists() {
        files.push(css);
    }
    let what = format!(
        "esbuild bundle (+ its CSS) of webchat {}, react {}, react-dom {}, esbuild {}",
        installed_version(&home, "@botpress/webchat"),
        installed_version(&home, "react"),
        installed_version(&home, "react-dom"),
        tools::ESBUILD_VERSION,
    );
    measure(BOTPRESS, what, &files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_newest_major_of_a_peer_range() {
        assert_eq!(newest_alternative("^18.0.0 || ^19.0.0"), "^19.0.0");
        assert_eq!(newest_alternative(">=17"), ">=17");
        assert_eq!(newest_alternative(""), "latest");
    }

    #[test]
    fn reads_a_string_field_of_json_text() {
        let t = "{\n  \"react\": \"^18.0.0 || ^19.0.0\",\n  \"version\":\"4.5.2\"}";
        assert_eq!(
            json_string(t, "react").as_deref(),
            Some("^18.0.0 || ^19.0.0")
        );
        assert_eq!(json_string(t, "version").as_deref(), Some("4.5.2"));
        assert_eq!(json_string(t, "missing"), None);
    }
}

//! The shadow root: a host `<div id="{chatId}-container">` (or `bp-web-widget`) appended to `body` or the
//! target selector, an OPEN shadow root (so page CSS cannot leak in and e2e tools can still pierce it),
//! the widget CSS as a constructable stylesheet in `adoptedStyleSheets` (a `<style>` text node only where
//! that API is missing), and the [`Ui`] mounted inside. Dropping [`Mounted`] unmounts and removes the
//! host element.
//!
//! Hand-off from the loader: `public/inject.js` draws a placeholder launcher before the wasm exists, in
//! the same host element (marked [`PLACEHOLDER_ATTR`]) with its own open shadow root. [`mount`] keeps
//! that host and shadow root (a second `attachShadow` would throw), empties it and mounts the real
//! widget in the same task, so the page never paints a frame without a launcher and nothing moves;
//! keyboard focus on the placeholder moves to the real launcher. [`remove_placeholders`] drops the ones
//! no `init` claimed.

use std::rc::Rc;

use web_sys::{CssStyleSheet, Document, Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::dom::{self, E};
use crate::model::Config;
use crate::text::concat;
use crate::transport::Session;
use crate::ui::Ui;

/// The widget's base CSS: the chrome (`style/webchat.css`), the dark theme (`style/dark.css`, one set
/// of values used by both the `prefers-color-scheme` query and the `bpw-theme-dark` class hook), then
/// the message renderers (`style/views.css`), composed and minified by `build.rs`.
pub const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.css"));

/// A mounted widget. Dropping it unmounts the view and removes the host element.
pub struct Mounted {
    ui: Option<Ui>,
    host: Element,
    styles: Styles,
}

/// Where the widget CSS lives: the adopted sheet, or the fallback `<style>` element.
enum Styles {
    Sheet(CssStyleSheet),
    Element(Element),
}

impl Mounted {
    /// Re-apply the stylesheet after `configure`/`mergeConfig` (widths, `stylesheet`, `extraStylesheet`).
    pub fn restyle(&self, cfg: &Config) {
        let css = stylesheet_text(cfg);
        match &self.styles {
            Styles::Sheet(sheet) => {
                let _ = sheet.replace_sync(&css);
            }
            Styles::Element(el) => el.set_text_content(Some(&css)),
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        // unmount first (runs the views' cleanups), then take the host out of the page
        self.ui.take();
        self.host.remove();
    }
}

/// Keep only characters a CSS length can contain, so a config value cannot inject rules.
pub fn sanitize_css_length(s: &str) -> String {
    // a plain loop: a filter/collect chain compiles to its own iterator adapter
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(c, '.' | '%' | '(' | ')' | ' ' | '+' | '-' | '*' | '/')
        {
            out.push(c);
        }
    }
    out
}

/// `stylesheet` when it is an `http(s)` URL or a path (not CSS text, not `javascript:` or `data:`).
pub fn stylesheet_url(cfg: &Config) -> Option<String> {
    let s = cfg.stylesheet.as_deref()?.trim();
    let lower = s.to_ascii_lowercase();
    let ok = !s.is_empty()
        && !s.contains('{')
        && (lower.starts_with("https://")
            || lower.starts_with("http://")
            || (s.starts_with('/') && !s.starts_with("//"))
            || (!lower.contains(':') && !s.starts_with("//")));
    ok.then(|| s.to_string())
}

/// The stylesheet text for a config: base CSS (or `stylesheet` when it is CSS text), the widths as custom
/// properties, then `extraStylesheet`.
pub fn stylesheet_text(cfg: &Config) -> String {
    let base = match cfg.stylesheet.as_deref() {
        // a URL cannot be fetched into a constructable sheet synchronously; CSS text replaces the default
        Some(s) if s.contains('{') => s,
        _ => CSS,
    };
    concat(&[
        base,
        "\n:host{--bpw-container-width:",
        &sanitize_css_length(&cfg.container_width.to_css()),
        ";--bpw-layout-width:",
        &sanitize_css_length(&cfg.layout_width.to_css()),
        ";}\n",
        &cfg.extra_stylesheet,
    ])
}

fn apply_styles(shadow: &ShadowRoot, css: &str) -> Styles {
    if let Ok(sheet) = CssStyleSheet::new() {
        if sheet.replace_sync(css).is_ok() {
            shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
            return Styles::Sheet(sheet);
        }
    }
    // fallback for browsers without constructable stylesheets
    let style = dom::create("style");
    style.set_text_content(Some(css));
    dom::append(shadow, &style);
    Styles::Element(style)
}

/// Mount the widget for `session` into `selector` (default `body`). The errors are those a page
/// can cause (a bad or unmatched selector, no `body` yet, a host that cannot go into the target):
/// creating elements of literal tag names and filling our own shadow root cannot fail.
pub fn mount(
    cfg: &Config,
    selector: Option<&str>,
    session: Rc<Session>,
) -> Result<Mounted, String> {
    let doc = dom::document();
    let target: Element = match selector {
        Some(sel) => dom::query(&doc, sel)
            .map_err(|_| concat(&["invalid targetSelector `", sel, "`"]))?
            .ok_or_else(|| concat(&["targetSelector `", sel, "` matches no element"]))?,
        None => doc.body().ok_or("the page has no body")?.into(),
    };
    let id = cfg.container_id();
    let (host, shadow, had_focus) = match claim_placeholder(&doc, &id) {
        Some(claimed) => claimed,
        None => {
            if let Some(stale) = doc.get_element_by_id(&id) {
                stale.remove();
            }
            let host = dom::create("div");
            dom::set(&host, "id", &id);
            let shadow = host
                .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
                .map_err(|_| "cannot attach a shadow root")?;
            (host, shadow, false)
        }
    };
    // a new host goes into the target; a placeholder moves when the loader drew it into another
    // target (its selector was resolved earlier)
    if !target.contains(Some(&host)) {
        dom::try_append(&target, &host).map_err(|_| "cannot append the widget host")?;
    }
    host.set_class_name("bp-webchat-host");
    let mounted = mount_into(cfg, &host, &shadow, session);
    if had_focus {
        focus_launcher(&shadow);
    }
    Ok(mounted)
}

/// The attribute `public/inject.js` sets on the host element of a placeholder launcher.
pub const PLACEHOLDER_ATTR: &str = "data-bpw-loader";

/// The selector of the hosts marked [`PLACEHOLDER_ATTR`].
const PLACEHOLDER_SELECTOR: &str = "[data-bpw-loader]";

/// The loader's placeholder host `#id`, unmarked and emptied, with its shadow root and whether the
/// placeholder had keyboard focus. `None` when `#id` is not a placeholder (or has no open shadow root).
fn claim_placeholder(doc: &Document, id: &str) -> Option<(Element, ShadowRoot, bool)> {
    let host = doc.get_element_by_id(id)?;
    if !host.has_attribute(PLACEHOLDER_ATTR) {
        return None;
    }
    let shadow = host.shadow_root()?;
    dom::flag(&host, PLACEHOLDER_ATTR, false);
    let had_focus = shadow.active_element().is_some();
    // setting a node's text removes all its children
    shadow.set_text_content(None);
    Some((host, shadow, had_focus))
}

/// Focus the real launcher (the placeholder had focus when it was replaced).
fn focus_launcher(shadow: &ShadowRoot) {
    if let Some(el) = dom::find(shadow, ".bpw-launcher") {
        dom::focus(&el);
    }
}

/// Remove every placeholder launcher no `init` claimed (an `init` that threw, or none for its
/// chatId): runs after the queue replay, so a click can never reach a placeholder without a widget.
pub fn remove_placeholders() {
    let doc = dom::document();
    while let Some(el) = dom::find(&doc, PLACEHOLDER_SELECTOR) {
        el.remove();
    }
}

/// Styles, the optional `stylesheet` link and the UI, into an empty `shadow` of `host`.
fn mount_into(cfg: &Config, host: &Element, shadow: &ShadowRoot, session: Rc<Session>) -> Mounted {
    let styles = apply_styles(shadow, &stylesheet_text(cfg));
    if let Some(url) = stylesheet_url(cfg) {
        // a `stylesheet` URL loads inside the shadow root, on top of the base CSS
        let link = E::new("link").attr("rel", "stylesheet").attr("href", &url);
        dom::append(shadow, &link.0);
    }
    let root = E::new("div").class("bpw-mount").0;
    dom::append(shadow, &root);
    let ui = Ui::mount(session, &root);
    Mounted {
        ui: Some(ui),
        host: host.clone(),
        styles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{t, Key, LANGS};

    const LOADER: &str = include_str!("../public/inject.js");

    fn squash(s: &str) -> String {
        s.split_whitespace().collect()
    }

    /// The declarations of the first rule of `css` whose selector is `selector`, without whitespace.
    fn rule(css: &str, selector: &str) -> Vec<String> {
        let start = css
            .find(&format!("}}{selector}{{"))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("style/webchat.css has no `{selector}` rule"));
        let body = &css[start..];
        let body = &body[body.find('{').expect("open") + 1..body.find('}').expect("close")];
        body.split(';')
            .map(squash)
            .filter(|d| !d.is_empty() && !d.starts_with("/*"))
            .collect()
    }

    /// The loader draws its placeholder launcher with a copy of the launcher CSS: a change to
    /// `style/webchat.css` that the copy misses would make the launcher jump at hand-off.
    #[test]
    fn the_loader_placeholder_copies_the_launcher_css() {
        let css = super::CSS; // webchat.css with style/dark.css placed twice
        let loader = squash(LOADER);
        let mut decls = rule(css, ".bpw-launcher");
        decls.extend(rule(css, ".bpw-icon"));
        decls.extend(
            rule(css, ".bpw .bpw-launcher:focus-visible")
                .into_iter()
                .filter(|d| !d.starts_with("outline-color:")),
        );
        decls.extend(rule(css, ".bpw :focus-visible").into_iter().skip(1));
        decls.push("outline:3pxsolidvar(--bpw-accent)".into());
        assert!(decls.len() > 15, "{decls:?}");
        for d in decls {
            assert!(loader.contains(&d), "public/inject.js lacks `{d}`");
        }
        // the colours the launcher uses, light and both dark variants
        let mut flat = squash(css);
        while let (Some(a), Some(b)) = (flat.find("/*"), flat.find("*/")) {
            flat.replace_range(a..b + 2, ""); // comments (the header quotes an example)
        }
        for var in [
            "--bpw-accent",
            "--bpw-accent-text",
            "--bpw-bg",
            "--bpw-shadow",
        ] {
            let key = format!("{var}:");
            let values: Vec<&str> = flat
                .match_indices(&key)
                .map(|(i, _)| {
                    let v = &flat[i + key.len()..];
                    &v[..v.find([';', '}']).expect("end of value")]
                })
                .collect();
            assert_eq!(values.len(), 3, "{var}: light, dark media, dark class");
            for v in values {
                assert!(
                    loader.contains(&format!("{key}{v}")),
                    "public/inject.js lacks `{key}{v}`"
                );
            }
        }
        assert!(LOADER.contains(&format!("'{PLACEHOLDER_ATTR}'")));
        assert_eq!(PLACEHOLDER_SELECTOR, format!("[{PLACEHOLDER_ATTR}]"));
    }

    /// The placeholder's accessible name is the widget's own `OpenChat` string in every language,
    /// written with `\u` escapes (the page's charset may not be UTF-8).
    #[test]
    fn the_loader_placeholder_names_the_launcher_like_the_widget() {
        for lang in LANGS {
            let escaped: String = t(*lang, Key::OpenChat)
                .chars()
                .map(|c| {
                    if c.is_ascii() {
                        c.to_string()
                    } else {
                        format!("\\u{:04x}", c as u32)
                    }
                })
                .collect();
            let entry = format!("{}: '{escaped}'", lang.code());
            assert!(LOADER.contains(&entry), "public/inject.js lacks {entry}");
        }
    }

    #[test]
    fn widths_cannot_inject_rules() {
        assert_eq!(
            sanitize_css_length("100%;} * {color:red"),
            "100% * colorred"
        );
        let cfg = Config {
            container_width: crate::model::config::CssLength::Px(400.0),
            extra_stylesheet: ".x{}".into(),
            ..Config::default()
        };
        let css = stylesheet_text(&cfg);
        assert!(css.contains("\n:host{--bpw-container-width:400px;--bpw-layout-width:"));
        assert!(css.ends_with(";}\n.x{}"));
        assert!(css.starts_with(CSS));
    }

    #[test]
    fn stylesheet_urls_are_allowlisted() {
        let with = |s: &str| Config {
            stylesheet: Some(s.into()),
            ..Config::default()
        };
        assert_eq!(
            stylesheet_url(&with("https://cdn.example/x.css")).as_deref(),
            Some("https://cdn.example/x.css")
        );
        assert_eq!(
            stylesheet_url(&with("/assets/x.css")).as_deref(),
            Some("/assets/x.css")
        );
        assert_eq!(stylesheet_url(&with("javascript:alert(1)")), None);
        assert_eq!(stylesheet_url(&with("data:text/css,a{}")), None);
        assert_eq!(stylesheet_url(&with("//evil.example/x.css")), None);
        assert_eq!(stylesheet_url(&with(".a{color:red}")), None);
        assert!(stylesheet_text(&with(".a{color:red}")).starts_with(".a{color:red}"));
    }
}

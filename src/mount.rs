//! The shadow root: a host `<div id="{chatId}-container">` (or `bp-web-widget`) appended to `body` or the
//! target selector, an OPEN shadow root (so page CSS cannot leak in and e2e tools can still pierce it),
//! the widget CSS as a constructable stylesheet in `adoptedStyleSheets` (a `<style>` text node only where
//! that API is missing), and the Leptos app mounted inside. Dropping [`Mounted`] unmounts and removes the
//! host element.

use std::any::Any;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::model::Config;
use crate::transport::Session;
use crate::ui::Root;

/// The widget's base CSS: the chrome (`style/webchat.css`), the dark theme (`style/dark.css`, one set
/// of values used by both the `prefers-color-scheme` query and the `bpw-theme-dark` class hook), then
/// the message renderers (`style/views.css`). `:where()` keeps the theme blocks at zero specificity.
pub const CSS: &str = concat!(
    include_str!("../style/webchat.css"),
    "\n@media (prefers-color-scheme: dark) {\n:where(.bpw:not(.bpw-theme-light)) {\n",
    include_str!("../style/dark.css"),
    "}\n}\n:where(.bpw.bpw-theme-dark) {\n",
    include_str!("../style/dark.css"),
    "}\n",
    include_str!("../style/views.css")
);

/// A mounted widget. Dropping it unmounts the view and removes the host element.
pub struct Mounted {
    handle: Option<Box<dyn Any>>,
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
        // unmount first (runs the view's cleanups), then take the host out of the page
        self.handle.take();
        self.host.remove();
    }
}

/// Keep only characters a CSS length can contain, so a config value cannot inject rules.
pub fn sanitize_css_length(s: &str) -> String {
    s.chars()
        .filter(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '.' | '%' | '(' | ')' | ' ' | '+' | '-' | '*' | '/')
        })
        .collect()
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
    format!(
        "{base}\n:host{{--bpw-container-width:{};--bpw-layout-width:{};}}\n{}",
        sanitize_css_length(&cfg.container_width.to_css()),
        sanitize_css_length(&cfg.layout_width.to_css()),
        cfg.extra_stylesheet
    )
}

fn apply_styles(shadow: &ShadowRoot, css: &str) -> Result<Styles, String> {
    if let Ok(sheet) = CssStyleSheet::new() {
        if sheet.replace_sync(css).is_ok() {
            shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
            return Ok(Styles::Sheet(sheet));
        }
    }
    // fallback for browsers without constructable stylesheets
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let style = doc
        .create_element("style")
        .map_err(|_| "cannot create style")?;
    style.set_text_content(Some(css));
    shadow
        .append_child(&style)
        .map_err(|_| "cannot append style")?;
    Ok(Styles::Element(style))
}

/// Mount the widget for `session` into `selector` (default `body`).
pub fn mount(
    cfg: &Config,
    selector: Option<&str>,
    session: Rc<Session>,
) -> Result<Mounted, String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let target: Element = match selector {
        Some(sel) => doc
            .query_selector(sel)
            .map_err(|_| format!("invalid targetSelector `{sel}`"))?
            .ok_or_else(|| format!("targetSelector `{sel}` matches no element"))?,
        None => doc.body().ok_or("the page has no body")?.into(),
    };
    let id = cfg.container_id();
    if let Some(stale) = doc.get_element_by_id(&id) {
        stale.remove();
    }
    let host = doc
        .create_element("div")
        .map_err(|_| "cannot create host")?;
    host.set_id(&id);
    host.set_class_name("bp-webchat-host");
    target
        .append_child(&host)
        .map_err(|_| "cannot append the widget host")?;
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .map_err(|_| "cannot attach a shadow root")?;
    let styles = apply_styles(&shadow, &stylesheet_text(cfg))?;
    if let Some(url) = stylesheet_url(cfg) {
        // a `stylesheet` URL loads inside the shadow root, on top of the base CSS
        let link = doc
            .create_element("link")
            .map_err(|_| "cannot create link")?;
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", &url);
        shadow
            .append_child(&link)
            .map_err(|_| "cannot append the stylesheet link")?;
    }
    let root: HtmlElement = doc
        .create_element("div")
        .map_err(|_| "cannot create root")?
        .unchecked_into();
    root.set_class_name("bpw-mount");
    shadow
        .append_child(&root)
        .map_err(|_| "cannot append the widget root")?;
    let handle = mount_to(root, move || view! { <Root session=session /> });
    Ok(Mounted {
        handle: Some(Box::new(handle)),
        host,
        styles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(css.contains("--bpw-container-width:400px"));
        assert!(css.ends_with(".x{}"));
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

//! URL allowlist for everything message content can turn into a link or a media source.
//!
//! v12 lets a carousel `open_url` button carry a `javascript:` URL (botpress-protocols.md §1.8); we do
//! not. A URL is accepted only when it is `http:`, `https:`, `mailto:` or `tel:`, or when it is relative,
//! in which case it is resolved on the bot host (v12 keeps `/api/v1/bots/.../media/...` relative, §1.8).
//!
//! The checks run on the string the browser will see: the value is set with `setAttribute`, so HTML
//! entities are *not* decoded (markdown entities are decoded by the parser before we get here).
//! Anything ambiguous is rejected rather than repaired: control characters anywhere (browsers strip tab
//! and newline inside URLs, so `java\tscript:` would otherwise become `javascript:`), invisible format
//! characters, and a scheme-like prefix that is not a valid scheme (`%6Aavascript:`, `java&script:`).

/// Schemes a link or media source may use (compared case-insensitively).
pub static ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Why [`check_url`] refused a URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// The URL is empty (or only whitespace).
    #[error("empty URL")]
    Empty,
    /// The URL contains a control or invisible formatting character.
    #[error("URL contains a control or invisible character")]
    HiddenCharacter,
    /// The URL names a scheme that is not on the allowlist.
    #[error("URL scheme `{0}` is not allowed")]
    Scheme(String),
    /// The text before the first `:` looks like a scheme but is not a valid one.
    #[error("URL has a malformed scheme")]
    MalformedScheme,
}

/// Returns the URL to put in an `href`/`src`, or `None` when it must be rendered as text.
///
/// `bot_host` is the origin (optionally with a path prefix) relative URLs are resolved on, e.g.
/// `https://bot.example.com`. When it is empty or not itself an `http(s)` URL, relative URLs are
/// returned unchanged (a relative URL can never change the page's scheme).
pub fn safe_url(raw: &str, bot_host: &str) -> Option<String> {
    let trimmed = raw.trim_matches(' ');
    if trimmed.is_empty() || trimmed.chars().any(is_hidden) {
        return None;
    }
    // Browsers turn a space into %20; doing it here keeps the result a single token.
    let url = trimmed.replace(' ', "%20");
    match scheme_of(&url) {
        None => Some(resolve_relative(&url, bot_host)),
        Some(Ok(scheme)) if is_allowed(scheme) => Some(url),
        Some(_) => None,
    }
}

/// Like [`safe_url`] but says why a URL was refused.
pub fn check_url(raw: &str, bot_host: &str) -> Result<String, UrlError> {
    if let Some(url) = safe_url(raw, bot_host) {
        return Ok(url);
    }
    // refused: find out why (the widget only needs the verdict, so this half is for callers that report)
    let trimmed = raw.trim_matches(' ');
    Err(if trimmed.is_empty() {
        UrlError::Empty
    } else if trimmed.chars().any(is_hidden) {
        UrlError::HiddenCharacter
    } else {
        match scheme_of(trimmed) {
            Some(Ok(scheme)) => UrlError::Scheme(scheme.to_ascii_lowercase()),
            _ => UrlError::MalformedScheme,
        }
    })
}

/// Whether `scheme` is on [`ALLOWED_SCHEMES`].
fn is_allowed(scheme: &str) -> bool {
    ALLOWED_SCHEMES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(scheme))
}

/// Control characters (C0, DEL, C1), whitespace other than the plain space, and zero-width /
/// bidirectional formatting characters.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
        )
}

/// The byte index of the first of the ASCII bytes `stops` in `s`, or its length (always a char
/// boundary).
pub(crate) fn stop_at(s: &str, stops: &[u8]) -> usize {
    s.bytes()
        .position(|b| stops.contains(&b))
        .unwrap_or(s.len())
}

/// The scheme of `url` when the text before the first `:` (ahead of any `/`, `?`, `#` or `\`) exists:
/// `Some(Ok(scheme))` if it is a valid scheme, `Some(Err(()))` if it is not, `None` if the URL is relative.
fn scheme_of(url: &str) -> Option<Result<&str, ()>> {
    let end = stop_at(url, b":/?#\\");
    if url.as_bytes().get(end) != Some(&b':') {
        return None;
    }
    let candidate = &url[..end];
    let valid = matches!(candidate.as_bytes().first(), Some(b) if b.is_ascii_alphabetic())
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    Some(if valid { Ok(candidate) } else { Err(()) })
}

/// Resolves a relative URL on `bot_host` (scheme-relative, path-absolute or path-relative).
fn resolve_relative(url: &str, bot_host: &str) -> String {
    let base = bot_host.trim().trim_end_matches('/');
    let https = match scheme_of(base) {
        Some(Ok(s)) if s.eq_ignore_ascii_case("https") => true,
        Some(Ok(s)) if s.eq_ignore_ascii_case("http") => false,
        _ => return url.to_string(),
    };
    // Browsers treat `\` like `/` in http(s) URLs.
    let url = url.replace('\\', "/");
    let (head, sep) = if url.starts_with("//") {
        // scheme-relative: the bot host's scheme, lower-cased
        (if https { "https:" } else { "http:" }, "")
    } else if url.starts_with('/') {
        // path-absolute: the bot host's origin (scheme and authority)
        let scheme_end = if https { 6 } else { 5 };
        let authority = scheme_end
            + if base[scheme_end..].starts_with("//") {
                2
            } else {
                0
            };
        (&base[..authority + stop_at(&base[authority..], b"/?#")], "")
    } else {
        // path-relative: the bot host without its query or fragment
        (base[..stop_at(base, b"?#")].trim_end_matches('/'), "/")
    };
    crate::text::concat(&[head, sep, &url])
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "https://bot.example.com";

    fn ok(raw: &str) -> String {
        safe_url(raw, HOST).unwrap_or_else(|| panic!("expected {raw:?} to be accepted"))
    }

    fn rejected(raw: &str) {
        assert_eq!(safe_url(raw, HOST), None, "expected {raw:?} to be rejected");
    }

    #[test]
    fn allowed_schemes_pass_unchanged() {
        assert_eq!(
            ok("https://example.com/a?b=1&c=2#d"),
            "https://example.com/a?b=1&c=2#d"
        );
        assert_eq!(ok("http://example.com"), "http://example.com");
        assert_eq!(ok("HTTPS://EXAMPLE.COM"), "HTTPS://EXAMPLE.COM");
        assert_eq!(
            ok("mailto:someone@example.com"),
            "mailto:someone@example.com"
        );
        assert_eq!(ok("tel:+15551234567"), "tel:+15551234567");
        assert_eq!(ok("  https://example.com  "), "https://example.com");
    }

    #[test]
    fn relative_urls_resolve_on_the_bot_host() {
        assert_eq!(
            ok("/api/v1/bots/b/media/x.png"),
            "https://bot.example.com/api/v1/bots/b/media/x.png"
        );
        assert_eq!(ok("media/x.png"), "https://bot.example.com/media/x.png");
        assert_eq!(
            ok("//cdn.example.com/x.png"),
            "https://cdn.example.com/x.png"
        );
        assert_eq!(ok("\\\\cdn.example.com/x"), "https://cdn.example.com/x");
        assert_eq!(ok("/a b.pdf"), "https://bot.example.com/a%20b.pdf");
        assert_eq!(
            safe_url("/media/x.png", "http://bot.local:3000/botpress/").as_deref(),
            Some("http://bot.local:3000/media/x.png")
        );
        assert_eq!(
            safe_url("x.png", "http://bot.local:3000/botpress/").as_deref(),
            Some("http://bot.local:3000/botpress/x.png")
        );
        // No usable host: the relative URL stays relative (it cannot change the scheme).
        assert_eq!(
            safe_url("/media/x.png", "").as_deref(),
            Some("/media/x.png")
        );
        assert_eq!(
            safe_url("/media/x.png", "javascript:alert(1)").as_deref(),
            Some("/media/x.png")
        );
    }

    #[test]
    fn javascript_and_friends_are_rejected() {
        for raw in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "  javascript:alert(1)",
            "javascript:alert(1)//https://example.com",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "DATA:image/svg+xml,<svg onload=alert(1)>",
            "vbscript:msgbox(1)",
            "VbScRiPt:msgbox(1)",
            "file:///etc/passwd",
            "blob:https://example.com/uuid",
            "ftp://example.com",
            "jar:file:x!/",
            "x-javascript:alert(1)",
        ] {
            rejected(raw);
        }
        assert_eq!(
            check_url("JaVaScRiPt:alert(1)", HOST),
            Err(UrlError::Scheme("javascript".into()))
        );
    }

    #[test]
    fn control_and_invisible_characters_are_rejected() {
        for raw in [
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java\rscript:alert(1)",
            "\u{0}javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "\u{1f}javascript:alert(1)",
            "\u{7f}javascript:alert(1)",
            "\u{85}javascript:alert(1)",
            "\u{a0}javascript:alert(1)",
            "\u{200b}javascript:alert(1)",
            "java\u{200b}script:alert(1)",
            "\u{feff}javascript:alert(1)",
            "\u{202e}javascript:alert(1)",
            "\u{2028}javascript:alert(1)",
            "https://example.com/\n",
            "\tjavascript:alert(1)",
            "\u{c}javascript:alert(1)",
        ] {
            rejected(raw);
        }
        assert_eq!(check_url("a\u{0}b", HOST), Err(UrlError::HiddenCharacter));
    }

    #[test]
    fn encoded_scheme_tricks_are_rejected_or_harmless() {
        // A scheme-like prefix with encoding characters is refused outright.
        for raw in [
            "%6Aavascript:alert(1)",
            "java%73cript:alert(1)",
            "java script:alert(1)",
            "javascript :alert(1)",
            "1javascript:alert(1)",
            ":alert(1)",
            "\u{0131}avascript:alert(1)",
        ] {
            rejected(raw);
        }
        // Without a colon the browser sees a relative path on the bot host: it cannot execute.
        assert_eq!(
            ok("javascript%3Aalert(1)"),
            "https://bot.example.com/javascript%3Aalert(1)"
        );
        assert_eq!(
            ok("javascript&#58;alert(1)"),
            "https://bot.example.com/javascript&#58;alert(1)"
        );
        for hostile in [
            "javascript%3Aalert(1)",
            "javascript&#58;alert(1)",
            "/x?javascript:alert(1)",
        ] {
            let resolved = ok(hostile);
            assert!(
                resolved.starts_with("https://"),
                "{hostile:?} -> {resolved:?}"
            );
        }
    }

    #[test]
    fn empty_is_rejected() {
        assert_eq!(check_url("", HOST), Err(UrlError::Empty));
        assert_eq!(check_url("   ", HOST), Err(UrlError::Empty));
    }

    #[test]
    fn bot_host_shapes() {
        let on = |raw: &str, host: &str| safe_url(raw, host).unwrap_or_default();
        assert_eq!(on("//cdn/x", "HTTP://Bot"), "http://cdn/x");
        assert_eq!(on("/x", "https://h.com/p?q=1#f"), "https://h.com/x");
        assert_eq!(on("x", "https://h.com/p/?q=1#f"), "https://h.com/p/x");
        assert_eq!(on("/x", "https:h.com/p"), "https:h.com/x");
        assert_eq!(on("/x", "https://h.com?q"), "https://h.com/x");
        assert_eq!(on("x", " http://h.com// "), "http://h.com/x");
        assert_eq!(on("x", "ftp://h.com"), "x");
        assert_eq!(on("x\\y", "https://h.com"), "https://h.com/x/y");
    }

    #[test]
    fn colon_after_path_is_relative() {
        assert_eq!(ok("/a:b"), "https://bot.example.com/a:b");
        assert_eq!(ok("?q=a:b"), "https://bot.example.com/?q=a:b");
        assert_eq!(ok("#frag:x"), "https://bot.example.com/#frag:x");
    }
}

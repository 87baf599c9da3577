//! String helpers on bytes. Each replaces a `core`/`alloc` routine that is generic or heavy in the
//! wasm (the two-way substring searcher, the reverse char searcher, `join`'s copy loop) at call
//! sites that only need the simple case. No browser types: tested natively.

/// Where `needle` first occurs in `haystack` (`haystack.find(needle)` by a plain scan: the needles
/// here are a few bytes, so core's two-way searcher buys nothing and weighs 1.4 KB of wasm).
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Where the last `byte` (ASCII) is in `s`: `s.rfind(char)` without core's reverse char searcher.
pub fn last_byte(s: &str, byte: u8) -> Option<usize> {
    // a plain loop: `rposition` compiles unrolled
    let b = s.as_bytes();
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        if b[i] == byte {
            return Some(i);
        }
    }
    None
}

/// `parts` joined with `sep`: `[..].join(sep)` without collecting a `Vec` first.
pub fn join<'a>(parts: impl IntoIterator<Item = &'a str>, sep: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(part);
    }
    out
}

/// Runs of whitespace as one space, none at the ends.
pub fn collapse_spaces(s: &str) -> String {
    // one pass over the chars: a space is written only before a char that follows whitespace
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if c.is_whitespace() {
            gap = !out.is_empty();
        } else {
            if gap {
                out.push(' ');
                gap = false;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_matches_str_find() {
        let hay = "a http://x www. https://y ééé";
        for needle in [
            "",
            "a",
            "http://",
            "https://",
            "www.",
            "é",
            "ééé",
            "zz",
            "y ééé!",
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{needle:?}");
        }
        assert_eq!(find("", "a"), None);
        assert_eq!(find("ab", "abc"), None);
    }

    #[test]
    fn last_byte_and_join() {
        assert_eq!(last_byte("a/b/c", b'/'), Some(3));
        assert_eq!(last_byte("abc", b'/'), None);
        assert_eq!(join(["a", "b", "c"], ", "), "a, b, c");
        assert_eq!(join([], ","), "");
        assert_eq!(collapse_spaces("  a \n\t b  "), "a b");
        for s in ["", " ", "x", " é\u{a0}\u{3000}ü  w ", "a\u{2028}b\r\nc"] {
            let words: Vec<&str> = s.split_whitespace().collect();
            assert_eq!(collapse_spaces(s), words.join(" "), "{s:?}");
        }
    }
}

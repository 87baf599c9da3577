//! String helpers on bytes. Each replaces a `core`/`alloc` routine that is generic or heavy in the
//! wasm (the two-way substring searcher, the reverse char searcher, `join`'s copy loop, and the
//! whole `core::fmt` machinery behind `format!`, `write!` and `to_string()` on numbers) at call
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

/// `parts` one after another: `format!("{a}{b}{c}")` without the formatting machinery (which
/// weighs about 4 KB of wasm, plus the argument tables each `format!` builds).
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal (`-12`, `0`, `345`): `n.to_string()` without the formatting machinery.
pub fn int(n: i64) -> String {
    let mut out = String::new();
    push_int(&mut out, n);
    out
}

/// Appends `n` in decimal to `out` (see [`int`]).
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let v = n.unsigned_abs();
    // the largest power of ten not above `v`, then one digit per power, first to last
    let mut p = 1;
    while v / p >= 10 {
        p *= 10;
    }
    while p > 0 {
        out.push(char::from(b'0' + (v / p % 10) as u8));
        p /= 10;
    }
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
    fn int_matches_to_string() {
        for n in [
            0,
            1,
            -1,
            9,
            10,
            99,
            100,
            -305,
            1_234_567,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(int(n), n.to_string());
        }
        let mut out = "x=".to_string();
        push_int(&mut out, 42);
        assert_eq!(out, "x=42");
    }

    #[test]
    fn concat_matches_format() {
        assert_eq!(concat(&[]), "");
        assert_eq!(concat(&["a", "", "bc", "é"]), "abcé");
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

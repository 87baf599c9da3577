//! Composes the widget's stylesheet from `style/` and minifies it into `$OUT_DIR/widget.css`, which
//! `src/mount.rs` compiles into the wasm: comments and layout whitespace cost download bytes and
//! nothing else. The dark-theme values (`style/dark.css`) are placed twice, under the
//! `prefers-color-scheme` query and under the `bpw-theme-dark` class hook; `:where()` keeps both at
//! zero specificity.

use std::path::Path;

fn read(name: &str) -> String {
    println!("cargo:rerun-if-changed=style/{name}");
    std::fs::read_to_string(Path::new("style").join(name))
        .unwrap_or_else(|e| panic!("style/{name}: {e}"))
}

/// Drops comments, collapses whitespace, and removes it around `{`, `}`, `;` and `>` and after `:`
/// and `,` (never where it can be a descendant combinator or part of a `calc()`).
fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = match rest[start + 2..].find("*/") {
            Some(end) => &rest[start + 2 + end + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    let words: Vec<&str> = out.split_whitespace().collect();
    let mut squashed = words.join(" ");
    for c in ['{', '}', ';'] {
        squashed = squashed
            .replace(&format!(" {c}"), &c.to_string())
            .replace(&format!("{c} "), &c.to_string());
    }
    // a space after `:` or `,` or around `>` is never significant (a space *before* `:` is: the
    // descendant combinator in `.bpw :focus-visible`); around `+` it is, inside `calc()`
    squashed
        .replace(";}", "}")
        .replace(": ", ":")
        .replace(", ", ",")
        .replace(" > ", ">")
}

fn main() {
    let dark = read("dark.css");
    let css = format!(
        "{}\n@media (prefers-color-scheme: dark) {{\n:where(.bpw:not(.bpw-theme-light)) {{\n{dark}}}\n}}\n:where(.bpw.bpw-theme-dark) {{\n{dark}}}\n{}",
        read("webchat.css"),
        read("views.css")
    );
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("widget.css"), minify(&css)).expect("write widget.css");
}

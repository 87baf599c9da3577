//! Trusted Types and CSP guard: nothing in the widget or its loader can turn a string into markup or
//! code, and no style goes in as an attribute string.
//!
//! The widget builds every element node by node (`src/dom.rs`); a page with
//! `require-trusted-types-for 'script'` blocks HTML string sinks (`innerHTML`, `outerHTML`,
//! `insertAdjacentHTML`, `createContextualFragment`, `DOMParser`, `document.write`), and a strict
//! `style-src` blocks `style="..."` attributes. This test reads every Rust source of the widget
//! (tokens, so comments do not count, but string literals do: `Reflect::set(el, "innerHTML", ..)` is
//! a sink too) and the loader, so a sink added on any code path fails here, not only on the paths an
//! end-to-end test happens to open.

use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// web-sys methods that parse markup or run code.
const SINK_METHODS: &[&str] = &[
    "set_inner_html",
    "set_outer_html",
    "insert_adjacent_html",
    "create_contextual_fragment",
    "parse_from_string",
    "set_srcdoc",
];

/// The same sinks by their JavaScript names, in string literals or the loader.
const SINK_NAMES: &[&str] = &[
    "innerHTML",
    "outerHTML",
    "insertAdjacentHTML",
    "createContextualFragment",
    "DOMParser",
    "document.write",
    "srcdoc",
    "eval(",
    "new Function",
];

/// Methods that set an attribute by name (web-sys, and the widget's own builder).
const ATTRIBUTE_SETTERS: &[&str] = &["set_attribute", "attr", "set"];

struct Sinks<'a> {
    file: &'a Path,
    found: Vec<String>,
    idents: usize,
}

impl Sinks<'_> {
    fn ident(&mut self, name: &str) {
        self.idents += 1;
        if SINK_METHODS.contains(&name) {
            self.found
                .push(format!("{}: calls `{name}`", self.file.display()));
        }
    }

    fn literal(&mut self, value: &str) {
        for sink in SINK_NAMES {
            if value.contains(sink) {
                self.found.push(format!(
                    "{}: string literal names `{sink}`",
                    self.file.display()
                ));
            }
        }
    }
}

fn is_style_literal(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value().eq_ignore_ascii_case("style"))
}

impl<'ast> Visit<'ast> for Sinks<'_> {
    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        self.ident(&ident.to_string());
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.literal(&lit.value());
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let setter = ATTRIBUTE_SETTERS.contains(&call.method.to_string().as_str());
        if setter && call.args.first().is_some_and(is_style_literal) {
            self.found.push(format!(
                "{}: sets a `style` attribute (use CSSOM: `dom::style`)",
                self.file.display()
            ));
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        // `dom::set(el, "style", ..)`
        let setter = matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| ATTRIBUTE_SETTERS.contains(&s.ident.to_string().as_str())));
        if setter && call.args.iter().nth(1).is_some_and(is_style_literal) {
            self.found.push(format!(
                "{}: sets a `style` attribute (use CSSOM: `dom::style`)",
                self.file.display()
            ));
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // format strings and other macro arguments are token streams: check them too
        for tt in mac.tokens.clone() {
            scan_tokens(tt, self);
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn scan_tokens(tt: proc_macro2::TokenTree, v: &mut Sinks) {
    match tt {
        proc_macro2::TokenTree::Group(g) => {
            for t in g.stream() {
                scan_tokens(t, v);
            }
        }
        proc_macro2::TokenTree::Ident(i) => v.ident(&i.to_string()),
        proc_macro2::TokenTree::Literal(l) => {
            if let Ok(s) = syn::parse_str::<syn::LitStr>(&l.to_string()) {
                v.literal(&s.value());
            }
        }
        proc_macro2::TokenTree::Punct(_) => {}
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The sinks found in one Rust source, and how many identifiers were looked at.
fn scan(file: &Path, source: &str) -> (Vec<String>, usize) {
    let ast = syn::parse_file(source).expect("the widget's sources parse");
    let mut v = Sinks {
        file,
        found: Vec::new(),
        idents: 0,
    };
    v.visit_file(&ast);
    (v.found, v.idents)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_widget_has_no_html_string_sink() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let (mut found, mut idents) = (Vec::new(), 0);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read a source file");
        let (f, n) = scan(file, &text);
        found.extend(f);
        idents += n;
    }
    assert!(
        files.len() > 30 && idents > 10_000,
        "the guard saw too little"
    );
    assert!(found.is_empty(), "HTML/code sinks:\n{}", found.join("\n"));
}

#[test]
fn the_loader_has_no_html_string_sink() {
    for name in ["inject.js", "demo.js", "csp.js"] {
        let text = std::fs::read_to_string(root().join("public").join(name)).expect("read");
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with('*'))
            .collect::<Vec<_>>()
            .join("\n");
        for sink in SINK_NAMES {
            assert!(!code.contains(sink), "public/{name} uses `{sink}`");
        }
        assert!(
            !code.contains("setAttribute('style'") && !code.contains("setAttribute(\"style\""),
            "public/{name} sets a style attribute"
        );
    }
}

#[test]
fn the_wasm_cannot_even_import_a_sink() {
    // web-sys only binds what its features enable: keep the parsing APIs out of the build
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("read Cargo.toml");
    for feature in ["\"DomParser\"", "\"Range\"", "\"HtmlIFrameElement\""] {
        assert!(
            !manifest.contains(feature),
            "web-sys feature {feature} is enabled"
        );
    }
}

#[test]
fn the_guard_finds_sinks() {
    let file = Path::new("sample.rs");
    let (found, _) = scan(
        file,
        r#"fn a(el: &Element) { el.set_inner_html("<b>x</b>"); }
           fn b(el: &JsValue) { Reflect::set(el, &"innerHTML".into(), &"x".into()); }
           fn c(el: &Element) { let _ = el.set_attribute("style", "color:red"); }
           fn d() { let s = format!("{}", "outerHTML"); }
           fn f(el: &Element) { dom::set(el, "style", "x"); E::new("p").attr("Style", "x"); }
           // el.set_inner_html("in a comment does not count")
           fn e(el: &Element) { el.set_text_content(Some("innerhtml is not a sink in text")); }
           fn g(doc: &Document) { doc.create_element("style"); }"#,
    );
    assert_eq!(found.len(), 6, "{found:?}");
}

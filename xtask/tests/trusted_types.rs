//! Trusted Types guard: no `view!` in the widget may contain a fully static element subtree.
//!
//! Leptos's `view!` turns an element whose attributes are all string literals and whose children
//! are all static (an "inert" subtree) into an `InertElement`, which the DOM renderer builds by
//! assigning an HTML string to `innerHTML`. A host page with `require-trusted-types-for 'script'`
//! blocks that assignment, and the widget half-mounts. Issue 5 requires the widget to work on such
//! a page, so every element must carry at least one non-literal attribute or child (see
//! `src/ui/mod.rs`, `ARIA_HIDDEN`). This test parses every `view!` the way the macro does (rstml)
//! and applies the same rule, so a new static subtree fails here, on any code path, not only on
//! the paths an end-to-end test happens to open.

use std::path::{Path, PathBuf};

use rstml::node::{KVAttributeValue, Node, NodeAttribute, NodeElement, NodeName};
use syn::visit::Visit;

/// Mirrors leptos_macro 0.8 `is_component_tag_name`: a path whose last segment is capitalised.
fn is_component(el: &NodeElement<rstml::Infallible>) -> bool {
    match el.name() {
        NodeName::Path(p) => p.path.segments.last().is_some_and(|s| {
            s.ident
                .to_string()
                .starts_with(|c: char| c.is_ascii_uppercase())
        }),
        _ => false,
    }
}

/// Mirrors leptos_macro 0.8 `is_inert_element`: true when the macro would emit an `InertElement`.
fn is_inert(node: &Node) -> bool {
    let Node::Element(top) = node else {
        return false;
    };
    if top.attributes().is_empty() && top.children.is_empty() {
        return false;
    }
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node {
            Node::Text(_) | Node::RawText(_) => {}
            Node::Element(el) => {
                if is_component(el) || matches!(el.name(), NodeName::Block(_)) {
                    return false;
                }
                for attr in el.attributes() {
                    let NodeAttribute::Attribute(attr) = attr else {
                        return false;
                    };
                    if matches!(attr.key, NodeName::Block(_)) {
                        return false;
                    }
                    if let Some(value) = attr.possible_value.to_value() {
                        let key = attr.key.to_string();
                        let literal_str = matches!(&value.value, KVAttributeValue::Expr(syn::Expr::Lit(lit))
                            if matches!(lit.lit, syn::Lit::Str(_)));
                        let dynamic_key = ["style:", "prop:", "on:", "use:", "bind"]
                            .iter()
                            .any(|p| key.starts_with(p));
                        if !literal_str || dynamic_key {
                            return false;
                        }
                    }
                }
                stack.extend(el.children.iter());
            }
            _ => return false,
        }
    }
    true
}

/// Walks a node tree the way `node_to_tokens` does and records each inert element.
fn find_inert(nodes: &[Node], file: &Path, found: &mut Vec<String>) {
    for node in nodes {
        if is_inert(node) {
            let start = node_start(node);
            found.push(format!("{}:{}: {}", file.display(), start, snippet(node)));
            continue;
        }
        match node {
            Node::Element(el) => find_inert(&el.children, file, found),
            Node::Fragment(f) => find_inert(&f.children, file, found),
            _ => {}
        }
    }
}

fn node_start(node: &Node) -> usize {
    match node {
        Node::Element(el) => el.open_tag.token_lt.span.start().line,
        _ => 0,
    }
}

fn snippet(node: &Node) -> String {
    let mut s = quote::ToTokens::to_token_stream(node).to_string();
    s.truncate(80);
    s
}

struct Macros<'a> {
    file: &'a Path,
    found: Vec<String>,
    views: usize,
}

impl<'ast> Visit<'ast> for Macros<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.segments.last().is_some_and(|s| s.ident == "view") {
            self.views += 1;
            let parser = rstml::Parser::new(rstml::ParserConfig::default().recover_block(true));
            let (nodes, errors) = parser.parse_recoverable(mac.tokens.clone()).split_vec();
            assert!(
                errors.is_empty(),
                "{}: a view! the guard cannot parse",
                self.file.display()
            );
            find_inert(&nodes, self.file, &mut self.found);
        }
        syn::visit::visit_macro(self, mac);
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

/// Runs the rule over `source` and returns the inert subtrees and the number of `view!`s seen.
fn scan(file: &Path, source: &str) -> (Vec<String>, usize) {
    let ast = syn::parse_file(source).expect("the widget's sources parse");
    let mut v = Macros {
        file,
        found: Vec::new(),
        views: 0,
    };
    v.visit_file(&ast);
    (v.found, v.views)
}

#[test]
fn no_view_in_the_widget_builds_html_from_a_string() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let (mut found, mut views) = (Vec::new(), 0);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read a source file");
        let (f, n) = scan(file, &text);
        found.extend(f);
        views += n;
    }
    assert!(views > 20, "the guard saw only {views} view! macros");
    assert!(
        found.is_empty(),
        "static subtrees become innerHTML (blocked by Trusted Types); give each a non-literal \
         attribute:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_rule_flags_static_subtrees_and_passes_dynamic_ones() {
    let file = Path::new("sample.rs");
    let (found, views) = scan(
        file,
        r#"fn a() { view! { <div class=C><span aria-hidden="true">"x"</span></div> } }
           fn b() { view! { <p class="x">{text}</p> } }
           fn c() { view! { <span aria-hidden=H>"x"</span> } }
           fn d() { view! { <br/> } }"#,
    );
    assert_eq!(views, 4);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("span"), "{found:?}");
}

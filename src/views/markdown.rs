//! Markdown and plain text → a neutral node tree → DOM nodes; no HTML string is ever parsed.
//!
//! v12 renders `markdown:true` text with snarkdown and linkifies plain text (botpress-protocols.md §1.8).
//! Here markdown is CommonMark plus GFM tables, strikethrough and bare-URL autolinks, parsed by our own
//! small parser ([`super::cmark`], chosen over pulldown-cmark for the wasm size). Raw HTML (block or
//! inline) is kept as *literal text*. The parser's events become an [`MdNode`] tree whose tags come
//! from a fixed allowlist ([`ALLOWED_TAGS`]) and whose only attributes are the ones this module sets;
//! every link and image URL passes [`crate::views::url::safe_url`] or degrades to text (a refused
//! image to its alt text). Bare URLs in text are linkified by [`linkify`]. The tree is then turned
//! into DOM nodes by `views::builtin::markdown::append_nodes` (text always goes in text nodes).

use super::cmark::{self, Event, Tag};
use super::url::safe_url;

/// The only element names an [`MdNode`] can carry.
pub const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "del",
    "sup",
    "sub",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

/// A sanitized markdown node.
#[derive(Debug, Clone, PartialEq)]
pub enum MdNode {
    /// An element from [`ALLOWED_TAGS`] with attributes set by this module only.
    Element {
        /// Element name (always in [`ALLOWED_TAGS`]).
        tag: &'static str,
        /// Attributes: `a` gets `href`, `title`, `target`, `rel`; `img` gets `src`, `alt`, `title`;
        /// `ol` may get `start`; table cells may get `class` (alignment).
        attrs: Vec<(&'static str, String)>,
        /// Child nodes.
        children: Vec<MdNode>,
    },
    /// Literal text (rendered as a text node).
    Text(String),
}

impl MdNode {
    fn element(
        tag: &'static str,
        attrs: Vec<(&'static str, String)>,
        children: Vec<MdNode>,
    ) -> Self {
        debug_assert!(ALLOWED_TAGS.contains(&tag));
        MdNode::Element {
            tag,
            attrs,
            children,
        }
    }

    /// The concatenated text content.
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        match self {
            MdNode::Text(t) => out.push_str(t),
            MdNode::Element { children, .. } => children.iter().for_each(|c| c.collect_text(out)),
        }
    }

    /// The value of attribute `name`, if set.
    pub fn attr(&self, name: &str) -> Option<&str> {
        match self {
            MdNode::Element { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.as_str()),
            MdNode::Text(_) => None,
        }
    }
}

/// Attributes every link gets.
fn link_attrs(href: String) -> Vec<(&'static str, String)> {
    let mut attrs = Vec::new();
    push_link_attrs(&mut attrs, href);
    attrs
}

/// Appends the attributes every link gets (pushes rather than `vec![…]`, whose boxed-array path
/// is larger in the wasm).
fn push_link_attrs(attrs: &mut Vec<(&'static str, String)>, href: String) {
    attrs.push(("href", href));
    attrs.push(("target", "_blank".into()));
    attrs.push(("rel", "noopener noreferrer".into()));
}

/// A piece of linkified plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Literal text.
    Text(String),
    /// A link that passed the allowlist.
    Link {
        /// The checked URL.
        href: String,
        /// The text shown (the URL as written).
        text: String,
    },
}

/// Splits plain text into text and links: `http://…`, `https://…` and `www.…` become links when
/// they pass the allowlist. Trailing punctuation (`.,;:!?'"`, and unbalanced `)` `]`) stays text.
/// (The pieces of [`plain_text_nodes`], which does the work.)
pub fn linkify(text: &str) -> Vec<Inline> {
    plain_text_nodes(text)
        .into_iter()
        .map(|node| match node {
            MdNode::Text(t) => Inline::Text(t),
            link => Inline::Link {
                href: link.attr("href").unwrap_or_default().to_string(),
                text: link.text_content(),
            },
        })
        .collect()
}

/// Does `b` start with `prefix` (ASCII, any case)?
fn starts_with_ci(b: &[u8], prefix: &str) -> bool {
    b.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Does `url` start with `www.` (any case)?
fn is_www(url: &str) -> bool {
    starts_with_ci(url.as_bytes(), "www.")
}

/// Finds a URL inside one whitespace-free word: `(text before, url, text after)`.
fn link_in_word(word: &str) -> Option<(&str, &str, &str)> {
    // The first place where one of the link starts begins.
    let b = word.as_bytes();
    static STARTS: [&str; 3] = ["https://", "http://", "www."];
    let start = (0..b.len()).find(|&i| STARTS.iter().any(|p| starts_with_ci(&b[i..], p)))?;
    // `xwww.` or `ahttp://` is not a link start; an opening bracket or quote before it is fine.
    if start > 0 {
        let prev = word[..start].chars().next_back()?;
        if crate::browser::is_alphanumeric(prev) {
            return None;
        }
    }
    let candidate = &word[start..];
    let mut end = candidate.len();
    // Opening minus closing brackets in `candidate[..end]`, kept up to date as characters are
    // stripped (counting afresh for each stripped character made a long run of `)` quadratic).
    let (mut paren, mut square) = (0i32, 0i32);
    for c in candidate.bytes() {
        match c {
            b'(' => paren += 1,
            b'[' => square += 1,
            b')' => paren -= 1,
            b']' => square -= 1,
            _ => {}
        }
    }
    // Only ASCII is stripped, so `end` stays on a char boundary.
    while let Some(&last) = candidate.as_bytes()[..end].last() {
        match last {
            c if cmark::in_set(b".,;:!?'\"*_<>", c) => {}
            b')' if paren < 0 => paren += 1,
            b']' if square < 0 => square += 1,
            _ => break,
        }
        end -= 1;
    }
    let url = &candidate[..end];
    let min_len = if is_www(url) { 5 } else { 9 };
    if url.len() < min_len || url.ends_with("://") {
        return None;
    }
    Some((&word[..start], url, &candidate[end..]))
}

/// Linkified plain text as nodes (text and `a` elements), as [`linkify`] splits it.
pub fn plain_text_nodes(text: &str) -> Vec<MdNode> {
    let mut out = Vec::new();
    push_plain_text(text, &mut out);
    out
}

/// Appends `node` to `nodes`, merging it into a text node before it (so the tree stays small and
/// predictable).
fn push_node(nodes: &mut Vec<MdNode>, node: MdNode) {
    if let (MdNode::Text(new), Some(MdNode::Text(prev))) = (&node, nodes.last_mut()) {
        prev.push_str(new);
        return;
    }
    nodes.push(node);
}

/// Appends the nodes of [`plain_text_nodes`] to `out` (the first merged into a text before it).
fn push_plain_text(text: &str, out: &mut Vec<MdNode>) {
    let mut plain = String::new();
    // Words end at whitespace, which is kept as it is.
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            push_word(&text[start..i], &mut plain, out);
            plain.push(c);
            start = i + c.len_utf8();
        }
    }
    push_word(&text[start..], &mut plain, out);
    if !plain.is_empty() {
        push_node(out, MdNode::Text(plain));
    }
}

/// One word of [`push_plain_text`]: its text goes to `plain`, a link in it to `out` (after the
/// text so far).
#[allow(clippy::vec_init_then_push)] // on purpose: `vec![…]`'s boxed-array path is larger in the wasm
fn push_word(word: &str, plain: &mut String, out: &mut Vec<MdNode>) {
    let Some((before, url, after)) = link_in_word(word) else {
        plain.push_str(word);
        return;
    };
    plain.push_str(before);
    let mut href = String::new();
    if is_www(url) {
        href.push_str("https://");
    }
    href.push_str(url);
    match safe_url(&href, "") {
        Some(href) => {
            if !plain.is_empty() {
                push_node(out, MdNode::Text(std::mem::take(plain)));
            }
            let mut text = Vec::new();
            text.push(MdNode::Text(url.to_string()));
            out.push(MdNode::element("a", link_attrs(href), text));
        }
        None => plain.push_str(url),
    }
    plain.push_str(after);
}

/// Deepest element nesting in the tree; structure below it is flattened into its text (block
/// nesting is capped by the parser at [`cmark::MAX_NEST`], so only runaway inline nesting such as
/// thousands of `*` around a word gets here).
const MAX_DEPTH: usize = 100;

/// An open element (or transparent group) and the children collected for it so far.
#[derive(Default)]
struct Frame {
    /// `None`: a transparent frame whose children are lifted into the parent.
    tag: Option<&'static str>,
    attrs: Vec<(&'static str, String)>,
    children: Vec<MdNode>,
    /// An image: made when the frame closes, its children's text becoming the `alt` (attribute 1).
    /// A refused image has no tag and becomes its alt text.
    image: bool,
    /// A link or image: its text is not linkified.
    literal: bool,
}

/// Turns parser events into sanitized nodes.
struct Builder<'h> {
    stack: Vec<Frame>,
    bot_host: &'h str,
    /// Open link and image frames.
    literal: usize,
    /// Open image frames (everything inside an image is its alt text).
    image: usize,
    /// Text waiting to be linkified: consecutive text events (split at delimiters such as `_`,
    /// `*`, `[` that turned out literal) are joined before URLs are looked for.
    pending: String,
}

impl Builder<'_> {
    fn flush(&mut self) {
        if let Some(top) = self.stack.last_mut() {
            push_plain_text(&self.pending, &mut top.children);
            self.pending.clear();
        }
    }

    fn pop(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(mut frame) = self.stack.pop() else {
            return;
        };
        // (Balanced: `start` counted this frame.)
        self.literal -= usize::from(frame.literal);
        let node = match (frame.tag, frame.image) {
            (tag, true) => {
                self.image -= 1;
                let mut alt = String::new();
                for child in &frame.children {
                    child.collect_text(&mut alt);
                }
                match (tag, frame.attrs.get_mut(1)) {
                    (Some(tag), Some(attr)) => {
                        attr.1 = alt;
                        MdNode::element(tag, frame.attrs, Vec::new())
                    }
                    _ => MdNode::Text(alt),
                }
            }
            (Some(tag), false) => MdNode::element(tag, frame.attrs, frame.children),
            // A transparent frame: its children go to the parent.
            (None, false) => {
                if let Some(top) = self.stack.last_mut() {
                    // Adjacent texts merge (see [`push_node`]): only the first child can, as no
                    // list of children holds two texts in a row.
                    for kid in frame.children {
                        push_node(&mut top.children, kid);
                    }
                }
                return;
            }
        };
        self.leaf(node);
    }

    fn leaf(&mut self, node: MdNode) {
        if let Some(top) = self.stack.last_mut() {
            push_node(&mut top.children, node);
        }
    }

    /// Opens an element frame with no attributes (closed by [`Builder::pop`]).
    fn open(&mut self, tag: &'static str) {
        self.stack.push(Frame {
            tag: Some(tag),
            ..Frame::default()
        });
    }

    fn start(&mut self, tag: Tag) {
        // Links and images: their text is not linkified.
        let literal = matches!(tag, Tag::Link { .. });
        let mut frame = Frame {
            literal,
            ..Frame::default()
        };
        // Inside an image everything is alt text; past the depth cap, structure is dropped: both
        // get a transparent frame.
        if self.image == 0 && self.stack.len() < MAX_DEPTH {
            frame.tag = match tag {
                Tag::Paragraph => Some("p"),
                Tag::Heading(level) => Some(HEADINGS[usize::from(level.clamp(1, 6)) - 1]),
                Tag::Quote => Some("blockquote"),
                Tag::List(start) => {
                    if let Some(n) = start.filter(|&n| n != 1) {
                        frame.attrs.push(("start", crate::text::int(i64::from(n))));
                    }
                    Some(if start.is_some() { "ol" } else { "ul" })
                }
                Tag::Item => Some("li"),
                Tag::Table => Some("table"),
                Tag::Head => Some("thead"),
                Tag::Body => Some("tbody"),
                Tag::Row => Some("tr"),
                Tag::Cell { head, align } => {
                    let class = ALIGN_CLASSES[align as usize];
                    if !class.is_empty() {
                        frame.attrs.push(("class", class.into()));
                    }
                    Some(if head { "th" } else { "td" })
                }
                Tag::Emph => Some("em"),
                Tag::Strong => Some("strong"),
                Tag::Del => Some("del"),
                Tag::Link { image, url, title } => {
                    frame.image = image;
                    let href = safe_url(&url, self.bot_host);
                    let tag = href.map(|href| {
                        if image {
                            // The `alt` is set when the frame closes.
                            frame.attrs.push(("src", href));
                            frame.attrs.push(("alt", String::new()));
                            "img"
                        } else {
                            push_link_attrs(&mut frame.attrs, href);
                            "a"
                        }
                    });
                    // (A refused link keeps its text, without the link: its frame is transparent
                    // and its attributes are dropped.)
                    if !title.is_empty() {
                        frame.attrs.push(("title", title));
                    }
                    tag
                }
            };
        }
        self.literal += usize::from(literal);
        self.image += usize::from(frame.image);
        self.stack.push(frame);
    }
}

impl cmark::Sink for Builder<'_> {
    fn push(&mut self, event: Event) {
        if !matches!(event, Event::Text(_)) {
            self.flush();
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End => self.pop(),
            Event::Text(t) => {
                if self.literal > 0 {
                    self.leaf(MdNode::Text(t));
                } else {
                    self.pending.push_str(&t);
                }
            }
            // Raw HTML is shown as the literal text the bot sent.
            Event::Raw(t) => self.leaf(MdNode::Text(t)),
            Event::Code(t) => {
                self.open("code");
                self.leaf(MdNode::Text(t));
                self.pop();
            }
            Event::CodeBlock(t) => {
                // The `pre` frame closes at once around its `code`.
                self.open("pre");
                self.push(Event::Code(t));
                self.pop();
            }
            Event::SoftBreak => self.leaf(MdNode::Text("\n".into())),
            Event::HardBreak | Event::Rule => {
                self.open(if matches!(event, Event::Rule) {
                    "hr"
                } else {
                    "br"
                });
                self.pop();
            }
        }
    }
}

static HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];

/// The class of a table cell, by [`cmark::Align`] (in its declaration order; none when unaligned).
static ALIGN_CLASSES: [&str; 4] = ["", "bpw-align-left", "bpw-align-center", "bpw-align-right"];

/// Parses markdown into sanitized nodes. Relative link/image URLs are resolved on `bot_host`.
pub fn parse_markdown(src: &str, bot_host: &str) -> Vec<MdNode> {
    let mut b = Builder {
        stack: Vec::new(),
        bot_host,
        literal: 0,
        image: 0,
        pending: String::new(),
    };
    b.stack.push(Frame::default());
    cmark::parse_into(src, &mut b);
    b.flush();
    while b.stack.len() > 1 {
        b.pop();
    }
    b.stack
        .first_mut()
        .map(|f| std::mem::take(&mut f.children))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "https://bot.example.com";

    fn md(src: &str) -> Vec<MdNode> {
        parse_markdown(src, HOST)
    }

    fn el(tag: &'static str, children: Vec<MdNode>) -> MdNode {
        MdNode::Element {
            tag,
            attrs: vec![],
            children,
        }
    }

    fn text(t: &str) -> MdNode {
        MdNode::Text(t.into())
    }

    fn link(href: &str, children: Vec<MdNode>) -> MdNode {
        MdNode::Element {
            tag: "a",
            attrs: link_attrs(href.into()),
            children,
        }
    }

    /// Every element in the tree, depth first.
    fn walk<'a>(nodes: &'a [MdNode], out: &mut Vec<&'a MdNode>) {
        for n in nodes {
            out.push(n);
            if let MdNode::Element { children, .. } = n {
                walk(children, out);
            }
        }
    }

    fn assert_safe(nodes: &[MdNode]) {
        let mut all = Vec::new();
        walk(nodes, &mut all);
        for n in all {
            if let MdNode::Element { tag, attrs, .. } = n {
                assert!(ALLOWED_TAGS.contains(tag), "tag {tag} not allowed");
                for (k, v) in attrs {
                    assert!(
                        matches!(
                            *k,
                            "href" | "src" | "alt" | "title" | "target" | "rel" | "start" | "class"
                        ),
                        "attribute {k} not allowed"
                    );
                    if matches!(*k, "href" | "src") {
                        let lower = v.to_ascii_lowercase();
                        assert!(
                            lower.starts_with("https://")
                                || lower.starts_with("http://")
                                || lower.starts_with("mailto:")
                                || lower.starts_with("tel:"),
                            "unsafe {k}={v}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn basic_inline_formatting() {
        assert_eq!(
            md("Hello **bold** *em* ~~del~~ `code`"),
            vec![el(
                "p",
                vec![
                    text("Hello "),
                    el("strong", vec![text("bold")]),
                    text(" "),
                    el("em", vec![text("em")]),
                    text(" "),
                    el("del", vec![text("del")]),
                    text(" "),
                    el("code", vec![text("code")]),
                ]
            )]
        );
    }

    #[test]
    fn blocks() {
        let nodes = md("# Title\n\n- a\n- b\n\n3. x\n\n> quote\n\n```\nlet x = 1 < 2;\n```\n\n---\nline  \nbreak");
        assert_eq!(nodes[0], el("h1", vec![text("Title")]));
        assert_eq!(
            nodes[1],
            el(
                "ul",
                vec![el("li", vec![text("a")]), el("li", vec![text("b")])]
            )
        );
        assert_eq!(
            nodes[2],
            MdNode::Element {
                tag: "ol",
                attrs: vec![("start", "3".into())],
                children: vec![el("li", vec![text("x")])]
            }
        );
        assert_eq!(
            nodes[3],
            el("blockquote", vec![el("p", vec![text("quote")])])
        );
        assert_eq!(
            nodes[4],
            el("pre", vec![el("code", vec![text("let x = 1 < 2;\n")])])
        );
        assert_eq!(nodes[5], el("hr", vec![]));
        assert_eq!(
            nodes[6],
            el("p", vec![text("line"), el("br", vec![]), text("break")])
        );
        assert_safe(&nodes);
    }

    #[test]
    fn gfm_table() {
        let nodes = md("| a | b |\n|:--|--:|\n| 1 | 2 |");
        let cell = |tag: &'static str, class: &str, t: &str| MdNode::Element {
            tag,
            attrs: vec![("class", class.into())],
            children: vec![text(t)],
        };
        assert_eq!(
            nodes,
            vec![el(
                "table",
                vec![
                    el(
                        "thead",
                        vec![el(
                            "tr",
                            vec![
                                cell("th", "bpw-align-left", "a"),
                                cell("th", "bpw-align-right", "b")
                            ]
                        )]
                    ),
                    el(
                        "tbody",
                        vec![el(
                            "tr",
                            vec![
                                cell("td", "bpw-align-left", "1"),
                                cell("td", "bpw-align-right", "2")
                            ]
                        )]
                    ),
                ]
            )]
        );
    }

    #[test]
    fn links_get_target_and_rel_and_resolve() {
        let nodes =
            md("[site](https://example.com \"T\") and [rel](/docs) and <https://auto.example>");
        let MdNode::Element { children, .. } = &nodes[0] else {
            panic!()
        };
        assert_eq!(
            children[0],
            MdNode::Element {
                tag: "a",
                attrs: vec![
                    ("href", "https://example.com".into()),
                    ("target", "_blank".into()),
                    ("rel", "noopener noreferrer".into()),
                    ("title", "T".into())
                ],
                children: vec![text("site")]
            }
        );
        assert_eq!(
            children[2],
            link("https://bot.example.com/docs", vec![text("rel")])
        );
        assert_eq!(
            children[4],
            link("https://auto.example", vec![text("https://auto.example")])
        );
    }

    #[test]
    fn bare_urls_are_autolinked() {
        let nodes = md("see https://example.com/a_(b). and www.example.org!");
        assert_eq!(
            nodes,
            vec![el(
                "p",
                vec![
                    text("see "),
                    link(
                        "https://example.com/a_(b)",
                        vec![text("https://example.com/a_(b)")]
                    ),
                    text(". and "),
                    link("https://www.example.org", vec![text("www.example.org")]),
                    text("!"),
                ]
            )]
        );
        // Not inside code.
        assert_eq!(
            md("`https://example.com`"),
            vec![el("p", vec![el("code", vec![text("https://example.com")])])]
        );
    }

    #[test]
    fn javascript_links_become_text() {
        for src in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](javascript&#58;alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](java\\\nscript:alert(1))",
            "[x](<javascript:alert(1)>)",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox)",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "<javascript:alert(1)>",
        ] {
            let nodes = md(src);
            assert_safe(&nodes);
            let mut all = Vec::new();
            walk(&nodes, &mut all);
            assert!(
                all.iter()
                    .all(|n| !matches!(n, MdNode::Element { tag: "a", .. })),
                "{src:?} produced a link: {nodes:?}"
            );
        }
        assert_eq!(
            md("[x](javascript:alert(1))"),
            vec![el("p", vec![text("x")])]
        );
    }

    #[test]
    fn raw_html_is_literal_text() {
        let nodes = md("<script>alert(1)</script>");
        assert_eq!(nodes, vec![text("<script>alert(1)</script>")]);
        let nodes = md("hi <img src=x onerror=alert(1)> there");
        assert_eq!(
            nodes,
            vec![el("p", vec![text("hi <img src=x onerror=alert(1)> there")])]
        );
        for src in [
            "<div onclick=\"alert(1)\">x</div>",
            "<iframe src=javascript:alert(1)></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "**<script>**alert(1)",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "<scr<script>ipt>alert(1)</script>",
            "<style>*{display:none}</style>",
        ] {
            let nodes = md(src);
            assert_safe(&nodes);
            let mut all = Vec::new();
            walk(&nodes, &mut all);
            for n in all {
                if let MdNode::Element { tag, attrs, .. } = n {
                    assert!(
                        !matches!(*tag, "script" | "img" | "iframe" | "svg" | "div" | "style"),
                        "{src:?}"
                    );
                    assert!(attrs.iter().all(|(k, _)| !k.starts_with("on")));
                }
            }
        }
        // Decoded entities stay text.
        assert_eq!(md("&lt;script&gt;"), vec![el("p", vec![text("<script>")])]);
    }

    #[test]
    fn images_pass_the_allowlist() {
        assert_eq!(
            md("![alt *text*](/media/a.png)"),
            vec![el(
                "p",
                vec![MdNode::Element {
                    tag: "img",
                    attrs: vec![
                        ("src", "https://bot.example.com/media/a.png".into()),
                        ("alt", "alt text".into())
                    ],
                    children: vec![]
                }]
            )]
        );
        assert_eq!(
            md("![pwn](javascript:alert(1))"),
            vec![el("p", vec![text("pwn")])]
        );
        assert_eq!(
            md("![pwn](data:image/svg+xml,<svg/onload=alert(1)>)"),
            vec![el("p", vec![text("pwn")])]
        );
    }

    #[test]
    fn nested_and_unbalanced_input_does_not_panic() {
        for src in [
            "[[[[[[x](javascript:a)](javascript:b)](https://ok)",
            "[![img](javascript:x)](https://example.com)",
            "> > > > - [x](javascript:1)\n> > > > | a |\n> > > > |---|\n> > > > | <b> |",
            "| a |\n|---|\n| [x](javascript:1) |",
            "*a **b *c* d** e*",
            "```\n<script>\n",
            "[^1]\n\n[^1]: note",
            "",
            "\u{0}\u{feff}",
        ] {
            assert_safe(&md(src));
        }
        let nodes = md("[![img](javascript:x)](https://example.com)");
        assert_eq!(
            nodes,
            vec![el(
                "p",
                vec![link("https://example.com", vec![text("img")])]
            )]
        );
    }

    #[test]
    fn www_prefix_ignores_case() {
        assert!(
            is_www("www.a")
                && is_www("WwW.")
                && !is_www("ww")
                && !is_www("wwwx")
                && !is_www("éwww.")
        );
    }

    #[test]
    fn linkify_plain_text() {
        assert_eq!(
            linkify("Go to https://example.com/x?y=1, or (www.example.org)."),
            vec![
                Inline::Text("Go to ".into()),
                Inline::Link {
                    href: "https://example.com/x?y=1".into(),
                    text: "https://example.com/x?y=1".into()
                },
                Inline::Text(", or (".into()),
                Inline::Link {
                    href: "https://www.example.org".into(),
                    text: "www.example.org".into()
                },
                Inline::Text(").".into()),
            ]
        );
        assert_eq!(
            linkify("no links here"),
            vec![Inline::Text("no links here".into())]
        );
        assert_eq!(
            linkify("  keep   spacing \n"),
            vec![Inline::Text("  keep   spacing \n".into())]
        );
        assert_eq!(linkify(""), vec![]);
        // Hostile or incomplete candidates stay text.
        for t in [
            "javascript:alert(1)",
            "xhttps://example.com",
            "https://",
            "http://\u{200b}evil",
            "awww.example.com",
        ] {
            assert!(
                linkify(t).iter().all(|i| matches!(i, Inline::Text(_))),
                "{t:?} -> {:?}",
                linkify(t)
            );
        }
        assert_eq!(
            linkify("<https://example.com>"),
            vec![
                Inline::Text("<".into()),
                Inline::Link {
                    href: "https://example.com".into(),
                    text: "https://example.com".into()
                },
                Inline::Text(">".into())
            ]
        );
        assert_eq!(
            linkify("x\"><script>https://a.example\"onmouseover=alert(1)"),
            vec![
                Inline::Text("x\"><script>".into()),
                Inline::Link {
                    href: "https://a.example\"onmouseover=alert(1)".into(),
                    text: "https://a.example\"onmouseover=alert(1)".into()
                },
            ]
        );
    }

    fn attrs_el(
        tag: &'static str,
        attrs: Vec<(&'static str, &str)>,
        children: Vec<MdNode>,
    ) -> MdNode {
        MdNode::Element {
            tag,
            attrs: attrs.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
            children,
        }
    }

    fn code(t: &str) -> MdNode {
        el("code", vec![text(t)])
    }

    fn pre(t: &str) -> MdNode {
        el("pre", vec![code(t)])
    }

    fn p(children: Vec<MdNode>) -> MdNode {
        el("p", children)
    }

    fn li(children: Vec<MdNode>) -> MdNode {
        el("li", children)
    }

    fn titled(href: &str, title: &str, t: &str) -> MdNode {
        let mut attrs = link_attrs(href.into());
        attrs.push(("title", title.into()));
        MdNode::Element {
            tag: "a",
            attrs,
            children: vec![text(t)],
        }
    }

    /// The depth of the deepest element.
    fn depth(nodes: &[MdNode]) -> usize {
        // Iterative, so that a regression to unbounded nesting fails instead of overflowing.
        let mut max = 0;
        let mut todo: Vec<(&MdNode, usize)> = nodes.iter().map(|n| (n, 1)).collect();
        while let Some((n, d)) = todo.pop() {
            if let MdNode::Element { children, .. } = n {
                max = max.max(d);
                todo.extend(children.iter().map(|c| (c, d + 1)));
            }
        }
        max
    }

    fn all_text(nodes: &[MdNode]) -> String {
        nodes.iter().map(MdNode::text_content).collect()
    }

    #[test]
    fn paragraphs_and_soft_breaks() {
        assert_eq!(
            md("a\nb\n\n\nc"),
            vec![p(vec![text("a\nb")]), p(vec![text("c")])]
        );
        // Spaces around a soft break go; a final backslash or trailing spaces stay out of it.
        assert_eq!(md("  a \n   b  "), vec![p(vec![text("a\nb")])]);
        assert_eq!(md("a\r\nb\rc"), vec![p(vec![text("a\nb\nc")])]);
    }

    #[test]
    fn hard_breaks() {
        let br = || el("br", vec![]);
        assert_eq!(md("a  \nb"), vec![p(vec![text("a"), br(), text("b")])]);
        assert_eq!(md("a\\\nb"), vec![p(vec![text("a"), br(), text("b")])]);
        assert_eq!(md("*a*  \nb"), md("*a*\\\nb"));
        // Not at the end of a paragraph.
        assert_eq!(md("a  "), vec![p(vec![text("a")])]);
        assert_eq!(md("a\\"), vec![p(vec![text("a\\")])]);
    }

    #[test]
    fn atx_headings() {
        assert_eq!(
            md("# a\n## b ##\n###### f\n####### g\n#no\n#\n### c \\#"),
            vec![
                el("h1", vec![text("a")]),
                el("h2", vec![text("b")]),
                el("h6", vec![text("f")]),
                p(vec![text("####### g\n#no")]),
                el("h1", vec![]),
                el("h3", vec![text("c #")]),
            ]
        );
    }

    #[test]
    fn setext_headings() {
        assert_eq!(
            md("Title\n===\n\nTwo\nlines\n---\n\n[r]: /x\n==="),
            vec![
                el("h1", vec![text("Title")]),
                el("h2", vec![text("Two\nlines")]),
                p(vec![text("===")]),
            ]
        );
    }

    #[test]
    fn thematic_breaks() {
        let hr = || el("hr", vec![]);
        assert_eq!(
            md("***\n___\n- - -\n   ---\n--\n\n_ _ _ _"),
            vec![hr(), hr(), hr(), hr(), p(vec![text("--")]), hr()]
        );
    }

    #[test]
    fn block_quotes_nest_and_continue_lazily() {
        let bq = |c| el("blockquote", c);
        assert_eq!(
            md("> a\nb\n\n> > c\n> d\n\ne\n>\n> f"),
            vec![
                bq(vec![p(vec![text("a\nb")])]),
                bq(vec![bq(vec![p(vec![text("c\nd")])])]),
                p(vec![text("e")]),
                bq(vec![p(vec![text("f")])]),
            ]
        );
        assert_eq!(
            md("> # h\n> - x"),
            vec![bq(vec![
                el("h1", vec![text("h")]),
                el("ul", vec![li(vec![text("x")])])
            ])]
        );
    }

    #[test]
    fn bullet_lists_nest_by_indentation() {
        assert_eq!(
            md("- a\n  - b\n    - c\n- d\n+ e\n* f\n\nPick:\n- g"),
            vec![
                el(
                    "ul",
                    vec![
                        li(vec![
                            text("a"),
                            el(
                                "ul",
                                vec![li(vec![text("b"), el("ul", vec![li(vec![text("c")])])])]
                            )
                        ]),
                        li(vec![text("d")]),
                    ]
                ),
                el("ul", vec![li(vec![text("e")])]),
                el("ul", vec![li(vec![text("f")])]),
                p(vec![text("Pick:")]),
                el("ul", vec![li(vec![text("g")])]),
            ]
        );
        // Not indented enough: a new top-level item; an empty item.
        assert_eq!(
            md("- a\n - b\n-"),
            vec![el(
                "ul",
                vec![li(vec![text("a")]), li(vec![text("b")]), li(vec![])]
            )]
        );
    }

    #[test]
    fn ordered_lists() {
        assert_eq!(
            md("1. a\n2. b\n\n3) c\n\nx\n2. y\n\nz\n1. w"),
            vec![
                el("ol", vec![li(vec![text("a")]), li(vec![text("b")])]),
                attrs_el("ol", vec![("start", "3")], vec![li(vec![text("c")])]),
                p(vec![text("x\n2. y")]),
                p(vec![text("z")]),
                el("ol", vec![li(vec![text("w")])]),
            ]
        );
        assert_eq!(
            md("0. zero"),
            vec![attrs_el(
                "ol",
                vec![("start", "0")],
                vec![li(vec![text("zero")])]
            )]
        );
        // Ten digits is not a list marker.
        assert_eq!(md("1234567890. x"), vec![p(vec![text("1234567890. x")])]);
    }

    #[test]
    fn loose_lists_wrap_items_in_paragraphs() {
        assert_eq!(
            md("- a\n\n- b"),
            vec![el(
                "ul",
                vec![li(vec![p(vec![text("a")])]), li(vec![p(vec![text("b")])])]
            )]
        );
        assert_eq!(
            md("- a\n- b\n\n  c"),
            vec![el(
                "ul",
                vec![
                    li(vec![p(vec![text("a")])]),
                    li(vec![p(vec![text("b")]), p(vec![text("c")])])
                ]
            )]
        );
        // A blank line inside a nested list or a fenced block keeps the outer list tight.
        assert_eq!(
            md("- a\n  - b\n\n    c\n- d"),
            vec![el(
                "ul",
                vec![
                    li(vec![
                        text("a"),
                        el("ul", vec![li(vec![p(vec![text("b")]), p(vec![text("c")])])])
                    ]),
                    li(vec![text("d")]),
                ]
            )]
        );
        assert_eq!(
            md("- ```\n  x\n\n  ```\n- y"),
            vec![el("ul", vec![li(vec![pre("x\n\n")]), li(vec![text("y")])])]
        );
    }

    #[test]
    fn fenced_code_blocks() {
        assert_eq!(
            md("~~~~\ncode\n~~~\n~~~~~\n\n```rust {x}\nlet a = 1 < 2;\n```\n\n  ```\n  x\n   y\n ```\n\n```\n*not* <b>\n"),
            vec![
                pre("code\n~~~\n"),
                pre("let a = 1 < 2;\n"),
                pre("x\n y\n"),
                pre("*not* <b>\n"),
            ]
        );
        // A backtick fence cannot have a backtick in its info string: that is a code span.
        assert_eq!(md("``` a`b\n```"), vec![p(vec![text("``` a`b")]), pre("")]);
        assert_eq!(md("```\n```"), vec![pre("")]);
    }

    #[test]
    fn indented_code_blocks() {
        assert_eq!(
            md("    a\n      b\n\n    c\n\n\npara\n    not code"),
            vec![pre("a\n  b\n\nc\n"), p(vec![text("para\nnot code")])]
        );
        assert_eq!(md("\tx\ty"), vec![pre("x\ty\n")]);
        assert_eq!(
            md("-   a\n\n         b"),
            vec![el("ul", vec![li(vec![p(vec![text("a")]), pre(" b\n")])])]
        );
    }

    #[test]
    fn code_spans() {
        assert_eq!(
            md("``a`b`` ` c ` `  ` `a\nb` `x"),
            vec![p(vec![
                code("a`b"),
                text(" "),
                code("c"),
                text(" "),
                code("  "),
                text(" "),
                code("a b"),
                text(" `x"),
            ])]
        );
        // An unclosed run does not hide later spans of another length.
        assert_eq!(
            md("``x `a` `b`"),
            vec![p(vec![text("``x "), code("a"), text(" "), code("b")])]
        );
        // Backslashes are literal inside; a code span binds tighter than emphasis and links.
        assert_eq!(
            md("`a\\` *b `*` c* [d `]` e](/x)"),
            vec![p(vec![
                code("a\\"),
                text(" "),
                el("em", vec![text("b "), code("*"), text(" c")]),
                text(" "),
                link(
                    "https://bot.example.com/x",
                    vec![text("d "), code("]"), text(" e")]
                ),
            ])]
        );
    }

    #[test]
    fn emphasis_follows_delimiter_run_rules() {
        let em = |c| el("em", c);
        let strong = |c| el("strong", c);
        assert_eq!(
            md("snake_case_words and **a** *a* __a__ _a_ ***a***"),
            vec![p(vec![
                text("snake_case_words and "),
                strong(vec![text("a")]),
                text(" "),
                em(vec![text("a")]),
                text(" "),
                strong(vec![text("a")]),
                text(" "),
                em(vec![text("a")]),
                text(" "),
                em(vec![strong(vec![text("a")])]),
            ])]
        );
        assert_eq!(md("*a **b"), vec![p(vec![text("*a **b")])]);
        assert_eq!(md("a * b *"), vec![p(vec![text("a * b *")])]);
        assert_eq!(md("**a*"), vec![p(vec![text("*"), em(vec![text("a")])])]);
        assert_eq!(
            md("*a **b** c*"),
            vec![p(vec![em(vec![
                text("a "),
                strong(vec![text("b")]),
                text(" c")
            ])])]
        );
        assert_eq!(
            md("foo*bar* foo_bar_ 2*3*4 __init__"),
            vec![p(vec![
                text("foo"),
                em(vec![text("bar")]),
                text(" foo_bar_ 2"),
                em(vec![text("3")]),
                text("4 "),
                strong(vec![text("init")]),
            ])]
        );
        // The rule of three.
        assert_eq!(md("*foo**bar*"), vec![p(vec![em(vec![text("foo**bar")])])]);
    }

    #[test]
    fn strikethrough() {
        assert_eq!(
            md("~~a~~ ~b~ ~~~c~~~ ~~d~"),
            vec![p(vec![
                el("del", vec![text("a")]),
                text(" "),
                el("del", vec![text("b")]),
                text(" ~~~c~~~ ~~d~"),
            ])]
        );
        // A single tilde does not work inside words (ranges such as `3~5`); a double one does.
        assert_eq!(md("3~5 and 7~9"), vec![p(vec![text("3~5 and 7~9")])]);
        assert_eq!(
            md("a~~b~~c"),
            vec![p(vec![text("a"), el("del", vec![text("b")]), text("c")])]
        );
    }

    #[test]
    fn inline_links_with_titles_and_angle_destinations() {
        assert_eq!(
            md("[t](<a b> \"x\") [u](/p 'y') [v](/q (z)) [w](https://e.example/a_(b)) [e]()"),
            vec![p(vec![
                titled("https://bot.example.com/a%20b", "x", "t"),
                text(" "),
                titled("https://bot.example.com/p", "y", "u"),
                text(" "),
                titled("https://bot.example.com/q", "z", "v"),
                text(" "),
                link("https://e.example/a_(b)", vec![text("w")]),
                text(" e"),
            ])]
        );
        // No links inside links: the inner one wins.
        assert_eq!(
            md("[a [b](/in) c](/out)"),
            vec![p(vec![
                text("[a "),
                link("https://bot.example.com/in", vec![text("b")]),
                text(" c](/out)"),
            ])]
        );
        // Escapes and entities are decoded in destinations and titles.
        assert_eq!(
            md("[a](/x\\_y?a=1&amp;b=2 \"&quot;q\\\"\")"),
            vec![p(vec![titled(
                "https://bot.example.com/x_y?a=1&b=2",
                "\"q\"",
                "a"
            )])]
        );
    }

    #[test]
    fn images_with_titles() {
        assert_eq!(
            md("![a *b* ![c](/n.png)](/i.png \"T\")"),
            vec![p(vec![attrs_el(
                "img",
                vec![
                    ("src", "https://bot.example.com/i.png"),
                    ("alt", "a b c"),
                    ("title", "T")
                ],
                vec![]
            )])]
        );
        assert_eq!(
            md("[![a](https://e.example/i.png)](https://e.example)"),
            vec![p(vec![link(
                "https://e.example",
                vec![attrs_el(
                    "img",
                    vec![("src", "https://e.example/i.png"), ("alt", "a")],
                    vec![]
                )]
            )])]
        );
    }

    #[test]
    fn reference_links() {
        let x = |t: &str| titled("https://x.example", "T", t);
        assert_eq!(
            md("[a][L] [L][] [l] [nope] [x][nope] [Ü]\n\n[l]: https://x.example \"T\"\n[L]: https://ignored.example\n[ü]:\n  <https://u.example>"),
            vec![p(vec![
                x("a"),
                text(" "),
                x("L"),
                text(" "),
                x("l"),
                text(" [nope] [x][nope] "),
                link("https://u.example", vec![text("Ü")]),
            ])]
        );
        // A definition alone is no paragraph; one with trailing junk is just text.
        assert_eq!(md("[a]: /x"), vec![]);
        assert_eq!(md("[a]: /x y"), vec![p(vec![text("[a]: /x y")])]);
    }

    #[test]
    fn autolinks() {
        assert_eq!(
            md("<https://x.example/a_b_c> <a.b@c.example> <nope> <a b>"),
            vec![p(vec![
                link(
                    "https://x.example/a_b_c",
                    vec![text("https://x.example/a_b_c")]
                ),
                text(" "),
                link("mailto:a.b@c.example", vec![text("a.b@c.example")]),
                text(" <nope> <a b>"),
            ])]
        );
    }

    #[test]
    fn gfm_tables_fill_and_trim_rows() {
        let cell = |tag: &'static str, class: Option<&str>, c: Vec<MdNode>| MdNode::Element {
            tag,
            attrs: class
                .map(|c| vec![("class", c.to_string())])
                .unwrap_or_default(),
            children: c,
        };
        let (center, right) = (Some("bpw-align-center"), Some("bpw-align-right"));
        assert_eq!(
            md("Intro\n| a | b | c |\n|:-:|---|--:|\n| 1 | 2 |\n| x \\| y | `q\\|r` | 3 | extra |\nafter\n\nnext"),
            vec![
                p(vec![text("Intro")]),
                el(
                    "table",
                    vec![
                        el(
                            "thead",
                            vec![el(
                                "tr",
                                vec![
                                    cell("th", center, vec![text("a")]),
                                    cell("th", None, vec![text("b")]),
                                    cell("th", right, vec![text("c")]),
                                ]
                            )]
                        ),
                        el(
                            "tbody",
                            vec![
                                el(
                                    "tr",
                                    vec![
                                        cell("td", center, vec![text("1")]),
                                        cell("td", None, vec![text("2")]),
                                        cell("td", right, vec![]),
                                    ]
                                ),
                                el(
                                    "tr",
                                    vec![
                                        cell("td", center, vec![text("x | y")]),
                                        cell("td", None, vec![code("q|r")]),
                                        cell("td", right, vec![text("3")]),
                                    ]
                                ),
                                el(
                                    "tr",
                                    vec![
                                        cell("td", center, vec![text("after")]),
                                        cell("td", None, vec![]),
                                        cell("td", right, vec![]),
                                    ]
                                ),
                            ]
                        ),
                    ]
                ),
                p(vec![text("next")]),
            ]
        );
        // Header only: no tbody. Mismatched header and delimiter row: no table.
        assert_eq!(
            md("a|b\n-|-"),
            vec![el(
                "table",
                vec![el(
                    "thead",
                    vec![el(
                        "tr",
                        vec![
                            cell("th", None, vec![text("a")]),
                            cell("th", None, vec![text("b")])
                        ]
                    )]
                )]
            )]
        );
        assert_eq!(md("| a |\n|-|-|"), vec![p(vec![text("| a |\n|-|-|")])]);
    }

    #[test]
    fn backslash_escapes() {
        assert_eq!(
            md("\\*not\\* \\_x\\_ \\a \\\\ \\[y](/z) \\# \\<b>"),
            vec![p(vec![text("*not* _x_ \\a \\ [y](/z) # <b>")])]
        );
        assert_eq!(md("\\# h"), vec![p(vec![text("# h")])]);
        assert_eq!(md("\\- i"), vec![p(vec![text("- i")])]);
    }

    #[test]
    fn entity_references() {
        assert_eq!(
            md("&#123; &#x1F600; &#0; &#xD800; &#1234567890; &copy; &unknown; &amp;lt; &#xZZ; &hellip;&nbsp;&"),
            vec![p(vec![text(
                "{ 😀 \u{fffd} \u{fffd} &#1234567890; © &unknown; &lt; &#xZZ; …\u{a0}&"
            )])]
        );
        // Not in code.
        assert_eq!(md("`&amp;`"), vec![p(vec![code("&amp;")])]);
    }

    #[test]
    fn raw_html_blocks_and_tags_stay_text() {
        assert_eq!(
            md("<!-- c -->\n\na <b>x</b> <!-- y --> *c*\n\n<div>\n**x**\n</div>\n\n<custom-tag a=\"1\">\n*z*"),
            vec![
                text("<!-- c -->\n"),
                p(vec![
                    text("a <b>x</b> <!-- y --> "),
                    el("em", vec![text("c")])
                ]),
                // Adjacent blocks join as one text node, as the source had them.
                text("<div>\n**x**\n</div>\n<custom-tag a=\"1\">\n*z*"),
            ]
        );
        // Markdown inside a tag's attributes is not interpreted; URLs in it are not linkified.
        assert_eq!(
            md("x <a href=\"https://e.example/*a*\"> y"),
            vec![p(vec![text("x <a href=\"https://e.example/*a*\"> y")])]
        );
    }

    /// Each input must parse fast (a quadratic step would take many seconds on these sizes).
    fn timed(src: &str) -> Vec<MdNode> {
        let t = std::time::Instant::now();
        let nodes = md(src);
        let took = t.elapsed();
        assert!(
            took < std::time::Duration::from_secs(3),
            "{took:?} for {:?}…",
            &src[..src.len().min(40)]
        );
        assert!(depth(&nodes) <= MAX_DEPTH, "too deep");
        assert_safe(&nodes);
        nodes
    }

    #[test]
    fn pathological_inputs_run_in_linear_time() {
        let n = 50_000;
        let brackets = "[".repeat(n);
        assert_eq!(all_text(&timed(&brackets)), brackets);
        let stars = format!("a{}", "*".repeat(n));
        assert_eq!(all_text(&timed(&stars)), stars);
        assert_eq!(timed(&"*".repeat(n)), vec![el("hr", vec![])]);
        let alternating = "**a".repeat(n / 3);
        assert_eq!(all_text(&timed(&alternating)).matches('a').count(), n / 3);
        timed(&"*a **b ".repeat(n / 7));
        timed(&"_a __b ".repeat(n / 7));
        timed(&"a_".repeat(n / 2));
        timed(&"~~a ~".repeat(n / 5));
        // Thousands of nested strong runs: the tree depth is capped, the text kept.
        let nested = format!("{}a{}", "*".repeat(n / 2), "*".repeat(n / 2));
        assert_eq!(all_text(&timed(&nested)), "a");
        let quotes = ">".repeat(n);
        assert_eq!(
            all_text(&timed(&quotes)),
            ">".repeat(n - usize::from(cmark::MAX_NEST))
        );
        timed(&"> ".repeat(n / 2));
        timed(&format!("{}\n", "> a\n".repeat(n / 4)));
        let items = "1. ".repeat(10_000);
        assert_eq!(
            all_text(&timed(&items)),
            "1. "
                .repeat(10_000 - usize::from(cmark::MAX_NEST))
                .trim_end()
        );
        timed(&"- a\n  ".repeat(10_000));
        timed(
            &(0..300)
                .map(|i| format!("{}- x\n", " ".repeat(i * 2)))
                .collect::<String>(),
        );
        let ticks = format!("a{}", "`".repeat(10_000));
        assert_eq!(all_text(&timed(&ticks)), ticks);
        let runs: String = (1..300).map(|i| format!("a{} ", "`".repeat(i))).collect();
        assert_eq!(all_text(&timed(&runs)), runs.trim_end());
        timed(&"`a``".repeat(n / 4));
        timed(&"a <!--".repeat(n / 6));
        timed(&"a <?".repeat(n / 4));
        timed(&"a <![CDATA[".repeat(n / 11));
        timed(&"a <!X".repeat(n / 5));
        timed(&"<a b=\"".repeat(n / 6));
        timed(&"<a b='x' ".repeat(n / 9));
        timed(&"[a](".repeat(n / 4));
        timed(&"[a](<".repeat(n / 5));
        timed(&"[a](b \"".repeat(n / 7));
        timed(&"[](a(".repeat(n / 5));
        timed(&"![[".repeat(n / 3));
        timed(&format!("{}a{}", "[".repeat(n / 2), "](/x)".repeat(n / 10)));
        timed(&format!("{}{}", "[a]".repeat(n / 6), "\n\n[a]: /x"));
        timed(&format!("[x]: /u\n{}", "[x][x]".repeat(n / 6)));
        timed(&"[a][b".repeat(n / 5));
        timed(&"&#".repeat(n / 2));
        timed(&"&amp".repeat(n / 4));
        timed(&"\\".repeat(n));
        timed(&" \n".repeat(n / 2));
        timed(&"|".repeat(n));
        timed(&format!("{}\n{}\n", "|a".repeat(500), "|-".repeat(500)).repeat(20));
        timed(&"https://x.example/".repeat(n / 18));
        timed(&format!("https://x.example/{}", ")".repeat(n)));
        timed(&format!("```\n{}", "a\n".repeat(n / 2)));
    }

    #[test]
    fn fuzz_never_panics_and_stays_safe() {
        const ALPHABET: &[&str] = &[
            "*",
            "_",
            "~",
            "`",
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "!",
            "\\",
            "&",
            "#",
            ";",
            ":",
            "|",
            "-",
            "+",
            "=",
            "1.",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "a",
            "b",
            "é",
            "😀",
            "\"",
            "'",
            "/",
            "x:",
            "http://",
            "javascript:",
            "www.",
            "@",
            "&amp;",
            "&#x",
            "<a ",
            "<!--",
            "-->",
            "    ",
            "> ",
            "- ",
            "```",
            "~~~",
            "---",
            "|-|",
            "\r",
            "\u{0}",
            "\u{a0}",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..4_000 {
            let len = next() % 60;
            let mut src = String::new();
            for _ in 0..len {
                src.push_str(ALPHABET[next() % ALPHABET.len()]);
            }
            let nodes = md(&src);
            assert_safe(&nodes);
            let mut all = Vec::new();
            walk(&nodes, &mut all);
            for n in all {
                for name in ["href", "src"] {
                    if let Some(v) = n.attr(name) {
                        assert!(safe_url(v, HOST).is_some(), "{src:?}: {name}={v:?}");
                    }
                }
            }
        }
    }
}

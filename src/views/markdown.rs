//! Markdown and plain text → a neutral node tree → Leptos views; no HTML string is ever parsed.
//!
//! v12 renders `markdown:true` text with snarkdown and linkifies plain text (botpress-protocols.md §1.8).
//! Here markdown is CommonMark plus GFM tables, strikethrough and bare-URL autolinks, parsed by
//! pulldown-cmark. Raw HTML (block or inline) is kept as *literal text*. The parser output becomes an
//! [`MdNode`] tree whose tags come from a fixed allowlist ([`ALLOWED_TAGS`]) and whose only attributes
//! are the ones this module sets; every link and image URL passes [`crate::views::url::safe_url`] or
//! degrades to text. The tree is then turned into Leptos elements (text always goes in text nodes).

use leptos::prelude::*;
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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
    vec![
        ("href", href),
        ("target", "_blank".into()),
        ("rel", "noopener noreferrer".into()),
    ]
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
pub fn linkify(text: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        plain.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        match link_in_word(word) {
            Some((before, url, after)) => {
                plain.push_str(before);
                let href = if url.len() >= 4 && url[..4].eq_ignore_ascii_case("www.") {
                    format!("https://{url}")
                } else {
                    url.to_string()
                };
                match safe_url(&href, "") {
                    Some(href) => {
                        if !plain.is_empty() {
                            out.push(Inline::Text(std::mem::take(&mut plain)));
                        }
                        out.push(Inline::Link {
                            href,
                            text: url.to_string(),
                        });
                    }
                    None => plain.push_str(url),
                }
                plain.push_str(after);
            }
            None => plain.push_str(word),
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// Finds a URL inside one whitespace-free word: `(text before, url, text after)`.
fn link_in_word(word: &str) -> Option<(&str, &str, &str)> {
    let lower = word.to_ascii_lowercase();
    let start = ["https://", "http://", "www."]
        .iter()
        .filter_map(|p| lower.find(p))
        .min()?;
    // `xwww.` or `ahttp://` is not a link start; an opening bracket or quote before it is fine.
    if start > 0 {
        let prev = word[..start].chars().next_back()?;
        if prev.is_alphanumeric() {
            return None;
        }
    }
    let candidate = &word[start..];
    let mut end = candidate.len();
    // Bracket counts of `candidate[..end]`, kept up to date as characters are stripped (counting
    // afresh for each stripped character made a long run of `)` quadratic).
    let count = |c: char| candidate.matches(c).count();
    let (open_paren, open_square) = (count('('), count('['));
    let (mut close_paren, mut close_square) = (count(')'), count(']'));
    while let Some(last) = candidate[..end].chars().next_back() {
        let strip = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '*' | '_' | '<' | '>' => true,
            ')' => open_paren < close_paren,
            ']' => open_square < close_square,
            _ => false,
        };
        if !strip {
            break;
        }
        match last {
            ')' => close_paren -= 1,
            ']' => close_square -= 1,
            _ => {}
        }
        end -= last.len_utf8();
    }
    let url = &candidate[..end];
    let min_len = if url.to_ascii_lowercase().starts_with("www.") {
        5
    } else {
        9
    };
    if url.len() < min_len || url.ends_with("://") {
        return None;
    }
    Some((&word[..start], url, &candidate[end..]))
}

/// Linkified plain text as nodes (text and `a` elements).
pub fn plain_text_nodes(text: &str) -> Vec<MdNode> {
    linkify(text)
        .into_iter()
        .map(|i| match i {
            Inline::Text(t) => MdNode::Text(t),
            Inline::Link { href, text } => {
                MdNode::element("a", link_attrs(href), vec![MdNode::Text(text)])
            }
        })
        .collect()
}

struct Frame {
    /// `None`: a transparent frame whose children are lifted into the parent.
    tag: Option<&'static str>,
    attrs: Vec<(&'static str, String)>,
    children: Vec<MdNode>,
    /// Image frames: the checked source (or `None` when refused: the alt text is shown instead).
    image: Option<Option<String>>,
}

impl Frame {
    fn new(tag: Option<&'static str>, attrs: Vec<(&'static str, String)>) -> Self {
        Frame {
            tag,
            attrs,
            children: Vec::new(),
            image: None,
        }
    }
}

struct Builder<'h> {
    stack: Vec<Frame>,
    bot_host: &'h str,
    alignments: Vec<Alignment>,
    cell: usize,
    in_head: bool,
    in_link: usize,
    in_code: usize,
    /// Text waiting to be linkified: the parser splits text at delimiter characters (`_`, `*`, `[`),
    /// so consecutive text events are joined before URLs are looked for.
    pending: String,
}

impl Builder<'_> {
    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let text = std::mem::take(&mut self.pending);
            for node in plain_text_nodes(&text) {
                self.leaf(node);
            }
        }
    }

    fn push(&mut self, tag: Option<&'static str>, attrs: Vec<(&'static str, String)>) {
        self.stack.push(Frame::new(tag, attrs));
    }

    fn pop(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let node = match (frame.tag, frame.image) {
            (_, Some(src)) => {
                let alt = frame
                    .children
                    .iter()
                    .map(MdNode::text_content)
                    .collect::<String>();
                match src {
                    Some(src) => {
                        let mut attrs = vec![("src", src), ("alt", alt)];
                        attrs.extend(frame.attrs);
                        vec![MdNode::element("img", attrs, Vec::new())]
                    }
                    None => vec![MdNode::Text(alt)],
                }
            }
            (Some(tag), None) => vec![MdNode::element(tag, frame.attrs, frame.children)],
            (None, None) => frame.children,
        };
        if let Some(parent) = self.stack.last_mut() {
            parent.children.extend(node);
        }
    }

    fn leaf(&mut self, node: MdNode) {
        if let Some(top) = self.stack.last_mut() {
            // Merge adjacent text so the tree stays small and predictable.
            if let (MdNode::Text(new), Some(MdNode::Text(prev))) = (&node, top.children.last_mut())
            {
                prev.push_str(new);
                return;
            }
            top.children.push(node);
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_link > 0 || self.in_code > 0 {
            self.leaf(MdNode::Text(text.to_string()));
        } else {
            self.pending.push_str(text);
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.push(Some("p"), vec![]),
            Tag::Heading { level, .. } => self.push(Some(heading(level)), vec![]),
            Tag::BlockQuote(_) => self.push(Some("blockquote"), vec![]),
            Tag::CodeBlock(_) => {
                self.in_code += 1;
                self.push(Some("pre"), vec![]);
                self.push(Some("code"), vec![]);
            }
            Tag::List(Some(start)) if start != 1 => {
                self.push(Some("ol"), vec![("start", start.to_string())])
            }
            Tag::List(Some(_)) => self.push(Some("ol"), vec![]),
            Tag::List(None) => self.push(Some("ul"), vec![]),
            Tag::Item => self.push(Some("li"), vec![]),
            Tag::Table(alignments) => {
                self.alignments = alignments;
                self.push(Some("table"), vec![]);
            }
            Tag::TableHead => {
                self.in_head = true;
                self.cell = 0;
                self.push(Some("thead"), vec![]);
                self.push(Some("tr"), vec![]);
            }
            Tag::TableRow => {
                self.cell = 0;
                self.push(Some("tr"), vec![]);
            }
            Tag::TableCell => {
                let tag = if self.in_head { "th" } else { "td" };
                let class = match self.alignments.get(self.cell) {
                    Some(Alignment::Left) => Some("bpw-align-left"),
                    Some(Alignment::Center) => Some("bpw-align-center"),
                    Some(Alignment::Right) => Some("bpw-align-right"),
                    _ => None,
                };
                self.cell += 1;
                self.push(
                    Some(tag),
                    class
                        .map(|c| vec![("class", c.to_string())])
                        .unwrap_or_default(),
                );
            }
            Tag::Emphasis => self.push(Some("em"), vec![]),
            Tag::Strong => self.push(Some("strong"), vec![]),
            Tag::Strikethrough => self.push(Some("del"), vec![]),
            Tag::Superscript => self.push(Some("sup"), vec![]),
            Tag::Subscript => self.push(Some("sub"), vec![]),
            Tag::Link {
                dest_url, title, ..
            } => {
                self.in_link += 1;
                match safe_url(&dest_url, self.bot_host) {
                    Some(href) => {
                        let mut attrs = link_attrs(href);
                        if !title.is_empty() {
                            attrs.push(("title", title.to_string()));
                        }
                        self.push(Some("a"), attrs);
                    }
                    // A refused link keeps its text, without the link.
                    None => self.push(None, vec![]),
                }
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.in_link += 1;
                let attrs = if title.is_empty() {
                    vec![]
                } else {
                    vec![("title", title.to_string())]
                };
                let mut frame = Frame::new(None, attrs);
                frame.image = Some(safe_url(&dest_url, self.bot_host));
                self.stack.push(frame);
            }
            // Not enabled, or not rendered as structure: keep the content, drop the wrapper.
            Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.push(None, vec![]),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::CodeBlock => {
                self.in_code = self.in_code.saturating_sub(1);
                self.pop();
                self.pop();
            }
            TagEnd::TableHead => {
                self.in_head = false;
                self.pop();
                self.pop();
                self.push(Some("tbody"), vec![]);
            }
            TagEnd::Table => {
                if self.stack.last().is_some_and(|f| f.tag == Some("tbody")) {
                    let empty = self.stack.last().is_some_and(|f| f.children.is_empty());
                    if empty {
                        self.stack.pop();
                    } else {
                        self.pop();
                    }
                }
                self.pop();
            }
            TagEnd::Link | TagEnd::Image => {
                self.in_link = self.in_link.saturating_sub(1);
                self.pop();
            }
            _ => self.pop(),
        }
    }
}

fn heading(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

/// Parses markdown into sanitized nodes. Relative link/image URLs are resolved on `bot_host`.
pub fn parse_markdown(src: &str, bot_host: &str) -> Vec<MdNode> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut b = Builder {
        stack: vec![Frame::new(None, vec![])],
        bot_host,
        alignments: Vec::new(),
        cell: 0,
        in_head: false,
        in_link: 0,
        in_code: 0,
        pending: String::new(),
    };
    for event in Parser::new_ext(src, options) {
        if !matches!(event, Event::Text(_)) {
            b.flush();
        }
        match event {
            Event::Start(tag) => b.start(tag),
            Event::End(tag) => b.end(tag),
            Event::Text(t) => b.text(&t),
            Event::Code(t) => {
                b.push(Some("code"), vec![]);
                b.leaf(MdNode::Text(t.to_string()));
                b.pop();
            }
            // Raw HTML is shown as the literal text the bot sent.
            Event::Html(t) | Event::InlineHtml(t) => b.leaf(MdNode::Text(t.to_string())),
            Event::InlineMath(t) | Event::DisplayMath(t) => b.leaf(MdNode::Text(t.to_string())),
            Event::FootnoteReference(t) => b.leaf(MdNode::Text(format!("[^{t}]"))),
            Event::SoftBreak => b.leaf(MdNode::Text("\n".into())),
            Event::HardBreak => b.leaf(MdNode::element("br", vec![], vec![])),
            Event::Rule => b.leaf(MdNode::element("hr", vec![], vec![])),
            Event::TaskListMarker(done) => {
                b.leaf(MdNode::Text(if done { "[x] " } else { "[ ] " }.into()))
            }
        }
    }
    b.flush();
    while b.stack.len() > 1 {
        b.pop();
    }
    b.stack.pop().map(|f| f.children).unwrap_or_default()
}

/// Renders sanitized nodes as Leptos views.
pub fn nodes_view(nodes: Vec<MdNode>) -> Vec<AnyView> {
    nodes.into_iter().map(node_view).collect()
}

fn node_view(node: MdNode) -> AnyView {
    let (tag, attrs, children) = match node {
        MdNode::Text(t) => return t.into_any(),
        MdNode::Element {
            tag,
            attrs,
            children,
        } => (tag, attrs, children),
    };
    let get = |name: &str| {
        attrs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let kids = nodes_view(children);
    match tag {
        "a" => {
            let label = get("title");
            view! {
                <a
                    class="bpw-link"
                    data-testid="bpw-link"
                    href=get("href")
                    target="_blank"
                    rel="noopener noreferrer"
                    title=label
                >
                    {kids}
                </a>
            }
            .into_any()
        }
        "img" => view! {
            <img class="bpw-md-image" src=get("src") alt=get("alt") title=get("title") loading="lazy" />
        }
        .into_any(),
        "ol" => view! { <ol start=get("start")>{kids}</ol> }.into_any(),
        "th" => view! { <th class=get("class")>{kids}</th> }.into_any(),
        "td" => view! { <td class=get("class")>{kids}</td> }.into_any(),
        // Every other allowlisted tag carries no attributes.
        _ => leptos::html::custom(tag).child(kids).into_any(),
    }
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
}

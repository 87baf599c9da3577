//! A small CommonMark + GFM parser for chat messages: markdown source → a flat list of [`Event`]s.
//!
//! It replaces pulldown-cmark, whose size (with its HTML-entity table and `unicase`) was out of
//! proportion for a chat widget. [`crate::views::markdown`] turns the events into sanitized nodes.
//!
//! **Supported** (CommonMark 0.31 block and inline structure, plus the GFM extensions a bot uses):
//! paragraphs, soft and hard line breaks (two trailing spaces or a backslash), ATX and setext
//! headings, thematic breaks, block quotes (nested, with lazy continuation), bullet and ordered lists
//! (nesting by indentation, tight/loose, start number), fenced (```` ``` ```` / `~~~`) and indented
//! code blocks, code spans, emphasis and strong emphasis with the delimiter-run rules, GFM
//! strikethrough (`~a~`, `~~a~~`; a single `~` cannot open or close inside a word, so that ranges
//! such as `3~5` stay text), inline links and images with titles, reference links (full,
//! collapsed, shortcut) and link reference definitions, autolinks (`<https://…>`, `<a@b.c>`), GFM
//! tables (alignment, `\|` escapes, short and long rows, a header line may end a paragraph as on
//! GitHub), backslash escapes, numeric character references and a few common named entities (see
//! [`ENTITIES`]). HTML blocks and inline HTML are recognised as CommonMark does, so that markdown
//! inside them is not interpreted, and come out as [`Event::Raw`] text: they are never HTML.
//!
//! **Deliberately not supported:** the full HTML5 entity table (unknown names stay literal text),
//! Unicode case folding for link labels (labels match after JavaScript's `toLowerCase`), footnotes, task
//! list markers, GFM bare-URL autolinks (the caller linkifies text itself), math, smart punctuation,
//! code spans delimited by more than 64 backticks, and block nesting deeper than [`MAX_NEST`]
//! (deeper `>` or list markers are text).
//!
//! Robustness: this parses untrusted input. It works on `&str` with byte indices that only ever stop
//! at ASCII syntax characters, so every slice falls on a char boundary; nothing unwraps
//! input-derived data; every forward scan is either bounded or remembered, so that the whole parse
//! runs in roughly linear time whatever the input (long runs of `[`, `*`, backticks, `<!--`, deep
//! `>` or list nesting).

/// Deepest nesting of block quotes and list items; a deeper marker is read as text.
pub const MAX_NEST: u8 = 32;

/// "No index" for the delimiter list links.
const NONE: usize = usize::MAX;

/// Longest backtick run that can open a code span (longer runs stay literal).
const MAX_TICKS: usize = 64;

/// The named character references decoded (HTML5 names, case-sensitive), each written as the
/// reference then its character, in one string that [`entity`] searches; others stay literal.
pub const ENTITIES: &str =
    "&amp;&&lt;<&gt;>&quot;\"&apos;'&nbsp;\u{a0}&copy;©&reg;®&trade;™&hellip;…&mdash;—\
&ndash;–&laquo;«&raquo;»&ldquo;“&rdquo;”&lsquo;‘&rsquo;’&bull;•&middot;·&deg;°&times;×\
&divide;÷&euro;€&pound;£&yen;¥&cent;¢&sect;§&para;¶&plusmn;±&frac12;½&frac14;¼&frac34;¾\
&larr;←&rarr;→&uarr;↑&darr;↓&harr;↔";

/// The tag names that start an HTML block of CommonMark type 6.
const BLOCK_TAGS: &str = "address article aside base basefont blockquote body caption center col \
colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 \
h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup \
option p param search section summary table tbody td tfoot th thead title tr track ul";

/// The tag names of CommonMark HTML block type 1 (ended by their closing tag, not a blank line).
const RAW_TAGS: &str = "script pre style textarea";

/// Is `name` one of the space-separated words of `list` (ASCII case-insensitive)?
fn in_list(list: &str, name: &[u8]) -> bool {
    let mut rest = list.as_bytes();
    loop {
        let end = skip(rest, 0, |c| c != b' ');
        if rest[..end].eq_ignore_ascii_case(name) {
            return true;
        }
        match rest.get(end + 1..) {
            Some(next) => rest = next,
            None => return false,
        }
    }
}

/// The tag name (ASCII letters and digits) at `i`, and the index past it.
fn tag_name(b: &[u8], i: usize) -> (&[u8], usize) {
    let st = i.min(b.len());
    let end = skip(b, st, |c| c.is_ascii_alphanumeric());
    (&b[st..end], end)
}

/// The alignment of a table column, from its delimiter cell (`:--`, `:-:`, `--:`). (The markdown
/// builder indexes its cell classes by this order.)
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
pub enum Align {
    /// `---`: no alignment.
    None,
    /// `:--`
    Left,
    /// `:-:`
    Center,
    /// `--:`
    Right,
}

/// A structure opened by [`Event::Start`] and closed by the matching [`Event::End`].
#[derive(Clone, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub enum Tag {
    /// A paragraph (omitted directly inside the items of a tight list).
    Paragraph,
    /// A heading of level 1 to 6.
    Heading(u8),
    /// A block quote.
    Quote,
    /// A list: `Some(start number)` when ordered, `None` for bullets.
    List(Option<u32>),
    /// A list item.
    Item,
    /// A GFM table: a [`Tag::Head`] then, when there are rows, a [`Tag::Body`].
    Table,
    /// The table header (one [`Tag::Row`]).
    Head,
    /// The table body (rows).
    Body,
    /// A table row; always has as many cells as the header.
    Row,
    /// A table cell.
    Cell {
        /// In the header row.
        head: bool,
        /// The column's alignment.
        align: Align,
    },
    /// Emphasis (`*a*`, `_a_`).
    Emph,
    /// Strong emphasis (`**a**`, `__a__`).
    Strong,
    /// Strikethrough (`~a~`, `~~a~~`).
    Del,
    /// A link, or an image (whose content events are the alt text); the URL is decoded (escapes,
    /// entities) but not checked.
    Link {
        /// An image (`![…](…)`) rather than a link.
        image: bool,
        /// The destination or source as written (after decoding).
        url: String,
        /// The title, empty when absent.
        title: String,
    },
}

/// One step of the parse, in document order. Starts and ends are always balanced.
#[derive(Clone, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub enum Event {
    /// Opens a structure.
    Start(Tag),
    /// Closes the innermost open structure.
    End,
    /// Document text, escapes and entities decoded.
    Text(String),
    /// Raw HTML (a block or an inline tag, comment…), to be shown verbatim as text.
    Raw(String),
    /// The content of a code span.
    Code(String),
    /// The content of a fenced or indented code block (each line ends with `\n`).
    CodeBlock(String),
    /// A soft line break.
    SoftBreak,
    /// A hard line break.
    HardBreak,
    /// A thematic break.
    Rule,
}

/// Receives the events of a parse, in document order.
pub trait Sink {
    /// Takes the next event.
    fn push(&mut self, event: Event);
}

impl Sink for Vec<Event> {
    fn push(&mut self, event: Event) {
        Vec::push(self, event);
    }
}

/// Parses markdown into a list of events (see [`parse_into`]).
pub fn parse(src: &str) -> Vec<Event> {
    let mut out = Vec::new();
    parse_into(src, &mut out);
    out
}

/// Parses markdown, handing each event to `out` as it is made (no list of events in between).
pub fn parse_into(src: &str, out: &mut impl Sink) {
    // NUL is replaced for safety, as CommonMark asks.
    let owned;
    let src = if in_set(src.as_bytes(), 0) {
        owned = src.replace('\0', "\u{fffd}");
        owned.as_str()
    } else {
        src
    };
    let mut p = Blocks {
        stack: Vec::new(),
        refs: Vec::new(),
        ln: "",
        line_no: 0,
        pos: 0,
        col: 0,
        partial: false,
        nn: 0,
        nn_col: 0,
        indent: 0,
        blank: false,
        matched: 0,
        all_closed: true,
        eol: false,
    };
    p.stack.push(Block::new(Kind::Doc, 0, 0));
    let mut rest = src;
    while !rest.is_empty() {
        let end = skip(rest.as_bytes(), 0, |c| c != b'\n' && c != b'\r');
        let next = match rest.as_bytes().get(end) {
            Some(b'\r') if rest.as_bytes().get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        };
        p.eol = next > end;
        p.line(&rest[..end]);
        rest = &rest[next..];
    }
    while p.stack.len() > 1 {
        p.close_top();
    }
    // Sorted by label, in definition order within a label ([`find_ref`] takes the first).
    sort_refs_in_place(&mut p.refs);
    if let Some(doc) = p.stack.first_mut() {
        emit(doc, false, &p.refs, out);
    }
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

/// `refs` ordered by label, and by definition order within a label (see [`sort_refs_in_place`]).
#[cfg(test)]
fn sort_refs(mut refs: Vec<Ref>) -> Vec<Ref> {
    sort_refs_in_place(&mut refs);
    refs
}

/// Orders `refs` by label, and by definition order within a label. A heapsort on
/// (label, order): O(n log n) like core's stable sort, in a tenth of its wasm size.
fn sort_refs_in_place(refs: &mut [Ref]) {
    let n = refs.len();
    let sift = |refs: &mut [Ref], mut root: usize, end: usize| loop {
        let less = |a: &Ref, b: &Ref| (a.label.as_str(), a.order) < (b.label.as_str(), b.order);
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&refs[child], &refs[child + 1]) {
            child += 1;
        }
        if !less(&refs[root], &refs[child]) {
            break;
        }
        refs.swap(root, child);
        root = child;
    };
    for start in (0..n / 2).rev() {
        sift(refs, start, n);
    }
    for end in (1..n).rev() {
        refs.swap(0, end);
        sift(refs, 0, end);
    }
}

/// A link reference definition.
struct Ref {
    /// Normalized label (see [`normalize`]).
    label: String,
    url: String,
    title: String,
    /// Its position among the definitions (the tie-break that keeps [`sort_refs_in_place`] stable).
    order: usize,
}

#[derive(Clone, Copy)]
enum Kind {
    Doc,
    Quote,
    List {
        ordered: bool,
        /// Bullet character, or the delimiter (`.`/`)`) of an ordered list.
        mark: u8,
        start: u32,
        tight: bool,
    },
    /// `width`: the columns of content indentation (marker offset + marker + padding).
    Item {
        width: usize,
    },
    Para,
    Heading(u8),
    Rule,
    /// `fence`: the fence character, 0 for an indented block; `indent`: the fence's indentation.
    Code {
        fence: u8,
        len: usize,
        indent: usize,
    },
    Html(u8),
    Table,
}

struct Block {
    kind: Kind,
    /// Block quotes and list items around (and including) this block.
    depth: u8,
    /// First and last source lines (1-based), for tight/loose lists.
    start: usize,
    end: usize,
    /// Raw content of paragraphs, headings, code and HTML blocks; a table's delimiter row.
    text: String,
    /// Indented code: the length of `text` up to its last non-blank line.
    keep: usize,
    children: Vec<Block>,
    /// Table rows as written (split into cells when emitted), header row first.
    rows: Vec<String>,
}

impl Block {
    fn new(kind: Kind, depth: u8, line: usize) -> Self {
        Block {
            kind,
            depth,
            start: line,
            end: line,
            text: String::new(),
            keep: 0,
            children: Vec::new(),
            rows: Vec::new(),
        }
    }
}

/// What a block start did with the line.
enum Start {
    None,
    /// Opened a container; look for more starts.
    Container,
    /// Opened a leaf that takes the rest of the line.
    Leaf,
    /// Consumed the whole line.
    Done,
}

/// The block parser (the CommonMark "phase 1" algorithm): a stack of open blocks, fed line by line.
struct Blocks<'a> {
    stack: Vec<Block>,
    refs: Vec<Ref>,
    ln: &'a str,
    line_no: usize,
    /// Byte offset and column in the line; `partial`: the tab at `pos` is partly consumed.
    pos: usize,
    col: usize,
    partial: bool,
    /// Next non-space byte and its column; `indent` = its column minus `col`.
    nn: usize,
    nn_col: usize,
    indent: usize,
    blank: bool,
    /// Deepest stack index whose block matched this line, and whether all did.
    matched: usize,
    all_closed: bool,
    /// The line had a line ending (HTML blocks keep the source's line endings).
    eol: bool,
}

fn is_space_tab(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// `s` without the bytes of `set` (ASCII) at its start and end: `trim_matches` without core's
/// char-pattern searchers (one instance per pattern type, each decoding UTF-8).
fn trim<'s>(s: &'s str, set: &[u8]) -> &'s str {
    let b = s.as_bytes();
    let mut n = 0;
    while n < b.len() && in_set(set, b[n]) {
        n += 1;
    }
    trim_end(s.get(n..).unwrap_or(""), set)
}

/// `s` without the bytes of `set` (ASCII) at its end: `trim_end_matches` on bytes.
fn trim_end<'s>(s: &'s str, set: &[u8]) -> &'s str {
    let b = s.as_bytes();
    let mut n = b.len();
    while n > 0 && in_set(set, b[n - 1]) {
        n -= 1;
    }
    s.get(..n).unwrap_or("")
}

/// `set.contains(&c)` by a plain loop: the sets here are short, and core's `contains` on bytes
/// brings its `memchr` along at each call site. (Also used to look for one byte in a line.)
#[allow(clippy::manual_contains)] // on purpose: see above
pub(super) fn in_set(set: &[u8], c: u8) -> bool {
    set.iter().any(|&x| x == c)
}

/// How many times `ch` repeats at the start of `b` (out of line: it has eight callers).
#[inline(never)]
fn run_of(b: &[u8], ch: u8) -> usize {
    b.iter().take_while(|&&c| c == ch).count()
}

/// `b` holds only spaces and tabs (or nothing). (Out of line: inlined at its callers, it grew.)
#[inline(never)]
fn all_space_tab(b: &[u8]) -> bool {
    skip(b, 0, is_space_tab) == b.len()
}

/// The first index from `i` whose byte fails `keep` (or the length of `b`): the byte loops of
/// the scanners share this one body instead of each inlining its own (kept out of line on
/// purpose: inlined, every call site got its loop back).
#[inline(never)]
fn skip(b: &[u8], mut i: usize, keep: fn(u8) -> bool) -> usize {
    while b.get(i).is_some_and(|&c| keep(c)) {
        i += 1;
    }
    i
}

fn is_blank(s: &str) -> bool {
    skip(s.as_bytes(), 0, |c| matches!(c, b' ' | b'\t' | b'\n')) == s.len()
}

impl<'a> Blocks<'a> {
    /// The byte at `i`, `\n` past the end of the line (out of line: it has nine callers).
    #[inline(never)]
    fn at(&self, i: usize) -> u8 {
        self.ln.as_bytes().get(i).copied().unwrap_or(b'\n')
    }

    /// The rest of the line from byte `i`.
    fn from(&self, i: usize) -> &'a str {
        self.ln.get(i..).unwrap_or("")
    }

    fn find_nonspace(&mut self) {
        let b = self.ln.as_bytes();
        let (mut i, mut c) = (self.pos, self.col);
        while let Some(&ch) = b.get(i) {
            match ch {
                b' ' => c += 1,
                b'\t' => c += 4 - c % 4,
                _ => break,
            }
            i += 1;
        }
        self.nn = i;
        self.nn_col = c;
        self.indent = c - self.col;
        self.blank = i >= b.len();
    }

    /// Moves to the next non-space (out of line: it has eight callers).
    #[inline(never)]
    fn advance_nn(&mut self) {
        self.pos = self.nn;
        self.col = self.nn_col;
        self.partial = false;
    }

    /// Advances over `count` columns, splitting a tab when it is wider than what is left. Only
    /// ever called over ASCII (spaces, tabs, markers).
    fn advance(&mut self, mut count: usize) {
        let b = self.ln.as_bytes();
        while count > 0 {
            let Some(&ch) = b.get(self.pos) else { break };
            let n = if ch == b'\t' {
                (4 - self.col % 4).min(count)
            } else {
                1
            };
            self.partial = ch == b'\t' && n < 4 - self.col % 4;
            self.col += n;
            if !self.partial {
                self.pos += 1;
            }
            count -= n;
        }
    }

    /// Handles one line (without its line ending).
    fn line(&mut self, ln: &'a str) {
        self.ln = ln;
        self.line_no += 1;
        self.pos = 0;
        self.col = 0;
        self.partial = false;
        self.blank = false;
        let mut matched = 0;
        let mut all = true;
        let mut i = 1;
        while i < self.stack.len() {
            self.find_nonspace();
            match self.cont(i) {
                0 => matched = i,
                1 => {
                    all = false;
                    break;
                }
                _ => return,
            }
            i += 1;
        }
        self.matched = matched;
        self.all_closed = all;
        let mut container = matched;
        let mut leaf = matches!(
            self.stack[container].kind,
            Kind::Code { .. } | Kind::Html(_)
        );
        while !leaf {
            self.find_nonspace();
            if self.indent < 4 && !in_set(b"#`~*+_=<>-|:0123456789", self.at(self.nn)) {
                self.advance_nn();
                break;
            }
            match self.start(container) {
                Start::Container => container = self.stack.len() - 1,
                Start::Leaf => leaf = true,
                Start::Done => return,
                Start::None => {
                    self.advance_nn();
                    break;
                }
            }
        }
        let lazy = matches!(self.stack.last().map(|b| b.kind), Some(Kind::Para));
        if !self.all_closed && !self.blank && lazy {
            self.add_line();
            return;
        }
        self.close_unmatched();
        let Some(kind) = self.stack.last().map(|b| b.kind) else {
            return;
        };
        match kind {
            Kind::Para | Kind::Code { .. } => self.add_line(),
            Kind::Html(t) => {
                let rest = self.from(self.pos);
                self.add_line();
                if html_end(t, rest) {
                    self.close_top();
                }
            }
            Kind::Table => {
                let row = self.from(self.pos).to_string();
                let line_no = self.line_no;
                if let Some(top) = self.stack.last_mut() {
                    top.rows.push(row);
                    top.end = line_no;
                }
            }
            _ => {
                if !self.blank {
                    self.add_child(Kind::Para);
                    self.advance_nn();
                    self.add_line();
                }
            }
        }
    }

    /// Consumes a block quote marker at the next non-space: `>` and one optional space.
    fn quote_marker(&mut self) {
        self.advance_nn();
        self.advance(1);
        if is_space_tab(self.at(self.pos)) {
            self.advance(1);
        }
    }

    /// Does open block `i` continue on this line? 0: yes, 1: no, 2: the line is used up.
    fn cont(&mut self, i: usize) -> u8 {
        let indented = self.indent >= 4;
        match self.stack[i].kind {
            Kind::Quote => {
                if indented || self.at(self.nn) != b'>' {
                    return 1;
                }
                self.quote_marker();
                self.stack[i].end = self.line_no;
            }
            Kind::Item { width } => {
                if self.blank {
                    // A blank line after an empty item ends it.
                    if self.stack[i].children.is_empty() && i + 1 >= self.stack.len() {
                        return 1;
                    }
                    self.advance_nn();
                } else if self.indent >= width {
                    self.advance(width);
                } else {
                    return 1;
                }
            }
            Kind::Code { fence: 0, .. } => {
                if indented {
                    self.advance(4);
                } else if self.blank {
                    self.advance_nn();
                } else {
                    return 1;
                }
            }
            Kind::Code { fence, len, indent } => {
                let rest = self.from(self.nn).as_bytes();
                let run = run_of(rest, fence);
                if !indented && run >= len && all_space_tab(&rest[run..]) {
                    self.stack[i].end = self.line_no;
                    self.close_top();
                    return 2;
                }
                let mut k = indent;
                while k > 0 && is_space_tab(self.at(self.pos)) {
                    self.advance(1);
                    k -= 1;
                }
            }
            // HTML blocks of kinds 6 and 7, paragraphs and tables end at a blank line.
            Kind::Html(6..) | Kind::Para | Kind::Table if self.blank => return 1,
            _ => {}
        }
        0
    }

    /// Tries the block starts at the next non-space character; `c` is the last matched container.
    fn start(&mut self, c: usize) -> Start {
        let ch = self.at(self.nn);
        let para = matches!(self.stack[c].kind, Kind::Para);
        let deep = self.stack[c].depth >= MAX_NEST;
        if self.indent < 4 {
            match ch {
                b'>' if !deep => {
                    self.quote_marker();
                    self.add_child(Kind::Quote);
                    return Start::Container;
                }
                b'#' if self.atx() => return Start::Done,
                b'`' | b'~' if self.fence(ch) => return Start::Done,
                b'<' => {
                    let t = html_start(self.from(self.nn).as_bytes(), para);
                    if t > 0 {
                        self.add_child(Kind::Html(t));
                        return Start::Leaf;
                    }
                }
                _ => {}
            }
            if para && (ch == b'=' || ch == b'-') && self.setext(ch) {
                return Start::Done;
            }
            if self.thematic() {
                return Start::Done;
            }
        }
        if !deep && self.list_item(para) {
            return Start::Container;
        }
        let tip_para = matches!(
            self.stack.last().map(|b| b.kind),
            Some(Kind::Para | Kind::Table)
        );
        if self.indent >= 4 && !self.blank && !tip_para {
            self.advance(4);
            self.add_child(Kind::Code {
                fence: 0,
                len: 0,
                indent: 0,
            });
            return Start::Leaf;
        }
        if self.indent < 4 && para && self.table() {
            return Start::Done;
        }
        Start::None
    }

    fn atx(&mut self) -> bool {
        let rest = self.from(self.nn);
        let level = run_of(rest.as_bytes(), b'#');
        if level > 6 || !matches!(self.at(self.nn + level), b' ' | b'\t' | b'\n') {
            return false;
        }
        let mut text = trim(&rest[level..], b" \t");
        let before_hashes = trim_end(text, b"#");
        if before_hashes.is_empty() {
            text = "";
        } else if before_hashes.bytes().last().is_some_and(is_space_tab) {
            text = trim_end(before_hashes, b" \t");
        }
        self.add_leaf(Kind::Heading(level as u8), text.to_string());
        true
    }

    fn fence(&mut self, ch: u8) -> bool {
        let rest = self.from(self.nn).as_bytes();
        let len = run_of(rest, ch);
        if len < 3 || (ch == b'`' && in_set(&rest[len..], b'`')) {
            return false;
        }
        let indent = self.indent;
        self.add_child(Kind::Code {
            fence: ch,
            len,
            indent,
        });
        true
    }

    /// A setext underline below the paragraph at the top of the stack.
    fn setext(&mut self, ch: u8) -> bool {
        let rest = self.from(self.nn).as_bytes();
        let run = run_of(rest, ch);
        if !all_space_tab(&rest[run..]) {
            return false;
        }
        let line_no = self.line_no;
        let Some(top) = self.stack.last_mut() else {
            return false;
        };
        // Link reference definitions are not heading text.
        strip_refs(&mut top.text, &mut self.refs);
        if is_blank(&top.text) {
            return false;
        }
        top.kind = Kind::Heading(if ch == b'=' { 1 } else { 2 });
        top.end = line_no;
        self.close_top();
        true
    }

    fn thematic(&mut self) -> bool {
        let rest = self.from(self.nn).as_bytes();
        let Some(&ch) = rest.first() else {
            return false;
        };
        if !matches!(ch, b'*' | b'-' | b'_') {
            return false;
        }
        let mut n = 0;
        for &c in rest {
            if c == ch {
                n += 1;
            } else if !is_space_tab(c) {
                return false;
            }
        }
        if n < 3 {
            return false;
        }
        self.add_leaf(Kind::Rule, String::new());
        true
    }

    /// A list item marker; `para`: the last matched container is a paragraph (it would interrupt it).
    fn list_item(&mut self, para: bool) -> bool {
        if self.indent >= 4 {
            return false;
        }
        let rest = self.from(self.nn).as_bytes();
        let first = rest.first().copied().unwrap_or(b'\n');
        let (ordered, mark, start, len) = if matches!(first, b'-' | b'+' | b'*') {
            (false, first, 0, 1)
        } else {
            let digits = skip(rest, 0, |c| c.is_ascii_digit());
            let delim = rest.get(digits).copied().unwrap_or(b'\n');
            if digits == 0 || digits > 9 || !matches!(delim, b'.' | b')') {
                return false;
            }
            let mut n: u32 = 0;
            for &d in &rest[..digits] {
                n = n * 10 + u32::from(d - b'0');
            }
            (true, delim, n, digits + 1)
        };
        let after = &rest[len..];
        if !matches!(after.first(), None | Some(b' ' | b'\t')) {
            return false;
        }
        // An item interrupting a paragraph must have content, and an ordered one must start at 1.
        if para && (all_space_tab(after) || (ordered && start != 1)) {
            return false;
        }
        let offset = self.indent;
        self.advance_nn();
        self.advance(len);
        let (start_col, start_pos, start_partial) = (self.col, self.pos, self.partial);
        loop {
            self.advance(1);
            if !(self.col - start_col < 5 && is_space_tab(self.at(self.pos))) {
                break;
            }
        }
        let spaces = self.col - start_col;
        let padding = if !(1..5).contains(&spaces) || self.pos >= self.ln.len() {
            self.col = start_col;
            self.pos = start_pos;
            self.partial = start_partial;
            if is_space_tab(self.at(self.pos)) {
                self.advance(1);
            }
            len + 1
        } else {
            len + spaces
        };
        self.close_unmatched();
        let same = matches!(self.stack.last().map(|b| b.kind),
            Some(Kind::List { ordered: o, mark: m, .. }) if o == ordered && m == mark);
        if !same {
            self.add_child(Kind::List {
                ordered,
                mark,
                start,
                tight: true,
            });
        }
        self.add_child(Kind::Item {
            width: offset + padding,
        });
        true
    }

    /// A GFM table delimiter row below the paragraph at the top of the stack, whose last line
    /// becomes the header.
    fn table(&mut self) -> bool {
        let row = self.from(self.nn);
        let Some(aligns) = delim_row(row) else {
            return false;
        };
        let Some(para) = self.stack.last() else {
            return false;
        };
        let body = trim_end(&para.text, b"\n");
        let cut = crate::text::last_byte(body, b'\n').map_or(0, |i| i + 1);
        let head_line = &body[cut..];
        // A header needs some content, and a pipe somewhere (else `a\n:-` would be a table).
        if skip(head_line.as_bytes(), 0, |c| in_set(b"| \t", c)) == head_line.len()
            || (!in_set(row.as_bytes(), b'|') && !in_set(head_line.as_bytes(), b'|'))
        {
            return false;
        }
        let head = head_line.to_string();
        if split_row(&head).len() != aligns.len() {
            return false;
        }
        // The lines above the header stay a paragraph (an empty one is dropped when closed).
        if let Some(top) = self.stack.last_mut() {
            top.text.truncate(cut);
        }
        self.close_top();
        self.add_child(Kind::Table);
        if let Some(top) = self.stack.last_mut() {
            top.start = top.start.saturating_sub(1);
            top.text = row.to_string();
            top.rows.push(head);
        }
        true
    }

    /// Closes the open blocks this line did not match.
    fn close_unmatched(&mut self) {
        if !self.all_closed {
            while self.stack.len() > self.matched + 1 {
                self.close_top();
            }
            self.all_closed = true;
        }
    }

    fn can_contain(parent: Kind, child: Kind) -> bool {
        match parent {
            Kind::Doc | Kind::Quote | Kind::Item { .. } => !matches!(child, Kind::Item { .. }),
            Kind::List { .. } => matches!(child, Kind::Item { .. }),
            _ => false,
        }
    }

    /// Closes blocks until the top can contain `kind`; returns the depth for the new block.
    fn make_room(&mut self, kind: Kind) -> u8 {
        while self.stack.len() > 1
            && !self
                .stack
                .last()
                .is_some_and(|t| Self::can_contain(t.kind, kind))
        {
            self.close_top();
        }
        let depth = self.stack.last().map_or(0, |t| t.depth);
        depth + u8::from(matches!(kind, Kind::Quote | Kind::Item { .. }))
    }

    /// Opens a block of `kind`, first closing the blocks this line did not match.
    fn add_child(&mut self, kind: Kind) {
        self.close_unmatched();
        let depth = self.make_room(kind);
        self.stack.push(Block::new(kind, depth, self.line_no));
    }

    /// Adds a block that is complete at once (heading, thematic break).
    fn add_leaf(&mut self, kind: Kind, text: String) {
        self.add_child(kind);
        if let Some(top) = self.stack.last_mut() {
            top.text = text;
        }
        self.close_top();
    }

    /// Appends the rest of the line to the block at the top of the stack.
    fn add_line(&mut self) {
        let mut spaces = 0;
        if self.partial {
            self.pos += 1;
            spaces = 4 - self.col % 4;
        }
        let rest = self.from(self.pos);
        let (line_no, blank) = (self.line_no, self.blank);
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        for _ in 0..spaces {
            top.text.push(' ');
        }
        top.text.push_str(rest);
        if self.eol || !matches!(top.kind, Kind::Html(_)) {
            top.text.push('\n');
        }
        // Trailing blank lines are not part of an indented code block.
        if !blank || !matches!(top.kind, Kind::Code { fence: 0, .. }) {
            top.keep = top.text.len();
            top.end = line_no;
        }
    }

    /// Closes the block at the top of the stack and adds it to its parent.
    fn close_top(&mut self) {
        if self.stack.len() < 2 {
            return;
        }
        let Some(mut b) = self.stack.pop() else {
            return;
        };
        if let Some(last) = b.children.last() {
            b.end = b.end.max(last.end);
        }
        match &mut b.kind {
            Kind::Para => {
                strip_refs(&mut b.text, &mut self.refs);
                if is_blank(&b.text) {
                    return;
                }
            }
            Kind::Code { fence: 0, .. } => b.text.truncate(b.keep),
            Kind::Html(_) => {
                // Trailing blank lines go; the last line keeps its line ending, if it had one.
                let n = trim_end(&b.text, b" \n").len();
                let newline = in_set(&b.text.as_bytes()[n..], b'\n');
                b.text.truncate(n);
                if newline {
                    b.text.push('\n');
                }
            }
            Kind::List { tight, .. } => *tight = is_tight(&b.children),
            _ => {}
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.children.push(b);
        }
    }
}

/// A list is loose when a blank line separates two items, or two blocks inside an item.
fn is_tight(items: &[Block]) -> bool {
    no_gaps(items) && items.iter().all(|item| no_gaps(&item.children))
}

/// No blank line between two consecutive blocks.
fn no_gaps(blocks: &[Block]) -> bool {
    blocks.windows(2).all(|w| w[0].end + 1 >= w[1].start)
}

/// The kind (1 to 7) of the HTML block starting this line, 0 for none. Kind 7 (any complete tag)
/// cannot interrupt a paragraph.
fn html_start(b: &[u8], para: bool) -> u8 {
    let k = html_special(b, 0);
    if k > 0 {
        return k;
    }
    let q = if b.get(1) == Some(&b'/') { 2 } else { 1 };
    let (name, e) = tag_name(b, q);
    let raw = in_list(RAW_TAGS, name);
    let ends = matches!(b.get(e), None | Some(b' ' | b'\t' | b'>'));
    if q == 1 && raw && ends {
        return 1;
    }
    if in_list(BLOCK_TAGS, name) && (ends || b.get(e..e + 2) == Some(b"/>")) {
        return 6;
    }
    if !para && !raw {
        if let Some(end) = open_tag(b, 0).or_else(|| close_tag(b, 0)) {
            if all_space_tab(&b[end..]) {
                return 7;
            }
        }
    }
    0
}

/// The HTML construct at `p` that ends at a fixed marker: 2 a comment (`<!--`), 3 a processing
/// instruction (`<?`), 4 a declaration (`<!` and a letter), 5 CDATA (`<![CDATA[`); 0 for none.
/// (The kinds of HTML block they start; inline, they end at the same markers.)
fn html_special(b: &[u8], p: usize) -> u8 {
    let b = b.get(p..).unwrap_or_default();
    if b.starts_with(b"<!--") {
        2
    } else if b.starts_with(b"<?") {
        3
    } else if b.starts_with(b"<![CDATA[") {
        5
    } else if b.starts_with(b"<!") && b.get(2).is_some_and(u8::is_ascii_alphabetic) {
        4
    } else {
        0
    }
}

/// The end marker of an [`html_special`] construct of kind `k` (2 to 5), and the length of its
/// start marker.
fn html_marker(k: u8) -> (&'static str, usize) {
    // A static table: a literal array here was built on the stack at each call.
    static MARKERS: [(&str, usize); 4] = [("-->", 4), ("?>", 2), (">", 2), ("]]>", 9)];
    MARKERS[usize::from(k - 2) % 4]
}

/// Does this line end an HTML block of kind 1 to 5?
fn html_end(kind: u8, line: &str) -> bool {
    // The end markers of kinds 2 to 5 have no letters: a plain search finds them.
    let has = |needle: &str| crate::text::find(line, needle).is_some();
    let line = line.as_bytes();
    match kind {
        // `</script>`, `</pre>`, `</style>` or `</textarea>`.
        1 => (0..line.len()).any(|i| {
            line[i..].starts_with(b"</") && {
                let (name, e) = tag_name(line, i + 2);
                line.get(e) == Some(&b'>') && in_list(RAW_TAGS, name)
            }
        }),
        2..=5 => has(html_marker(kind).0),
        _ => false,
    }
}

/// Splits a table row into trimmed cells: outer pipes are optional, `\|` is a literal pipe.
fn split_row(line: &str) -> Vec<String> {
    let s = trim(line, b" \t");
    let b = s.as_bytes();
    let mut cells = Vec::new();
    // The text of the cell so far when it had escaped pipes (the rest is `s[last..i]`).
    let mut cur = String::new();
    let mut i = usize::from(b.first() == Some(&b'|'));
    let mut last = i;
    // The end of the line counts as one more pipe.
    while i <= b.len() {
        match b.get(i) {
            Some(b'\\') if matches!(b.get(i + 1), Some(b'|' | b'\\')) => {
                if b[i + 1] == b'|' {
                    // `\|` is a literal pipe: the backslash is dropped.
                    cur.push_str(&s[last..i]);
                    last = i + 1;
                }
                i += 2;
            }
            c @ (Some(b'|') | None) => {
                // A final unescaped pipe ends the row; anything else after the last pipe is a cell.
                if c.is_some() || last < i || cells.is_empty() {
                    cur.push_str(&s[last..i]);
                    cells.push(trim(&cur, b" \t").to_string());
                    cur.clear();
                }
                i += 1;
                last = i;
            }
            _ => i += 1,
        }
    }
    cells
}

/// Parses a table delimiter row (`| :-- | :-: | --: |`) into alignments.
fn delim_row(line: &str) -> Option<Vec<Align>> {
    let cells = split_row(line);
    let mut aligns = Vec::new();
    for cell in &cells {
        let c = cell.as_bytes();
        let left = c.first() == Some(&b':');
        let right = c.len() > 1 && c.last() == Some(&b':');
        let inner = &c[usize::from(left)..c.len() - usize::from(right)];
        if inner.is_empty() || skip(inner, 0, |c| c == b'-') < inner.len() {
            return None;
        }
        aligns.push(match (left, right) {
            (true, true) => Align::Center,
            (true, false) => Align::Left,
            (false, true) => Align::Right,
            (false, false) => Align::None,
        });
    }
    Some(aligns)
}

/// Removes the link reference definitions at the start of a paragraph, recording them.
fn strip_refs(text: &mut String, refs: &mut Vec<Ref>) {
    let mut at = 0;
    while text.as_bytes().get(at) == Some(&b'[') {
        match parse_ref(text.get(at..).unwrap_or("")) {
            Some((n, mut r)) => {
                r.order = refs.len();
                refs.push(r);
                at += n;
            }
            None => break,
        }
    }
    if at > 0 {
        *text = text.get(at..).unwrap_or("").to_string();
    }
}

/// One link reference definition at the start of `s`: its length (through its line ending) and it.
fn parse_ref(s: &str) -> Option<(usize, Ref)> {
    let b = s.as_bytes();
    let le = link_label(b, 0)?;
    if b.get(le) != Some(&b':') {
        return None;
    }
    let (ds, de, after) = link_dest(b, spnl(b, le + 1))?;
    if ds == de && b.get(ds.wrapping_sub(1)) != Some(&b'<') {
        return None;
    }
    // The strings are made once the definition is known to be one (no early return drops them).
    let mut title = (0, 0);
    let mut end = None;
    let t = spnl(b, after);
    if t > after {
        if let Some((ts, te, n)) = link_title(b, t) {
            if let Some(e) = line_end(b, n) {
                title = (ts, te);
                end = Some(e);
            }
        }
    }
    let end = match end {
        Some(e) => e,
        None => line_end(b, after)?,
    };
    let label = normalize(&s[1..le - 1]);
    if label.is_empty() {
        return None;
    }
    let r = Ref {
        label,
        url: unescape(&s[ds..de]),
        title: unescape(&s[title.0..title.1]),
        order: 0,
    };
    Some((end, r))
}

/// After optional spaces: the end of the line (past its `\n`), or `None` if other text follows.
fn line_end(b: &[u8], mut i: usize) -> Option<usize> {
    i = skip(b, i, is_space_tab);
    match b.get(i) {
        None => Some(i),
        Some(b'\n') => Some(i + 1),
        Some(_) => None,
    }
}

/// Emits the events of a closed block; `tight`: it is an item of a tight list.
fn emit(b: &mut Block, tight: bool, refs: &[Ref], out: &mut impl Sink) {
    // Containers and paragraphs/headings share one path: start, content, children, end.
    let tag = match b.kind {
        Kind::Doc => None,
        Kind::Quote => Some(Tag::Quote),
        Kind::List { ordered, start, .. } => Some(Tag::List(ordered.then_some(start))),
        Kind::Item { .. } => Some(Tag::Item),
        Kind::Para => Some(Tag::Paragraph),
        Kind::Heading(l) => Some(Tag::Heading(l)),
        Kind::Rule => return out.push(Event::Rule),
        Kind::Code { .. } => return out.push(Event::CodeBlock(std::mem::take(&mut b.text))),
        Kind::Html(_) => return out.push(Event::Raw(std::mem::take(&mut b.text))),
        Kind::Table => {
            out.push(Event::Start(Tag::Table));
            out.push(Event::Start(Tag::Head));
            // (The delimiter row was checked when the table started.)
            let aligns = delim_row(&b.text).unwrap_or_default();
            for (i, row) in b.rows.iter().enumerate() {
                // The header is the first row; the others make up the body.
                if i == 1 {
                    out.push(Event::End);
                    out.push(Event::Start(Tag::Body));
                }
                table_row(&split_row(row), i == 0, &aligns, refs, out);
            }
            // Closes the head or the body.
            out.push(Event::End);
            return out.push(Event::End);
        }
    };
    let wrapped = tag.is_some();
    if let Some(tag) = tag {
        out.push(Event::Start(tag));
    }
    if matches!(b.kind, Kind::Para | Kind::Heading(_)) {
        inlines(&b.text, refs, out);
    }
    // A tight list's items hold their paragraphs' inlines directly.
    let tight_list = matches!(b.kind, Kind::List { tight: true, .. });
    let tight_item = tight && matches!(b.kind, Kind::Item { .. });
    for c in &mut b.children {
        if tight_item && matches!(c.kind, Kind::Para) {
            inlines(&c.text, refs, out);
        } else {
            emit(c, tight_list, refs, out);
        }
    }
    if wrapped {
        out.push(Event::End);
    }
}

/// A table row with exactly one cell per column (missing cells empty, extra cells dropped).
fn table_row(cells: &[String], head: bool, aligns: &[Align], refs: &[Ref], out: &mut impl Sink) {
    out.push(Event::Start(Tag::Row));
    for (i, &align) in aligns.iter().enumerate() {
        out.push(Event::Start(Tag::Cell { head, align }));
        if let Some(cell) = cells.get(i) {
            inlines(cell, refs, out);
        }
        out.push(Event::End);
    }
    out.push(Event::End);
}

// ---------------------------------------------------------------------------------------------
// Shared scanners (links, labels, entities)
// ---------------------------------------------------------------------------------------------

/// Skips spaces and tabs, at most one line ending, and spaces and tabs again.
fn spnl(b: &[u8], mut i: usize) -> usize {
    i = skip(b, i, is_space_tab);
    if b.get(i) == Some(&b'\n') {
        i += 1;
        i = skip(b, i, is_space_tab);
    }
    i
}

/// A link label `[…]` at `i` (at most 999 bytes, no unescaped brackets): the index past its `]`.
fn link_label(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() && j - i <= 1000 {
        match b[j] {
            b'\\' => j += 2,
            b'[' => return None,
            b']' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// A link destination at `i`: `(start, end, next)` of its raw text (without `<>`).
fn link_dest(b: &[u8], i: usize) -> Option<(usize, usize, usize)> {
    if b.get(i) == Some(&b'<') {
        let mut j = i + 1;
        while let Some(&c) = b.get(j) {
            match c {
                b'>' => return Some((i + 1, j, j + 1)),
                b'\n' | b'<' => return None,
                b'\\' if b.get(j + 1).is_some_and(u8::is_ascii_punctuation) => j += 2,
                _ => j += 1,
            }
        }
        return None;
    }
    let mut j = i;
    let mut depth = 0;
    while let Some(&c) = b.get(j) {
        match c {
            b'\\' if b.get(j + 1).is_some_and(u8::is_ascii_punctuation) => j += 2,
            b'(' => {
                depth += 1;
                if depth > 32 {
                    return None;
                }
                j += 1;
            }
            b')' if depth == 0 => break,
            b')' => {
                depth -= 1;
                j += 1;
            }
            c if c <= b' ' || c == 0x7f => break,
            _ => j += 1,
        }
    }
    if depth != 0 || (j == i && b.get(j) != Some(&b')')) {
        return None;
    }
    Some((i, j, j))
}

/// A link title at `i` (`"…"`, `'…'` or `(…)`): `(start, end, next)` of its raw text.
fn link_title(b: &[u8], i: usize) -> Option<(usize, usize, usize)> {
    let close = match b.get(i) {
        Some(b'"') => b'"',
        Some(b'\'') => b'\'',
        Some(b'(') => b')',
        _ => return None,
    };
    let mut j = i + 1;
    while let Some(&c) = b.get(j) {
        if c == b'\\' && b.get(j + 1).is_some_and(u8::is_ascii_punctuation) {
            j += 2;
            continue;
        }
        if c == close {
            return Some((i + 1, j, j + 1));
        }
        if close == b')' && c == b'(' {
            return None;
        }
        j += 1;
    }
    None
}

/// A byte range `(start, end)`.
type Span = (usize, usize);

/// The `(…)` part of an inline link, from just after `(`: the destination, the title (empty
/// when absent) and the index past the `)`.
fn inline_link(b: &[u8], i: usize) -> Option<(Span, Span, usize)> {
    let (ds, de, after) = link_dest(b, spnl(b, i))?;
    let mut k = spnl(b, after);
    let mut title = (0, 0);
    if k > after {
        if let Some((ts, te, n)) = link_title(b, k) {
            title = (ts, te);
            k = spnl(b, n);
        }
    }
    (b.get(k) == Some(&b')')).then_some(((ds, de), title, k + 1))
}

/// A link label's matching key: trimmed, inner whitespace collapsed, lowercased.
fn normalize(label: &str) -> String {
    // the engine's lower-casing in the browser: no Unicode case tables in the wasm
    crate::browser::to_lower(&crate::text::collapse_spaces(label))
}

/// The definition of `label` in `refs` as [`sort_refs_in_place`] orders them: the first of that
/// label.
fn find_ref<'r>(refs: &'r [Ref], label: &str) -> Option<&'r Ref> {
    let key = normalize(label);
    if key.is_empty() {
        return None;
    }
    // The first definition of a label wins: the first of its run in the sorted list.
    // A binary search for the first label not below `key` (`partition_point` by hand: core's
    // is larger in the wasm).
    let (mut lo, mut hi) = (0, refs.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if refs.get(mid).is_some_and(|r| r.label < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    refs.get(lo).filter(|r| r.label == key)
}

/// A character reference at `p` (which holds `&`): the character and the index past its `;`.
fn entity(s: &str, p: usize) -> Option<(char, usize)> {
    let b = s.as_bytes();
    // Numeric (`&#65;`, `&#x41;`) and named (`&amp;`) references share one scan: a name is made
    // of the digits of base 36 (ASCII letters and digits).
    let num = b.get(p + 1) == Some(&b'#');
    let hex = num && matches!(b.get(p + 2), Some(b'x' | b'X'));
    let (radix, max) = match (num, hex) {
        (_, true) => (16, 6),
        (true, _) => (10, 7),
        _ => (36, 32),
    };
    let st = p + 1 + usize::from(num) + usize::from(hex);
    let mut i = st;
    let mut v: u32 = 0;
    while i - st < max {
        let Some(d) = b.get(i).and_then(|&c| char::from(c).to_digit(radix)) else {
            break;
        };
        v = v.wrapping_mul(radix).wrapping_add(d);
        i += 1;
    }
    if i == st || b.get(i) != Some(&b';') {
        return None;
    }
    let c = if num {
        char::from_u32(v)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{fffd}')
    } else {
        // `&name;` can only match at an entry's start: a character after a `;` is never a letter.
        let name = &s[p..=i];
        let k = crate::text::find(ENTITIES, name)? + name.len();
        ENTITIES[k..].chars().next()?
    };
    Some((c, i + 1))
}

/// Decodes backslash escapes and character references (link destinations and titles).
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let (mut last, mut i) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                out.push_str(&s[last..i]);
                last = i + 1;
                i += 2;
            }
            b'&' => match entity(s, i) {
                Some((c, e)) => {
                    out.push_str(&s[last..i]);
                    out.push(c);
                    i = e;
                    last = e;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    out.push_str(&s[last..]);
    out
}

/// A byte of a tag name after its first letter, or of a domain label.
fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// An HTML open tag at `p` (`<name attr="v" …>` or `/>`): the index past it.
fn open_tag(b: &[u8], p: usize) -> Option<usize> {
    let mut i = p + 1;
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    i = skip(b, i, is_name_byte);
    loop {
        let ws = i;
        i = skip(b, i, is_ws);
        match b.get(i)? {
            b'>' => return Some(i + 1),
            b'/' => return (b.get(i + 1) == Some(&b'>')).then_some(i + 2),
            &c if i > ws && (c.is_ascii_alphabetic() || c == b'_' || c == b':') => {}
            _ => return None,
        }
        i = skip(b, i, |c| c.is_ascii_alphanumeric() || in_set(b"_.:-", c));
        let mut j = skip(b, i, is_ws);
        if b.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        j = skip(b, j, is_ws);
        match b.get(j)? {
            &q @ (b'"' | b'\'') => {
                let close = b.get(j + 1..)?.iter().position(|&c| c == q)?;
                i = j + 1 + close + 1;
            }
            _ => {
                let st = j;
                j = skip(b, j, |c| !is_ws(c) && !in_set(b"\"'=<>`", c));
                if j == st {
                    return None;
                }
                i = j;
            }
        }
    }
}

/// An HTML closing tag at `p` (`</name >`): the index past it.
fn close_tag(b: &[u8], p: usize) -> Option<usize> {
    if b.get(p + 1) != Some(&b'/') || !b.get(p + 2)?.is_ascii_alphabetic() {
        return None;
    }
    let mut i = p + 3;
    i = skip(b, i, is_name_byte);
    i = skip(b, i, is_ws);
    (b.get(i) == Some(&b'>')).then_some(i + 1)
}

/// An autolink at `p` (`<scheme:…>` or `<user@host>`): the index past it and whether it is an
/// email address.
fn autolink(b: &[u8], p: usize) -> Option<(usize, bool)> {
    let st = p + 1;
    // URI: a scheme of 2 to 32 characters, `:`, then no space, control character, `<` or `>`.
    let n = skip(b, st, |c| c.is_ascii_alphanumeric() || in_set(b"+.-", c)) - st;
    if (2..=32).contains(&n) && b[st].is_ascii_alphabetic() && b.get(st + n) == Some(&b':') {
        let mut i = st + n + 1;
        while let Some(&c) = b.get(i) {
            match c {
                b'>' => return Some((i + 1, false)),
                b'<' => return None,
                c if c <= b' ' || c == 0x7f => return None,
                _ => i += 1,
            }
        }
        return None;
    }
    // Email: a local part, `@`, dot-separated labels of letters, digits and inner hyphens.
    let mut i = st;
    i = skip(b, i, |c| {
        c.is_ascii_alphanumeric() || in_set(b".!#$%&'*+/=?^_`{|}~-", c)
    });
    if i == st || b.get(i) != Some(&b'@') {
        return None;
    }
    i += 1;
    loop {
        let ls = i;
        i = skip(b, i, is_name_byte);
        let label = &b[ls..i];
        if label.is_empty()
            || label.len() > 63
            || label.first() == Some(&b'-')
            || label.last() == Some(&b'-')
        {
            return None;
        }
        match b.get(i) {
            Some(b'.') => i += 1,
            Some(b'>') => return Some((i + 1, true)),
            _ => return None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inlines
// ---------------------------------------------------------------------------------------------

/// Parses the inline content of a paragraph, heading or table cell into `out`.
fn inlines(text: &str, refs: &[Ref], out: &mut impl Sink) {
    let s = trim(text, b" \t\n");
    let mut p = Inline {
        s,
        pos: 0,
        refs,
        items: Vec::new(),
        delims: Vec::new(),
        head: NONE,
        last: NONE,
        brackets: Vec::new(),
        floor: 0,
        ticks: [0; MAX_TICKS + 1],
        scanned: false,
        fail: [usize::MAX; 4],
    };
    p.run();
    p.finish(out);
}

/// A piece of inline content before the delimiter runs are resolved.
enum Item {
    /// Content that is final as it is: text, raw HTML, code, breaks, a link's start and end.
    Event(Event),
    /// A run of `*`, `_` or `~`: `n` characters left literal, the structures it closes (emitted
    /// first) and opens (innermost first), each by the number of delimiters it used (see
    /// [`run_tag`]).
    Run {
        ch: u8,
        n: usize,
        closes: usize,
        opens: Vec<usize>,
    },
    /// `[` or `![` that did not become a link.
    Bracket(bool),
}

/// The structure that `used` delimiters of a run of `ch` open and close.
fn run_tag(ch: u8, used: usize) -> Tag {
    match (ch, used) {
        (b'~', _) => Tag::Del,
        (_, 1) => Tag::Emph,
        _ => Tag::Strong,
    }
}

/// A delimiter run that may open or close emphasis, in a doubly linked list.
struct Delim {
    item: usize,
    ch: u8,
    orig: usize,
    open: bool,
    close: bool,
    prev: usize,
    next: usize,
}

#[derive(Clone, Copy)]
struct Bracket {
    item: usize,
    image: bool,
    /// The last delimiter when the bracket was seen (emphasis inside a link stops there).
    bottom: usize,
    /// Source index just after the `[`.
    src: usize,
    /// Another bracket was seen after this one (its text cannot be a label).
    after: bool,
}

struct Inline<'a> {
    s: &'a str,
    pos: usize,
    refs: &'a [Ref],
    items: Vec<Item>,
    delims: Vec<Delim>,
    head: usize,
    last: usize,
    brackets: Vec<Bracket>,
    /// Link brackets below this stack index are inactive (no links inside links).
    floor: usize,
    /// Last seen start of a backtick run of each length, and whether the whole text was scanned.
    ticks: [usize; MAX_TICKS + 1],
    scanned: bool,
    /// For each end marker of [`html_marker`] (`-->`, `?>`, `>`, `]]>`): no occurrence at or
    /// after this index.
    fail: [usize; 4],
}

/// Unicode whitespace, or the start/end of the text.
fn ws_char(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

/// ASCII punctuation and the common Unicode punctuation and symbol ranges.
fn punct_char(c: Option<char>) -> bool {
    c.is_some_and(|c| {
        c.is_ascii_punctuation()
            || matches!(c, '\u{a1}'..='\u{bf}' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205e}'
                | '\u{20a0}'..='\u{20cf}' | '\u{2190}'..='\u{23ff}' | '\u{2500}'..='\u{27bf}'
                | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{ff01}'..='\u{ff0f}'
                | '\u{1f300}'..='\u{1faff}')
    })
}

impl Inline<'_> {
    fn text(&mut self, t: &str) {
        if let Some(Item::Event(Event::Text(s))) = self.items.last_mut() {
            s.push_str(t);
        } else {
            self.items.push(Item::Event(Event::Text(t.to_string())));
        }
    }

    fn run(&mut self) {
        let s = self.s;
        let b = s.as_bytes();
        while let Some(&c) = b.get(self.pos) {
            let next = b.get(self.pos + 1).copied();
            match c {
                b'\n' => self.newline(),
                b'\\' if next == Some(b'\n') => {
                    self.items.push(Item::Event(Event::HardBreak));
                    self.pos += 2;
                    self.skip_spaces();
                }
                b'\\' if next.is_some_and(|n| n.is_ascii_punctuation()) => {
                    self.text(&s[self.pos + 1..self.pos + 2]);
                    self.pos += 2;
                }
                b'`' => self.code_span(),
                b'*' | b'_' | b'~' => self.delim_run(c),
                b'[' => self.open_bracket(false, 1),
                b'!' if next == Some(b'[') => self.open_bracket(true, 2),
                b']' => self.close_bracket(),
                b'<' if self.angle() => {}
                // Text, and a `\`, `&` or `<` that starts nothing (they join the text around them).
                _ => {
                    let st = self.pos;
                    if c == b'&' {
                        if let Some((ch, end)) = entity(s, st) {
                            let mut buf = [0; 4];
                            self.text(ch.encode_utf8(&mut buf));
                            self.pos = end;
                            continue;
                        }
                    }
                    self.pos = skip(b, st + 1, |c| !in_set(b"\n\\`*_~[!]<&", c));
                    self.text(&s[st..self.pos]);
                }
            }
        }
        self.emphasis(NONE);
    }

    fn skip_spaces(&mut self) {
        self.pos = skip(self.s.as_bytes(), self.pos, is_space_tab);
    }

    /// A line ending: hard after two or more spaces, soft otherwise; spaces around it are dropped.
    fn newline(&mut self) {
        let mut hard = false;
        if let Some(Item::Event(Event::Text(t))) = self.items.last_mut() {
            hard = t.len() - trim_end(t, b" ").len() >= 2;
            let kept = trim_end(t, b" \t").len();
            t.truncate(kept);
        }
        self.items.push(Item::Event(if hard {
            Event::HardBreak
        } else {
            Event::SoftBreak
        }));
        self.pos += 1;
        self.skip_spaces();
    }

    fn code_span(&mut self) {
        let s = self.s;
        let st = self.pos;
        let n = run_of(&s.as_bytes()[st..], b'`');
        let after = st + n;
        match self.closing_ticks(after, n) {
            Some(close) => {
                // Line endings count as spaces; one space is stripped from each end when both
                // ends have one and the span is not all spaces.
                let mut code = &s[after..close];
                let b = code.as_bytes();
                let space = |c: &u8| matches!(c, b' ' | b'\n');
                if b.len() >= 2 && space(&b[0]) && space(&b[b.len() - 1]) && !b.iter().all(space) {
                    code = &code[1..code.len() - 1];
                }
                let code = code.replace('\n', " ");
                self.items.push(Item::Event(Event::Code(code)));
                self.pos = close + n;
            }
            None => {
                self.text(&s[st..after]);
                self.pos = after;
            }
        }
    }

    /// The start of the first run of exactly `n` backticks at or after `from` (remembering what
    /// earlier scans saw, so that unclosed runs do not make parsing quadratic).
    fn closing_ticks(&mut self, from: usize, n: usize) -> Option<usize> {
        if n > MAX_TICKS {
            return None;
        }
        if self.scanned && self.ticks[n] < from {
            return None;
        }
        let b = self.s.as_bytes();
        let mut i = from;
        loop {
            i = skip(b, i, |c| c != b'`');
            if i >= b.len() {
                break;
            }
            let st = i;
            i = skip(b, i, |c| c == b'`');
            let k = i - st;
            if k <= MAX_TICKS {
                // The last run of each length: a later, shorter scan must not lower it.
                self.ticks[k] = self.ticks[k].max(st);
            }
            if k == n {
                return Some(st);
            }
        }
        self.scanned = true;
        None
    }

    fn delim_run(&mut self, ch: u8) {
        let s = self.s;
        let st = self.pos;
        let n = run_of(&s.as_bytes()[st..], ch);
        self.pos = st + n;
        if ch == b'~' && n > 2 {
            self.text(&s[st..self.pos]);
            return;
        }
        let before = s[..st].chars().next_back();
        let after = s[self.pos..].chars().next();
        let (ws_before, p_before) = (ws_char(before), punct_char(before));
        let (ws_after, p_after) = (ws_char(after), punct_char(after));
        let left = !ws_after && (!p_after || ws_before || p_before);
        let right = !ws_before && (!p_before || ws_after || p_after);
        // `_` and a single `~` cannot open or close inside a word (`snake_case`, `3~5`).
        let (open, close) = if ch == b'_' || (ch == b'~' && n == 1) {
            (left && (!right || p_before), right && (!left || p_after))
        } else {
            (left, right)
        };
        self.items.push(Item::Run {
            ch,
            n,
            closes: 0,
            opens: Vec::new(),
        });
        if open || close {
            let idx = self.delims.len();
            self.delims.push(Delim {
                item: self.items.len() - 1,
                ch,
                orig: n,
                open,
                close,
                prev: self.last,
                next: NONE,
            });
            match self.delims.get_mut(self.last) {
                Some(d) => d.next = idx,
                None => self.head = idx,
            }
            self.last = idx;
        }
    }

    fn remove_delim(&mut self, d: usize) {
        let (prev, next) = (self.delims[d].prev, self.delims[d].next);
        match self.delims.get_mut(prev) {
            Some(p) => p.next = next,
            None => self.head = next,
        }
        match self.delims.get_mut(next) {
            Some(n) => n.prev = prev,
            None => self.last = prev,
        }
    }

    fn run_len(&self, d: usize) -> usize {
        match self.items.get(self.delims[d].item) {
            Some(Item::Run { n, .. }) => *n,
            _ => 0,
        }
    }

    /// Matches emphasis and strikethrough delimiters above `bottom` (CommonMark "process
    /// emphasis", with the per-kind lower bounds that keep it linear), then drops them.
    fn emphasis(&mut self, bottom: usize) {
        let mut bottoms = [bottom; 14];
        let mut closer = if bottom == NONE {
            self.head
        } else {
            self.delims[bottom].next
        };
        while closer != NONE {
            let c = &self.delims[closer];
            if !c.close {
                closer = c.next;
                continue;
            }
            let (ch, corig, copen) = (c.ch, c.orig, c.open);
            let slot = match ch {
                b'*' => usize::from(copen) * 3 + corig % 3,
                b'_' => 6 + usize::from(copen) * 3 + corig % 3,
                _ => 12 + usize::from(corig > 1),
            };
            let mut opener = c.prev;
            let mut found = false;
            while opener != NONE && opener != bottom && opener != bottoms[slot] {
                let o = &self.delims[opener];
                if o.ch == ch && o.open {
                    found = if ch == b'~' {
                        o.orig == corig
                    } else {
                        // The "rule of 3".
                        !((copen || o.close)
                            && !corig.is_multiple_of(3)
                            && (o.orig + corig).is_multiple_of(3))
                    };
                    if found {
                        break;
                    }
                }
                opener = o.prev;
            }
            if !found {
                bottoms[slot] = self.delims[closer].prev;
                let next = self.delims[closer].next;
                if !copen {
                    self.remove_delim(closer);
                }
                closer = next;
                continue;
            }
            let (on, cn) = (self.run_len(opener), self.run_len(closer));
            let used = if ch == b'~' {
                on
            } else if on >= 2 && cn >= 2 {
                2
            } else {
                1
            };
            let (oi, ci) = (self.delims[opener].item, self.delims[closer].item);
            if let Some(Item::Run { n, opens, .. }) = self.items.get_mut(oi) {
                *n -= used;
                opens.push(used);
            }
            if let Some(Item::Run { n, closes, .. }) = self.items.get_mut(ci) {
                *n -= used;
                *closes += 1;
            }
            // Delimiters between the two can no longer match.
            self.delims[opener].next = closer;
            self.delims[closer].prev = opener;
            if on == used {
                self.remove_delim(opener);
            }
            if cn == used {
                let next = self.delims[closer].next;
                self.remove_delim(closer);
                closer = next;
            }
        }
        if bottom == NONE {
            self.head = NONE;
            self.last = NONE;
        } else {
            self.delims[bottom].next = NONE;
            self.last = bottom;
        }
    }

    fn open_bracket(&mut self, image: bool, len: usize) {
        self.items.push(Item::Bracket(image));
        if let Some(prev) = self.brackets.last_mut() {
            prev.after = true;
        }
        self.pos += len;
        self.brackets.push(Bracket {
            item: self.items.len() - 1,
            image,
            bottom: self.last,
            src: self.pos,
            after: false,
        });
    }

    fn pop_bracket(&mut self) {
        self.brackets.pop();
        self.floor = self.floor.min(self.brackets.len());
    }

    fn close_bracket(&mut self) {
        let s = self.s;
        let b = s.as_bytes();
        let close = self.pos;
        self.pos += 1;
        let Some(&op) = self.brackets.last() else {
            self.text("]");
            return;
        };
        let mut dest = None;
        // An inactive link bracket (below the floor: no links inside links) makes no link.
        if op.image || self.brackets.len() > self.floor {
            if b.get(self.pos) == Some(&b'(') {
                if let Some(((ds, de), (ts, te), end)) = inline_link(b, self.pos + 1) {
                    dest = Some((unescape(&s[ds..de]), unescape(&s[ts..te])));
                    self.pos = end;
                }
            }
            if dest.is_none() && !self.refs.is_empty() {
                let label_end = link_label(b, self.pos);
                let key = match label_end {
                    Some(e) if e > self.pos + 2 => Some(&s[self.pos + 1..e - 1]),
                    _ if !op.after && link_label(b, op.src - 1) == Some(close + 1) => {
                        Some(&s[op.src..close])
                    }
                    _ => None,
                };
                if let Some(r) = key.and_then(|k| find_ref(self.refs, k)) {
                    dest = Some((r.url.clone(), r.title.clone()));
                    if let Some(e) = label_end {
                        self.pos = e;
                    }
                }
            }
        }
        self.pop_bracket();
        let Some((url, title)) = dest else {
            self.text("]");
            return;
        };
        if let Some(item) = self.items.get_mut(op.item) {
            *item = Item::Event(Event::Start(Tag::Link {
                image: op.image,
                url,
                title,
            }));
        }
        self.emphasis(op.bottom);
        self.items.push(Item::Event(Event::End));
        if !op.image {
            self.floor = self.brackets.len();
        }
    }

    /// `<`: an autolink or raw HTML (false when it starts neither: it is text).
    fn angle(&mut self) -> bool {
        let s = self.s;
        let b = s.as_bytes();
        let p = self.pos;
        if let Some((end, email)) = autolink(b, p) {
            let inner = &s[p + 1..end - 1];
            let mut url = String::new();
            if email {
                url.push_str("mailto:");
            }
            url.push_str(inner);
            self.items.push(Item::Event(Event::Start(Tag::Link {
                image: false,
                url,
                title: String::new(),
            })));
            self.text(inner);
            self.items.push(Item::Event(Event::End));
            self.pos = end;
            return true;
        }
        let Some(end) = self.html(p) else {
            return false;
        };
        self.items
            .push(Item::Event(Event::Raw(s[p..end].to_string())));
        self.pos = end;
        true
    }

    /// Inline raw HTML at `p`: the index past it.
    fn html(&mut self, p: usize) -> Option<usize> {
        let b = self.s.as_bytes();
        let k = html_special(b, p);
        if k == 0 {
            return if b.get(p + 1) == Some(&b'/') {
                close_tag(b, p)
            } else {
                open_tag(b, p)
            };
        }
        let (end, skip) = html_marker(k);
        let q = p + skip;
        if k == 2 {
            // `<!-->` and `<!--->` are complete comments.
            if b.get(q) == Some(&b'>') {
                return Some(q + 1);
            }
            if b[q..].starts_with(b"->") {
                return Some(q + 2);
            }
        }
        self.find(q, end, usize::from(k - 2)).map(|i| i + end.len())
    }

    /// The first `pat` at or after `from`; a miss is remembered for all later searches.
    fn find(&mut self, from: usize, pat: &str, k: usize) -> Option<usize> {
        if from >= self.fail[k] {
            return None;
        }
        // `from` follows ASCII syntax, so it is a char boundary.
        let found = self.s.get(from..).and_then(|h| crate::text::find(h, pat));
        match found {
            Some(i) => Some(from + i),
            None => {
                self.fail[k] = from;
                None
            }
        }
    }

    fn finish(&mut self, out: &mut impl Sink) {
        for item in &mut self.items {
            match item {
                Item::Event(Event::Text(t)) if t.is_empty() => {}
                Item::Event(event) => out.push(std::mem::replace(event, Event::End)),
                Item::Bracket(image) => {
                    out.push(Event::Text(if *image { "![" } else { "[" }.into()))
                }
                Item::Run {
                    ch,
                    n,
                    closes,
                    opens,
                } => {
                    for _ in 0..*closes {
                        out.push(Event::End);
                    }
                    if *n > 0 {
                        let mut t = String::new();
                        for _ in 0..*n {
                            t.push(char::from(*ch));
                        }
                        out.push(Event::Text(t));
                    }
                    for &used in opens.iter().rev() {
                        out.push(Event::Start(run_tag(*ch, used)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Event {
        Event::Text(t.into())
    }

    #[test]
    fn byte_trims_match_str_trims() {
        assert!(in_set(b" \t", b'\t') && !in_set(b" \t", b'x') && !in_set(b"", b' '));
        for s in ["", " ", " \t a é \t\n", "é", "  x", "x  ", "##", "a#b# #"] {
            assert_eq!(
                trim(s, b" \t\n"),
                s.trim_matches([' ', '\t', '\n']),
                "{s:?}"
            );
            assert_eq!(trim_end(s, b" #"), s.trim_end_matches([' ', '#']), "{s:?}");
        }
    }

    #[test]
    fn tag_names_and_word_lists() {
        assert_eq!(tag_name(b"<Div1 x", 1), (&b"Div1"[..], 5));
        assert_eq!(tag_name(b"<", 1), (&b""[..], 1));
        assert_eq!(tag_name(b"<", 3), (&b""[..], 1));
        assert!(in_list(RAW_TAGS, b"PRE") && in_list(BLOCK_TAGS, b"h6"));
        assert!(!in_list(RAW_TAGS, b"") && !in_list(RAW_TAGS, b"pr") && !in_list(BLOCK_TAGS, b"b"));
    }

    #[test]
    fn runs_and_space_tab_lines() {
        assert_eq!(run_of(b"```x`", b'`'), 3);
        assert_eq!(run_of(b"", b'#'), 0);
        assert!(all_space_tab(b"") && all_space_tab(b" \t "));
        assert!(!all_space_tab(b" \n") && !all_space_tab(b"x"));
    }

    #[test]
    fn skip_stops_at_the_first_other_byte() {
        assert_eq!(skip(b"  \tx ", 0, is_space_tab), 3);
        assert_eq!(skip(b"  ", 1, is_space_tab), 2);
        assert_eq!(skip(b"ab", 5, is_space_tab), 5);
        assert_eq!(
            skip(b"a-1 ", 0, |c| c.is_ascii_alphanumeric() || c == b'-'),
            3
        );
    }

    #[test]
    fn tight_list_events() {
        assert_eq!(
            parse("- a\n- *b*\n\n```\ncode\n```"),
            vec![
                Event::Start(Tag::List(None)),
                Event::Start(Tag::Item),
                text("a"),
                Event::End,
                Event::Start(Tag::Item),
                Event::Start(Tag::Emph),
                text("b"),
                Event::End,
                Event::End,
                Event::End,
                Event::CodeBlock("code\n".into()),
            ]
        );
    }

    #[test]
    fn the_first_definition_of_a_label_wins_among_many() {
        let mut src = String::new();
        for i in (0..40).rev() {
            src.push_str(&format!("[l{i}]: /a{i}\n[L{i}]: /b{i}\n"));
        }
        src.push_str("\n[l7] [l30] [l0]");
        let urls: Vec<String> = parse(&src)
            .into_iter()
            .filter_map(|e| match e {
                Event::Start(Tag::Link { url, .. }) => Some(url),
                _ => None,
            })
            .collect();
        assert_eq!(urls, ["/a7", "/a30", "/a0"]);
        let order: Vec<String> = sort_refs(
            ["b", "a", "b", "a", "c"]
                .iter()
                .enumerate()
                .map(|(i, l)| Ref {
                    label: l.to_string(),
                    url: i.to_string(),
                    title: String::new(),
                    order: i,
                })
                .collect(),
        )
        .into_iter()
        .map(|r| format!("{}{}", r.label, r.url))
        .collect();
        assert_eq!(order, ["a1", "a3", "b0", "b2", "c4"]);
    }

    #[test]
    fn table_rows_split_on_unescaped_pipes() {
        assert_eq!(split_row("| a | b \\| c |"), ["a", "b | c"]);
        assert_eq!(split_row("a||b"), ["a", "", "b"]);
        assert_eq!(split_row("x | a \\|"), ["x", "a |"]);
        assert_eq!(split_row("\\\\|b"), ["\\\\", "b"]);
        assert_eq!(split_row("|"), [""]);
        assert_eq!(
            delim_row("|:--|:-:| --: |---|"),
            Some(vec![Align::Left, Align::Center, Align::Right, Align::None])
        );
        assert_eq!(delim_row("| : |"), None);
        assert_eq!(delim_row("-x-"), None);
    }

    #[test]
    fn character_references() {
        let e = |s: &str| entity(s, 0);
        assert_eq!(e("&amp;x"), Some(('&', 5)));
        assert_eq!(e("&#65;"), Some(('A', 5)));
        assert_eq!(e("&#x1f600;"), Some(('😀', 9)));
        assert_eq!(e("&#0;"), Some(('\u{fffd}', 4)));
        assert_eq!(e("&#x110000;"), Some(('\u{fffd}', 10)));
        assert_eq!(e("&#12345678;"), None);
        assert_eq!(e("&AElig;"), None);
        assert_eq!(e("&amp"), None);
        assert_eq!(unescape("a\\*b&lt;\\q&bogus;"), "a*b<\\q&bogus;");
    }

    #[test]
    fn html_block_kinds() {
        for (line, para, kind) in [
            ("<script>", false, 1),
            ("<PRE class=x", true, 1),
            ("<!-- x", true, 2),
            ("<?php", true, 3),
            ("<!DOCTYPE html>", true, 4),
            ("<![CDATA[", true, 5),
            ("<div class=x>", true, 6),
            ("</table>", true, 6),
            ("<custom-el a='1'>", false, 7),
            ("<custom-el a='1'>", true, 0),
            ("<a href='x'>text", false, 0),
            ("<scripts>", false, 7),
            ("<", false, 0),
        ] {
            assert_eq!(html_start(line.as_bytes(), para), kind, "{line}");
        }
        assert!(html_end(1, "x</SCRIPT> y"));
        assert!(!html_end(1, "</scrip>"));
        assert!(html_end(2, "a --> b") && !html_end(2, "-- >"));
        assert!(html_end(5, "]]>") && !html_end(3, "? >"));
    }

    #[test]
    fn events_stay_balanced_on_random_input() {
        const PIECES: &[&str] = &[
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
            "|",
            "-",
            " ",
            "\n",
            "\t",
            "a",
            "é",
            "> ",
            "- ",
            "1. ",
            "```",
            "    ",
            "<!--",
            "[a]: /u\n",
        ];
        let mut seed: u64 = 7;
        for _ in 0..3_000 {
            let mut src = String::new();
            for _ in 0..40 {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                src.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
            }
            let mut depth = 0usize;
            for event in parse(&src) {
                match event {
                    Event::Start(_) => depth += 1,
                    Event::End => {
                        assert!(depth > 0, "unbalanced end for {src:?}");
                        depth -= 1;
                    }
                    _ => {}
                }
            }
            assert_eq!(depth, 0, "unclosed start for {src:?}");
        }
    }
}

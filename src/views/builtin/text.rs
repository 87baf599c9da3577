//! Plain text (`text` without `markdown`, `quick_reply`): text nodes, URLs linkified through the allowlist.

use web_sys::Element;

use super::markdown::append_nodes;
use crate::dom::E;
use crate::views::markdown::plain_text_nodes;

/// A plain text bubble body; URLs in it become links when they pass the allowlist.
pub fn render(text: &str) -> Element {
    let p = E::classed("p", "bpw-text").0;
    append_nodes(&p, &plain_text_nodes(text));
    p
}

//! Markdown text (`text` with `markdown:true`), and the one function that turns the sanitized node
//! tree of [`crate::views::markdown`] into DOM nodes: element by element, text always in text nodes.

use web_sys::Element;

use crate::dom::{append, create, set, text_node, E};
use crate::views::markdown::{parse_markdown, MdNode};

/// A markdown bubble body. Raw HTML shows as literal text; links open in a new tab.
pub fn render(text: &str, bot_host: &str) -> Element {
    let div = E::classed("div", "bpw-text bpw-markdown").0;
    append_nodes(&div, &parse_markdown(text, bot_host));
    div
}

/// Appends sanitized nodes to `parent`. Tags and attribute names come from the node tree, which only
/// holds allowlisted tags and the attributes the markdown module sets.
pub fn append_nodes(parent: &Element, nodes: &[MdNode]) {
    for node in nodes {
        match node {
            MdNode::Text(t) => {
                append(parent, &text_node(t));
            }
            MdNode::Element {
                tag,
                attrs,
                children,
            } => {
                let el = create(tag);
                match *tag {
                    "a" => {
                        el.set_class_name("bpw-link");
                        set(&el, "data-testid", "bpw-link");
                    }
                    "img" => {
                        el.set_class_name("bpw-md-image");
                        set(&el, "loading", "lazy");
                    }
                    _ => {}
                }
                for (name, value) in attrs {
                    set(&el, name, value);
                }
                append_nodes(&el, children);
                append(parent, &el);
            }
        }
    }
}

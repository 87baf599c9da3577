//! Built-in renderers, one file per payload type (botpress-protocols.md §1.8). Each is a plain
//! function from the typed values of [`super::convert`] to a DOM element, built node by node with
//! [`crate::dom`]; URLs go through [`super::url`] first; listeners go to the row's [`crate::dom::Scope`].

pub mod carousel;
pub mod dropdown;
pub mod feedback;
pub mod file;
pub mod image;
pub mod location;
pub mod login_prompt;
pub mod markdown;
pub mod media;
pub mod quick_replies;
pub mod session_reset;
pub mod text;
pub mod timestamp;
pub mod typing;
pub mod unsupported;

use web_sys::Element;

use super::convert::Media;
use crate::dom::E;

/// The paragraph shown in place of media whose URL failed the allowlist: its title, or the URL as
/// plain text.
pub(crate) fn refused(media: &Media) -> Element {
    E::classed("p", "bpw-text bpw-media-refused")
        .text(media.title.as_deref().unwrap_or(&media.url))
        .0
}

/// `<figure class>` around `content`, with the media's title as its caption when it has one.
fn figure(class: &str, content: E, media: &Media) -> Element {
    let figure = E::classed("figure", class).child(content);
    match &media.title {
        Some(t) => figure.child(E::new("figcaption").text(t)).0,
        None => figure.0,
    }
}

/// A `target=_blank` link with `rel="noopener noreferrer"` (every link the widget draws is one).
pub(crate) fn new_tab_link(class: &str, href: &str) -> E {
    E::classed("a", class)
        .attr("href", href)
        .attr("target", "_blank")
        .attr("rel", "noopener noreferrer")
}

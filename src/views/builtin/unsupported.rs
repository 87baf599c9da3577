//! The fallback for unknown or malformed payloads and failing custom views (v12 shows
//! `*Unsupported message type*`, botpress-protocols.md §1.8).

use web_sys::Element;

use crate::dom::E;
use crate::i18n::{t, Key, Lang};

/// "Unsupported message"; the payload type is kept in `data-type` for debugging.
pub fn render(type_name: &str, lang: Lang) -> Element {
    E::classed("p", "bpw-unsupported")
        .testid("bpw-unsupported")
        .attr("data-type", type_name)
        .text(t(lang, Key::Unsupported))
        .0
}

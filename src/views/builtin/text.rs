//! Plain text (`text` without `markdown`, `quick_reply`): text nodes, URLs linkified through the allowlist.

use leptos::prelude::*;

use crate::views::markdown::{nodes_view, plain_text_nodes};

/// A plain text bubble body.
#[component]
pub fn PlainText(
    /// The text; URLs in it become links when they pass the allowlist.
    text: String,
) -> impl IntoView {
    let nodes = nodes_view(plain_text_nodes(&text));
    view! { <p class="bpw-text">{nodes}</p> }
}

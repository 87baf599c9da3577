//! Markdown text (`text` with `markdown:true`), rendered from the sanitized node tree.

use leptos::prelude::*;

use crate::views::markdown::{nodes_view, parse_markdown};

/// A markdown bubble body. Raw HTML shows as literal text; links open in a new tab.
#[component]
pub fn MarkdownText(
    /// The markdown source.
    text: String,
    /// Origin relative link and image URLs resolve on.
    #[prop(into)]
    bot_host: String,
) -> impl IntoView {
    let nodes = nodes_view(parse_markdown(&text, &bot_host));
    view! { <div class="bpw-text bpw-markdown">{nodes}</div> }
}

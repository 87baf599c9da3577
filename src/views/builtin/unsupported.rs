//! The fallback for unknown or malformed payloads and failing custom views (v12 shows
//! `*Unsupported message type*`, botpress-protocols.md §1.8).

use leptos::prelude::*;

/// "Unsupported message".
#[component]
pub fn Unsupported(
    /// The payload type, kept in a `data-type` attribute for debugging.
    type_name: String,
) -> impl IntoView {
    view! {
        <p class="bpw-unsupported" data-testid="bpw-unsupported" data-type=type_name>
            {crate::views::tr(crate::i18n::Key::Unsupported)}
        </p>
    }
}

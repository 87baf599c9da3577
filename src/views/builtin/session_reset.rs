//! `session_reset`: the "conversation reset" system line.

use leptos::prelude::*;

/// The session reset notice.
#[component]
pub fn SessionReset() -> impl IntoView {
    view! {
        <p class="bpw-session-reset" role="status" data-testid="bpw-session-reset">
            {crate::views::tr(crate::i18n::Key::SessionReset)}
        </p>
    }
}

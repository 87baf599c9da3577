//! `typing`: three dots.

use leptos::prelude::*;

/// The typing indicator.
#[component]
pub fn Typing() -> impl IntoView {
    view! {
        <div class="bpw-msg-typing" role="status" aria-label=crate::views::tr(crate::i18n::Key::BotTyping) data-testid="bpw-typing">
            <span class="bpw-msg-typing-dot" aria-hidden=crate::views::ARIA_HIDDEN></span>
            <span class="bpw-msg-typing-dot" aria-hidden=crate::views::ARIA_HIDDEN></span>
            <span class="bpw-msg-typing-dot" aria-hidden=crate::views::ARIA_HIDDEN></span>
        </div>
    }
}

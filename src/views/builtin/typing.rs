//! `typing`: three dots.

use leptos::prelude::*;

/// The typing indicator.
#[component]
pub fn Typing() -> impl IntoView {
    view! {
        <div class="bpw-msg-typing" role="status" aria-label="The bot is typing" data-testid="bpw-typing">
            <span class="bpw-msg-typing-dot"></span>
            <span class="bpw-msg-typing-dot"></span>
            <span class="bpw-msg-typing-dot"></span>
        </div>
    }
}

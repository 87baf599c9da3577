//! `typing`: three dots.

use web_sys::Element;

use crate::dom::E;
use crate::i18n::Key;
use crate::views::RenderCtx;

/// The typing indicator of a `typing` message.
pub fn render(ctx: &RenderCtx) -> Element {
    let mut dots = E::classed("div", "bpw-msg-typing")
        .attr("role", "status")
        .attr("aria-label", ctx.tr(Key::BotTyping))
        .testid("bpw-typing");
    for _ in 0..3 {
        dots = dots.child(E::classed("span", "bpw-msg-typing-dot").aria_hidden());
    }
    dots.0
}

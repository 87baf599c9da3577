//! `session_reset`: the "conversation reset" system line.

use web_sys::Element;

use crate::dom::E;
use crate::i18n::Key;
use crate::views::RenderCtx;

/// The session reset notice.
pub fn render(ctx: &RenderCtx) -> Element {
    E::classed("p", "bpw-session-reset")
        .attr("role", "status")
        .testid("bpw-session-reset")
        .text(ctx.tr(Key::SessionReset))
        .0
}

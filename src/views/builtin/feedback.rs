//! `collectFeedback`: thumbs up / down under a bot message (v12 posts it to `/saveFeedback`, §1.8).

use std::cell::Cell;
use std::rc::Rc;

use web_sys::Element;

use crate::dom::{flag, set, toggle_class, Scope, E};
use crate::i18n::Key;
use crate::views::RenderCtx;

/// Thumbs up (1) and down (-1); one vote per message.
pub fn render(message_id: &str, ctx: &RenderCtx, scope: &mut Scope) -> Element {
    let group = E::classed("div", "bpw-feedback")
        .attr("role", "group")
        .attr("aria-label", ctx.tr(Key::RateAnswer));
    let voted = Rc::new(Cell::new(false));
    let up = vote_button("bpw-feedback-up", ctx.tr(Key::GoodAnswer), "👍");
    let down = vote_button("bpw-feedback-down", ctx.tr(Key::BadAnswer), "👎");
    for (button, value) in [(&up, 1i8), (&down, -1i8)] {
        let (voted, send, id) = (
            voted.clone(),
            ctx.send_feedback.clone(),
            message_id.to_string(),
        );
        let (up, down) = (up.0.clone(), down.0.clone());
        scope.listen(
            &button.0,
            "click",
            Box::new(move |_| {
                if voted.replace(true) {
                    return;
                }
                let chosen = if value > 0 { &up } else { &down };
                toggle_class(chosen, "bpw-selected", true);
                set(chosen, "aria-pressed", "true");
                flag(&up, "disabled", true);
                flag(&down, "disabled", true);
                send((id.clone(), value));
            }),
        );
    }
    group.child(up).child(down).0
}

fn vote_button(class: &str, label: &str, glyph: &str) -> E {
    E::button(class)
        .testid(class)
        .attr("aria-label", label)
        .attr("aria-pressed", "false")
        .text(glyph)
}

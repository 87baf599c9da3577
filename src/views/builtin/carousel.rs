//! `carousel` (and universal `card`): a horizontally scrolling row of cards with buttons (§1.8).
//!
//! `open_url` opens a new tab (`rel="noopener noreferrer"`; URLs outside the allowlist render as text,
//! unlike v12 which allowed `javascript:`), `postback` sends `{type:'postback', payload}`,
//! `say_something` sends `{type:'say_something', text}`.

use web_sys::Element;

use super::new_tab_link;
use crate::dom::{append, Scope, E};
use crate::json;
use crate::views::convert::{Card, CardButton};
use crate::views::url::safe_url;
use crate::views::RenderCtx;

/// A carousel of cards.
pub fn render(cards: &[Card], ctx: &RenderCtx, scope: &mut Scope) -> Element {
    let list = E::classed("div", "bpw-carousel")
        .attr("role", "list")
        .attr("aria-label", "Carousel")
        .testid("bpw-carousel");
    for card in cards {
        append(&list.0, &card_view(card, ctx, scope));
    }
    list.0
}

fn card_view(card: &Card, ctx: &RenderCtx, scope: &mut Scope) -> Element {
    let el = E::classed("div", "bpw-card")
        .attr("role", "listitem")
        .testid("bpw-card");
    if let Some(src) = card
        .picture
        .as_deref()
        .and_then(|p| safe_url(p, &ctx.bot_host))
    {
        append(
            &el.0,
            &E::classed("img", "bpw-card-picture")
                .attr("src", &src)
                .attr("alt", &card.title)
                .attr("loading", "lazy")
                .0,
        );
    }
    let mut body = E::classed("div", "bpw-card-body")
        .child(E::classed("p", "bpw-card-title").text(&card.title));
    if let Some(s) = &card.subtitle {
        body = body.child(E::classed("p", "bpw-card-subtitle").text(s));
    }
    let buttons = E::classed("div", "bpw-card-buttons");
    for b in &card.buttons {
        append(&buttons.0, &button_view(b, ctx, scope));
    }
    el.child(body).child(buttons).0
}

fn button_view(button: &CardButton, ctx: &RenderCtx, scope: &mut Scope) -> Element {
    let (title, testid, payload) = match button {
        CardButton::OpenUrl { title, url } => {
            return match safe_url(url, &ctx.bot_host) {
                Some(href) => {
                    new_tab_link("bpw-card-button", &href)
                        .testid("bpw-card-link")
                        .attr(
                            "aria-label",
                            &crate::text::concat(&[title, " (opens in a new tab)"]),
                        )
                        .text(title)
                        .0
                }
                // A refused URL: the label stays, as text.
                None => {
                    E::classed("span", "bpw-card-button bpw-card-button-refused")
                        .testid("bpw-card-refused")
                        .text(title)
                        .0
                }
            };
        }
        CardButton::Postback { title, payload } => (
            title,
            "bpw-card-postback",
            json!({"type": "postback", "payload": payload}),
        ),
        CardButton::SaySomething { title, text } => (
            title,
            "bpw-card-say",
            json!({"type": "say_something", "text": text}),
        ),
    };
    let send = ctx.send_payload.clone();
    E::button("bpw-card-button")
        .testid(testid)
        .attr("aria-label", title)
        .text(title)
        .on(scope, "click", Box::new(move |_| send(payload.clone())))
        .0
}

//! `carousel` (and universal `card`): a horizontally scrolling row of cards with buttons (§1.8).
//!
//! `open_url` opens a new tab (`rel="noopener noreferrer"`; URLs outside the allowlist render as text,
//! unlike v12 which allowed `javascript:`), `postback` sends `{type:'postback', payload}`,
//! `say_something` sends `{type:'say_something', text}`.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use serde_json::{json, Value};

use crate::views::convert::{Card, CardButton};
use crate::views::url::safe_url;

/// A carousel of cards.
#[component]
pub fn Carousel(
    /// The cards.
    cards: Vec<Card>,
    /// Origin relative URLs resolve on.
    #[prop(into)]
    bot_host: String,
    /// Sends postback / say_something payloads.
    send_payload: Callback<Value>,
) -> impl IntoView {
    let cards = cards
        .into_iter()
        .map(|card| card_view(card, &bot_host, send_payload))
        .collect::<Vec<_>>();
    view! {
        <div class="bpw-carousel" role="list" aria-label="Carousel" data-testid="bpw-carousel">
            {cards}
        </div>
    }
}

fn card_view(card: Card, bot_host: &str, send_payload: Callback<Value>) -> impl IntoView {
    let picture = card
        .picture
        .as_deref()
        .and_then(|p| safe_url(p, bot_host))
        .map(|src| view! { <img class="bpw-card-picture" src=src alt=card.title.clone() loading="lazy" /> });
    let subtitle = card
        .subtitle
        .clone()
        .map(|s| view! { <p class="bpw-card-subtitle">{s}</p> });
    let buttons = card
        .buttons
        .into_iter()
        .map(|b| button_view(b, bot_host, send_payload))
        .collect::<Vec<_>>();
    view! {
        <div class="bpw-card" role="listitem" data-testid="bpw-card">
            {picture}
            <div class="bpw-card-body">
                <p class="bpw-card-title">{card.title}</p>
                {subtitle}
            </div>
            <div class="bpw-card-buttons">{buttons}</div>
        </div>
    }
}

fn button_view(button: CardButton, bot_host: &str, send_payload: Callback<Value>) -> impl IntoView {
    match button {
        CardButton::OpenUrl { title, url } => match safe_url(&url, bot_host) {
            Some(href) => EitherOf3::A(view! {
                <a
                    class="bpw-card-button"
                    href=href
                    target="_blank"
                    rel="noopener noreferrer"
                    data-testid="bpw-card-link"
                    aria-label=format!("{title} (opens in a new tab)")
                >
                    {title.clone()}
                </a>
            }),
            // A refused URL: the label stays, as text.
            None => EitherOf3::C(view! {
                <span class="bpw-card-button bpw-card-button-refused" data-testid="bpw-card-refused">
                    {title}
                </span>
            }),
        },
        CardButton::Postback { title, payload } => {
            let payload = json!({"type": "postback", "payload": payload});
            EitherOf3::B(action_button(
                title,
                "bpw-card-postback",
                payload,
                send_payload,
            ))
        }
        CardButton::SaySomething { title, text } => {
            let payload = json!({"type": "say_something", "text": text});
            EitherOf3::B(action_button(title, "bpw-card-say", payload, send_payload))
        }
    }
}

fn action_button(
    title: String,
    testid: &'static str,
    payload: Value,
    send_payload: Callback<Value>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="bpw-card-button"
            data-testid=testid
            aria-label=title.clone()
            on:click=move |_| send_payload.run(payload.clone())
        >
            {title.clone()}
        </button>
    }
}

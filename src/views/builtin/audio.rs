//! `audio` (and `voice`): a native audio player.

use leptos::either::Either;
use leptos::prelude::*;

use super::{player, refused_media_text};
use crate::views::convert::Media;

/// An audio message.
#[component]
pub fn AudioView(
    /// The audio URL and title.
    media: Media,
    /// Origin a relative URL resolves on.
    #[prop(into)]
    bot_host: String,
) -> impl IntoView {
    match player(&media, &bot_host, crate::i18n::Key::Audio) {
        Some(p) => {
            let caption = p.caption.map(|t| view! { <figcaption>{t}</figcaption> });
            Either::Left(view! {
                <figure class="bpw-audio">
                    <audio controls=true preload="metadata" src=p.src data-testid="bpw-audio" aria-label=p.label></audio>
                    {caption}
                </figure>
            })
        }
        None => Either::Right(
            view! { <p class="bpw-text bpw-media-refused">{refused_media_text(&media)}</p> },
        ),
    }
}

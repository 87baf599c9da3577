//! `video`: a native video player.

use leptos::either::Either;
use leptos::prelude::*;

use super::{player, refused_media_text};
use crate::views::convert::Media;

/// A video message.
#[component]
pub fn VideoView(
    /// The video URL and title.
    media: Media,
    /// Origin a relative URL resolves on.
    #[prop(into)]
    bot_host: String,
) -> impl IntoView {
    match player(&media, &bot_host, crate::i18n::Key::Video) {
        Some(p) => {
            let caption = p.caption.map(|t| view! { <figcaption>{t}</figcaption> });
            Either::Left(view! {
                <figure class="bpw-video">
                    <video controls=true preload="metadata" src=p.src data-testid="bpw-video" aria-label=p.label></video>
                    {caption}
                </figure>
            })
        }
        None => Either::Right(
            view! { <p class="bpw-text bpw-media-refused">{refused_media_text(&media)}</p> },
        ),
    }
}

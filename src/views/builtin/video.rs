//! `video`: a native video player.

use leptos::either::Either;
use leptos::prelude::*;

use super::refused_media_text;
use crate::views::convert::Media;
use crate::views::url::safe_url;

/// A video message.
#[component]
pub fn VideoView(
    /// The video URL and title.
    media: Media,
    /// Origin a relative URL resolves on.
    #[prop(into)]
    bot_host: String,
) -> impl IntoView {
    match safe_url(&media.url, &bot_host) {
        Some(src) => {
            let label = media
                .title
                .clone()
                .unwrap_or_else(|| crate::views::tr(crate::i18n::Key::Video).to_string());
            let caption = media
                .title
                .clone()
                .map(|t| view! { <figcaption>{t}</figcaption> });
            Either::Left(view! {
                <figure class="bpw-video">
                    <video controls=true preload="metadata" src=src data-testid="bpw-video" aria-label=label></video>
                    {caption}
                </figure>
            })
        }
        None => Either::Right(
            view! { <p class="bpw-text bpw-media-refused">{refused_media_text(&media)}</p> },
        ),
    }
}

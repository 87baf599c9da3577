//! `image`: a lazy-loaded picture; clicking it opens the full size in a new tab.

use leptos::either::Either;
use leptos::prelude::*;

use super::refused_media_text;
use crate::views::convert::Media;
use crate::views::url::safe_url;

/// An image message.
#[component]
pub fn ImageView(
    /// The image URL and title.
    media: Media,
    /// Origin a relative URL resolves on.
    #[prop(into)]
    bot_host: String,
) -> impl IntoView {
    match safe_url(&media.url, &bot_host) {
        Some(src) => {
            let title = media.title.clone().unwrap_or_default();
            let label = crate::views::trf(crate::i18n::Key::OpenImage, &[("title", &title)]);
            let alt = media.title.clone().unwrap_or_default();
            let caption = media
                .title
                .clone()
                .map(|t| view! { <figcaption>{t}</figcaption> });
            let href = src.clone();
            Either::Left(view! {
                <figure class="bpw-image">
                    <a
                        href=href
                        target="_blank"
                        rel="noopener noreferrer"
                        data-testid="bpw-image-link"
                        aria-label=label
                    >
                        <img src=src alt=alt loading="lazy" />
                    </a>
                    {caption}
                </figure>
            })
        }
        None => Either::Right(
            view! { <p class="bpw-text bpw-media-refused">{refused_media_text(&media)}</p> },
        ),
    }
}

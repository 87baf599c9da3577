//! `file`: a download link named after the file.

use leptos::either::Either;
use leptos::prelude::*;

use super::refused_media_text;
use crate::views::convert::Media;
use crate::views::url::safe_url;

/// The name shown for a file: its title, else the last path segment of the URL.
pub fn file_name(media: &Media) -> String {
    if let Some(t) = media.title.as_ref().filter(|t| !t.trim().is_empty()) {
        return t.clone();
    }
    let path = media.url.split(['?', '#']).next().unwrap_or("");
    path.rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("file")
        .to_string()
}

/// A file message.
#[component]
pub fn FileView(
    /// The file URL and title.
    media: Media,
    /// Origin a relative URL resolves on.
    #[prop(into)]
    bot_host: String,
) -> impl IntoView {
    let name = file_name(&media);
    match safe_url(&media.url, &bot_host) {
        Some(href) => Either::Left(view! {
            <a
                class="bpw-file"
                href=href
                download=name.clone()
                target="_blank"
                rel="noopener noreferrer"
                data-testid="bpw-file-link"
                aria-label=crate::views::trf(crate::i18n::Key::DownloadFile, &[("name", &name)])
            >
                <span class="bpw-file-icon" aria-hidden=crate::views::ARIA_HIDDEN></span>
                <span class="bpw-file-name">{name.clone()}</span>
            </a>
        }),
        None => Either::Right(
            view! { <p class="bpw-text bpw-media-refused">{refused_media_text(&media)}</p> },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let m = |url: &str, title: Option<&str>| Media {
            url: url.into(),
            title: title.map(Into::into),
        };
        assert_eq!(file_name(&m("/media/report.pdf?x=1", None)), "report.pdf");
        assert_eq!(file_name(&m("/media/a/", None)), "a");
        assert_eq!(file_name(&m("https://x/y.zip", Some("Archive"))), "Archive");
        assert_eq!(file_name(&m("", Some("  "))), "file");
    }
}

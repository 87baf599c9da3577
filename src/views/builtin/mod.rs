//! Built-in renderers, one file per payload type (botpress-protocols.md §1.8). Each is a thin Leptos
//! component over the typed values from [`super::convert`]; URLs go through [`super::url`] first.

pub mod audio;
pub mod carousel;
pub mod dropdown;
pub mod feedback;
pub mod file;
pub mod image;
pub mod location;
pub mod login_prompt;
pub mod markdown;
pub mod quick_replies;
pub mod session_reset;
pub mod text;
pub mod timestamp;
pub mod typing;
pub mod unsupported;
pub mod video;

use super::convert::Media;

/// What a refused media URL shows instead: its title, or the URL as plain text.
pub(crate) fn refused_media_text(media: &Media) -> String {
    media.title.clone().unwrap_or_else(|| media.url.clone())
}

/// What a native audio or video player needs, or `None` when the URL fails the allowlist.
pub(crate) struct Player {
    /// The allowlisted source URL.
    pub src: String,
    /// The accessible name: the title, else the localised `fallback` ("Audio", "Video").
    pub label: String,
    /// The visible caption (the title), if any.
    pub caption: Option<String>,
}

/// Checks the URL and names the player of an audio or video message.
pub(crate) fn player(media: &Media, bot_host: &str, fallback: crate::i18n::Key) -> Option<Player> {
    let src = crate::views::url::safe_url(&media.url, bot_host)?;
    Some(Player {
        src,
        label: media
            .title
            .clone()
            .unwrap_or_else(|| crate::views::tr(fallback).to_string()),
        caption: media.title.clone(),
    })
}

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

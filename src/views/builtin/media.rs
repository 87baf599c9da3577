//! `audio` (and `voice`) and `video`: a native player with an accessible name and an optional caption.

use web_sys::Element;

use super::figure;
use crate::dom::E;
use crate::i18n::Key;
use crate::views::convert::Media;
use crate::views::RenderCtx;

/// Which player.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `<audio>`.
    Audio,
    /// `<video>`.
    Video,
}

/// An audio or video message; `src` is its URL after the allowlist (`views::url::safe_url`).
pub fn render(media: &Media, src: &str, ctx: &RenderCtx, kind: Kind) -> Element {
    let (class, tag, fallback) = match kind {
        Kind::Audio => ("bpw-audio", "audio", Key::Audio),
        Kind::Video => ("bpw-video", "video", Key::Video),
    };
    let label = media.title.as_deref().unwrap_or(ctx.tr(fallback));
    let player = E::new(tag)
        .flag("controls", true)
        .attr("preload", "metadata")
        .attr("src", src)
        .testid(class)
        .attr("aria-label", label);
    figure(class, player, media)
}

//! `audio` (and `voice`) and `video`: a native player with an accessible name and an optional caption.

use web_sys::Element;

use super::refused;
use crate::dom::E;
use crate::i18n::Key;
use crate::views::convert::Media;
use crate::views::url::safe_url;
use crate::views::RenderCtx;

/// Which player.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `<audio>`.
    Audio,
    /// `<video>`.
    Video,
}

/// An audio or video message; the URL must pass the allowlist, else the title (or URL) shows as text.
pub fn render(media: &Media, ctx: &RenderCtx, kind: Kind) -> Element {
    let Some(src) = safe_url(&media.url, &ctx.bot_host) else {
        return refused(media);
    };
    let (class, tag, fallback) = match kind {
        Kind::Audio => ("bpw-audio", "audio", Key::Audio),
        Kind::Video => ("bpw-video", "video", Key::Video),
    };
    let label = media.title.as_deref().unwrap_or(ctx.tr(fallback));
    let player = E::new(tag)
        .flag("controls", true)
        .attr("preload", "metadata")
        .attr("src", &src)
        .testid(class)
        .attr("aria-label", label);
    let figure = E::classed("figure", class).child(player);
    match &media.title {
        Some(t) => figure.child(E::new("figcaption").text(t)).0,
        None => figure.0,
    }
}

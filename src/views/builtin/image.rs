//! `image`: a lazy-loaded picture; clicking it opens the full size in a new tab.

use web_sys::Element;

use super::{figure, new_tab_link};
use crate::dom::E;
use crate::i18n::Key;
use crate::views::convert::Media;
use crate::views::RenderCtx;

/// An image message; `src` is its URL after the allowlist (`views::url::safe_url`).
pub fn render(media: &Media, src: &str, ctx: &RenderCtx) -> Element {
    let title = media.title.as_deref().unwrap_or_default();
    let img = E::new("img")
        .attr("src", src)
        .attr("alt", title)
        .attr("loading", "lazy");
    let link = new_tab_link("", src)
        .testid("bpw-image-link")
        .attr("aria-label", &ctx.trf(Key::OpenImage, &[("title", title)]))
        .child(img);
    figure("bpw-image", link, media)
}

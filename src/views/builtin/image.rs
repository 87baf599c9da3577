//! `image`: a lazy-loaded picture; clicking it opens the full size in a new tab.

use web_sys::Element;

use super::{new_tab_link, refused};
use crate::dom::E;
use crate::i18n::Key;
use crate::views::convert::Media;
use crate::views::url::safe_url;
use crate::views::RenderCtx;

/// An image message.
pub fn render(media: &Media, ctx: &RenderCtx) -> Element {
    let Some(src) = safe_url(&media.url, &ctx.bot_host) else {
        return refused(media);
    };
    let title = media.title.as_deref().unwrap_or_default();
    let img = E::new("img")
        .attr("src", &src)
        .attr("alt", title)
        .attr("loading", "lazy");
    let link = new_tab_link("", &src)
        .testid("bpw-image-link")
        .attr("aria-label", &ctx.trf(Key::OpenImage, &[("title", title)]))
        .child(img);
    let figure = E::classed("figure", "bpw-image").child(link);
    match &media.title {
        Some(t) => figure.child(E::new("figcaption").text(t)).0,
        None => figure.0,
    }
}

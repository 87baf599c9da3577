//! `file`: a download link named after the file.

use web_sys::Element;

use super::new_tab_link;
use crate::dom::E;
use crate::i18n::Key;
use crate::views::convert::Media;
use crate::views::RenderCtx;

/// The name shown for a file: its title, else the last path segment of the URL.
pub fn file_name(media: &Media) -> String {
    if let Some(t) = media.title.as_ref().filter(|t| !t.trim().is_empty()) {
        return t.clone();
    }
    let path = &media.url[..crate::views::url::stop_at(&media.url, b"?#")];
    let path = path.trim_end_matches('/');
    let name = &path[crate::text::last_byte(path, b'/').map_or(0, |i| i + 1)..];
    if name.is_empty() { "file" } else { name }.to_string()
}

/// A file message; `href` is its URL after the allowlist (`views::url::safe_url`).
pub fn render(media: &Media, href: &str, ctx: &RenderCtx) -> Element {
    let name = file_name(media);
    new_tab_link("bpw-file", href)
        .attr("download", &name)
        .testid("bpw-file-link")
        .attr(
            "aria-label",
            &ctx.trf(Key::DownloadFile, &[("name", &name)]),
        )
        .child(E::classed("span", "bpw-file-icon").aria_hidden())
        .child(E::classed("span", "bpw-file-name").text(&name))
        .0
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

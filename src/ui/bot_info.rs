//! The bot-info page (v12 `BotInfo`): name, description, avatar, cover picture and the botInfo `details`
//! links (website, phone, email, terms, privacy; botpress-protocols.md §1.4 `GET /botInfo`). It replaces
//! the transcript while shown; `sendEvent({type:'toggleBotInfo'})` and the header button toggle it, and
//! botInfo `showBotInfoPage` shows it first. Every URL passes [`crate::views::url::safe_url`].

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlSelectElement};

use super::Cx;
use crate::dom::{self, Scope, E};
use crate::i18n::Key;
use crate::json::Value;
use crate::transport::Command;
use crate::views::url::{safe_url, stop_at};

/// What a bot-info link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `details.website`.
    Website,
    /// `details.phoneNumber` (a `tel:` link).
    Phone,
    /// `details.emailAddress` (a `mailto:` link).
    Email,
    /// `details.termsConditions`.
    Terms,
    /// `details.privacyPolicy`.
    Privacy,
}

/// What a link kind is: its botInfo `details` key, its `data-link` name and its label.
type LinkInfo = (LinkKind, &'static str, &'static str, &'static str);

/// Every link kind, in v12's order (the order of [`LinkKind`]'s variants).
const LINKS: [LinkInfo; 5] = [
    (LinkKind::Website, "website", "website", "Website: "),
    (LinkKind::Phone, "phoneNumber", "phone", "Phone: "),
    (LinkKind::Email, "emailAddress", "email", "Email: "),
    (
        LinkKind::Terms,
        "termsConditions",
        "terms",
        "Terms and conditions: ",
    ),
    (
        LinkKind::Privacy,
        "privacyPolicy",
        "privacy",
        "Privacy policy: ",
    ),
];

impl LinkKind {
    /// The label shown before the link, with its `": "`.
    pub fn label(self) -> &'static str {
        LINKS[self as usize].3
    }

    /// A stable name for `data-link` (tests, styling).
    pub fn name(self) -> &'static str {
        LINKS[self as usize].2
    }
}

/// One link of the bot-info page, already through the URL allowlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoLink {
    /// What it is.
    pub kind: LinkKind,
    /// The text shown (the value from botInfo).
    pub text: String,
    /// The allowlisted `href`.
    pub href: String,
}

impl InfoLink {
    /// Web links open in a new tab; `tel:`/`mailto:` do not.
    pub fn new_tab(&self) -> bool {
        let scheme = |s: &str| {
            self.href
                .get(..s.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(s))
        };
        !(scheme("tel:") || scheme("mailto:"))
    }
}

fn text_at<'a>(details: &'a Value, key: &str) -> Option<&'a str> {
    details
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A web address as configured in botInfo: `example.com` means `https://example.com` (a bare domain
/// would otherwise resolve as a path on the bot host).
fn web_href(raw: &str, bot_host: &str) -> Option<String> {
    let looks_like_domain = !raw.contains(':')
        && !raw.starts_with('/')
        && !raw.starts_with('.')
        && raw[..stop_at(raw, b"/")].contains('.');
    if looks_like_domain {
        let mut url = String::from("https://");
        url.push_str(raw);
        safe_url(&url, bot_host)
    } else {
        safe_url(raw, bot_host)
    }
}

/// A `tel:` link of a number written with digits, `+`, and the separators `-() .`; its digits and `+`
/// only. One pass over the bytes: every accepted character is ASCII.
fn phone_href(raw: &str) -> Option<String> {
    let mut href = String::from("tel:");
    let mut any_digit = false;
    for b in raw.bytes() {
        match b {
            b'0'..=b'9' => {
                any_digit = true;
                href.push(char::from(b));
            }
            b'+' => href.push('+'),
            b'-' | b'(' | b')' | b' ' | b'.' => {}
            _ => return None,
        }
    }
    if !any_digit {
        return None;
    }
    safe_url(&href, "")
}

fn email_href(raw: &str) -> Option<String> {
    let ok = raw.bytes().filter(|&b| b == b'@').count() == 1
        && !raw.starts_with('@')
        && !raw.ends_with('@')
        && !raw
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ':' | '?' | '&' | '/' | '<' | '>'));
    if !ok {
        return None;
    }
    let mut href = String::from("mailto:");
    href.push_str(raw);
    safe_url(&href, "")
}

/// The links of botInfo `details`, in v12's order, dropping any that is missing or refused.
pub fn info_links(details: &Value, bot_host: &str) -> Vec<InfoLink> {
    let mut links = Vec::new();
    for (kind, key, _, _) in LINKS {
        let Some(raw) = text_at(details, key) else {
            continue;
        };
        let href = match kind {
            LinkKind::Phone => phone_href(raw),
            LinkKind::Email => email_href(raw),
            _ => web_href(raw, bot_host),
        };
        if let Some(href) = href {
            links.push(InfoLink {
                kind,
                text: raw.to_string(),
                href,
            });
        }
    }
    links
}

/// The language choices of the bot-info page: botInfo `languages` (trimmed, de-duplicated, in order) with
/// the current one selected. `current` is the state language, else the resolved UI language code; when it
/// is not among the bot's languages, nothing is selected (the first option shows).
pub fn language_options(languages: &[String], current: &str) -> Vec<(String, bool)> {
    let mut options: Vec<(String, bool)> = Vec::new();
    for l in languages {
        let l = l.trim();
        if !l.is_empty() && !options.iter().any(|(s, _)| s.eq_ignore_ascii_case(l)) {
            options.push((l.to_string(), false));
        }
    }
    // the exact language, else its base (`fr` for `fr-CA`)
    let base = &current[..stop_at(current, b"-_")];
    let chosen = [current, base].iter().find_map(|want| {
        options
            .iter()
            .position(|(l, _)| l.eq_ignore_ascii_case(want))
    });
    if let Some(i) = chosen {
        options[i].1 = true;
    }
    options
}

/// An image of botInfo `details` (`avatarUrl`, `coverPictureUrl`) through the allowlist.
pub fn detail_image(details: &Value, key: &str, bot_host: &str) -> Option<String> {
    safe_url(text_at(details, key)?, bot_host)
}

/// What the bot-info page shows; it is rebuilt when this changes.
#[derive(PartialEq)]
struct Model {
    title: String,
    cover: Option<String>,
    avatar: Option<String>,
    description: String,
    links: Vec<InfoLink>,
    languages: Vec<(String, bool)>,
    language_label: &'static str,
    started: bool,
}

impl Model {
    fn of(cx: &Cx) -> Model {
        let host = cx.config.host.as_str();
        let details = &cx.state.bot_info.details;
        let avatar = detail_image(details, "avatarUrl", host).or_else(|| {
            cx.config
                .avatar_url
                .as_deref()
                .and_then(|u| safe_url(u, host))
        });
        let description = if cx.state.bot_info.description.trim().is_empty() {
            cx.config.bot_convo_description.clone().unwrap_or_default()
        } else {
            cx.state.bot_info.description.clone()
        };
        let current = cx.state.language.as_deref().unwrap_or(cx.lang.code());
        Model {
            title: cx.title(),
            cover: detail_image(details, "coverPictureUrl", host),
            avatar,
            description,
            links: info_links(details, host),
            languages: language_options(&cx.state.bot_info.languages, current),
            language_label: cx.t(Key::Language),
            started: !cx.state.messages.is_empty(),
        }
    }
}

/// The bot-info page (replaces the transcript while `state.show_bot_info`).
pub struct Page {
    el: Element,
    model: Option<Model>,
    scope: Scope,
}

impl Page {
    /// Builds the page into `section` before `end`.
    pub fn new(section: &Element, end: &Element, cx: &Cx) -> Page {
        let el = E::classed("section", "bpw-bot-info").testid("bot-info").0;
        dom::insert(section, &el, Some(end.as_ref()));
        let mut page = Page {
            el,
            model: None,
            scope: Scope::new(),
        };
        page.update(cx);
        page
    }

    /// Rebuilds the page when what it shows changed.
    pub fn update(&mut self, cx: &Cx) {
        let model = Model::of(cx);
        if self.model.as_ref() == Some(&model) {
            return;
        }
        self.scope.clear();
        dom::clear(&self.el);
        let m = &model;
        let mut label = String::from("About ");
        label.push_str(&m.title);
        dom::set(&self.el, "aria-label", &label);
        let img =
            |class: &str, src: &str| E::classed("img", class).attr("alt", "").attr("src", src);
        if let Some(src) = &m.cover {
            img("bpw-bot-info-cover", src).append_to(&self.el);
        }
        let mut head = E::classed("div", "bpw-bot-info-head");
        if let Some(src) = &m.avatar {
            head = head.child(img("bpw-bot-info-avatar", src));
        }
        head = head.child(E::classed("h3", "bpw-bot-info-name").text(&m.title));
        head.append_to(&self.el);
        if !m.description.trim().is_empty() {
            let p = E::classed("p", "bpw-bot-info-description")
                .dir_auto()
                .text(&m.description);
            p.append_to(&self.el);
        }
        let list = E::classed("ul", "bpw-bot-info-links");
        for link in &m.links {
            let mut a = E::new("a")
                .attr("href", &link.href)
                .attr("data-link", link.kind.name())
                .text(&link.text);
            if link.new_tab() {
                a = a
                    .attr("target", "_blank")
                    .attr("rel", "noopener noreferrer");
            }
            let li = E::new("li")
                .child(E::classed("span", "bpw-bot-info-label").text(link.kind.label()))
                .child(a);
            li.append_to(&list.0);
        }
        list.append_to(&self.el);
        if m.languages.len() > 1 {
            let select = E::new("select").testid("language-select");
            for (l, selected) in &m.languages {
                let o = E::new("option")
                    .attr("value", l)
                    .flag("selected", *selected)
                    .text(l);
                o.append_to(&select.0);
            }
            let chat = cx.chat.clone();
            // created as a `<select>` just above
            let field: HtmlSelectElement = select.0.clone().unchecked_into();
            self.scope.listen(
                &select.0,
                "change",
                Box::new(move |_| chat.run(Command::SetLanguage(field.value()))),
            );
            let label = E::classed("label", "bpw-bot-info-language")
                .child(E::new("span").text(m.language_label))
                .child(select);
            label.append_to(&self.el);
        }
        let start = E::button("bpw-bot-info-start")
            .testid("bot-info-close")
            .text(if m.started {
                "Back to the conversation"
            } else {
                "Start the conversation"
            });
        let start = cx.chat.on_click(
            start,
            &mut self.scope,
            |_| Command::ToggleBotInfo,
            String::new(),
        );
        start.append_to(&self.el);
        self.model = Some(model);
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        self.el.remove();
    }
}

/// The header button that shows or hides the bot-info page (`aria-pressed` is kept by the header).
pub fn toggle(cx: &Cx, scope: &mut Scope) -> Element {
    let label = cx.t(Key::BotInformation);
    let button = E::button("bpw-header-btn bpw-bot-info-toggle")
        .testid("bot-info-toggle")
        .attr(
            "aria-pressed",
            if cx.state.show_bot_info {
                "true"
            } else {
                "false"
            },
        )
        .attr("aria-label", label)
        .attr("title", label)
        .child(E::new("span").aria_hidden().text("i"));
    cx.chat
        .on_click(button, scope, |_| Command::ToggleBotInfo, String::new())
        .0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    const HOST: &str = "https://bot.example.com";

    #[test]
    fn every_detail_becomes_a_link_in_order() {
        let links = info_links(
            &json!({
                "privacyPolicy": "https://ex.com/privacy",
                "website": "https://ex.com",
                "phoneNumber": "+1 (555) 010-9999",
                "emailAddress": "help@ex.com",
                "termsConditions": "/terms",
                "avatarUrl": "https://ex.com/a.png"
            }),
            HOST,
        );
        let got: Vec<_> = links
            .iter()
            .map(|l| (l.kind, l.href.as_str(), l.new_tab()))
            .collect();
        assert_eq!(
            got,
            [
                (LinkKind::Website, "https://ex.com", true),
                (LinkKind::Phone, "tel:+15550109999", false),
                (LinkKind::Email, "mailto:help@ex.com", false),
                (LinkKind::Terms, "https://bot.example.com/terms", true),
                (LinkKind::Privacy, "https://ex.com/privacy", true),
            ]
        );
        assert_eq!(links[1].text, "+1 (555) 010-9999");
    }

    #[test]
    fn dangerous_or_malformed_values_are_dropped() {
        let links = info_links(
            &json!({
                "website": "javascript:alert(1)",
                "phoneNumber": "call me",
                "emailAddress": "a@b@c",
                "termsConditions": "data:text/html,<b>x</b>",
                "privacyPolicy": "  "
            }),
            HOST,
        );
        assert!(links.is_empty(), "{links:?}");
        assert!(info_links(&json!({"emailAddress": "x@y.z?cc=evil@z"}), HOST).is_empty());
        assert!(info_links(&json!({"phoneNumber": "123\njavascript:"}), HOST).is_empty());
        assert!(info_links(&json!({"website": 5}), HOST).is_empty());
        assert!(info_links(&Value::Null, HOST).is_empty());
    }

    #[test]
    fn the_link_table_follows_the_kinds() {
        for (i, (kind, _, name, label)) in LINKS.iter().enumerate() {
            assert_eq!(*kind as usize, i);
            assert_eq!((kind.name(), kind.label()), (*name, *label));
        }
    }

    #[test]
    fn a_bare_domain_is_https() {
        let links = info_links(&json!({"website": "example.com/about"}), HOST);
        assert_eq!(links[0].href, "https://example.com/about");
        let links = info_links(&json!({"website": "/about"}), HOST);
        assert_eq!(links[0].href, "https://bot.example.com/about");
    }

    #[test]
    fn language_choices() {
        let langs: Vec<String> = ["en", "fr", " FR ", "", "pt-BR"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            language_options(&langs, "fr"),
            [
                ("en".to_string(), false),
                ("fr".to_string(), true),
                ("pt-BR".to_string(), false)
            ]
        );
        assert!(language_options(&langs, "pt-BR")[2].1, "exact match");
        assert!(language_options(&langs, "fr-CA")[1].1, "base language");
        assert!(language_options(&langs, "de").iter().all(|(_, s)| !s));
        assert!(language_options(&[], "en").is_empty());
    }

    #[test]
    fn images_pass_the_allowlist() {
        let d = json!({"avatarUrl": "/media/a.png", "coverPictureUrl": "javascript:x"});
        assert_eq!(
            detail_image(&d, "avatarUrl", HOST).as_deref(),
            Some("https://bot.example.com/media/a.png")
        );
        assert_eq!(detail_image(&d, "coverPictureUrl", HOST), None);
        assert_eq!(detail_image(&d, "missing", HOST), None);
    }
}

//! The bot-info page (v12 `BotInfo`): name, description, avatar, cover picture and the botInfo `details`
//! links (website, phone, email, terms, privacy; botpress-protocols.md §1.4 `GET /botInfo`). It replaces
//! the transcript while shown; `sendEvent({type:'toggleBotInfo'})` and the header button toggle it, and
//! botInfo `showBotInfoPage` shows it first. Every URL passes [`crate::views::url::safe_url`].

use leptos::prelude::*;
use serde_json::Value;

use super::use_chat;
use crate::i18n::Key;
use crate::transport::Command;
use crate::views::url::safe_url;
use crate::views::ARIA_HIDDEN;

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

impl LinkKind {
    /// The label shown before the link.
    pub fn label(self) -> &'static str {
        match self {
            LinkKind::Website => "Website",
            LinkKind::Phone => "Phone",
            LinkKind::Email => "Email",
            LinkKind::Terms => "Terms and conditions",
            LinkKind::Privacy => "Privacy policy",
        }
    }

    /// A stable name for `data-link` (tests, styling).
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Website => "website",
            LinkKind::Phone => "phone",
            LinkKind::Email => "email",
            LinkKind::Terms => "terms",
            LinkKind::Privacy => "privacy",
        }
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
        let h = self.href.to_ascii_lowercase();
        !(h.starts_with("tel:") || h.starts_with("mailto:"))
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
        && raw.split('/').next().is_some_and(|h| h.contains('.'));
    if looks_like_domain {
        safe_url(&format!("https://{raw}"), bot_host)
    } else {
        safe_url(raw, bot_host)
    }
}

fn phone_href(raw: &str) -> Option<String> {
    let ok = raw.chars().any(|c| c.is_ascii_digit())
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | ' ' | '.'));
    if !ok {
        return None;
    }
    let digits: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    safe_url(&format!("tel:{digits}"), "")
}

fn email_href(raw: &str) -> Option<String> {
    let ok = raw.split('@').count() == 2
        && !raw.starts_with('@')
        && !raw.ends_with('@')
        && !raw
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ':' | '?' | '&' | '/' | '<' | '>'));
    ok.then(|| safe_url(&format!("mailto:{raw}"), "")).flatten()
}

/// The links of botInfo `details`, in v12's order, dropping any that is missing or refused.
pub fn info_links(details: &Value, bot_host: &str) -> Vec<InfoLink> {
    let entries = [
        (LinkKind::Website, "website"),
        (LinkKind::Phone, "phoneNumber"),
        (LinkKind::Email, "emailAddress"),
        (LinkKind::Terms, "termsConditions"),
        (LinkKind::Privacy, "privacyPolicy"),
    ];
    entries
        .into_iter()
        .filter_map(|(kind, key)| {
            let raw = text_at(details, key)?;
            let href = match kind {
                LinkKind::Phone => phone_href(raw),
                LinkKind::Email => email_href(raw),
                _ => web_href(raw, bot_host),
            }?;
            Some(InfoLink {
                kind,
                text: raw.to_string(),
                href,
            })
        })
        .collect()
}

/// The language choices of the bot-info page: botInfo `languages` (trimmed, de-duplicated, in order) with
/// the current one selected. `current` is the state language, else the resolved UI language code; when it
/// is not among the bot's languages, nothing is selected (the first option shows).
pub fn language_options(languages: &[String], current: &str) -> Vec<(String, bool)> {
    let mut seen: Vec<String> = Vec::new();
    for l in languages {
        let l = l.trim();
        if !l.is_empty() && !seen.iter().any(|s| s.eq_ignore_ascii_case(l)) {
            seen.push(l.to_string());
        }
    }
    let base = current.split(['-', '_']).next().unwrap_or("");
    let exact = seen.iter().position(|l| l.eq_ignore_ascii_case(current));
    let chosen = exact.or_else(|| seen.iter().position(|l| l.eq_ignore_ascii_case(base)));
    seen.into_iter()
        .enumerate()
        .map(|(i, l)| (l, Some(i) == chosen))
        .collect()
}

/// An image of botInfo `details` (`avatarUrl`, `coverPictureUrl`) through the allowlist.
pub fn detail_image(details: &Value, key: &str, bot_host: &str) -> Option<String> {
    safe_url(text_at(details, key)?, bot_host)
}

/// The bot-info page (replaces the transcript while `state.show_bot_info`).
#[component]
pub fn BotInfoPage() -> impl IntoView {
    let chat = use_chat();
    let host = move || chat.config.with(|c| c.host.clone());
    let details = move || chat.state.with(|s| s.bot_info.details.clone());
    let avatar = move || {
        detail_image(&details(), "avatarUrl", &host()).or_else(|| {
            chat.config
                .with(|c| c.avatar_url.clone())
                .and_then(|u| safe_url(&u, &host()))
        })
    };
    let cover = move || detail_image(&details(), "coverPictureUrl", &host());
    let description = move || {
        let d = chat.state.with(|s| s.bot_info.description.clone());
        if d.trim().is_empty() {
            chat.config
                .with(|c| c.bot_convo_description.clone())
                .unwrap_or_default()
        } else {
            d
        }
    };
    let links = move || info_links(&details(), &host());
    let started = move || chat.state.with(|s| !s.messages.is_empty());
    let languages = move || {
        let current = chat
            .state
            .with(|s| s.language.clone())
            .unwrap_or_else(|| chat.lang.get().code().to_string());
        chat.state
            .with(|s| language_options(&s.bot_info.languages, &current))
    };
    view! {
        <section class="bpw-bot-info" data-testid="bot-info" aria-label=move || format!("About {}", chat.title())>
            {move || cover().map(|src| view! { <img class="bpw-bot-info-cover" alt="" src=src /> })}
            <div class="bpw-bot-info-head">
                {move || avatar().map(|src| view! { <img class="bpw-bot-info-avatar" alt="" src=src /> })}
                <h3 class="bpw-bot-info-name">{move || chat.title()}</h3>
            </div>
            <Show when=move || !description().trim().is_empty()>
                <p class="bpw-bot-info-description" dir="auto">{description}</p>
            </Show>
            <ul class="bpw-bot-info-links">
                <For each=links key=|l| l.kind.name() let:link>
                    <li>
                        <span class="bpw-bot-info-label">{link.kind.label()}": "</span>
                        <a
                            href=link.href.clone()
                            data-link=link.kind.name()
                            target=link.new_tab().then_some("_blank")
                            rel=link.new_tab().then_some("noopener noreferrer")
                        >
                            {link.text.clone()}
                        </a>
                    </li>
                </For>
            </ul>
            <Show when=move || { languages().len() > 1 }>
                <label class="bpw-bot-info-language">
                    <span>{move || chat.t(Key::Language)}</span>
                    <select
                        data-testid="language-select"
                        on:change:target=move |ev| {
                            chat.cmd.run(Command::SetLanguage(ev.target().value()))
                        }
                    >
                        <For each=languages key=|(l, sel)| (l.clone(), *sel) let:opt>
                            <option value=opt.0.clone() selected=opt.1>
                                {opt.0.clone()}
                            </option>
                        </For>
                    </select>
                </label>
            </Show>
            <button
                type="button"
                class="bpw-bot-info-start"
                data-testid="bot-info-close"
                on:click=move |_| chat.cmd.run(Command::ToggleBotInfo)
            >
                {move || if started() { "Back to the conversation" } else { "Start the conversation" }}
            </button>
        </section>
    }
}

/// The header button that shows or hides the bot-info page.
#[component]
pub fn BotInfoToggle() -> impl IntoView {
    let chat = use_chat();
    let shown = move || chat.state.with(|s| s.show_bot_info);
    view! {
        <button
            type="button"
            class="bpw-header-btn bpw-bot-info-toggle"
            data-testid="bot-info-toggle"
            aria-pressed=move || shown().to_string()
            aria-label=move || chat.t(Key::BotInformation)
            title=move || chat.t(Key::BotInformation)
            on:click=move |_| chat.cmd.run(Command::ToggleBotInfo)
        >
            <span aria-hidden=ARIA_HIDDEN>"i"</span>
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

//! Config `overrides` (botpress-protocols.md §1.3, §1.9): `{ location: [{module, component}] }` puts
//! registered custom views (the [`crate::views`] registry, or a `(container, props)` function the page
//! put on `window.botpress[module][component]`, v12's lookup) at fixed places of the widget:
//! `before_widget` (before the launcher and panel), `before_container` (before the panel),
//! `below_conversation` (between the transcript and the composer) and `composer` (replaces the composer,
//! as in v12). An entry naming a view that is not registered renders nothing and logs a console warning
//! naming it; malformed entries are skipped with a warning. Parsing is pure and tested natively.
//!
//! The registry is read when a slot renders (when the panel opens, or the config changes), so views must
//! be registered before that.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::{json, Map, Value};

use super::{use_chat, Chat, Composer};
use crate::model::Message;
use crate::transport::command::event_command;
use crate::transport::Command;
use crate::views::convert::Custom;
use crate::views::{self, RenderCtx};

/// Where an override renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// Before the launcher and the panel.
    BeforeWidget,
    /// Before the panel (only while it is open).
    BeforeContainer,
    /// Between the transcript and the composer.
    BelowConversation,
    /// Instead of the composer.
    Composer,
}

impl Location {
    /// Every location.
    pub const ALL: [Location; 4] = [
        Location::BeforeWidget,
        Location::BeforeContainer,
        Location::BelowConversation,
        Location::Composer,
    ];

    /// The v12 config key.
    pub fn key(self) -> &'static str {
        match self {
            Location::BeforeWidget => "before_widget",
            Location::BeforeContainer => "before_container",
            Location::BelowConversation => "below_conversation",
            Location::Composer => "composer",
        }
    }

    /// The location of a config key.
    pub fn parse(key: &str) -> Option<Location> {
        Location::ALL.into_iter().find(|l| l.key() == key)
    }
}

/// One `{module, component}` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideRef {
    /// Registry module.
    pub module: String,
    /// Registry view (`component`, or `view` as in custom payloads).
    pub component: String,
}

/// A parsed `overrides` option.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overrides {
    /// Entries by location, in config order.
    pub at: BTreeMap<Location, Vec<OverrideRef>>,
    /// Problems found, each with the location it concerns (`None`: the option as a whole).
    pub warnings: Vec<(Option<Location>, String)>,
}

impl Overrides {
    /// The entries of `location`.
    pub fn entries(&self, location: Location) -> &[OverrideRef] {
        self.at.get(&location).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn name_at<'a>(entry: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| entry.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Parse config `overrides`. A single object is accepted where a list is expected.
pub fn parse_overrides(value: Option<&Value>) -> Overrides {
    let mut out = Overrides::default();
    let obj = match value {
        None | Some(Value::Null) => return out,
        Some(Value::Object(o)) => o,
        Some(_) => {
            out.warnings
                .push((None, "`overrides` must be an object of locations".into()));
            return out;
        }
    };
    for (key, list) in obj {
        let Some(location) = Location::parse(key) else {
            out.warnings.push((
                None,
                format!(
                    "unknown overrides location `{key}` (known: before_widget, before_container, below_conversation, composer)"
                ),
            ));
            continue;
        };
        let items: Vec<&Value> = match list {
            Value::Array(a) => a.iter().collect(),
            Value::Object(_) => vec![list],
            _ => {
                out.warnings.push((
                    Some(location),
                    format!("`overrides.{key}` must be a list of {{module, component}}"),
                ));
                continue;
            }
        };
        for item in items {
            match (
                name_at(item, &["module"]),
                name_at(item, &["component", "view"]),
            ) {
                (Some(module), Some(component)) => {
                    out.at.entry(location).or_default().push(OverrideRef {
                        module: module.into(),
                        component: component.into(),
                    })
                }
                _ => out.warnings.push((
                    Some(location),
                    format!("`overrides.{key}` entry {item} needs `module` and `component`"),
                )),
            }
        }
    }
    out
}

/// The override entries of `location` whose view is registered; a warning names each missing one.
pub fn resolve(
    overrides: &Overrides,
    location: Location,
    is_registered: impl Fn(&str, &str) -> bool,
) -> (Vec<OverrideRef>, Vec<String>) {
    let mut warnings: Vec<String> = overrides
        .warnings
        .iter()
        .filter(|(l, _)| {
            *l == Some(location) || (l.is_none() && location == Location::BeforeWidget)
        })
        .map(|(_, w)| w.clone())
        .collect();
    let mut found = Vec::new();
    for r in overrides.entries(location) {
        if is_registered(&r.module, &r.component) {
            found.push(r.clone());
        } else {
            warnings.push(format!(
                "override `{}/{}` at `{}` is not a registered view; nothing is rendered there",
                r.module,
                r.component,
                location.key()
            ));
        }
    }
    (found, warnings)
}

fn warn(text: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&format!("botpressWebChat: {text}").into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = text;
}

fn render_ctx(chat: &Chat) -> RenderCtx {
    let cmd = chat.cmd;
    let send_event = Callback::new(move |e: Value| match event_command(&e) {
        Ok(Some(c)) => cmd.run(c),
        Ok(None) => {}
        Err(err) => warn(&format!("sendEvent from an override: {err}")),
    });
    let send_feedback = Callback::new(move |(message_id, feedback): (String, i8)| {
        cmd.run(Command::Feedback {
            message_id,
            feedback,
        })
    });
    let host = chat.config.with_untracked(|c| c.host.clone());
    let send_payload = Callback::new(move |p: Value| cmd.run(Command::SendPayload(p)));
    RenderCtx::new(send_payload, send_event, send_feedback, host)
}

fn render_entry(chat: &Chat, location: Location, r: &OverrideRef) -> AnyView {
    let mut props = Map::new();
    props.insert("location".into(), json!(location.key()));
    let custom = Custom {
        module: r.module.clone(),
        view: r.component.clone(),
        props,
    };
    let msg = Message {
        id: format!("override:{}:{}/{}", location.key(), r.module, r.component),
        conversation_id: chat
            .state
            .with_untracked(|s| s.conversation_id.clone())
            .unwrap_or_default(),
        author_id: None,
        sent_on: String::new(),
        payload: json!({"type": "custom", "module": r.module, "component": r.component}),
    };
    views::registry::render_custom(&custom, &msg, &render_ctx(chat))
}

/// The parsed `overrides` option, recomputed only when the config changes it.
fn parsed_overrides(chat: &Chat) -> Memo<Overrides> {
    let config = chat.config;
    Memo::new(move |_| config.with(|c| parse_overrides(c.overrides.as_ref())))
}

/// The registered overrides of `location`, rendered (nothing when there are none).
fn rendered(chat: &Chat, location: Location, parsed: Memo<Overrides>) -> Option<AnyView> {
    // registered views, or v12's own lookup: a `(container, props)` function on window.botpress
    let exists = |m: &str, c: &str| {
        views::is_registered(m, c) || crate::api::views::page_view(m, c).is_some()
    };
    let (found, warnings) = parsed.with(|p| resolve(p, location, exists));
    for w in &warnings {
        warn(w);
    }
    if found.is_empty() {
        return None;
    }
    let chat = *chat;
    let views: Vec<AnyView> = found
        .iter()
        .map(|r| render_entry(&chat, location, r))
        .collect();
    Some(
        view! { <div class="bpw-override" data-testid="override" data-location=location.key()>{views}</div> }
            .into_any(),
    )
}

/// The overrides of one location.
#[component]
pub fn OverrideSlot(
    /// Which location this slot renders.
    location: Location,
) -> impl IntoView {
    let chat = use_chat();
    let parsed = parsed_overrides(&chat);
    move || rendered(&chat, location, parsed)
}

/// The composer, or the `composer` overrides instead of it when any is registered.
#[component]
pub fn ComposerSlot() -> impl IntoView {
    let chat = use_chat();
    let parsed = parsed_overrides(&chat);
    move || {
        rendered(&chat, Location::Composer, parsed)
            .unwrap_or_else(|| view! { <Composer /> }.into_any())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(m: &str, c: &str) -> OverrideRef {
        OverrideRef {
            module: m.into(),
            component: c.into(),
        }
    }

    #[test]
    fn locations_round_trip() {
        for l in Location::ALL {
            assert_eq!(Location::parse(l.key()), Some(l));
        }
        assert_eq!(Location::parse("header"), None);
    }

    #[test]
    fn parses_every_location_in_order() {
        let o = parse_overrides(Some(&json!({
            "composer": [{"module": "m", "component": "Box"}],
            "below_conversation": [{"module": "m", "component": "A"}, {"module": "n", "view": "B"}],
            "before_widget": {"module": "m", "component": "W"},
            "before_container": []
        })));
        assert!(o.warnings.is_empty(), "{:?}", o.warnings);
        assert_eq!(o.entries(Location::Composer), [r("m", "Box")]);
        assert_eq!(
            o.entries(Location::BelowConversation),
            [r("m", "A"), r("n", "B")]
        );
        assert_eq!(o.entries(Location::BeforeWidget), [r("m", "W")]);
        assert!(o.entries(Location::BeforeContainer).is_empty());
    }

    #[test]
    fn bad_input_is_reported_not_fatal() {
        assert_eq!(parse_overrides(None), Overrides::default());
        assert_eq!(parse_overrides(Some(&Value::Null)), Overrides::default());
        let o = parse_overrides(Some(&json!([1])));
        assert_eq!(o.warnings.len(), 1);
        let o = parse_overrides(Some(&json!({
            "header": [{"module": "m", "component": "X"}],
            "composer": "Box",
            "below_conversation": [{"module": "m"}, {"module": " ", "component": "Y"}, {"module": "ok", "component": "Z"}]
        })));
        assert_eq!(o.entries(Location::BelowConversation), [r("ok", "Z")]);
        assert!(o.entries(Location::Composer).is_empty());
        let text: Vec<_> = o.warnings.iter().map(|(_, w)| w.as_str()).collect();
        assert!(text.iter().any(|w| w.contains("`header`")), "{text:?}");
        assert!(text.iter().any(|w| w.contains("overrides.composer")));
        assert_eq!(
            o.warnings
                .iter()
                .filter(|(l, _)| *l == Some(Location::BelowConversation))
                .count(),
            2
        );
    }

    #[test]
    fn unregistered_views_are_skipped_with_a_warning_naming_them() {
        let o = parse_overrides(Some(&json!({
            "below_conversation": [{"module": "m", "component": "Yes"}, {"module": "m", "component": "No"}],
            "nowhere": []
        })));
        let registered = |m: &str, c: &str| m == "m" && c == "Yes";
        let (found, warnings) = resolve(&o, Location::BelowConversation, registered);
        assert_eq!(found, [r("m", "Yes")]);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("m/No") && warnings[0].contains("below_conversation"));
        // option-wide warnings are logged once, by the before_widget slot (always rendered)
        let (_, w) = resolve(&o, Location::BeforeWidget, registered);
        assert!(w.iter().any(|w| w.contains("nowhere")));
        let (_, w) = resolve(&o, Location::Composer, registered);
        assert!(w.is_empty());
    }

    #[test]
    fn resolves_against_the_real_registry() {
        views::register("gaps-test", "Banner", |_p: views::CustomProps| "banner").unwrap();
        let o = parse_overrides(Some(
            &json!({"composer": [{"module": "gaps-test", "component": "Banner"}]}),
        ));
        let (found, warnings) = resolve(&o, Location::Composer, views::is_registered);
        assert_eq!(found, [r("gaps-test", "Banner")]);
        assert!(warnings.is_empty());
        views::unregister("gaps-test", "Banner");
        let (found, _) = resolve(&o, Location::Composer, views::is_registered);
        assert!(found.is_empty());
    }
}

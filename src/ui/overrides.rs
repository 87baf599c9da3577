//! Config `overrides` (botpress-protocols.md §1.3, §1.9): `{ location: [{module, component}] }` puts
//! registered custom views (the [`crate::views`] registry, or a `(container, props)` function the page
//! put on `window.botpress[module][component]`, v12's lookup) at fixed places of the widget:
//! `before_widget` (before the launcher and panel), `before_container` (before the panel),
//! `below_conversation` (between the transcript and the composer) and `composer` (replaces the composer,
//! as in v12). An entry naming a view that is not registered renders nothing and logs a console warning
//! naming it; malformed entries are skipped with a warning. Parsing is pure and tested natively.
//!
//! The registry is read when a slot renders (when the panel opens, or the `overrides` option changes),
//! so views must be registered before that.

use std::rc::Rc;

use web_sys::{Element, Node};

use super::{Chat, Cx};
use crate::dom::{self, Scope, E};
use crate::json;
use crate::json::{Map, Value};
use crate::model::Message;
use crate::text::concat;
use crate::transport::command::event_command;
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
    /// Entries by location (in [`Location::ALL`] order), each list in config order.
    pub at: [Vec<OverrideRef>; 4],
    /// Problems found, each with the location it concerns (`None`: the option as a whole).
    pub warnings: Vec<(Option<Location>, String)>,
}

impl Overrides {
    /// The entries of `location`.
    pub fn entries(&self, location: Location) -> &[OverrideRef] {
        &self.at[location as usize]
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
                concat(&[
                    "unknown overrides location `",
                    key,
                    "` (known: before_widget, before_container, below_conversation, composer)",
                ]),
            ));
            continue;
        };
        let items: &[Value] = match list {
            Value::Array(a) => a,
            Value::Object(_) => std::slice::from_ref(list),
            _ => {
                out.warnings.push((
                    Some(location),
                    concat(&[
                        "`overrides.",
                        key,
                        "` must be a list of {module, component}",
                    ]),
                ));
                continue;
            }
        };
        for item in items {
            match (
                name_at(item, &["module"]),
                name_at(item, &["component", "view"]),
            ) {
                (Some(module), Some(component)) => out.at[location as usize].push(OverrideRef {
                    module: module.into(),
                    component: component.into(),
                }),
                _ => out.warnings.push((
                    Some(location),
                    concat(&[
                        "`overrides.",
                        key,
                        "` entry ",
                        &json::stringify(item),
                        " needs `module` and `component`",
                    ]),
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
) -> (Vec<&OverrideRef>, Vec<String>) {
    let mut warnings: Vec<String> = Vec::new();
    for (l, w) in &overrides.warnings {
        if *l == Some(location) || (l.is_none() && location == Location::BeforeWidget) {
            warnings.push(w.clone());
        }
    }
    let mut found = Vec::new();
    for r in overrides.entries(location) {
        if is_registered(&r.module, &r.component) {
            found.push(r);
        } else {
            warnings.push(concat(&[
                "override `",
                &r.module,
                "/",
                &r.component,
                "` at `",
                location.key(),
                "` is not a registered view; nothing is rendered there",
            ]));
        }
    }
    (found, warnings)
}

/// Logs `"botpressWebChat: {context}{text}"` as a console warning.
fn warn(context: &str, text: &str) {
    let mut line = String::from("botpressWebChat: ");
    line.push_str(context);
    line.push_str(text);
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&line.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = line;
}

fn render_ctx(cx: &Cx) -> RenderCtx {
    let chat: Chat = cx.chat.clone();
    let events = chat.clone();
    let send_event: views::Callback<Value> = Rc::new(move |e: Value| match event_command(&e) {
        Ok(Some(c)) => events.run(c),
        Ok(None) => {}
        Err(err) => warn("sendEvent from an override: ", &err),
    });
    let mut ctx = RenderCtx::new(
        chat.send_payload(),
        send_event,
        chat.send_feedback(),
        cx.config.host.clone(),
    );
    ctx.lang = cx.lang;
    ctx
}

fn render_entry(cx: &Cx, location: Location, r: &OverrideRef, scope: &mut Scope) -> Element {
    let mut props = Map::new();
    props.insert("location".into(), json!(location.key()));
    let custom = Custom {
        module: r.module.clone(),
        view: r.component.clone(),
        props,
    };
    let msg = Message {
        id: concat(&[
            "override:",
            location.key(),
            ":",
            &r.module,
            "/",
            &r.component,
        ]),
        conversation_id: cx.state.conversation_id.clone().unwrap_or_default(),
        author_id: None,
        sent_on: String::new(),
        payload: json!({"type": "custom", "module": r.module, "component": r.component}),
    };
    views::registry::render_custom(&custom, &msg, &render_ctx(cx), scope)
}

/// The overrides of one location: a `div.bpw-override` holding the registered views, rendered again
/// when the `overrides` option changes, nothing when none of its entries is registered.
pub struct Slot {
    location: Location,
    /// The `overrides` option this slot last rendered.
    rendered_for: Option<Option<Value>>,
    el: Option<Element>,
    scope: Scope,
}

impl Slot {
    /// An empty slot for `location`.
    pub fn new(location: Location) -> Slot {
        Slot {
            location,
            rendered_for: None,
            el: None,
            scope: Scope::new(),
        }
    }

    /// Renders the slot into `parent` before `before` when the option changed since the last time
    /// (a slot that already shows something is replaced where it is).
    pub fn update(&mut self, cx: &Cx, parent: &Node, before: Option<&Node>) {
        if self.rendered_for.as_ref() == Some(&cx.config.overrides) {
            return;
        }
        self.rendered_for = Some(cx.config.overrides.clone());
        // the old views' cleanups run before the new views render
        self.scope.clear();
        let old = self.el.take();
        let new = self.render(cx);
        match (&old, &new) {
            (Some(old), Some(new)) => {
                if let Some(p) = old.parent_node() {
                    dom::insert(&p, new, Some(old.as_ref()));
                }
            }
            (None, Some(new)) => dom::insert(parent, new, before),
            _ => {}
        }
        if let Some(old) = old {
            old.remove();
        }
        self.el = new;
    }

    fn render(&mut self, cx: &Cx) -> Option<Element> {
        let parsed = parse_overrides(cx.config.overrides.as_ref());
        // registered views, or v12's own lookup: a `(container, props)` function on window.botpress
        let exists = |m: &str, c: &str| {
            views::is_registered(m, c) || crate::api::views::page_view(m, c).is_some()
        };
        let (found, warnings) = resolve(&parsed, self.location, exists);
        for w in &warnings {
            warn("", w);
        }
        if found.is_empty() {
            return None;
        }
        let wrapper = E::classed("div", "bpw-override")
            .testid("override")
            .attr("data-location", self.location.key())
            .0;
        for r in found {
            let view = render_entry(cx, self.location, r, &mut self.scope);
            dom::append(&wrapper, &view);
        }
        Some(wrapper)
    }

    /// The slot's element, when it shows something.
    pub fn element(&self) -> Option<&Element> {
        self.el.as_ref()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.scope.clear();
        if let Some(el) = self.el.take() {
            el.remove();
        }
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
        assert_eq!(found, [&r("m", "Yes")]);
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
        views::register(
            "gaps-test",
            "Banner",
            |_p: &views::CustomProps, _e: &Element| None,
        )
        .unwrap();
        let o = parse_overrides(Some(
            &json!({"composer": [{"module": "gaps-test", "component": "Banner"}]}),
        ));
        let (found, warnings) = resolve(&o, Location::Composer, views::is_registered);
        assert_eq!(found, [&r("gaps-test", "Banner")]);
        assert!(warnings.is_empty());
        views::unregister("gaps-test", "Banner");
        let (found, _) = resolve(&o, Location::Composer, views::is_registered);
        assert!(found.is_empty());
    }
}

//! Raw payload JSON → typed [`Content`]: what v12's `renderPayload()` plus the `render_<type>`
//! dispatch do (botpress-protocols.md §1.8, §1.9), as a pure function.
//!
//! Universal content types (`single-choice`, `dropdown`, `image{image}`, …) are first translated to
//! the legacy webchat shapes exactly like v12 does, then the legacy shape is parsed; universal cards
//! (`card`, `carousel{items}`) are read straight into [`Card`]s, with the same outcome.
//! Unknown or malformed payloads become [`Content::Unsupported`]; nothing here panics.

use crate::json::{self, Map, Value};

/// Registry key of the built-in quick replies view (`custom channel-web/QuickReplies`, §1.8).
pub const QUICK_REPLIES: (&str, &str) = ("channel-web", "QuickReplies");
/// Registry key of the built-in dropdown view (`custom extensions/Dropdown`, §1.8).
pub const DROPDOWN: (&str, &str) = ("extensions", "Dropdown");

/// What a message shows, after conversion.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// `text`, `quick_reply` (and the user's echo of a `login_prompt`).
    Text {
        /// The text itself.
        text: String,
        /// Render as markdown (otherwise plain text, linkified).
        markdown: bool,
    },
    /// An image (`{url,title}` or universal `{image,title}`).
    Image(Media),
    /// An audio clip (`audio`, or `voice{audio}`).
    Audio(Media),
    /// A video.
    Video(Media),
    /// A downloadable file.
    File(Media),
    /// A carousel of cards (`carousel`, universal `card` and `carousel{items}`).
    Carousel(Vec<Card>),
    /// A map location, rendered as a link.
    Location(Location),
    /// `login_prompt` (bot side: a form).
    LoginPrompt,
    /// Three dots.
    Typing,
    /// The "conversation reset" system line.
    SessionReset,
    /// `visit`: renders nothing.
    Visit,
    /// `custom` (also `single-choice` and `dropdown`, which v12 turns into custom payloads):
    /// rendered by the view registered under `module/view`.
    Custom(Custom),
    /// Anything unknown or malformed.
    Unsupported {
        /// The payload's `type` (or a short description when there is none).
        type_name: String,
    },
}

/// A media payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// Source URL, as sent (it still has to pass [`crate::views::url`]).
    pub url: String,
    /// Optional title (caption, file name).
    pub title: Option<String>,
}

/// One carousel card.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Card {
    /// Card title.
    pub title: String,
    /// Optional subtitle.
    pub subtitle: Option<String>,
    /// Optional picture URL.
    pub picture: Option<String>,
    /// The card's buttons.
    pub buttons: Vec<CardButton>,
}

/// A carousel button (§1.8 button shapes).
#[derive(Debug, Clone, PartialEq)]
pub enum CardButton {
    /// Opens `url` in a new tab.
    OpenUrl {
        /// Button label.
        title: String,
        /// Target URL.
        url: String,
    },
    /// Sends `{type:'postback', payload}`.
    Postback {
        /// Button label.
        title: String,
        /// The postback payload, any JSON.
        payload: Value,
    },
    /// Sends `{type:'say_something', text}`.
    SaySomething {
        /// Button label.
        title: String,
        /// The text to say.
        text: String,
    },
}

/// A map location.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// Optional street address.
    pub address: Option<String>,
    /// Optional title.
    pub title: Option<String>,
}

/// A custom payload: which view renders it and with what.
#[derive(Debug, Clone, PartialEq)]
pub struct Custom {
    /// Module name (`channel-web`, `extensions`, `myModule`).
    pub module: String,
    /// View name (`view` or, as v12 sends, `component`).
    pub view: String,
    /// Every payload field except `type`, `module`, `view` and `component`.
    pub props: Map,
}

/// One quick reply button (`{title, payload}`).
#[derive(Debug, Clone, PartialEq)]
pub struct QuickReply {
    /// Button label, also the text sent.
    pub title: String,
    /// Payload sent with it (defaults to the title).
    pub payload: Value,
}

impl QuickReply {
    /// The payload a click sends: `{type:'quick_reply', text:title, payload}` (§1.8).
    pub fn to_payload(&self) -> Value {
        quick_reply_payload(&self.title, self.payload.clone())
    }
}

/// `{type:'quick_reply', text, payload}`: what quick replies and dropdown selections send (§1.8).
fn quick_reply_payload(text: &str, payload: Value) -> Value {
    let mut m = Map::new();
    m.put("type", "quick_reply".into());
    m.put("text", text.into());
    m.put("payload", payload);
    Value::Object(m)
}

/// Typed props of `channel-web/QuickReplies`.
#[derive(Debug, Clone, PartialEq)]
pub struct QuickReplies {
    /// The buttons.
    pub replies: Vec<QuickReply>,
    /// The payload shown in the bubble (usually text), if any.
    pub wrapped: Option<Value>,
    /// Lock the composer while this is the last message.
    pub disable_free_text: bool,
}

impl QuickReplies {
    /// Parses the props of a `channel-web/QuickReplies` custom payload; `None` when malformed.
    pub fn from_props(props: &Map) -> Option<Self> {
        let replies = parse_quick_replies(props.get("quick_replies")?)?;
        let wrapped = match props.get("wrapped") {
            None | Some(Value::Null) => None,
            Some(w @ Value::Object(_)) => Some(w.clone()),
            Some(_) => return None,
        };
        Some(Self {
            replies,
            wrapped,
            disable_free_text: flag(props, "disableFreeText"),
        })
    }
}

/// One dropdown option.
#[derive(Debug, Clone, PartialEq)]
pub struct DropdownOption {
    /// Shown label, also the text sent.
    pub label: String,
    /// Payload sent (`value || label`, §1.8).
    pub value: String,
}

/// Typed props of `extensions/Dropdown`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropdown {
    /// Text shown above the dropdown.
    pub message: Option<String>,
    /// The options.
    pub options: Vec<DropdownOption>,
    /// Allow several selections.
    pub allow_multiple: bool,
    /// Label of the confirm button (defaults to "Select").
    pub button_text: Option<String>,
    /// Placeholder of the closed dropdown.
    pub placeholder_text: Option<String>,
    /// Render `message` as markdown.
    pub markdown: bool,
}

impl Dropdown {
    /// Parses the props of an `extensions/Dropdown` custom payload; `None` when malformed.
    pub fn from_props(props: &Map) -> Option<Self> {
        let options = each(props.get("options")?.as_array()?, |o| {
            // a bare string is both the label and the value
            let (label, value) = match o {
                Value::String(_) => (o, Some(o)),
                Value::Object(m) => (m.get("label")?, m.get("value")),
                _ => return None,
            };
            let label = scalar_string(label)?;
            let value = value
                .and_then(scalar_string)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| label.clone());
            Some(DropdownOption { label, value })
        })?;
        if options.is_empty() {
            return None;
        }
        Some(Self {
            message: text_field(props, "message"),
            options,
            allow_multiple: flag(props, "allowMultiple"),
            button_text: non_empty(props, "buttonText", true),
            placeholder_text: text_field(props, "placeholderText"),
            markdown: flag(props, "markdown"),
        })
    }

    /// The payload a selection of `options` (by index; indices out of range are skipped) sends:
    /// `{type:'quick_reply', text:label, payload:value||label}` (§1.8). Several selections send their
    /// labels joined with `", "` and their values joined with `","`. `None` when nothing is selected.
    pub fn selection_payload(options: &[DropdownOption], indices: &[usize]) -> Option<Value> {
        // One loop for both lists: `text::join` over two mapped iterators compiles twice.
        let (mut text, mut payload) = (String::new(), String::new());
        let mut any = false;
        for &i in indices {
            let Some(o) = options.get(i) else { continue };
            if any {
                text.push_str(", ");
                payload.push(',');
            }
            any = true;
            text.push_str(&o.label);
            payload.push_str(&o.value);
        }
        any.then(|| quick_reply_payload(&text, Value::String(payload)))
    }
}

/// Fields honoured on any payload (§1.8 "Extra payload fields").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extras {
    /// Show thumbs up/down.
    pub collect_feedback: bool,
    /// Lock the composer while this is the last message.
    pub disable_free_text: bool,
    /// Per-message bot avatar.
    pub bot_avatar_url: Option<String>,
    /// `quick_replies` / `buttons` shown as a keyboard.
    pub keyboard: Vec<QuickReply>,
    /// Render without a bubble (`noBubble` or `wrapped.noBubble`).
    pub no_bubble: bool,
}

/// A converted payload: the content and the extra fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// What to render.
    pub content: Content,
    /// Extra fields honoured on any payload.
    pub extras: Extras,
}

/// Converts a raw payload. Never panics; anything unknown or malformed is [`Content::Unsupported`].
pub fn convert(payload: &Value) -> Converted {
    let mut extras = Extras::default();
    let content = match universal_cards(payload) {
        // v12 turns them into a fresh carousel payload: only `collectFeedback` carries over.
        Some((content, obj)) => {
            extras.collect_feedback = flag(obj, "collectFeedback");
            content
        }
        None => {
            let legacy = to_legacy(payload);
            if let Some(legacy) = &legacy {
                extras = extras_of(legacy);
            }
            legacy.as_ref().and_then(content_of)
        }
    };
    Converted {
        // Name the type the bot sent, not the legacy shape it was translated to.
        content: content.unwrap_or_else(|| unsupported(payload)),
        extras,
    }
}

/// Just the content of [`convert`].
pub fn convert_content(payload: &Value) -> Content {
    convert(payload).content
}

fn unsupported(payload: &Value) -> Content {
    let type_name = match payload {
        Value::Object(m) => match m.get("type") {
            Some(Value::String(t)) => t,
            Some(_) => "(non-string type)",
            None => "(no type)",
        },
        Value::Null => "(null)",
        _ => "(not an object)",
    };
    Content::Unsupported {
        type_name: type_name.to_string(),
    }
}

/// v12 `renderPayload()`: universal types → legacy webchat shapes. `None` when not an object.
fn to_legacy(payload: &Value) -> Option<Map> {
    let obj = payload.as_object()?;
    let t = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let out = match t {
        "single-choice" => {
            let choices = array_field(obj, "choices");
            let mut items = Vec::new();
            if flag(obj, "isDropdown") {
                for c in choices {
                    let mut option = Map::new();
                    copy_fields(&mut option, c, &[("label", "title"), ("value", "value")]);
                    items.push(Value::Object(option));
                }
                let mut out = custom_shape(DROPDOWN, obj, &["choices", "isDropdown", "text"]);
                copy_fields(&mut out, payload, &[("message", "text")]);
                out.put("options", Value::Array(items));
                out
            } else {
                for c in choices {
                    let mut reply = Map::new();
                    copy_fields(&mut reply, c, &[("title", "title"), ("payload", "value")]);
                    if let Some(Value::String(s)) = reply.get_mut("payload") {
                        *s = crate::browser::to_upper(s);
                    }
                    items.push(Value::Object(reply));
                }
                let mut out = custom_shape(QUICK_REPLIES, obj, &["choices", "text", "markdown"]);
                out.put("quick_replies", Value::Array(items));
                let mut wrapped = Map::new();
                wrapped.put("type", "text".into());
                copy_fields(&mut wrapped, payload, &[("text", "text")]);
                if let Some(md) = obj.get("markdown") {
                    wrapped.put("markdown", md.clone());
                }
                out.put("wrapped", Value::Object(wrapped));
                out
            }
        }
        "dropdown" => custom_shape(DROPDOWN, obj, &[]),
        _ => obj.clone(),
    };
    Some(out)
}

/// The array at `key`, or an empty slice when absent or not an array.
fn array_field<'a>(obj: &'a Map, key: &str) -> &'a [Value] {
    obj.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// For each `(to, from)` pair, in order, sets `out[to]` to `src[from]` (`null` when missing). One
/// loop instead of a `json!` object with `get(..).cloned().unwrap_or(Null)` per field.
fn copy_fields(out: &mut Map, src: &Value, fields: &[(&str, &str)]) {
    for (to, from) in fields {
        out.put(to, src.get(*from).cloned().unwrap_or(Value::Null));
    }
}

/// The members of `obj` whose key is not in `drop`, in order.
fn without(obj: &Map, drop: &[&str]) -> Map {
    let mut out = Map::new();
    for (k, v) in obj {
        if !drop.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// `{type:'custom', module, component, ...rest}` from a universal payload.
fn custom_shape(key: (&str, &str), obj: &Map, drop: &[&str]) -> Map {
    let mut out = without(obj, drop);
    out.put("type", "custom".into());
    out.put("module", key.0.into());
    out.put("component", key.1.into());
    out
}

/// Universal card actions and the legacy button type each stands for.
static CARD_ACTIONS: [(&str, &str); 3] = [
    ("Say something", "say_something"),
    ("Open URL", "open_url"),
    ("Postback", "postback"),
];

/// Universal cards (`card`, or `carousel` with `items` and no `elements`): the carousel they make
/// (`None` inside when malformed) and the payload object. `None` for any other payload.
fn universal_cards(payload: &Value) -> Option<(Option<Content>, &Map)> {
    let obj = payload.as_object()?;
    let cards = match obj.get("type")?.as_str()? {
        "card" => std::slice::from_ref(payload),
        "carousel" if obj.contains_key("items") && !obj.contains_key("elements") => {
            array_field(obj, "items")
        }
        _ => return None,
    };
    Some((carousel_of(cards, universal_card), obj))
}

/// A universal card `{title, subtitle, image, actions}`: what v12 makes of it as a legacy carousel
/// element (`image` is the picture; each known `action` becomes the button of its type, carrying the
/// action's `title` and the field that type reads; any other action is read as a legacy button).
fn universal_card(v: &Value) -> Option<Card> {
    let obj = v.as_object()?;
    let mut buttons = Vec::new();
    for a in array_field(obj, "actions") {
        let action = a.get("action").and_then(Value::as_str);
        let known = CARD_ACTIONS.iter().find(|(name, _)| Some(*name) == action);
        buttons.push(match (known, a.as_object()) {
            (Some((_, kind)), Some(a)) => button_of(kind, a)?,
            _ => card_button(a)?,
        });
    }
    card_of(obj, "image", buttons)
}

/// The card `obj` describes with its picture under `picture` and the given buttons; `None` without a
/// title. Shared by legacy and universal cards.
fn card_of(obj: &Map, picture: &str, buttons: Vec<CardButton>) -> Option<Card> {
    Some(Card {
        title: text_field(obj, "title")?,
        subtitle: non_empty(obj, "subtitle", false),
        picture: non_empty(obj, picture, true),
        buttons,
    })
}

/// How a legacy payload type is read.
#[derive(Clone, Copy)]
enum Kind {
    /// `{text, markdown}`.
    Text,
    /// Media payloads (see [`typed_media`]).
    Image,
    Audio,
    Video,
    File,
    /// `{audio}` or `{url}`.
    Voice,
    Carousel,
    Location,
    LoginPrompt,
    Typing,
    SessionReset,
    Visit,
    Custom,
}

/// The legacy payload types, in one table: a lookup loop is smaller than a `match` on strings.
static KINDS: [(&str, Kind); 14] = [
    ("text", Kind::Text),
    ("quick_reply", Kind::Text),
    ("image", Kind::Image),
    ("audio", Kind::Audio),
    ("voice", Kind::Voice),
    ("video", Kind::Video),
    ("file", Kind::File),
    ("carousel", Kind::Carousel),
    ("location", Kind::Location),
    ("login_prompt", Kind::LoginPrompt),
    ("typing", Kind::Typing),
    ("session_reset", Kind::SessionReset),
    ("visit", Kind::Visit),
    ("custom", Kind::Custom),
];

/// `render_<type>` dispatch on a legacy-shaped payload.
/// `None` when the payload is unknown or malformed.
fn content_of(obj: &Map) -> Option<Content> {
    let t = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let (_, kind) = KINDS.iter().find(|(name, _)| *name == t)?;
    match *kind {
        Kind::Text => text_field(obj, "text").map(|text| Content::Text {
            text,
            markdown: flag(obj, "markdown"),
        }),
        // one read for the four media types
        Kind::Image | Kind::Audio | Kind::Video | Kind::File => {
            let media = typed_media(obj, t)?;
            Some(match kind {
                Kind::Image => Content::Image(media),
                Kind::Audio => Content::Audio(media),
                Kind::Video => Content::Video(media),
                _ => Content::File(media),
            })
        }
        Kind::Voice => media(obj, "audio")
            .or_else(|| media(obj, "url"))
            .map(Content::Audio),
        Kind::Carousel => carousel_of(obj.get("elements")?.as_array()?, card),
        Kind::Location => location(obj).map(Content::Location),
        Kind::LoginPrompt => Some(Content::LoginPrompt),
        Kind::Typing => Some(Content::Typing),
        Kind::SessionReset => Some(Content::SessionReset),
        Kind::Visit => Some(Content::Visit),
        Kind::Custom => custom(obj).map(Content::Custom),
    }
}

/// An `image`/`audio`/`video`/`file` payload: the legacy `{url}`, or, without a `url` key, the
/// universal shape that carries the source under the type's name (`{type:'image', image}`), as v12's
/// `renderPayload()` translates it.
fn typed_media(obj: &Map, t: &str) -> Option<Media> {
    media(obj, if obj.contains_key("url") { "url" } else { t })
}

fn media(obj: &Map, key: &str) -> Option<Media> {
    let url = obj.get(key)?.as_str()?.trim();
    if url.is_empty() {
        return None;
    }
    Some(Media {
        url: url.to_string(),
        title: non_empty(obj, "title", false),
    })
}

/// A carousel of `items` read by `card`; `None` when one is malformed or there are none.
fn carousel_of(items: &[Value], card: fn(&Value) -> Option<Card>) -> Option<Content> {
    let cards = each(items, card)?;
    (!cards.is_empty()).then_some(Content::Carousel(cards))
}

fn card(v: &Value) -> Option<Card> {
    let obj = v.as_object()?;
    let buttons = match obj.get("buttons") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(bs)) => each(bs, card_button)?,
        Some(_) => return None,
    };
    card_of(obj, "picture", buttons)
}

fn card_button(v: &Value) -> Option<CardButton> {
    let obj = v.as_object()?;
    button_of(obj.get("type")?.as_str()?, obj)
}

/// The button of legacy type `kind` (`open_url`, `postback`, `say_something`) described by `obj`.
fn button_of(kind: &str, obj: &Map) -> Option<CardButton> {
    let title = text_field(obj, "title").unwrap_or_default();
    match kind {
        "open_url" => Some(CardButton::OpenUrl {
            title,
            url: obj.get("url")?.as_str()?.to_string(),
        }),
        "postback" => Some(CardButton::Postback {
            title,
            payload: obj.get("payload").cloned().unwrap_or(Value::Null),
        }),
        "say_something" => {
            let text = text_field(obj, "text").unwrap_or_else(|| title.clone());
            Some(CardButton::SaySomething { title, text })
        }
        _ => None,
    }
}

fn location(obj: &Map) -> Option<Location> {
    let latitude = number(obj.get("latitude")?)?;
    let longitude = number(obj.get("longitude")?)?;
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return None;
    }
    Some(Location {
        latitude,
        longitude,
        address: non_empty(obj, "address", false),
        title: non_empty(obj, "title", false),
    })
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::String(s) => json::parse_number(s.trim()),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

fn custom(obj: &Map) -> Option<Custom> {
    let module = obj.get("module")?.as_str()?.trim();
    let view = obj
        .get("view")
        .or_else(|| obj.get("component"))?
        .as_str()?
        .trim();
    if module.is_empty() || view.is_empty() {
        return None;
    }
    let props = without(obj, &["type", "module", "view", "component"]);
    // Built-in views must have well-formed props, or the message is unsupported.
    let key = (module, view);
    if key == QUICK_REPLIES && QuickReplies::from_props(&props).is_none() {
        return None;
    }
    if key == DROPDOWN && Dropdown::from_props(&props).is_none() {
        return None;
    }
    Some(Custom {
        module: module.to_string(),
        view: view.to_string(),
        props,
    })
}

fn extras_of(obj: &Map) -> Extras {
    let keyboard = ["quick_replies", "buttons"]
        .iter()
        .find_map(|k| obj.get(k).and_then(parse_quick_replies))
        .unwrap_or_default();
    let wrapped_no_bubble = obj
        .get("wrapped")
        .and_then(Value::as_object)
        .is_some_and(|w| flag(w, "noBubble"));
    Extras {
        collect_feedback: flag(obj, "collectFeedback"),
        disable_free_text: flag(obj, "disableFreeText"),
        bot_avatar_url: non_empty(obj, "botAvatarUrl", true),
        keyboard,
        no_bubble: flag(obj, "noBubble") || wrapped_no_bubble,
    }
}

/// `[{title, payload}]` (or `[{title, value}]`, or bare strings) → quick replies; `None` when malformed.
fn parse_quick_replies(v: &Value) -> Option<Vec<QuickReply>> {
    each(v.as_array()?, |r| {
        // a bare string is the title, and the payload too
        let (title, payload) = match r {
            Value::String(_) => (r, None),
            Value::Object(m) => (
                m.get("title").or_else(|| m.get("label"))?,
                m.get("payload").or_else(|| m.get("value")),
            ),
            _ => return None,
        };
        let title = scalar_string(title)?;
        let payload = match payload {
            None | Some(Value::Null) => Value::String(title.clone()),
            Some(p) => p.clone(),
        };
        Some(QuickReply { title, payload })
    })
}

/// `f` of every item, or `None` when one is `None`. A plain loop: `collect::<Option<Vec<_>>>()`
/// costs an iterator adapter (about 1 KB of wasm) per call site. The lists are short: `Vec::new()`
/// and growing on push is smaller code than a `with_capacity` per instance.
fn each<T>(items: &[Value], f: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    let mut out = Vec::new();
    for item in items {
        out.push(f(item)?);
    }
    Some(out)
}

/// A string field; numbers and booleans are stringified (bots send `"title": 3`).
fn text_field(obj: &Map, key: &str) -> Option<String> {
    obj.get(key).and_then(scalar_string)
}

/// [`text_field`], unless empty (or only whitespace, with `blank_is_empty`).
fn non_empty(obj: &Map, key: &str, blank_is_empty: bool) -> Option<String> {
    let text = text_field(obj, key)?;
    let rest = if blank_is_empty { text.trim() } else { &text };
    (!rest.is_empty()).then_some(text)
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(json::number_to_string(*n)),
        Value::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
        _ => None,
    }
}

/// A boolean flag: `true`, or the strings `"true"`.
fn flag(obj: &Map, key: &str) -> bool {
    match obj.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn content(v: Value) -> Content {
        convert(&v).content
    }

    fn unsupported_named(v: Value, name: &str) {
        assert_eq!(
            content(v),
            Content::Unsupported {
                type_name: name.to_string()
            }
        );
    }

    #[test]
    fn shape_helpers() {
        let src = json!({"a": 1, "b": "x", "c": [2]});
        let mut out = Map::new();
        copy_fields(&mut out, &src, &[("b2", "b"), ("a", "a"), ("z", "missing")]);
        assert_eq!(
            out.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["b2", "a", "z"]
        );
        assert_eq!(Value::Object(out), json!({"b2": "x", "a": 1, "z": null}));
        let mut out = Map::new();
        copy_fields(&mut out, &json!(5), &[("k", "k")]);
        assert_eq!(Value::Object(out), json!({"k": null}));
        let obj = src.as_object().unwrap();
        let kept = without(obj, &["b"]);
        assert_eq!(
            kept.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert_eq!(array_field(obj, "c"), &[json!(2)][..]);
        let obj = json!({"e": "", "b": "  ", "n": 3, "t": " x "});
        let obj = obj.as_object().unwrap();
        assert_eq!(non_empty(obj, "e", false), None);
        assert_eq!(non_empty(obj, "b", false).as_deref(), Some("  "));
        assert_eq!(non_empty(obj, "b", true), None);
        assert_eq!(non_empty(obj, "n", true).as_deref(), Some("3"));
        assert_eq!(non_empty(obj, "t", true).as_deref(), Some(" x "));
        assert_eq!(non_empty(obj, "missing", false), None);
        assert!(array_field(obj, "a").is_empty() && array_field(obj, "nope").is_empty());
    }

    #[test]
    fn text_plain_and_markdown() {
        assert_eq!(
            content(json!({"type":"text","text":"hi"})),
            Content::Text {
                text: "hi".into(),
                markdown: false
            }
        );
        assert_eq!(
            content(json!({"type":"text","text":"**hi**","markdown":true})),
            Content::Text {
                text: "**hi**".into(),
                markdown: true
            }
        );
        assert_eq!(
            content(json!({"type":"quick_reply","text":"Yes","payload":"YES"})),
            Content::Text {
                text: "Yes".into(),
                markdown: false
            }
        );
        assert_eq!(
            content(json!({"type":"text","text":42})),
            Content::Text {
                text: "42".into(),
                markdown: false
            }
        );
    }

    #[test]
    fn text_malformed() {
        unsupported_named(json!({"type":"text"}), "text");
        unsupported_named(json!({"type":"text","text":{"a":1}}), "text");
        unsupported_named(json!({"type":"text","text":null}), "text");
    }

    #[test]
    fn media_legacy_and_universal() {
        let m = |url: &str, title: Option<&str>| Media {
            url: url.into(),
            title: title.map(Into::into),
        };
        assert_eq!(
            content(json!({"type":"image","url":"/a.png","title":"A"})),
            Content::Image(m("/a.png", Some("A")))
        );
        assert_eq!(
            content(json!({"type":"image","image":"https://x/a.png"})),
            Content::Image(m("https://x/a.png", None))
        );
        assert_eq!(
            content(json!({"type":"audio","audio":"/a.mp3","title":"T"})),
            Content::Audio(m("/a.mp3", Some("T")))
        );
        assert_eq!(
            content(json!({"type":"voice","audio":"/v.ogg","autoPlay":true})),
            Content::Audio(m("/v.ogg", None))
        );
        assert_eq!(
            content(json!({"type":"video","video":"/v.mp4"})),
            Content::Video(m("/v.mp4", None))
        );
        assert_eq!(
            content(json!({"type":"video","url":"/v.mp4","title":""})),
            Content::Video(m("/v.mp4", None))
        );
        assert_eq!(
            content(json!({"type":"file","file":"/f.pdf","title":"Report.pdf"})),
            Content::File(m("/f.pdf", Some("Report.pdf")))
        );
    }

    #[test]
    fn media_malformed() {
        unsupported_named(json!({"type":"image"}), "image");
        unsupported_named(json!({"type":"image","url":""}), "image");
        unsupported_named(json!({"type":"image","url":5}), "image");
        unsupported_named(json!({"type":"video","video":["x"]}), "video");
        unsupported_named(json!({"type":"file","file":null}), "file");
        // a `url` key, even a bad one, is the legacy shape: the universal field is not consulted
        unsupported_named(json!({"type":"image","url":"","image":"/a.png"}), "image");
    }

    #[test]
    fn legacy_carousel() {
        let c = content(json!({"type":"carousel","elements":[{
        "title":"Card","subtitle":"Sub","picture":"/p.png",
        "buttons":[
            {"type":"open_url","title":"Site","url":"https://example.com"},
            {"type":"postback","title":"Buy","payload":"BUY_1"},
            {"type":"say_something","title":"Hi","text":"Hello"}
        ]}]}));
        assert_eq!(
            c,
            Content::Carousel(vec![Card {
                title: "Card".into(),
                subtitle: Some("Sub".into()),
                picture: Some("/p.png".into()),
                buttons: vec![
                    CardButton::OpenUrl {
                        title: "Site".into(),
                        url: "https://example.com".into()
                    },
                    CardButton::Postback {
                        title: "Buy".into(),
                        payload: json!("BUY_1")
                    },
                    CardButton::SaySomething {
                        title: "Hi".into(),
                        text: "Hello".into()
                    },
                ],
            }])
        );
    }

    #[test]
    fn universal_card_and_carousel() {
        let card = json!({"type":"card","title":"T","subtitle":"S","image":"/i.png","actions":[
            {"action":"Open URL","title":"Go","url":"https://e.com"},
            {"action":"Postback","title":"P","payload":"X"},
            {"action":"Say something","title":"Say","text":"hello"}]});
        let expected = Card {
            title: "T".into(),
            subtitle: Some("S".into()),
            picture: Some("/i.png".into()),
            buttons: vec![
                CardButton::OpenUrl {
                    title: "Go".into(),
                    url: "https://e.com".into(),
                },
                CardButton::Postback {
                    title: "P".into(),
                    payload: json!("X"),
                },
                CardButton::SaySomething {
                    title: "Say".into(),
                    text: "hello".into(),
                },
            ],
        };
        assert_eq!(
            content(card.clone()),
            Content::Carousel(vec![expected.clone()])
        );
        let carousel =
            json!({"type":"carousel","items":[card.clone(), card],"collectFeedback":true});
        let converted = convert(&carousel);
        assert_eq!(
            converted.content,
            Content::Carousel(vec![expected.clone(), expected])
        );
        assert!(converted.extras.collect_feedback);
    }

    #[test]
    fn universal_card_unknown_action_is_a_legacy_button() {
        let c = content(json!({"type":"card","title":"T","actions":[
            {"action":"Other","type":"postback","title":"P","payload":"X"},
            {"action":"Say something","title":"S"}]}));
        let Content::Carousel(cards) = c else {
            panic!("expected a carousel, got {c:?}")
        };
        assert_eq!(
            cards[0].buttons,
            vec![
                CardButton::Postback {
                    title: "P".into(),
                    payload: json!("X")
                },
                CardButton::SaySomething {
                    title: "S".into(),
                    text: "S".into()
                },
            ]
        );
        unsupported_named(
            json!({"type":"card","title":"T","actions":[{"action":"Open URL","title":"Go"}]}),
            "card",
        );
        unsupported_named(json!({"type":"card","title":"T","actions":[3]}), "card");
        unsupported_named(json!({"type":"carousel","items":[]}), "carousel");
    }

    #[test]
    fn carousel_malformed() {
        unsupported_named(json!({"type":"carousel"}), "carousel");
        unsupported_named(json!({"type":"carousel","elements":[]}), "carousel");
        unsupported_named(json!({"type":"carousel","elements":"x"}), "carousel");
        unsupported_named(json!({"type":"carousel","elements":[5]}), "carousel");
        unsupported_named(
            json!({"type":"carousel","elements":[{"title":"a","buttons":[{"type":"nope"}]}]}),
            "carousel",
        );
        unsupported_named(
            json!({"type":"carousel","elements":[{"title":"a","buttons":[{"type":"open_url"}]}]}),
            "carousel",
        );
        unsupported_named(json!({"type":"carousel","items":"x"}), "carousel");
        unsupported_named(json!({"type":"card","actions":7}), "card");
        unsupported_named(
            json!({"type":"carousel","elements":[{"subtitle":"no title"}]}),
            "carousel",
        );
    }

    #[test]
    fn location() {
        assert_eq!(
            content(
                json!({"type":"location","latitude":45.5,"longitude":-73.6,"address":"Montréal","title":"HQ"})
            ),
            Content::Location(Location {
                latitude: 45.5,
                longitude: -73.6,
                address: Some("Montréal".into()),
                title: Some("HQ".into())
            })
        );
        unsupported_named(
            json!({"type":"location","latitude":"x","longitude":1}),
            "location",
        );
        unsupported_named(
            json!({"type":"location","latitude":91,"longitude":1}),
            "location",
        );
        unsupported_named(json!({"type":"location","latitude":1}), "location");
    }

    #[test]
    fn single_choice_becomes_quick_replies() {
        let c = convert(&json!({"type":"single-choice","text":"Pick","choices":[
            {"title":"Yes","value":"yes"},{"title":"No","value":"no"}],"disableFreeText":true}));
        let Content::Custom(custom) = c.content else {
            panic!("expected custom, got {c:?}")
        };
        assert_eq!(
            (custom.module.as_str(), custom.view.as_str()),
            QUICK_REPLIES
        );
        let qr = QuickReplies::from_props(&custom.props).expect("typed quick replies");
        assert_eq!(
            qr.replies,
            vec![
                QuickReply {
                    title: "Yes".into(),
                    payload: json!("YES")
                },
                QuickReply {
                    title: "No".into(),
                    payload: json!("NO")
                }
            ]
        );
        assert_eq!(qr.wrapped, Some(json!({"type":"text","text":"Pick"})));
        assert!(qr.disable_free_text);
        assert!(c.extras.disable_free_text);
        assert_eq!(c.extras.keyboard, qr.replies);
    }

    #[test]
    fn single_choice_dropdown_and_universal_dropdown() {
        let c = content(
            json!({"type":"single-choice","text":"Pick","isDropdown":true,"choices":[
            {"title":"Yes","value":"yes"}]}),
        );
        let Content::Custom(custom) = c else {
            panic!("expected custom")
        };
        assert_eq!((custom.module.as_str(), custom.view.as_str()), DROPDOWN);
        let d = Dropdown::from_props(&custom.props).expect("typed dropdown");
        assert_eq!(d.message.as_deref(), Some("Pick"));
        assert_eq!(
            d.options,
            vec![DropdownOption {
                label: "Yes".into(),
                value: "yes".into()
            }]
        );

        let c = content(
            json!({"type":"dropdown","message":"Which?","allowMultiple":true,
            "buttonText":"Go","placeholderText":"Choose","options":[{"label":"A","value":"a"},{"label":"B"}]}),
        );
        let Content::Custom(custom) = c else {
            panic!("expected custom")
        };
        let d = Dropdown::from_props(&custom.props).expect("typed dropdown");
        assert!(d.allow_multiple);
        assert_eq!(d.button_text.as_deref(), Some("Go"));
        assert_eq!(d.placeholder_text.as_deref(), Some("Choose"));
        assert_eq!(
            d.options[1],
            DropdownOption {
                label: "B".into(),
                value: "B".into()
            }
        );
        assert_eq!(
            Dropdown::selection_payload(&d.options, &[0]),
            Some(json!({"type":"quick_reply","text":"A","payload":"a"}))
        );
        assert_eq!(
            Dropdown::selection_payload(&d.options, &[0, 7, 1]),
            Some(json!({"type":"quick_reply","text":"A, B","payload":"a,B"}))
        );
        assert_eq!(Dropdown::selection_payload(&d.options, &[9]), None);
        assert_eq!(Dropdown::selection_payload(&d.options, &[]), None);
    }

    #[test]
    fn bare_string_options_and_replies() {
        let mut props = Map::new();
        props.insert(
            "options".into(),
            json!(["A", "", {"label": 2, "value": ""}]),
        );
        let d = Dropdown::from_props(&props).expect("typed dropdown");
        let pairs: Vec<_> = d
            .options
            .iter()
            .map(|o| (o.label.as_str(), o.value.as_str()))
            .collect();
        assert_eq!(pairs, [("A", "A"), ("", ""), ("2", "2")]);
        assert_eq!(
            parse_quick_replies(&json!(["x", {"label": "L", "value": null}, {"title": true}])),
            Some(vec![
                QuickReply {
                    title: "x".into(),
                    payload: json!("x")
                },
                QuickReply {
                    title: "L".into(),
                    payload: json!("L")
                },
                QuickReply {
                    title: "true".into(),
                    payload: json!("true")
                },
            ])
        );
        assert_eq!(parse_quick_replies(&json!([{"payload": "p"}])), None);
        assert_eq!(parse_quick_replies(&json!([3])), None);
    }

    #[test]
    fn legacy_custom_quick_replies_and_dropdown() {
        let c = content(
            json!({"type":"custom","module":"channel-web","component":"QuickReplies",
            "quick_replies":[{"title":"A","payload":"PA"}],"wrapped":{"type":"text","text":"Hi"}}),
        );
        let Content::Custom(custom) = c else {
            panic!("expected custom")
        };
        assert!(!custom.props.contains_key("module") && !custom.props.contains_key("component"));
        assert_eq!(
            QuickReply {
                title: "A".into(),
                payload: json!("PA")
            }
            .to_payload(),
            json!({"type":"quick_reply","text":"A","payload":"PA"})
        );
        let c = content(
            json!({"type":"custom","module":"extensions","view":"Dropdown",
            "message":"m","options":[{"label":"x","value":"1"}]}),
        );
        assert!(matches!(c, Content::Custom(ref cu) if cu.view == "Dropdown"));
    }

    #[test]
    fn builtin_custom_malformed_is_unsupported() {
        unsupported_named(
            json!({"type":"custom","module":"channel-web","component":"QuickReplies"}),
            "custom",
        );
        unsupported_named(
            json!({"type":"custom","module":"channel-web","component":"QuickReplies","quick_replies":[{"payload":"x"}]}),
            "custom",
        );
        unsupported_named(
            json!({"type":"custom","module":"channel-web","component":"QuickReplies","quick_replies":[],"wrapped":"x"}),
            "custom",
        );
        unsupported_named(
            json!({"type":"custom","module":"extensions","component":"Dropdown","options":[]}),
            "custom",
        );
        unsupported_named(
            json!({"type":"custom","module":"extensions","component":"Dropdown","options":[[1]]}),
            "custom",
        );
        unsupported_named(json!({"type":"dropdown","options":"x"}), "dropdown");
        unsupported_named(
            json!({"type":"single-choice","choices":[{"value":"x"}]}),
            "single-choice",
        );
    }

    #[test]
    fn custom_view_or_component() {
        let c = content(
            json!({"type":"custom","module":"myModule","view":"MyView","someData":{"a":1},"wrapped":{"type":"text","text":"x"}}),
        );
        let Content::Custom(custom) = c else {
            panic!("expected custom")
        };
        assert_eq!(custom.module, "myModule");
        assert_eq!(custom.view, "MyView");
        assert_eq!(custom.props.get("someData"), Some(&json!({"a":1})));
        assert!(!custom.props.contains_key("type") && !custom.props.contains_key("view"));
        let c = content(json!({"type":"custom","module":"m","component":"C"}));
        assert!(matches!(c, Content::Custom(ref cu) if cu.view == "C"));
    }

    #[test]
    fn custom_malformed() {
        unsupported_named(json!({"type":"custom"}), "custom");
        unsupported_named(json!({"type":"custom","module":"m"}), "custom");
        unsupported_named(json!({"type":"custom","view":"v"}), "custom");
        unsupported_named(json!({"type":"custom","module":"","view":"v"}), "custom");
        unsupported_named(json!({"type":"custom","module":1,"view":"v"}), "custom");
    }

    #[test]
    fn system_types() {
        assert_eq!(
            content(json!({"type":"login_prompt"})),
            Content::LoginPrompt
        );
        assert_eq!(
            content(json!({"type":"typing","value":true})),
            Content::Typing
        );
        assert_eq!(
            content(json!({"type":"session_reset"})),
            Content::SessionReset
        );
        assert_eq!(content(json!({"type":"visit"})), Content::Visit);
    }

    #[test]
    fn unknown_and_malformed_never_panic() {
        unsupported_named(json!({"type":"hologram"}), "hologram");
        unsupported_named(json!({"type":7}), "(non-string type)");
        unsupported_named(json!({}), "(no type)");
        unsupported_named(json!(null), "(null)");
        unsupported_named(json!("text"), "(not an object)");
        unsupported_named(json!([{"type":"text","text":"x"}]), "(not an object)");
        for v in [
            json!(1),
            json!(true),
            json!({"type":"single-choice"}),
            json!({"type":"card"}),
            json!({"type":"single-choice","choices":"x"}),
            json!({"type":"single-choice","choices":[1,2]}),
            json!({"type":"dropdown"}),
            json!({"type":"image","image":{"nested":true}}),
        ] {
            let _ = convert(&v);
        }
    }

    #[test]
    fn extras() {
        let c = convert(
            &json!({"type":"text","text":"x","collectFeedback":true,"disableFreeText":"true",
            "botAvatarUrl":"https://a/x.png","quick_replies":[{"title":"A","payload":"P"}, "B"],"noBubble":true}),
        );
        assert_eq!(
            c.extras,
            Extras {
                collect_feedback: true,
                disable_free_text: true,
                bot_avatar_url: Some("https://a/x.png".into()),
                keyboard: vec![
                    QuickReply {
                        title: "A".into(),
                        payload: json!("P")
                    },
                    QuickReply {
                        title: "B".into(),
                        payload: json!("B")
                    }
                ],
                no_bubble: true,
            }
        );
        let c = convert(&json!({"type":"text","text":"x","buttons":[{"title":"Go","value":"GO"}]}));
        assert_eq!(
            c.extras.keyboard,
            vec![QuickReply {
                title: "Go".into(),
                payload: json!("GO")
            }]
        );
        // Carousel `buttons` live on cards, not on the payload; malformed keyboards are ignored.
        let c = convert(
            &json!({"type":"text","text":"x","quick_replies":"nope","collectFeedback":"yes"}),
        );
        assert_eq!(c.extras, Extras::default());
        let c =
            convert(&json!({"type":"custom","module":"m","view":"v","wrapped":{"noBubble":true}}));
        assert!(c.extras.no_bubble);
    }
}

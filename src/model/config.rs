//! Widget configuration: every Botpress v12 `init` option (botpress-protocols.md §1.3) with its default.
//!
//! Parsing from JavaScript happens in `api::config`; this type is plain data with a JSON form (camelCase
//! keys, see [`Config::to_json`]) so it can be merged, compared and tested natively.

use crate::json::{self, FromJson, Map, ToValue, Value};
use crate::text::concat;

/// `viewMode` (§1.3): a floating embedded widget or a full-page chat.
/// JSON: the strings `"Embedded"` and `"Fullscreen"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewMode {
    /// Floating launcher + panel in a page corner (v12 default).
    #[default]
    Embedded,
    /// The panel fills its container and is always open.
    Fullscreen,
}

impl ViewMode {
    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            ViewMode::Embedded => "Embedded",
            ViewMode::Fullscreen => "Fullscreen",
        }
    }
}

impl FromJson for ViewMode {
    fn from_json(v: &Value) -> Result<ViewMode, String> {
        match v.as_str() {
            Some("Embedded") => Ok(ViewMode::Embedded),
            Some("Fullscreen") => Ok(ViewMode::Fullscreen),
            _ => Err(json::invalid(v, "`Embedded` or `Fullscreen`")),
        }
    }
}

/// A width given as a number of pixels or any CSS length string (`containerWidth`, `layoutWidth`).
/// JSON: the number or the string.
#[derive(Debug, Clone, PartialEq)]
pub enum CssLength {
    /// Pixels.
    Px(f64),
    /// A CSS length such as `"100%"`.
    Css(String),
}

impl CssLength {
    /// The CSS text of this length (`360` becomes `"360px"`).
    pub fn to_css(&self) -> String {
        match self {
            CssLength::Px(n) => {
                let mut css = json::number_to_string(*n);
                css.push_str("px");
                css
            }
            CssLength::Css(s) => s.clone(),
        }
    }
}

impl FromJson for CssLength {
    fn from_json(v: &Value) -> Result<CssLength, String> {
        match v {
            Value::Number(n) => Ok(CssLength::Px(*n)),
            Value::String(s) => Ok(CssLength::Css(s.clone())),
            _ => Err(json::invalid(v, "a number of pixels or a CSS length")),
        }
    }
}

impl ToValue for CssLength {
    fn to_value(&self) -> Value {
        match self {
            CssLength::Px(n) => Value::from(*n),
            CssLength::Css(s) => Value::String(s.clone()),
        }
    }
}

/// Every option `window.botpressWebChat.init` accepts (§1.3). Field docs give the v12 default.
///
/// JSON: camelCase keys (`r#ref` is `ref`, also read as `reference`); absent keys take the default,
/// unknown keys are ignored; the token is read but never written.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Botpress base URL; `""` means the page origin. Default `""` (v12: `window.ROOT_PATH`).
    pub host: String,
    /// The bot to talk to. Required by `init`.
    pub bot_id: String,
    /// JWT sent as `X-BP-ExternalAuth: Bearer <jwt>` (§1.6). Never stored or logged. Default none.
    pub external_auth_token: Option<String>,
    /// Custom user id; ≥ 24 chars it becomes the visitor id, else `/users/customId` (§1.7). Default none.
    pub user_id: Option<String>,
    /// Namespaces the stored visitor id (`bp/socket/{scope}/user`). Default none.
    pub user_id_scope: Option<String>,
    /// Open this conversation and ignore socket events of others. Default none.
    pub conversation_id: Option<String>,
    /// Widget instance id; names the host element `{chatId}-container`. Default none (`bp-web-widget`).
    pub chat_id: Option<String>,
    /// `Embedded` or `Fullscreen`. Default `Embedded`.
    pub view_mode: ViewMode,
    /// Signed reference `msg=signature` (§1.4 `/conversations/reference`). Default none.
    pub r#ref: Option<String>,
    /// Hide the floating launcher button. Default false.
    pub hide_widget: bool,
    /// Show the conversations button in the header. Default true.
    pub show_conversations_button: bool,
    /// Show the reset button in the header. Default true.
    pub enable_reset: bool,
    /// Show the transcript download button. Default true.
    pub enable_transcript_download: bool,
    /// Allow deleting the conversation history. Default false.
    pub enable_conversation_deletion: bool,
    /// Show user names. Default false.
    pub show_user_name: bool,
    /// Show user avatars. Default false.
    pub show_user_avatar: bool,
    /// Show message timestamps. Default false.
    pub show_timestamp: bool,
    /// Bot name shown in the header (botInfo wins when unset). Default none.
    pub bot_name: Option<String>,
    /// Header description. Default none.
    pub bot_convo_description: Option<String>,
    /// Bot avatar URL. Default none.
    pub avatar_url: Option<String>,
    /// Composer placeholder. Default none (a localised "Reply to {botName}").
    pub composer_placeholder: Option<String>,
    /// CSS text or URL that replaces the default stylesheet. Default none.
    pub stylesheet: Option<String>,
    /// Extra CSS on top of the default. Default `""`.
    pub extra_stylesheet: String,
    /// Extra class on the widget root. Default none.
    pub class_name: Option<String>,
    /// Width of the floating container. Default 360 (px).
    pub container_width: CssLength,
    /// Width of the chat layout. Default 360 (px).
    pub layout_width: CssLength,
    /// `"browser"` or a language code. Default `"browser"`.
    pub locale: String,
    /// Open the socket only when the chat opens. Default none (botInfo decides, else false).
    pub lazy_socket: Option<bool>,
    /// Mute the new-message sound. Default none (botInfo decides, else false).
    pub disable_notification_sound: Option<bool>,
    /// Disable animations. Default false.
    pub disable_animations: bool,
    /// Close the panel on Escape. Default true.
    pub close_on_escape: bool,
    /// Arrow keys move between messages. Default false.
    pub enable_arrow_navigation: bool,
    /// Use sessionStorage instead of localStorage (fixed at init). Default false.
    pub use_session_storage: bool,
    /// Keep sent-message history for the up-arrow. Default true.
    pub enable_persist_history: bool,
    /// Ctrl+Shift+R resets the session. Default false.
    pub enable_reset_session_shortcut: bool,
    /// Show a voice composer. Default false.
    pub enable_voice_composer: bool,
    /// Show "powered by". Default false.
    pub show_powered_by: bool,
    /// v12 exposes its MobX store; accepted and ignored here. Default false.
    pub expose_store: bool,
    /// `{ location: [{module, component}] }` overrides; accepted, rendered by the view registry. Default none.
    pub overrides: Option<Value>,
    /// Studio-internal flag; accepted and ignored. Default false.
    pub is_emulator: bool,
    /// Unconfirmed v12 option; accepted and ignored. Default none.
    pub frontend_version: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: String::new(),
            bot_id: String::new(),
            external_auth_token: None,
            user_id: None,
            user_id_scope: None,
            conversation_id: None,
            chat_id: None,
            view_mode: ViewMode::Embedded,
            r#ref: None,
            hide_widget: false,
            show_conversations_button: true,
            enable_reset: true,
            enable_transcript_download: true,
            enable_conversation_deletion: false,
            show_user_name: false,
            show_user_avatar: false,
            show_timestamp: false,
            bot_name: None,
            bot_convo_description: None,
            avatar_url: None,
            composer_placeholder: None,
            stylesheet: None,
            extra_stylesheet: String::new(),
            class_name: None,
            container_width: CssLength::Px(360.0),
            layout_width: CssLength::Px(360.0),
            locale: "browser".into(),
            lazy_socket: None,
            disable_notification_sound: None,
            disable_animations: false,
            close_on_escape: true,
            enable_arrow_navigation: false,
            use_session_storage: false,
            enable_persist_history: true,
            enable_reset_session_shortcut: false,
            enable_voice_composer: false,
            show_powered_by: false,
            expose_store: false,
            overrides: None,
            is_emulator: false,
            frontend_version: None,
        }
    }
}

/// Declares the option table once: [`KNOWN_KEYS`] and [`slot`], which maps an index of the table to
/// the field it names. [`Config::to_json`] and [`Config::from_value`] walk it in one loop each (41
/// hand-written `set`/`put` calls cost kilobytes of wasm).
macro_rules! options {
    ($($key:literal => $kind:ident $field:ident,)*) => {
        /// The camelCase names of every known option, for unknown-key warnings: the options in field
        /// order, then `reference` (v12's other name for `ref`).
        pub const KNOWN_KEYS: &[&str] = &[$($key,)* "reference"];

        /// The field of option `i` (an index of [`KNOWN_KEYS`]); `None` past the last field.
        fn slot(c: &mut Config, i: usize) -> Option<Slot<'_>> {
            let mut n = 0;
            $(
                if i == n {
                    return Some(Slot::$kind(&mut c.$field));
                }
                n += 1;
            )*
            let _ = n;
            None
        }
    };
}

options! {
    "host" => Str host,
    "botId" => Str bot_id,
    "externalAuthToken" => OptStr external_auth_token,
    "userId" => OptStr user_id,
    "userIdScope" => OptStr user_id_scope,
    "conversationId" => OptStr conversation_id,
    "chatId" => OptStr chat_id,
    "viewMode" => Mode view_mode,
    "ref" => OptStr r#ref,
    "hideWidget" => Bool hide_widget,
    "showConversationsButton" => Bool show_conversations_button,
    "enableReset" => Bool enable_reset,
    "enableTranscriptDownload" => Bool enable_transcript_download,
    "enableConversationDeletion" => Bool enable_conversation_deletion,
    "showUserName" => Bool show_user_name,
    "showUserAvatar" => Bool show_user_avatar,
    "showTimestamp" => Bool show_timestamp,
    "botName" => OptStr bot_name,
    "botConvoDescription" => OptStr bot_convo_description,
    "avatarUrl" => OptStr avatar_url,
    "composerPlaceholder" => OptStr composer_placeholder,
    "stylesheet" => OptStr stylesheet,
    "extraStylesheet" => Str extra_stylesheet,
    "className" => OptStr class_name,
    "containerWidth" => Len container_width,
    "layoutWidth" => Len layout_width,
    "locale" => Str locale,
    "lazySocket" => OptBool lazy_socket,
    "disableNotificationSound" => OptBool disable_notification_sound,
    "disableAnimations" => Bool disable_animations,
    "closeOnEscape" => Bool close_on_escape,
    "enableArrowNavigation" => Bool enable_arrow_navigation,
    "useSessionStorage" => Bool use_session_storage,
    "enablePersistHistory" => Bool enable_persist_history,
    "enableResetSessionShortcut" => Bool enable_reset_session_shortcut,
    "enableVoiceComposer" => Bool enable_voice_composer,
    "showPoweredBy" => Bool show_powered_by,
    "exposeStore" => Bool expose_store,
    "overrides" => Json overrides,
    "isEmulator" => Bool is_emulator,
    "frontendVersion" => OptStr frontend_version,
}

/// The index of `externalAuthToken` in [`KNOWN_KEYS`] (never written to JSON).
const TOKEN: usize = 2;

/// The index of `ref` in [`KNOWN_KEYS`] (also read as `reference`).
const REF: usize = 8;

/// One field of a [`Config`], by the kind of value it holds.
enum Slot<'a> {
    Str(&'a mut String),
    OptStr(&'a mut Option<String>),
    Bool(&'a mut bool),
    OptBool(&'a mut Option<bool>),
    Mode(&'a mut ViewMode),
    Len(&'a mut CssLength),
    Json(&'a mut Option<Value>),
}

impl Slot<'_> {
    /// Sets the field from `v` (an object merges into an `overrides` object), or says why `v` does
    /// not fit.
    fn read(self, v: &Value) -> Result<(), String> {
        match self {
            Slot::Str(s) => *s = FromJson::from_json(v)?,
            Slot::OptStr(s) => *s = FromJson::from_json(v)?,
            Slot::Bool(b) => *b = FromJson::from_json(v)?,
            Slot::OptBool(b) => *b = FromJson::from_json(v)?,
            Slot::Mode(m) => *m = FromJson::from_json(v)?,
            Slot::Len(l) => *l = FromJson::from_json(v)?,
            Slot::Json(j) => match j {
                // an object merges into the current object (v12's deep merge)
                Some(base) if base.is_object() && v.is_object() => deep_merge(base, v),
                _ => *j = FromJson::from_json(v)?,
            },
        }
        Ok(())
    }

    /// The field's JSON (`None` as `null`), moved out of the field.
    fn take(self) -> Value {
        match self {
            Slot::Str(s) => Value::String(std::mem::take(s)),
            Slot::OptStr(s) => s.take().map_or(Value::Null, Value::String),
            Slot::Bool(b) => Value::Bool(*b),
            Slot::OptBool(b) => b.map_or(Value::Null, Value::Bool),
            Slot::Mode(m) => Value::from(m.name()),
            Slot::Len(l) => l.to_value(),
            Slot::Json(j) => j.take().unwrap_or(Value::Null),
        }
    }
}

/// Why a config object was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The value is not a JSON object.
    #[error("{}", self.message())]
    NotAnObject,
    /// A known key has a value of the wrong type.
    #[error("{}", self.message())]
    WrongType {
        /// The offending option.
        key: String,
        /// What was wrong with it.
        detail: String,
    },
    /// `botId` is missing or empty.
    #[error("{}", self.message())]
    MissingBotId,
}

impl ConfigError {
    /// The error's text (also its `Display`), built without `core::fmt`.
    pub fn message(&self) -> String {
        match self {
            ConfigError::NotAnObject => "botpressWebChat config must be an object".into(),
            ConfigError::WrongType { key, detail } => concat(&[
                "botpressWebChat config: `",
                key,
                "` has the wrong type: ",
                detail,
            ]),
            ConfigError::MissingBotId => "botpressWebChat config: `botId` is required".into(),
        }
    }
}

/// The `chatId` of a widget initialised without one (v12's `bp-web-widget`, §1.3).
pub const DEFAULT_CHAT_ID: &str = "bp-web-widget";

/// The result of parsing a config patch: the unknown keys found (for warnings).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// Keys not in [`KNOWN_KEYS`], in input order.
    pub unknown_keys: Vec<String>,
}

impl Parsed {
    /// The unknown keys of `patch` (none when it is not an object).
    pub fn of(patch: &Value) -> Parsed {
        let mut unknown_keys = Vec::new();
        for key in patch.as_object().into_iter().flat_map(Map::keys) {
            if !is_known(key) {
                unknown_keys.push(key.clone());
            }
        }
        Parsed { unknown_keys }
    }
}

/// Whether `key` names an option (is in [`KNOWN_KEYS`]).
pub fn is_known(key: &str) -> bool {
    KNOWN_KEYS.contains(&key)
}

impl Config {
    /// The `chatId`, or [`DEFAULT_CHAT_ID`] when unset (v12's default, §1.3).
    pub fn chat_key(&self) -> String {
        match self.chat_id.as_deref() {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => DEFAULT_CHAT_ID.to_string(),
        }
    }

    /// The id of the host element: `{chatId}-container`, or `bp-web-widget`.
    pub fn container_id(&self) -> String {
        match self.chat_id.as_deref() {
            Some(id) if !id.is_empty() => {
                let mut host = id.to_string();
                host.push_str("-container");
                host
            }
            _ => "bp-web-widget".into(),
        }
    }

    /// The channel-web HTTP base, `{host}/api/v1/bots/{botId}/mod/channel-web` (§1.4).
    pub fn api_base(&self) -> String {
        concat(&[
            self.host.trim_end_matches('/'),
            "/api/v1/bots/",
            &self.bot_id,
            "/mod/channel-web",
        ])
    }

    /// The storage key of the visitor id (`bp/socket/{scope}/user` or `bp/socket/user`, §1.5).
    pub fn visitor_storage_key(&self) -> String {
        match self.user_id_scope.as_deref() {
            Some(scope) if !scope.is_empty() => concat(&["bp/socket/", scope, "/user"]),
            _ => "bp/socket/user".into(),
        }
    }

    /// Build a config from `DEFAULT_CONFIG` plus `patch` (v12 `configure`: replace over defaults).
    pub fn from_patch(patch: &Value) -> Result<(Config, Parsed), ConfigError> {
        // the same as merging into the defaults (whose token is none): one merge path in wasm
        let cfg = Config::default().merged(patch)?;
        Ok((cfg, Parsed::of(patch)))
    }

    /// Deep-merge `patch` over this config (v12 `mergeConfig`): each option the patch names replaces
    /// the field (`overrides` objects merge key by key, see [`deep_merge`]); the token is kept unless
    /// the patch sets one. Unknown keys are ignored (see [`Parsed::of`]). Consumes the config
    /// (callers merge into a copy they own).
    pub fn merged(mut self, patch: &Value) -> Result<Config, ConfigError> {
        let Some(obj) = patch.as_object() else {
            return Err(ConfigError::NotAnObject);
        };
        // read straight into the fields: no JSON round trip of the whole config
        self.read_fields(obj)?;
        Ok(self)
    }

    /// The config's JSON: every option under its camelCase name (`None` as `null`), except the
    /// external auth token, which is never written.
    pub fn to_json(&self) -> Value {
        // the fields are moved out of a copy: one clone of the whole, none per field
        let mut c = self.clone();
        let mut m = Map::new();
        let mut i = 0;
        while let Some(slot) = slot(&mut c, i) {
            if i != TOKEN {
                m.put(KNOWN_KEYS[i], slot.take());
            }
            i += 1;
        }
        Value::Object(m)
    }

    /// Reads a config object: absent keys take their default, unknown keys are ignored, a key of the
    /// wrong type is an error naming it (the first one, in field order).
    pub fn from_value(v: &Value) -> Result<Config, ConfigError> {
        let obj = v.as_object().ok_or(ConfigError::NotAnObject)?;
        let mut c = Config::default();
        c.read_fields(obj)?;
        Ok(c)
    }

    /// Sets every field whose option `obj` names (`reference` stands for `ref` when `ref` is
    /// absent); a value of the wrong type is an error naming the first such key, in field order.
    fn read_fields(&mut self, obj: &Map) -> Result<(), ConfigError> {
        let mut i = 0;
        while let Some(slot) = slot(self, i) {
            let mut key = KNOWN_KEYS[i];
            if i == REF && !obj.contains_key(key) {
                key = "reference";
            }
            if let Some(v) = obj.get(key) {
                slot.read(v).map_err(|detail| wrong_type(key, detail))?;
            }
            i += 1;
        }
        Ok(())
    }
}

impl FromJson for Config {
    /// [`Config::from_value`] with the error as text.
    fn from_json(v: &Value) -> Result<Config, String> {
        Config::from_value(v).map_err(|e| e.message())
    }
}

#[inline(never)]
fn wrong_type(key: &str, detail: String) -> ConfigError {
    ConfigError::WrongType {
        key: key.to_string(),
        detail,
    }
}

/// Recursive object merge: objects merge key by key, anything else replaces.
pub fn deep_merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => deep_merge(slot, v),
                    _ => b.put(k, v.clone()),
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// `GET /botInfo` (§1.4). Every field is optional so a partial reply never fails (camelCase keys;
/// absent keys take the default, unknown ones are ignored).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BotInfo {
    /// Bot display name.
    pub name: String,
    /// Bot description.
    pub description: String,
    /// Whether the bot-info page is shown first.
    pub show_bot_info_page: bool,
    /// Extra CSS from the server.
    pub extra_stylesheet: Option<String>,
    /// Mute the notification sound.
    pub disable_notification_sound: Option<bool>,
    /// Open the socket only when the chat opens.
    pub lazy_socket: Option<bool>,
    /// Max text length (v12 default 360).
    pub max_message_length: Option<u32>,
    /// Supported languages.
    pub languages: Vec<String>,
    /// `details.avatarUrl` etc.
    pub details: Value,
}

impl FromJson for BotInfo {
    fn from_json(v: &Value) -> Result<BotInfo, String> {
        let obj = json::object(v, "struct BotInfo")?;
        let mut b = BotInfo::default();
        json::set(obj, "name", &mut b.name)?;
        json::set(obj, "description", &mut b.description)?;
        json::set(obj, "showBotInfoPage", &mut b.show_bot_info_page)?;
        json::set(obj, "extraStylesheet", &mut b.extra_stylesheet)?;
        json::set(
            obj,
            "disableNotificationSound",
            &mut b.disable_notification_sound,
        )?;
        json::set(obj, "lazySocket", &mut b.lazy_socket)?;
        json::set(obj, "maxMessageLength", &mut b.max_message_length)?;
        json::set(obj, "languages", &mut b.languages)?;
        json::set(obj, "details", &mut b.details)?;
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn defaults_match_v12() {
        let c = Config::default();
        assert!(c.show_conversations_button && c.enable_reset && c.enable_transcript_download);
        assert!(!c.enable_conversation_deletion && c.close_on_escape && c.enable_persist_history);
        assert_eq!(c.container_width.to_css(), "360px");
        assert_eq!(c.container_id(), "bp-web-widget");
        assert_eq!(
            c.chat_key(),
            DEFAULT_CHAT_ID,
            "v12 names the default widget bp-web-widget"
        );
        assert_eq!(c.visitor_storage_key(), "bp/socket/user");
    }

    #[test]
    fn parses_camel_case_and_reports_unknown_keys() {
        let (c, p) = Config::from_patch(&json!({
            "host": "http://x/", "botId": "b", "chatId": "c1", "userIdScope": "s",
            "containerWidth": "100%", "viewMode": "Fullscreen", "bogus": 1
        }))
        .unwrap();
        assert_eq!(c.api_base(), "http://x/api/v1/bots/b/mod/channel-web");
        assert_eq!(c.container_id(), "c1-container");
        assert_eq!(c.visitor_storage_key(), "bp/socket/s/user");
        assert_eq!(c.container_width, CssLength::Css("100%".into()));
        assert_eq!(c.view_mode, ViewMode::Fullscreen);
        assert_eq!(p.unknown_keys, vec!["bogus".to_string()]);
    }

    #[test]
    fn wrong_type_names_the_key() {
        let err = Config::from_patch(&json!({"botId": "b", "hideWidget": "yes"})).unwrap_err();
        match err {
            ConfigError::WrongType { key, .. } => assert_eq!(key, "hideWidget"),
            e => panic!("unexpected {e:?}"),
        }
        assert_eq!(
            Config::from_patch(&json!(3)).unwrap_err(),
            ConfigError::NotAnObject
        );
    }

    #[test]
    fn merge_is_deep_and_keeps_token() {
        let (c, _) = Config::from_patch(&json!({
            "botId": "b", "externalAuthToken": "t", "overrides": {"composer": [1], "a": {"x": 1}}
        }))
        .unwrap();
        let m = c
            .merged(&json!({"botName": "Bob", "overrides": {"a": {"y": 2}}}))
            .unwrap();
        assert_eq!(m.bot_name.as_deref(), Some("Bob"));
        assert_eq!(m.external_auth_token.as_deref(), Some("t"));
        assert_eq!(
            m.overrides,
            Some(json!({"composer": [1], "a": {"x": 1, "y": 2}}))
        );
        // configure replaces over defaults: botName resets
        let (r, _) = Config::from_patch(&json!({"botId": "b"})).unwrap();
        assert_eq!(r.bot_name, None);
    }

    #[test]
    fn every_kind_of_wrong_type_names_its_key() {
        for (key, bad) in [
            ("botId", json!(5)),
            ("containerWidth", json!(true)),
            ("viewMode", json!("Sideways")),
            ("lazySocket", json!("no")),
            ("enableArrowNavigation", json!(1)),
            ("userId", json!({"id": 1})),
            ("locale", json!(["en"])),
        ] {
            let mut patch = json!({"botId": "b"});
            patch[key] = bad.clone();
            match Config::from_patch(&patch) {
                Err(ConfigError::WrongType { key: k, .. }) => assert_eq!(k, key, "{bad}"),
                other => panic!("{key}={bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn optional_values_accept_null_and_numbers_become_px() {
        let (c, p) = Config::from_patch(&json!({
            "botId": "b", "userId": null, "botConvoDescription": null, "containerWidth": 400,
            "layoutWidth": "50vw", "reference": "m=s", "lazySocket": false
        }))
        .unwrap();
        assert!(p.unknown_keys.is_empty());
        assert_eq!(c.user_id, None);
        assert_eq!(c.container_width.to_css(), "400px");
        assert_eq!(c.layout_width.to_css(), "50vw");
        assert_eq!(
            c.r#ref.as_deref(),
            Some("m=s"),
            "`reference` is an alias of `ref`"
        );
        assert_eq!(c.lazy_socket, Some(false));
    }

    #[test]
    fn a_rejected_merge_leaves_the_config_as_it_was() {
        let (c, _) = Config::from_patch(&json!({"botId": "b", "botName": "Bob"})).unwrap();
        let before = c.clone();
        // the caller merges into a copy: a rejected patch leaves its own config as it was
        let err = c
            .clone()
            .merged(&json!({"botName": "Ann", "showTimestamp": "yes"}))
            .unwrap_err();
        assert!(
            matches!(&err, ConfigError::WrongType { key, .. } if key == "showTimestamp"),
            "{err:?}"
        );
        assert!(err.to_string().contains("showTimestamp"));
        assert_eq!(c, before);
        assert_eq!(
            c.clone().merged(&json!([1])).unwrap_err(),
            ConfigError::NotAnObject
        );
        let patch = json!({"colour": "red"});
        assert!(c.merged(&patch).is_ok());
        assert_eq!(Parsed::of(&patch).unknown_keys, ["colour"]);
    }

    #[test]
    fn a_new_token_replaces_the_old_one_on_merge() {
        let (c, _) =
            Config::from_patch(&json!({"botId": "b", "externalAuthToken": "old"})).unwrap();
        let m = c.merged(&json!({"externalAuthToken": "new"})).unwrap();
        assert_eq!(m.external_auth_token.as_deref(), Some("new"));
    }

    #[test]
    fn special_keys_are_at_their_indexes() {
        assert_eq!(KNOWN_KEYS[TOKEN], "externalAuthToken");
        assert_eq!(KNOWN_KEYS[REF], "ref");
    }

    #[test]
    fn every_known_key_round_trips() {
        let json = Config::default().to_json();
        for key in json.as_object().unwrap().keys() {
            assert!(
                KNOWN_KEYS.contains(&key.as_str()),
                "{key} missing from KNOWN_KEYS"
            );
        }
    }

    #[test]
    fn every_option_lands_in_its_own_field() {
        // each key set alone to a non-default value changes exactly the field named here
        type Get = fn(&Config) -> Value;
        let cases: [(&str, Value, Get); 41] = [
            ("host", json!("h"), |c| json!(c.host)),
            ("botId", json!("b"), |c| json!(c.bot_id)),
            ("externalAuthToken", json!("t"), |c| {
                json!(c.external_auth_token)
            }),
            ("userId", json!("u"), |c| json!(c.user_id)),
            ("userIdScope", json!("s"), |c| json!(c.user_id_scope)),
            ("conversationId", json!("cv"), |c| json!(c.conversation_id)),
            ("chatId", json!("ch"), |c| json!(c.chat_id)),
            ("viewMode", json!("Fullscreen"), |c| {
                json!(c.view_mode.name())
            }),
            ("ref", json!("r"), |c| json!(c.r#ref)),
            ("hideWidget", json!(true), |c| json!(c.hide_widget)),
            ("showConversationsButton", json!(false), |c| {
                json!(c.show_conversations_button)
            }),
            ("enableReset", json!(false), |c| json!(c.enable_reset)),
            ("enableTranscriptDownload", json!(false), |c| {
                json!(c.enable_transcript_download)
            }),
            ("enableConversationDeletion", json!(true), |c| {
                json!(c.enable_conversation_deletion)
            }),
            ("showUserName", json!(true), |c| json!(c.show_user_name)),
            ("showUserAvatar", json!(true), |c| json!(c.show_user_avatar)),
            ("showTimestamp", json!(true), |c| json!(c.show_timestamp)),
            ("botName", json!("n"), |c| json!(c.bot_name)),
            ("botConvoDescription", json!("d"), |c| {
                json!(c.bot_convo_description)
            }),
            ("avatarUrl", json!("a"), |c| json!(c.avatar_url)),
            ("composerPlaceholder", json!("p"), |c| {
                json!(c.composer_placeholder)
            }),
            ("stylesheet", json!("st"), |c| json!(c.stylesheet)),
            ("extraStylesheet", json!("x"), |c| json!(c.extra_stylesheet)),
            ("className", json!("k"), |c| json!(c.class_name)),
            ("containerWidth", json!("1em"), |c| {
                c.container_width.to_value()
            }),
            ("layoutWidth", json!(7), |c| c.layout_width.to_value()),
            ("locale", json!("fr"), |c| json!(c.locale)),
            ("lazySocket", json!(true), |c| json!(c.lazy_socket)),
            ("disableNotificationSound", json!(false), |c| {
                json!(c.disable_notification_sound)
            }),
            ("disableAnimations", json!(true), |c| {
                json!(c.disable_animations)
            }),
            ("closeOnEscape", json!(false), |c| json!(c.close_on_escape)),
            ("enableArrowNavigation", json!(true), |c| {
                json!(c.enable_arrow_navigation)
            }),
            ("useSessionStorage", json!(true), |c| {
                json!(c.use_session_storage)
            }),
            ("enablePersistHistory", json!(false), |c| {
                json!(c.enable_persist_history)
            }),
            ("enableResetSessionShortcut", json!(true), |c| {
                json!(c.enable_reset_session_shortcut)
            }),
            ("enableVoiceComposer", json!(true), |c| {
                json!(c.enable_voice_composer)
            }),
            ("showPoweredBy", json!(true), |c| json!(c.show_powered_by)),
            ("exposeStore", json!(true), |c| json!(c.expose_store)),
            ("overrides", json!({"o": 1}), |c| json!(c.overrides)),
            ("isEmulator", json!(true), |c| json!(c.is_emulator)),
            ("frontendVersion", json!("v"), |c| json!(c.frontend_version)),
        ];
        let default = Config::default();
        for (key, value, get) in &cases {
            let mut patch = json!({});
            patch[*key] = value.clone();
            let c = Config::from_value(&patch).unwrap();
            assert_eq!(get(&c), *value, "{key}");
            assert_ne!(c, default, "{key}");
            let changed = cases
                .iter()
                .filter(|(_, _, g)| g(&c) != g(&default))
                .count();
            assert_eq!(changed, 1, "{key} set one field");
        }
        assert_eq!(KNOWN_KEYS.len(), cases.len() + 1, "and `reference`");
    }

    #[test]
    fn token_is_never_serialized() {
        let (c, _) =
            Config::from_patch(&json!({"botId": "b", "externalAuthToken": "secret"})).unwrap();
        assert!(!c.to_json().to_string().contains("secret"));
    }

    #[test]
    fn the_json_form_has_every_option_but_the_token() {
        let (c, _) = Config::from_patch(&json!({
            "botId": "b", "externalAuthToken": "t", "viewMode": "Fullscreen", "layoutWidth": "50%",
            "containerWidth": 400.5, "lazySocket": true, "overrides": {"composer": []}, "reference": "r"
        }))
        .unwrap();
        let v = c.to_json();
        let obj = v.as_object().unwrap();
        assert_eq!(
            obj.len(),
            KNOWN_KEYS.len() - 2,
            "all but `reference` and the token"
        );
        assert!(!obj.contains_key("externalAuthToken"));
        assert_eq!(v["viewMode"], "Fullscreen");
        assert_eq!(v["containerWidth"], json!(400.5));
        assert_eq!(v["layoutWidth"], "50%");
        assert_eq!(v["lazySocket"], true);
        assert_eq!(v["disableNotificationSound"], Value::Null);
        assert_eq!(v["ref"], "r");
        assert_eq!(v["overrides"], json!({"composer": []}));
        assert_eq!(v["locale"], "browser");
        let back = Config::from_value(&v).unwrap();
        assert_eq!(back.external_auth_token, None);
        assert_eq!(
            Config {
                external_auth_token: Some("t".into()),
                ..back
            },
            c
        );
        assert_eq!(
            Config::from_value(&Config::default().to_json()).unwrap(),
            Config::default()
        );
    }

    #[test]
    fn reading_a_config_object_directly() {
        let c =
            Config::from_json(&json!({"botId": "b", "reference": "x", "unknown": [1]})).unwrap();
        assert_eq!((c.bot_id.as_str(), c.r#ref.as_deref()), ("b", Some("x")));
        let c = Config::from_json(&json!({"ref": "a", "reference": "b"})).unwrap();
        assert_eq!(c.r#ref.as_deref(), Some("a"), "`ref` wins");
        assert_eq!(
            Config::from_value(&json!({"locale": null})).unwrap_err(),
            ConfigError::WrongType {
                key: "locale".into(),
                detail: "invalid type: null, expected a string".into()
            }
        );
        assert_eq!(
            Config::from_value(&json!("x")).unwrap_err(),
            ConfigError::NotAnObject
        );
        assert!(Config::from_json(&json!({"viewMode": 1}))
            .unwrap_err()
            .contains("`viewMode`"));
    }

    #[test]
    fn error_messages() {
        let wrong = wrong_type("locale", "bad".into());
        assert_eq!(
            wrong.message(),
            "botpressWebChat config: `locale` has the wrong type: bad"
        );
        assert_eq!(wrong.to_string(), wrong.message());
        assert_eq!(
            ConfigError::NotAnObject.to_string(),
            "botpressWebChat config must be an object"
        );
        assert_eq!(
            ConfigError::MissingBotId.message(),
            "botpressWebChat config: `botId` is required"
        );
    }

    #[test]
    fn view_modes_and_css_lengths() {
        for mode in [ViewMode::Embedded, ViewMode::Fullscreen] {
            assert_eq!(ViewMode::from_json(&json!(mode.name())), Ok(mode));
        }
        for bad in [json!("embedded"), json!(null), json!({"Embedded": null})] {
            assert!(ViewMode::from_json(&bad).is_err(), "{bad}");
        }
        assert_eq!(CssLength::from_json(&json!(12)), Ok(CssLength::Px(12.0)));
        assert_eq!(
            CssLength::from_json(&json!("3em")),
            Ok(CssLength::Css("3em".into()))
        );
        assert!(CssLength::from_json(&json!(null)).is_err());
        assert_eq!(CssLength::Px(12.5).to_css(), "12.5px");
        assert_eq!(CssLength::Px(-3.0).to_value(), json!(-3));
        assert_eq!(CssLength::Css("1vw".into()).to_value(), json!("1vw"));
    }

    #[test]
    fn bot_info_reads_partial_replies() {
        assert_eq!(BotInfo::from_json(&json!({})), Ok(BotInfo::default()));
        let b = BotInfo::from_json(&json!({
            "name": "Bot", "description": "d", "showBotInfoPage": true, "extraStylesheet": null,
            "disableNotificationSound": false, "lazySocket": true, "maxMessageLength": 500,
            "languages": ["en", "fr"], "details": {"avatarUrl": "/a.png"}, "security": {}
        }))
        .unwrap();
        assert_eq!(
            b,
            BotInfo {
                name: "Bot".into(),
                description: "d".into(),
                show_bot_info_page: true,
                extra_stylesheet: None,
                disable_notification_sound: Some(false),
                lazy_socket: Some(true),
                max_message_length: Some(500),
                languages: vec!["en".into(), "fr".into()],
                details: json!({"avatarUrl": "/a.png"}),
            }
        );
        for bad in [
            json!({"name": null}),
            json!({"languages": "en"}),
            json!({"maxMessageLength": -1}),
            json!([]),
        ] {
            assert!(BotInfo::from_json(&bad).is_err(), "{bad}");
        }
    }
}

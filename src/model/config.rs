//! Widget configuration: every Botpress v12 `init` option (botpress-protocols.md §1.3) with its default.
//!
//! Parsing from JavaScript happens in `api::config`; this type is plain serde data so it can be merged,
//! compared and tested natively.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `viewMode` (§1.3): a floating embedded widget or a full-page chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ViewMode {
    /// Floating launcher + panel in a page corner (v12 default).
    #[default]
    Embedded,
    /// The panel fills its container and is always open.
    Fullscreen,
}

/// A width given as a number of pixels or any CSS length string (`containerWidth`, `layoutWidth`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
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
            CssLength::Px(n) => format!("{n}px"),
            CssLength::Css(s) => s.clone(),
        }
    }
}

/// Every option `window.botpressWebChat.init` accepts (§1.3). Field docs give the v12 default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    /// Botpress base URL; `""` means the page origin. Default `""` (v12: `window.ROOT_PATH`).
    pub host: String,
    /// The bot to talk to. Required by `init`.
    pub bot_id: String,
    /// JWT sent as `X-BP-ExternalAuth: Bearer <jwt>` (§1.6). Never stored or logged. Default none.
    #[serde(skip_serializing)]
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
    #[serde(alias = "reference")]
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

/// The camelCase names of every known option, for unknown-key warnings.
pub const KNOWN_KEYS: &[&str] = &[
    "host",
    "botId",
    "externalAuthToken",
    "userId",
    "userIdScope",
    "conversationId",
    "chatId",
    "viewMode",
    "ref",
    "reference",
    "hideWidget",
    "showConversationsButton",
    "enableReset",
    "enableTranscriptDownload",
    "enableConversationDeletion",
    "showUserName",
    "showUserAvatar",
    "showTimestamp",
    "botName",
    "botConvoDescription",
    "avatarUrl",
    "composerPlaceholder",
    "stylesheet",
    "extraStylesheet",
    "className",
    "containerWidth",
    "layoutWidth",
    "locale",
    "lazySocket",
    "disableNotificationSound",
    "disableAnimations",
    "closeOnEscape",
    "enableArrowNavigation",
    "useSessionStorage",
    "enablePersistHistory",
    "enableResetSessionShortcut",
    "enableVoiceComposer",
    "showPoweredBy",
    "exposeStore",
    "overrides",
    "isEmulator",
    "frontendVersion",
];

/// Why a config object was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The value is not a JSON object.
    #[error("botpressWebChat config must be an object")]
    NotAnObject,
    /// A known key has a value of the wrong type.
    #[error("botpressWebChat config: `{key}` has the wrong type: {detail}")]
    WrongType {
        /// The offending option.
        key: String,
        /// What serde said.
        detail: String,
    },
    /// `botId` is missing or empty.
    #[error("botpressWebChat config: `botId` is required")]
    MissingBotId,
}

/// The result of parsing a config patch: the unknown keys found (for warnings).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// Keys not in [`KNOWN_KEYS`], in input order.
    pub unknown_keys: Vec<String>,
}

impl Config {
    /// The `chatId`, or `bp-web-widget` when unset (v12's default container name).
    pub fn chat_key(&self) -> String {
        self.chat_id.clone().unwrap_or_default()
    }

    /// The id of the host element: `{chatId}-container`, or `bp-web-widget`.
    pub fn container_id(&self) -> String {
        match self.chat_id.as_deref() {
            Some(id) if !id.is_empty() => format!("{id}-container"),
            _ => "bp-web-widget".into(),
        }
    }

    /// The channel-web HTTP base, `{host}/api/v1/bots/{botId}/mod/channel-web` (§1.4).
    pub fn api_base(&self) -> String {
        format!(
            "{}/api/v1/bots/{}/mod/channel-web",
            self.host.trim_end_matches('/'),
            self.bot_id
        )
    }

    /// The storage key of the visitor id (`bp/socket/{scope}/user` or `bp/socket/user`, §1.5).
    pub fn visitor_storage_key(&self) -> String {
        match self.user_id_scope.as_deref() {
            Some(scope) if !scope.is_empty() => format!("bp/socket/{scope}/user"),
            _ => "bp/socket/user".into(),
        }
    }

    /// Build a config from `DEFAULT_CONFIG` plus `patch` (v12 `configure`: replace over defaults).
    pub fn from_patch(patch: &Value) -> Result<(Config, Parsed), ConfigError> {
        let patch = &normalize(patch);
        let mut base = serde_json::to_value(Config::default()).expect("default config serializes");
        let parsed = merge_checked(&mut base, patch)?;
        let cfg = finish(base, patch)?;
        Ok((cfg, parsed))
    }

    /// Deep-merge `patch` over this config (v12 `mergeConfig`).
    pub fn merged(&self, patch: &Value) -> Result<(Config, Parsed), ConfigError> {
        let patch = &normalize(patch);
        let mut base = serde_json::to_value(self).expect("config serializes");
        let parsed = merge_checked(&mut base, patch)?;
        // the token is not serialized; carry it unless the patch sets one
        let mut cfg = finish(base, patch)?;
        if patch.get("externalAuthToken").is_none() {
            cfg.external_auth_token = self.external_auth_token.clone();
        }
        Ok((cfg, parsed))
    }
}

/// `reference` is v12's other name for `ref`: merged under `ref` (the serialized config always has a
/// `ref` key, so deserializing both would be a duplicate field). `ref` wins when both are given.
fn normalize(patch: &Value) -> Value {
    let mut p = patch.clone();
    if let Some(obj) = p.as_object_mut() {
        if let Some(r) = obj.remove("reference") {
            obj.entry("ref").or_insert(r);
        }
    }
    p
}

fn merge_checked(base: &mut Value, patch: &Value) -> Result<Parsed, ConfigError> {
    let obj = patch.as_object().ok_or(ConfigError::NotAnObject)?;
    let mut parsed = Parsed::default();
    for key in obj.keys() {
        if !KNOWN_KEYS.contains(&key.as_str()) {
            parsed.unknown_keys.push(key.clone());
        }
    }
    deep_merge(base, patch);
    Ok(parsed)
}

/// Deserialize the merged value; on failure find the key whose value is wrong so the error names it.
fn finish(merged: Value, patch: &Value) -> Result<Config, ConfigError> {
    match serde_json::from_value::<Config>(merged.clone()) {
        Ok(cfg) => Ok(cfg),
        Err(err) => {
            let detail = err.to_string();
            // Try each patch key alone over the defaults to find the culprit.
            if let Some(obj) = patch.as_object() {
                for (key, value) in obj {
                    let mut probe = serde_json::to_value(Config::default()).expect("serializes");
                    if let Some(map) = probe.as_object_mut() {
                        map.insert(key.clone(), value.clone());
                    }
                    if let Err(e) = serde_json::from_value::<Config>(probe) {
                        return Err(ConfigError::WrongType {
                            key: key.clone(),
                            detail: e.to_string(),
                        });
                    }
                }
            }
            Err(ConfigError::WrongType {
                key: "?".into(),
                detail,
            })
        }
    }
}

/// Recursive object merge: objects merge key by key, anything else replaces.
pub fn deep_merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => deep_merge(slot, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// `GET /botInfo` (§1.4). Every field is optional so a partial reply never fails.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_match_v12() {
        let c = Config::default();
        assert!(c.show_conversations_button && c.enable_reset && c.enable_transcript_download);
        assert!(!c.enable_conversation_deletion && c.close_on_escape && c.enable_persist_history);
        assert_eq!(c.container_width.to_css(), "360px");
        assert_eq!(c.container_id(), "bp-web-widget");
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
        let (m, _) = c
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
        let err = c
            .merged(&json!({"botName": "Ann", "showTimestamp": "yes"}))
            .unwrap_err();
        assert!(
            matches!(&err, ConfigError::WrongType { key, .. } if key == "showTimestamp"),
            "{err:?}"
        );
        assert!(err.to_string().contains("showTimestamp"));
        assert_eq!(c, before);
        assert_eq!(c.merged(&json!([1])).unwrap_err(), ConfigError::NotAnObject);
        let (_, p) = c.merged(&json!({"colour": "red"})).unwrap();
        assert_eq!(p.unknown_keys, ["colour"]);
    }

    #[test]
    fn a_new_token_replaces_the_old_one_on_merge() {
        let (c, _) =
            Config::from_patch(&json!({"botId": "b", "externalAuthToken": "old"})).unwrap();
        let (m, _) = c.merged(&json!({"externalAuthToken": "new"})).unwrap();
        assert_eq!(m.external_auth_token.as_deref(), Some("new"));
    }

    #[test]
    fn every_known_key_round_trips() {
        let json = serde_json::to_value(Config::default()).unwrap();
        for key in json.as_object().unwrap().keys() {
            assert!(
                KNOWN_KEYS.contains(&key.as_str()),
                "{key} missing from KNOWN_KEYS"
            );
        }
    }

    #[test]
    fn token_is_never_serialized() {
        let (c, _) =
            Config::from_patch(&json!({"botId": "b", "externalAuthToken": "secret"})).unwrap();
        assert!(!serde_json::to_string(&c).unwrap().contains("secret"));
    }
}

//! Server configuration: one JSON file shaped like Botpress v12's `botpress.config.json`
//! (`pro.externalAuth`, `converse`, `httpServer.cors`), plus webchat-specific sections, overridable by
//! CLI flags and `WEBCHAT_*` environment variables (flags > env > file > defaults).
//!
//! Every problem is reported as a [`ConfigError`] that names the offending key.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// A configuration problem; the message always names the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// File path.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The JSON is malformed or a key has the wrong type.
    #[error("invalid config: key `{key}`: {detail}")]
    Parse {
        /// Dotted path of the key.
        key: String,
        /// What was wrong.
        detail: String,
    },
    /// A key parsed but its value is not acceptable.
    #[error("invalid config: key `{key}`: {detail}")]
    Invalid {
        /// Dotted path of the key.
        key: String,
        /// What was wrong.
        detail: String,
    },
}

impl ConfigError {
    fn invalid(key: &str, detail: impl Into<String>) -> Self {
        ConfigError::Invalid {
            key: key.to_string(),
            detail: detail.into(),
        }
    }
}

/// A duration written as milliseconds (number) or a string such as `"5s"`, `"250ms"`, `"1h"`, `"6 hours"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match &v {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(|ms| HumanDuration(Duration::from_millis(ms)))
                .ok_or_else(|| {
                    serde::de::Error::custom("expected a non-negative number of milliseconds")
                }),
            serde_json::Value::String(s) => parse_duration(s)
                .map(HumanDuration)
                .map_err(serde::de::Error::custom),
            _ => Err(serde::de::Error::custom(
                "expected milliseconds or a duration string like \"5s\"",
            )),
        }
    }
}

/// Parses `"250ms"`, `"5s"`, `"2m"`, `"1h"`, `"6 hours"`, `"1d"`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. \"5s\", \"250ms\", \"1h\")"))?;
    let unit = unit.trim().to_ascii_lowercase();
    let secs = match unit.as_str() {
        "ms" | "millisecond" | "milliseconds" => n / 1000.0,
        "" | "s" | "sec" | "secs" | "second" | "seconds" => n,
        "m" | "min" | "mins" | "minute" | "minutes" => n * 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => n * 3600.0,
        "d" | "day" | "days" => n * 86400.0,
        other => return Err(format!("unknown duration unit `{other}` in `{s}`")),
    };
    Ok(Duration::from_secs_f64(secs))
}

/// A byte size written as a number or a string such as `"10mb"`, `"512kb"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match &v {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(ByteSize)
                .ok_or_else(|| serde::de::Error::custom("expected a non-negative number of bytes")),
            serde_json::Value::String(s) => parse_size(s)
                .map(ByteSize)
                .map_err(serde::de::Error::custom),
            _ => Err(serde::de::Error::custom(
                "expected bytes or a size string like \"10mb\"",
            )),
        }
    }
}

/// Parses `"10mb"`, `"512kb"`, `"1gb"`, `"100"` (bytes).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. \"10mb\")"))?;
    let mult = match unit.trim() {
        "" | "b" => 1,
        "kb" | "k" => 1024,
        "mb" | "m" => 1024 * 1024,
        "gb" | "g" => 1024 * 1024 * 1024,
        other => return Err(format!("unknown size unit `{other}` in `{s}`")),
    };
    Ok(n * mult)
}

/// `string | string[]` as Botpress accepts for `audience` and `issuer`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// Several accepted values.
    Many(Vec<String>),
}

impl OneOrMany {
    /// All values as a list.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// `pro.externalAuth` (§1.6).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExternalAuthConfig {
    /// Verify `X-BP-ExternalAuth` tokens.
    pub enabled: bool,
    /// Accepted algorithms: `HS256`, `RS256`, `ES256` (and their 384/512 siblings).
    pub algorithms: Vec<String>,
    /// Required `aud`.
    pub audience: Option<OneOrMany>,
    /// Required `iss`.
    pub issuer: Option<OneOrMany>,
    /// The secret (HS*) or PEM public key (RS*/ES*). When absent, `data/global/end_users_auth.pub`
    /// or `data/global/key.pub` under the data dir is read.
    pub public_key: Option<String>,
}

impl Default for ExternalAuthConfig {
    fn default() -> Self {
        ExternalAuthConfig {
            enabled: false,
            algorithms: vec!["HS256".into()],
            audience: None,
            issuer: None,
            public_key: None,
        }
    }
}

/// `pro` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProConfig {
    /// External auth settings.
    pub external_auth: ExternalAuthConfig,
}

/// `httpServer.cors`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CorsConfig {
    /// CORS on (Botpress default: true).
    pub enabled: bool,
    /// Allowed origin(s); absent or `"*"` means any.
    pub origin: Option<OneOrMany>,
}

impl Default for CorsConfig {
    fn default() -> Self {
        CorsConfig {
            enabled: true,
            origin: None,
        }
    }
}

/// `httpServer`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpServerConfig {
    /// Bind address.
    pub host: Option<String>,
    /// Bind port (0 = any free port).
    pub port: Option<u16>,
    /// CORS.
    pub cors: CorsConfig,
    /// Maximum JSON body size.
    pub body_limit: ByteSize,
}

impl Default for HttpServerConfig {
    fn default() -> Self {
        HttpServerConfig {
            host: None,
            port: None,
            cors: CorsConfig::default(),
            body_limit: ByteSize(100 * 1024),
        }
    }
}

/// `converse` (§2).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConverseConfig {
    /// Allow `POST /converse/{userId}` without a login.
    pub enable_unsecured_endpoint: bool,
    /// Upper bound on a turn.
    pub timeout: HumanDuration,
    /// Quiet time after the last response before answering.
    pub buffer_delay_ms: u64,
    /// Maximum `text` length.
    pub max_message_length: usize,
}

impl Default for ConverseConfig {
    fn default() -> Self {
        ConverseConfig {
            enable_unsecured_endpoint: true,
            timeout: HumanDuration(Duration::from_secs(5)),
            buffer_delay_ms: 250,
            max_message_length: 360,
        }
    }
}

/// Per-visitor rate limit for channel-web writes.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RateLimitConfig {
    /// Limit on.
    pub enabled: bool,
    /// Requests allowed per window.
    pub max_requests: u32,
    /// Window length.
    pub window: HumanDuration,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            enabled: true,
            max_requests: 60,
            window: HumanDuration(Duration::from_secs(60)),
        }
    }
}

/// `channelWeb`: the module config of v12 channel-web.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChannelWebConfig {
    /// Maximum text length of a user message (§1.4, default 360).
    pub max_message_length: usize,
    /// Messages returned by `/conversations/get` (default 20).
    pub max_messages_history: usize,
    /// Upload limit for `/messages/files`.
    pub file_upload_max_size: ByteSize,
    /// Languages the bot supports (`/preferences`).
    pub languages: Vec<String>,
    /// Reported by `/conversations/list`.
    pub recent_conversation_lifetime: String,
    /// Reported by `/conversations/list`.
    pub start_new_convo_on_timeout: bool,
    /// Reported by `/botInfo`.
    pub lazy_socket: bool,
    /// Reported by `/botInfo`.
    pub extra_stylesheet: String,
    /// Reported by `/botInfo`.
    pub disable_notification_sound: bool,
    /// Per-visitor rate limit.
    pub rate_limit: RateLimitConfig,
    /// Upper bound on how long a bot `typing` indicator delays the next message.
    pub max_typing_delay_ms: u64,
    /// Secret for `/conversations/reference` signatures (hex HMAC-SHA256 of the message); unset = refused.
    pub reference_secret: Option<String>,
}

impl Default for ChannelWebConfig {
    fn default() -> Self {
        ChannelWebConfig {
            max_message_length: 360,
            max_messages_history: 20,
            file_upload_max_size: ByteSize(5 * 1024 * 1024),
            languages: vec!["en".into(), "fr".into()],
            recent_conversation_lifetime: "6 hours".into(),
            start_new_convo_on_timeout: false,
            lazy_socket: false,
            extra_stylesheet: String::new(),
            disable_notification_sound: false,
            rate_limit: RateLimitConfig::default(),
            max_typing_delay_ms: 1000,
            reference_secret: None,
        }
    }
}

/// The admin (collaborator) account used by `POST /api/v1/auth/login/basic/default`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AdminConfig {
    /// Login e-mail.
    pub email: Option<String>,
    /// Plain password (hashed at start, never stored in clear).
    pub password: Option<String>,
    /// Pre-hashed password (`pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`).
    pub password_hash: Option<String>,
}

/// `jwtToken` (collaborator tokens).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JwtTokenConfig {
    /// Lifetime of a login token.
    pub duration: HumanDuration,
}

impl Default for JwtTokenConfig {
    fn default() -> Self {
        JwtTokenConfig {
            duration: HumanDuration(Duration::from_secs(3600)),
        }
    }
}

/// `messaging`: the Botpress Messaging style bot bridge (§3.3).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MessagingConfig {
    /// A pre-provisioned client id.
    pub client_id: Option<String>,
    /// Its token.
    pub client_token: Option<String>,
    /// The bot that client drives.
    pub bot_id: String,
    /// Webhook URLs registered for that client at start.
    pub webhooks: Vec<String>,
    /// `x-bp-messaging-admin-key` for `POST /api/v1/admin/clients`; when unset that route is closed.
    pub admin_key: Option<String>,
    /// Delivery attempts per webhook event.
    pub webhook_max_attempts: u32,
    /// First retry delay (doubles each time).
    pub webhook_initial_backoff_ms: u64,
    /// Per-attempt timeout.
    pub webhook_timeout: HumanDuration,
}

impl Default for MessagingConfig {
    fn default() -> Self {
        MessagingConfig {
            client_id: None,
            client_token: None,
            bot_id: "welcome-bot".into(),
            webhooks: Vec::new(),
            admin_key: None,
            webhook_max_attempts: 5,
            webhook_initial_backoff_ms: 200,
            webhook_timeout: HumanDuration(Duration::from_secs(10)),
        }
    }
}

/// A bot the server knows.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BotConfig {
    /// Bot id used in URLs.
    pub id: String,
    /// Display name (`/botInfo`).
    #[serde(default)]
    pub name: Option<String>,
    /// Description (`/botInfo`).
    #[serde(default)]
    pub description: Option<String>,
    /// Run the built-in demo dialog for this bot when no webhook is registered.
    #[serde(default = "default_true")]
    pub demo: bool,
}

fn default_true() -> bool {
    true
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileConfig {
    /// `httpServer`.
    pub http_server: HttpServerConfig,
    /// `pro`.
    pub pro: ProConfig,
    /// `converse`.
    pub converse: ConverseConfig,
    /// `channelWeb`.
    pub channel_web: ChannelWebConfig,
    /// `admin`.
    pub admin: AdminConfig,
    /// `jwtToken`.
    pub jwt_token: JwtTokenConfig,
    /// `messaging`.
    pub messaging: MessagingConfig,
    /// Known bots; defaults to the demo `welcome-bot`.
    pub bots: Vec<BotConfig>,
}

impl Default for FileConfig {
    fn default() -> Self {
        FileConfig {
            http_server: HttpServerConfig::default(),
            pro: ProConfig::default(),
            converse: ConverseConfig::default(),
            channel_web: ChannelWebConfig::default(),
            admin: AdminConfig::default(),
            jwt_token: JwtTokenConfig::default(),
            messaging: MessagingConfig::default(),
            bots: vec![BotConfig {
                id: "welcome-bot".into(),
                name: Some("Welcome Bot".into()),
                description: Some("The webchat demo bot: type `help`.".into()),
                demo: true,
            }],
        }
    }
}

impl FileConfig {
    /// Parses the JSON text, naming the key on error.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            ConfigError::Parse {
                key: if key == "." { "(root)".into() } else { key },
                detail: e.inner().to_string(),
            }
        })
    }

    /// Reads and parses a file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text)
    }
}

/// Values from the command line / environment that override the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--host` / `WEBCHAT_HOST`.
    pub host: Option<String>,
    /// `--port` / `WEBCHAT_PORT`.
    pub port: Option<u16>,
    /// `--data-dir` / `WEBCHAT_DATA_DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--static-dir` / `WEBCHAT_STATIC_DIR`.
    pub static_dir: Option<PathBuf>,
    /// `WEBCHAT_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `WEBCHAT_CLIENT_TOKEN`.
    pub client_token: Option<String>,
    /// `WEBCHAT_ADMIN_KEY`.
    pub admin_key: Option<String>,
    /// `WEBCHAT_ADMIN_EMAIL`.
    pub admin_email: Option<String>,
    /// `WEBCHAT_ADMIN_PASSWORD`.
    pub admin_password: Option<String>,
    /// `WEBCHAT_MAX_MESSAGE_LENGTH`.
    pub max_message_length: Option<usize>,
    /// `WEBCHAT_WEBHOOK_URL`.
    pub webhook_url: Option<String>,
}

/// The resolved configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bind host.
    pub host: String,
    /// Bind port.
    pub port: u16,
    /// Data directory (SQLite, uploads, `global/` key files).
    pub data_dir: PathBuf,
    /// Directory served as static files (the widget build).
    pub static_dir: PathBuf,
    /// Everything else.
    pub file: FileConfig,
}

impl Config {
    /// Defaults with the given data and static dirs (useful for in-process tests).
    pub fn for_dirs(data_dir: impl Into<PathBuf>, static_dir: impl Into<PathBuf>) -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 0,
            data_dir: data_dir.into(),
            static_dir: static_dir.into(),
            file: FileConfig::default(),
        }
    }

    /// Merges file and overrides, then validates.
    pub fn resolve(file: FileConfig, o: Overrides) -> Result<Self, ConfigError> {
        let mut file = file;
        let host = o
            .host
            .or_else(|| file.http_server.host.clone())
            .unwrap_or_else(|| "127.0.0.1".into());
        let port = o.port.or(file.http_server.port).unwrap_or(3000);
        if let Some(v) = o.client_id {
            file.messaging.client_id = Some(v);
        }
        if let Some(v) = o.client_token {
            file.messaging.client_token = Some(v);
        }
        if let Some(v) = o.admin_key {
            file.messaging.admin_key = Some(v);
        }
        if let Some(v) = o.admin_email {
            file.admin.email = Some(v);
        }
        if let Some(v) = o.admin_password {
            file.admin.password = Some(v);
        }
        if let Some(v) = o.max_message_length {
            file.channel_web.max_message_length = v;
        }
        if let Some(v) = o.webhook_url {
            file.messaging.webhooks.push(v);
        }
        let cfg = Config {
            host,
            port,
            data_dir: o.data_dir.unwrap_or_else(|| PathBuf::from("./data")),
            static_dir: o.static_dir.unwrap_or_else(|| PathBuf::from("./dist")),
            file,
        };
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks cross-field rules; the error names the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.host.parse::<IpAddr>().is_err() && self.host != "localhost" {
            return Err(ConfigError::invalid(
                "httpServer.host",
                format!("`{}` is not an IP address", self.host),
            ));
        }
        let ea = &self.file.pro.external_auth;
        if ea.enabled {
            if ea.algorithms.is_empty() {
                return Err(ConfigError::invalid(
                    "pro.externalAuth.algorithms",
                    "must list at least one algorithm",
                ));
            }
            for a in &ea.algorithms {
                if crate::auth::external::parse_algorithm(a).is_none() {
                    return Err(ConfigError::invalid(
                        "pro.externalAuth.algorithms",
                        format!("unsupported algorithm `{a}` (use HS256, RS256 or ES256 families)"),
                    ));
                }
            }
        }
        let cw = &self.file.channel_web;
        if cw.max_message_length == 0 {
            return Err(ConfigError::invalid(
                "channelWeb.maxMessageLength",
                "must be > 0",
            ));
        }
        if cw.rate_limit.enabled && cw.rate_limit.max_requests == 0 {
            return Err(ConfigError::invalid(
                "channelWeb.rateLimit.maxRequests",
                "must be > 0",
            ));
        }
        if cw.rate_limit.enabled && cw.rate_limit.window.0.is_zero() {
            return Err(ConfigError::invalid(
                "channelWeb.rateLimit.window",
                "must be > 0",
            ));
        }
        let m = &self.file.messaging;
        if m.client_id.is_some() != m.client_token.is_some() {
            return Err(ConfigError::invalid(
                "messaging.clientToken",
                "messaging.clientId and messaging.clientToken must be set together",
            ));
        }
        for (i, url) in m.webhooks.iter().enumerate() {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::invalid(
                    &format!("messaging.webhooks[{i}]"),
                    format!("`{url}` is not an http(s) URL"),
                ));
            }
        }
        if !m.webhooks.is_empty() && m.client_id.is_none() {
            return Err(ConfigError::invalid(
                "messaging.clientId",
                "webhooks need a client (messaging.clientId / messaging.clientToken)",
            ));
        }
        if m.webhook_max_attempts == 0 {
            return Err(ConfigError::invalid(
                "messaging.webhookMaxAttempts",
                "must be >= 1",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, b) in self.file.bots.iter().enumerate() {
            if b.id.is_empty()
                || !b
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(ConfigError::invalid(
                    &format!("bots[{i}].id"),
                    "must be non-empty and use only letters, digits, `-` and `_`",
                ));
            }
            if !seen.insert(b.id.clone()) {
                return Err(ConfigError::invalid(
                    &format!("bots[{i}].id"),
                    "duplicate bot id",
                ));
            }
        }
        let a = &self.file.admin;
        if a.password.is_some() && a.password_hash.is_some() {
            return Err(ConfigError::invalid(
                "admin.passwordHash",
                "set either admin.password or admin.passwordHash, not both",
            ));
        }
        if (a.password.is_some() || a.password_hash.is_some()) && a.email.is_none() {
            return Err(ConfigError::invalid(
                "admin.email",
                "required when a password is set",
            ));
        }
        if let Some(h) = &a.password_hash {
            if crate::auth::password::PasswordHash::parse(h).is_none() {
                return Err(ConfigError::invalid(
                    "admin.passwordHash",
                    "expected `pbkdf2-sha256$<iterations>$<salt>$<hash>`",
                ));
            }
        }
        Ok(())
    }

    /// The bot config for `id`, if the bot is known.
    pub fn bot(&self, id: &str) -> Option<&BotConfig> {
        self.file.bots.iter().find(|b| b.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_parse() {
        assert_eq!(parse_duration("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(
            parse_duration("6 hours").unwrap(),
            Duration::from_secs(6 * 3600)
        );
        assert!(parse_duration("5 parsecs").is_err());
        assert_eq!(parse_size("10mb").unwrap(), 10 * 1024 * 1024);
        assert_eq!(parse_size("100").unwrap(), 100);
        assert!(parse_size("ten").is_err());
    }

    #[test]
    fn example_config_is_valid() {
        let f = FileConfig::from_json(include_str!("../config.example.json")).unwrap();
        let c = Config::resolve(f, Overrides::default()).unwrap();
        assert_eq!(c.port, 3000);
        assert_eq!(c.file.admin.email.as_deref(), Some("admin@example.com"));
        assert!(c.bot("welcome-bot").is_some_and(|b| b.demo));
    }

    #[test]
    fn bad_type_names_the_key() {
        let err =
            FileConfig::from_json(r#"{"pro":{"externalAuth":{"enabled":"yes"}}}"#).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("pro.externalAuth.enabled"), "{msg}");
    }

    #[test]
    fn botpress_shape_parses_and_unknown_keys_are_tolerated() {
        let f = FileConfig::from_json(
            r#"{"version":"12.31.10","pro":{"enabled":false,"externalAuth":{"enabled":true,
                "algorithms":["RS256"],"audience":["a","b"],"issuer":"me"}},
                "converse":{"timeout":"2s","enableUnsecuredEndpoint":false},
                "httpServer":{"cors":{"enabled":true,"origin":"http://x"}}}"#,
        )
        .unwrap();
        assert!(f.pro.external_auth.enabled);
        assert_eq!(
            f.pro.external_auth.audience.unwrap().to_vec(),
            vec!["a", "b"]
        );
        assert_eq!(f.converse.timeout.0, Duration::from_secs(2));
        assert!(!f.converse.enable_unsecured_endpoint);
    }

    #[test]
    fn invalid_algorithm_is_rejected_by_key() {
        let f = FileConfig::from_json(
            r#"{"pro":{"externalAuth":{"enabled":true,"algorithms":["none"]}}}"#,
        )
        .unwrap();
        let err = Config::resolve(f, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("pro.externalAuth.algorithms"));
    }

    #[test]
    fn overrides_win_over_file() {
        let f = FileConfig::from_json(r#"{"httpServer":{"port":4000,"host":"0.0.0.0"}}"#).unwrap();
        let c = Config::resolve(
            f,
            Overrides {
                port: Some(0),
                client_id: Some("c".into()),
                client_token: Some("t".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(c.port, 0);
        assert_eq!(c.host, "0.0.0.0");
        assert_eq!(c.file.messaging.client_id.as_deref(), Some("c"));
    }

    #[test]
    fn client_id_without_token_is_an_error() {
        let f = FileConfig::from_json(r#"{"messaging":{"clientId":"x"}}"#).unwrap();
        let err = Config::resolve(f, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("messaging.clientToken"));
    }
}

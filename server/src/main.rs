//! `webchat-server` binary: parses flags, loads the config, runs the server.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use webchat_server::config::{Config, FileConfig, Overrides};

/// Reference server for the Botpress-v12-compatible webchat (channel-web API, socket.io /guest,
/// Converse API, messaging webhooks).
#[derive(Debug, Parser)]
#[command(
    name = "webchat-server",
    version,
    about,
    after_help = "Other environment variables: WEBCHAT_CLIENT_ID, WEBCHAT_CLIENT_TOKEN (messaging client), \
WEBCHAT_ADMIN_KEY (POST /api/v1/admin/clients), WEBCHAT_ADMIN_EMAIL, WEBCHAT_ADMIN_PASSWORD (collaborator \
login), WEBCHAT_MAX_MESSAGE_LENGTH, WEBCHAT_WEBHOOK_URL, RUST_LOG. See server/README.md for the config keys."
)]
struct Args {
    /// Address to bind (default 127.0.0.1, or httpServer.host from the config).
    #[arg(long, env = "WEBCHAT_HOST")]
    host: Option<String>,
    /// Port to bind; 0 picks a free port (default 3000, or httpServer.port from the config).
    #[arg(long, env = "WEBCHAT_PORT")]
    port: Option<u16>,
    /// Directory for the SQLite database, uploads and `global/` key files.
    #[arg(long, env = "WEBCHAT_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// JSON config file shaped like botpress.config.json (pro.externalAuth, converse, httpServer.cors,
    /// channelWeb, admin, messaging, bots).
    #[arg(long, env = "WEBCHAT_CONFIG")]
    config: Option<PathBuf>,
    /// Directory of the widget build served at / and /assets/modules/channel-web/.
    #[arg(long, env = "WEBCHAT_STATIC_DIR", default_value = "./dist")]
    static_dir: PathBuf,
    /// Log format on stderr: `text` or `json` (level via RUST_LOG, default info).
    #[arg(long, env = "WEBCHAT_LOG_FORMAT", default_value = "text")]
    log_format: String,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn init_tracing(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn load(args: &Args) -> Result<Config, String> {
    let file = match &args.config {
        Some(p) => FileConfig::load(p).map_err(|e| e.to_string())?,
        None => FileConfig::default(),
    };
    let max_len =
        match env("WEBCHAT_MAX_MESSAGE_LENGTH") {
            Some(v) => Some(v.parse::<usize>().map_err(|_| {
                format!("invalid WEBCHAT_MAX_MESSAGE_LENGTH: `{v}` is not a number")
            })?),
            None => None,
        };
    let o = Overrides {
        host: args.host.clone(),
        port: args.port,
        data_dir: Some(args.data_dir.clone()),
        static_dir: Some(args.static_dir.clone()),
        client_id: env("WEBCHAT_CLIENT_ID"),
        client_token: env("WEBCHAT_CLIENT_TOKEN"),
        admin_key: env("WEBCHAT_ADMIN_KEY"),
        admin_email: env("WEBCHAT_ADMIN_EMAIL"),
        admin_password: env("WEBCHAT_ADMIN_PASSWORD"),
        max_message_length: max_len,
        webhook_url: env("WEBCHAT_WEBHOOK_URL"),
    };
    Config::resolve(file, o).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.log_format != "text" && args.log_format != "json" {
        eprintln!("webchat-server: --log-format must be `text` or `json`");
        return ExitCode::from(2);
    }
    init_tracing(&args.log_format);
    let config = match load(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("webchat-server: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("webchat-server: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(webchat_server::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("webchat-server: {e}");
            ExitCode::from(if matches!(e, webchat_server::StartError::Config(_)) {
                2
            } else {
                1
            })
        }
    }
}

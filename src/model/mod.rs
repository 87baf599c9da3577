//! Plain data the widget works with: no browser types. Everything here is testable natively.

pub mod config;
pub mod events;
pub mod ids;
pub mod message;
pub mod outbox;
pub mod wire;

pub use config::{BotInfo, Config};
pub use message::Message;

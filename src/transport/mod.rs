//! Talking to the bot server: socket.io over WebSocket (`socket`, with the pure `codec`), JSON over
//! `fetch` (`http`), reconnect delays (`backoff`) and the per-widget [`session::Session`] that runs the
//! v12 startup order, the outbox and the user's commands (botpress-protocols.md §1.4, §1.5).

pub mod backoff;
pub mod codec;
pub mod http;
pub mod session;
pub mod socket;

pub use session::{Command, Session};

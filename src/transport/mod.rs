//! Talking to the bot server: socket.io over WebSocket (`socket`, with the pure `codec`), JSON over
//! `fetch` (`http`), reconnect delays (`backoff`) and the per-widget [`session::Session`] that runs the
//! v12 startup order, the outbox and the user's commands (botpress-protocols.md §1.4, §1.5). The
//! session's decisions live in pure, natively tested modules: [`plan`] (startup steps, reconnects, server
//! event routing) and [`command`] (`sendEvent`/`sendPayload` mapping); the outbox state machine is
//! `model::outbox`.

pub mod backoff;
pub mod codec;
pub mod command;
pub mod http;
pub mod plan;
pub mod session;
pub mod socket;

pub use command::Command;
pub use session::Session;

//! Plain data the widget works with: no browser types, no Leptos. Everything here is testable natively.

pub mod message;

pub use message::Message;

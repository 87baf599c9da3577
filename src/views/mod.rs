//! Message rendering: payload conversion and the URL allowlist (botpress-protocols.md §1.8, §1.9).

pub mod convert;
pub mod url;

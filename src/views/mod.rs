//! Message rendering: payload conversion, the URL allowlist and markdown (botpress-protocols.md §1.8, §1.9).

pub mod convert;
pub mod markdown;
pub mod url;

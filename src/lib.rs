//! placeholder root; the widget helper writes the real crate overview.
pub mod model;
pub mod views;

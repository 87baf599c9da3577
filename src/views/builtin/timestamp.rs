//! The optional time under a message (`show_timestamp`).

use web_sys::Element;

use crate::dom::E;

/// `HH:MM` in the visitor's time zone, or `None` when `sent_on` is not a date.
pub fn local_time(sent_on: &str) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(sent_on));
    let ms = date.get_time();
    (!ms.is_nan()).then(|| format!("{:02}:{:02}", date.get_hours(), date.get_minutes()))
}

/// A `<time>` element for the message's `sentOn` (nothing when it is not a date).
pub fn timestamp(sent_on: &str) -> Option<Element> {
    let text = local_time(sent_on)?;
    Some(
        E::classed("time", "bpw-timestamp")
            .attr("datetime", sent_on)
            .text(&text)
            .0,
    )
}

//! The optional time under a message (`show_timestamp`).

use leptos::prelude::*;

/// `HH:MM` in the visitor's time zone, or `None` when `sent_on` is not a date.
pub fn local_time(sent_on: &str) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(sent_on));
    let ms = date.get_time();
    (!ms.is_nan()).then(|| format!("{:02}:{:02}", date.get_hours(), date.get_minutes()))
}

/// A `<time>` element for the message's `sentOn` (nothing when it is not a date).
pub fn timestamp(sent_on: &str) -> AnyView {
    match local_time(sent_on) {
        Some(text) => {
            view! { <time class="bpw-timestamp" datetime=sent_on.to_string()>{text}</time> }
                .into_any()
        }
        None => ().into_any(),
    }
}

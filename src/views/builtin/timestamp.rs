//! The optional time under a message (`show_timestamp`).

use web_sys::Element;

use crate::dom::E;

/// `HH:MM` in the visitor's time zone, or `None` when `sent_on` is not a date.
pub fn local_time(sent_on: &str) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(sent_on));
    let ms = date.get_time();
    (!ms.is_nan()).then(|| hh_mm(date.get_hours(), date.get_minutes()))
}

/// Hours and minutes as `HH:MM` (`{:02}:{:02}` without the formatting machinery).
fn hh_mm(hours: u32, minutes: u32) -> String {
    let mut out = String::new();
    for (sep, n) in [("", hours), (":", minutes)] {
        out.push_str(sep);
        if n < 10 {
            out.push('0');
        }
        crate::text::push_int(&mut out, i64::from(n));
    }
    out
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

#[cfg(test)]
mod tests {
    #[test]
    fn hours_and_minutes_are_zero_padded() {
        for (h, m) in [(0, 0), (9, 5), (10, 59), (23, 7), (12, 30)] {
            assert_eq!(super::hh_mm(h, m), format!("{h:02}:{m:02}"));
        }
    }
}

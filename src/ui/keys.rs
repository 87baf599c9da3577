//! Keyboard shortcuts of the panel (botpress-protocols.md §1.3): `enableResetSessionShortcut`
//! (Ctrl/Cmd+Shift+R resets the conversation) and `enableArrowNavigation` (arrow keys move focus between
//! transcript messages, a roving `tabindex`). The decisions are pure functions tested natively; the
//! handlers only read the event and move focus.
//!
//! The transcript renders a window of its messages (`state::window`): a message's place in the whole
//! transcript is its `aria-posinset`, and a move to a message outside the window asks the transcript to
//! reveal it (slide the window, then focus it).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use super::windowing::Windowing;
use super::Chat;
use crate::dom;
use crate::transport::Command;

/// True for Ctrl+Shift+R or Cmd+Shift+R (by key, or by physical key for non-Latin layouts).
pub fn is_reset_shortcut(key: &str, code: &str, ctrl: bool, meta: bool, shift: bool) -> bool {
    (ctrl || meta) && shift && (key.eq_ignore_ascii_case("r") || code == "KeyR")
}

/// Where an arrow key moves focus inside the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Focus message `n` (0 is the oldest).
    Message(usize),
    /// Past the newest message: focus the composer.
    Composer,
    /// The key is not a navigation key, or there is nothing to move to.
    None,
}

/// The focus move for `key` when message `current` (or the transcript itself, `None`) has focus and the
/// transcript holds `len` messages. Up/Down step (from the transcript itself, Up starts at the newest and
/// Down at the oldest), Home/End jump, Down past the newest goes to the composer.
pub fn arrow_move(key: &str, len: usize, current: Option<usize>) -> Move {
    if len == 0 {
        return if key == "ArrowDown" {
            Move::Composer
        } else {
            Move::None
        };
    }
    let last = len - 1;
    // the key is compared once, then the position decides
    match key {
        "ArrowUp" => Move::Message(current.map_or(last, |i| i.min(last).saturating_sub(1))),
        "ArrowDown" => match current {
            None => Move::Message(0),
            Some(i) if i < last => Move::Message(i + 1),
            Some(_) => Move::Composer,
        },
        "Home" => Move::Message(0),
        "End" => Move::Message(last),
        _ => Move::None,
    }
}

/// True for elements whose arrow keys belong to them (text fields, selects, editable content inside a
/// message, e.g. a login prompt or a custom view's form).
pub fn owns_arrow_keys(tag: &str, editable: bool) -> bool {
    editable
        || ["INPUT", "TEXTAREA", "SELECT"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(tag))
}

/// Panel-wide keys: Escape closes (`closeOnEscape`), the reset shortcut (when enabled).
pub fn panel_keydown(chat: &Chat, ev: &KeyboardEvent) {
    let config = chat.config();
    let key = ev.key();
    if key == "Escape" && config.close_on_escape {
        ev.stop_propagation();
        chat.close_from_panel();
    }
    if config.enable_reset_session_shortcut
        && is_reset_shortcut(
            &key,
            &ev.code(),
            ev.ctrl_key(),
            ev.meta_key(),
            ev.shift_key(),
        )
    {
        // keep the browser from reloading the page (Ctrl+Shift+R)
        ev.prevent_default();
        ev.stop_propagation();
        chat.run(Command::Reset);
    }
}

const MESSAGE: &str = "[data-testid=\"message\"]";

/// The transcript index (0-based) of a message row, from its `aria-posinset`.
pub fn row_index(row: &Element) -> Option<usize> {
    row.get_attribute("aria-posinset")?
        .parse::<usize>()
        .ok()?
        .checked_sub(1)
}

/// The rendered row of transcript index `index`, if it is in the window.
pub fn find_row(log: &Element, index: usize) -> Option<Element> {
    let mut selector = crate::text::concat(&[MESSAGE, "[aria-posinset=\""]);
    crate::text::push_int(&mut selector, index as i64 + 1);
    selector.push_str("\"]");
    dom::find(log, &selector)
}

/// Focuses a row and makes it the one Tab stop among the rows (roving `tabindex`).
pub fn focus_row(log: &Element, row: &Element) {
    // only this function sets a row's tabindex to 0 (rows are built with -1), so at most one has it
    if let Some(el) = dom::find(log, "[data-testid=\"message\"][tabindex=\"0\"]") {
        dom::set(&el, "tabindex", "-1");
    }
    dom::set(row, "tabindex", "0");
    dom::focus(row);
}

/// Transcript keys (when `enableArrowNavigation`): move focus between the `total` messages (sent and
/// pending), roving `tabindex` so Tab leaves the transcript from the focused message. A message outside
/// the rendered window goes to `window`, which slides to it and focuses it once rendered. `log` is the
/// transcript element (where the listener is).
pub fn transcript_keydown(
    chat: &Chat,
    log: &Element,
    ev: &KeyboardEvent,
    total: usize,
    window: &Windowing,
) {
    if !chat.config().enable_arrow_navigation || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return;
    }
    let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
    if let Some(el) = &target {
        let editable = el
            .dyn_ref::<HtmlElement>()
            .is_some_and(|h| h.is_content_editable());
        if owns_arrow_keys(&el.tag_name(), editable) {
            return;
        }
    }
    let current = target
        .and_then(|el| el.closest(MESSAGE).ok().flatten())
        .and_then(|row| row_index(&row));
    match arrow_move(&ev.key(), total, current) {
        Move::Message(i) => {
            ev.prevent_default();
            match find_row(log, i) {
                Some(row) => focus_row(log, &row),
                None => window.reveal(i),
            }
        }
        Move::Composer => {
            // the transcript sits directly in the panel, as does the composer
            let composer = log
                .parent_node()
                .and_then(|p| dom::find(p.unchecked_ref(), "[data-testid=\"composer\"]"));
            if let Some(c) = composer {
                ev.prevent_default();
                dom::focus(&c);
            }
        }
        Move::None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_shortcut() {
        assert!(is_reset_shortcut("R", "KeyR", true, false, true));
        assert!(
            is_reset_shortcut("r", "KeyR", false, true, true),
            "Cmd on macOS"
        );
        assert!(
            is_reset_shortcut("к", "KeyR", true, false, true),
            "by physical key"
        );
        assert!(
            !is_reset_shortcut("R", "KeyR", true, false, false),
            "Ctrl+R alone"
        );
        assert!(
            !is_reset_shortcut("R", "KeyR", false, false, true),
            "Shift+R types R"
        );
        assert!(!is_reset_shortcut("T", "KeyT", true, false, true));
    }

    #[test]
    fn fields_keep_their_arrow_keys() {
        assert!(owns_arrow_keys("INPUT", false));
        assert!(owns_arrow_keys("textarea", false));
        assert!(owns_arrow_keys("SELECT", false));
        assert!(owns_arrow_keys("DIV", true));
        assert!(!owns_arrow_keys("DIV", false));
        assert!(!owns_arrow_keys("BUTTON", false));
    }

    #[test]
    fn arrows_step_and_stop_at_the_ends() {
        assert_eq!(arrow_move("ArrowUp", 3, None), Move::Message(2));
        assert_eq!(arrow_move("ArrowUp", 3, Some(2)), Move::Message(1));
        assert_eq!(arrow_move("ArrowUp", 3, Some(0)), Move::Message(0));
        assert_eq!(arrow_move("ArrowDown", 3, None), Move::Message(0));
        assert_eq!(arrow_move("ArrowDown", 3, Some(1)), Move::Message(2));
        assert_eq!(arrow_move("ArrowDown", 3, Some(2)), Move::Composer);
        assert_eq!(arrow_move("Home", 3, Some(2)), Move::Message(0));
        assert_eq!(arrow_move("End", 3, None), Move::Message(2));
        assert_eq!(arrow_move("ArrowLeft", 3, Some(1)), Move::None);
        assert_eq!(arrow_move("Enter", 3, Some(1)), Move::None);
    }

    #[test]
    fn arrows_on_an_empty_or_shrunk_transcript() {
        assert_eq!(arrow_move("ArrowUp", 0, None), Move::None);
        assert_eq!(arrow_move("Home", 0, None), Move::None);
        assert_eq!(arrow_move("ArrowDown", 0, None), Move::Composer);
        // the focused index can be stale after a clear: clamp instead of indexing out of range
        assert_eq!(arrow_move("ArrowUp", 2, Some(7)), Move::Message(0));
        assert_eq!(arrow_move("ArrowDown", 2, Some(7)), Move::Composer);
    }
}

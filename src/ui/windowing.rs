//! The browser side of the windowed transcript. [`Windowing`] owns the rendered range; once per frame
//! after a change it measures the rendered rows, sizes the two spacers, keeps the view where it was
//! (scroll anchoring: the first visible row stays put when rows are added or measured above it) or at
//! the bottom while the user reads the newest message, and moves the window when it no longer covers
//! the viewport. Scrolling, new messages and keyboard moves feed it. The arithmetic lives in
//! [`crate::state::window`] (pure, tested natively); this module only reads and writes the DOM. When it
//! moves the window it asks for a render; the transcript then shows the rows of [`Windowing::range`].
//!
//! CSS `overflow-anchor` is turned off on the transcript: the anchoring here is explicit so that it
//! behaves the same in browsers without it and never fights a second, native correction.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use web_sys::Element;

use super::keys;
use crate::dom::{self, Frame};
use crate::state::window::{self, Change, Layout, Limits, Range, Viewport};
use crate::state::ChatState;

/// Window changes the frame loop may make on its own (after new measurements) before waiting for the
/// user again: measurements converge in one or two passes; this only bounds a pathological page.
const MAX_PASSES: u32 = 6;

/// Viewport height assumed before the transcript is laid out.
const FALLBACK_HEIGHT: f64 = 600.0;

/// A row's place on screen before the window moved: it is put back there afterwards.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Anchor {
    index: usize,
    top: f64,
}

/// One transcript's window: the rendered range, the measured sizes, and the elements it works on.
pub struct Windowing {
    me: Weak<Windowing>,
    /// The rendered messages.
    range: Cell<Range>,
    /// The scrolling `role="log"` element.
    pub log: Element,
    /// The container of the spacers and the rendered rows.
    pub rows: Element,
    /// The spacer standing in for the messages above the window.
    pub top: Element,
    /// The spacer standing in for the messages below the window.
    bottom: Element,
    /// Asks for a render (the range moved).
    request: Rc<dyn Fn()>,
    layout: RefCell<Layout>,
    pinned: Cell<bool>,
    anchor: Cell<Option<Anchor>>,
    focus: Cell<Option<usize>>,
    scroll_to: Cell<Option<f64>>,
    frame: RefCell<Option<Frame>>,
    passes: Cell<u32>,
    /// The scroll position at the last scroll event, to tell the user scrolling up from content
    /// growing under a stale event.
    last_top: Cell<i32>,
    /// The DOM changed since the last pass: a scroll event now may be the browser clamping the scroll
    /// position to shorter content (the typing indicator left), not the user.
    dirty: Cell<bool>,
    /// The viewport as last read (by a pass or a scroll event). New messages use it instead of
    /// reading the layout: a read right after the rows changed forces a synchronous reflow, once
    /// per message in a burst.
    seen: Cell<Option<Viewport>>,
    /// The spacer heights last written (top, bottom). A write of the same value is skipped: it would
    /// invalidate the layout just measured, and the pass's next read would force a second reflow in
    /// the frame.
    written: RefCell<(String, String)>,
}

impl Windowing {
    /// A window showing the end of the transcript (the latest message at open), over the given
    /// elements; `request` asks the UI to render when the window moved.
    pub fn new(
        log: Element,
        rows: Element,
        top: Element,
        bottom: Element,
        request: Rc<dyn Fn()>,
    ) -> Rc<Windowing> {
        Rc::new_cyclic(|me| Windowing {
            me: me.clone(),
            range: Cell::new(Range::default()),
            log,
            rows,
            top,
            bottom,
            request,
            layout: RefCell::new(Layout::default()),
            pinned: Cell::new(true),
            anchor: Cell::new(None),
            focus: Cell::new(None),
            scroll_to: Cell::new(None),
            frame: RefCell::new(None),
            passes: Cell::new(0),
            last_top: Cell::new(0),
            dirty: Cell::new(false),
            seen: Cell::new(None),
            written: RefCell::new((String::new(), String::new())),
        })
    }

    /// The rendered range.
    pub fn range(&self) -> Range {
        self.range.get()
    }

    /// The heights of the top and bottom spacers for the current range.
    fn spacers(&self) -> (f64, f64) {
        window::spacers(&self.layout.borrow(), self.range.get())
    }

    /// Stops the frame loop (the transcript is going away).
    pub fn stop(&self) {
        self.frame.borrow_mut().take();
    }

    fn limits() -> Limits {
        Limits::default()
    }

    /// Whether the view follows the newest message.
    pub fn pinned(&self) -> bool {
        self.pinned.get()
    }

    /// The transcript changed (messages, conversation or pending sends): follow the end if pinned,
    /// jump there when the user `sent` something or another conversation was loaded
    /// (`new_conversation`), else stay.
    pub fn on_messages(&self, s: &ChatState, new_conversation: bool, sent: bool) {
        let change = self.layout.borrow_mut().sync(&s.messages);
        if new_conversation || sent {
            self.pinned.set(true);
            self.anchor.set(None);
        }
        let pinned = self.pinned();
        let current = self.range.get();
        let seen = self.seen.get();
        let height = seen.map_or(FALLBACK_HEIGHT, |v| v.height);
        let limits = Self::limits();
        let next = {
            let l = self.layout.borrow();
            let len = l.len();
            let to_bottom = |r: Range| {
                if r.end == len && !r.is_empty() {
                    r
                } else {
                    window::bottom_range(&l, height, &limits)
                }
            };
            match change {
                Change::Appended(_) if !new_conversation && !sent => {
                    window::after_append(&l, current, pinned, height, &limits)
                }
                Change::Same if !pinned => current,
                _ if pinned => to_bottom(current.clamp(len)),
                _ => match seen {
                    Some(view) => window::next_range(&l, current.clamp(len), view, &limits),
                    None => window::bottom_range(&l, height, &limits),
                },
            }
        };
        self.passes.set(0);
        self.move_to(next);
        self.changed();
    }

    /// The user scrolled: note whether they are at the bottom, and slide the window if the viewport
    /// is about to leave it.
    pub fn on_scroll(&self) {
        let len = self.layout.borrow().len();
        let current = self.range.get();
        let top = self.log.scroll_top();
        let previous = self.last_top.replace(top);
        let at_end = current.end >= len
            && window::at_bottom(
                f64::from(top),
                f64::from(self.log.scroll_height()),
                f64::from(self.log.client_height()),
            );
        // Only scrolling up leaves the bottom: an event that arrives after new rows made the content
        // taller (but before the pass scrolled down again), or that comes from the DOM changing under
        // the view, must not unpin.
        let pinned = at_end || (self.pinned() && (top >= previous || self.dirty.get()));
        self.pinned.set(pinned);
        self.passes.set(0);
        if let Some((view, _)) = self.viewport() {
            let next = window::next_range(&self.layout.borrow(), current, view, &Self::limits());
            self.move_to(next);
        }
        // measure again: rows may have changed size (an image loaded) since the last pass
        self.schedule();
    }

    /// Keyboard navigation reached message `index`, outside the window: render it, scroll it into
    /// view, then focus it.
    pub fn reveal(&self, index: usize) {
        let Some((view, _)) = self.viewport() else {
            return;
        };
        let current = self.range.get();
        let (next, y) =
            window::reveal(&self.layout.borrow(), current, index, view, &Self::limits());
        self.pinned.set(false);
        self.anchor.set(None);
        self.focus.set(Some(index));
        self.scroll_to.set(Some(y));
        self.passes.set(0);
        if next != current {
            self.range.set(next);
            (self.request)();
        }
        self.schedule();
    }

    /// Sets the range, remembering first where the visible content is so the next pass can keep it
    /// there (not needed at the bottom, which the pass restores anyway).
    fn move_to(&self, next: Range) {
        if next == self.range.get() {
            return;
        }
        if !self.pinned() && self.anchor.get().is_none() {
            self.anchor.set(self.capture());
        }
        self.range.set(next);
        (self.request)();
    }

    /// The rendered rows or what follows them changed: measure before the next paint.
    pub fn changed(&self) {
        self.dirty.set(true);
        self.schedule();
    }

    /// Runs [`Self::pass`] before the next paint (once, however many changes ask for it).
    pub fn schedule(&self) {
        if self.frame.borrow().is_some() {
            return;
        }
        let me = self.me.clone();
        let frame = Frame::new(Box::new(move || {
            if let Some(me) = me.upgrade() {
                // the frame ran: free its slot (safe from inside the callback) before the pass
                me.frame.borrow_mut().take();
                me.pass();
            }
        }));
        *self.frame.borrow_mut() = Some(frame);
    }

    /// The rendered rows, in order.
    fn rendered(&self) -> Vec<Element> {
        let Ok(list) = self
            .rows
            .query_selector_all(":scope > [data-testid=\"message\"]")
        else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        for i in 0..list.length() {
            if let Some(row) = list.item(i) {
                // `querySelectorAll` lists elements only
                rows.push(row.unchecked_into());
            }
        }
        rows
    }

    /// The viewport in model coordinates, and where model `y = 0` is in the log's scroll coordinates.
    fn viewport(&self) -> Option<(Viewport, f64)> {
        if !self.log.is_connected() {
            return None;
        }
        let scroll_top = f64::from(self.log.scroll_top());
        let client_top =
            self.log.get_bounding_client_rect().top() + f64::from(self.log.client_top());
        let origin = self.top.get_bounding_client_rect().top() - client_top + scroll_top;
        let height = f64::from(self.log.client_height());
        let view = Viewport {
            top: scroll_top - origin,
            height: if height > 0.0 {
                height
            } else {
                FALLBACK_HEIGHT
            },
        };
        self.seen.set(Some(view));
        Some((view, origin))
    }

    /// The first row whose bottom is below the viewport's top edge, and where it is.
    fn capture(&self) -> Option<Anchor> {
        if !self.log.is_connected() {
            return None;
        }
        let edge = self.log.get_bounding_client_rect().top() + f64::from(self.log.client_top());
        for row in self.rendered() {
            let rect = row.get_bounding_client_rect();
            if rect.bottom() > edge + 1.0 {
                if let Some(index) = keys::row_index(&row) {
                    return Some(Anchor {
                        index,
                        top: rect.top(),
                    });
                }
            }
        }
        None
    }

    /// Records the height (and, once, the element count) of every rendered row.
    fn measure(&self) {
        for row in self.rendered() {
            let (Some(index), Some(id)) =
                (keys::row_index(&row), row.get_attribute("data-message-id"))
            else {
                continue;
            };
            // `bottom - top`: the two edges are read elsewhere too (one fewer DOM binding)
            let rect = row.get_bounding_client_rect();
            let height = rect.bottom() - rect.top();
            let weight = (!self.layout.borrow().has_weight(index))
                .then(|| row.query_selector_all("*").map(|l| l.length()).unwrap_or(0) + 1);
            let mut l = self.layout.borrow_mut();
            l.set_height(index, &id, height);
            if let Some(w) = weight {
                l.set_weight(index, &id, f64::from(w));
            }
        }
    }

    /// Writes the spacer heights of the current range and measurements, where they changed: the
    /// render does after it placed the rows, the pass after it measured them (the pass must see the
    /// new layout before it restores the scroll position).
    pub fn write_spacers(&self) {
        let (top, bottom) = self.spacers();
        let mut written = self.written.borrow_mut();
        write_height(&self.top, px(top), &mut written.0);
        write_height(&self.bottom, px(bottom), &mut written.1);
    }

    /// After the rows rendered: measure, size the spacers, restore the scroll position (focus target,
    /// bottom, or anchor), then check that the window still covers the viewport.
    fn pass(&self) {
        if !self.log.is_connected() {
            return;
        }
        let log = &self.log;
        self.dirty.set(false);
        let pinned = self.pinned();
        let anchor = self
            .anchor
            .take()
            .or_else(|| if pinned { None } else { self.capture() });
        self.measure();
        self.write_spacers();
        let focus = self.focus.take();
        if let Some(y) = self.scroll_to.take() {
            if let Some((_, origin)) = self.viewport() {
                log.set_scroll_top((origin + y).round() as i32);
            }
        } else if pinned {
            log.set_scroll_top(log.scroll_height());
        } else if let Some(a) = anchor {
            if let Some(row) = keys::find_row(log, a.index) {
                let delta = row.get_bounding_client_rect().top() - a.top;
                if delta.abs() >= 1.0 {
                    log.set_scroll_top(log.scroll_top() + delta.round() as i32);
                }
            }
        }
        if let Some(index) = focus {
            if let Some(row) = keys::find_row(log, index) {
                keys::focus_row(log, &row);
            }
        }
        let passes = self.passes.get();
        if passes >= MAX_PASSES {
            return;
        }
        if let Some((view, _)) = self.viewport() {
            let current = self.range.get();
            let next = window::next_range(&self.layout.borrow(), current, view, &Self::limits());
            if next != current {
                self.passes.set(passes + 1);
                self.move_to(next);
            }
        }
    }
}

/// Sets `el`'s height to `value` unless `last` (what was written before) is already that.
fn write_height(el: &Element, value: String, last: &mut String) {
    if *last != value {
        dom::style(el, "height", &value);
        *last = value;
    }
}

/// A CSS pixel length to a tenth of a pixel, formatted the same way by the view and the pass. Integer
/// formatting only: `{:.1}` on a float would link the float formatter into the wasm (~20 KiB).
pub fn px(value: f64) -> String {
    let tenths = (value.max(0.0) * 10.0).round() as u64;
    let mut out = crate::text::int((tenths / 10) as i64);
    out.push('.');
    out.push(char::from(b'0' + (tenths % 10) as u8));
    out.push_str("px");
    out
}

#[cfg(test)]
mod tests {
    use super::px;

    #[test]
    fn pixel_lengths_to_a_tenth() {
        assert_eq!(px(0.0), "0.0px");
        assert_eq!(px(12.34), "12.3px");
        assert_eq!(px(12.36), "12.4px");
        assert_eq!(px(99.96), "100.0px");
        assert_eq!(px(-3.0), "0.0px");
        assert_eq!(px(947_549.5), "947549.5px");
    }
}

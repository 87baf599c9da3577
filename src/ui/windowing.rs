//! The browser side of the windowed transcript. [`Windowing`] owns the rendered range; once per frame
//! after a change it measures the rendered rows, sizes the two spacers, keeps the view where it was
//! (scroll anchoring: the first visible row stays put when rows are added or measured above it) or at
//! the bottom while the user reads the newest message, and moves the window when it no longer covers
//! the viewport. Scrolling, new messages and keyboard moves feed it. The arithmetic lives in
//! [`crate::state::window`] (pure, tested natively); this module only reads and writes the DOM.
//!
//! CSS `overflow-anchor` is turned off on the transcript: the anchoring here is explicit so that it
//! behaves the same in browsers without it and never fights a second, native correction.

use leptos::html::Div;
use leptos::leptos_dom::helpers::AnimationFrameRequestHandle;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::keys;
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

/// One transcript's window: the rendered range, the measured sizes, and the element refs it works on.
/// `Copy`; everything in it belongs to the transcript component that created it.
#[derive(Clone, Copy)]
pub struct Windowing {
    /// The rendered messages.
    pub range: RwSignal<Range>,
    /// The scrolling `role="log"` element.
    pub log: NodeRef<Div>,
    /// The container of the spacers and the rendered rows.
    pub rows: NodeRef<Div>,
    /// The spacer standing in for the messages above the window.
    pub top: NodeRef<Div>,
    /// The spacer standing in for the messages below the window.
    pub bottom: NodeRef<Div>,
    /// Heights of the top and bottom spacers. Derived from the range, so a moved window and its
    /// spacers reach the DOM in the same update (the visible rows never jump in between).
    pub spacers: Memo<(f64, f64)>,
    /// Notified when the layout changed (new messages, new measurements).
    measured: Trigger,
    layout: StoredValue<Layout>,
    pinned: StoredValue<bool>,
    anchor: StoredValue<Option<Anchor>>,
    focus: StoredValue<Option<usize>>,
    scroll_to: StoredValue<Option<f64>>,
    frame: StoredValue<Option<AnimationFrameRequestHandle>>,
    passes: StoredValue<u32>,
    /// The scroll position at the last scroll event, to tell the user scrolling up from content
    /// growing under a stale event.
    last_top: StoredValue<i32>,
    /// The DOM changed since the last pass: a scroll event now may be the browser clamping the scroll
    /// position to shorter content (the typing indicator left), not the user.
    dirty: StoredValue<bool>,
    conversation: StoredValue<Option<Option<String>>>,
    pending: StoredValue<usize>,
}

impl Default for Windowing {
    fn default() -> Self {
        Self::new()
    }
}

impl Windowing {
    /// A window showing the end of the transcript (the latest message at open).
    pub fn new() -> Self {
        let range = RwSignal::new(Range::default());
        let layout = StoredValue::new(Layout::default());
        let measured = Trigger::new();
        let spacers = Memo::new(move |_| {
            measured.track();
            let range = range.get();
            layout.with_value(|l| window::spacers(l, range))
        });
        let this = Windowing {
            range,
            log: NodeRef::new(),
            rows: NodeRef::new(),
            top: NodeRef::new(),
            bottom: NodeRef::new(),
            spacers,
            measured,
            layout,
            pinned: StoredValue::new(true),
            anchor: StoredValue::new(None),
            focus: StoredValue::new(None),
            scroll_to: StoredValue::new(None),
            frame: StoredValue::new(None),
            passes: StoredValue::new(0),
            last_top: StoredValue::new(0),
            dirty: StoredValue::new(false),
            conversation: StoredValue::new(None),
            pending: StoredValue::new(0),
        };
        // a frame requested just before unmounting must not run against disposed values
        on_cleanup(move || {
            if let Some(Some(handle)) = this.frame.try_update_value(Option::take) {
                handle.cancel();
            }
        });
        this
    }

    fn limits() -> Limits {
        Limits::default()
    }

    /// Whether the view follows the newest message.
    pub fn pinned(&self) -> bool {
        self.pinned.try_get_value().unwrap_or(true)
    }

    /// The transcript changed (messages, conversation or pending sends): follow the end if pinned,
    /// jump there when the user sent something or another conversation was loaded, else stay.
    pub fn on_messages(&self, state: RwSignal<ChatState>) {
        let (change, conversation, pending) = state.with_untracked(|s| {
            let change = self.layout.try_update_value(|l| l.sync(&s.messages));
            (change, s.conversation_id.clone(), s.pending.len())
        });
        let Some(change) = change else { return };
        if change != Change::Same {
            self.measured.notify();
        }
        let Some(previous) = self
            .conversation
            .try_update_value(|c| c.replace(conversation.clone()))
        else {
            return;
        };
        let new_conversation = previous.is_some_and(|p| p != conversation);
        let sent = pending
            > self
                .pending
                .try_update_value(|p| std::mem::replace(p, pending))
                .unwrap_or(0);
        if new_conversation || sent {
            self.pinned.set_value(true);
            self.anchor.set_value(None);
        }
        let pinned = self.pinned();
        let current = self.range.get_untracked();
        let height = self.viewport().map_or(FALLBACK_HEIGHT, |(v, _)| v.height);
        let limits = Self::limits();
        let next = self.layout.with_value(|l| {
            let len = l.len();
            let to_bottom = |r: Range| {
                if r.end == len && !r.is_empty() {
                    r
                } else {
                    window::bottom_range(l, height, &limits)
                }
            };
            match change {
                Change::Appended(_) if !new_conversation && !sent => {
                    window::after_append(l, current, pinned, height, &limits)
                }
                Change::Same if !pinned => current,
                _ if pinned => to_bottom(current.clamp(len)),
                _ => match self.viewport() {
                    Some((view, _)) => window::next_range(l, current.clamp(len), view, &limits),
                    None => window::bottom_range(l, height, &limits),
                },
            }
        });
        self.passes.set_value(0);
        self.move_to(next);
        self.changed();
    }

    /// The user scrolled: note whether they are at the bottom, and slide the window if the viewport
    /// is about to leave it.
    pub fn on_scroll(&self) {
        let Some(log) = self.log.get_untracked() else {
            return;
        };
        let len = self.layout.with_value(Layout::len);
        let current = self.range.get_untracked();
        let top = log.scroll_top();
        let previous = self
            .last_top
            .try_update_value(|t| std::mem::replace(t, top))
            .unwrap_or(top);
        let at_end = current.end >= len
            && window::at_bottom(
                f64::from(top),
                f64::from(log.scroll_height()),
                f64::from(log.client_height()),
            );
        // Only scrolling up leaves the bottom: an event that arrives after new rows made the content
        // taller (but before the pass scrolled down again), or that comes from the DOM changing under
        // the view, must not unpin.
        let dirty = self.dirty.get_value();
        let pinned = at_end || (self.pinned() && (top >= previous || dirty));
        self.pinned.set_value(pinned);
        self.passes.set_value(0);
        if let Some((view, _)) = self.viewport() {
            let next = self
                .layout
                .with_value(|l| window::next_range(l, current, view, &Self::limits()));
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
        let current = self.range.get_untracked();
        let (next, y) = self
            .layout
            .with_value(|l| window::reveal(l, current, index, view, &Self::limits()));
        self.pinned.set_value(false);
        self.anchor.set_value(None);
        self.focus.set_value(Some(index));
        self.scroll_to.set_value(Some(y));
        self.passes.set_value(0);
        if next != current {
            self.range.set(next);
        }
        self.schedule();
    }

    /// Sets the range, remembering first where the visible content is so the next pass can keep it
    /// there (not needed at the bottom, which the pass restores anyway).
    fn move_to(&self, next: Range) {
        if next == self.range.get_untracked() {
            return;
        }
        if !self.pinned() && self.anchor.with_value(Option::is_none) {
            let anchor = self.capture();
            self.anchor.set_value(anchor);
        }
        self.range.set(next);
    }

    /// The rendered rows or what follows them changed: measure before the next paint.
    pub fn changed(&self) {
        self.dirty.set_value(true);
        self.schedule();
    }

    /// Runs [`Self::pass`] before the next paint (once, however many changes ask for it).
    pub fn schedule(&self) {
        if self.frame.try_with_value(Option::is_some).unwrap_or(true) {
            return;
        }
        let this = *self;
        let Ok(handle) = request_animation_frame_with_handle(move || {
            if this.frame.try_set_value(None).is_none() {
                this.pass();
            }
        }) else {
            return;
        };
        self.frame.set_value(Some(handle));
    }

    /// The rendered rows, in order.
    fn rendered(&self) -> Vec<HtmlElement> {
        let Some(rows) = self.rows.try_get_untracked().flatten() else {
            return Vec::new();
        };
        let Ok(list) = rows.query_selector_all(":scope > [data-testid=\"message\"]") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
            .collect()
    }

    /// The viewport in model coordinates, and where model `y = 0` is in the log's scroll coordinates.
    fn viewport(&self) -> Option<(Viewport, f64)> {
        let log = self.log.try_get_untracked().flatten()?;
        let top = self.top.try_get_untracked().flatten()?;
        let scroll_top = f64::from(log.scroll_top());
        let client_top = log.get_bounding_client_rect().top() + f64::from(log.client_top());
        let origin = top.get_bounding_client_rect().top() - client_top + scroll_top;
        let height = f64::from(log.client_height());
        Some((
            Viewport {
                top: scroll_top - origin,
                height: if height > 0.0 {
                    height
                } else {
                    FALLBACK_HEIGHT
                },
            },
            origin,
        ))
    }

    /// The first row whose bottom is below the viewport's top edge, and where it is.
    fn capture(&self) -> Option<Anchor> {
        let log = self.log.try_get_untracked().flatten()?;
        let edge = log.get_bounding_client_rect().top() + f64::from(log.client_top());
        self.rendered().iter().find_map(|row| {
            let rect = row.get_bounding_client_rect();
            (rect.bottom() > edge + 1.0).then(|| {
                keys::row_index(row).map(|index| Anchor {
                    index,
                    top: rect.top(),
                })
            })?
        })
    }

    /// Records the height (and, once, the element count) of every rendered row.
    fn measure(&self) {
        for row in self.rendered() {
            let (Some(index), Some(id)) =
                (keys::row_index(&row), row.get_attribute("data-message-id"))
            else {
                continue;
            };
            let height = row.get_bounding_client_rect().height();
            let weight = (!self.layout.with_value(|l| l.has_weight(index)))
                .then(|| row.query_selector_all("*").map(|l| l.length()).unwrap_or(0) + 1);
            self.layout.update_value(|l| {
                l.set_height(index, &id, height);
                if let Some(w) = weight {
                    l.set_weight(index, &id, f64::from(w));
                }
            });
        }
    }

    /// Writes the spacer heights at once (the pass must see the new layout before it restores the
    /// scroll position), then lets [`Self::spacers`] catch up with the same values.
    fn size_spacers(&self) {
        let range = self.range.get_untracked();
        let (top, bottom) = self.layout.with_value(|l| window::spacers(l, range));
        for (node, height) in [(self.top, top), (self.bottom, bottom)] {
            if let Some(el) = node.get_untracked() {
                let _ = HtmlElement::style(&el).set_property("height", &px(height));
            }
        }
        self.measured.notify();
    }

    /// After the rows rendered: measure, size the spacers, restore the scroll position (focus target,
    /// bottom, or anchor), then check that the window still covers the viewport.
    fn pass(&self) {
        let Some(log) = self.log.try_get_untracked().flatten() else {
            return;
        };
        self.dirty.set_value(false);
        let pinned = self.pinned();
        let anchor = self
            .anchor
            .try_update_value(Option::take)
            .flatten()
            .or_else(|| if pinned { None } else { self.capture() });
        self.measure();
        self.size_spacers();
        let focus = self.focus.try_update_value(Option::take).flatten();
        if let Some(y) = self.scroll_to.try_update_value(Option::take).flatten() {
            if let Some((_, origin)) = self.viewport() {
                log.set_scroll_top((origin + y).round() as i32);
            }
        } else if pinned {
            log.set_scroll_top(log.scroll_height());
        } else if let Some(a) = anchor {
            if let Some(row) = keys::find_row(&log, a.index) {
                let delta = row.get_bounding_client_rect().top() - a.top;
                if delta.abs() >= 1.0 {
                    log.set_scroll_top(log.scroll_top() + delta.round() as i32);
                }
            }
        }
        if let Some(index) = focus {
            if let Some(row) = keys::find_row(&log, index) {
                keys::focus_row(&log, &row);
            }
        }
        let passes = self.passes.get_value();
        if passes >= MAX_PASSES {
            return;
        }
        if let Some((view, _)) = self.viewport() {
            let current = self.range.get_untracked();
            let next = self
                .layout
                .with_value(|l| window::next_range(l, current, view, &Self::limits()));
            if next != current {
                self.passes.set_value(passes + 1);
                self.move_to(next);
            }
        }
    }
}

/// A CSS pixel length to a tenth of a pixel, formatted the same way by the view and the pass. Integer
/// formatting only: `{:.1}` on a float would link the float formatter into the wasm (~20 KiB).
pub fn px(value: f64) -> String {
    let tenths = (value.max(0.0) * 10.0).round() as u64;
    format!("{}.{}px", tenths / 10, tenths % 10)
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

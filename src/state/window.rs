//! The windowed transcript's arithmetic: which messages to render for a scroll position, and how tall the
//! spacers standing in for the others are. Pure and tested natively; `ui::Transcript` measures the rows it
//! renders, feeds the heights back here, and moves the window when the viewport leaves it.
//!
//! Coordinates: `y = 0` is the top of the first message; every message occupies `height(i)` pixels
//! (measured once rendered, estimated from the average of the measured rows before that). The rendered
//! rows sit between a top spacer of `offset(start)` pixels and a bottom spacer of `total - offset(end)`,
//! so a measured window agrees with the model exactly and the scroll position maps to model coordinates.
//!
//! Cost: appends, the heights near the end and the window near the end are O(window), whatever the
//! length; a position far from both ends costs one linear pass over the message heights (a few
//! microseconds for 10,000 messages).

use super::id_map::IdMap;
use crate::model::Message;

/// Height assumed for a message nobody has measured yet, before any row was measured.
pub const DEFAULT_HEIGHT: f64 = 64.0;
/// Element count assumed for an unmeasured message, before any row was measured.
pub const DEFAULT_WEIGHT: f64 = 12.0;

/// What one message is known to cost once rendered.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Slot {
    /// Measured height in CSS pixels.
    height: Option<f64>,
    /// Measured number of DOM elements (the row and everything inside).
    weight: Option<f64>,
}

/// How the transcript changed since the last [`Layout::sync`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The same messages.
    Same,
    /// The same messages followed by this many new ones.
    Appended(usize),
    /// Anything else: cleared, another conversation, a reloaded history.
    Replaced,
}

/// Measured and estimated sizes of every message, in transcript order, plus a cache by message id that
/// survives a reloaded history (a reconnect reloads the same messages).
#[derive(Debug, Clone, Default)]
pub struct Layout {
    slots: Vec<Slot>,
    first: Option<String>,
    last: Option<String>,
    cache: IdMap<Slot>,
    heights_sum: f64,
    heights_n: usize,
    weights_sum: f64,
    weights_n: usize,
}

impl Layout {
    /// Follows the transcript: an append adds slots (O(new)), anything else rebuilds them from the cache.
    pub fn sync(&mut self, messages: &[Message]) -> Change {
        let old = self.slots.len();
        let same_prefix = messages.len() >= old
            && (old == 0
                || (messages.first().map(|m| &m.id) == self.first.as_ref()
                    && messages.get(old - 1).map(|m| &m.id) == self.last.as_ref()));
        let change = if same_prefix {
            for m in &messages[old..] {
                let slot = self.cache.get(&m.id).copied().unwrap_or_default();
                self.push(slot);
            }
            if messages.len() == old {
                Change::Same
            } else {
                Change::Appended(messages.len() - old)
            }
        } else {
            self.slots.clear();
            (
                self.heights_sum,
                self.heights_n,
                self.weights_sum,
                self.weights_n,
            ) = (0.0, 0, 0.0, 0);
            for m in messages {
                let slot = self.cache.get(&m.id).copied().unwrap_or_default();
                self.push(slot);
            }
            Change::Replaced
        };
        self.first = messages.first().map(|m| m.id.clone());
        self.last = messages.last().map(|m| m.id.clone());
        change
    }

    fn push(&mut self, slot: Slot) {
        if let Some(h) = slot.height {
            self.heights_sum += h;
            self.heights_n += 1;
        }
        if let Some(w) = slot.weight {
            self.weights_sum += w;
            self.weights_n += 1;
        }
        self.slots.push(slot);
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// No messages.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Records the measured height of message `index` (id `id`); returns whether anything changed.
    /// Zero heights (a row not laid out) and indices past the end are ignored.
    pub fn set_height(&mut self, index: usize, id: &str, height: f64) -> bool {
        if !(height.is_finite() && height > 0.0) {
            return false;
        }
        let Some(slot) = self.slots.get_mut(index) else {
            return false;
        };
        if slot.height.is_some_and(|h| (h - height).abs() < 0.5) {
            return false;
        }
        match slot.height.replace(height) {
            Some(old) => self.heights_sum += height - old,
            None => {
                self.heights_sum += height;
                self.heights_n += 1;
            }
        }
        self.cache.get_or_default(id).height = Some(height);
        true
    }

    /// Records how many DOM elements message `index` (id `id`) renders as.
    pub fn set_weight(&mut self, index: usize, id: &str, elements: f64) {
        let Some(slot) = self.slots.get_mut(index) else {
            return;
        };
        match slot.weight.replace(elements) {
            Some(old) => self.weights_sum += elements - old,
            None => {
                self.weights_sum += elements;
                self.weights_n += 1;
            }
        }
        self.cache.get_or_default(id).weight = Some(elements);
    }

    /// Whether message `index` has a measured element count.
    pub fn has_weight(&self, index: usize) -> bool {
        self.slots.get(index).is_some_and(|s| s.weight.is_some())
    }

    /// The height assumed for unmeasured messages: the average of the measured ones.
    pub fn estimate(&self) -> f64 {
        if self.heights_n == 0 {
            DEFAULT_HEIGHT
        } else {
            self.heights_sum / self.heights_n as f64
        }
    }

    fn weight_estimate(&self) -> f64 {
        if self.weights_n == 0 {
            DEFAULT_WEIGHT
        } else {
            self.weights_sum / self.weights_n as f64
        }
    }

    /// Height of message `index`, measured or estimated (0 past the end).
    pub fn height(&self, index: usize) -> f64 {
        match self.slots.get(index) {
            Some(s) => s.height.unwrap_or_else(|| self.estimate()),
            None => 0.0,
        }
    }

    /// Element count of message `index`, measured or estimated.
    pub fn weight(&self, index: usize) -> f64 {
        match self.slots.get(index) {
            Some(s) => s.weight.unwrap_or_else(|| self.weight_estimate()),
            None => 0.0,
        }
    }

    /// Total height of messages `start..end`, added in order from `-0.0` (exactly what
    /// `Iterator::sum` gives; one loop shared by every caller instead of an adapter each).
    pub fn heights(&self, start: usize, end: usize) -> f64 {
        let mut sum = -0.0;
        for i in start..end {
            sum += self.height(i);
        }
        sum
    }

    /// Total element count of messages `start..end`, added like [`Layout::heights`].
    pub fn weights(&self, start: usize, end: usize) -> f64 {
        let mut sum = -0.0;
        for i in start..end {
            sum += self.weight(i);
        }
        sum
    }

    /// Height of all messages.
    pub fn total(&self) -> f64 {
        self.heights_sum + (self.slots.len() - self.heights_n) as f64 * self.estimate()
    }

    /// Top of message `index` (`total()` for `index >= len`), summed from the nearer end.
    pub fn offset(&self, index: usize) -> f64 {
        let n = self.slots.len();
        let index = index.min(n);
        if index <= n / 2 {
            self.heights(0, index)
        } else {
            (self.total() - self.heights(index, n)).max(0.0)
        }
    }

    /// The message covering `y` (clamped to the first and last message; 0 when empty).
    pub fn index_at(&self, y: f64) -> usize {
        let n = self.slots.len();
        if n == 0 || y <= 0.0 {
            return 0;
        }
        let total = self.total();
        if y >= total {
            return n - 1;
        }
        if y <= total / 2.0 {
            let mut top = 0.0;
            for i in 0..n {
                top += self.height(i);
                if top > y {
                    return i;
                }
            }
            n - 1
        } else {
            let mut top = total;
            for i in (0..n).rev() {
                top -= self.height(i);
                if top <= y {
                    return i;
                }
            }
            0
        }
    }
}

/// A half-open range of message indices: the rendered window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    /// First rendered message.
    pub start: usize,
    /// One past the last rendered message.
    pub end: usize,
}

impl Range {
    /// Number of rendered messages.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Nothing rendered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether message `index` is rendered.
    pub fn contains(&self, index: usize) -> bool {
        (self.start..self.end).contains(&index)
    }

    /// The same range cut to `len` messages.
    pub fn clamp(self, len: usize) -> Range {
        let end = self.end.min(len);
        Range {
            start: self.start.min(end),
            end,
        }
    }
}

/// The visible part of the transcript, in model coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Viewport {
    /// Model y at the top edge (the scroll position minus the top padding).
    pub top: f64,
    /// Visible height.
    pub height: f64,
}

impl Viewport {
    fn bottom(&self) -> f64 {
        self.top + self.height
    }
}

/// How much the window renders beyond the viewport, and its hard limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Rows are rendered this many viewport heights above and below the viewport.
    pub overscan: f64,
    /// The window is kept while it still covers this many viewport heights beyond each edge (must be
    /// below `overscan`, so that a slide is followed by some scrolling before the next one).
    pub margin: f64,
    /// Render at least this many messages when the budget allows (short transcripts render whole).
    pub min_rows: usize,
    /// Never render more messages than this.
    pub max_rows: usize,
    /// Never render more DOM elements than this in rows (estimated until measured), except the rows
    /// that are visible, which always render.
    pub max_elements: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            overscan: 1.0,
            margin: 0.4,
            min_rows: 30,
            max_rows: 120,
            max_elements: 1000.0,
        }
    }
}

/// Pixels of overscan for a viewport: a fraction of its height, at least 200px (a collapsed or
/// unmeasured viewport still gets a useful window).
fn pixels(view: &Viewport, fraction: f64) -> f64 {
    (view.height * fraction).max(200.0 * fraction.min(1.0))
}

/// The window for a viewport: the visible messages, then the overscan on both sides, then up to
/// `min_rows`, within `max_rows` and `max_elements`.
pub fn range_at(layout: &Layout, view: Viewport, limits: &Limits) -> Range {
    let n = layout.len();
    if n == 0 {
        return Range::default();
    }
    let first = layout.index_at(view.top);
    let last = layout.index_at(view.bottom() - 0.5).max(first);
    let mut range = Range {
        start: first,
        end: last + 1,
    };
    let mut weight: f64 = layout.weights(first, last + 1);
    let extra = pixels(&view, limits.overscan);
    let (want_top, want_bottom) = (view.top - extra, view.bottom() + extra);
    let mut top = layout.offset(range.start);
    let mut bottom = layout.offset(range.end);
    loop {
        let mut grew = false;
        for above in [false, true] {
            let fill = range.len() < limits.min_rows;
            if range.len() >= limits.max_rows {
                break;
            }
            let (index, wanted) = if above {
                (range.start.checked_sub(1), top > want_top)
            } else {
                ((range.end < n).then_some(range.end), bottom < want_bottom)
            };
            let Some(i) = index else { continue };
            if !(wanted || fill) || weight + layout.weight(i) > limits.max_elements {
                continue;
            }
            weight += layout.weight(i);
            if above {
                range.start = i;
                top -= layout.height(i);
            } else {
                range.end = i + 1;
                bottom += layout.height(i);
            }
            grew = true;
        }
        if !grew {
            return range;
        }
    }
}

/// The window showing the end of the transcript (opening, or following new messages).
pub fn bottom_range(layout: &Layout, view_height: f64, limits: &Limits) -> Range {
    let top = (layout.total() - view_height).max(0.0);
    range_at(
        layout,
        Viewport {
            top,
            height: view_height,
        },
        limits,
    )
}

/// Whether `range` may stay as it is for `view`: it still covers the viewport plus the margin on each
/// side (or reaches that end of the transcript) and stays within the limits.
pub fn acceptable(layout: &Layout, range: Range, view: Viewport, limits: &Limits) -> bool {
    let n = layout.len();
    if range.end > n || range.is_empty() != (n == 0) {
        return false;
    }
    if n == 0 {
        return true;
    }
    let margin = pixels(&view, limits.margin);
    let covers_top = range.start == 0 || layout.offset(range.start) <= view.top - margin;
    let covers_bottom = range.end == n || layout.offset(range.end) >= view.bottom() + margin;
    let weight: f64 = layout.weights(range.start, range.end);
    covers_top && covers_bottom && range.len() <= limits.max_rows && weight <= limits.max_elements
}

/// The window after a scroll, a resize or new measurements: the current one while it is
/// [`acceptable`], else a fresh [`range_at`].
pub fn next_range(layout: &Layout, current: Range, view: Viewport, limits: &Limits) -> Range {
    if acceptable(layout, current, view, limits) {
        current
    } else {
        range_at(layout, view, limits)
    }
}

/// The window after `added` messages arrived at the end. Following the end (`pinned`), the window grows
/// to include them and is recomputed at the bottom only when that breaks a limit, so an append usually
/// adds one row and removes none; scrolled up, the window stays (the new rows wait below).
pub fn after_append(
    layout: &Layout,
    current: Range,
    pinned: bool,
    view_height: f64,
    limits: &Limits,
) -> Range {
    let n = layout.len();
    if !pinned {
        return current.clamp(n);
    }
    let grown = Range {
        start: current.start.min(n),
        end: n,
    };
    let weight: f64 = layout.weights(grown.start, grown.end);
    if grown.len() <= limits.max_rows && weight <= limits.max_elements && !grown.is_empty() {
        grown
    } else {
        bottom_range(layout, view_height, limits)
    }
}

/// The window that renders message `index` (keyboard navigation past the window's edge, Home, End),
/// and the model y to scroll to so that it is visible: its top when it lies above the viewport, its
/// bottom edge at the viewport's bottom when below.
pub fn reveal(
    layout: &Layout,
    current: Range,
    index: usize,
    view: Viewport,
    limits: &Limits,
) -> (Range, f64) {
    let n = layout.len();
    if n == 0 {
        return (Range::default(), 0.0);
    }
    let index = index.min(n - 1);
    let top = layout.offset(index);
    let bottom = top + layout.height(index);
    let scroll = if top < view.top {
        top
    } else if bottom > view.bottom() {
        (bottom - view.height).max(0.0)
    } else {
        view.top
    };
    let target = Viewport {
        top: scroll,
        height: view.height,
    };
    let range = if current.contains(index) && acceptable(layout, current, target, limits) {
        current
    } else {
        let mut r = range_at(layout, target, limits);
        // the visible rows always render, but guard against a degenerate viewport
        r.start = r.start.min(index);
        r.end = r.end.max(index + 1);
        r
    };
    (range, scroll)
}

/// Heights of the spacers above and below the window.
pub fn spacers(layout: &Layout, range: Range) -> (f64, f64) {
    let range = range.clamp(layout.len());
    let top = layout.offset(range.start);
    let bottom = (layout.total() - layout.offset(range.end)).max(0.0);
    (top, bottom)
}

/// Pixels from the bottom within which the user counts as reading the newest message (new messages
/// then keep the view at the bottom).
pub const PIN_SLACK: f64 = 24.0;

/// Whether a scroll position is at the bottom (within [`PIN_SLACK`]).
pub fn at_bottom(scroll_top: f64, scroll_height: f64, client_height: f64) -> bool {
    scroll_height - scroll_top - client_height <= PIN_SLACK
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn msgs(n: usize) -> Vec<Message> {
        (0..n)
            .map(|i| Message {
                id: format!("m{i}"),
                conversation_id: "c".into(),
                author_id: (i % 3 == 0).then(|| "u".to_string()),
                sent_on: String::new(),
                payload: json!({"type": "text", "text": i.to_string()}),
            })
            .collect()
    }

    fn layout(n: usize) -> Layout {
        let mut l = Layout::default();
        l.sync(&msgs(n));
        l
    }

    fn view(top: f64, height: f64) -> Viewport {
        Viewport { top, height }
    }

    #[test]
    fn empty_transcript() {
        let l = layout(0);
        let lim = Limits::default();
        assert_eq!(l.total(), 0.0);
        assert_eq!(l.index_at(100.0), 0);
        assert_eq!(range_at(&l, view(0.0, 500.0), &lim), Range::default());
        assert_eq!(bottom_range(&l, 500.0, &lim), Range::default());
        assert!(acceptable(&l, Range::default(), view(0.0, 500.0), &lim));
        assert_eq!(spacers(&l, Range::default()), (0.0, 0.0));
        assert_eq!(
            reveal(&l, Range::default(), 3, view(0.0, 500.0), &lim).0,
            Range::default()
        );
    }

    #[test]
    fn one_message() {
        let l = layout(1);
        let lim = Limits::default();
        let r = bottom_range(&l, 500.0, &lim);
        assert_eq!(r, Range { start: 0, end: 1 });
        assert_eq!(spacers(&l, r), (0.0, 0.0));
        assert_eq!(l.index_at(1e9), 0);
        assert!(acceptable(&l, r, view(0.0, 500.0), &lim));
    }

    #[test]
    fn short_transcripts_render_whole() {
        let l = layout(20);
        let r = bottom_range(&l, 300.0, &Limits::default());
        assert_eq!(r, Range { start: 0, end: 20 });
    }

    #[test]
    fn unknown_heights_use_the_average_of_the_measured_ones() {
        let mut l = layout(4);
        assert_eq!(l.total(), 4.0 * DEFAULT_HEIGHT);
        assert!(l.set_height(0, "m0", 100.0));
        assert!(l.set_height(1, "m1", 50.0));
        assert!(!l.set_height(1, "m1", 50.2), "sub-pixel changes are noise");
        assert!(!l.set_height(2, "m2", 0.0), "a row that is not laid out");
        assert!(!l.set_height(9, "m9", 10.0), "past the end");
        assert_eq!(l.estimate(), 75.0);
        assert_eq!(l.total(), 300.0);
        assert_eq!(l.offset(2), 150.0);
        assert_eq!(l.offset(3), 225.0);
        assert_eq!(l.offset(99), 300.0);
        assert_eq!(l.index_at(99.0), 0);
        assert_eq!(l.index_at(100.0), 1);
        assert_eq!(l.index_at(299.0), 3);
        assert!(
            l.set_height(0, "m0", 120.0),
            "re-measured (an image loaded)"
        );
        assert_eq!(l.total(), 120.0 + 50.0 + 2.0 * 85.0);
    }

    #[test]
    fn ten_thousand_messages_window_is_bounded_and_spacers_add_up() {
        let n = 10_000;
        let l = layout(n);
        let lim = Limits::default();
        let r = bottom_range(&l, 600.0, &lim);
        assert_eq!(r.end, n);
        assert!(r.len() >= lim.min_rows && r.len() <= lim.max_rows, "{r:?}");
        let (top, bottom) = spacers(&l, r);
        assert_eq!(bottom, 0.0);
        let rendered: f64 = (r.start..r.end).map(|i| l.height(i)).sum();
        assert!((top + rendered - l.total()).abs() < 1e-6);
        // the middle: both spacers, the viewport inside the window with overscan on both sides
        let v = view(l.total() / 2.0, 600.0);
        let r = range_at(&l, v, &lim);
        assert!(l.offset(r.start) <= v.top - 600.0 && l.offset(r.end) >= v.top + 1200.0);
        assert!(r.len() <= lim.max_rows);
        let (top, bottom) = spacers(&l, r);
        let rendered: f64 = (r.start..r.end).map(|i| l.height(i)).sum();
        assert!((top + rendered + bottom - l.total()).abs() < 1e-6);
        // the top of the transcript
        let r = range_at(&l, view(0.0, 600.0), &lim);
        assert_eq!(r.start, 0);
        assert_eq!(spacers(&l, r).0, 0.0);
    }

    #[test]
    fn offsets_agree_from_both_ends() {
        let mut l = layout(101);
        for i in (0..101).step_by(7) {
            l.set_height(i, &format!("m{i}"), 30.0 + i as f64);
        }
        let mut top = 0.0;
        for i in 0..=101 {
            assert!((l.offset(i) - top).abs() < 1e-6, "offset({i})");
            if i < 101 {
                assert_eq!(l.index_at(top + 0.1), i);
                top += l.height(i);
            }
        }
    }

    #[test]
    fn element_budget_bounds_the_window_but_visible_rows_always_render() {
        let mut l = layout(200);
        for i in 0..200 {
            l.set_weight(i, &format!("m{i}"), 100.0);
        }
        let lim = Limits::default();
        let r = bottom_range(&l, 600.0, &lim);
        assert!(
            r.len() as f64 * 100.0 <= lim.max_elements,
            "{r:?} is over budget"
        );
        // a viewport taller than the budget still renders what it shows
        let tiny = Limits {
            max_elements: 150.0,
            ..lim
        };
        let r = range_at(&l, view(0.0, 640.0), &tiny);
        assert_eq!(r, Range { start: 0, end: 10 });
        assert!(!acceptable(&l, r, view(0.0, 640.0), &tiny));
        assert_eq!(next_range(&l, r, view(0.0, 640.0), &tiny), r, "stable");
    }

    #[test]
    fn scrolling_keeps_the_window_until_the_margin_runs_out() {
        let l = layout(1000);
        let lim = Limits::default();
        let v = view(32_000.0, 600.0);
        let r = range_at(&l, v, &lim);
        assert_eq!(next_range(&l, r, view(32_100.0, 600.0), &lim), r);
        let far = view(31_000.0, 600.0);
        let moved = next_range(&l, r, far, &lim);
        assert!(moved.start < r.start);
        assert!(acceptable(&l, moved, far, &lim));
        // the same window after new measurements still has to cover the viewport
        assert!(!acceptable(&l, Range { start: 0, end: 5 }, v, &lim));
        assert!(!acceptable(
            &l,
            Range {
                start: 0,
                end: 1001
            },
            v,
            &lim
        ));
    }

    #[test]
    fn appends_follow_the_end_only_when_pinned() {
        let mut all = msgs(1000);
        let mut l = Layout::default();
        l.sync(&all[..999]);
        let lim = Limits::default();
        let r = bottom_range(&l, 600.0, &lim);
        assert_eq!(r.end, 999);
        assert_eq!(l.sync(&all), Change::Appended(1));
        let pinned = after_append(&l, r, true, 600.0, &lim);
        assert_eq!(
            pinned,
            Range {
                start: r.start,
                end: 1000
            },
            "one row added, none removed"
        );
        let up = range_at(&l, view(1000.0, 600.0), &lim);
        assert_eq!(after_append(&l, up, false, 600.0, &lim), up);
        // growing past max_rows recomputes the bottom window
        let wide = Range {
            start: 1000 - lim.max_rows,
            end: 999,
        };
        let r = after_append(&l, wide, true, 600.0, &lim);
        assert_eq!(r.end, 1000);
        assert!(r.len() <= lim.max_rows);
        // appends while scrolled up grow the bottom spacer only
        let (top_before, _) = spacers(&l, up);
        all.push(msgs(1001).pop().unwrap());
        assert_eq!(l.sync(&all), Change::Appended(1));
        assert_eq!(spacers(&l, up).0, top_before);
        assert_eq!(l.sync(&all), Change::Same);
    }

    #[test]
    fn a_replaced_transcript_keeps_the_heights_of_known_ids() {
        let all = msgs(10);
        let mut l = Layout::default();
        l.sync(&all);
        l.set_height(3, "m3", 200.0);
        l.set_weight(3, "m3", 40.0);
        assert_eq!(l.sync(&all[5..]), Change::Replaced);
        assert_eq!(l.len(), 5);
        assert_eq!(l.sync(&[]), Change::Replaced);
        assert!(l.is_empty());
        assert_eq!(l.sync(&all), Change::Appended(10), "from empty, as on open");
        assert_eq!(l.height(3), 200.0);
        assert_eq!(l.weight(3), 40.0);
        assert!(l.has_weight(3) && !l.has_weight(4));
        assert_eq!(l.estimate(), 200.0);
        // the same list again is not a change
        assert_eq!(l.sync(&all), Change::Same);
        // a different history of the same length is a replacement
        let other: Vec<Message> = msgs(11)[1..].to_vec();
        assert_eq!(l.sync(&other), Change::Replaced);
    }

    #[test]
    fn reveal_renders_the_target_and_scrolls_just_enough() {
        let l = layout(10_000);
        let lim = Limits::default();
        let v = view(l.total() - 600.0, 600.0);
        let end = bottom_range(&l, 600.0, &lim);
        // Home: the first message, at the top
        let (r, y) = reveal(&l, end, 0, v, &lim);
        assert!(r.contains(0));
        assert_eq!(y, 0.0);
        assert!(r.len() <= lim.max_rows);
        // one past the window's top edge: it becomes the top row of the viewport
        let i = end.start - 1;
        let (r, y) = reveal(&l, end, i, v, &lim);
        assert!(r.contains(i) && r.contains(end.start));
        assert_eq!(y, l.offset(i));
        // already visible: nothing moves
        let (r, y) = reveal(&l, end, 9_999, v, &lim);
        assert_eq!((r, y), (end, v.top));
        // End from the top
        let (r, y) = reveal(
            &l,
            Range { start: 0, end: 30 },
            9_999,
            view(0.0, 600.0),
            &lim,
        );
        assert_eq!(r.end, 10_000);
        assert_eq!(y, l.total() - 600.0);
        // an index past the end is clamped
        assert!(reveal(&l, end, 20_000, v, &lim).0.contains(9_999));
    }

    #[test]
    fn pinned_means_within_the_slack_of_the_bottom() {
        assert!(at_bottom(400.0, 1000.0, 600.0));
        assert!(at_bottom(380.0, 1000.0, 600.0));
        assert!(!at_bottom(300.0, 1000.0, 600.0));
        assert!(
            at_bottom(0.0, 300.0, 600.0),
            "content shorter than the viewport"
        );
    }

    #[test]
    fn ranges_clamp_and_contain() {
        let r = Range { start: 5, end: 10 };
        assert_eq!(r.clamp(7), Range { start: 5, end: 7 });
        assert_eq!(r.clamp(3), Range { start: 3, end: 3 });
        assert!(r.contains(5) && !r.contains(10));
        assert_eq!(r.len(), 5);
        assert!(Range::default().is_empty());
    }

    #[test]
    fn heights_and_weights_add_up_like_iterator_sums() {
        let l = layout(50);
        for (a, b) in [(0, 0), (0, 50), (7, 31), (49, 50), (40, 60)] {
            let h: f64 = (a..b).map(|i| l.height(i)).sum();
            let w: f64 = (a..b).map(|i| l.weight(i)).sum();
            assert_eq!(l.heights(a, b).to_bits(), h.to_bits(), "{a}..{b}");
            assert_eq!(l.weights(a, b).to_bits(), w.to_bits(), "{a}..{b}");
        }
    }
}

//! The on-screen keyboard must never hide the composer: on narrow screens the panel fills the
//! *visual* viewport, whose height and offset the browser reports through `window.visualViewport`.
//! [`track_visual_viewport`] mirrors them into the CSS custom properties `--bpw-vvh` and `--bpw-vvtop`
//! on the widget root (CSSOM `style.setProperty`, never a `style` attribute string, so a strict CSP
//! holds); the listeners go when the returned scope is dropped.

use wasm_bindgen::JsCast;
use web_sys::{Element, VisualViewport};

use crate::dom::{self, Scope};
use crate::text;

/// The events that change the visual viewport.
static EVENTS: [&str; 2] = ["resize", "scroll"];

fn apply(el: &Element, vv: &VisualViewport) {
    let mut h = text::int(i64::from(vv.height().max(0.0) as u32));
    h.push_str("px");
    let mut top = text::int(i64::from(vv.offset_top().max(0.0) as u32));
    top.push_str("px");
    dom::style(el, "--bpw-vvh", &h);
    dom::style(el, "--bpw-vvtop", &top);
}

/// Keeps `--bpw-vvh` / `--bpw-vvtop` on `root` in step with `window.visualViewport` for as long as
/// the returned scope lives (nothing when the browser has no visual viewport: the CSS then falls back
/// to `100dvh`).
pub fn track_visual_viewport(root: &Element) -> Scope {
    let mut scope = Scope::new();
    let Some(vv) = web_sys::window().and_then(|w| w.visual_viewport()) else {
        return scope;
    };
    apply(root, &vv);
    for name in &EVENTS {
        let el = root.clone();
        // the event's target is the visual viewport
        scope.listen(
            &vv,
            name,
            Box::new(move |e| {
                if let Some(vv) = e.target() {
                    apply(&el, vv.unchecked_ref());
                }
            }),
        );
    }
    scope
}

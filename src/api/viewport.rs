//! The on-screen keyboard must never hide the composer: on narrow screens the panel fills the
//! *visual* viewport, whose height and offset the browser reports through `window.visualViewport`.
//! [`track_visual_viewport`] mirrors them into the CSS custom properties `--bpw-vvh` and `--bpw-vvtop`
//! on the widget root (CSSOM `style.setProperty`, never a `style` attribute string, so a strict CSP
//! holds) and removes its listeners when the widget unmounts.

use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, VisualViewport};

/// The events that change the visual viewport.
const EVENTS: [&str; 2] = ["resize", "scroll"];

fn apply(el: &HtmlElement, vv: &VisualViewport) {
    let style = el.style();
    let _ = style.set_property("--bpw-vvh", &format!("{}px", vv.height()));
    let _ = style.set_property("--bpw-vvtop", &format!("{}px", vv.offset_top()));
}

/// Keeps `--bpw-vvh` / `--bpw-vvtop` on `root` in step with `window.visualViewport` (nothing when the
/// browser has no visual viewport: the CSS then falls back to `100dvh`).
pub fn track_visual_viewport(root: NodeRef<Div>) {
    Effect::new(move |_| {
        let Some(el) = root.get() else {
            return;
        };
        let Some(vv) = web_sys::window().and_then(|w| w.visual_viewport()) else {
            return;
        };
        let el: HtmlElement = el.unchecked_into();
        apply(&el, &vv);
        let target = vv.clone();
        let listener = Closure::<dyn Fn()>::new(move || apply(&el, &target));
        for name in EVENTS {
            let _ = vv.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
        }
        let held = SendWrapper::new((vv, listener));
        on_cleanup(move || {
            let (vv, listener) = held.take();
            for name in EVENTS {
                let _ =
                    vv.remove_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            }
        });
    });
}

//! # webchat: a Botpress-v12-compatible chat widget in Rust (WebAssembly, no UI framework)
//!
//! A page embeds it exactly like Botpress v12: `<script src="{host}/assets/modules/channel-web/inject.js">`
//! then `window.botpressWebChat.init({host, botId})`. `public/inject.js` defines the global at once with
//! queueing stubs and loads this crate's wasm; [`start`] then installs the real methods and replays the
//! queue.
//!
//! ## Layers (each only depends on the ones above it)
//! - [`model`]: plain data with hand-written JSON conversions: `Config` (every v12 option, §1.3),
//!   `Message`, wire DTOs, outbox, ids, host events. No browser types; tested natively.
//! - [`state`]: `ChatState` and its pure reducer `apply(ChatEvent)`; tested natively.
//! - [`transport`]: the socket.io 4 client (pure `codec` + `socket` over the browser's `WebSocket`), `fetch`
//!   JSON client, backoff, and the per-widget `Session` running the v12 startup order (§1.5), reconnects
//!   and the outbox.
//! - [`json`](mod@json): the crate's own small JSON: the `Value` tree (insertion-ordered objects, `f64` numbers),
//!   the `json!` macro, a strict text parser and printer, typed reads (`FromJson`) and the bridge to JS
//!   values. Written for wasm size: no serialization framework, no float formatting code.
//! - [`browser`]: storage, randomness, clock and sound helpers with quiet fallbacks.
//! - [`dom`]: the small rendering toolkit: an element builder, listeners, timers and animation frames
//!   released on drop, and a `Scope` owning what one component made.
//! - [`ui`]: thin struct components subscribed to the session's `state::store::Store`s; each builds
//!   its DOM once and patches it, renders are batched per animation frame. Message content is
//!   rendered by `views::render_message`; grouping, the composer lock and the live region's
//!   announcements are pure helpers in `ui::rows`.
//! - [`i18n`]: UI strings in six languages (English, French, Spanish, German, Portuguese, Arabic/RTL).
//! - [`views`]: payload conversion (v12 renderPayload), markdown as DOM nodes, the URL allowlist, every
//!   built-in renderer and the custom module/view registry (JS and Rust) with a per-message fallback.
//! - [`mount`]: host element + open shadow root + adopted stylesheet + `mount_to`.
//! - [`api`]: the only module touching `window.botpressWebChat` and `JsValue` arguments.
//!
//! ## Safety rules
//! Message content only ever becomes text nodes (never parsed as HTML); the external auth token lives in memory
//! and in the `X-BP-ExternalAuth` header only; every socket, listener, timer and request is released by
//! `destroy()`, after which `init()` works again.

pub mod alloc;
pub mod api;
pub mod browser;
pub mod dom;
pub mod i18n;
pub mod json;
pub mod model;
pub mod mount;
pub mod state;
pub mod text;
pub mod transport;
pub mod ui;
pub mod views;

use wasm_bindgen::prelude::wasm_bindgen;

/// The widget's own allocator (see [`alloc`]): std's dlmalloc is most of a 5 KB the size budget
/// cannot spare.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: alloc::Global<alloc::LinearMemory> = alloc::Global::new(alloc::LinearMemory);

/// Wasm entry point: set the panic hook (builds whose panics can run one) and install
/// `window.botpressWebChat`. Mounting waits for `init`.
#[wasm_bindgen(start)]
pub fn start() {
    // Under `-Cpanic=immediate-abort` (the release wasm, see xtask) a panic traps at once and never
    // runs a hook, so the hook's 1 KB would be dead weight there.
    #[cfg(not(panic = "immediate-abort"))]
    console_error_panic_hook::set_once();
    api::install();
}

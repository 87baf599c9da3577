//! Waiting helpers shared by the browser tests. The widget renders and runs commands in microtasks
//! and measures its transcript in animation frames, so tests yield to the event loop instead of
//! sleeping for a fixed time.

#![allow(dead_code)] // each test file uses its own subset

/// Resolves after `ms` milliseconds (a macrotask: every pending microtask has run by then).
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Yields to the event loop once.
pub async fn tick() {
    sleep(0).await;
}

/// Lets the widget run its commands and renders (microtasks) and what they schedule next.
pub async fn settle() {
    for _ in 0..5 {
        sleep(0).await;
    }
}

//! Small wrappers over the browser services the transport and UI need: storage, randomness, clock,
//! locale and a synthesized notification sound. Each failure degrades quietly (private mode storage,
//! blocked audio) instead of breaking the chat.

use wasm_bindgen::JsCast;
use web_sys::Storage;

use crate::model::ids::{id_from_bytes, VISITOR_ID_LEN};

/// What a thrown JS value says: the string itself, or an `Error`'s message; `fallback` otherwise.
pub fn js_message(v: &wasm_bindgen::JsValue, fallback: &str) -> String {
    v.as_string()
        .or_else(|| {
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| fallback.into())
}

// The page globals read here, bound directly (`navigator.language`, not `window().navigator()` and
// then `language()`): one JS call each and no `Window`/`Navigator` object crossing into the wasm.
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `crypto.getRandomValues` (throws where `crypto` is missing).
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]) -> Result<(), wasm_bindgen::JsValue>;

    /// `navigator`.
    #[wasm_bindgen(js_name = navigator)]
    type Navigator;
    #[wasm_bindgen(static_method_of = Navigator, getter, js_name = language)]
    fn nav_language() -> Option<String>;
    #[wasm_bindgen(static_method_of = Navigator, getter, js_name = onLine)]
    fn on_line() -> bool;
    /// `navigator.userActivation` (missing in older browsers). In the block that declares
    /// `Navigator`: another block would not know its JS name.
    #[wasm_bindgen(static_method_of = Navigator, getter, js_name = userActivation)]
    fn user_activation() -> Option<UserActivation>;
    type UserActivation;
    #[wasm_bindgen(method, getter, js_name = hasBeenActive)]
    fn has_been_active(this: &UserActivation) -> bool;

    /// `location`.
    #[wasm_bindgen(js_name = location)]
    type Location;
    #[wasm_bindgen(static_method_of = Location, getter)]
    fn origin() -> String;

    /// A `Blob` of text parts; with these arguments (strings, a MIME type) it cannot throw.
    type Blob;
    #[wasm_bindgen(constructor)]
    fn new(parts: &js_sys::Array, options: &web_sys::BlobPropertyBag) -> Blob;
    /// `URL`, for object URLs (neither call throws for a `Blob` or a string).
    #[wasm_bindgen(js_name = URL)]
    type Url;
    #[wasm_bindgen(static_method_of = Url, js_name = createObjectURL)]
    fn create_object_url(blob: &Blob) -> String;
    #[wasm_bindgen(static_method_of = Url, js_name = revokeObjectURL)]
    fn revoke_object_url(url: &str);
}

/// localStorage, or sessionStorage when `session` (config `useSessionStorage`).
pub fn storage(session: bool) -> Option<Storage> {
    let name = if session {
        "sessionStorage"
    } else {
        "localStorage"
    };
    // read with Reflect.get, which the crate binds anyway: the getter throws where storage is
    // blocked, and is null where it is switched off
    js_sys::Reflect::get(&js_sys::global(), &name.into())
        .ok()
        .filter(wasm_bindgen::JsValue::is_object)
        .map(JsCast::unchecked_into)
}

/// Read a key.
pub fn storage_get(session: bool, key: &str) -> Option<String> {
    storage(session)?.get_item(key).ok().flatten()
}

/// Write a key (ignored when storage is unavailable).
pub fn storage_set(session: bool, key: &str, value: &str) {
    if let Some(s) = storage(session) {
        let _ = s.set_item(key, value);
    }
}

/// Remove a key.
pub fn storage_remove(session: bool, key: &str) {
    if let Some(s) = storage(session) {
        let _ = s.remove_item(key);
    }
}

/// A random id of `len` URL-safe characters, from `crypto.getRandomValues`.
pub fn random_id(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    if get_random_values(&mut bytes).is_err() {
        // crypto is in every browser we target; fall back to Math.random rather than fail
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    id_from_bytes(&bytes)
}

/// A fresh 24-char visitor id.
pub fn new_visitor_id() -> String {
    random_id(VISITOR_ID_LEN)
}

/// A number in `[0, 1)` for backoff jitter.
pub fn jitter() -> f64 {
    js_sys::Math::random()
}

/// The browser language (`navigator.language`), e.g. `en-US`.
pub fn language() -> String {
    Navigator::nav_language().unwrap_or_else(|| "en".into())
}

/// `-offsetHours` as v12 sends in the visit event (§1.5 step 8).
pub fn timezone_hours() -> f64 {
    -js_sys::Date::new_0().get_timezone_offset() / 60.0
}

/// `navigator.onLine`.
pub fn online() -> bool {
    Navigator::on_line()
}

/// `location.origin` of the page.
pub fn page_origin() -> String {
    Location::origin()
}

// The chime's Web Audio calls, declared here with only what it uses: no `catch` where the call
// cannot throw with these arguments and no return value where none is read, so each is one short
// JS call in the glue and a plain call in the wasm (web-sys wraps every one in an exception check
// and hands back the node or param it returns).
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// An `AudioContext`.
    type AudioContext;
    #[wasm_bindgen(catch, constructor)]
    fn new() -> Result<AudioContext, wasm_bindgen::JsValue>;
    #[wasm_bindgen(method, getter, js_name = currentTime)]
    fn current_time(this: &AudioContext) -> f64;
    #[wasm_bindgen(method, getter)]
    fn destination(this: &AudioContext) -> AudioNode;
    #[wasm_bindgen(method, js_name = createOscillator)]
    fn create_oscillator(this: &AudioContext) -> AudioNode;
    #[wasm_bindgen(method, js_name = createGain)]
    fn create_gain(this: &AudioContext) -> AudioNode;
    /// Releases the context (the returned promise is not needed).
    #[wasm_bindgen(method)]
    fn close(this: &AudioContext);

    /// An oscillator, gain or destination node.
    type AudioNode;
    #[wasm_bindgen(method)]
    fn connect(this: &AudioNode, to: &AudioNode);
    /// An oscillator's `frequency`.
    #[wasm_bindgen(method, getter)]
    fn frequency(this: &AudioNode) -> AudioParam;
    /// A gain node's `gain`.
    #[wasm_bindgen(method, getter)]
    fn gain(this: &AudioNode) -> AudioParam;
    #[wasm_bindgen(method)]
    fn start(this: &AudioNode, when: f64);
    #[wasm_bindgen(method)]
    fn stop(this: &AudioNode, when: f64);

    type AudioParam;
    #[wasm_bindgen(method, js_name = setValueAtTime)]
    fn set_value_at_time(this: &AudioParam, value: f32, time: f64);
    #[wasm_bindgen(method, js_name = exponentialRampToValueAtTime)]
    fn ramp_to(this: &AudioParam, value: f32, time: f64);
}

/// True once the user has interacted with the page (`navigator.userActivation.hasBeenActive`); browsers
/// block audio before that. Unknown (older browsers) counts as true.
fn user_has_interacted() -> bool {
    Navigator::user_activation().is_none_or(|a| a.has_been_active())
}

/// A short two-tone chime synthesized with WebAudio (no asset). Skipped before any user gesture (the
/// browser would refuse it) and silent when audio is blocked.
pub fn play_notification() {
    if !user_has_interacted() {
        return;
    }
    let Ok(ctx) = AudioContext::new() else {
        return;
    };
    let now = ctx.current_time();
    let out = ctx.destination();
    // two tones, 880 Hz then 1320 Hz 0.12 s later (a counted loop: an array of pairs costs an iterator)
    for i in 0..2u8 {
        let start = now + 0.12 * f64::from(i);
        let freq = 880.0 + 440.0 * f32::from(i);
        let osc = ctx.create_oscillator();
        let gain = ctx.create_gain();
        // an oscillator is a sine wave unless told otherwise; setting `value` is a
        // `setValueAtTime` at the current time (Web Audio), the one AudioParam call used here
        osc.frequency().set_value_at_time(freq, now);
        let g = gain.gain();
        g.set_value_at_time(0.0001, start);
        g.ramp_to(0.15, start + 0.02);
        g.ramp_to(0.0001, start + 0.18);
        osc.connect(&gain);
        gain.connect(&out);
        osc.start(start);
        osc.stop(start + 0.2);
    }
    // close the context once the chime is over so it does not hold audio resources
    crate::dom::after(600, Box::new(move || ctx.close()));
}

/// Offer `text` as a downloaded file named `name` (transcript download).
pub fn download_text(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/plain");
    let url = Url::create_object_url(&Blob::new(&parts, &opts));
    // the link's `href` and `download` attributes are what its properties would set
    let a = crate::dom::create("a");
    crate::dom::set(&a, "href", &url);
    crate::dom::set(&a, "download", name);
    a.unchecked_ref::<web_sys::HtmlElement>().click();
    Url::revoke_object_url(&url);
}

/// `s` upper-cased the way JavaScript's `toUpperCase` does (v12 upper-cases choice values with it).
/// In the browser the engine does it, so the wasm carries no Unicode case tables; natively, std.
pub fn to_upper(s: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(s).to_upper_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        s.to_uppercase()
    }
}

/// `s` lower-cased like JavaScript's `toLowerCase` (see [`to_upper`]).
pub fn to_lower(s: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(s).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        s.to_lowercase()
    }
}

/// `c.is_alphanumeric()` (Unicode `Alphabetic` or `Numeric`). Outside ASCII the browser's own
/// Unicode tables answer (`/[\p{Alphabetic}\p{N}]/u`), so the wasm does not carry core's (2.4 KB).
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    #[cfg(target_arch = "wasm32")]
    {
        thread_local! {
            static ALNUM: js_sys::RegExp = js_sys::RegExp::new(r"^[\p{Alphabetic}\p{N}]$", "u");
        }
        ALNUM.with(|re| re.test(c.encode_utf8(&mut [0; 4])))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        c.is_alphanumeric()
    }
}

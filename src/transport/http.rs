//! JSON over `fetch` to the channel-web API (botpress-protocols.md §1.4).
//!
//! The external auth token travels only in the `X-BP-ExternalAuth: Bearer <jwt>` header (§1.6), never in
//! the URL, storage or logs. Each request takes the client's `AbortController` signal, so `destroy()`
//! cancels everything in flight.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, Headers, RequestInit, Response};

use crate::json::{FromJson, Value};
use crate::model::outbox::SendOutcome;
use crate::model::wire::ApiError;
use crate::text::{concat, int};

/// An HTTP failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    /// The request never got a response (offline, CORS, aborted).
    #[error("{}", self.message())]
    Network(String),
    /// The server answered with an error status and (usually) the v12 error JSON.
    #[error("{}", self.message())]
    Status {
        /// HTTP status.
        status: u16,
        /// Parsed error body (defaults when not JSON).
        body: ApiError,
    },
    /// A 2xx reply that did not have the expected shape.
    #[error("{}", self.message())]
    Decode(String),
}

impl HttpError {
    /// The error's text (also its `Display`): `network error: ..`, `HTTP 400: {code} {message}`,
    /// `unexpected reply: ..`; built without `core::fmt`.
    pub fn message(&self) -> String {
        match self {
            HttpError::Network(e) => concat(&["network error: ", e]),
            HttpError::Status { status, body } => concat(&[
                "HTTP ",
                &int(i64::from(*status)),
                ": ",
                &body.error_code,
                " ",
                &body.message,
            ]),
            HttpError::Decode(e) => concat(&["unexpected reply: ", e]),
        }
    }

    /// True for the v12 invalid-external-token error (`BP_0401`).
    pub fn is_bad_token(&self) -> bool {
        matches!(self, HttpError::Status { body, .. } if body.error_code == "BP_0401")
    }

    /// True when retrying later may succeed (network trouble or a 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Network(_) => true,
            HttpError::Status { status, .. } => *status >= 500,
            HttpError::Decode(_) => false,
        }
    }

    /// What this failure means for a queued payload (the outbox state machine, `model::outbox`).
    /// `sent_token`: the request carried an external token (so a `BP_0401` can be cured by dropping it).
    pub fn send_outcome(&self, sent_token: bool) -> SendOutcome {
        match self {
            HttpError::Network(_) => SendOutcome::Transient,
            // a 2xx whose body we could not read: the server accepted it
            HttpError::Decode(_) => SendOutcome::Delivered,
            HttpError::Status { .. } if self.is_bad_token() && sent_token => {
                SendOutcome::TokenRejected
            }
            // v12 answers 400 while the webSessionId is unknown (the server restarted, the socket is
            // reconnecting, §1.4): the next attempt carries the new socket id
            HttpError::Status { status: 400, body } if is_session_error(&body.message) => {
                SendOutcome::Transient
            }
            HttpError::Status { status, .. } => match *status {
                // 401: a fresh token may come through configure(); 429: rate limited
                401 | 429 => SendOutcome::Transient,
                400..=499 => SendOutcome::Rejected,
                _ => SendOutcome::Transient,
            },
        }
    }
}

/// The v12 `assertUserInfo` errors about the web session itself (§1.4), which a reconnect cures.
fn is_session_error(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    crate::text::find(&m, "session id is invalid").is_some()
        || crate::text::find(&m, "user id associated with this session").is_some()
}

/// The outbox outcome of one send (whatever the reply held).
pub fn send_outcome<T>(r: &Result<T, HttpError>, sent_token: bool) -> SendOutcome {
    match r {
        Ok(_) => SendOutcome::Delivered,
        Err(e) => e.send_outcome(sent_token),
    }
}

fn js_err(v: JsValue) -> HttpError {
    HttpError::Network(crate::browser::js_message(&v, "request failed"))
}

/// A request started by [`HttpClient::start`]: the `fetch` promise, or what JS threw while building it.
pub type Started = Result<js_sys::Promise, JsValue>;

/// The JS callback of a request in flight.
type Callback = Closure<dyn FnMut(JsValue)>;

/// A client for one bot's API base.
pub struct HttpClient {
    base: String,
    abort: AbortController,
}

impl HttpClient {
    /// A client for `{base}` (see `Config::api_base`).
    pub fn new(base: String) -> Result<Self, HttpError> {
        Ok(HttpClient {
            base,
            abort: AbortController::new().map_err(js_err)?,
        })
    }

    /// Abort every request in flight (used by destroy).
    pub fn abort_all(&self) {
        self.abort.abort();
    }

    /// `GET {base}{path}` when `body` is null, else `POST` it as JSON with the optional external
    /// token. Its reply goes to [`settle`].
    pub fn start(&self, path: &str, body: &Value, token: Option<&str>) -> Started {
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let init = RequestInit::new();
        let get = body.is_null();
        init.set_method(if get { "GET" } else { "POST" });
        init.set_signal(Some(&self.abort.signal()));
        let headers = Headers::new()?;
        if !get {
            headers.set("Content-Type", "application/json")?;
            init.set_body(&JsValue::from_str(&crate::json::stringify(body)));
        }
        if let Some(t) = token {
            headers.set("X-BP-ExternalAuth", &concat(&["Bearer ", t]))?;
        }
        init.set_headers(&headers);
        let url = concat(&[&self.base, path]);
        Ok(window.fetch_with_str_and_init(&url, &init))
    }
}

/// Hand a [`HttpClient::start`]ed request's outcome to `done`, once: at once when the request could
/// not even start, else when the fetch and the body settle. `done` receives the reply's JSON (`null`
/// when empty, a string when not JSON), which callers [`decode`]. Every request of the widget goes
/// through the session's one chain, so this is compiled once.
pub fn settle(started: Started, done: impl FnOnce(Result<Value, HttpError>) + 'static) {
    let promise = match started {
        Ok(p) => p,
        Err(e) => return done(Err(js_err(e))),
    };
    // One JS callback for both promises (the response, then its text) and both outcomes of each:
    // `fetch` fulfils only with a `Response` and `text()` only with a string, and they reject with
    // errors (TypeError, the AbortError of `abort_all`), so the value tells which happened. The
    // callback holds itself (through `slot`) until the request settles, then lets itself go.
    let slot: Rc<Cell<Option<Callback>>> = Rc::default();
    let me = slot.clone();
    let mut resp: Option<Response> = None;
    let mut done = Some(done);
    let callback: Callback = Closure::wrap(Box::new(move |v: JsValue| {
        let r = match resp.take() {
            None => match v.dyn_into::<Response>().and_then(|r| Ok((r.text()?, r))) {
                Ok((text, r)) => {
                    resp = Some(r);
                    let cb = me.take();
                    if let Some(cb) = &cb {
                        let _ = text.then2(cb, cb);
                    }
                    me.set(cb);
                    return;
                }
                Err(e) => Err(js_err(e)),
            },
            Some(r) => match v.as_string() {
                Some(text) => reply(r.status(), r.ok(), text),
                None => Err(js_err(v)),
            },
        };
        // settled: free this callback (once it returns), then hand over the outcome
        me.take();
        if let Some(done) = done.take() {
            done(r);
        }
    }));
    let _ = promise.then2(&callback, &callback);
    slot.set(Some(callback));
}

/// A finished request's outcome from its status and text: the JSON (`null` when empty, a string when
/// not JSON), or [`HttpError::Status`] with the v12 error body for a non-2xx status.
fn reply(status: u16, ok: bool, text: String) -> Result<Value, HttpError> {
    let json: Value = if text.trim().is_empty() {
        Value::Null
    } else {
        crate::json::parse(&text).unwrap_or(Value::String(text))
    };
    if !ok {
        let mut body = ApiError::from_json(&json).unwrap_or_default();
        if body.message.is_empty() {
            body.message = json.as_str().unwrap_or_default().to_string();
        }
        return Err(HttpError::Status { status, body });
    }
    Ok(json)
}

/// Read a 2xx reply as `T` (a reply of the wrong shape is [`HttpError::Decode`]).
pub fn decode<T: FromJson>(v: Value) -> Result<T, HttpError> {
    T::from_json(&v).map_err(HttpError::Decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, code: &str) -> HttpError {
        HttpError::Status {
            status,
            body: ApiError {
                status_code: status,
                error_code: code.into(),
                ..ApiError::default()
            },
        }
    }

    #[test]
    fn outcomes_by_status() {
        use SendOutcome::*;
        assert_eq!(send_outcome(&Ok(()), true), Delivered);
        assert_eq!(
            send_outcome(&Err::<(), _>(HttpError::Network("x".into())), false),
            Transient
        );
        assert_eq!(HttpError::Decode("x".into()).send_outcome(false), Delivered);
        for s in [400, 403, 404, 409, 413, 422] {
            assert_eq!(status(s, "").send_outcome(true), Rejected, "{s}");
        }
        for s in [401, 429, 500, 502, 503] {
            assert_eq!(status(s, "").send_outcome(true), Transient, "{s}");
        }
        assert_eq!(status(401, "BP_0401").send_outcome(true), TokenRejected);
        let session = |msg: &str| HttpError::Status {
            status: 400,
            body: ApiError {
                message: msg.into(),
                ..ApiError::default()
            },
        };
        assert_eq!(
            session("session id is invalid").send_outcome(false),
            Transient
        );
        assert_eq!(
            session("user id associated with this session must be valid").send_outcome(false),
            Transient
        );
        assert_eq!(
            session("`type` is required and must be valid").send_outcome(false),
            Rejected
        );
        assert_eq!(
            status(401, "BP_0401").send_outcome(false),
            Transient,
            "no token left to drop: do not loop"
        );
    }

    #[test]
    fn decode_reads_the_shape_or_is_a_decode_error() {
        let e: ApiError = decode(crate::json!({"errorCode": "BP_0401"})).unwrap();
        assert_eq!(e.error_code, "BP_0401");
        assert!(matches!(
            decode::<ApiError>(Value::String("x".into())),
            Err(HttpError::Decode(_))
        ));
    }

    #[test]
    fn messages() {
        let mut e = status(400, "BP_0400");
        if let HttpError::Status { body, .. } = &mut e {
            body.message = "bad".into();
        }
        assert_eq!(e.message(), "HTTP 400: BP_0400 bad");
        assert_eq!(e.to_string(), e.message());
        assert_eq!(HttpError::Network("x".into()).message(), "network error: x");
        assert_eq!(
            HttpError::Decode("y".into()).to_string(),
            "unexpected reply: y"
        );
    }

    #[test]
    fn transient_and_token_flags() {
        assert!(HttpError::Network("x".into()).is_transient());
        assert!(status(503, "").is_transient());
        assert!(!status(400, "").is_transient());
        assert!(status(401, "BP_0401").is_bad_token());
        assert!(!status(401, "BP_0402").is_bad_token());
    }
}

//! A minimal socket.io 4 client over the browser's `WebSocket` (websocket transport only, §1.5).
//!
//! It opens `ws(s)://host/socket.io/?visitorId=..&EIO=4&transport=websocket`, answers the Engine.IO
//! handshake by connecting namespace `/guest`, replies to pings, watches for a silent server (ping
//! timeout) and reports [`SocketEvent`]s to one callback. Dropping the [`Socket`] detaches every handler,
//! stops the watchdog and closes the connection.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, EventTarget};

use super::codec::{read_frame, BpEvent, Frame};
use crate::dom::{self, Timeout};
use crate::text::concat;

// The three WebSocket calls the client makes, declared with what it needs: `send` and `close()`
// cannot throw here (frames go out only after the server's first frame arrived, so the socket is
// open; a bare `close()` never throws), so neither carries an exception check.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = EventTarget)]
    type WebSocket;
    #[wasm_bindgen(catch, constructor)]
    fn new(url: &str) -> Result<WebSocket, JsValue>;
    #[wasm_bindgen(method)]
    fn send(this: &WebSocket, frame: &str);
    #[wasm_bindgen(method)]
    fn close(this: &WebSocket);
    /// A `message` event (`close` and `error` events have no `data`).
    type MessageEvent;
    #[wasm_bindgen(method, getter)]
    fn data(this: &MessageEvent) -> JsValue;
}

/// The events the socket listens to (one handler for all three).
static EVENTS: [&str; 3] = ["message", "close", "error"];

/// The namespace the webchat uses.
pub const NAMESPACE: &str = "/guest";

/// The Engine.IO message carrying the socket.io connect to [`NAMESPACE`] without auth data: what
/// `encode_eio(Message(encode_sio(Connect { nsp: "/guest", data: None })))` gives (tested), sent as a
/// constant so the encoders stay out of the wasm.
const CONNECT_FRAME: &str = "40/guest,";

/// What the socket reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketEvent {
    /// `/guest` accepted us; `sid` is the `webSessionId`.
    Connected {
        /// Namespace socket id.
        sid: String,
    },
    /// A Botpress `event` frame.
    Event(BpEvent),
    /// The connection ended (or could not open).
    Closed,
}

type Sink = Rc<dyn Fn(SocketEvent)>;

/// The pong answering a ping with data `d`: `encode_eio(&EioPacket::Pong(d))` (tested), written out
/// so the general encoder stays out of the wasm.
fn pong_frame(d: &str) -> String {
    concat(&["3", d])
}

struct Inner {
    ws: WebSocket,
    sink: Sink,
    watchdog: RefCell<Option<Timeout>>,
    /// The watchdog delay from the handshake (`pingInterval + pingTimeout`).
    timeout_ms: std::cell::Cell<u32>,
    closed: std::cell::Cell<bool>,
}

impl Inner {
    fn send(&self, frame: &str) {
        self.ws.send(frame);
    }

    /// Stop the watchdog and close the connection, once: false when it was already closed.
    fn shut(&self) -> bool {
        if self.closed.replace(true) {
            return false;
        }
        self.watchdog.borrow_mut().take();
        self.ws.close();
        true
    }

    /// Close (once) and report [`SocketEvent::Closed`]; why it closed is not reported, nothing reads it.
    fn close(&self) {
        if self.shut() {
            (self.sink)(SocketEvent::Closed);
        }
    }

    fn arm_watchdog(self: &Rc<Self>, ms: u32) {
        let weak = Rc::downgrade(self);
        let timeout = Timeout::new(
            f64::from(ms),
            Box::new(move || {
                if let Some(inner) = weak.upgrade() {
                    inner.close();
                }
            }),
        );
        // replacing the slot cancels the previous watchdog
        *self.watchdog.borrow_mut() = Some(timeout);
    }

    fn on_frame(self: &Rc<Self>, frame: &str) {
        match read_frame(frame) {
            Frame::Open(ms) => {
                self.timeout_ms.set(ms);
                self.arm_watchdog(ms);
                self.send(CONNECT_FRAME);
            }
            Frame::Ping(d) => {
                self.arm_watchdog(self.timeout_ms.get());
                self.send(&pong_frame(d));
            }
            Frame::Close => self.close(),
            Frame::Connected(sid) => (self.sink)(SocketEvent::Connected { sid }),
            Frame::Event(ev) => (self.sink)(SocketEvent::Event(ev)),
            Frame::ConnectError => self.close(),
            Frame::Disconnected => self.close(),
            Frame::Other => {}
        }
    }
}

/// An open (or opening) socket. Drop it to disconnect.
pub struct Socket {
    inner: Rc<Inner>,
    /// The one handler of `message`, `close` and `error` (telling them apart by the message's
    /// `data`: one closure of the `Event` type the DOM listeners use keeps the wasm small).
    on_event: Closure<dyn FnMut(Event)>,
}

impl Socket {
    /// Open a socket to `url` (see `codec::socket_url`); events go to `sink`.
    pub fn connect(url: &str, sink: Sink) -> Result<Socket, String> {
        let ws = WebSocket::new(url)
            .map_err(|e| crate::browser::js_message(&e, "cannot open a WebSocket"))?;
        let inner = Rc::new(Inner {
            ws,
            sink,
            watchdog: RefCell::new(None),
            timeout_ms: std::cell::Cell::new(45_000),
            closed: std::cell::Cell::new(false),
        });
        let weak = Rc::downgrade(&inner);
        let on_event = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let data = e.unchecked_ref::<MessageEvent>().data();
            if let Some(text) = data.as_string() {
                inner.on_frame(&text);
            } else if data.is_undefined() {
                // close or error (a message always has data; a binary one is ignored)
                inner.close();
            }
        });
        for event in EVENTS {
            dom::add_listener(&inner.ws, event, on_event.as_ref().unchecked_ref());
        }
        Ok(Socket { inner, on_event })
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        for event in EVENTS {
            dom::remove_listener(
                &self.inner.ws,
                event,
                self.on_event.as_ref().unchecked_ref(),
            );
        }
        self.inner.shut();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::codec::{encode_eio, encode_sio, EioPacket, SioPacket};

    #[test]
    fn written_out_frames_match_the_encoders() {
        let connect = SioPacket::Connect {
            nsp: NAMESPACE.into(),
            data: None,
        };
        assert_eq!(
            encode_eio(&EioPacket::Message(encode_sio(&connect))),
            CONNECT_FRAME
        );
        for d in ["", "probe"] {
            assert_eq!(pong_frame(d), encode_eio(&EioPacket::Pong(d.into())));
        }
    }
}

//! Browser test: the calls a page queues on `window.botpressWebChat._q` before the wasm arrives (what
//! `inject.js` records) are replayed by `install()` through the real methods, in order: results go
//! back into each entry's `r`, cancelled (`x`) and unknown entries are skipped, a failing `init` is
//! reported without stopping the entries after it, and the queue is emptied.
#![cfg(target_arch = "wasm32")]
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
wasm_bindgen_test_configure!(run_in_browser);

fn ev(s: &str) -> JsValue {
    js_sys::eval(s).unwrap()
}

#[wasm_bindgen_test]
fn replay_runs_queued_calls() {
    ev("window.__hits = []; window.__q = [ {m:'onEvent', a:[function(e){ window.__hits.push(e); }, null, 'rq']}, {m:'onEvent', a:[function(){ window.__hits.push('cancelled'); }], x: true}, {m:'bogus', a:[]}, {m:'init', a:[{}]}, {m:'init', a:[{botId:'b', host:'http://127.0.0.1:9', chatId:'rq', lazySocket:true}]}, {m:'sendEvent', a:[{type:'show'}, 'rq']} ]; window.__entries = window.__q.slice(); window.botpressWebChat = {_q: window.__q}; 0");
    webchat::api::install();
    assert_eq!(ev("window.__q.length"), JsValue::from(0), "emptied");
    assert_eq!(ev("window.botpressWebChat.ready"), JsValue::TRUE);
    assert_eq!(
        ev("typeof window.__entries[0].r"),
        JsValue::from_str("function"),
        "unsubscribe stored"
    );
    assert_eq!(
        ev("'r' in window.__entries[1]"),
        JsValue::FALSE,
        "cancelled skipped"
    );
    assert_eq!(
        ev("'r' in window.__entries[3]"),
        JsValue::FALSE,
        "failed init has no result"
    );
    assert_eq!(ev("window.__entries[4].r"), JsValue::UNDEFINED);
    assert_eq!(
        ev("!!document.getElementById('rq-container')"),
        JsValue::TRUE,
        "init ran"
    );
    let hits = ev("JSON.stringify(window.__hits)").as_string().unwrap();
    assert!(!hits.contains("cancelled") && hits.len() > 2, "{hits}");
    // the real methods are installed now
    assert_eq!(
        ev("typeof window.botpressWebChat.destroy"),
        JsValue::from_str("function")
    );
    ev("window.__entries[0].r(); window.botpressWebChat.destroy('rq'); 0");
    assert_eq!(
        ev("!!document.getElementById('rq-container')"),
        JsValue::FALSE,
        "destroyed"
    );
}

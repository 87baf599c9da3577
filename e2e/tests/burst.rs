//! Bursts: 500 bot messages sent back to back to one visitor (the performance issue's "500 bot
//! messages within one second") all reach the transcript, in the order the server stored them, none
//! lost and none shown twice. Correctness only: timings are `cargo xtask bench`'s business.
//!
//! The transcript is read by scrolling it from top to bottom ([`bulk::walk_transcript`]), so the
//! test holds for a transcript that renders every row and for one that renders only a window.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::json;
use webchat_e2e::bulk::{self, Bridge, BENCH_BOT};
use webchat_e2e::page::{self, open_host_page};
use webchat_e2e::{Browser, Server, ServerOptions, Site, WAIT};

const BURST: usize = 500;

#[test]
fn five_hundred_bot_messages_all_render_in_order_once() {
    let site = Site::new();
    let server = Server::start_with(
        None,
        ServerOptions {
            config: Some(bulk::bench_config(2 * BURST)),
            static_dir: Some(site.path().to_path_buf()),
            ..Default::default()
        },
    );
    let visitor = bulk::visitor_id(500);
    let bridge = Bridge::for_visitor(&server.url, BENCH_BOT, &visitor);

    let browser = Browser::start();
    open_host_page(&browser, &server.url);
    browser.exec(
        "localStorage.setItem('bp/socket/user', arguments[0]); return true;",
        json!([visitor]),
    );
    page::load_inject(&browser);
    page::must(
        &browser,
        "init",
        json!([page::config(&server.url, json!({"botId": BENCH_BOT}))]),
    );
    browser.wait_for(
        "webchatReady",
        "(window.__posts || []).some(p => p.name === 'webchatReady')",
    );
    let launcher = browser.widget_el("launcher");
    browser.click(&launcher);
    browser.widget_el("panel");
    browser.widget_el("transcript");

    // Back to back over one connection: each message is stored and emitted before the next.
    let sent: Vec<String> = (0..BURST)
        .map(|i| {
            let m = bridge.send(
                &json!({"type": "text", "text": format!("burst {i:03}")}),
                false,
            );
            m["id"].as_str().expect("stored message id").to_string()
        })
        .collect();
    assert_eq!(
        sent.iter().collect::<HashSet<_>>().len(),
        BURST,
        "the server gave two messages one id"
    );

    // Read what a visitor can reach by scrolling, until the whole burst is there (or WAIT passed:
    // the assertions below then say what is missing). No assumption that the view follows the
    // burst to the bottom by itself.
    let deadline = Instant::now() + WAIT;
    let rows = loop {
        let rows = bulk::walk_transcript(&browser);
        let seen = rows.iter().filter(|(_, t)| t.contains("burst ")).count();
        if seen >= BURST || Instant::now() >= deadline {
            break rows;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let burst_rows: Vec<&(String, String)> =
        rows.iter().filter(|(_, t)| t.contains("burst ")).collect();
    let texts: Vec<String> = burst_rows
        .iter()
        .map(|(_, t)| {
            let at = t.find("burst ").expect("filtered on it");
            t[at..at + 9].to_string()
        })
        .collect();
    let expected: Vec<String> = (0..BURST).map(|i| format!("burst {i:03}")).collect();
    let distinct: HashSet<&String> = texts.iter().collect();
    assert_eq!(
        distinct.len(),
        texts.len(),
        "a message is shown twice (under two ids)"
    );
    let missing: Vec<&String> = expected.iter().filter(|e| !distinct.contains(e)).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    assert_eq!(texts, expected, "the burst is out of order");
    let ids: Vec<&String> = burst_rows.iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        sent.iter().collect::<Vec<_>>(),
        "the rows do not carry the stored ids in the stored order"
    );
    browser.assert_no_console_errors();
}

//! PENDING (see e2e/pending/README.md): the audio player of `all` is usable, i.e. wide enough to
//! show its controls (a play button and a timeline), inside the open widget.

use serde_json::json;
use webchat_e2e::{widget_root_js, Browser, Server};

#[test]
fn the_audio_player_is_wide_enough_to_use() {
    let server = Server::start();
    let browser = Browser::start();
    browser.open_demo(&server);
    browser.show_all_types();
    browser.wait_for_all_renderers();
    let widths = browser.exec(
        &format!(
            "const r = {}; return ['audio', 'video'].map(s => Math.round(r.querySelector(s).getBoundingClientRect().width));",
            widget_root_js()
        ),
        json!([]),
    );
    // Chromium's audio controls need about 200 px for play, time and the timeline.
    for (what, w) in ["audio", "video"]
        .iter()
        .zip(widths.as_array().expect("widths"))
    {
        assert!(
            w.as_u64().unwrap_or(0) >= 200,
            "{what} player is {w} px wide: {widths}"
        );
    }
    browser.assert_no_console_errors();
}

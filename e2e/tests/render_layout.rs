//! The audio player of `all` is usable, i.e. wide enough to
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
    let width = browser.exec(
        &format!(
            "return Math.round({}.querySelector('audio').getBoundingClientRect().width);",
            widget_root_js()
        ),
        json!([]),
    );
    // Below about 200 px Chromium's audio controls collapse to a menu button: no play button.
    assert!(
        width.as_u64().unwrap_or(0) >= 200,
        "the audio player is {width} px wide"
    );
    browser.assert_no_console_errors();
}

//! Unknown routes: every rejection is v12 error JSON, including routes that do not exist.

mod common;

use common::*;
use serde_json::json;

/// GUIDE.md: "HTTP 4xx with the v12 error JSON". An unknown API route should be a JSON 404, not an
/// empty 405 from the static-file fallback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_api_route_is_a_v12_json_404() {
    let (_fx, server) = Server::start_default().await;
    let v = server.visitor().await;
    let (st, body) = server.post_cw("/no-such-route", &v.body(json!({}))).await;
    assert_v12_error(st, &body, 404);
    let (st, body) = server
        .post(&server.url("/api/v1/no-such-thing"), &json!({}), &[])
        .await;
    assert_v12_error(st, &body, 404);
}

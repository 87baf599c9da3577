//! Request helpers shared by routes: a JSON body extractor that rejects with the v12 error JSON, and
//! the external-token extraction of §1.6.

use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON object body. Malformed JSON, a non-object body or an oversized body answer in the v12 error shape.
///
/// The size limit is `httpServer.bodyLimit` (for `/messages/voice`, the upload limit in base64). An
/// oversized body is still read and discarded up to [`drain_cap`], so the client finishes sending and
/// receives the 413 instead of a reset connection.
pub struct JsonBody(pub Value);

/// How much of an oversized body is drained before the connection is given up.
pub fn drain_cap(limit: usize) -> usize {
    limit
        .saturating_mul(16)
        .clamp(1024 * 1024, 64 * 1024 * 1024)
}

/// Reads a body of at most `limit` bytes, draining (up to [`drain_cap`]) and answering 413 beyond it.
pub async fn read_limited(body: axum::body::Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    use http_body_util::BodyExt;
    let cap = drain_cap(limit);
    let mut body = body;
    let mut buf = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| ApiError::bad_request("Could not read the request body"))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total += data.len();
        if total > cap {
            break;
        }
        if total <= limit {
            buf.extend_from_slice(&data);
        }
    }
    if total > limit {
        return Err(ApiError::payload_too_large(format!(
            "Request body is larger than {limit} bytes"
        )));
    }
    Ok(buf)
}

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let cfg = &st.config.file;
        let limit = if req.uri().path().ends_with("/messages/voice") {
            (cfg.channel_web.file_upload_max_size.0 as usize) * 4 / 3 + 64 * 1024
        } else {
            cfg.http_server.body_limit.0 as usize
        };
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > drain_cap(limit)) {
            return Err(ApiError::payload_too_large(format!(
                "Request body is larger than {limit} bytes"
            )));
        }
        let bytes = read_limited(req.into_body(), limit).await?;
        if bytes.is_empty() {
            return Ok(JsonBody(Value::Object(Default::default())));
        }
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("Invalid JSON body: {e}")))?;
        if !v.is_object() {
            return Err(ApiError::bad_request(
                "The request body must be a JSON object",
            ));
        }
        Ok(JsonBody(v))
    }
}

/// `event.credentials` from `X-BP-ExternalAuth` (§1.6): `None` without the header or when external auth
/// is disabled; 401 `BP_0401` for a token that fails verification.
pub fn credentials(st: &AppState, headers: &HeaderMap) -> Result<Option<Value>, ApiError> {
    let Some(auth) = &st.external_auth else {
        return Ok(None);
    };
    let Some(h) = headers.get(crate::auth::external::HEADER) else {
        return Ok(None);
    };
    let h = h
        .to_str()
        .map_err(|_| ApiError::invalid_external_token("header is not valid text"))?;
    auth.verify_header(h).map(Some)
}

/// A string field of a JSON object.
pub fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

//! Request helpers shared by routes: a JSON body extractor that rejects with the v12 error JSON, and
//! the external-token extraction of §1.6.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON object body. Malformed JSON, a non-object body or an oversized body answer in the v12 error shape.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::payload_too_large("Request body is too large")
                } else {
                    ApiError::bad_request("Could not read the request body")
                }
            })?;
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

//! HTTP errors in the Botpress v12 JSON shape `{statusCode, errorCode, type, message, details, docs}`
//! (§1.4: the global error handler `handleUnexpectedError`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API rejection. Every route answers failures with this type.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {kind}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Botpress error code, e.g. `BP_0401`.
    pub code: &'static str,
    /// Error class name, e.g. `InvalidExternalToken`.
    pub kind: &'static str,
    /// Human-readable message (never contains secrets or message text).
    pub message: String,
}

impl ApiError {
    /// Builds an error.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        kind: &'static str,
        msg: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            kind,
            message: msg.into(),
        }
    }

    /// 400 `BadRequestError`, used for every v12 `next(string)` rejection of §1.4.
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BP_0040", "BadRequestError", msg)
    }

    /// 401 for an invalid `X-BP-ExternalAuth` token (§1.6).
    pub fn invalid_external_token(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "BP_0401",
            "InvalidExternalToken",
            format!("Unauthorized: {detail}"),
        )
    }

    /// 401 for a missing/invalid collaborator or client credential.
    pub fn unauthorized(msg: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "BP_0041",
            "UnauthorizedError",
            msg,
        )
    }

    /// 403.
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "BP_0043", "ForbiddenError", msg)
    }

    /// 404.
    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "BP_0044", "NotFoundError", msg)
    }

    /// 413.
    pub fn payload_too_large(msg: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "BP_0413",
            "PayloadTooLargeError",
            msg,
        )
    }

    /// 429.
    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "BP_0429",
            "TooManyRequestsError",
            "Too many requests, slow down",
        )
    }

    /// 500; the detail is logged, not returned.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "BP_0500",
            "InternalServerError",
            "An unexpected error occurred",
        )
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({
            "statusCode": self.status.as_u16(),
            "errorCode": self.code,
            "type": self.kind,
            "message": self.message,
            "details": "",
            "docs": "",
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError::internal(e)
    }
}

/// Route result.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_v12_shape() {
        let b = ApiError::invalid_external_token("jwt expired").body();
        assert_eq!(b["statusCode"], 401);
        assert_eq!(b["errorCode"], "BP_0401");
        assert_eq!(b["type"], "InvalidExternalToken");
        assert_eq!(b["message"], "Unauthorized: jwt expired");
    }
}

//! Static files from `--static-dir` (the widget build): `GET /` → `index.html`, `GET /{file}` → the file,
//! and `GET /assets/modules/channel-web/{file}` → the same directory, so the v12 loader path
//! `/assets/modules/channel-web/inject.js` works (§1.2). Paths are confined to the directory.

use std::path::{Component, Path as FsPath, PathBuf};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Routes for static files (registered last: API routes win).
pub fn router() -> Router<AppState> {
    // Other methods on these catch-all paths are unknown routes: JSON 404, not an empty 405.
    Router::new()
        .route("/", get(index).fallback(super::not_found))
        .route(
            "/assets/modules/channel-web/{*file}",
            get(file).fallback(super::not_found),
        )
        .route("/{*file}", get(file).fallback(super::not_found))
}

/// Content type by extension, as the contract fixes them.
pub fn mime_for(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript",
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "webm" => "video/webm",
        "mp4" => "video/mp4",
        "txt" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Joins a request path onto `root`, refusing anything that could leave it.
pub fn safe_join(root: &FsPath, rel: &str) -> Option<PathBuf> {
    let rel = FsPath::new(rel);
    let mut out = root.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

async fn serve(root: &FsPath, rel: &str) -> ApiResult<Response> {
    let path = safe_join(root, rel).ok_or_else(|| ApiError::not_found("Not found"))?;
    let meta = tokio::fs::metadata(&path)
        .await
        .map_err(|_| ApiError::not_found("Not found"))?;
    let path = if meta.is_dir() {
        path.join("index.html")
    } else {
        path
    };
    let data = tokio::fs::read(&path)
        .await
        .map_err(|_| ApiError::not_found("Not found"))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    Ok((
        [
            (header::CONTENT_TYPE, mime_for(name)),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        Body::from(data),
    )
        .into_response())
}

async fn index(State(st): State<AppState>) -> ApiResult<Response> {
    serve(&st.config.static_dir, "index.html").await
}

async fn file(State(st): State<AppState>, Path(file): Path<String>) -> ApiResult<Response> {
    serve(&st.config.static_dir, &file).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_table_matches_contract() {
        assert_eq!(mime_for("webchat_bg.wasm"), "application/wasm");
        assert_eq!(mime_for("inject.js"), "text/javascript");
        assert!(mime_for("index.html").starts_with("text/html"));
        assert_eq!(mime_for("a.css"), "text/css");
    }

    #[test]
    fn traversal_is_refused() {
        let root = FsPath::new("/srv/dist");
        assert_eq!(
            safe_join(root, "a/b.js"),
            Some(PathBuf::from("/srv/dist/a/b.js"))
        );
        assert_eq!(safe_join(root, "../etc/passwd"), None);
        assert_eq!(safe_join(root, "/etc/passwd"), None);
        assert_eq!(safe_join(root, "a/../../x"), None);
    }
}

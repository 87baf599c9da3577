//! Media for the demo bot, served by the server itself under `/demo-assets/` (no internet needed):
//! an SVG picture, a generated WAV chime, a committed 2-second WebM clip, a text file and a small
//! ES module for the `custom` content type.

use axum::body::Body;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const WELCOME_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180" role="img" aria-label="Welcome">
<rect width="320" height="180" rx="16" fill="#3276EA"/>
<circle cx="70" cy="90" r="40" fill="#fff" opacity="0.9"/>
<circle cx="56" cy="80" r="6" fill="#3276EA"/><circle cx="84" cy="80" r="6" fill="#3276EA"/>
<path d="M50 102 q20 18 40 0" stroke="#3276EA" stroke-width="5" fill="none" stroke-linecap="round"/>
<text x="130" y="100" font-family="sans-serif" font-size="30" fill="#fff">Welcome!</text>
</svg>
"##;

const README_TXT: &str = "This file was sent by the webchat demo bot.\nIt is served by webchat-server at /demo-assets/readme.txt.\n";

const GREETING_JS: &str = "// A tiny custom component for the demo bot's `custom` message.\n\
export default function Greeting(props) {\n  const el = document.createElement('div');\n  \
el.textContent = 'Hello ' + ((props && props.name) || 'there') + ' from a custom component!';\n  return el;\n}\n";

const CLIP_WEBM: &[u8] = include_bytes!("../../assets/demo/clip.webm");

/// A 16-bit mono PCM WAV with a short two-tone chime, generated once per request (a few KB).
pub fn chime_wav() -> Vec<u8> {
    let rate: u32 = 16_000;
    let samples: u32 = rate * 6 / 10;
    let mut pcm = Vec::with_capacity(samples as usize * 2);
    for i in 0..samples {
        let t = i as f32 / rate as f32;
        let freq = if t < 0.3 { 880.0 } else { 1320.0 };
        let env = (1.0 - (t % 0.3) / 0.3).max(0.0);
        let s = (t * freq * std::f32::consts::TAU).sin() * env * 0.4;
        pcm.extend_from_slice(&((s * i16::MAX as f32) as i16).to_le_bytes());
    }
    let mut w = Vec::with_capacity(44 + pcm.len());
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&(rate * 2).to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    w.extend_from_slice(&pcm);
    w
}

/// `/demo-assets/{file}`.
pub fn router() -> Router<AppState> {
    Router::new().route("/demo-assets/{file}", get(asset))
}

async fn asset(Path(file): Path<String>) -> ApiResult<Response> {
    let (mime, body): (&str, Body) = match file.as_str() {
        "welcome.svg" => ("image/svg+xml", Body::from(WELCOME_SVG)),
        "chime.wav" => ("audio/wav", Body::from(chime_wav())),
        "clip.webm" => ("video/webm", Body::from(CLIP_WEBM)),
        "readme.txt" => ("text/plain; charset=utf-8", Body::from(README_TXT)),
        "greeting-component.js" => ("text/javascript", Body::from(GREETING_JS)),
        _ => return Err(ApiError::not_found("Not found")),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_header_is_consistent() {
        let w = chime_wav();
        assert_eq!(&w[0..4], b"RIFF");
        assert_eq!(&w[8..12], b"WAVE");
        let riff_len = u32::from_le_bytes(w[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff_len + 8, w.len());
    }

    #[test]
    fn webm_clip_is_embedded() {
        assert_eq!(&CLIP_WEBM[0..4], &[0x1A, 0x45, 0xDF, 0xA3], "EBML magic");
    }
}

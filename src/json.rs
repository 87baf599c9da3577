//! JSON text into typed values, with one parser per build.
//!
//! In the browser the text goes through the engine's own `JSON.parse` and `serde-wasm-bindgen` into a
//! [`serde_json::Value`], then into `T`; so the wasm carries no second JSON text parser (serde_json's
//! reader, its number parsing and one deserializer per target type: several KB gzip). Natively
//! (tests, tools) `serde_json::from_str` does the same job. Both reject invalid JSON with an error
//! message; numbers follow the JS model in the browser (a safe integer is an integer, others are `f64`).

use serde::de::DeserializeOwned;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

/// Parses JSON `text` into `T`; the error is a human-readable message (parser or shape error).
#[cfg(target_arch = "wasm32")]
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let js = js_sys::JSON::parse(text).map_err(|e| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "invalid JSON".into())
    })?;
    let value: serde_json::Value = serde_wasm_bindgen::from_value(js).map_err(|e| e.to_string())?;
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// Parses JSON `text` into `T`; the error is a human-readable message (parser or shape error).
#[cfg(not(target_arch = "wasm32"))]
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::{json, Value};

    #[test]
    fn parses_values_and_types() {
        assert_eq!(
            parse::<Value>(r#"{"a":[1,"x",null,true],"b":{"c":2.5}}"#).unwrap(),
            json!({"a": [1, "x", null, true], "b": {"c": 2.5}})
        );
        assert_eq!(
            parse::<Vec<String>>(r#"["a","b"]"#).unwrap(),
            vec!["a", "b"]
        );
    }

    #[test]
    fn rejects_bad_text_and_shapes() {
        assert!(parse::<Value>("{").is_err());
        assert!(parse::<Value>("").is_err());
        assert!(parse::<Vec<String>>("[1]").is_err());
    }
}

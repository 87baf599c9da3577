//! HS256 JSON Web Tokens for the external-auth tests (§1.6): the site signs a token with the secret
//! it shares with the server, exactly what a website's backend does.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// A shared secret of 160 characters (v12 wants at least 128).
pub const SECRET: &str = "e2e-shared-secret-0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdefghijklmnopq";

/// Signs `claims` with HS256 and `secret`; an `exp` one hour ahead is added when absent.
pub fn hs256(secret: &str, claims: &Value) -> String {
    let mut claims = claims.clone();
    if claims.get("exp").is_none() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs();
        claims["exp"] = json!(now + 3600);
        claims["iat"] = json!(now);
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{body}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

/// The server config block enabling external auth with [`SECRET`].
pub fn external_auth_config() -> Value {
    json!({"pro": {"externalAuth": {"enabled": true, "algorithms": ["HS256"], "publicKey": SECRET}}})
}

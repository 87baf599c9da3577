//! External auth (§1.6): `X-BP-ExternalAuth: Bearer <jwt>` verified against `pro.externalAuth`,
//! becoming `event.credentials`.
//!
//! Algorithm confusion is impossible by construction: each configured algorithm is bound to a key of
//! its own family (HMAC secret, RSA or EC public key), a PEM key is never used as an HMAC secret, and
//! a token whose header names an algorithm outside the configured list (including `none`) is refused.

use std::path::Path;

use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde_json::Value;

use crate::config::{ConfigError, ExternalAuthConfig};
use crate::error::ApiError;

/// The header the server reads (the client also sends `ExternalAuth`, which is ignored, as in v12).
pub const HEADER: &str = "x-bp-externalauth";

/// Maps a configured name to an algorithm.
pub fn parse_algorithm(name: &str) -> Option<Algorithm> {
    Some(match name.trim().to_ascii_uppercase().as_str() {
        "HS256" => Algorithm::HS256,
        "HS384" => Algorithm::HS384,
        "HS512" => Algorithm::HS512,
        "RS256" => Algorithm::RS256,
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        "PS256" => Algorithm::PS256,
        "PS384" => Algorithm::PS384,
        "PS512" => Algorithm::PS512,
        "ES256" => Algorithm::ES256,
        "ES384" => Algorithm::ES384,
        _ => return None,
    })
}

/// A ready verifier.
pub struct ExternalAuth {
    keys: Vec<(Algorithm, DecodingKey)>,
    audience: Option<Vec<String>>,
    issuer: Option<Vec<String>>,
}

impl std::fmt::Debug for ExternalAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalAuth")
            .field(
                "algorithms",
                &self.keys.iter().map(|k| k.0).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl ExternalAuth {
    /// Builds the verifier; `Ok(None)` when external auth is disabled. The key comes from `publicKey`,
    /// else `data_dir/global/end_users_auth.pub`, else `data_dir/global/key.pub`.
    pub fn from_config(
        cfg: &ExternalAuthConfig,
        data_dir: &Path,
    ) -> Result<Option<Self>, ConfigError> {
        if !cfg.enabled {
            return Ok(None);
        }
        let invalid = |key: &str, detail: String| ConfigError::Invalid {
            key: key.into(),
            detail,
        };
        let key_text = match &cfg.public_key {
            Some(k) if !k.trim().is_empty() => k.clone(),
            _ => {
                let global = data_dir.join("global");
                let candidates = [global.join("end_users_auth.pub"), global.join("key.pub")];
                let found = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
                    invalid(
                        "pro.externalAuth.publicKey",
                        format!(
                            "external auth is enabled but no key is set and neither {} nor {} exists",
                            candidates[0].display(),
                            candidates[1].display()
                        ),
                    )
                })?;
                std::fs::read_to_string(found).map_err(|e| {
                    invalid(
                        "pro.externalAuth.publicKey",
                        format!("cannot read {}: {e}", found.display()),
                    )
                })?
            }
        };
        let is_pem = key_text.trim_start().starts_with("-----BEGIN");
        let mut keys = Vec::new();
        for name in &cfg.algorithms {
            let alg = parse_algorithm(name).ok_or_else(|| {
                invalid(
                    "pro.externalAuth.algorithms",
                    format!("unsupported algorithm `{name}`"),
                )
            })?;
            let key = match alg.family() {
                AlgorithmFamily::Hmac => {
                    if is_pem {
                        return Err(invalid(
                            "pro.externalAuth.algorithms",
                            format!(
                                "`{name}` needs a shared secret, but the key is a PEM public key"
                            ),
                        ));
                    }
                    if key_text.len() < 32 {
                        tracing::warn!("pro.externalAuth.publicKey: HMAC secret is short; use at least 128 characters");
                    }
                    DecodingKey::from_secret(key_text.as_bytes())
                }
                AlgorithmFamily::Rsa => {
                    DecodingKey::from_rsa_pem(key_text.as_bytes()).map_err(|e| {
                        invalid(
                            "pro.externalAuth.publicKey",
                            format!("`{name}` needs an RSA public key PEM: {e}"),
                        )
                    })?
                }
                AlgorithmFamily::Ec => {
                    DecodingKey::from_ec_pem(key_text.as_bytes()).map_err(|e| {
                        invalid(
                            "pro.externalAuth.publicKey",
                            format!("`{name}` needs an EC public key PEM: {e}"),
                        )
                    })?
                }
                AlgorithmFamily::Ed => {
                    return Err(invalid(
                        "pro.externalAuth.algorithms",
                        format!("unsupported algorithm `{name}`"),
                    ))
                }
            };
            keys.push((alg, key));
        }
        Ok(Some(ExternalAuth {
            keys,
            audience: cfg.audience.as_ref().map(|a| a.to_vec()),
            issuer: cfg.issuer.as_ref().map(|a| a.to_vec()),
        }))
    }

    /// Verifies the raw header value (`Bearer <jwt>`) and returns the claims (`event.credentials`).
    pub fn verify_header(&self, header: &str) -> Result<Value, ApiError> {
        let mut parts = header.trim().splitn(2, ' ');
        let scheme = parts.next().unwrap_or_default();
        let token = parts.next().map(str::trim).unwrap_or_default();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(ApiError::invalid_external_token(
                "expected `Bearer <token>`",
            ));
        }
        self.verify(token)
    }

    /// Verifies a compact JWT.
    pub fn verify(&self, token: &str) -> Result<Value, ApiError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| {
            ApiError::invalid_external_token("malformed token or unsupported algorithm")
        })?;
        let key = self
            .keys
            .iter()
            .find(|(a, _)| *a == header.alg)
            .map(|(_, k)| k)
            .ok_or_else(|| ApiError::invalid_external_token("invalid algorithm"))?;
        let mut v = Validation::new(header.alg);
        v.leeway = 0;
        v.required_spec_claims = Default::default();
        v.validate_exp = true;
        v.validate_nbf = true;
        match &self.audience {
            Some(a) => v.set_audience(a),
            None => v.validate_aud = false,
        }
        if let Some(i) = &self.issuer {
            v.set_issuer(i);
        }
        let data = jsonwebtoken::decode::<Value>(token, key, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            let why = match e.kind() {
                K::ExpiredSignature => "jwt expired",
                K::InvalidAudience => "jwt audience invalid",
                K::InvalidIssuer => "jwt issuer invalid",
                K::ImmatureSignature => "jwt not active",
                K::InvalidSignature => "invalid signature",
                K::InvalidAlgorithm => "invalid algorithm",
                _ => "invalid token",
            };
            ApiError::invalid_external_token(why)
        })?;
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::json;

    const SECRET: &str = "a-very-long-shared-secret-used-only-in-unit-tests-0123456789abcdef";

    fn hs(audience: Option<&str>) -> ExternalAuth {
        let cfg = ExternalAuthConfig {
            enabled: true,
            algorithms: vec!["HS256".into()],
            audience: audience.map(|a| crate::config::OneOrMany::One(a.into())),
            issuer: None,
            public_key: Some(SECRET.into()),
        };
        ExternalAuth::from_config(&cfg, Path::new("/nonexistent"))
            .unwrap()
            .unwrap()
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn sign(claims: Value, alg: Algorithm, secret: &str) -> String {
        encode(
            &Header::new(alg),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    #[test]
    fn valid_token_yields_claims() {
        let t = sign(
            json!({"firstname": "Ada", "exp": now() + 60}),
            Algorithm::HS256,
            SECRET,
        );
        let c = hs(None).verify_header(&format!("Bearer {t}")).unwrap();
        assert_eq!(c["firstname"], "Ada");
    }

    #[test]
    fn rejects_expired_wrong_secret_wrong_audience_and_other_alg() {
        let a = hs(Some("webchat"));
        let expired = sign(
            json!({"aud": "webchat", "exp": now() - 10}),
            Algorithm::HS256,
            SECRET,
        );
        assert_eq!(a.verify(&expired).unwrap_err().code, "BP_0401");
        let wrong = sign(
            json!({"aud": "webchat", "exp": now() + 60}),
            Algorithm::HS256,
            "other-secret",
        );
        assert!(a.verify(&wrong).is_err());
        let aud = sign(
            json!({"aud": "elsewhere", "exp": now() + 60}),
            Algorithm::HS256,
            SECRET,
        );
        assert!(a.verify(&aud).is_err());
        let hs512 = sign(
            json!({"aud": "webchat", "exp": now() + 60}),
            Algorithm::HS512,
            SECRET,
        );
        assert!(
            a.verify(&hs512).is_err(),
            "algorithm not in the configured list"
        );
        let ok = sign(
            json!({"aud": "webchat", "exp": now() + 60}),
            Algorithm::HS256,
            SECRET,
        );
        assert!(a.verify(&ok).is_ok());
        assert!(a.verify_header(&format!("Basic {ok}")).is_err());
    }

    #[test]
    fn rejects_alg_none() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = b64.encode(format!(r#"{{"exp":{}}}"#, now() + 60));
        let err = hs(None).verify(&format!("{header}.{body}.")).unwrap_err();
        assert_eq!(err.kind, "InvalidExternalToken");
    }

    #[test]
    fn pem_key_cannot_be_used_as_hmac_secret() {
        let cfg = ExternalAuthConfig {
            enabled: true,
            algorithms: vec!["HS256".into()],
            audience: None,
            issuer: None,
            public_key: Some("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n".into()),
        };
        let err = ExternalAuth::from_config(&cfg, Path::new("/x")).unwrap_err();
        assert!(err.to_string().contains("pro.externalAuth.algorithms"));
    }

    #[test]
    fn missing_key_file_names_the_key() {
        let cfg = ExternalAuthConfig {
            enabled: true,
            ..Default::default()
        };
        let err = ExternalAuth::from_config(&cfg, Path::new("/nonexistent")).unwrap_err();
        assert!(err.to_string().contains("pro.externalAuth.publicKey"));
    }

    #[test]
    fn key_file_is_read_from_data_global() {
        let dir = std::env::temp_dir().join(format!("wcs-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("global")).unwrap();
        std::fs::write(dir.join("global/key.pub"), SECRET).unwrap();
        let cfg = ExternalAuthConfig {
            enabled: true,
            ..Default::default()
        };
        let a = ExternalAuth::from_config(&cfg, &dir).unwrap().unwrap();
        let t = sign(json!({"x": 1}), Algorithm::HS256, SECRET);
        assert!(a.verify(&t).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }

    // Key pairs generated for these tests only (`testdata/test-only-*.pem`); they protect nothing.
    const RSA_PRIVATE: &str = include_str!("testdata/test-only-rsa-private.pem");
    const RSA_PUBLIC: &str = include_str!("testdata/test-only-rsa-public.pem");
    const EC_PRIVATE: &str = include_str!("testdata/test-only-ec-private.pem");
    const EC_PUBLIC: &str = include_str!("testdata/test-only-ec-public.pem");

    fn with_key(algs: &[&str], key: &str) -> ExternalAuth {
        let cfg = ExternalAuthConfig {
            enabled: true,
            algorithms: algs.iter().map(|a| a.to_string()).collect(),
            audience: None,
            issuer: Some(crate::config::OneOrMany::One("site".into())),
            public_key: Some(key.into()),
        };
        ExternalAuth::from_config(&cfg, Path::new("/x"))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn rs256_and_es256_verify_and_hmac_confusion_is_refused() {
        let claims = json!({"iss": "site", "exp": now() + 60, "firstname": "Ada"});
        let rs = with_key(&["RS256"], RSA_PUBLIC);
        let t = encode(
            &Header::new(Algorithm::RS256),
            &claims,
            &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(rs.verify(&t).unwrap()["firstname"], "Ada");
        // The classic confusion: HS256 signed with the public key text as the HMAC secret.
        let forged = sign(claims.clone(), Algorithm::HS256, RSA_PUBLIC);
        assert_eq!(rs.verify(&forged).unwrap_err().kind, "InvalidExternalToken");
        let wrong_iss = encode(
            &Header::new(Algorithm::RS256),
            &json!({"iss": "other", "exp": now() + 60}),
            &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
        )
        .unwrap();
        assert!(rs.verify(&wrong_iss).is_err());

        let es = with_key(&["ES256"], EC_PUBLIC);
        let t = encode(
            &Header::new(Algorithm::ES256),
            &claims,
            &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(es.verify(&t).unwrap()["firstname"], "Ada");
        assert!(es
            .verify(&sign(claims, Algorithm::HS256, EC_PUBLIC))
            .is_err());
    }

    #[test]
    fn rsa_algorithm_with_an_ec_key_is_a_config_error() {
        let cfg = ExternalAuthConfig {
            enabled: true,
            algorithms: vec!["RS256".into()],
            public_key: Some(EC_PUBLIC.into()),
            ..Default::default()
        };
        let err = ExternalAuth::from_config(&cfg, Path::new("/x")).unwrap_err();
        assert!(
            err.to_string().contains("pro.externalAuth.publicKey"),
            "{err}"
        );
    }
}

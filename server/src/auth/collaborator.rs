//! Collaborator (admin) login for the secured Converse route (§2): `POST /api/v1/auth/login/basic/default`
//! returns an HS256 JWT with audience `collaborators`, signed with a per-installation secret kept in the store.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Audience of collaborator tokens.
pub const AUDIENCE: &str = "collaborators";

/// Claims of a collaborator token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    /// Login e-mail.
    pub email: String,
    /// Auth strategy (`default`).
    pub strategy: String,
    /// Token version.
    pub token_version: u32,
    /// Admin flag.
    pub is_super_admin: bool,
    /// Issued at (s).
    pub iat: i64,
    /// Expiry (s).
    pub exp: i64,
    /// Audience.
    pub aud: String,
}

/// Signs and checks collaborator tokens.
#[derive(Clone)]
pub struct CollaboratorTokens {
    secret: Vec<u8>,
    lifetime: std::time::Duration,
}

impl std::fmt::Debug for CollaboratorTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CollaboratorTokens").finish_non_exhaustive()
    }
}

impl CollaboratorTokens {
    /// A signer with the given secret and token lifetime.
    pub fn new(secret: &[u8], lifetime: std::time::Duration) -> Self {
        CollaboratorTokens {
            secret: secret.to_vec(),
            lifetime,
        }
    }

    /// Token lifetime in milliseconds (the `exp` field of the login answer).
    pub fn lifetime_ms(&self) -> u64 {
        self.lifetime.as_millis() as u64
    }

    /// Issues a token for `email`.
    pub fn issue(&self, email: &str) -> Result<String, ApiError> {
        let iat = chrono::Utc::now().timestamp();
        let claims = Claims {
            email: email.to_string(),
            strategy: "default".into(),
            token_version: 1,
            is_super_admin: true,
            iat,
            exp: iat + self.lifetime.as_secs() as i64,
            aud: AUDIENCE.into(),
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&self.secret),
        )
        .map_err(ApiError::internal)
    }

    /// Checks an `Authorization` header value.
    pub fn verify_header(&self, header: Option<&str>) -> Result<Claims, ApiError> {
        let h = header.ok_or_else(|| ApiError::unauthorized("Authorization header is missing"))?;
        let token = h
            .strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
            .ok_or_else(|| ApiError::unauthorized("Authorization must be `Bearer <token>`"))?;
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 0;
        v.set_audience(&[AUDIENCE]);
        jsonwebtoken::decode::<Claims>(token.trim(), &DecodingKey::from_secret(&self.secret), &v)
            .map(|d| d.claims)
            .map_err(|_| ApiError::unauthorized("Invalid or expired token"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_and_verify() {
        let t = CollaboratorTokens::new(b"secret", std::time::Duration::from_secs(60));
        let jwt = t.issue("admin@example.com").unwrap();
        let c = t.verify_header(Some(&format!("Bearer {jwt}"))).unwrap();
        assert_eq!(c.email, "admin@example.com");
        assert_eq!(c.aud, AUDIENCE);
        let other = CollaboratorTokens::new(b"other", std::time::Duration::from_secs(60));
        assert!(other.verify_header(Some(&format!("Bearer {jwt}"))).is_err());
        assert!(t.verify_header(None).is_err());
    }
}

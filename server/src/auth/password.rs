//! Admin password hashing: PBKDF2-HMAC-SHA256, stored as
//! `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`.

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use rand::RngCore;

/// Iterations for new hashes.
pub const DEFAULT_ITERATIONS: u32 = 100_000;

/// A parsed password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    iterations: u32,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

impl PasswordHash {
    /// Hashes `password` with a fresh random salt.
    pub fn create(password: &str, iterations: u32) -> Self {
        let mut salt = vec![0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        let hash = derive(password, &salt, iterations);
        PasswordHash {
            iterations,
            salt,
            hash,
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('$');
        if parts.next()? != "pbkdf2-sha256" {
            return None;
        }
        let iterations: u32 = parts.next()?.parse().ok().filter(|n| *n > 0)?;
        let salt = B64.decode(parts.next()?).ok()?;
        let hash = B64.decode(parts.next()?).ok()?;
        if parts.next().is_some() || hash.len() != 32 {
            return None;
        }
        Some(PasswordHash {
            iterations,
            salt,
            hash,
        })
    }

    /// Whether `password` matches (constant-time comparison).
    pub fn verify(&self, password: &str) -> bool {
        let h = derive(password, &self.salt, self.iterations);
        super::constant_time_eq(&h, &self.hash)
    }
}

impl std::fmt::Display for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pbkdf2-sha256${}${}${}",
            self.iterations,
            B64.encode(&self.salt),
            B64.encode(&self.hash)
        )
    }
}

fn derive(password: &str, salt: &[u8], iterations: u32) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, iterations, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_verify() {
        let h = PasswordHash::create("s3cret", 1000);
        let parsed = PasswordHash::parse(&h.to_string()).unwrap();
        assert_eq!(parsed, h);
        assert!(parsed.verify("s3cret"));
        assert!(!parsed.verify("s3cret "));
        assert!(PasswordHash::parse("plain").is_none());
        assert!(PasswordHash::parse("pbkdf2-sha256$0$AA$AA").is_none());
    }
}

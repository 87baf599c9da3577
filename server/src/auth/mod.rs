//! Authentication: end-user external tokens (§1.6), admin passwords, collaborator JWTs (§2) and
//! messaging client credentials (§3.3).

pub mod collaborator;
pub mod external;
pub mod password;

use sha2::{Digest, Sha256};

/// Hex SHA-256 of a secret, used to store client tokens.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random URL-safe secret of `bytes` random bytes (hex encoded).
pub fn random_secret(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert_eq!(random_secret(16).len(), 32);
        assert_eq!(sha256_hex("a").len(), 64);
    }
}

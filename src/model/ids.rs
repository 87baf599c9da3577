//! Visitor ids and client message ids built from random bytes (the bytes come from
//! `crypto.getRandomValues` in the browser; these functions stay pure).

/// nanoid's URL-safe alphabet (64 symbols, so `byte & 63` is unbiased).
const ALPHABET: &[u8; 64] = b"useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";

/// Length of a generated visitor id (v12 uses `nanoid(24)`, §1.5).
pub const VISITOR_ID_LEN: usize = 24;

/// Turn random bytes into an id of the same length over [`ALPHABET`].
pub fn id_from_bytes(bytes: &[u8]) -> String {
    let mut id = String::with_capacity(bytes.len());
    for b in bytes {
        id.push(char::from(ALPHABET[usize::from(b & 63)]));
    }
    id
}

/// True when a stored value looks like a visitor id we can send (v12 rejects ids > 40 chars).
pub fn is_valid_visitor_id(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// What to do with `config.userId` (§1.7): ≥ 24 chars it is the visitor id, else a custom id attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserIdUse {
    /// Use it as the visitor id.
    VisitorId(String),
    /// Send it to `/users/customId` (and warn).
    CustomId(String),
}

/// Classify a configured user id.
pub fn classify_user_id(user_id: &str) -> UserIdUse {
    // a valid id is ASCII, so its byte length is its length in characters
    if user_id.len() >= VISITOR_ID_LEN && is_valid_visitor_id(user_id) {
        UserIdUse::VisitorId(user_id.to_string())
    } else {
        UserIdUse::CustomId(user_id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_use_the_alphabet() {
        let id = id_from_bytes(&[0, 63, 64, 255, 1, 2]);
        assert_eq!(id.len(), 6);
        assert_eq!(&id[..2], "ut");
        assert!(is_valid_visitor_id(&id_from_bytes(&[7; 24])));
        assert!(!is_valid_visitor_id(""));
        assert!(!is_valid_visitor_id(&"a".repeat(41)));
        assert!(!is_valid_visitor_id("a b"));
    }

    #[test]
    fn user_id_classification() {
        let long = "u".repeat(24);
        assert_eq!(classify_user_id(&long), UserIdUse::VisitorId(long.clone()));
        assert_eq!(
            classify_user_id("short"),
            UserIdUse::CustomId("short".into())
        );
    }
}

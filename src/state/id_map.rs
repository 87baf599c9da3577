//! [`IdMap`]: a small hash map from message ids to values, for the two per-message tables the UI
//! keeps (measured sizes, announced messages).
//!
//! `std`'s `HashMap` brings hashbrown's generic table, SipHash and `RandomState` into the wasm
//! (about 6 KB of code for the two key/value types here). These tables only grow while a
//! transcript is open and never remove single entries, so open addressing with linear probing and
//! FNV-1a over the id's bytes does, at under half load. The ids come from the bot server; a server
//! that crafts colliding ids slows its own transcript's lookups, nothing more. No browser types:
//! tested natively.

/// A map from `String` ids to `V`: insert, get, get-or-insert; no removal.
#[derive(Debug, Clone)]
pub struct IdMap<V> {
    /// Open-addressed slots; the length is zero or a power of two, at least twice `len`.
    slots: Vec<Option<(String, V)>>,
    len: usize,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            slots: Vec::new(),
            len: 0,
        }
    }
}

/// FNV-1a, 32 bits.
fn hash(key: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h as usize
}

impl<V> IdMap<V> {
    /// How many ids are in the map.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The slot holding `key` (`Ok`), or the empty slot where it would go (`Err`). The table must
    /// have at least one empty slot.
    fn probe(&self, key: &str) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut i = hash(key) & mask;
        loop {
            match &self.slots[i] {
                None => return Err(i),
                Some((k, _)) if k == key => return Ok(i),
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        if self.len == 0 {
            return None;
        }
        let i = self.probe(key).ok()?;
        self.slots[i].as_ref().map(|(_, v)| v)
    }

    /// Doubles the table (16 slots at first) and re-places every entry.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::take(&mut self.slots);
        self.slots.resize_with(size, || None);
        for (k, v) in old.into_iter().flatten() {
            if let Err(i) = self.probe(&k) {
                self.slots[i] = Some((k, v));
            }
        }
    }

    /// The slot for `key`, inserted with `make()` if missing; `true` when it was inserted.
    fn slot(&mut self, key: &str, make: impl FnOnce() -> V) -> (usize, bool) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        match self.probe(key) {
            Ok(i) => (i, false),
            Err(i) => {
                self.slots[i] = Some((key.to_string(), make()));
                self.len += 1;
                (i, true)
            }
        }
    }

    /// Inserts `key` with `value` unless it is there already; `true` when it was inserted.
    pub fn insert(&mut self, key: &str, value: V) -> bool {
        self.slot(key, || value).1
    }

    /// The value for `key`, inserted as `V::default()` if missing.
    pub fn get_or_default(&mut self, key: &str) -> &mut V
    where
        V: Default,
    {
        let (i, _) = self.slot(key, V::default);
        match &mut self.slots[i] {
            Some((_, v)) => v,
            None => unreachable!("slot just filled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn behaves_like_a_hash_map() {
        let mut ours: IdMap<u32> = IdMap::default();
        let mut std_map: HashMap<String, u32> = HashMap::new();
        assert_eq!(ours.get("x"), None);
        assert!(ours.is_empty());
        // ids of many shapes, repeated, across several growths
        for i in 0..5000u32 {
            let key = format!("msg-{}", (i * 7919) % 3001);
            let new = ours.insert(&key, i);
            assert_eq!(new, !std_map.contains_key(&key), "{key}");
            std_map.entry(key.clone()).or_insert(i);
            *ours.get_or_default(&key) += 1;
            *std_map.get_mut(&key).unwrap() += 1;
        }
        assert_eq!(ours.len(), std_map.len());
        for (k, v) in &std_map {
            assert_eq!(ours.get(k), Some(v), "{k}");
        }
        assert_eq!(ours.get("msg-99999"), None);
        assert_eq!(ours.get(""), None);
        assert_eq!(*ours.get_or_default(""), 0);
        assert_eq!(ours.len(), std_map.len() + 1);
    }
}

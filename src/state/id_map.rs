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
///
/// The hashing and probing work on the keys alone ([`Keys`]), compiled once whatever `V` is; the
/// values sit in a plain vector in insertion order, at the index their key got.
#[derive(Debug, Clone)]
pub struct IdMap<V> {
    keys: Keys,
    values: Vec<V>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            keys: Keys::default(),
            values: Vec::new(),
        }
    }
}

/// The keys of an [`IdMap`] and their hash table.
#[derive(Debug, Clone, Default)]
struct Keys {
    /// Open-addressed slots: 0 is empty, `n` stands for `ids[n - 1]`; the length is zero or a power
    /// of two, at least twice the number of ids.
    slots: Vec<usize>,
    /// The ids, in insertion order.
    ids: Vec<String>,
}

/// FNV-1a, 32 bits.
fn hash(key: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h as usize
}

impl Keys {
    /// The index of `key` (`Ok`), or the empty slot where it would go (`Err`). The table must have
    /// at least one empty slot.
    fn probe(&self, key: &str) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut i = hash(key) & mask;
        loop {
            match self.slots[i] {
                0 => return Err(i),
                n if self.ids[n - 1] == key => return Ok(n - 1),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The index of `key`, if it is there.
    fn find(&self, key: &str) -> Option<usize> {
        if self.ids.is_empty() {
            return None;
        }
        self.probe(key).ok()
    }

    /// Doubles the table (16 slots at first) and re-places every id.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![0; size];
        for n in 0..self.ids.len() {
            if let Err(i) = self.probe(&self.ids[n]) {
                self.slots[i] = n + 1;
            }
        }
    }

    /// The index of `key`, added if missing; `true` when it was added (its index is then the
    /// previous number of ids).
    fn add(&mut self, key: &str) -> (usize, bool) {
        if (self.ids.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        match self.probe(key) {
            Ok(n) => (n, false),
            Err(i) => {
                self.ids.push(key.to_string());
                self.slots[i] = self.ids.len();
                (self.ids.len() - 1, true)
            }
        }
    }
}

impl<V> IdMap<V> {
    /// How many ids are in the map.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.values.get(self.keys.find(key)?)
    }

    /// Inserts `key` with `value` unless it is there already; `true` when it was inserted.
    pub fn insert(&mut self, key: &str, value: V) -> bool {
        let (_, added) = self.keys.add(key);
        if added {
            self.values.push(value);
        }
        added
    }

    /// The value for `key`, inserted as `V::default()` if missing.
    pub fn get_or_default(&mut self, key: &str) -> &mut V
    where
        V: Default,
    {
        let (n, added) = self.keys.add(key);
        if added {
            self.values.push(V::default());
        }
        &mut self.values[n]
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

    #[test]
    fn keys_are_indexed_in_insertion_order() {
        let mut keys = Keys::default();
        assert_eq!(keys.find("a"), None);
        for n in 0..40 {
            assert_eq!(keys.add(&format!("id{n}")), (n, true));
        }
        assert_eq!(keys.add("id7"), (7, false));
        assert_eq!(keys.find("id39"), Some(39));
        assert_eq!(keys.find("id40"), None);
        assert!(keys.slots.len() >= 2 * keys.ids.len());
    }
}

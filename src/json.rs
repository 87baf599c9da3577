//! The crate's JSON: a small [`Value`] tree, the [`json!`](crate::json!) macro, a text parser and
//! printer, typed conversions ([`FromJson`], [`ToValue`]) and the bridge to JavaScript values.
//!
//! Written for size: the widget ships as WebAssembly, and a general serialization framework (one
//! visitor per type, a `BTreeMap` lookup inlined at every `.get("key")`, Rust's float parser and
//! printer) costs tens of KB there. Objects are an insertion-ordered list of pairs (messages and
//! configs are small, a linear lookup is tiny code); numbers are one `f64`, as in JavaScript.
//!
//! ## Numbers
//! Integral values print without a fraction (`1`, not `1.0`) and parse with integer code. Other
//! values go through the browser (`parseFloat`, `Number.prototype.toString`) in the wasm build and
//! through Rust's `str::parse` / `Display` natively, so the wasm links no float formatting code.
//! Non-finite values have no JSON form: they print as `null` (like `JSON.stringify`) and a literal too
//! large for an `f64` parses as `null`.
//!
//! ## Text
//! [`parse`] is a strict recursive-descent parser (RFC 8259, nesting limited to [`MAX_DEPTH`]) that
//! never panics; lone UTF-16 surrogates in `\u` escapes become U+FFFD, as when the browser hands a JS
//! string to Rust. [`stringify()`] (also `Display`) writes compact JSON with object keys in insertion
//! order.

use std::fmt;
use std::ops::{Index, IndexMut};

use wasm_bindgen::JsValue;

use crate::text::{concat, push_int};

/// Deepest array/object nesting [`parse`] accepts.
pub const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Clone, PartialEq, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number (always finite when built by this module).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

// Numbers built here are finite (`From<f64>` and the parser map the others to `null`), so equality is
// reflexive in practice.
impl Eq for Value {}

static NULL: Value = Value::Null;

/// A JSON object: `(key, value)` pairs in insertion order, keys unique. Equality ignores the order.
#[derive(Clone, Default)]
pub struct Map(Vec<(String, Value)>);

/// What can index a [`Value`]: a key (`&str`, `String`) for objects, a position (`usize`) for arrays.
pub trait Key {
    /// The value at this key in `v`, if `v` has it.
    fn lookup<'a>(&self, v: &'a Value) -> Option<&'a Value>;
    /// The same, mutably.
    fn lookup_mut<'a>(&self, v: &'a mut Value) -> Option<&'a mut Value>;
    /// The slot for `v[key] = ..` (see `IndexMut`).
    fn slot<'a>(&self, v: &'a mut Value) -> &'a mut Value;
}

impl Key for str {
    fn lookup<'a>(&self, v: &'a Value) -> Option<&'a Value> {
        v.as_object()?.get(self)
    }
    fn lookup_mut<'a>(&self, v: &'a mut Value) -> Option<&'a mut Value> {
        v.as_object_mut()?.get_mut(self)
    }
    fn slot<'a>(&self, v: &'a mut Value) -> &'a mut Value {
        if v.is_null() {
            *v = Value::Object(Map::new());
        }
        match v {
            Value::Object(map) => map.entry(self).or_insert(Value::Null),
            _ => panic!("cannot index a non-object JSON value with `{self}`"),
        }
    }
}

impl Key for String {
    fn lookup<'a>(&self, v: &'a Value) -> Option<&'a Value> {
        self.as_str().lookup(v)
    }
    fn lookup_mut<'a>(&self, v: &'a mut Value) -> Option<&'a mut Value> {
        self.as_str().lookup_mut(v)
    }
    fn slot<'a>(&self, v: &'a mut Value) -> &'a mut Value {
        self.as_str().slot(v)
    }
}

impl Key for usize {
    fn lookup<'a>(&self, v: &'a Value) -> Option<&'a Value> {
        v.as_array()?.get(*self)
    }
    fn lookup_mut<'a>(&self, v: &'a mut Value) -> Option<&'a mut Value> {
        v.as_array_mut()?.get_mut(*self)
    }
    fn slot<'a>(&self, v: &'a mut Value) -> &'a mut Value {
        match self.lookup_mut(v) {
            Some(v) => v,
            None => panic!("no JSON array element {self}"),
        }
    }
}

impl<T: Key + ?Sized> Key for &T {
    fn lookup<'a>(&self, v: &'a Value) -> Option<&'a Value> {
        (**self).lookup(v)
    }
    fn lookup_mut<'a>(&self, v: &'a mut Value) -> Option<&'a mut Value> {
        (**self).lookup_mut(v)
    }
    fn slot<'a>(&self, v: &'a mut Value) -> &'a mut Value {
        (**self).slot(v)
    }
}

impl Value {
    /// The member `key` of an object or the element `key` of an array; `None` otherwise.
    pub fn get<K: Key>(&self, key: K) -> Option<&Value> {
        key.lookup(self)
    }

    /// [`Value::get`], mutably.
    pub fn get_mut<K: Key>(&mut self, key: K) -> Option<&mut Value> {
        key.lookup_mut(self)
    }

    /// The value reached by looking up each key of `keys` in turn (object members only), e.g.
    /// `["payload", "language"]`; `[]` is the value itself. The widget's lookups of fixed paths go
    /// through this small loop rather than [`Value::pointer`], which parses its argument.
    pub fn path(&self, keys: &[&str]) -> Option<&Value> {
        let mut target = self;
        for key in keys {
            target = target.as_object()?.get(key)?;
        }
        Some(target)
    }

    /// The value at a JSON Pointer (RFC 6901), e.g. `/payload/language`; `""` is the value itself.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut rest = pointer.strip_prefix('/')?;
        let mut target = self;
        // token by token, up to each `/` (a byte search: a `split` costs a searcher)
        loop {
            let end = rest.bytes().position(|b| b == b'/').unwrap_or(rest.len());
            let token = unescape_pointer_token(&rest[..end]);
            target = match target {
                Value::Object(map) => map.get(&token)?,
                Value::Array(items) => items.get(array_index(&token)?)?,
                _ => return None,
            };
            if end == rest.len() {
                return Some(target);
            }
            rest = &rest[end + 1..];
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is integral and in range.
    pub fn as_i64(&self) -> Option<i64> {
        let n = self.as_f64()?;
        (n.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n))
            .then_some(n as i64)
    }

    /// The number as a `u64`, if it is integral, not negative and in range.
    pub fn as_u64(&self) -> Option<u64> {
        let n = self.as_f64()?;
        (n.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&n)).then_some(n as u64)
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The elements, mutably, if this is an array.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The members, mutably, if this is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// `null`?
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A boolean?
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// A number?
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// A string?
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// An array?
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// An object?
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Moves the value out, leaving `null`.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }
}

/// An RFC 6901 reference token unescaped: `~1` is `/`, `~0` is `~` (so `~01` is `~1`).
fn unescape_pointer_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        let rest = chars.as_str();
        match rest.as_bytes().first() {
            Some(b'1') => out.push('/'),
            Some(b'0') => out.push('~'),
            _ => {
                out.push('~');
                continue;
            }
        }
        chars = rest[1..].chars();
    }
    out
}

/// An RFC 6901 array index: digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

impl<K: Key> Index<K> for Value {
    type Output = Value;

    /// The member or element, or `null` when there is none (never panics).
    fn index(&self, key: K) -> &Value {
        key.lookup(self).unwrap_or(&NULL)
    }
}

impl<K: Key> IndexMut<K> for Value {
    /// An object member, inserted as `null` when missing (`null` itself first becomes `{}`), or an
    /// array element.
    ///
    /// # Panics
    /// On a key into anything but an object or `null`, or a missing array element.
    fn index_mut(&mut self, key: K) -> &mut Value {
        key.slot(self)
    }
}

impl fmt::Debug for Value {
    /// `Null`, `Bool(true)`, `Number(2.5)`, `String("a")`, `Array([..])`, `Object({..})`; numbers are
    /// printed by [`number_to_string`] (no float formatting code).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Number(n) => write!(f, "Number({})", number_to_string(*n)),
            Value::String(s) => f.debug_tuple("String").field(s).finish(),
            Value::Array(a) => f.debug_tuple("Array").field(a).finish(),
            Value::Object(m) => f.debug_tuple("Object").field(m).finish(),
        }
    }
}

impl fmt::Display for Value {
    /// Compact JSON text, as [`stringify()`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&stringify(self))
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<f64> for Value {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}

// ---------------------------------------------------------------------------------------------------
// Map

/// The iterator of [`Map::iter`].
pub type Iter<'a> = std::iter::Map<
    std::slice::Iter<'a, (String, Value)>,
    fn(&(String, Value)) -> (&String, &Value),
>;

/// The iterator of [`Map::iter_mut`].
pub type IterMut<'a> = std::iter::Map<
    std::slice::IterMut<'a, (String, Value)>,
    fn(&mut (String, Value)) -> (&String, &mut Value),
>;

fn pair(e: &(String, Value)) -> (&String, &Value) {
    (&e.0, &e.1)
}

fn pair_mut(e: &mut (String, Value)) -> (&String, &mut Value) {
    (&e.0, &mut e.1)
}

impl Map {
    /// An empty object.
    pub fn new() -> Map {
        Map(Vec::new())
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|(k, _)| k == key)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key`: an existing key keeps its position and its old value is returned; a new key goes last.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Sets `key` like [`Map::insert`], dropping the old value: for fixed keys (what `json!` objects
    /// expand to), so each member costs one call rather than an inlined key allocation.
    #[inline(never)]
    pub fn put(&mut self, key: &str, value: Value) {
        self.insert(key.to_string(), value);
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        Some(self.0.remove(i).1)
    }

    /// Keeps the members for which `f` is true.
    pub fn retain(&mut self, mut f: impl FnMut(&String, &mut Value) -> bool) {
        self.0.retain_mut(|(k, v)| f(k, v));
    }

    /// The slot of `key`, for [`Entry::or_insert`].
    pub fn entry(&mut self, key: impl Into<String>) -> Entry<'_> {
        Entry {
            map: self,
            key: key.into(),
        }
    }

    /// `(key, value)` pairs in order.
    pub fn iter(&self) -> Iter<'_> {
        self.0
            .iter()
            .map(pair as fn(&(String, Value)) -> (&String, &Value))
    }

    /// `(key, value)` pairs in order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        self.0
            .iter_mut()
            .map(pair_mut as fn(&mut (String, Value)) -> (&String, &mut Value))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, v)| v)
    }

    /// The values in order, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No members?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Removes every member.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// A key's slot in a [`Map`] (see [`Map::entry`]).
pub struct Entry<'a> {
    map: &'a mut Map,
    key: String,
}

impl<'a> Entry<'a> {
    /// The value of the key, after inserting `default` if it was missing.
    pub fn or_insert(self, default: Value) -> &'a mut Value {
        let i = match self.map.position(&self.key) {
            Some(i) => i,
            None => {
                self.map.0.push((self.key, default));
                self.map.0.len() - 1
            }
        };
        &mut self.map.0[i].1
    }
}

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Eq for Map {}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        let mut map = Map::new();
        map.extend(iter);
        map
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl Index<&str> for Map {
    type Output = Value;

    /// The value of `key`, or `null`.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

// ---------------------------------------------------------------------------------------------------
// Conversions into values

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.clone())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    /// A number; NaN and infinities (no JSON form) become `null`.
    fn from(n: f64) -> Value {
        if n.is_finite() {
            Value::Number(n)
        } else {
            Value::Null
        }
    }
}

impl From<f32> for Value {
    fn from(n: f32) -> Value {
        Value::from(f64::from(n))
    }
}

macro_rules! from_integer {
    ($($t:ty)*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Number(n as f64)
            }
        }
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::from(*self)
            }
        }
    )*};
}

from_integer!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// The value, or `null` for `None`.
    fn from(o: Option<T>) -> Value {
        o.map_or(Value::Null, Into::into)
    }
}

impl<T: ToValue> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        // by reference: the slice conversion is shared, and a by-value loop costs an iterator per type
        items.as_slice().to_value()
    }
}

impl<T: Into<Value>> FromIterator<T> for Value {
    /// An array of the items.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Value {
        Value::Array(iter.into_iter().map(Into::into).collect())
    }
}

/// Borrowing conversion into a [`Value`]; what [`json!`](crate::json!) applies to each interpolated
/// expression (so `json!({"text": self.title})` clones rather than moves).
pub trait ToValue {
    /// This as JSON.
    fn to_value(&self) -> Value;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl ToValue for Map {
    fn to_value(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::from(*self)
    }
}

impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::from(*self)
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl<T: ToValue> ToValue for [T] {
    fn to_value(&self) -> Value {
        // a plain loop: a map/collect chain costs an iterator adapter per element type
        let mut out = Vec::with_capacity(self.len());
        for item in self {
            out.push(item.to_value());
        }
        Value::Array(out)
    }
}

impl<T: ToValue, const N: usize> ToValue for [T; N] {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

// ---------------------------------------------------------------------------------------------------
// Typed values out of JSON

/// A type read from a JSON [`Value`]. Errors are human-readable (`invalid type: null, expected a
/// string`).
pub trait FromJson: Sized {
    /// Reads `v` as this type.
    fn from_json(v: &Value) -> Result<Self, String>;
}

/// The error for a value of the wrong kind: `invalid type: {what v is}, expected {expected}`.
pub fn invalid(v: &Value, expected: &str) -> String {
    let mut out = String::from("invalid type: ");
    let (what, quote) = match v {
        Value::Null => ("null", ""),
        Value::Bool(b) => (
            if *b {
                "boolean `true"
            } else {
                "boolean `false"
            },
            "`",
        ),
        Value::Number(n) => {
            out.push_str("number `");
            write_number(&mut out, *n);
            ("", "`")
        }
        Value::String(s) => {
            out.push_str("string \"");
            out.push_str(s);
            ("", "\"")
        }
        Value::Array(_) => ("sequence", ""),
        Value::Object(_) => ("map", ""),
    };
    out.push_str(what);
    out.push_str(quote);
    out.push_str(", expected ");
    out.push_str(expected);
    out
}

/// `v` as an object, or an error naming what was `expected`.
pub fn object<'a>(v: &'a Value, expected: &str) -> Result<&'a Map, String> {
    v.as_object().ok_or_else(|| invalid(v, expected))
}

/// The field `key` of `obj` as `T`; `None` when absent. Errors name the field.
///
/// A required field is `field(..)?.ok_or_else(|| missing(..))?`; defaulted fields go through [`set`].
pub fn field<T: FromJson>(obj: &Map, key: &str) -> Result<Option<T>, String> {
    let mut out = Present(None);
    read_field(obj, key, &mut out)?;
    Ok(out.0)
}

/// Sets `*slot` from the field `key` of `obj` when present; an absent field leaves it alone (for
/// defaulted fields: start from `Default::default()`, then read what is there). Errors name the field.
pub fn set<T: FromJson>(obj: &Map, key: &str, slot: &mut T) -> Result<(), String> {
    read_field(obj, key, slot)
}

/// [`set`] for a list field: when present, its elements are read straight into `items` (emptied
/// first) by the shared element loop, with no slot code of its own per element type.
pub fn set_items<T: FromJson>(obj: &Map, key: &str, items: &mut Vec<T>) -> Result<(), String> {
    read_field(obj, key, &mut ItemsSlot(items))
}

/// The slot of [`set_items`]: one for every element type.
struct ItemsSlot<'a>(&'a mut dyn Items);

impl Slot for ItemsSlot<'_> {
    fn read(&mut self, v: &Value) -> Result<(), String> {
        self.0.clear();
        read_items(v, self.0)
    }
}

/// Where [`read_field`] stores what it reads: one small method per type, behind one non-generic
/// reader (a `dyn FnMut` would also cost a `call_once` shim per type).
trait Slot {
    /// Reads `v` into the slot.
    fn read(&mut self, v: &Value) -> Result<(), String>;
}

impl<T: FromJson> Slot for T {
    fn read(&mut self, v: &Value) -> Result<(), String> {
        *self = T::from_json(v)?;
        Ok(())
    }
}

/// The slot of [`field`]: `Some` once read (a `null` field is read as `T`, unlike `Option<T>`).
struct Present<T>(Option<T>);

impl<T: FromJson> Slot for Present<T> {
    fn read(&mut self, v: &Value) -> Result<(), String> {
        self.0 = Some(T::from_json(v)?);
        Ok(())
    }
}

/// Reads the field `key` of `obj` into `slot` when it is present; errors are prefixed with the
/// field's name. The shared body of [`field`] and [`set`].
#[inline(never)]
fn read_field(obj: &Map, key: &str, slot: &mut dyn Slot) -> Result<(), String> {
    match obj.get(key) {
        Some(v) => slot.read(v).map_err(|e| concat(&["`", key, "`: ", &e])),
        None => Ok(()),
    }
}

/// The error of a required field that is absent.
pub fn missing(key: &str) -> String {
    concat(&["missing field `", key, "`"])
}

impl FromJson for Value {
    fn from_json(v: &Value) -> Result<Value, String> {
        Ok(v.clone())
    }
}

impl FromJson for String {
    fn from_json(v: &Value) -> Result<String, String> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| invalid(v, "a string"))
    }
}

impl FromJson for bool {
    fn from_json(v: &Value) -> Result<bool, String> {
        v.as_bool().ok_or_else(|| invalid(v, "a boolean"))
    }
}

impl FromJson for f64 {
    fn from_json(v: &Value) -> Result<f64, String> {
        v.as_f64().ok_or_else(|| invalid(v, "a number"))
    }
}

macro_rules! from_json_unsigned {
    ($($t:ty)*) => {$(
        impl FromJson for $t {
            /// An integral number in range (`2.0` is `2`, as in JavaScript).
            fn from_json(v: &Value) -> Result<$t, String> {
                v.as_u64()
                    .and_then(|n| <$t>::try_from(n).ok())
                    .ok_or_else(|| invalid(v, stringify!($t)))
            }
        }
    )*};
}

from_json_unsigned!(u16 u32 u64);

impl<T: FromJson> FromJson for Option<T> {
    /// `null` is `None`.
    fn from_json(v: &Value) -> Result<Option<T>, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value) -> Result<Vec<T>, String> {
        let mut out = Vec::new();
        read_items(v, &mut out)?;
        Ok(out)
    }
}

/// Where [`read_items`] puts the elements it reads: one small method per element type, behind one
/// non-generic loop (like [`Slot`]).
trait Items {
    /// Reads `v` as one more element.
    fn read_item(&mut self, v: &Value) -> Result<(), String>;
    /// Removes every element.
    fn clear(&mut self);
}

impl<T: FromJson> Items for Vec<T> {
    fn read_item(&mut self, v: &Value) -> Result<(), String> {
        self.push(T::from_json(v)?);
        Ok(())
    }
    fn clear(&mut self) {
        Vec::clear(self);
    }
}

/// Reads the array `v` element by element into `out`; the shared body of `Vec<T>::from_json`.
#[inline(never)]
fn read_items(v: &Value, out: &mut dyn Items) -> Result<(), String> {
    let items = v.as_array().ok_or_else(|| invalid(v, "a sequence"))?;
    for item in items {
        out.read_item(item)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Numbers

/// 2^53: integral `f64`s below this are exact and print with integer code.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// A number as JavaScript prints it (`1`, `2.5`); `null` for NaN and infinities.
pub fn number_to_string(n: f64) -> String {
    let mut out = String::new();
    write_number(&mut out, n);
    out
}

fn write_number(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n.fract() == 0.0 && n.abs() < EXACT_INTEGERS {
        push_int(out, n as i64);
    } else {
        out.push_str(&float_to_string(n));
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// JavaScript's `String(n)` for a finite number: the shortest decimal that reads back as `n`,
    /// as JSON writes it. Cannot throw, so unlike `Number.prototype.toString` it needs no catching
    /// shim.
    #[wasm_bindgen(js_name = String)]
    fn float_to_string(n: f64) -> String;
}

#[cfg(not(target_arch = "wasm32"))]
fn float_to_string(n: f64) -> String {
    n.to_string()
}

/// Text already checked to be a decimal number (optional sign, digits, fraction, exponent) as an
/// `f64`; integers of up to 15 digits are read with integer code.
fn decimal(text: &str) -> f64 {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n = digits
            .bytes()
            .fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) as f64;
        return if negative { -n } else { n };
    }
    float_from_str(text)
}

#[cfg(target_arch = "wasm32")]
fn float_from_str(text: &str) -> f64 {
    js_sys::Number::parse_float(text)
}

#[cfg(not(target_arch = "wasm32"))]
fn float_from_str(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// A decimal number written the way people write them (`42`, `-3.5`, `+1e3`, `.5`, `7.`), surrounding
/// whitespace not included; `None` for anything else (including `NaN` and `inf`, which no JSON number
/// can be). The float-free replacement for `str::parse::<f64>` on finite input.
pub fn parse_number(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_digits = count_digits(&b[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(&b[i..]);
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        i += usize::from(matches!(b.get(i), Some(b'+' | b'-')));
        let exp_digits = count_digits(&b[i..]);
        if exp_digits == 0 {
            return None;
        }
        i += exp_digits;
    }
    (i == b.len()).then(|| decimal(text))
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

// ---------------------------------------------------------------------------------------------------
// Text

/// Parses JSON text. Errors say what was wrong and at which byte.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        src: text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let v = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("trailing characters"));
    }
    Ok(v)
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        if self.pos >= self.bytes.len() {
            concat(&[what, " at end of input"])
        } else {
            let mut out = concat(&[what, " at byte "]);
            push_int(&mut out, self.pos as i64);
            out
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_ws();
        match self.peek() {
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => self.nested(Parser::array),
            Some(b'{') => self.nested(Parser::object),
            _ => Err(self.error("expected a value")),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Value, String>) -> Result<Value, String> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.depth += 1;
        self.pos += 1; // `[` or `{`
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn array(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.error("expected `,` or `]`"));
            }
        }
    }

    fn object(&mut self) -> Result<Value, String> {
        let mut map = Map::new();
        if self.eat(b'}') {
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            if !self.eat(b':') {
                return Err(self.error("expected `:`"));
            }
            let v = self.value()?;
            map.insert(key, v);
            if self.eat(b'}') {
                return Ok(Value::Object(map));
            }
            if !self.eat(b',') {
                return Err(self.error("expected `,` or `}`"));
            }
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.required_digits()?;
        }
        Ok(Value::from(decimal(&self.src[start..self.pos])))
    }

    fn digits(&mut self) {
        self.pos += count_digits(&self.bytes[self.pos..]);
    }

    fn required_digits(&mut self) -> Result<(), String> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            return Err(self.error("invalid number"));
        }
        Ok(())
    }

    /// A string literal; `pos` is at the opening quote.
    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                // the end or an escape: the run of plain text so far goes in first (one copy site)
                Some(b @ (b'"' | b'\\')) => {
                    out.push_str(&self.src[run..self.pos]);
                    self.pos += 1;
                    if b == b'"' {
                        return Ok(out);
                    }
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                Some(0..=0x1f) => return Err(self.error("control character in string")),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// One escape; `pos` is just after the backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4()?;
                // a lone surrogate is no char: it becomes U+FFFD
                let mut c = char::from_u32(unit);
                if (0xD800..0xDC00).contains(&unit) && self.bytes[self.pos..].starts_with(b"\\u") {
                    // a high surrogate: combine with a following low one, else it stands alone
                    self.pos += 2;
                    let low = self.hex4()?;
                    if (0xDC00..0xE000).contains(&low) {
                        c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                    } else {
                        self.pos -= 6;
                    }
                }
                out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.error("invalid \\u escape")),
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }
}

/// Compact JSON text of `v`: no whitespace, object keys in insertion order, `"`, `\` and control
/// characters escaped, other characters as UTF-8.
pub fn stringify(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

// ---------------------------------------------------------------------------------------------------
// JavaScript values

/// A JS value (plain objects and arrays) with the same content: `JSON.parse` of [`stringify()`].
pub fn to_js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&stringify(v)).unwrap_or(JsValue::NULL)
}

/// The JSON content of a JS value, as `JSON.stringify` sees it (`toJSON` applies; functions and
/// `undefined` members are dropped). An error, never a panic, for what JSON cannot represent:
/// `undefined` or a function itself, cycles, `BigInt`s, nesting deeper than [`MAX_DEPTH`].
pub fn from_js(v: &JsValue) -> Result<Value, String> {
    let text = js_sys::JSON::stringify(v).map_err(|e| {
        use wasm_bindgen::JsCast;
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "value cannot be converted to JSON".into())
    })?;
    let text = text
        .as_string()
        .ok_or_else(|| "value has no JSON representation".to_string())?;
    parse(&text)
}

// ---------------------------------------------------------------------------------------------------
// The macro

/// A [`Value`](crate::json::Value) from JSON-like syntax: `null`, arrays, objects with string-literal
/// keys, and any Rust expression implementing [`ToValue`](crate::json::ToValue) (taken by reference,
/// so fields of borrowed data can be used directly). Trailing commas are accepted.
///
/// ```
/// use webchat::json;
/// let id = "c1";
/// let v = json!({"conversationId": id, "tags": ["a", 2, null], "meta": {"ok": true},});
/// assert_eq!(v.to_string(), r#"{"conversationId":"c1","tags":["a",2,null],"meta":{"ok":true}}"#);
/// ```
#[macro_export]
macro_rules! json {
    // Object members, one at a time: `"key": value` then `,` or the end. `null`, `[..]` and `{..}`
    // values are recognised before the general expression case.
    (@object $map:ident) => {};
    (@object $map:ident $key:literal : null $(, $($rest:tt)*)?) => {
        $map.put($key, $crate::json::Value::Null);
        $crate::json!(@object $map $($($rest)*)?);
    };
    (@object $map:ident $key:literal : [$($array:tt)*] $(, $($rest:tt)*)?) => {
        $map.put($key, $crate::json!([$($array)*]));
        $crate::json!(@object $map $($($rest)*)?);
    };
    (@object $map:ident $key:literal : {$($object:tt)*} $(, $($rest:tt)*)?) => {
        $map.put($key, $crate::json!({$($object)*}));
        $crate::json!(@object $map $($($rest)*)?);
    };
    (@object $map:ident $key:literal : $value:expr $(, $($rest:tt)*)?) => {
        $map.put($key, $crate::json::ToValue::to_value(&$value));
        $crate::json!(@object $map $($($rest)*)?);
    };
    // Array elements, accumulated as expressions until the input is used up.
    (@array [$($done:expr,)*]) => {
        ::std::vec![$($done,)*]
    };
    (@array [$($done:expr,)*] null $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json::Value::Null,] $($($rest)*)?)
    };
    (@array [$($done:expr,)*] [$($array:tt)*] $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json!([$($array)*]),] $($($rest)*)?)
    };
    (@array [$($done:expr,)*] {$($object:tt)*} $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json!({$($object)*}),] $($($rest)*)?)
    };
    (@array [$($done:expr,)*] $value:expr $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json::ToValue::to_value(&$value),] $($($rest)*)?)
    };
    // Entry points.
    (null) => {
        $crate::json::Value::Null
    };
    ([]) => {
        $crate::json::Value::Array(::std::vec::Vec::new())
    };
    ([$($items:tt)+]) => {
        $crate::json::Value::Array($crate::json!(@array [] $($items)+))
    };
    ({}) => {
        $crate::json::Value::Object($crate::json::Map::new())
    };
    ({$($members:tt)+}) => {
        $crate::json::Value::Object({
            let mut map = $crate::json::Map::new();
            $crate::json!(@object map $($members)+);
            map
        })
    };
    ($value:expr) => {
        $crate::json::ToValue::to_value(&$value)
    };
}

#[cfg(test)]
mod tests;

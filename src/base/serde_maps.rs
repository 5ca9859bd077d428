//! Serde helpers for documents whose JSON keys are names (channels, groups, overrides):
//! a list of named items written as a map from name to item, in list order, and read back
//! the same way; and numbers that JSON writes as `null` when undefined (NaN).
//!
//! With these, result documents derive `Serialize` and `Deserialize` instead of mirroring
//! their JSON by hand.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// An item of a list written as a map keyed by its name (its name is the key, not a field).
pub trait Named {
    /// The item's name: its key in the map.
    fn name(&self) -> &str;
    /// Sets the name read from the key.
    fn set_name(&mut self, name: String);
}

/// `Vec<T>` of [`Named`] items as a map from name to item, in order (use with
/// `#[serde(with = "named")]`).
pub mod named {
    use super::*;

    /// Writes the items as a map, in list order.
    ///
    /// # Errors
    ///
    /// The serializer's.
    pub fn serialize<S: Serializer, T: Serialize + Named>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(items.len()))?;
        for x in items {
            m.serialize_entry(x.name(), x)?;
        }
        m.end()
    }

    /// Reads a map back into items, each named by its key, in the map's order.
    ///
    /// # Errors
    ///
    /// The deserializer's, for anything that is not a map of items.
    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de> + Named>(d: D) -> Result<Vec<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Named> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from names to entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::new();
                while let Some((name, mut item)) = map.next_entry::<String, T>()? {
                    item.set_name(name);
                    out.push(item);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// `Vec<(String, T)>` as a map from the first to the second, in order (use with
/// `#[serde(with = "pairs")]`).
pub mod pairs {
    use super::*;

    /// Writes the pairs as a map, in order.
    ///
    /// # Errors
    ///
    /// The serializer's.
    pub fn serialize<S: Serializer, T: Serialize>(items: &[(String, T)], s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(items.len()))?;
        for (k, v) in items {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }

    /// Reads a map back into pairs, in the map's order.
    ///
    /// # Errors
    ///
    /// The deserializer's, for anything that is not a map.
    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<(String, T)>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Vec<(String, T)>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, T>()? {
                    out.push(entry);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A number, or NaN where JSON has `null` (serde_json writes NaN as `null`; use with
/// `#[serde(deserialize_with = "nan_if_null")]`).
///
/// # Errors
///
/// The deserializer's, for anything that is neither a number nor `null`.
pub fn nan_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// NaN: the default of a number a document may leave out.
pub fn nan() -> f64 {
    f64::NAN
}

/// Reads `T` from a JSON document (`serde_json::Value` or a `serde_json::Deserializer`),
/// with an error that names the field at fault: `` `channels.phone.within_s`: missing
/// field `within_s` `` rather than serde's bare message.
///
/// # Errors
///
/// The message of the first field that is missing or of the wrong type, with its path.
pub fn read_json<'de, T: Deserialize<'de>, D: Deserializer<'de>>(doc: D) -> Result<T, String>
where
    D::Error: fmt::Display,
{
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() { inner.to_string() } else { format!("`{path}`: {inner}") }
    })
}

//! The runtime of the generated decoders (the generator's `decoders` and
//! `lossless` passes). serde's derive compiles a field-name visitor, a
//! sequence visitor and a map visitor per struct and per deserializer; the
//! generated decoders read keys and strings through the one [`Key`] type
//! here and look a key up among a struct's fields with the one [`Fields`]
//! seed, so what is per type is only a `match` on the field's position.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};

/// A key of an object being decoded, borrowed from the input when it can
/// be (a key without escapes, as the API writes them): a known key costs
/// no allocation, and one type serves every struct, so its decoding is
/// compiled once rather than once per struct as serde's derive does.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }

    pub(crate) fn into_cow(self) -> Cow<'de, str> {
        self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_string())))
    }

    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }

    fn visit_bytes<E: serde::de::Error>(self, key: &[u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(key), &self)),
        }
    }
}

/// The fields of a struct, by their names on the wire: read as a key, the
/// position of the field it names, or the key itself when it names none.
/// One seed serves every struct, so the string comparisons are compiled
/// once per deserializer, and what a struct's decoder compiles is a `match`
/// on a number.
pub(crate) struct Fields(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Fields {
    type Value = Result<usize, Key<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let key = Key::deserialize(deserializer)?;
        Ok(position(self.0, key.as_str()).ok_or(key))
    }
}

/// Where `value` is among `names`.
pub(crate) fn position(names: &[&str], value: &str) -> Option<usize> {
    names.iter().position(|name| *name == value)
}

/// Reads the value of the known field `wire` into its slot; a field given
/// twice is an error, as serde's derive makes it.
pub(crate) fn fill<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    wire: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(serde::de::Error::duplicate_field(wire));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The error for the first of `fields` that is missing (`true`): a
/// struct's required fields, when one or more did not come.
pub(crate) fn first_missing<E: serde::de::Error>(fields: &[(bool, &'static str)]) -> E {
    match fields.iter().find(|(missing, _)| *missing) {
        Some((_, wire)) => E::missing_field(wire),
        None => E::custom("a required field is missing"),
    }
}

#[cfg(test)]
mod tests {
    use crate::types::{ModelInfo, ModelInfoType};

    const MODEL: &str = r#"{"type":"model","id":"claude-x","display_name":"X","created_at":"2025-02-19T00:00:00Z"}"#;

    #[test]
    fn a_struct_reads_known_keys_and_skips_unknown_ones() {
        let with_extra = MODEL.replace(r#""id""#, r#""future":{"a":[1]},"id""#);
        let model: ModelInfo = serde_json::from_str(&with_extra).expect("decodes");
        assert_eq!(model.id, "claude-x");
        // A key with an escape is read as an owned string, and still known.
        let escaped = MODEL.replace(r#""display_name""#, r#""display_\u006eame""#);
        let model: ModelInfo = serde_json::from_str(&escaped).expect("decodes");
        assert_eq!(model.display_name, "X");
    }

    #[test]
    fn a_struct_reports_a_duplicate_or_missing_field_by_name() {
        let twice = MODEL.replace(r#""id":"claude-x""#, r#""id":"a","id":"b""#);
        let error = serde_json::from_str::<ModelInfo>(&twice).expect_err("a duplicate");
        assert!(
            error.to_string().contains("duplicate field `id`"),
            "{error}"
        );
        let missing = MODEL.replace(r#""id":"claude-x","#, "");
        let error = serde_json::from_str::<ModelInfo>(&missing).expect_err("missing");
        assert!(error.to_string().contains("missing field `id`"), "{error}");
    }

    /// Flattened into a user's type, a generated type takes its own fields
    /// and leaves the others to the outer type, as a derived one does.
    #[test]
    fn a_flattened_struct_takes_only_its_own_fields() {
        #[derive(serde::Deserialize)]
        struct Outer {
            #[serde(flatten)]
            model: ModelInfo,
            #[serde(flatten)]
            rest: serde_json::Map<String, serde_json::Value>,
        }
        let with_extra = MODEL.replace(r#""id""#, r#""mine":1,"id""#);
        let outer: Outer = serde_json::from_str(&with_extra).expect("decodes");
        assert_eq!(outer.model.id, "claude-x");
        assert_eq!(outer.rest.keys().collect::<Vec<_>>(), ["mine"]);
    }

    #[test]
    fn a_string_enum_names_the_values_it_expected() {
        let known: ModelInfoType = serde_json::from_str(r#""model""#).expect("decodes");
        assert_eq!(known, ModelInfoType::Model);
        let error = serde_json::from_str::<ModelInfoType>(r#""widget""#).expect_err("unknown");
        assert!(
            error
                .to_string()
                .contains("unknown variant `widget`, expected `model`"),
            "{error}"
        );
    }
}

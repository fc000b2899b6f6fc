//! The runtime of the generated lossless decoders.
//!
//! A reply type that can be sent back (a content block and everything in it)
//! keeps the fields this crate does not know in its `unknown_fields` map, and
//! its input twin does too, so `Message::to_param()` sends them back as they
//! came. Their `Deserialize` is generated (see the generator's `lossless`
//! pass, and [`crate::decode`]) rather than derived with `#[serde(flatten)]`,
//! which would buffer every object into serde's private `Content` tree
//! before reading it: the generated visitor reads each key once, matches it
//! against the names it knows, and only an unknown key costs anything (its
//! name and value). `to_param()` converts field by field ([`SendBack`]).

use std::fmt;

use serde::de::{Deserialize, MapAccess};

/// Like [`crate::decode::fill`], for an optional field left out when `None`: a `null` it
/// came as is also kept in `unknown`, so that it is written back as `null`
/// rather than left out (the field itself then holds `None`, and the
/// flattened map writes the `null`).
pub(crate) fn fill_nullable<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<Option<T>>,
    map: &mut A,
    wire: &'static str,
    unknown: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), A::Error> {
    crate::decode::fill(slot, map, wire)?;
    if matches!(slot, Some(None)) {
        unknown.insert(wire.to_string(), serde_json::Value::Null);
    }
    Ok(())
}

/// A reply type as its input twin (`TextBlock` as `TextBlockParam`), for
/// `Message::to_param()`. The impls are generated, field by field, so the
/// input types' decoders are not compiled into the crate for it.
pub(crate) trait SendBack<T> {
    fn send_back(&self) -> Result<T, NotSent>;
}

/// Why a reply cannot be sent back as it is.
#[derive(Debug)]
pub(crate) struct NotSent(String);

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The reply lacks the field `wire`, which the input requires.
pub(crate) fn missing<T>(wire: &str) -> Result<T, NotSent> {
    Err(NotSent(format!("missing field `{wire}`")))
}

#[allow(dead_code)] // Emitted only for a reply variant the input lacks.
pub(crate) fn not_sent<T>(why: &str) -> Result<T, NotSent> {
    Err(NotSent(why.to_string()))
}

/// A value of an open set as the input's closed set of strings, which may
/// not have it. Read by the enum's decoder, which every closed set has (a
/// one-value tag has no string conversions of its own).
pub(crate) fn parse<T: serde::de::DeserializeOwned>(value: &str) -> Result<T, NotSent> {
    crate::json::from_value(&serde_json::Value::String(value.to_string()))
        .map_err(|e| NotSent(e.to_string()))
}

/// A value of a closed set of strings as its string, by its encoder (a
/// one-value tag has no `Display`).
#[allow(dead_code)] // Emitted only for a closed set the input has open.
pub(crate) fn wire<T: serde::Serialize>(value: &T) -> Result<String, NotSent> {
    match crate::json::to_value(value) {
        Ok(serde_json::Value::String(wire)) => Ok(wire),
        Ok(other) => Err(NotSent(format!("`{other}` is not a string"))),
        Err(e) => Err(NotSent(e.to_string())),
    }
}

/// A reply member the input union does not list, as the JSON it goes as.
#[allow(dead_code)] // Emitted only for a reply member the input union lacks.
pub(crate) fn as_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, NotSent> {
    crate::json::to_value(value).map_err(|e| NotSent(e.to_string()))
}

/// A pair of types the generator could not relate field by field.
#[allow(dead_code)]
pub(crate) fn through_json<T: serde::Serialize + ?Sized, U: serde::de::DeserializeOwned>(
    value: &T,
) -> Result<U, NotSent> {
    crate::json::convert(value).map_err(|e| NotSent(e.to_string()))
}

/// The reply's unknown fields for its input twin, without the keys in
/// `dropped`: a `null` kept for a field the input does not have, or one it
/// writes itself.
pub(crate) fn carry(
    unknown: &serde_json::Map<String, serde_json::Value>,
    dropped: &[&str],
) -> serde_json::Map<String, serde_json::Value> {
    if unknown.is_empty() {
        return serde_json::Map::new();
    }
    unknown
        .iter()
        .filter(|(key, _)| !dropped.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::types::{ContentBlock, ContentBlockParam, TextBlock, TextBlockParam};

    #[test]
    fn unknown_fields_are_kept_and_written_back_in_place() {
        let json = json!({
            "type": "text", "text": "Hi", "future": {"nested": [1, 2]},
            "citations": [{"type": "char_location", "cited_text": "x", "document_index": 0,
                           "document_title": null, "start_char_index": 0, "end_char_index": 1,
                           "later": true}]
        });
        let block: ContentBlock = serde_json::from_value(json.clone()).expect("a text block");
        let ContentBlock::Text(text) = &block else {
            panic!("a text block: {block:?}")
        };
        assert_eq!(text.unknown_fields["future"], json!({"nested": [1, 2]}));
        assert_eq!(serde_json::to_value(&block).expect("serializable"), json);
        let param = ContentBlockParam::try_from(&block).expect("sent back");
        assert_eq!(serde_json::to_value(&param).expect("serializable"), json);
    }

    #[test]
    fn a_known_field_twice_is_an_error_and_a_missing_one_too() {
        let twice = r#"{"type":"text","text":"a","text":"b"}"#;
        assert!(serde_json::from_str::<TextBlock>(twice).is_err());
        assert!(serde_json::from_str::<TextBlock>(r#"{"type":"text"}"#).is_err());
        // The tag may be left out, as before: its one value is the default.
        let untagged: TextBlockParam = serde_json::from_str(r#"{"text":"a"}"#).expect("decodes");
        assert!(untagged.unknown_fields.is_empty());
        // No empty map on the wire.
        assert_eq!(
            serde_json::to_value(TextBlockParam::new("a")).expect("serializable"),
            json!({"type": "text", "text": "a"})
        );
    }
}

//! JSON in and out through one serializer and one deserializer. serde's
//! code for a type is compiled once per serializer or deserializer it meets:
//! a `serde_json::Value` detour (`to_value`, `from_value`) or a `&str`
//! reader compiles every type's code again. Everything that decodes here
//! goes through `from_slice` and everything that encodes through `to_vec`,
//! as response bodies and request bodies do; the extra pass over bytes on
//! these rare paths (the end of a stream, a block sent back) costs less
//! than a second copy of the crate's serde code costs every build.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// `value` as a JSON tree.
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Value> {
    serde_json::from_slice(&serde_json::to_vec(value)?)
}

/// A `T` read from a JSON tree.
pub(crate) fn from_value<T: DeserializeOwned>(value: &Value) -> serde_json::Result<T> {
    serde_json::from_slice(&serde_json::to_vec(value)?)
}

/// A `T` read from JSON text.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_slice(text.as_bytes())
}

/// A value of one type re-read as another that has the same JSON (a reply's
/// block as the request's block).
pub(crate) fn convert<T: Serialize + ?Sized, U: DeserializeOwned>(
    value: &T,
) -> serde_json::Result<U> {
    serde_json::from_slice(&serde_json::to_vec(value)?)
}

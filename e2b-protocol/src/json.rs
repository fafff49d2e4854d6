//! Helpers for serde's `with`, `serialize_with` and `deserialize_with` attributes, for proto3
//! JSON: missing and `null` fields are defaults, 64-bit integers travel as strings and bytes
//! as base64.

use serde::{Deserialize, Deserializer};

/// Deserializes `null` as the default value, as proto3 JSON does (`#[serde(default,
/// deserialize_with = "e2b_protocol::json::null_as_default")]`).
pub fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A 64-bit integer: written as a string of digits, as proto3 JSON writes an `int64`; read
/// from such a string or a plain number.
pub mod int64 {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the number as a string of digits.
    pub fn serialize<S: Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Reads a string of digits or a plain number.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Int {
            Text(String),
            Number(u64),
        }
        match Int::deserialize(deserializer)? {
            Int::Number(n) => Ok(n),
            Int::Text(text) => text.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// Optional bytes as base64: written in the standard alphabet with padding, as protobuf
/// writes them; read in any of the four forms protobuf accepts (standard or URL-safe, padded
/// or not). `null` or a missing field (with `#[serde(default)]`) is `None`.
pub mod base64_bytes {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the bytes in standard base64, or `null` for `None`.
    pub fn serialize<S: Serializer>(value: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(bytes) => serializer.serialize_str(&encode(bytes)),
            None => serializer.serialize_none(),
        }
    }

    /// Reads base64 in any of protobuf's four forms, or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else { return Ok(None) };
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(&text).ok())
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("invalid base64"))
    }

    /// The bytes in standard base64 with padding.
    pub fn encode(bytes: &[u8]) -> String {
        STANDARD.encode(bytes)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Message {
        #[serde(default, deserialize_with = "super::null_as_default")]
        names: Vec<String>,
        #[serde(default, with = "super::int64")]
        size: u64,
        #[serde(default, with = "super::base64_bytes")]
        data: Option<Vec<u8>>,
    }

    fn parse(value: serde_json::Value) -> Result<Message, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn proto3_json_round_trips() {
        let message = Message { names: vec!["a".into()], size: 1 << 40, data: Some(vec![0xfb, 0xff]) };
        let value = serde_json::to_value(&message).unwrap();
        assert_eq!(value, json!({"names": ["a"], "size": "1099511627776", "data": "+/8="}));
        assert_eq!(parse(value).unwrap(), message);
    }

    #[test]
    fn readers_are_lenient() {
        assert_eq!(parse(json!({})).unwrap(), Message::default());
        assert_eq!(parse(json!({"names": null, "data": null})).unwrap(), Message::default());
        assert_eq!(parse(json!({"size": 7})).unwrap().size, 7);
        for form in ["+/8=", "+/8", "-_8=", "-_8"] {
            assert_eq!(parse(json!({ "data": form })).unwrap().data, Some(vec![0xfb, 0xff]), "{form}");
        }
        assert!(parse(json!({"size": "-1"})).is_err());
        assert!(parse(json!({"size": "x"})).is_err());
        assert!(parse(json!({"data": "!!"})).is_err());
    }
}

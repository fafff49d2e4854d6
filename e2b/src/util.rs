//! Small helpers with no better home: randomness and URL encoding.

/// A random number from the operating system's random source.
pub(crate) fn random_u64() -> u64 {
    u64::from_ne_bytes(e2b_protocol::random_bytes())
}

/// Percent-encodes everything but the unreserved characters of RFC 3986,
/// like JavaScript's `encodeURIComponent` (which also keeps `!'()*`; we don't,
/// which servers decode the same).
pub(crate) fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A query string from `(name, value)` pairs, each part percent-encoded.
pub(crate) fn query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode_component(name), encode_component(value)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded() {
        assert_eq!(encode_component("a b/c&d=é~"), "a%20b%2Fc%26d%3D%C3%A9~");
        assert_eq!(
            query(&[("path", "/home/user/a b.txt"), ("username", "user")]),
            "path=%2Fhome%2Fuser%2Fa%20b.txt&username=user"
        );
    }
}

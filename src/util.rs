//! Small helpers with no better home: randomness and URL encoding.

/// Random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    let mut filled = 0;
    while filled < N {
        // SAFETY: the pointer and length describe the unfilled tail of `buf`.
        let n = unsafe { libc::getrandom(buf[filled..].as_mut_ptr().cast(), N - filled, 0) };
        if n > 0 {
            filled += n as usize;
        } else if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            panic!("the operating system's random source failed: {}", std::io::Error::last_os_error());
        }
    }
    buf
}

pub(crate) fn random_u64() -> u64 {
    u64::from_ne_bytes(random_bytes())
}

/// A random (version 4) UUID in lower case, as an `Idempotency-Key` wants it.
pub(crate) fn uuid4() -> String {
    let mut b: [u8; 16] = random_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
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
    fn uuid4_has_the_version_and_variant_bits() {
        let id = uuid4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_ne!(uuid4(), uuid4());
    }

    #[test]
    fn components_are_encoded() {
        assert_eq!(encode_component("a b/c&d=é~"), "a%20b%2Fc%26d%3D%C3%A9~");
        assert_eq!(
            query(&[("path", "/home/user/a b.txt"), ("username", "user")]),
            "path=%2Fhome%2Fuser%2Fa%20b.txt&username=user"
        );
    }
}

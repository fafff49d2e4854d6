//! The parts of E2B's wire protocol that both the `e2b` client and `e2b-local` (the offline
//! E2B-compatible server) need, written once:
//!
//! - [`envelope`]: Connect's 5-byte envelopes over [`std::io::Read`]/[`std::io::Write`] or a
//!   buffer, with a size limit, and the end-of-stream message that ends every server stream;
//! - [`Code`]: Connect's error codes, their names and their HTTP statuses;
//! - [`file_signature`]: the signature envd checks on signed `/files` URLs;
//! - [`json`]: proto3 JSON helpers for serde;
//! - [`uuid4`] and [`random_bytes`]: randomness from the operating system.
//!
//! Each side keeps its own message types: the client sends small borrowed subsets, the server
//! accepts lenient supersets.
//!
//! ```
//! use e2b_protocol::envelope::{self, Frame};
//! use e2b_protocol::Code;
//!
//! let mut stream = envelope::encode(0, br#"{"n":1}"#);
//! stream.extend(envelope::encode_end_stream(Some((Code::NotFound.as_str(), "no such file"))));
//!
//! let mut reader = &stream[..];
//! let limit = 1 << 20;
//! assert_eq!(envelope::read(&mut reader, limit).unwrap(), Some(Frame::Message(br#"{"n":1}"#.to_vec())));
//! let Some(Frame::EndStream(end)) = envelope::read(&mut reader, limit).unwrap() else { unreachable!() };
//! let error = envelope::EndStream::parse(&end).unwrap().error.unwrap();
//! assert_eq!(Code::from_name(&error.code), Some(Code::NotFound));
//! ```
#![deny(missing_docs)]

mod code;
pub mod envelope;
pub mod json;

pub use code::Code;

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// What a signed `/files` URL allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Downloading (`GET /files`).
    Read,
    /// Uploading (`POST /files`).
    Write,
}

impl Operation {
    /// The operation's name in the signature: `read` or `write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Write => "write",
        }
    }
}

/// The signature envd checks on signed `/files` URLs: `v1_` and the unpadded base64 of
/// SHA-256 over `path:operation:user:token[:expiration]`, where `user` is the `username`
/// parameter (empty when absent) and `expiration` the `signature_expiration` (Unix seconds).
pub fn file_signature(path: &str, operation: Operation, user: &str, token: &str, expiration: Option<i64>) -> String {
    let mut raw = format!("{path}:{}:{user}:{token}", operation.as_str());
    if let Some(expiration) = expiration {
        raw.push_str(&format!(":{expiration}"));
    }
    format!("v1_{}", STANDARD_NO_PAD.encode(Sha256::digest(raw.as_bytes())))
}

/// Random bytes from the operating system's random source.
///
/// # Panics
///
/// If the operating system has no random source to give, which leaves nothing safe to do.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Err(err) = getrandom::getrandom(&mut bytes) {
        panic!("the operating system's random source failed: {err}");
    }
    bytes
}

/// A random (version 4) UUID in lower case, e.g. `0f8fad5b-d9cb-469f-a165-70867728950e`.
pub fn uuid4() -> String {
    let mut b: [u8; 16] = random_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_sdks() {
        // Vectors computed with the official Python SDK's algorithm.
        assert_eq!(
            file_signature("/home/user/a.txt", Operation::Read, "", "token", None),
            "v1_9d+9NQHwSJMj04fFBbl0/qkmU2zFSlzEB4IWXDbnuNE"
        );
        assert_eq!(
            file_signature("/home/user/a.txt", Operation::Write, "root", "token", Some(1_700_000_000)),
            "v1_BCKpVqGjKXyCA13dQRjw/K2OAHH/cN8sEkDC9WUpEGg"
        );
        let digest = Sha256::digest(b"/a:read::t:-5");
        assert_eq!(
            file_signature("/a", Operation::Read, "", "t", Some(-5)),
            format!("v1_{}", STANDARD_NO_PAD.encode(digest))
        );
    }

    #[test]
    fn uuid4_has_the_version_and_variant_bits() {
        let id = uuid4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(id.match_indices('-').map(|(i, _)| i).collect::<Vec<_>>(), [8, 13, 18, 23]);
        assert_ne!(uuid4(), uuid4());
        assert_ne!(random_bytes::<16>(), random_bytes::<16>());
    }
}

//! Connect's envelopes: a flags byte, the message's length as a big-endian `u32`, and the
//! message. Server streams are sequences of them that end with the end-of-stream envelope,
//! whose message is `{}` or `{"error": {"code": ..., "message": ...}}`.

use std::fmt;
use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

/// The length of an envelope's header: the flags byte and the 4-byte length.
pub const HEADER_LEN: usize = 5;
/// The flag of a compressed message. libe2b never asks for compression, so it is refused.
pub const COMPRESSED: u8 = 0x01;
/// The flag of the end-of-stream envelope.
pub const END_STREAM: u8 = 0x02;

/// How much of a message's announced length is reserved before its bytes arrive.
const INITIAL_RESERVE: usize = 64 << 10;

/// One decoded envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A message, not yet parsed.
    Message(Vec<u8>),
    /// The end-of-stream envelope's message, not yet parsed (see [`EndStream::parse`]).
    EndStream(Vec<u8>),
}

/// Why an envelope could not be decoded.
#[derive(Debug)]
pub enum DecodeError {
    /// The input ended inside an envelope's header, after `read` of its bytes.
    TruncatedHeader {
        /// The header bytes that arrived (1 to 4).
        read: usize,
    },
    /// The input ended inside a message, after `read` of its `len` bytes.
    TruncatedMessage {
        /// The bytes of the message that arrived.
        read: usize,
        /// The length the header announced.
        len: usize,
    },
    /// The header announced a message longer than the limit.
    TooLarge {
        /// The length the header announced.
        len: usize,
        /// The largest length accepted.
        limit: usize,
    },
    /// The envelope has the compressed flag, and no compression was negotiated.
    Compressed,
    /// Reading failed.
    Io(io::Error),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TruncatedHeader { read } => {
                write!(f, "the input ended inside an envelope header ({read} of {HEADER_LEN} bytes)")
            }
            DecodeError::TruncatedMessage { read, len } => {
                write!(f, "the input ended inside a message ({read} of {len} bytes)")
            }
            DecodeError::TooLarge { len, .. } => write!(f, "a {len}-byte message is too large"),
            DecodeError::Compressed => f.write_str("a compressed message, though none was asked for"),
            DecodeError::Io(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Io(err) => Some(err),
            _ => None,
        }
    }
}

/// The envelope of `message` with `flags`.
///
/// # Panics
///
/// If `message` is 4 GiB or longer, which no envelope can hold.
pub fn encode(flags: u8, message: &[u8]) -> Vec<u8> {
    let mut framed = Vec::with_capacity(HEADER_LEN + message.len());
    framed.extend_from_slice(&header(flags, message.len()));
    framed.extend_from_slice(message);
    framed
}

/// Writes the envelope of `message` with `flags`.
///
/// # Panics
///
/// If `message` is 4 GiB or longer, which no envelope can hold.
pub fn write<W: Write>(writer: &mut W, flags: u8, message: &[u8]) -> io::Result<()> {
    writer.write_all(&header(flags, message.len()))?;
    writer.write_all(message)
}

fn header(flags: u8, len: usize) -> [u8; HEADER_LEN] {
    let len = u32::try_from(len).expect("an envelope holds less than 4 GiB");
    let [a, b, c, d] = len.to_be_bytes();
    [flags, a, b, c, d]
}

/// The end-of-stream envelope: `{}`, or `{"error": {"code", "message"}}` for an `error` given
/// as a code's name (see [`Code::as_str`](crate::Code::as_str)) and a message.
pub fn encode_end_stream(error: Option<(&str, &str)>) -> Vec<u8> {
    let end = EndStreamOut { error: error.map(|(code, message)| ErrorOut { code, message }) };
    encode(END_STREAM, &serde_json::to_vec(&end).expect("the end-of-stream message always serializes"))
}

#[derive(Serialize)]
struct EndStreamOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorOut<'a>>,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    code: &'a str,
    message: &'a str,
}

/// Reads the next envelope. `Ok(None)` means the input ended cleanly before it (no byte of it
/// arrived); an input that ends inside an envelope is an error. A message longer than `limit`
/// is refused before any of it is read, and its memory is reserved as its bytes arrive.
pub fn read<R: Read>(reader: &mut R, limit: usize) -> Result<Option<Frame>, DecodeError> {
    let mut head = [0u8; HEADER_LEN];
    let mut filled = 0;
    while filled < HEADER_LEN {
        match reader.read(&mut head[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(DecodeError::TruncatedHeader { read: filled }),
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(DecodeError::Io(err)),
        }
    }
    let (flags, len) = parse_header(&head, limit)?;
    let mut message = Vec::with_capacity(len.min(INITIAL_RESERVE));
    reader.take(len as u64).read_to_end(&mut message).map_err(DecodeError::Io)?;
    if message.len() < len {
        return Err(DecodeError::TruncatedMessage { read: message.len(), len });
    }
    frame(flags, message).map(Some)
}

/// Decodes the envelope at the start of `buffer`, for readers that collect bytes themselves:
/// the frame and the number of bytes it took, or `Ok(None)` while the envelope is incomplete
/// (a message longer than `limit` is refused as soon as its header is there).
pub fn decode(buffer: &[u8], limit: usize) -> Result<Option<(Frame, usize)>, DecodeError> {
    let Some(head) = buffer.first_chunk::<HEADER_LEN>() else { return Ok(None) };
    let (flags, len) = parse_header(head, limit)?;
    match buffer[HEADER_LEN..].get(..len) {
        Some(message) => Ok(Some((frame(flags, message.to_vec())?, HEADER_LEN + len))),
        None => Ok(None),
    }
}

fn parse_header(head: &[u8; HEADER_LEN], limit: usize) -> Result<(u8, usize), DecodeError> {
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    if len > limit {
        return Err(DecodeError::TooLarge { len, limit });
    }
    Ok((head[0], len))
}

fn frame(flags: u8, message: Vec<u8>) -> Result<Frame, DecodeError> {
    if flags & COMPRESSED != 0 {
        return Err(DecodeError::Compressed);
    }
    Ok(match flags & END_STREAM {
        0 => Frame::Message(message),
        _ => Frame::EndStream(message),
    })
}

/// The end-of-stream message, as the client reads it: unknown fields (such as `metadata`) are
/// ignored, and a missing error or message counts as none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct EndStream {
    /// The error that ended the stream, if any.
    #[serde(default)]
    pub error: Option<EndStreamError>,
}

/// The error of an end-of-stream message.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EndStreamError {
    /// The code's name, as sent (see [`Code::from_name`](crate::Code::from_name)).
    pub code: String,
    /// The message; empty when none was sent.
    #[serde(default)]
    pub message: String,
}

impl EndStream {
    /// Parses the message of an end-of-stream envelope.
    pub fn parse(message: &[u8]) -> Result<EndStream, serde_json::Error> {
        serde_json::from_slice(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code;

    const LIMIT: usize = 1 << 20;

    fn read_all(bytes: &[u8]) -> Vec<Result<Option<Frame>, String>> {
        let mut reader = bytes;
        let mut frames = Vec::new();
        loop {
            let next = read(&mut reader, LIMIT).map_err(|e| e.to_string());
            let done = !matches!(next, Ok(Some(_)));
            frames.push(next);
            if done {
                return frames;
            }
        }
    }

    #[test]
    fn envelopes_are_flagged_and_big_endian() {
        assert_eq!(encode(0, b"{}"), vec![0, 0, 0, 0, 2, b'{', b'}']);
        assert_eq!(encode(END_STREAM, &[7; 300])[..5], [2, 0, 0, 1, 44]);
        let mut written = Vec::new();
        write(&mut written, END_STREAM, &[7; 300]).unwrap();
        assert_eq!(written, encode(END_STREAM, &[7; 300]));
    }

    #[test]
    fn a_stream_reads_back_message_by_message() {
        let mut bytes = encode(0, br#"{"n":1}"#);
        bytes.extend(encode(0, b""));
        bytes.extend(encode_end_stream(None));
        assert_eq!(
            read_all(&bytes),
            vec![
                Ok(Some(Frame::Message(br#"{"n":1}"#.to_vec()))),
                Ok(Some(Frame::Message(Vec::new()))),
                Ok(Some(Frame::EndStream(b"{}".to_vec()))),
                Ok(None),
            ]
        );
        let mut rest = &bytes[..];
        let mut frames = Vec::new();
        while let Some((frame, used)) = decode(rest, LIMIT).unwrap() {
            frames.push(frame);
            rest = &rest[used..];
        }
        assert_eq!(frames.len(), 3);
        assert!(rest.is_empty());
    }

    #[test]
    fn the_end_of_stream_carries_an_error_or_none() {
        let end = encode_end_stream(Some((Code::NotFound.as_str(), "no \"such\" thing")));
        assert_eq!(end, encode(END_STREAM, br#"{"error":{"code":"not_found","message":"no \"such\" thing"}}"#));
        let Ok(Some(Frame::EndStream(message))) = read(&mut &end[..], LIMIT) else { panic!("not an end") };
        let error = EndStream::parse(&message).unwrap().error.unwrap();
        assert_eq!((error.code.as_str(), error.message.as_str()), ("not_found", "no \"such\" thing"));
        assert_eq!(Code::from_name(&error.code), Some(Code::NotFound));

        assert_eq!(EndStream::parse(b"{}").unwrap(), EndStream { error: None });
        assert_eq!(EndStream::parse(br#"{"error":null,"metadata":{"a":["b"]}}"#).unwrap(), EndStream::default());
        let bare = EndStream::parse(br#"{"error":{"code":"internal"}}"#).unwrap().error.unwrap();
        assert_eq!((bare.code.as_str(), bare.message.as_str()), ("internal", ""));
        assert!(EndStream::parse(b"").is_err());
        assert!(EndStream::parse(br#"{"error":{"message":"no code"}}"#).is_err());
    }

    #[test]
    fn truncated_headers_are_errors_and_an_empty_input_is_the_end() {
        assert!(matches!(read(&mut &b""[..], LIMIT), Ok(None)));
        for cut in 1..HEADER_LEN {
            let bytes = &encode(0, b"{}")[..cut];
            assert!(matches!(read(&mut &bytes[..], LIMIT), Err(DecodeError::TruncatedHeader { read }) if read == cut));
            assert!(matches!(decode(bytes, LIMIT), Ok(None)));
        }
    }

    #[test]
    fn truncated_messages_are_errors() {
        let whole = encode(0, br#"{"a":1}"#);
        for cut in HEADER_LEN..whole.len() {
            let bytes = &whole[..cut];
            let err = read(&mut &bytes[..], LIMIT).unwrap_err();
            assert!(matches!(err, DecodeError::TruncatedMessage { read, len: 7 } if read == cut - HEADER_LEN));
            assert_eq!(err.to_string(), format!("the input ended inside a message ({} of 7 bytes)", cut - HEADER_LEN));
            assert!(matches!(decode(bytes, LIMIT), Ok(None)));
        }
        // A header that promises far more than arrives reserves little memory.
        let mut liar = encode(0, b"");
        liar[1..5].copy_from_slice(&(LIMIT as u32).to_be_bytes());
        assert!(matches!(read(&mut &liar[..], LIMIT), Err(DecodeError::TruncatedMessage { read: 0, len: LIMIT })));
    }

    #[test]
    fn oversized_messages_are_refused_before_they_are_read() {
        let mut bytes = encode(0, &[b' '; 11]);
        assert!(matches!(read(&mut &bytes[..], 11), Ok(Some(Frame::Message(m))) if m.len() == 11));
        let err = read(&mut &bytes[..], 10).unwrap_err();
        assert!(matches!(err, DecodeError::TooLarge { len: 11, limit: 10 }));
        assert_eq!(err.to_string(), "a 11-byte message is too large");
        bytes.truncate(HEADER_LEN);
        assert!(matches!(decode(&bytes, 10), Err(DecodeError::TooLarge { len: 11, limit: 10 })));
        bytes[1..5].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(
            matches!(read(&mut &bytes[..], LIMIT), Err(DecodeError::TooLarge { len, .. }) if len == u32::MAX as usize)
        );
    }

    #[test]
    fn compressed_envelopes_are_refused() {
        for flags in [COMPRESSED, COMPRESSED | END_STREAM, 0xff] {
            let bytes = encode(flags, b"{}");
            assert!(matches!(read(&mut &bytes[..], LIMIT), Err(DecodeError::Compressed)));
            assert!(matches!(decode(&bytes, LIMIT), Err(DecodeError::Compressed)));
        }
        // Flags Connect does not define are ignored.
        assert_eq!(decode(&encode(0x80, b"{}"), LIMIT).unwrap(), Some((Frame::Message(b"{}".to_vec()), 7)));
        assert_eq!(decode(&encode(0x82, b"{}"), LIMIT).unwrap(), Some((Frame::EndStream(b"{}".to_vec()), 7)));
    }

    #[test]
    fn read_errors_are_passed_on() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::TimedOut, "too slow"))
            }
        }
        let err = read(&mut Failing, LIMIT).unwrap_err();
        assert!(matches!(&err, DecodeError::Io(e) if e.kind() == io::ErrorKind::TimedOut));
        assert!(std::error::Error::source(&err).is_some());
        let whole = encode(0, b"{}");
        let mut after_header = whole[..HEADER_LEN].chain(Failing);
        assert!(matches!(read(&mut after_header, LIMIT), Err(DecodeError::Io(_))));
    }

    /// A reader that hands out one byte at a time and is interrupted in between.
    struct Trickle<'a> {
        bytes: &'a [u8],
        interrupt: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(self.bytes.len()).min(1);
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn short_and_interrupted_reads_are_retried() {
        let mut bytes = encode(0, br#"{"a":1}"#);
        bytes.extend(encode_end_stream(None));
        let mut reader = Trickle { bytes: &bytes, interrupt: false };
        assert_eq!(read(&mut reader, LIMIT).unwrap(), Some(Frame::Message(br#"{"a":1}"#.to_vec())));
        assert_eq!(read(&mut reader, LIMIT).unwrap(), Some(Frame::EndStream(b"{}".to_vec())));
        assert_eq!(read(&mut reader, LIMIT).unwrap(), None);
    }

    /// xorshift64*: a fixed sequence of bytes, no dependency.
    fn random_bytes(state: &mut u64, len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| {
                *state ^= *state >> 12;
                *state ^= *state << 25;
                *state ^= *state >> 27;
                (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
            })
            .collect()
    }

    #[test]
    fn random_bytes_never_panic_or_hang() {
        let mut state = 0x9e37_79b9_7f4a_7c15;
        for round in 0..20_000 {
            let len = (round % 64) + (round % 7) * 100;
            let mut bytes = random_bytes(&mut state, len);
            if round % 3 == 0 && bytes.len() >= HEADER_LEN {
                // Lengths that fit the input, so that messages are read and their flags judged.
                let fit = (bytes.len() - HEADER_LEN) as u32 / 2;
                bytes[1..5].copy_from_slice(&fit.to_be_bytes());
            }
            let limit = [0, 16, 256, LIMIT][round % 4];
            // Each frame read takes at least a header's bytes, so the loop ends.
            let mut reader = &bytes[..];
            for _ in 0..=bytes.len() / HEADER_LEN {
                if !matches!(read(&mut reader, limit), Ok(Some(_))) {
                    break;
                }
            }
            let mut rest = &bytes[..];
            for _ in 0..=bytes.len() / HEADER_LEN {
                match decode(rest, limit) {
                    Ok(Some((_, used))) => {
                        assert!(used >= HEADER_LEN);
                        rest = &rest[used..];
                    }
                    Ok(None) => break,
                    Err(err) => {
                        assert!(!err.to_string().is_empty());
                        break;
                    }
                }
            }
            for frame in read_all(&bytes).into_iter().flatten().flatten() {
                if let Frame::EndStream(message) = frame {
                    let _ = EndStream::parse(&message);
                }
            }
        }
    }
}

//! A streaming `multipart/form-data` reader for uploads: each part's content is read straight
//! from the request body, so no part is ever held in memory whole.

use std::collections::HashMap;
use std::io::{self, Read};

use memchr::memmem::Finder;

use crate::query;
use crate::stream::CHUNK;

/// The most header bytes a part may have.
const MAX_HEADER_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Position {
    /// Before the first boundary.
    Preamble,
    /// Right after a boundary: either the final `--` or a part's headers follow.
    AfterBoundary,
    /// Inside a part's content.
    Content,
    Done,
}

pub struct Multipart<R> {
    source: R,
    buf: Vec<u8>,
    pos: usize,
    /// `\r\n--<boundary>`.
    delimiter: Finder<'static>,
    position: Position,
}

/// A part's headers, as far as uploads care.
#[derive(Debug)]
pub struct Part {
    disposition: Option<Vec<u8>>,
}

fn malformed(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("multipart: {message}"))
}

impl<R: Read> Multipart<R> {
    pub fn new(source: R, boundary: &str) -> Self {
        let delimiter = format!("\r\n--{boundary}").into_bytes();
        // The first boundary may open the body, with no line break before it.
        let mut buf = Vec::with_capacity(CHUNK + delimiter.len());
        buf.extend_from_slice(b"\r\n");
        Multipart { source, buf, pos: 0, delimiter: Finder::new(&delimiter).into_owned(), position: Position::Preamble }
    }

    fn delimiter_len(&self) -> usize {
        self.delimiter.needle().len()
    }

    fn available(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads more of the body; `false` at its end.
    fn fill(&mut self) -> io::Result<bool> {
        self.buf.drain(..self.pos);
        self.pos = 0;
        let start = self.buf.len();
        self.buf.resize(start + CHUNK, 0);
        let n = loop {
            match self.source.read(&mut self.buf[start..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => break result,
            }
        };
        self.buf.truncate(start + *n.as_ref().unwrap_or(&0));
        Ok(n? > 0)
    }

    /// Moves to the next part, skipping what is left of the current one. `None` after the last.
    pub fn next_part(&mut self) -> io::Result<Option<Part>> {
        let mut scratch = [0; 8192];
        while self.position == Position::Content {
            self.read_content(&mut scratch)?;
        }
        if self.position == Position::Preamble {
            self.skip_preamble()?;
        }
        if self.position == Position::Done {
            return Ok(None);
        }
        // After the boundary: `--` ends the body; otherwise optional padding, then a line break.
        while self.available().len() < 2 {
            if !self.fill()? {
                return Err(malformed("unexpected end of body after a boundary"));
            }
        }
        if self.available().starts_with(b"--") {
            self.position = Position::Done;
            return Ok(None);
        }
        let headers = self.read_header_block()?;
        self.position = Position::Content;
        Ok(Some(Part::parse(&headers)))
    }

    fn skip_preamble(&mut self) -> io::Result<()> {
        loop {
            let (ready, at_boundary) = self.find_boundary();
            self.pos += ready;
            if at_boundary {
                self.pos += self.delimiter_len();
                self.position = Position::AfterBoundary;
                return Ok(());
            }
            if !self.fill()? {
                return Err(malformed("no boundary found in the body"));
            }
        }
    }

    /// How many buffered bytes are content for sure, and whether a boundary follows them. A
    /// delimiter counts only when `--`, a space, a tab or a line break follows it (as in Go's
    /// reader); when the bytes that decide are not buffered yet, the answer waits for them.
    fn find_boundary(&self) -> (usize, bool) {
        let available = self.available();
        let len = self.delimiter_len();
        let mut from = 0;
        while let Some(found) = self.delimiter.find(&available[from..]) {
            let at = from + found;
            match available.get(at + len..) {
                None | Some([]) | Some([b'-']) => return (at, false),
                Some([b'-', b'-', ..] | [b' ' | b'\t' | b'\r' | b'\n', ..]) => return (at, true),
                Some(_) => from = at + 1,
            }
        }
        (available.len().saturating_sub(len - 1).max(from), false)
    }

    /// The rest of the boundary line and the header lines after it, up to the empty line.
    fn read_header_block(&mut self) -> io::Result<Vec<u8>> {
        loop {
            let available = self.available();
            if let Some(end) = memchr::memmem::find(available, b"\r\n\r\n") {
                let block = available[..end + 2].to_vec();
                self.pos += end + 4;
                let (boundary_line, headers) = block.split_at(block.iter().position(|&b| b == b'\n').unwrap_or(0) + 1);
                if !boundary_line[..boundary_line.len() - 2].iter().all(|&b| b == b' ' || b == b'\t') {
                    return Err(malformed("unexpected text after a boundary"));
                }
                return Ok(headers.to_vec());
            }
            if available.len() > MAX_HEADER_BYTES {
                return Err(malformed("part headers are too large"));
            }
            if !self.fill()? {
                return Err(malformed("unexpected end of body in part headers"));
            }
        }
    }

    /// Reads the current part's content; 0 at its end.
    pub fn read_content(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.position != Position::Content || out.is_empty() {
            return Ok(0);
        }
        loop {
            let (ready, at_boundary) = self.find_boundary();
            if ready > 0 {
                let n = ready.min(out.len());
                out[..n].copy_from_slice(&self.available()[..n]);
                self.pos += n;
                return Ok(n);
            }
            if at_boundary {
                self.pos += self.delimiter_len();
                self.position = Position::AfterBoundary;
                return Ok(0);
            }
            if !self.fill()? {
                return Err(malformed("unexpected end of body in a part"));
            }
        }
    }
}

impl Part {
    fn parse(headers: &[u8]) -> Part {
        let mut disposition: Option<Vec<u8>> = None;
        let mut current_is_disposition = false;
        for line in headers.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)) {
            if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
                // A folded continuation of the previous header.
                if let (true, Some(d)) = (current_is_disposition, disposition.as_mut()) {
                    d.push(b' ');
                    d.extend_from_slice(line.trim_ascii());
                }
                continue;
            }
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            current_is_disposition = line[..colon].trim_ascii().eq_ignore_ascii_case(b"content-disposition");
            if current_is_disposition && disposition.is_none() {
                disposition = Some(line[colon + 1..].trim_ascii().to_vec());
            }
        }
        Part { disposition }
    }

    fn disposition(&self) -> Result<(String, HashMap<String, String>), &'static str> {
        let raw = self.disposition.as_deref().ok_or("no Content-Disposition header")?;
        let raw = std::str::from_utf8(raw).map_err(|_| "Content-Disposition is not valid UTF-8")?;
        parse_media_type(raw)
    }

    /// The form field name (`name=`), for `form-data` parts.
    pub fn form_name(&self) -> Option<String> {
        let (kind, mut params) = self.disposition().ok()?;
        if kind == "form-data" {
            params.remove("name")
        } else {
            None
        }
    }

    /// The `filename=` parameter as sent, directories included (envd's `FileNameWithPath`).
    pub fn file_name_with_path(&self) -> Result<String, &'static str> {
        self.disposition()?.1.remove("filename").ok_or("filename not found in Content-Disposition header")
    }
}

/// Parses a header value with parameters, like `form-data; name="file"; filename="/a/b.txt"`,
/// the way Go's `mime.ParseMediaType` does: lower-case names, token or quoted values, and
/// RFC 2231 `name*=utf-8''...` values.
pub fn parse_media_type(value: &str) -> Result<(String, HashMap<String, String>), &'static str> {
    const INVALID: &str = "invalid media parameter";
    let (kind, mut rest) = value.split_once(';').unwrap_or((value, ""));
    let kind = kind.trim().to_ascii_lowercase();
    let mut pieces = kind.splitn(2, '/');
    if !pieces.all(|p| !p.is_empty() && p.bytes().all(is_token_byte)) {
        return Err("no media type");
    }
    let mut params = HashMap::new();
    let mut extended = HashMap::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (name, after) = rest.split_once('=').ok_or(INVALID)?;
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(INVALID);
        }
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next().ok_or(INVALID)? {
                    (i, '"') => break i + 1,
                    (_, '\\') => value.push(chars.next().ok_or(INVALID)?.1),
                    (_, c) => value.push(c),
                }
            };
            (value, &quoted[end..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            let token = after[..end].trim_end();
            if token.is_empty() || !token.bytes().all(is_token_byte) {
                return Err(INVALID);
            }
            (token.to_string(), &after[end..])
        };
        let map = if let Some(base) = name.strip_suffix('*') {
            extended.insert(base.to_string(), decode_extended(&value).ok_or(INVALID)?);
            None
        } else {
            Some(&mut params)
        };
        if let Some(map) = map {
            if map.insert(name, value).is_some() {
                return Err("duplicate parameter name");
            }
        }
        rest = remaining.trim_start();
        match rest.strip_prefix(';') {
            Some(next) => rest = next,
            None if rest.is_empty() => break,
            None => return Err(INVALID),
        }
    }
    params.extend(extended);
    Ok((kind, params))
}

/// An RFC 2231 value `charset'language'percent-encoded`, for the UTF-8 and ASCII charsets.
fn decode_extended(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let charset = parts.next()?.to_ascii_lowercase();
    let encoded = parts.nth(1)?;
    if charset != "utf-8" && charset != "us-ascii" {
        return None;
    }
    query::unescape(&encoded.replace('+', "%2B")).ok()
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes at a time, to cross every buffer edge.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn body(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = b"preamble\r\n".to_vec();
        for (disposition, content) in parts {
            out.extend_from_slice(
                format!("--XyZ\r\nContent-Disposition: {disposition}\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
            );
            out.extend_from_slice(content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XyZ--\r\nepilogue");
        out
    }

    /// Each part's form name, file name and content.
    type Parsed = (Option<String>, Result<String, &'static str>, Vec<u8>);

    fn read_all(input: &[u8], step: usize) -> io::Result<Vec<Parsed>> {
        let mut mp = Multipart::new(Trickle(input, step), "XyZ");
        let mut parts = Vec::new();
        while let Some(part) = mp.next_part()? {
            let mut content = Vec::new();
            let mut buf = [0; 7];
            loop {
                let n = mp.read_content(&mut buf)?;
                if n == 0 {
                    break;
                }
                content.extend_from_slice(&buf[..n]);
            }
            parts.push((part.form_name(), part.file_name_with_path(), content));
        }
        Ok(parts)
    }

    #[test]
    fn reads_parts_across_every_chunk_boundary() {
        let tricky: Vec<u8> = b"\r\n--XyZa is no boundary\r\n--XyZ-x neither\r\n--Xy"
            .iter()
            .chain(&[0u8, 255, 13, 10])
            .copied()
            .collect();
        let input = body(&[
            ("form-data; name=\"file\"; filename=\"/tmp/a b.txt\"", b"hello"),
            ("form-data; name=\"other\"", b""),
            ("form-data; name=file; filename=\"rel/dir/c\"", &tricky),
        ]);
        for step in [1, 2, 3, 5, 64, 100_000] {
            let parts = read_all(&input, step).unwrap();
            assert_eq!(parts.len(), 3, "step {step}");
            assert_eq!(parts[0], (Some("file".into()), Ok("/tmp/a b.txt".into()), b"hello".to_vec()));
            assert_eq!(parts[1].0.as_deref(), Some("other"));
            assert_eq!(parts[1].2, b"");
            assert_eq!(parts[2].1, Ok("rel/dir/c".into()));
            assert_eq!(parts[2].2, tricky, "step {step}");
        }
    }

    #[test]
    fn body_may_start_with_the_boundary_and_parts_may_be_skipped() {
        let input =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nskipped\r\n--XyZ\r\n\r\nno headers\r\n--XyZ--";
        let mut mp = Multipart::new(&input[..], "XyZ");
        assert_eq!(mp.next_part().unwrap().unwrap().form_name().as_deref(), Some("a"));
        let bare = mp.next_part().unwrap().unwrap();
        assert_eq!(bare.form_name(), None);
        assert!(bare.file_name_with_path().is_err());
        assert!(mp.next_part().unwrap().is_none());
        assert!(mp.next_part().unwrap().is_none());
    }

    #[test]
    fn truncated_or_garbled_bodies_are_errors() {
        let complete = body(&[("form-data; name=\"file\"; filename=\"x\"", b"content")]);
        for cut in [0, 5, 20, 60, complete.len() - 20] {
            assert!(read_all(&complete[..cut], 4).is_err(), "cut at {cut}");
        }
        assert!(read_all(b"--XyZjunk\r\n\r\n", 4).is_err());
        let huge_headers = format!("--XyZ\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEADER_BYTES * 2));
        assert!(read_all(huge_headers.as_bytes(), 4096).is_err());
    }

    #[test]
    fn parses_parameters_like_go() {
        let (kind, p) = parse_media_type(r#"Form-Data; NAME="file"; filename="C:\\x\"y.txt""#).unwrap();
        assert_eq!(kind, "form-data");
        assert_eq!(p["name"], "file");
        assert_eq!(p["filename"], r#"C:\x"y.txt"#);
        let (_, p) = parse_media_type("form-data; name=file; filename*=UTF-8''%e2%82%ac%20rates.txt").unwrap();
        let (kind, p2) = parse_media_type("Multipart/Form-Data; boundary=----x").unwrap();
        assert_eq!((kind.as_str(), p2["boundary"].as_str()), ("multipart/form-data", "----x"));
        assert_eq!(p["filename"], "€ rates.txt");
        for bad in [
            "",
            "a/b/c",
            "/x",
            "form-data; name",
            "form-data; name=\"open",
            "form-data; a=1; a=2",
            "form-data; name=a b",
            "form-data; x=\"1\"junk",
        ] {
            assert!(parse_media_type(bad).is_err(), "{bad}");
        }
    }
}

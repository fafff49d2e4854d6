//! Query strings decoded by the rules of Go's `net/url`, which the real API and envd use:
//! `+` is a space, every `%` must start a valid escape, and the result must be UTF-8 (we answer
//! 400 where Go would silently drop a malformed pair).

use std::collections::BTreeMap;

use crate::error::{ApiError, ApiResult};

/// Go's `url.QueryUnescape`, plus a UTF-8 check.
pub fn unescape(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                let Some(&[hi, lo]) = hex else {
                    let end = (i + 3).min(bytes.len());
                    return Err(format!("invalid URL escape {:?}", String::from_utf8_lossy(&bytes[i..end])));
                };
                out.push(hex_value(hi) << 4 | hex_value(lo));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "escaped value is not valid UTF-8".to_string())
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

/// The decoded parameters of one request, in their order.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes a raw query string; a malformed escape is a 400.
    pub fn parse(raw: Option<&str>) -> ApiResult<Self> {
        let mut pairs = Vec::new();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s| unescape(s).map_err(|e| ApiError::bad_request(format!("Invalid query string: {e}")));
            pairs.push((decode(key)?, decode(value)?));
        }
        Ok(Params(pairs))
    }

    /// The first value of `key`, as Go's `Query().Get` returns it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// The `metadata` filter of the list endpoints, after the framework decoded the query once:
/// unescape the whole, split on `&` and `=`, unescape each key and value (the real server's
/// `parseFilters`). A pair without exactly one `=` is an error.
pub fn metadata_filter(value: &str) -> Result<BTreeMap<String, String>, String> {
    let whole = unescape(value)?;
    let mut filter = BTreeMap::new();
    for pair in whole.split('&') {
        let parts: Vec<&str> = pair.split('=').collect();
        let [key, value] = parts[..] else {
            return Err("invalid key value pair in query".into());
        };
        filter.insert(unescape(key)?, unescape(value)?);
    }
    Ok(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_like_go() {
        assert_eq!(unescape("a+b%20c%2Fd").unwrap(), "a b c/d");
        assert_eq!(unescape("%e2%82%ac").unwrap(), "€");
        assert!(unescape("%").is_err());
        assert!(unescape("%2").is_err());
        assert!(unescape("%zz").is_err());
        assert!(unescape("%+1").is_err());
        assert!(unescape("%ff").is_err(), "not UTF-8");
    }

    #[test]
    fn parses_params_in_order() {
        let p = Params::parse(Some("state=running&state=paused&limit=5&flag&=x")).unwrap();
        assert_eq!(p.all("state").collect::<Vec<_>>(), ["running", "paused"]);
        assert_eq!(p.get("limit"), Some("5"));
        assert_eq!(p.get("flag"), Some(""));
        assert_eq!(p.get("missing"), None);
        assert_eq!(Params::parse(Some("a=%zz")).unwrap_err().status, 400);
    }

    #[test]
    fn decodes_metadata_the_python_sdk_sends() {
        // Sandbox.list(query=SandboxQuery(metadata={"a b": "c&d", "k": "v"})) sends
        // metadata=a%252520b%3Dc%252526d%26k%3Dv; the framework decodes it once.
        let raw = Params::parse(Some("metadata=a%252520b%3Dc%252526d%26k%3Dv")).unwrap();
        let filter = metadata_filter(raw.get("metadata").unwrap()).unwrap();
        assert_eq!(filter.get("a b").map(String::as_str), Some("c&d"));
        assert_eq!(filter.get("k").map(String::as_str), Some("v"));
        assert_eq!(filter.len(), 2);
    }

    #[test]
    fn rejects_metadata_pairs_without_one_equals_sign() {
        for bad in ["", "a", "a=b=c", "a=b&c", "a=%zz"] {
            assert!(metadata_filter(bad).is_err(), "{bad}");
        }
        assert_eq!(metadata_filter("a=").unwrap()["a"], "");
    }
}

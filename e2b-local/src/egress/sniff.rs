//! The name a client asks for in the first bytes of a connection: the server name of a TLS
//! ClientHello (SNI), or the `Host` of an HTTP/1 request.

/// What the first bytes tell so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// The name the client asks for (lower case, without port).
    Name(String),
    /// Not enough bytes yet.
    More,
    /// Neither TLS with a server name nor an HTTP request with a `Host`.
    Unknown,
}

/// Reads the name from the first bytes `data` of a connection.
pub fn sniff(data: &[u8]) -> Sniffed {
    match data.first() {
        None => Sniffed::More,
        Some(0x16) => tls_server_name(data),
        Some(_) => http_host(data),
    }
}

/// The `server_name` extension of a TLS ClientHello (which may span records).
fn tls_server_name(data: &[u8]) -> Sniffed {
    // Handshake bytes, joined across records.
    let mut handshake = Vec::new();
    let mut rest = data;
    loop {
        if rest.len() < 5 {
            break;
        }
        if rest[0] != 0x16 || rest[1] != 3 {
            return Sniffed::Unknown;
        }
        let length = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        let take = length.min(rest.len() - 5);
        handshake.extend_from_slice(&rest[5..5 + take]);
        if take < length {
            break;
        }
        rest = &rest[5 + length..];
    }
    if handshake.len() < 4 {
        return Sniffed::More;
    }
    if handshake[0] != 1 {
        return Sniffed::Unknown; // not a ClientHello
    }
    let length = (usize::from(handshake[1]) << 16) | (usize::from(handshake[2]) << 8) | usize::from(handshake[3]);
    if handshake.len() < 4 + length {
        return Sniffed::More;
    }
    parse_client_hello(&handshake[4..4 + length]).map_or(Sniffed::Unknown, Sniffed::Name)
}

/// A cursor over a ClientHello.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<usize> {
        self.take(1).map(|b| usize::from(b[0]))
    }
    fn u16(&mut self) -> Option<usize> {
        self.take(2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    }
}

fn parse_client_hello(body: &[u8]) -> Option<String> {
    let mut r = Reader(body);
    r.take(2 + 32)?; // version, random
    let n = r.u8()?;
    r.take(n)?; // session id
    let n = r.u16()?;
    r.take(n)?; // cipher suites
    let n = r.u8()?;
    r.take(n)?; // compression methods
    let n = r.u16()?;
    let mut extensions = Reader(r.take(n)?);
    while !extensions.0.is_empty() {
        let kind = extensions.u16()?;
        let n = extensions.u16()?;
        let data = extensions.take(n)?;
        if kind != 0 {
            continue;
        }
        let mut list = Reader(data);
        let n = list.u16()?;
        let mut names = Reader(list.take(n)?);
        while !names.0.is_empty() {
            let name_type = names.u8()?;
            let n = names.u16()?;
            let name = names.take(n)?;
            if name_type == 0 {
                let name = std::str::from_utf8(name).ok()?;
                return Some(name.trim_end_matches('.').to_ascii_lowercase());
            }
        }
    }
    None
}

/// The `Host` header of an HTTP/1 request (or the host of an absolute request target).
fn http_host(data: &[u8]) -> Sniffed {
    let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
        // A request line must look like one from its first bytes on.
        let token = data.iter().take_while(|b| b.is_ascii_uppercase()).count();
        if token == data.len() || data.get(token) == Some(&b' ') && token > 0 {
            return Sniffed::More;
        }
        return Sniffed::Unknown;
    };
    let Ok(head) = std::str::from_utf8(&data[..end]) else { return Sniffed::Unknown };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Sniffed::Unknown;
    };
    if method.is_empty() || !version.starts_with("HTTP/1.") {
        return Sniffed::Unknown;
    }
    let from_target = target.split_once("://").map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or_default());
    let header = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim().eq_ignore_ascii_case("host").then(|| value.trim())
    });
    match from_target.or(header) {
        Some(host) if !host.is_empty() => Sniffed::Name(strip_port(host).trim_end_matches('.').to_ascii_lowercase()),
        _ => Sniffed::Unknown,
    }
}

/// `host` without its `:port` (brackets of an IPv6 literal removed).
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ClientHello with server name `name`, as one TLS record (or split after `split` bytes).
    pub fn client_hello(name: &str) -> Vec<u8> {
        let mut sni = vec![0];
        sni.extend((name.len() as u16).to_be_bytes());
        sni.extend(name.as_bytes());
        let mut list = (sni.len() as u16).to_be_bytes().to_vec();
        list.extend(sni);
        let mut extensions = vec![0, 0x0b, 0, 2, 1, 0]; // ec_point_formats first
        extensions.extend([0, 0]);
        extensions.extend((list.len() as u16).to_be_bytes());
        extensions.extend(list);
        let mut body = vec![3, 3];
        body.extend([7; 32]);
        body.extend([0, 0, 2, 0x13, 1, 1, 0]);
        body.extend((extensions.len() as u16).to_be_bytes());
        body.extend(extensions);
        let mut handshake = vec![1, 0];
        handshake.extend((body.len() as u16).to_be_bytes());
        handshake.extend(body);
        let mut record = vec![0x16, 3, 1];
        record.extend((handshake.len() as u16).to_be_bytes());
        record.extend(handshake);
        record
    }

    #[test]
    fn tls_server_names() {
        let hello = client_hello("API.example.com");
        assert_eq!(sniff(&hello), Sniffed::Name("api.example.com".into()));
        for cut in [1, 5, 9, hello.len() - 1] {
            assert_eq!(sniff(&hello[..cut]), Sniffed::More, "{cut}");
        }
        assert_eq!(sniff(&[0x16, 3, 1, 0, 4, 2, 0, 0, 0]), Sniffed::Unknown);
    }

    #[test]
    fn http_hosts() {
        assert_eq!(sniff(b"GET / HTTP/1.1\r\nHost: Example.com:8080\r\n\r\n"), Sniffed::Name("example.com".into()));
        assert_eq!(sniff(b"GET http://a.b/x HTTP/1.1\r\nHost: c.d\r\n\r\n"), Sniffed::Name("a.b".into()));
        assert_eq!(sniff(b"GET / HTTP/1.1\r\nhost:[::1]:80\r\n\r\n"), Sniffed::Name("::1".into()));
        assert_eq!(sniff(b"GET / HTTP/1.1\r\nHost: a"), Sniffed::More);
        assert_eq!(sniff(b"GE"), Sniffed::More);
        assert_eq!(sniff(b"GET / HTTP/1.0\r\n\r\n"), Sniffed::Unknown);
        assert_eq!(sniff(b"SSH-2.0-OpenSSH\r\n"), Sniffed::Unknown);
    }
}

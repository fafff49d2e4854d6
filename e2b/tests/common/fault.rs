//! A fault-injecting HTTP/1.1 proxy for tests: it sits between the client and
//! a real e2b-local, passes everything through unchanged, and spoils one
//! chosen request (by method, path prefix and occurrence) with one [`Fault`].
//!
//! Bytes are forwarded both ways as they come. The proxy parses only what it
//! must: each request's head (to match it) and body framing (to find the next
//! request on a kept-alive connection), and, for a request it spoils, the
//! response head. A spoiled request is sent upstream with `Connection: close`,
//! so its response is the last on that connection.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What happens to the chosen request. Unless said otherwise the request
/// reaches the server, which does its work and answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The server answers, and the client's connection is reset before any
    /// byte of the answer reaches it: the answer is lost.
    Reset,
    /// The response head and this many bytes of the body reach the client,
    /// then the connection is reset.
    ResetAfter(usize),
    /// The proxy answers this status itself (429 with `Retry-After: 1`, 502,
    /// 503 or 504, with an E2B-like JSON body); the request never reaches the
    /// server. The connection stays open.
    Status(u16),
    /// Not a byte of the answer reaches the client; the connection stays open
    /// until the client gives up (or the proxy is dropped).
    Stall,
    /// The response head and this many bytes of the body, then silence, the
    /// connection left open.
    StallAfter(usize),
    /// The response head and this many bytes of the body, then the connection
    /// is closed normally (FIN): the body is cut short.
    Truncate(usize),
    /// The response head at once, then the body `bytes` at a time, one piece
    /// every `every`.
    Drip { bytes: usize, every: Duration },
    /// The proxy answers as a Connect server without the (streaming) method
    /// does: 200 with an end-of-stream `unimplemented` error. The request
    /// never reaches the server.
    Unimplemented,
}

/// A request the proxy saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// The request target: path and query.
    pub path: String,
    /// The whole head, as received.
    pub head: String,
    /// Which accepted connection carried it (from 1).
    pub connection: usize,
    /// The fault applied to it, if it was the chosen one.
    pub fault: Option<Fault>,
}

impl Seen {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.head, name)
    }
}

struct Rule {
    method: String,
    path_prefix: String,
    nth: usize,
    matched: usize,
    fault: Fault,
    fired: bool,
}

struct Shared {
    upstream: SocketAddr,
    rules: Mutex<Vec<Rule>>,
    seen: Mutex<Vec<Seen>>,
    connections: AtomicUsize,
    /// A handle on every socket, to close them all when the proxy goes.
    sockets: Mutex<Vec<TcpStream>>,
    closing: AtomicBool,
}

/// The proxy; dropping it closes every connection, so a call stuck on a
/// stalled one returns.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy on a free loopback port in front of `upstream`.
    pub fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fault proxy");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            upstream,
            rules: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            sockets: Mutex::new(Vec::new()),
            closing: AtomicBool::new(false),
        });
        let accepting = shared.clone();
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accepting.closing.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let number = accepting.connections.fetch_add(1, Ordering::SeqCst) + 1;
                let shared = accepting.clone();
                std::thread::spawn(move || serve(&shared, stream, number));
            }
        });
        FaultProxy { addr, shared, accept: Some(accept) }
    }

    /// `http://127.0.0.1:PORT`, for both the API and the sandbox URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Spoils the `nth` (from 1) request from now on whose method is `method`
    /// and whose path starts with `path_prefix`, with `fault`. Each rule
    /// applies once.
    pub fn inject(&self, method: &str, path_prefix: &str, nth: usize, fault: Fault) {
        assert!(nth >= 1, "occurrences count from 1");
        self.shared.rules.lock().unwrap().push(Rule {
            method: method.to_owned(),
            path_prefix: path_prefix.to_owned(),
            nth,
            matched: 0,
            fault,
            fired: false,
        });
    }

    /// How many faults have been applied.
    pub fn fired(&self) -> usize {
        self.shared.rules.lock().unwrap().iter().filter(|rule| rule.fired).count()
    }

    /// Every request seen so far, in order.
    pub fn requests(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        for socket in self.shared.sockets.lock().unwrap().drain(..) {
            let _ = socket.shutdown(Shutdown::Both);
        }
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Shared {
    /// Keeps a handle on `socket` for the proxy's drop; `false` if it is closing already.
    fn track(&self, socket: &TcpStream) -> bool {
        let mut sockets = self.sockets.lock().unwrap();
        if self.closing.load(Ordering::SeqCst) {
            return false;
        }
        sockets.extend(socket.try_clone());
        true
    }

    /// The fault for this request, if it is the chosen one of a rule.
    fn fault_for(&self, method: &str, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap();
        for rule in rules.iter_mut().filter(|rule| !rule.fired) {
            if rule.method.eq_ignore_ascii_case(method) && path.starts_with(&rule.path_prefix) {
                rule.matched += 1;
                if rule.matched == rule.nth {
                    rule.fired = true;
                    return Some(rule.fault);
                }
            }
        }
        None
    }
}

/// Serves one client connection: requests go upstream (or get a canned
/// answer) on this thread, responses come back on a pump thread.
fn serve(shared: &Shared, client: TcpStream, number: usize) {
    let Ok(upstream) = TcpStream::connect(shared.upstream) else { return };
    if !shared.track(&client) || !shared.track(&upstream) {
        return;
    }
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let armed: Arc<Mutex<Option<Fault>>> = Arc::default();
    let pump = {
        let (upstream, client, armed) = (upstream.try_clone().unwrap(), client.try_clone().unwrap(), armed.clone());
        std::thread::spawn(move || pump(upstream, client, &armed))
    };
    let _ = forward_requests(shared, &client, &upstream, &armed, number);
    let _ = upstream.shutdown(Shutdown::Both);
    let _ = client.shutdown(Shutdown::Both);
    let _ = pump.join();
}

/// Reads requests from the client until it closes, forwarding each (or
/// answering it with a canned status).
fn forward_requests(
    shared: &Shared,
    client: &TcpStream,
    mut upstream: &TcpStream,
    armed: &Mutex<Option<Fault>>,
    number: usize,
) -> io::Result<()> {
    let mut reader = BufReader::new(client);
    loop {
        let Some(head) = read_head(&mut reader)? else { return Ok(()) };
        let mut words = head.split(' ');
        let method = words.next().unwrap_or("").to_owned();
        let path = words.next().unwrap_or("").to_owned();
        let fault = shared.fault_for(&method, &path);
        let seen = Seen { method, path: path.clone(), head: head.clone(), connection: number, fault };
        shared.seen.lock().unwrap().push(seen);
        match fault {
            Some(Fault::Status(status)) => {
                copy_body(&mut reader, &head, &mut io::sink())?;
                let mut client = client;
                client.write_all(&canned(status, header_value(&head, "e2b-sandbox-id")))?;
            }
            Some(Fault::Unimplemented) => {
                copy_body(&mut reader, &head, &mut io::sink())?;
                let mut client = client;
                client.write_all(&unimplemented(&path))?;
            }
            Some(fault) => {
                *armed.lock().unwrap() = Some(fault);
                upstream.write_all(with_connection_close(&head).as_bytes())?;
                copy_body(&mut reader, &head, &mut upstream)?;
            }
            None => {
                upstream.write_all(head.as_bytes())?;
                copy_body(&mut reader, &head, &mut upstream)?;
            }
        }
    }
}

/// Copies responses from upstream to the client, spoiling the one a fault was armed for.
fn pump(mut upstream: TcpStream, mut client: TcpStream, armed: &Mutex<Option<Fault>>) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match upstream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        // Requests are not pipelined: bytes after a fault was armed belong to its response.
        let fault = armed.lock().unwrap().take();
        match fault {
            None if client.write_all(&buf[..n]).is_ok() => {}
            None => break,
            Some(fault) => return spoil(fault, buf[..n].to_vec(), &mut upstream, &mut client),
        }
    }
    let _ = client.shutdown(Shutdown::Write);
}

/// Delivers (or not) the response that starts with `start` as `fault` says.
fn spoil(fault: Fault, mut start: Vec<u8>, upstream: &mut TcpStream, client: &mut TcpStream) {
    let Some(head_len) = read_response_head(&mut start, upstream) else {
        return reset(client);
    };
    let body = start.split_off(head_len);
    let head = start;
    match fault {
        Fault::Reset => reset(client),
        Fault::ResetAfter(keep) | Fault::Truncate(keep) | Fault::StallAfter(keep) => {
            let sent = client.write_all(&head).is_ok() && forward_prefix(body, upstream, client, keep).is_ok();
            match fault {
                Fault::ResetAfter(_) => reset(client),
                Fault::Truncate(_) => drop(client.shutdown(Shutdown::Write)),
                _ if sent => drain(upstream),
                _ => {}
            }
        }
        Fault::Stall => drain(upstream),
        Fault::Drip { bytes, every } => {
            if client.write_all(&head).is_ok() {
                let _ = drip(body, upstream, client, bytes.max(1), every);
            }
            let _ = client.shutdown(Shutdown::Write);
        }
        Fault::Status(_) | Fault::Unimplemented => unreachable!("answered without asking upstream"),
    }
}

/// Reads until `buf` holds a whole response head; its length, or `None` if
/// upstream closed first.
fn read_response_head(buf: &mut Vec<u8>, upstream: &mut TcpStream) -> Option<usize> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(end + 4);
        }
        match upstream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Sends the first `keep` bytes of the body (`body` already read, the rest from upstream).
fn forward_prefix(mut body: Vec<u8>, upstream: &mut TcpStream, client: &mut TcpStream, keep: usize) -> io::Result<()> {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut sent = 0;
    loop {
        let take = body.len().min(keep - sent);
        client.write_all(&body[..take])?;
        sent += take;
        if sent == keep {
            return Ok(());
        }
        let n = upstream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        body = chunk[..n].to_vec();
    }
}

/// Sends the body a few bytes at a time until upstream ends it.
fn drip(
    mut body: Vec<u8>,
    upstream: &mut TcpStream,
    client: &mut TcpStream,
    bytes: usize,
    every: Duration,
) -> io::Result<()> {
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        for piece in body.chunks(bytes) {
            std::thread::sleep(every);
            client.write_all(piece)?;
        }
        let n = upstream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        body = chunk[..n].to_vec();
    }
}

/// Reads and discards what upstream sends, leaving the client waiting.
fn drain(upstream: &mut TcpStream) {
    let _ = io::copy(upstream, &mut io::sink());
}

/// Resets the connection (RST, not FIN). The socket has other handles (the
/// request thread's, the proxy's), so closing this one would not do:
/// `connect(AF_UNSPEC)` disconnects the socket itself, which resets it.
fn reset(stream: &TcpStream) {
    let unspecified = libc::sockaddr { sa_family: libc::AF_UNSPEC as libc::sa_family_t, sa_data: [0; 14] };
    // SAFETY: a valid socket descriptor and a sockaddr of the size given.
    unsafe {
        libc::connect(stream.as_raw_fd(), &unspecified, std::mem::size_of::<libc::sockaddr>() as libc::socklen_t);
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Reads one request head (through the blank line); `None` at a clean end of the connection.
fn read_head(reader: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut head = Vec::new();
    loop {
        let start = head.len();
        if reader.read_until(b'\n', &mut head)? == 0 {
            return match head.is_empty() {
                true => Ok(None),
                false => Err(io::ErrorKind::UnexpectedEof.into()),
            };
        }
        if head[start..] == *b"\r\n" || head[start..] == *b"\n" {
            return String::from_utf8(head).map(Some).map_err(io::Error::other);
        }
    }
}

/// Copies the body of the request whose head is `head`, as its framing says
/// (`Content-Length` or chunked), bytes unchanged.
fn copy_body(reader: &mut impl BufRead, head: &str, out: &mut impl Write) -> io::Result<()> {
    let chunked = header_value(head, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if !chunked {
        let length = header_value(head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0u64);
        let copied = io::copy(&mut reader.take(length), out)?;
        return if copied == length { Ok(()) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
    }
    loop {
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line)?;
        out.write_all(&line)?;
        let text = String::from_utf8_lossy(&line);
        let size = text.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size, 16).map_err(|_| io::Error::other(format!("bad chunk size {text:?}")))?;
        if size == 0 {
            // Trailers, up to the blank line.
            loop {
                let mut trailer = Vec::new();
                if reader.read_until(b'\n', &mut trailer)? == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                out.write_all(&trailer)?;
                if trailer == b"\r\n" || trailer == b"\n" {
                    return Ok(());
                }
            }
        }
        // The chunk and its CRLF.
        let want = size + 2;
        if io::copy(&mut reader.take(want), out)? != want {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
}

/// The value of header `name` in `head` (case-insensitive name).
fn header_value<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// `head` asking the server to close the connection after its answer.
fn with_connection_close(head: &str) -> String {
    let mut lines: Vec<&str> = head.trim_end_matches("\r\n").split("\r\n").collect();
    lines.retain(|line| !line.split(':').next().unwrap_or("").trim().eq_ignore_ascii_case("connection"));
    format!("{}\r\nConnection: close\r\n\r\n", lines.join("\r\n"))
}

/// An answer as E2B's API or edge proxy gives it for `status`.
fn canned(status: u16, sandbox_id: Option<&str>) -> Vec<u8> {
    let (reason, message) = match status {
        429 => ("Too Many Requests", "Rate limit exceeded, please try again later"),
        502 => ("Bad Gateway", "Bad gateway: the upstream connection failed"),
        503 => ("Service Unavailable", "Service is temporarily unavailable"),
        504 => ("Gateway Timeout", "Gateway timeout: the upstream did not answer in time"),
        _ => ("Error", "Injected error"),
    };
    let body = match sandbox_id {
        Some(id) => serde_json::json!({ "sandboxId": id, "message": message, "code": status }),
        None => serde_json::json!({ "code": status, "message": message }),
    }
    .to_string();
    let retry_after = if status == 429 { "Retry-After: 1\r\n" } else { "" };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{retry_after}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A Connect streaming answer ending in `unimplemented` for `path`.
fn unimplemented(path: &str) -> Vec<u8> {
    let end = serde_json::json!({"error": {"code": "unimplemented", "message": format!("{} is not implemented", path.trim_start_matches('/'))}});
    let end = end.to_string();
    let mut body = vec![2u8];
    body.extend_from_slice(&(end.len() as u32).to_be_bytes());
    body.extend_from_slice(end.as_bytes());
    let mut answer =
        format!("HTTP/1.1 200 OK\r\nContent-Type: application/connect+json\r\nContent-Length: {}\r\n\r\n", body.len())
            .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

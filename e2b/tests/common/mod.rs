//! A real e2b-local server per test, on a free port with its own data
//! directory, and a client configured for it.

#![allow(dead_code)]

pub mod fault;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

use e2b::{Client, CommandOptions, CommandResult, Config, Sandbox, SandboxOptions};

pub struct Local {
    pub server: e2b_local::Server,
    pub client: Client,
    pub data_dir: tempfile::TempDir,
}

impl Local {
    pub fn start() -> Local {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let server = start_server(data_dir.path());
        let client = Client::new(config_for(&server));
        Local { server, client, data_dir }
    }

    /// Stops the server and starts a new one on the same data directory.
    pub fn restart(self) -> Local {
        let Local { server, data_dir, .. } = self;
        server.stop();
        let server = start_server(data_dir.path());
        let client = Client::new(config_for(&server));
        Local { server, client, data_dir }
    }

    /// A sandbox with a short life, so a failed test leaves nothing behind for long.
    pub fn sandbox(&self) -> Sandbox {
        self.client
            .create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120)))
            .expect("create sandbox")
    }
}

fn start_server(data_dir: &Path) -> e2b_local::Server {
    e2b_local::Server::start(e2b_local::Options {
        host: "127.0.0.1".to_owned(),
        port: 0,
        data_dir: data_dir.to_owned(),
        api_key: None,
    })
    .expect("start e2b-local")
}

pub fn config_for(server: &e2b_local::Server) -> Config {
    Config::builder().api_key(server.api_key()).api_url(server.url()).sandbox_url(server.url()).build()
}

/// A one-connection-at-a-time HTTP server that answers each request with the
/// next canned response (or, for `None`, closes the connection unanswered),
/// recording what it received. For failures e2b-local will not produce.
pub struct Scripted {
    pub url: String,
    pub requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// A canned response: status, extra header lines (each ending in CRLF), body.
pub type Reply = (u16, &'static str, &'static str);

impl Scripted {
    pub fn start(responses: Vec<Option<Reply>>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for response in responses {
                let Ok((stream, _)) = listener.accept() else { return };
                let head = read_request(&stream);
                seen.lock().unwrap().push(head);
                match response {
                    Some((status, headers, body)) => {
                        let text = format!(
                            "HTTP/1.1 {status} X\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = (&stream).write_all(text.as_bytes());
                    }
                    None => drop(stream),
                }
            }
        });
        Scripted { url, requests }
    }
}

/// Reads one request (head and a Content-Length body) and returns it as text
/// (empty when the connection closed).
pub fn read_request(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut text = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return text;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        text.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    text.push_str(&String::from_utf8_lossy(&body));
    text
}

/// A listener that accepts connections and never answers.
pub fn silent_server() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// How [`Proxy`] breaks the one request it is told to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The request reaches the server, then the client's connection is reset
    /// before any byte of the answer.
    Reset,
    /// The request reaches the server; the client gets the first half of the
    /// answer's first packet, then the connection is reset.
    Truncate,
}

/// A TCP relay in front of a server: counts the connections it accepts,
/// records what clients send, and breaks one chosen request (see [`Fault`]).
pub struct Proxy {
    pub url: String,
    accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    shared: std::sync::Arc<ProxyShared>,
}

#[derive(Default)]
struct ProxyShared {
    /// Everything clients sent, in arrival order (per connection, whole reads).
    sent: std::sync::Mutex<Vec<u8>>,
    /// The pattern of the request to break next, and how.
    fault: std::sync::Mutex<Option<(Vec<u8>, Fault)>>,
    /// When each connection was closed (or reset) by its client.
    client_closes: std::sync::Mutex<Vec<std::time::Instant>>,
}

impl Proxy {
    /// A relay to `upstream` (`http://host:port`).
    pub fn start(upstream: &str) -> Proxy {
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let shared = std::sync::Arc::new(ProxyShared::default());
        let (count, state) = (accepted.clone(), shared.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (upstream, state) = (upstream.clone(), state.clone());
                std::thread::spawn(move || relay(client, &upstream, &state));
            }
        });
        Proxy { url, accepted, shared }
    }

    /// The number of connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Breaks the next request whose bytes contain `pattern` (e.g. `"POST /v2/sandboxes "`).
    pub fn fail_next(&self, pattern: &str, fault: Fault) {
        *self.shared.fault.lock().unwrap() = Some((pattern.as_bytes().to_vec(), fault));
    }

    /// How many times clients sent `pattern`.
    pub fn seen(&self, pattern: &str) -> usize {
        let sent = self.shared.sent.lock().unwrap();
        sent.windows(pattern.len()).filter(|w| *w == pattern.as_bytes()).count()
    }

    /// When clients closed (or reset) their connections, in order.
    pub fn client_closes(&self) -> Vec<std::time::Instant> {
        self.shared.client_closes.lock().unwrap().clone()
    }

    /// Every value clients sent for the header `name` (lower case), in order.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        let sent = String::from_utf8_lossy(&self.shared.sent.lock().unwrap()).into_owned();
        sent.split("\r\n")
            .filter_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
            })
            .collect()
    }
}

/// Resets `stream`: closes it with SO_LINGER 0, so the peer gets an RST.
fn reset(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger { l_onoff: 1, l_linger: 0 };
    // SAFETY: a valid socket and a properly sized option value.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn relay(client: TcpStream, upstream: &str, state: &ProxyShared) {
    let Ok(server) = TcpStream::connect(upstream) else { return };
    let _ = (client.set_nodelay(true), server.set_nodelay(true));
    // The fault to inflict on the next answer, once the request to break has gone by.
    let broken = std::sync::Arc::new(std::sync::Mutex::new(None::<Fault>));
    let (mut from_server, mut to_client) = (server.try_clone().unwrap(), client.try_clone().unwrap());
    let pending = broken.clone();
    let back = std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match from_server.read(&mut buf) {
                Ok(0) | Err(_) => {
                    let _ = to_client.shutdown(std::net::Shutdown::Write);
                    return;
                }
                Ok(n) => n,
            };
            match *pending.lock().unwrap() {
                None => {}
                Some(fault) => {
                    if fault == Fault::Truncate {
                        let _ = to_client.write_all(&buf[..n / 2]);
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    reset(&to_client);
                    let _ = from_server.shutdown(std::net::Shutdown::Both);
                    return;
                }
            }
            if to_client.write_all(&buf[..n]).is_err() {
                return;
            }
        }
    });
    let (mut from_client, mut to_server) = (client, server);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from_client.read(&mut buf) {
            Ok(0) | Err(_) => {
                state.client_closes.lock().unwrap().push(std::time::Instant::now());
                break;
            }
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        state.sent.lock().unwrap().extend_from_slice(chunk);
        {
            let mut fault = state.fault.lock().unwrap();
            if let Some((pattern, kind)) = fault.as_ref() {
                if chunk.windows(pattern.len()).any(|w| w == pattern.as_slice()) {
                    *broken.lock().unwrap() = Some(*kind);
                    *fault = None;
                }
            }
        }
        if to_server.write_all(chunk).is_err() {
            break;
        }
    }
    let _ = to_server.shutdown(std::net::Shutdown::Write);
    let _ = back.join();
}

/// A client for `local` whose every request goes through a new [`Proxy`].
pub fn proxied(local: &Local) -> (Proxy, Client) {
    let proxy = Proxy::start(&local.server.url());
    let config =
        config_for(&local.server).to_builder().api_url(proxy.url.clone()).sandbox_url(proxy.url.clone()).build();
    (proxy, Client::new(config))
}

/// Command options that run as `root`.
pub fn as_root() -> CommandOptions {
    CommandOptions::default().user("root")
}

/// Runs `cmd` in `sandbox` and waits for it; panics if the call fails (not if the command does).
pub fn run(sandbox: &Sandbox, cmd: &str, options: &CommandOptions) -> CommandResult {
    sandbox.commands().run(cmd, options, None).unwrap()
}

/// A command's stdout as text.
pub fn stdout(result: &CommandResult) -> String {
    String::from_utf8_lossy(&result.stdout).into_owned()
}

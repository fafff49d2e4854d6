//! `e2b-local`: an offline server that the official E2B SDKs accept as E2B. One port serves the
//! control plane (create, connect, list, pause, kill, ...) and, routed by the
//! `E2b-Sandbox-Id`/`E2b-Sandbox-Port` headers, each sandbox's envd. A sandbox is a folder in
//! the data directory, and it survives restarts.
//!
//! In-process use, as the client's integration tests do:
//!
//! ```no_run
//! let server = e2b_local::Server::start(e2b_local::Options::new("/tmp/e2b-data"))?;
//! println!("E2B_API_URL={} E2B_API_KEY={}", server.url(), server.api_key());
//! server.stop();
//! # Ok::<(), std::io::Error>(())
//! ```

mod code;
mod connect;
mod control;
mod egress;
mod envd;
mod error;
mod idempotency;
mod isolation;
mod listing;
mod logs;
mod metrics;
mod network_api;
mod paths;
mod persist;
mod ports;
mod query;
mod rfc3339;
mod rootfs;
mod router;
mod sandboxes;
mod snapshots;
mod stream;
mod templates;
mod volume_api;
mod volumes;

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::http::StatusCode;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use crate::error::{ApiError, ApiResult};
use crate::idempotency::Idempotency;
use crate::paths::SandboxRoot;
use crate::sandboxes::Store;

/// How long a stopping server waits for requests in flight (a long download, say).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Where and how to serve.
#[derive(Clone, Debug)]
pub struct Options {
    /// The address to listen on, e.g. `127.0.0.1`.
    pub host: String,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Templates, sandboxes and the API key live here.
    pub data_dir: PathBuf,
    /// The API key clients must send; `None` uses the one kept in `<data_dir>/api-key`,
    /// created on first use.
    pub api_key: Option<String>,
}

impl Options {
    /// `127.0.0.1`, a free port, the key kept in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Options {
        Options { host: "127.0.0.1".into(), port: 0, data_dir: data_dir.into(), api_key: None }
    }
}

/// What every request handler shares.
struct AppState {
    api_key: String,
    store: Arc<Store>,
    idempotency: Idempotency,
    volumes: Arc<volumes::Volumes>,
    /// The metrics samples of every sandbox.
    metrics: Arc<metrics::Recorder>,
    /// The template builds run since the server started, and the uploaded build files.
    builds: templates::Builds,
    /// Held while serving: one data directory, one server.
    _data_dir_lock: std::fs::File,
}

#[cfg(test)]
impl AppState {
    /// The state of a server on the data directory `dir`, for tests that call the router.
    fn for_test(dir: &std::path::Path) -> AppState {
        AppState {
            api_key: "e2b_test".into(),
            store: Arc::new(Store::open(dir).unwrap()),
            idempotency: Idempotency::open(dir).unwrap(),
            volumes: Arc::new(volumes::Volumes::open(dir).unwrap()),
            metrics: Arc::default(),
            builds: templates::Builds::open(dir).unwrap(),
            _data_dir_lock: std::fs::File::create(dir.join("lock")).unwrap(),
        }
    }
}

/// A server bound to its port and loaded from its data directory, ready to serve.
pub struct Instance {
    listener: TcpListener,
    addr: SocketAddr,
    state: Arc<AppState>,
}

impl Instance {
    /// Binds the port and loads the data directory. Fails when the kernel lacks `openat2(2)`,
    /// which file access needs for confinement.
    pub async fn bind(options: Options) -> io::Result<Instance> {
        SandboxRoot::check_supported()?;
        isolation::warn_if_unavailable();
        let data_dir = options.data_dir.clone();
        let state = tokio::task::spawn_blocking(move || -> io::Result<AppState> {
            std::fs::create_dir_all(&data_dir)?;
            let data_dir_lock = lock_data_dir(&data_dir)?;
            let api_key = match options.api_key {
                Some(key) => key,
                None => load_or_create_api_key(&data_dir)?,
            };
            let volumes = Arc::new(volumes::Volumes::open(&data_dir)?);
            Ok(AppState {
                api_key,
                store: Arc::new(Store::open(&data_dir)?),
                volumes,
                idempotency: Idempotency::open(&data_dir)?,
                metrics: Arc::default(),
                builds: templates::Builds::open(&data_dir)?,
                _data_dir_lock: data_dir_lock,
            })
        })
        .await
        .map_err(io::Error::other)??;
        let listener = TcpListener::bind((options.host.as_str(), options.port)).await.map_err(|e| {
            let place = format!("{}:{}", options.host, options.port);
            match e.kind() {
                io::ErrorKind::AddrInUse => io::Error::new(
                    e.kind(),
                    format!("{place} is in use: pick another port with --port, or --port 0 for a free one"),
                ),
                _ => io::Error::new(e.kind(), format!("cannot listen on {place}: {e}")),
            }
        })?;
        let addr = listener.local_addr()?;
        Ok(Instance { listener, addr, state: Arc::new(state) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the value for both `E2B_API_URL` and `E2B_SANDBOX_URL`.
    pub fn url(&self) -> String {
        url_for(self.addr)
    }

    pub fn api_key(&self) -> &str {
        &self.state.api_key
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish (for a few
    /// seconds at most).
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let timers = tokio::spawn(self.state.store.clone().run_timers());
        let sampler = tokio::spawn(metrics::run(self.state.store.clone(), self.state.metrics.clone()));
        let (store, ending) = (self.state.store.clone(), self.state.store.clone());
        let (stopping_tx, stopping_rx) = watch::channel(false);
        let app = router::app(self.state);
        // Without TCP_NODELAY, a body written after its headers waits for the client's delayed
        // ACK (about 40 ms) on a reused connection.
        let listener = self.listener.tap_io(|socket| {
            if let Err(e) = socket.set_nodelay(true) {
                eprintln!("e2b-local: cannot set TCP_NODELAY: {e}");
            }
        });
        let graceful = axum::serve(listener, app).with_graceful_shutdown(async move {
            let mut stopping = stopping_rx;
            let _ = stopping.wait_for(|stopping| *stopping).await;
        });
        let grace_over = async move {
            shutdown.await;
            // Ending the sandboxes' processes ends the streams that follow them.
            let _ = tokio::task::spawn_blocking(move || ending.end_all_processes()).await;
            let _ = stopping_tx.send(true);
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        };
        let result = tokio::select! {
            result = std::future::IntoFuture::into_future(graceful) => result,
            () = grace_over => Ok(()),
        };
        timers.abort();
        sampler.abort();
        let _ = tokio::task::spawn_blocking(move || {
            store.end_all_processes();
            store.finish_deletions();
        })
        .await;
        result
    }
}

/// A server running on its own thread and Tokio runtime; dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    api_key: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts serving and returns once the port is listening.
    pub fn start(options: Options) -> io::Result<Server> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("e2b-local".into()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => return drop(ready_tx.send(Err(e))),
            };
            match runtime.block_on(Instance::bind(options)) {
                Ok(instance) => {
                    let _ = ready_tx.send(Ok((instance.addr(), instance.api_key().to_string())));
                    if let Err(e) = runtime.block_on(instance.serve(async move { drop(stop_rx.await) })) {
                        eprintln!("e2b-local: server failed: {e}");
                    }
                }
                Err(e) => drop(ready_tx.send(Err(e))),
            }
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
        match ready_rx.recv() {
            Ok(Ok((addr, api_key))) => Ok(Server { addr, api_key, stop: Some(stop_tx), thread: Some(thread) }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => Err(io::Error::other("the e2b-local server thread ended before it was ready")),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the value for both `E2B_API_URL` and `E2B_SANDBOX_URL`.
    pub fn url(&self) -> String {
        url_for(self.addr)
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Stops serving and waits until the port is closed.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn url_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Takes an exclusive lock on `<data_dir>/lock`, so that two servers never manage the same
/// sandboxes; the lock goes with the returned file.
fn lock_data_dir(data_dir: &std::path::Path) -> io::Result<std::fs::File> {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(data_dir.join("lock"))?;
    // A server that just stopped in this process may still have its lock held for a moment by
    // a child being started by another thread (a fork holds every descriptor until it execs):
    // a busy lock is tried again for a little while.
    let mut tries = 0;
    // SAFETY: `flock` on a descriptor this function owns.
    while unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(err);
        }
        tries += 1;
        if tries > LOCK_TRIES {
            let message = format!("the data directory {} is in use by another e2b-local", data_dir.display());
            return Err(io::Error::new(io::ErrorKind::ResourceBusy, message));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(file)
}

/// How many more times a busy data directory lock is tried, 10 ms apart.
const LOCK_TRIES: u32 = 50;

/// The key in `<data_dir>/api-key`, or a new `e2b_` + 40 hex characters saved there.
fn load_or_create_api_key(data_dir: &std::path::Path) -> io::Result<String> {
    let path = data_dir.join("api-key");
    match std::fs::read_to_string(&path) {
        Ok(key) if !key.trim().is_empty() => return Ok(key.trim().to_string()),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let key = format!("e2b_{}", persist::random_hex(20)?);
    persist::write_atomic(&path, format!("{key}\n").as_bytes())?;
    Ok(key)
}

/// Runs blocking work (file system, state files) off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down")),
    }
}

/// Compares secrets in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_point_at_loopback_for_wildcard_binds() {
        assert_eq!(url_for("0.0.0.0:80".parse().unwrap()), "http://127.0.0.1:80");
        assert_eq!(url_for("[::]:80".parse().unwrap()), "http://[::1]:80");
        assert_eq!(url_for("127.0.0.1:49982".parse().unwrap()), "http://127.0.0.1:49982");
    }

    #[test]
    fn the_api_key_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let key = load_or_create_api_key(dir.path()).unwrap();
        assert!(key.starts_with("e2b_") && key.len() == 44);
        assert_eq!(load_or_create_api_key(dir.path()).unwrap(), key);
    }

    /// The status line of a plain HTTP/1.1 request.
    fn status(server: &Server, request: &str) -> String {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
        write!(stream, "{request}\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response.lines().next().unwrap_or_default().to_string()
    }

    #[test]
    fn servers_run_side_by_side_and_restart_on_the_same_data() {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let a = Server::start(Options::new(dir_a.path())).unwrap();
        let b = Server::start(Options { api_key: Some("e2b_given".into()), ..Options::new(dir_b.path()) }).unwrap();
        assert_ne!(a.addr(), b.addr());
        assert_eq!(b.api_key(), "e2b_given");
        assert_eq!(status(&a, "GET /health HTTP/1.1"), "HTTP/1.1 204 No Content");
        assert_eq!(status(&b, "GET /v2/sandboxes HTTP/1.1"), "HTTP/1.1 401 Unauthorized");

        let key = a.api_key().to_string();
        a.stop();
        drop(b);
        let again = Server::start(Options::new(dir_a.path())).unwrap();
        assert_eq!(again.api_key(), key);
        assert_eq!(status(&again, "GET /health HTTP/1.1"), "HTTP/1.1 204 No Content");
    }

    #[test]
    fn start_fails_cleanly_when_the_port_or_the_data_is_taken() {
        let (dir, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = Server::start(Options::new(dir.path())).unwrap();
        let taken = Options { port: first.addr().port(), ..Options::new(other.path()) };
        assert_eq!(Server::start(taken).err().unwrap().kind(), io::ErrorKind::AddrInUse);
        let shared = Server::start(Options::new(dir.path())).err().unwrap();
        assert!(shared.to_string().contains("in use by another e2b-local"), "{shared}");
    }

    /// One request on an open connection: the status code and the body (by `Content-Length`).
    fn exchange(stream: &mut std::net::TcpStream, request: &[u8]) -> (u16, Vec<u8>) {
        use std::io::{BufRead, Read, Write};
        stream.write_all(request).unwrap();
        let mut reader = std::io::BufReader::new(stream);
        let mut head = String::new();
        while !head.ends_with("\r\n\r\n") {
            assert_ne!(reader.read_line(&mut head).unwrap(), 0, "the connection closed: {head}");
        }
        let status = head[9..12].parse().unwrap();
        let length = head
            .lines()
            .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_string))
            .map_or(0, |n| n.trim().parse().unwrap());
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        assert!(reader.buffer().is_empty(), "one response per request");
        (status, body)
    }

    /// Creates a sandbox; returns its id and the header lines that address its envd.
    fn new_sandbox(server: &Server, stream: &mut std::net::TcpStream) -> (String, String) {
        let body = r#"{"templateID":"base","timeout":60}"#;
        let create = format!(
            "POST /v2/sandboxes HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            server.api_key(),
            body.len()
        );
        let (status, created) = exchange(stream, create.as_bytes());
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&created));
        let created: serde_json::Value = serde_json::from_slice(&created).unwrap();
        let (id, token) = (created["sandboxID"].as_str().unwrap(), created["envdAccessToken"].as_str().unwrap());
        let envd =
            format!("Host: localhost\r\nE2b-Sandbox-Id: {id}\r\nE2b-Sandbox-Port: 49983\r\nX-Access-Token: {token}");
        (id.to_string(), envd)
    }

    /// Waits up to 10 s for `condition`; whether it came true.
    fn eventually(condition: impl Fn() -> bool) -> bool {
        let started = std::time::Instant::now();
        while !condition() {
            if started.elapsed() > Duration::from_secs(10) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        true
    }

    /// The names in a directory, sorted.
    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    /// Starts an upload (`head`, then `partial` of its body) on a new connection, waits until
    /// the server has taken in `partial` (`received`), and cuts the connection.
    fn drop_upload(server: &Server, head: &str, partial: &[u8], received: impl Fn() -> bool) {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(partial).unwrap();
        assert!(eventually(received), "the server began writing the upload");
        stream.shutdown(std::net::Shutdown::Both).unwrap();
    }

    /// A dropped upload leaves the file as it was, and nothing else behind.
    #[test]
    fn a_dropped_upload_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(Options::new(dir.path())).unwrap();
        let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
        let (id, envd) = new_sandbox(&server, &mut stream);
        let home = dir.path().join("sandboxes").join(&id).join("fs/home/user");
        let upload = |path: &str, body: &str| {
            let head = format!(
                "POST /files?path={path} HTTP/1.1\r\n{envd}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            exchange(&mut std::net::TcpStream::connect(server.addr()).unwrap(), format!("{head}{body}").as_bytes())
        };
        assert_eq!(upload("/home/user/keep.txt", "old content").0, 200);
        std::fs::create_dir(home.join("m")).unwrap();
        assert_eq!(upload("/home/user/m/a.txt", "old a").0, 200);
        assert_eq!(upload("/home/user/m/b.txt", "old b").0, 200);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.join("m/b.txt"), std::fs::Permissions::from_mode(0o640)).unwrap();
        // The server is writing: the file changed, or a file appeared beside it.
        let writing = |dir: &std::path::Path, name: &str, old: &str, entries: usize| {
            std::fs::read_to_string(dir.join(name)).unwrap() != old || names(dir).len() > entries
        };

        // One file, its body cut short.
        let head = format!(
            "POST /files?path=/home/user/keep.txt HTTP/1.1\r\n{envd}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"
        );
        drop_upload(&server, &head, b"new but cut", || writing(&home, "keep.txt", "old content", 2));
        assert!(eventually(|| names(&home) == ["keep.txt", "m"]), "{:?}", names(&home));
        assert_eq!(std::fs::read_to_string(home.join("keep.txt")).unwrap(), "old content");

        // Two files in one form: the first arrives whole and is written, the second is cut.
        let boundary = "cut-here";
        let part = |name: &str, content: &str| {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n{content}\r\n")
        };
        let body = format!("{}{}", part("/home/user/m/a.txt", "new a"), part("/home/user/m/b.txt", "new b, but cut"));
        let head = format!(
            "POST /files HTTP/1.1\r\n{envd}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 100000\r\n\r\n"
        );
        let m = home.join("m");
        drop_upload(&server, &head, body.as_bytes(), || {
            std::fs::read_to_string(m.join("a.txt")).unwrap() == "new a" && writing(&m, "b.txt", "old b", 2)
        });
        assert!(eventually(|| names(&m) == ["a.txt", "b.txt"]), "{:?}", names(&m));
        assert_eq!(std::fs::read_to_string(m.join("a.txt")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(m.join("b.txt")).unwrap(), "old b");
        assert_eq!(std::fs::metadata(m.join("b.txt")).unwrap().permissions().mode() & 0o7777, 0o640);
    }

    /// With Nagle's algorithm on, a body written after its headers waits for the client's
    /// delayed ACK (about 40 ms) on a reused connection; every accepted socket has
    /// `TCP_NODELAY`, so 150 small downloads on one connection take a fraction of a second (over
    /// one and a half seconds without it).
    #[test]
    fn sequential_requests_on_one_connection_are_not_delayed() {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(Options::new(dir.path())).unwrap();
        let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
        let (_, envd) = new_sandbox(&server, &mut stream);
        let content = vec![b'x'; 1024];
        let mut upload = format!(
            "POST /files?path=/home/user/k.txt HTTP/1.1\r\n{envd}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1024\r\n\r\n"
        )
        .into_bytes();
        upload.extend_from_slice(&content);
        assert_eq!(exchange(&mut stream, &upload).0, 200);

        let download = format!("GET /files?path=/home/user/k.txt HTTP/1.1\r\n{envd}\r\n\r\n");
        let started = std::time::Instant::now();
        for _ in 0..150 {
            assert_eq!(exchange(&mut stream, download.as_bytes()), (200, content.clone()));
        }
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "150 downloads of 1 KiB on one connection took {took:?}");
    }

    #[test]
    fn compares_secrets() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}

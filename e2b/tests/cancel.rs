//! Cancellation (`with_cancel`): every kind of blocking call, cancelled from
//! another thread while it waits, fails with `ErrorKind::Cancelled` promptly,
//! and the connection under it is closed, so the server sees the client go.
//!
//! "Promptly" is checked as within [`BOUND`] of the `cancel()` call: the
//! library aims at 100 ms; the bound is 300 ms because these tests run on a
//! loaded 2-core machine. Each test prints the latency it saw.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{Local, Scripted};
use e2b::{
    CancelToken, Client, CommandOptions, Config, ErrorKind, RunCodeOptions, Sandbox, SandboxOptions, WatchOptions,
};

/// How long after the call starts the token is cancelled.
const DELAY: Duration = Duration::from_millis(200);
/// How soon after `cancel()` the call must have returned (and the server seen the close).
const BOUND: Duration = Duration::from_millis(300);

/// Cancels `token` from another thread after [`DELAY`]; the thread returns when it did.
fn cancel_later(token: &CancelToken) -> JoinHandle<Instant> {
    let token = token.clone();
    std::thread::spawn(move || {
        std::thread::sleep(DELAY);
        let at = Instant::now();
        token.cancel();
        at
    })
}

/// Runs `call` while another thread cancels `token`; asserts that it fails
/// with `Cancelled` within [`BOUND`] of the cancel, and returns when the cancel was.
fn assert_cancelled<T: std::fmt::Debug>(
    name: &str,
    token: &CancelToken,
    call: impl FnOnce() -> e2b::Result<T>,
) -> Instant {
    assert_cancelled_by(name, cancel_later(token), call)
}

/// As [`assert_cancelled`], with the cancel made by `canceller`, which returns when it was.
fn assert_cancelled_by<T: std::fmt::Debug>(
    name: &str,
    canceller: JoinHandle<Instant>,
    call: impl FnOnce() -> e2b::Result<T>,
) -> Instant {
    let err = call().expect_err(name);
    let ended = Instant::now();
    let cancelled_at = canceller.join().unwrap();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{name}: {err}");
    assert!(err.message().contains("cancelled"), "{name}: {err}");
    assert!(ended >= cancelled_at, "{name} ended before the cancel: {err}");
    let late = ended - cancelled_at;
    eprintln!("{name}: returned {late:?} after cancel()");
    assert!(late < BOUND, "{name} returned {late:?} after cancel()");
    cancelled_at
}

/// A server that hands each connection to `answer` (which reads the request
/// as it likes and may answer), then reads until the client closes the
/// connection and reports when on `closed`.
struct Stub {
    url: String,
    closed: Receiver<Instant>,
}

fn stub(answer: fn(&mut BufReader<TcpStream>, &mut TcpStream)) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sender, closed) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let sender = sender.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                answer(&mut reader, &mut stream);
                let mut buf = vec![0u8; 64 * 1024];
                while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
                let _ = sender.send(Instant::now());
            });
        }
    });
    Stub { url, closed }
}

impl Stub {
    /// Asserts that the server saw a connection close within `within` of `since`.
    fn assert_closed(&self, name: &str, since: Instant, within: Duration) {
        let at = self.closed.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|_| panic!("{name}: never closed"));
        let late = at.saturating_duration_since(since);
        eprintln!("{name}: the server saw the close {late:?} after cancel()");
        assert!(late < within, "{name}: the server saw the close {late:?} after cancel()");
    }
}

/// Reads a request's head, leaving its body unread.
fn read_head(reader: &mut BufReader<TcpStream>) {
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
        line.clear();
    }
}

/// A sandbox made by e2b-local whose envd is the stub at `url`.
fn sandbox_at(local: &Local, url: &str) -> Sandbox {
    let config = common::config_for(&local.server).to_builder().sandbox_url(url).build();
    Client::new(config).create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120))).unwrap()
}

/// Waits until `proxy` has seen more than `before` client closes; returns the newest.
fn client_close_after(proxy: &common::Proxy, before: usize) -> Instant {
    let started = Instant::now();
    loop {
        if let Some(at) = proxy.client_closes().get(before) {
            return *at;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the client never closed its connection");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_unary_request_to_a_silent_server_is_cancelled_and_its_connection_closed() {
    let local = Local::start();
    let server = stub(|reader, _| read_head(reader));
    let sandbox = sandbox_at(&local, &server.url);
    let token = CancelToken::new();
    let at = assert_cancelled("stat", &token, || sandbox.with_cancel(&token).files().get_info("/home/user/a"));
    server.assert_closed("stat", at, BOUND);

    // Starting a command whose start event never comes.
    let token = CancelToken::new();
    let at = assert_cancelled("start", &token, || {
        sandbox.with_cancel(&token).commands().start("sleep 30", &CommandOptions::default())
    });
    server.assert_closed("start", at, BOUND);
}

#[test]
fn a_stalled_download_is_cancelled_and_its_connection_closed() {
    let local = Local::start();
    let server = stub(|reader, stream| {
        read_head(reader);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n");
        let _ = stream.write_all(&[b'x'; 1000]);
    });
    let sandbox = sandbox_at(&local, &server.url);
    let token = CancelToken::new();
    let at = assert_cancelled("read", &token, || sandbox.with_cancel(&token).files().read("/home/user/big"));
    server.assert_closed("read", at, BOUND);

    // A stream opened before the cancel fails at its next read.
    let token = CancelToken::new();
    let mut file = sandbox.with_cancel(&token).files().open_read("/home/user/big").unwrap();
    let at = assert_cancelled("open_read", &token, || {
        let mut data = Vec::new();
        file.read_to_end(&mut data).map_err(|err| *err.into_inner().unwrap().downcast::<e2b::Error>().unwrap())
    });
    server.assert_closed("open_read", at, BOUND);
}

#[test]
fn a_stalled_upload_is_cancelled_and_its_connection_closed() {
    let local = Local::start();
    // The server takes the head, then nothing for a while: the client blocks writing the body.
    let server = stub(|reader, _| {
        read_head(reader);
        std::thread::sleep(Duration::from_secs(1));
    });
    let sandbox = sandbox_at(&local, &server.url);
    let token = CancelToken::new();
    let data = vec![0u8; 64 << 20];
    let at = assert_cancelled("write", &token, || sandbox.with_cancel(&token).files().write("/home/user/big", &data));
    // The server reads again after its pause: had the client not closed, the body would still come.
    server.assert_closed("write", at, Duration::from_secs(5));
}

/// A source that gives 64 KiB every 10 ms, forever.
struct Slow;

impl Read for Slow {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        std::thread::sleep(Duration::from_millis(10));
        let n = buf.len().min(64 * 1024);
        buf[..n].fill(b'n');
        Ok(n)
    }
}

#[test]
fn a_cancelled_upload_leaves_the_old_file() {
    let local = Local::start();
    let sandbox = local.sandbox();
    sandbox.files().make_dir("/home/user/up").unwrap();
    sandbox.files().write("/home/user/up/f.txt", "old").unwrap();
    let token = CancelToken::new();
    assert_cancelled("write_from", &token, || {
        sandbox.with_cancel(&token).files().write_from("/home/user/up/f.txt", &mut Slow, Some(1 << 30), None)
    });
    assert_eq!(sandbox.files().read_to_string("/home/user/up/f.txt").unwrap(), "old");
    // Nothing half-written stays beside it.
    let started = Instant::now();
    loop {
        let names: Vec<String> =
            sandbox.files().list("/home/user/up", 1).unwrap().into_iter().map(|entry| entry.name).collect();
        if names == ["f.txt"] {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "left behind: {names:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_running_command_is_cancelled_and_goes_on_running() {
    let local = Local::start();
    let (proxy, client) = common::proxied(&local);
    let sandbox = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120))).unwrap();
    let before = proxy.client_closes().len();
    let token = CancelToken::new();
    // Cancelled once the command runs (on a loaded machine its start can take longer than DELAY).
    let canceller = {
        let (sandbox, token) = (sandbox.clone(), token.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            while !sandbox.commands().list().unwrap().iter().any(|p| p.args.iter().any(|a| a == "sleep 30")) {
                assert!(started.elapsed() < Duration::from_secs(30), "the command never started");
                std::thread::sleep(Duration::from_millis(20));
            }
            let at = Instant::now();
            token.cancel();
            at
        })
    };
    let at = assert_cancelled_by("run", canceller, || {
        sandbox.with_cancel(&token).commands().run("sleep 30", &CommandOptions::default(), None)
    });
    let closed = client_close_after(&proxy, before);
    assert!(closed.saturating_duration_since(at) < BOUND, "closed {:?} after cancel()", closed - at);
    // As documented: the process is not killed by the cancel.
    let running = sandbox.commands().list().unwrap();
    let sleeper = running.iter().find(|p| p.args.iter().any(|a| a == "sleep 30")).expect("still running");
    assert!(sandbox.commands().kill(sleeper.pid).unwrap());

    // A handle's own wait, started through the view, ends too.
    let token = CancelToken::new();
    let handle = sandbox.with_cancel(&token).commands().start("sleep 30", &CommandOptions::default()).unwrap();
    assert_cancelled("next_event", &token, || handle.next_event(Duration::from_secs(60)));
    assert_eq!(handle.wait(None).unwrap_err().kind(), ErrorKind::Cancelled);
    sandbox.commands().kill(handle.pid()).unwrap();
}

#[test]
fn a_code_run_is_cancelled_and_the_interpreter_interrupts_it() {
    let local = Local::start();
    let (proxy, client) = common::proxied(&local);
    let sandbox = client.create_sandbox(&SandboxOptions::new("code-interpreter-v1")).unwrap();
    sandbox.run_code("1", &RunCodeOptions::default(), None).unwrap();
    let before = proxy.client_closes().len();
    let token = CancelToken::new();
    let at = assert_cancelled("run_code", &token, || {
        sandbox.with_cancel(&token).run_code("import time; time.sleep(30)", &RunCodeOptions::default(), None)
    });
    let closed = client_close_after(&proxy, before);
    assert!(closed.saturating_duration_since(at) < BOUND, "closed {:?} after cancel()", closed - at);
    // The context is free again at once: the sleeping run was interrupted.
    let started = Instant::now();
    let execution = sandbox.run_code("1 + 1", &RunCodeOptions::default(), None).unwrap();
    assert_eq!(execution.text(), Some("2"));
    assert!(started.elapsed() < Duration::from_secs(10), "the next run waited {:?}", started.elapsed());
}

#[test]
fn watching_is_cancelled_by_poll_and_by_stream() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let token = CancelToken::new();
    let handle = sandbox.with_cancel(&token).files().watch_dir("/home/user", WatchOptions::default()).unwrap();
    assert_cancelled("next_events", &token, || handle.next_events(Duration::from_secs(60)));
    // The cancelled handle cannot stop its watcher, but dropping it does not wait.
    let started = Instant::now();
    drop(handle);
    assert!(started.elapsed() < BOUND);

    let token = CancelToken::new();
    assert_cancelled("watch_dir_stream", &token, || {
        sandbox
            .with_cancel(&token)
            .files()
            .watch_dir_stream("/home/user", WatchOptions::default(), None, &mut |_| std::ops::ControlFlow::Continue(()))
    });
}

#[test]
fn a_retry_waiting_out_retry_after_is_cancelled() {
    let server = Scripted::start(vec![Some((503, "Retry-After: 30\r\n", r#"{"message":"busy"}"#))]);
    let config = Config::builder()
        .api_key("key")
        .api_url(server.url.clone())
        .request_timeout(Some(Duration::from_secs(120)))
        .build();
    let token = CancelToken::new();
    let client = Client::new(config).with_cancel(&token);
    assert_cancelled("get_info", &token, || client.get_info("sbx"));
    assert_eq!(server.requests.lock().unwrap().len(), 1, "no retry after the cancel");
}

#[test]
fn a_create_against_a_silent_control_plane_is_cancelled_and_its_connection_closed() {
    let server = stub(|reader, _| read_head(reader));
    let config = Config::builder().api_key("key").api_url(server.url.clone()).build();
    let token = CancelToken::new();
    let client = Client::new(config).with_deadline(Duration::from_secs(60)).with_cancel(&token);
    let at = assert_cancelled("create", &token, || client.create_sandbox(&SandboxOptions::default()));
    server.assert_closed("create", at, BOUND);
}

#[test]
fn a_cancelled_token_stays_cancelled_and_fails_calls_without_a_request() {
    let server = Scripted::start(vec![Some((200, "", "{}"))]);
    let config = Config::builder().api_key("key").api_url(server.url.clone()).build();
    let token = CancelToken::new();
    token.cancel();
    token.cancel();
    assert!(token.is_cancelled() && token.clone().is_cancelled());
    let client = Client::new(config).with_cancel(&token).with_deadline(Duration::from_secs(5));
    assert!(client.cancel_token().is_some_and(CancelToken::is_cancelled));
    assert_eq!(client.deadline(), Some(Duration::from_secs(5)));
    for _ in 0..2 {
        let err = client.kill("sbx").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
        assert_eq!(err.message(), "kill sandbox sbx: the call was cancelled");
    }
    std::thread::sleep(Duration::from_millis(50));
    assert!(server.requests.lock().unwrap().is_empty());
}

//! Call deadlines (`with_deadline`): a call ends within its deadline
//! whatever the server does: drips, stalls mid-stream, or never answers.

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::Local;
use e2b::{Client, CommandOptions, Config, ErrorKind, RunCodeOptions, Sandbox, SandboxOptions, WatchOptions};

const DEADLINE: Duration = Duration::from_millis(1500);
/// What a call may take beyond its deadline.
const MARGIN: Duration = Duration::from_millis(700);

/// A server that hands each request (its head and body as text) to `answer`,
/// one thread per connection, keeping connections open.
fn stub(answer: fn(&str, &mut TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || loop {
                let request = common::read_request(&stream);
                if request.is_empty() {
                    return;
                }
                answer(&request, &mut stream);
            });
        }
    });
    url
}

/// Holds the connection open and silent long after any deadline of these tests.
fn stall(stream: &mut TcpStream) {
    std::thread::sleep(Duration::from_secs(60));
    let _ = stream.flush();
}

/// One Connect envelope as a chunk of a chunked body.
fn envelope_chunk(flags: u8, message: &str) -> Vec<u8> {
    let mut framed = vec![flags];
    framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
    framed.extend_from_slice(message.as_bytes());
    let mut chunk = format!("{:x}\r\n", framed.len()).into_bytes();
    chunk.extend_from_slice(&framed);
    chunk.extend_from_slice(b"\r\n");
    chunk
}

/// A sandbox made by e2b-local whose envd and ports are the stub at `url`,
/// with `request_timeout` as its client's request timeout and silence limit.
fn sandbox_at(local: &Local, url: &str, request_timeout: Duration) -> Sandbox {
    let config =
        common::config_for(&local.server).to_builder().sandbox_url(url).request_timeout(Some(request_timeout)).build();
    Client::new(config).create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120))).unwrap()
}

/// Runs `call`, which must fail with a timeout that names the call's
/// deadline within `DEADLINE` + `MARGIN`.
fn assert_deadline<T: std::fmt::Debug>(name: &str, call: impl FnOnce() -> e2b::Result<T>) {
    let started = Instant::now();
    let err = call().expect_err(name);
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{name}: {err}");
    assert!(err.message().contains("deadline"), "{name}: {err}");
    assert!(took >= DEADLINE - Duration::from_millis(50) && took < DEADLINE + MARGIN, "{name} took {took:?}: {err}");
}

#[test]
fn a_dripping_download_ends_at_the_deadline() {
    let url = stub(|_, stream| {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n");
        for _ in 0..1_048_576 {
            if stream.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let local = Local::start();
    // The drip never leaves 2 s of silence, so only the deadline can end it.
    let sandbox = sandbox_at(&local, &url, Duration::from_secs(2)).with_deadline(DEADLINE);
    assert_deadline("read", || sandbox.files().read("/big"));
    assert_deadline("download_file", || {
        let dir = tempfile::tempdir().unwrap();
        sandbox.files().download_file("/big", &dir.path().join("big"), None)
    });
}

#[test]
fn a_stalled_command_stream_ends_at_the_deadline() {
    let url = stub(|_, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/connect+json\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        let _ = stream.write_all(&envelope_chunk(0, r#"{"event":{"start":{"pid":7}}}"#));
        stall(stream);
    });
    let local = Local::start();
    let sandbox = sandbox_at(&local, &url, Duration::from_secs(8)).with_deadline(DEADLINE);
    assert_deadline("commands.run", || sandbox.commands().run("sleep 100", &CommandOptions::default(), None));

    // A started command's stream and the waits of its handle end within the deadline of the start.
    let handle = sandbox.commands().start("sleep 100", &CommandOptions::default()).unwrap();
    assert_eq!(handle.pid(), 7);
    assert_deadline("CommandHandle::wait", || handle.wait(None));
}

#[test]
fn a_stalled_run_ends_at_the_deadline() {
    let url = stub(|_, stream| {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n");
        stall(stream);
    });
    let local = Local::start();
    let sandbox = sandbox_at(&local, &url, Duration::from_secs(8)).with_deadline(DEADLINE);
    assert_deadline("run_code", || sandbox.run_code("1", &RunCodeOptions::default(), None));
}

#[test]
fn a_control_plane_that_never_answers_ends_at_the_deadline() {
    let url = stub(|_, stream| stall(stream));
    let config = Config::builder().api_key("k").api_url(url).build();
    let client = Client::new(config).with_deadline(DEADLINE);
    assert_eq!(client.deadline(), Some(DEADLINE));
    assert_deadline("create", || client.create_sandbox(&SandboxOptions::default()));
    assert_deadline("list_all", || client.list_all(&Default::default()));
}

#[test]
fn a_stalled_watch_stream_ends_at_the_deadline_with_an_error() {
    let url = stub(|_, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/connect+json\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        let _ = stream.write_all(&envelope_chunk(0, r#"{"start":{}}"#));
        stall(stream);
    });
    let local = Local::start();
    let sandbox = sandbox_at(&local, &url, Duration::from_secs(8)).with_deadline(DEADLINE);
    // The watch's own timeout ends it normally; the call's deadline, shorter, is an error.
    assert_deadline("watch_dir_stream", || {
        sandbox.files().watch_dir_stream(
            "/home/user",
            WatchOptions::default(),
            Some(Duration::from_secs(10)),
            &mut |_| std::ops::ControlFlow::Continue(()),
        )
    });
}

#[test]
fn polling_a_watch_ends_at_the_deadline() {
    // Every poll answers, slowly: only a deadline over the whole wait ends it early.
    let url = stub(|request, stream| {
        let body = if request.contains("CreateWatcher") { r#"{"watcherId":"w"}"# } else { "{}" };
        if request.contains("GetWatcherEvents") {
            std::thread::sleep(Duration::from_millis(400));
        }
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len());
        let _ = stream.write_all((head + body).as_bytes());
    });
    let local = Local::start();
    let sandbox = sandbox_at(&local, &url, Duration::from_secs(8)).with_deadline(DEADLINE);
    let watch = sandbox.files().watch_dir("/home/user", WatchOptions::default()).unwrap();
    assert_deadline("next_events", || watch.next_events(Duration::from_secs(10)));
}

#[test]
fn silence_and_deadline_are_told_apart() {
    let url = stub(|_, stream| {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        stall(stream);
    });
    let local = Local::start();
    let sandbox = sandbox_at(&local, &url, Duration::from_millis(500)).with_deadline(Duration::from_secs(30));
    let started = Instant::now();
    let err = sandbox.files().read("/a").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.message().contains("silence"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

//! A server the sandbox runs answers on its port through e2b-local, at the
//! host `get_host` names, as through E2B's edge; nothing leaves the machine.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Local;
use e2b::{CommandOptions, Sandbox};

/// One GET of `path` to e2b-local with `host` as the `Host`: the status line and the body.
fn get(local: &Local, host: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(local.server.addr()).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (head.lines().next().unwrap_or("").to_owned(), body.to_owned())
}

fn serve_files(sandbox: &Sandbox) {
    sandbox.files().write("/home/user/site/index.html", "hello from the sandbox").unwrap();
    let options = CommandOptions::default().cwd("/home/user/site");
    sandbox.commands().start("python3 -m http.server 8000", &options).unwrap();
}

#[test]
fn get_host_reaches_a_server_in_the_sandbox() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let host = sandbox.get_host(8000);
    assert_eq!(host, format!("8000-{}.{}", sandbox.id(), sandbox.domain()));
    assert_eq!(sandbox.traffic_access_token(), None);

    let (status, body) = get(&local, &host, "/");
    assert!(status.contains("502"), "{status}");
    assert!(body.contains("The sandbox is running but port is not open"), "{body}");

    serve_files(&sandbox);
    let start = Instant::now();
    let (status, body) = loop {
        let (status, body) = get(&local, &host, "/index.html");
        if status.contains("200") || start.elapsed() > Duration::from_secs(15) {
            break (status, body);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.contains("200"), "{status}: {body}");
    assert!(body.ends_with("hello from the sandbox"), "{body}");
}

//! A real e2b-local server per test, on a free port with its own data
//! directory, and a client configured for it.

#![allow(dead_code)]

pub mod fault;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

use e2b::{Client, Config, Sandbox, SandboxOptions};

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
    Config {
        api_key: Some(server.api_key().to_owned()),
        api_url: Some(server.url()),
        sandbox_url: Some(server.url()),
        ..Config::default()
    }
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

/// Reads one request (head and a Content-Length body) and returns it as text.
fn read_request(stream: &TcpStream) -> String {
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

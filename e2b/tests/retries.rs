//! Retries: what the client sends again after a lost answer or a passing
//! server error, and what it never sends twice.

mod common;

use std::time::Duration;

use common::{proxied, Fault, Local, Scripted};
use e2b::{Client, CommandOptions, ErrorKind, ListQuery, RunCodeOptions, Sandbox, SandboxOptions, SandboxState};

fn options() -> SandboxOptions {
    SandboxOptions::default().timeout(Duration::from_secs(120))
}

/// The ids of the sandboxes e2b-local has.
fn sandbox_ids(local: &Local) -> Vec<String> {
    local.client.list_all(&ListQuery::default()).unwrap().into_iter().map(|s| s.sandbox_id).collect()
}

#[test]
fn a_create_whose_answer_is_lost_is_sent_again_with_its_key_and_makes_one_sandbox() {
    for fault in [Fault::Reset, Fault::Truncate] {
        let local = Local::start();
        let (proxy, client) = proxied(&local);
        proxy.fail_next("POST /v2/sandboxes ", fault);
        let sandbox = client.create_sandbox(&options()).unwrap_or_else(|err| panic!("{fault:?}: {err}"));
        assert_eq!(proxy.seen("POST /v2/sandboxes "), 2, "{fault:?}");
        let keys = proxy.header_values("idempotency-key");
        assert_eq!(keys.len(), 2, "{fault:?}");
        assert_eq!(keys[0], keys[1], "{fault:?}: the retry carries the same key");
        assert_eq!(sandbox_ids(&local), [sandbox.id()], "{fault:?}: one sandbox, no orphan");
    }
}

#[test]
fn a_pause_or_kill_whose_answer_is_lost_reports_that_it_happened() {
    let local = Local::start();
    let (proxy, client) = proxied(&local);
    let sandbox = client.create_sandbox(&options()).unwrap();

    proxy.fail_next("/pause ", Fault::Reset);
    assert!(sandbox.pause().unwrap(), "our first attempt paused it");
    assert_eq!(proxy.seen("/pause "), 2);
    assert_eq!(local.client.get_info(sandbox.id()).unwrap().state, SandboxState::Paused);
    assert!(!sandbox.pause().unwrap(), "a pause of a paused sandbox still says so");

    proxy.fail_next(&format!("DELETE /sandboxes/{} ", sandbox.id()), Fault::Truncate);
    assert!(sandbox.kill().unwrap(), "our first attempt killed it");
    assert!(sandbox_ids(&local).is_empty());
    assert!(!sandbox.kill().unwrap());
}

#[test]
fn idempotent_envd_reads_are_sent_again_after_a_reset() {
    let local = Local::start();
    let (proxy, client) = proxied(&local);
    let sandbox = client.create_sandbox(&SandboxOptions::new("code-interpreter-v1")).unwrap();
    sandbox.files().write("/home/user/a.txt", "hello").unwrap();

    type Read = fn(&Sandbox) -> e2b::Result<()>;
    let reads: [(&str, Read); 6] = [
        ("Filesystem/Stat ", |s| s.files().get_info("/home/user/a.txt").map(drop)),
        ("Filesystem/Stat ", |s| s.files().exists("/home/user/a.txt").map(|found| assert!(found))),
        ("Filesystem/ListDir ", |s| s.files().list("/home/user", 1).map(|e| assert!(!e.is_empty()))),
        ("GET /files?", |s| s.files().read("/home/user/a.txt").map(|data| assert_eq!(data, b"hello"))),
        ("Process/List ", |s| s.commands().list().map(drop)),
        ("GET /contexts ", |s| s.list_code_contexts().map(drop)),
    ];
    for (pattern, read) in reads {
        for fault in [Fault::Reset, Fault::Truncate] {
            let before = proxy.seen(pattern);
            proxy.fail_next(pattern, fault);
            read(&sandbox).unwrap_or_else(|err| panic!("{pattern} {fault:?}: {err}"));
            assert_eq!(proxy.seen(pattern), before + 2, "{pattern} {fault:?}");
        }
    }
}

#[test]
fn writes_and_process_starts_are_never_sent_twice() {
    let local = Local::start();
    let (proxy, client) = proxied(&local);
    let sandbox = client.create_sandbox(&options()).unwrap();

    type Write = fn(&Sandbox) -> e2b::Result<()>;
    let writes: [(&str, Write); 4] = [
        ("POST /files?", |s| s.files().write("/home/user/b.txt", "x").map(drop)),
        ("Filesystem/MakeDir ", |s| s.files().make_dir("/home/user/d").map(drop)),
        ("Filesystem/Remove ", |s| s.files().remove("/home/user/b.txt")),
        ("Process/Start ", |s| s.commands().run("true", &CommandOptions::default(), None).map(drop)),
    ];
    for (pattern, write) in writes {
        proxy.fail_next(pattern, Fault::Reset);
        let err = write(&sandbox).expect_err(pattern);
        assert_eq!(err.kind(), ErrorKind::Network, "{pattern}: {err}");
        assert_eq!(proxy.seen(pattern), 1, "{pattern}: sent once");
        // The next one goes through.
        write(&sandbox).unwrap_or_else(|err| panic!("{pattern}: {err}"));
    }
}

/// A sandbox made by `local` whose envd is the scripted server at `url`.
fn sandbox_at(local: &Local, url: &str) -> Sandbox {
    let config = common::config_for(&local.server).to_builder().sandbox_url(url).build();
    Client::new(config).create_sandbox(&options()).unwrap()
}

const STAT: &str = r#"{"entry":{"name":"a","type":"FILE_TYPE_FILE","path":"/a","size":"1"}}"#;
const JSON: &str = "Content-Type: application/json\r\n";

#[test]
fn envd_reads_are_sent_again_after_502_503_and_504() {
    let local = Local::start();
    for status in [502, 503, 504] {
        let server = Scripted::start(vec![
            Some((status, JSON, r#"{"code":"unavailable","message":"busy"}"#)),
            Some((200, JSON, STAT)),
        ]);
        let sandbox = sandbox_at(&local, &server.url);
        let info = sandbox.files().get_info("/a").unwrap_or_else(|err| panic!("{status}: {err}"));
        assert_eq!(info.size, 1);
        assert_eq!(server.requests.lock().unwrap().len(), 2);

        let server = Scripted::start(vec![Some((status, "", "")), Some((200, "", "data"))]);
        let sandbox = sandbox_at(&local, &server.url);
        assert_eq!(sandbox.files().read("/a").unwrap_or_else(|err| panic!("{status}: {err}")), b"data");
    }
}

#[test]
fn a_sandbox_the_proxy_does_not_know_is_not_asked_again() {
    let local = Local::start();
    let gone = r#"{"sandboxId":"x","message":"The sandbox was not found","code":502}"#;
    let server = Scripted::start(vec![Some((502, JSON, gone)), Some((200, JSON, STAT))]);
    let sandbox = sandbox_at(&local, &server.url);
    let err = sandbox.files().get_info("/a").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SandboxGone, "{err}");
    assert_eq!(server.requests.lock().unwrap().len(), 1);
}

#[test]
fn a_run_is_not_sent_again() {
    let local = Local::start();
    let server = Scripted::start(vec![Some((503, "", "")), Some((200, "", ""))]);
    let sandbox = sandbox_at(&local, &server.url);
    let err = sandbox.run_code("1", &RunCodeOptions::default(), None).unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(server.requests.lock().unwrap().len(), 1);
}

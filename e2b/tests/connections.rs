//! Connection reuse: the client opens a TCP connection only when none is
//! idle, for any sequence of calls and for many threads at once.

mod common;

use std::sync::Barrier;

use common::{proxied, Local};
use e2b::{CommandOptions, RunCodeOptions, SandboxOptions};

#[test]
fn a_hundred_mixed_sequential_calls_use_one_connection() {
    let local = Local::start();
    let (proxy, client) = proxied(&local);
    let sandbox = client.create_sandbox(&SandboxOptions::new("code-interpreter-v1")).unwrap();
    let (files, commands) = (sandbox.files(), sandbox.commands());
    for round in 0..20 {
        let path = format!("/home/user/f{round}.txt");
        files.write(&path, format!("data {round}")).unwrap();
        assert_eq!(files.read_to_string(&path).unwrap(), format!("data {round}"));
        assert!(files.exists(&path).unwrap());
        assert!(!files.list("/home/user", 1).unwrap().is_empty());
        if round % 2 == 0 {
            assert_eq!(commands.run("echo hi", &CommandOptions::default(), None).unwrap().stdout, b"hi\n");
        } else {
            let execution = sandbox.run_code("1 + 1", &RunCodeOptions::default(), None).unwrap();
            assert_eq!(execution.text(), Some("2"));
        }
    }
    // Create and 100 calls on the sandbox, one after another.
    assert_eq!(proxy.accepted(), 1);
}

#[test]
fn a_post_without_a_body_keeps_its_connection() {
    let local = Local::start();
    let (proxy, client) = proxied(&local);
    let sandbox = client.create_sandbox(&SandboxOptions::new("code-interpreter-v1")).unwrap();
    let context = sandbox.create_code_context(None, None).unwrap();
    let in_context = RunCodeOptions::default().context_id(&context.id);
    for _ in 0..5 {
        // An empty body sent chunked arrives after the answer, and the server closes the connection.
        sandbox.restart_code_context(&context.id).unwrap();
        assert_eq!(sandbox.run_code("2 + 2", &in_context, None).unwrap().text(), Some("4"));
    }
    assert_eq!(proxy.accepted(), 1);
}

#[test]
fn sixty_four_threads_in_steady_state_open_no_connection() {
    const THREADS: usize = 64;
    let local = Local::start();
    let (proxy, client) = proxied(&local);
    let sandbox = client.create_sandbox(&SandboxOptions::default()).unwrap();
    sandbox.files().write("/home/user/a.txt", "a").unwrap();
    let barrier = Barrier::new(THREADS);
    let round = || {
        std::thread::scope(|scope| {
            for _ in 0..THREADS {
                scope.spawn(|| {
                    // All threads hold a connection at once, then each makes more calls.
                    barrier.wait();
                    for _ in 0..10 {
                        sandbox.files().get_info("/home/user/a.txt").unwrap();
                    }
                });
            }
        })
    };
    // However the threads overlap, no round needs more connections than there are threads: the
    // pool keeps every one of them, so more rounds open none beyond that (a pool smaller than
    // the concurrency closes and reopens connections every round).
    for _ in 0..3 {
        round();
    }
    let accepted = proxy.accepted();
    assert!(accepted <= THREADS + 1, "{accepted} connections for {THREADS} threads in three rounds");
}

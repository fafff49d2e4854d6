//! Reading and writing sandbox files against a real e2b-local.

mod common;

use std::time::{Duration, Instant};

use common::Local;
use e2b::ErrorKind;

#[test]
fn text_and_binary_round_trip_unchanged() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();

    let info = files.write("/home/user/hello.txt", "Hello, sandbox!").unwrap();
    assert_eq!((info.name.as_str(), info.path.as_str()), ("hello.txt", "/home/user/hello.txt"));
    assert_eq!(files.read_to_string("/home/user/hello.txt").unwrap(), "Hello, sandbox!");

    let every_byte: Vec<u8> = (0..=255u8).cycle().take(5 * 1024 * 1024 + 7).collect();
    files.write("/tmp/blob.bin", &every_byte).unwrap();
    assert_eq!(files.read("/tmp/blob.bin").unwrap(), every_byte);

    files.write("empty", b"").unwrap();
    assert_eq!(files.read("empty").unwrap(), b"");

    files.write("/home/user/hello.txt", "shorter").unwrap();
    assert_eq!(files.read_to_string("hello.txt").unwrap(), "shorter", "a rewrite truncates");
}

#[test]
fn paths_resolve_like_envd() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    let info = files.write("relative/deep/down.txt", "x").unwrap();
    assert_eq!(info.path, "/home/user/relative/deep/down.txt", "relative paths start at the home");
    assert_eq!(files.read_to_string("~/relative/deep/down.txt").unwrap(), "x");
    assert_eq!(files.read_to_string("/home/user/relative/../relative/deep/down.txt").unwrap(), "x");
    let name = "ünïcödé and spaces & symbols?.txt";
    files.write(name, "ok").unwrap();
    assert_eq!(files.read_to_string(&format!("/home/user/{name}")).unwrap(), "ok");
}

#[test]
fn no_path_leaves_the_sandbox() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    let outside = local.data_dir.path().join("outside.txt");

    // `..` cannot climb above the sandbox's root: it stops there, as under chroot.
    // (envd reports absolute paths as given, without cleaning them.)
    let info = files.write("/home/user/../../../../outside.txt", "caught").unwrap();
    assert_eq!(info.name, "outside.txt");
    assert_eq!(files.read_to_string("/outside.txt").unwrap(), "caught");
    assert!(!outside.exists());
    // The sandbox's own host name, never the host's.
    assert_eq!(files.read_to_string("/../../../../etc/hostname").unwrap(), "e2b\n");
    assert_eq!(files.read("/../../../../etc/no-such-file").unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn reading_what_is_not_a_file_fails_clearly() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();

    let err = files.read("/home/user/missing.txt").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::NotFound, Some(404)), "{err}");
    assert!(err.message().contains("/home/user/missing.txt"), "{err}");

    let err = files.read("/home/user").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");
    assert!(err.message().contains("is a directory"), "{err}");

    let err = files.write("/home/user", "x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");

    files.write("bytes.bin", [0xff, 0xfe]).unwrap();
    let err = files.read_to_string("bytes.bin").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
}

#[test]
fn sandboxes_do_not_see_each_others_files() {
    let local = Local::start();
    let first = local.sandbox();
    let second = local.sandbox();
    first.files().write("mine.txt", "first").unwrap();
    assert_eq!(second.files().read("mine.txt").unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn one_client_serves_many_threads() {
    let local = Local::start();
    let sandbox = local.sandbox();
    std::thread::scope(|scope| {
        for n in 0..8 {
            let sandbox = &sandbox;
            scope.spawn(move || {
                for round in 0..5 {
                    let path = format!("/tmp/thread-{n}.txt");
                    let text = format!("thread {n} round {round}");
                    sandbox.files().write(&path, &text).unwrap();
                    assert_eq!(sandbox.files().read_to_string(&path).unwrap(), text);
                }
            });
        }
    });
}

/// Runs `work` on its own thread and fails the test if it takes longer than
/// `limit`: a regression to a hang or a spin fails instead of stalling the suite.
fn within<T: Send + 'static>(limit: Duration, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(work());
    });
    receiver.recv_timeout(limit).unwrap_or_else(|_| panic!("the call did not return within {limit:?}"))
}

#[test]
fn a_stream_shorter_than_promised_fails_at_once() {
    let local = Local::start();
    let sandbox = local.sandbox();
    for gzip in [false, true] {
        let sandbox = sandbox.clone();
        let (err, elapsed) = within(Duration::from_secs(20), move || {
            let started = Instant::now();
            let err = sandbox.files().gzip(gzip).write_from("short.bin", &mut &b"12345"[..], Some(10), None);
            (err.unwrap_err(), started.elapsed())
        });
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        assert!(err.message().contains("5 of the 10 bytes"), "{err}");
        assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    }
}

#[test]
fn a_stream_longer_than_promised_fails() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let err = within(Duration::from_secs(20), move || {
        sandbox.files().write_from("long.bin", &mut &b"0123456789abc"[..], Some(10), None).unwrap_err()
    });
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("more than the 10 bytes"), "{err}");
}

#[test]
fn uploading_a_file_whose_size_lies_fails_at_once() {
    // Files under /sys report a size (often 4096) unrelated to their content.
    let lying = std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled");
    if !lying.exists() {
        eprintln!("skipped: {} does not exist here", lying.display());
        return;
    }
    let local = Local::start();
    let sandbox = local.sandbox();
    let err = within(Duration::from_secs(20), move || sandbox.files().upload_file(lying, "thp", None).unwrap_err());
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("of the 4096 bytes"), "{err}");
}

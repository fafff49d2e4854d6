//! The whole filesystem against a real e2b-local: listing, stat, directories,
//! removal, renames, many-file and streaming transfers, local files and trees,
//! signed URLs, and watching.

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use common::Local;
use e2b::{DirProgress, ErrorKind, EventType, FileType, WatchOptions, WriteEntry};

#[test]
fn list_and_stat_describe_entries() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    files.write("/home/user/project/a.txt", "hello").unwrap();
    files.write("/home/user/project/sub/b.bin", [0u8; 10]).unwrap();

    let top = files.list("/home/user/project", 1).unwrap();
    let names: Vec<_> = top.iter().map(|e| (e.name.as_str(), e.file_type)).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&("a.txt", FileType::File)) && names.contains(&("sub", FileType::Dir)), "{names:?}");

    let deep = files.list("/home/user/project", 2).unwrap();
    let b = deep.iter().find(|e| e.name == "b.bin").expect("depth 2 reaches sub/");
    assert_eq!((b.path.as_str(), b.size, b.file_type), ("/home/user/project/sub/b.bin", 10, FileType::File));

    let a = files.get_info("project/a.txt").unwrap();
    assert_eq!((a.name.as_str(), a.path.as_str(), a.size), ("a.txt", "/home/user/project/a.txt", 5));
    assert_eq!(a.permissions.len(), 10, "{}", a.permissions);
    assert!(a.permissions.starts_with('-'), "{}", a.permissions);
    assert!(a.modified_time.is_some());
    assert_eq!(files.get_info("project").unwrap().file_type, FileType::Dir);

    assert!(files.exists("project/a.txt").unwrap());
    assert!(!files.exists("project/missing").unwrap());
    let err = files.get_info("project/missing").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::NotFound, Some(404)), "{err}");
    let err = files.list("project/a.txt", 1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert_eq!(files.list("project", 0).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn directories_are_made_removed_and_renamed() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();

    assert!(files.make_dir("/home/user/x/y/z").unwrap(), "made with its parents");
    assert!(!files.make_dir("/home/user/x/y/z").unwrap(), "already there is reported, not an error");
    files.write("/home/user/x/file", "f").unwrap();
    assert_eq!(files.make_dir("/home/user/x/file").unwrap_err().kind(), ErrorKind::InvalidArgument);

    let moved = files.rename("/home/user/x/file", "/home/user/elsewhere/new-name").unwrap();
    assert_eq!(moved.path, "/home/user/elsewhere/new-name");
    assert_eq!(files.read_to_string("elsewhere/new-name").unwrap(), "f");
    assert!(!files.exists("x/file").unwrap());
    assert_eq!(files.rename("x/missing", "x/other").unwrap_err().kind(), ErrorKind::NotFound);

    files.remove("/home/user/x").unwrap();
    assert!(!files.exists("x").unwrap(), "removal is recursive");
    files.remove("/home/user/x").unwrap();
}

#[test]
fn many_files_go_in_one_request_with_their_parents() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    let entries = [
        WriteEntry::new("/home/user/batch/one.txt", b"1"),
        WriteEntry::new("batch/deep/two.bin", &[0, 255, 0]),
        WriteEntry::new("/tmp/three \"quoted\".txt", b"3"),
    ];
    let written = files.write_files(&entries).unwrap();
    assert_eq!(written.len(), 3);
    assert_eq!(files.read("batch/deep/two.bin").unwrap(), [0, 255, 0]);
    assert_eq!(files.read_to_string("/tmp/three \"quoted\".txt").unwrap(), "3");
    assert!(files.write_files(&[]).unwrap().is_empty());
}

#[test]
fn streams_move_large_files_and_report_progress() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    let size = 32 << 20;
    let data: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();

    let mut calls = 0;
    let mut last = (0, 0);
    let mut progress = |done: u64, total: u64| {
        calls += 1;
        last = (done, total);
        ControlFlow::Continue(())
    };
    files.write_from("big.bin", &mut Cursor::new(&data), Some(size as u64), Some(&mut progress)).unwrap();
    assert!(calls > 1);
    assert_eq!(last, (size as u64, size as u64));

    let mut out = Vec::new();
    assert_eq!(files.read_to("big.bin", &mut out, None).unwrap(), size as u64);
    assert!(out == data, "downloaded content differs");

    let mut reader = files.open_read("big.bin").unwrap();
    let mut head = [0u8; 4];
    reader.read_exact(&mut head).unwrap();
    assert_eq!(head, data[..4]);

    // gzip on the wire changes nothing in the content.
    let zipped = files.gzip(true);
    zipped.write("zipped.txt", "compress me ".repeat(10_000)).unwrap();
    assert_eq!(zipped.read_to_string("zipped.txt").unwrap(), "compress me ".repeat(10_000));
    assert_eq!(files.read_to_string("zipped.txt").unwrap(), "compress me ".repeat(10_000));

    let mut stop = |_: u64, _: u64| ControlFlow::Break(());
    let err = files.write_from("stopped.bin", &mut Cursor::new(&data), None, Some(&mut stop)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CallbackAborted, "{err}");
    let err = files.read_to("big.bin", &mut Vec::new(), Some(&mut stop)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CallbackAborted, "{err}");
}

#[test]
fn local_files_and_trees_upload_and_download() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    let work = tempfile::tempdir().unwrap();

    let source = work.path().join("source.bin");
    std::fs::write(&source, (0..=255u8).collect::<Vec<_>>()).unwrap();
    files.upload_file(&source, "/home/user/uploaded.bin", None).unwrap();
    let target = work.path().join("downloaded.bin");
    assert_eq!(files.download_file("/home/user/uploaded.bin", &target, None).unwrap(), 256);
    assert_eq!(std::fs::read(&target).unwrap(), std::fs::read(&source).unwrap());

    let err = files.download_file("/home/user/missing.bin", &work.path().join("nothing"), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!work.path().join("nothing").exists(), "a failed download leaves no file");
    let err = files.upload_file(&work.path().join("no-such-file"), "x", None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");

    let tree = work.path().join("tree");
    std::fs::create_dir_all(tree.join("src/deep")).unwrap();
    std::fs::create_dir_all(tree.join("empty")).unwrap();
    std::fs::write(tree.join("README"), "readme").unwrap();
    std::fs::write(tree.join("src/main.rs"), "fn main() {}").unwrap();
    std::fs::write(tree.join("src/deep/data.bin"), [1u8, 2, 3]).unwrap();
    // Each file is named as it starts, with its place and the tree's bytes.
    let mut seen: Vec<(String, usize, usize, u64, u64)> = Vec::new();
    let mut progress = |p: &DirProgress<'_>| {
        seen.push((p.path.to_owned(), p.index, p.count, p.done, p.total));
        ControlFlow::Continue(())
    };
    assert_eq!(files.upload_dir(&tree, "/home/user/tree", Some(&mut progress)).unwrap(), 3);
    let total = 6 + 12 + 3;
    let names: std::collections::BTreeSet<_> = seen.iter().map(|s| (s.1, s.0.as_str())).collect();
    assert_eq!(names.len(), 3, "{seen:?}");
    assert!(names.iter().any(|(_, path)| *path == "/home/user/tree/src/deep/data.bin"), "{names:?}");
    assert!(seen.iter().all(|s| s.2 == 3 && s.4 == total), "{seen:?}");
    assert_eq!(seen.last().map(|s| s.3), Some(total));
    assert!(seen.windows(2).all(|w| w[0].3 <= w[1].3 && w[0].1 <= w[1].1), "in order: {seen:?}");
    assert!(files.exists("tree/empty").unwrap(), "empty directories come along");
    assert_eq!(files.read_to_string("tree/src/main.rs").unwrap(), "fn main() {}");

    let copy = work.path().join("copy");
    let mut downloaded = Vec::new();
    let mut progress = |p: &DirProgress<'_>| {
        downloaded.push((p.path.to_owned(), p.index, p.done));
        ControlFlow::Continue(())
    };
    assert_eq!(files.download_dir("/home/user/tree", &copy, Some(&mut progress)).unwrap(), 3);
    let firsts: Vec<_> = downloaded.iter().filter(|d| downloaded.iter().all(|o| o.1 != d.1 || o.2 >= d.2)).collect();
    assert_eq!(firsts.iter().map(|d| d.1).collect::<Vec<_>>(), [0, 1, 2], "each file announced: {downloaded:?}");
    assert_eq!(downloaded.last().map(|d| d.2), Some(total));

    let mut stop_at_second =
        |p: &DirProgress<'_>| if p.index == 1 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) };
    let err =
        files.download_dir("/home/user/tree", &work.path().join("stopped"), Some(&mut stop_at_second)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CallbackAborted, "{err}");
    assert_eq!(std::fs::read(copy.join("src/deep/data.bin")).unwrap(), [1, 2, 3]);
    assert_eq!(std::fs::read_to_string(copy.join("README")).unwrap(), "readme");
    assert!(copy.join("empty").is_dir());
    let err = files.download_dir("/home/user/tree/README", &copy, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn signed_urls_work_without_credentials_until_they_expire() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    files.write("shared.txt", "for anyone with the link").unwrap();

    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    // As any program fetches it: no routing headers (E2B routes the URL by its host name,
    // e2b-local by the one sandbox whose token made the signature).
    let fetch = |url: &str| {
        let mut response = agent.get(url).call().unwrap();
        (response.status().as_u16(), response.body_mut().read_to_string().unwrap())
    };
    let url = files.download_url("/home/user/shared.txt", None).unwrap();
    assert!(url.contains("signature=v1_"), "{url}");
    assert_eq!(fetch(&url), (200, "for anyone with the link".to_owned()));

    let expiring = files.download_url("/home/user/shared.txt", Some(Duration::from_secs(60))).unwrap();
    assert!(expiring.contains("signature_expiration="), "{expiring}");
    assert_eq!(fetch(&expiring).0, 200);
    // envd reads the expiration as an int64: one too far ahead for it is capped, not wrapped.
    let lasting = files.download_url("/home/user/shared.txt", Some(Duration::from_secs(u64::MAX))).unwrap();
    assert!(lasting.contains(&format!("signature_expiration={}", i64::MAX)), "{lasting}");
    assert_eq!(fetch(&lasting).0, 200);

    let forged = url.replace("shared.txt", "other.txt");
    assert_eq!(fetch(&forged).0, 401);

    let upload = files.upload_url("/home/user/dropped.txt", None).unwrap();
    let boundary = "xyz";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dropped.txt\"\r\n\r\ndropped\r\n--{boundary}--\r\n"
    );
    let response = agent
        .post(&upload)
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .send(body)
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(files.read_to_string("dropped.txt").unwrap(), "dropped");
}

#[test]
fn a_polled_watch_reports_changes_in_order() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    files.make_dir("watched/sub").unwrap();
    let watch = files.watch_dir("watched", WatchOptions::default().recursive(true).include_entry(true)).unwrap();

    files.write("watched/new.txt", "1").unwrap();
    files.write("watched/sub/inner.txt", "2").unwrap();
    files.rename("watched/new.txt", "watched/renamed.txt").unwrap();
    files.remove("watched/renamed.txt").unwrap();

    let mut events = Vec::new();
    let started = Instant::now();
    // Until the last change shows (a poll may end before it).
    let removed = |events: &[e2b::FilesystemEvent]| {
        events.iter().any(|e| e.event_type == EventType::Remove && e.name == "renamed.txt")
    };
    while !removed(&events) && started.elapsed() < Duration::from_secs(10) {
        events.extend(watch.next_events(Duration::from_secs(2)).unwrap());
    }
    let seen: Vec<_> = events.iter().map(|e| (e.name.as_str(), e.event_type)).collect();
    for expected in [
        ("new.txt", EventType::Create),
        ("sub/inner.txt", EventType::Create),
        ("new.txt", EventType::Rename),
        ("renamed.txt", EventType::Remove),
    ] {
        assert!(seen.contains(&expected), "{expected:?} missing from {seen:?}");
    }
    let created = events.iter().find(|e| e.event_type == EventType::Create && e.name == "new.txt").unwrap();
    assert!(created.entry.is_some(), "include_entry attaches the entry");

    watch.stop().unwrap();
    watch.stop().unwrap();
    assert_eq!(watch.get_new_events().unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(files.watch_dir("no-such-dir", WatchOptions::default()).unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn a_streamed_watch_calls_back_until_told_to_stop_or_the_deadline() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    files.make_dir("streamed").unwrap();

    let writer = {
        let sandbox = sandbox.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            for n in 0..3 {
                sandbox.files().write(&format!("streamed/{n}.txt"), "x").unwrap();
            }
        })
    };
    let mut names = Vec::new();
    files
        .watch_dir_stream("streamed", WatchOptions::default(), Some(Duration::from_secs(20)), &mut |event| {
            if event.event_type == EventType::Create {
                names.push(event.name);
            }
            if names.len() == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    writer.join().unwrap();
    assert_eq!(names, ["0.txt", "1.txt", "2.txt"]);

    let started = Instant::now();
    files
        .watch_dir_stream("streamed", WatchOptions::default(), Some(Duration::from_secs(1)), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10), "the deadline ends the watch");
}

#[test]
fn stopping_a_watch_from_another_thread_ends_a_wait_with_no_events() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    files.make_dir("quiet").unwrap();
    for _ in 0..3 {
        let watch = std::sync::Arc::new(files.watch_dir("quiet", WatchOptions::default()).unwrap());
        let waiter = {
            let watch = watch.clone();
            std::thread::spawn(move || {
                let outcome = watch.next_events(Duration::from_secs(20));
                (outcome, Instant::now())
            })
        };
        std::thread::sleep(Duration::from_millis(300));
        let stopped = Instant::now();
        watch.stop().unwrap();
        let (outcome, returned) = waiter.join().unwrap();
        assert_eq!(outcome.unwrap(), [], "a stopped wait returns an empty batch");
        let after = returned.saturating_duration_since(stopped);
        assert!(after < Duration::from_millis(500), "returned {after:?} after the stop");
        assert_eq!(watch.next_events(Duration::ZERO).unwrap_err().kind(), ErrorKind::InvalidArgument);
    }
}

/// The bodies envd 0.6.13 answered to `method`, in order (tests/fixtures/envd/).
fn recorded(method: &str) -> Vec<&'static str> {
    let text = include_str!("../../tests/fixtures/envd/symlinks-and-watch.json");
    let fixture: serde_json::Value = serde_json::from_str(text).unwrap();
    let path = format!("/filesystem.Filesystem/{method}");
    let exchanges = fixture["exchanges"].as_array().unwrap().iter();
    let bodies = exchanges.filter(|e| e["request"]["path"] == path.as_str());
    bodies.map(|e| &*e["response"]["body"].as_str().unwrap().to_owned().leak()).collect()
}

const JSON: &str = "Content-Type: application/json\r\n";

/// A sandbox on a scripted server that answers its create, then `envd`'s
/// replies in order; the server records the requests.
fn scripted_sandbox(envd: Vec<common::Reply>) -> (common::Scripted, e2b::Sandbox) {
    const CREATED: &str =
        r#"{"templateID":"base","sandboxID":"abcdefghij0123456789","clientID":"c","envdVersion":"0.6.13"}"#;
    let replies = std::iter::once((201, JSON, CREATED)).chain(envd).map(Some).collect();
    let server = common::Scripted::start(replies);
    let client = e2b::Client::new(
        e2b::Config::builder()
            .api_key("e2b_00")
            .api_url(server.url.clone())
            .sandbox_url(server.url.clone())
            .max_retries(0)
            .build(),
    );
    let sandbox = client.create_sandbox(&e2b::SandboxOptions::default()).unwrap();
    (server, sandbox)
}

#[test]
fn links_and_types_are_read_as_the_real_envd_sends_them() {
    const EVENTS: &str = r#"{"events":[{"name":"x","type":"EVENT_TYPE_ATTRIB","entry":{"name":"x","type":"FILE_TYPE_WHITEOUT","path":"/w/x"}},
        {"name":"l","type":"EVENT_TYPE_CREATE","entry":{"name":"l","type":"FILE_TYPE_DIRECTORY","path":"/w/l","symlinkTarget":"/w/d"}}]}"#;
    let (stats, listings) = (recorded("Stat"), recorded("ListDir"));
    let (server, sandbox) = scripted_sandbox(vec![
        (200, JSON, stats[2]),
        (200, JSON, stats[4]),
        (200, JSON, listings[0]),
        (200, JSON, r#"{"watcherId":"w1"}"#),
        (200, JSON, EVENTS),
        (200, JSON, "{}"),
    ]);
    let files = sandbox.files();

    let link = files.get_info("/home/user/envdtest/fx/filelink").unwrap();
    assert_eq!(
        (link.file_type, link.symlink_target.as_deref()),
        (FileType::Symlink, Some("/home/user/envdtest/fx/file.txt"))
    );
    let dangling = files.get_info("/home/user/envdtest/fx/dangling").unwrap();
    assert_eq!(dangling.file_type, FileType::Symlink);
    let listed: Vec<_> =
        files.list("/home/user/envdtest/fx", 1).unwrap().into_iter().map(|e| (e.name, e.file_type)).collect();
    assert_eq!(
        listed,
        [
            ("dangling".to_owned(), FileType::Symlink),
            ("dir".to_owned(), FileType::Dir),
            ("dirlink".to_owned(), FileType::Symlink),
            ("file.txt".to_owned(), FileType::File),
            ("filelink".to_owned(), FileType::Symlink),
            ("outside".to_owned(), FileType::Symlink),
        ]
    );

    let watch = files.watch_dir("/w", WatchOptions::default().include_entry(true)).unwrap();
    let events = watch.get_new_events().unwrap();
    let seen: Vec<_> =
        events.iter().map(|e| (e.name.as_str(), e.event_type, e.entry.as_ref().map(|e| e.file_type))).collect();
    assert_eq!(
        seen,
        [("x", EventType::Other, Some(FileType::Other)), ("l", EventType::Create, Some(FileType::Symlink))]
    );
    watch.stop().unwrap();
    assert_eq!(server.requests.lock().unwrap().len(), 7);
}

#[test]
fn directory_transfers_skip_symbolic_links_and_never_follow_them() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    files.write("tree/real.txt", "real").unwrap();
    files.write("tree/dir/inner.txt", "inner").unwrap();
    files.write("elsewhere.txt", "not in the tree").unwrap();
    let links =
        "cd /home/user/tree && ln -s /home/user/tree/real.txt filelink && ln -s /home/user/elsewhere.txt outside \
                 && ln -s /home/user/tree/dir dirlink && ln -s /etc etclink && ln -s missing dangling \
                 && ln -s ../real.txt dir/uplink";
    sandbox.commands().run(links, &Default::default(), None).unwrap().check().unwrap();

    let outside = files.get_info("tree/outside").unwrap();
    assert_eq!(
        (outside.file_type, outside.symlink_target.as_deref()),
        (FileType::Symlink, Some("/home/user/elsewhere.txt"))
    );
    assert_eq!(files.get_info("tree/dirlink").unwrap().file_type, FileType::Symlink);
    assert_eq!(files.get_info("tree/dangling").unwrap().file_type, FileType::Symlink);
    let mut links: Vec<_> = files
        .list("tree", 1)
        .unwrap()
        .into_iter()
        .filter(|e| e.file_type == FileType::Symlink)
        .map(|e| e.name)
        .collect();
    links.sort();
    assert_eq!(links, ["dangling", "dirlink", "etclink", "filelink", "outside"]);

    let work = tempfile::tempdir().unwrap();
    let copy = work.path().join("copy");
    assert_eq!(files.download_dir("/home/user/tree", &copy, None).unwrap(), 2, "only the two regular files");
    assert_eq!(std::fs::read_to_string(copy.join("real.txt")).unwrap(), "real");
    assert_eq!(std::fs::read_to_string(copy.join("dir/inner.txt")).unwrap(), "inner");
    for link in ["filelink", "outside", "dirlink", "etclink", "dangling", "dir/uplink"] {
        assert!(std::fs::symlink_metadata(copy.join(link)).is_err(), "{link} was not skipped");
    }

    // Uploads skip local links the same way, wherever they point.
    let tree = work.path().join("local");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("a.txt"), "a").unwrap();
    std::os::unix::fs::symlink("a.txt", tree.join("inside")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", tree.join("outside")).unwrap();
    std::os::unix::fs::symlink("/etc", tree.join("sub/etc")).unwrap();
    assert_eq!(files.upload_dir(&tree, "/home/user/up", None).unwrap(), 1);
    assert_eq!(files.read_to_string("up/a.txt").unwrap(), "a");
    for link in ["up/inside", "up/outside", "up/sub/etc"] {
        assert!(!files.exists(link).unwrap(), "{link} was uploaded");
    }
}

#[test]
fn download_dir_skips_links_in_the_real_envd_s_shape() {
    // envd 0.6.13's listing of a folder holding a file, a directory and links to
    // each, a dangling link and a link leaving the tree, plus what a server that
    // followed the link to the directory would list beneath it.
    let (stats, listings) = (recorded("Stat"), recorded("ListDir"));
    let beneath =
        r#"{"name":"x.txt", "type":"FILE_TYPE_FILE", "path":"/home/user/envdtest/fx/dirlink/x.txt", "size":"1"}"#;
    let listing = listings[0].replacen("[", &format!("[{beneath}, "), 1).leak();
    let (server, sandbox) = scripted_sandbox(vec![
        (200, JSON, stats[1].replace("/dir\"", "\"").leak()),
        (200, JSON, listing),
        (200, "Content-Type: application/octet-stream\r\n", "abc"),
    ]);
    let work = tempfile::tempdir().unwrap();
    let copy = work.path().join("copy");
    assert_eq!(sandbox.files().download_dir("/home/user/envdtest/fx", &copy, None).unwrap(), 1);
    assert_eq!(std::fs::read_to_string(copy.join("file.txt")).unwrap(), "abc");
    assert!(copy.join("dir").is_dir());
    let mut local: Vec<_> = std::fs::read_dir(&copy).unwrap().map(|e| e.unwrap().file_name()).collect();
    local.sort();
    assert_eq!(local, ["dir", "file.txt"]);
    let requests = server.requests.lock().unwrap();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert!(requests[3].starts_with("GET /files?path=%2Fhome%2Fuser%2Fenvdtest%2Ffx%2Ffile.txt"), "{}", requests[3]);
}

#[test]
fn writes_carry_metadata_that_entries_report_and_each_write_replaces() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    let tagged = map(&[("Author", "Ada L."), ("rev", "2")]);
    let files = sandbox.files().with_metadata(&tagged);

    let written = files.write("meta/a.txt", "a").unwrap();
    let lowered = map(&[("author", "Ada L."), ("rev", "2")]);
    assert_eq!(written.metadata, lowered, "envd lowercases the keys");
    assert_eq!(files.get_info("meta/a.txt").unwrap().metadata, lowered);
    let written =
        files.write_files(&[WriteEntry::new("meta/b.txt", b"b"), WriteEntry::new("meta/c.txt", b"c")]).unwrap();
    assert!(written.iter().all(|w| w.metadata == lowered), "{written:?}");
    let listed = sandbox.files().list("meta", 1).unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|e| e.metadata == lowered), "{listed:?}");

    let other = map(&[("rev", "3")]);
    sandbox.files().with_metadata(&other).write("meta/a.txt", "a2").unwrap();
    assert_eq!(sandbox.files().get_info("meta/a.txt").unwrap().metadata, other, "a write replaces all metadata");
    let plain = sandbox.files().write("meta/a.txt", "a3").unwrap();
    assert!(plain.metadata.is_empty(), "{plain:?}");
    assert!(sandbox.files().get_info("meta/a.txt").unwrap().metadata.is_empty(), "a write without metadata clears it");

    // Checked before sending: nothing is written.
    for bad in [map(&[("a b", "v")]), map(&[("k", "caf\u{e9}")]), map(&[("k", "line\nbreak")])] {
        let err = sandbox.files().with_metadata(&bad).write("meta/bad.txt", "x").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    }
    assert!(!sandbox.files().exists("meta/bad.txt").unwrap());
    // Refused by envd: a key too long for an xattr name, too much in all.
    for bad in [map(&[(&"k".repeat(247), "v")]), map(&[("a", &"v".repeat(3000)), ("b", &"v".repeat(3000))])] {
        let err = sandbox.files().with_metadata(&bad).write("meta/bad.txt", "x").unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");
    }
    assert!(!sandbox.files().exists("meta/bad.txt").unwrap());
}

#[test]
fn watches_send_allow_network_mounts_only_when_set() {
    let watcher = r#"{"watcherId":"w1"}"#;
    let (server, sandbox) =
        scripted_sandbox(vec![(200, JSON, watcher), (200, JSON, "{}"), (200, JSON, watcher), (200, JSON, "{}")]);
    let files = sandbox.files();
    files.watch_dir("/mnt/nfs", WatchOptions::default().allow_network_mounts(true)).unwrap().stop().unwrap();
    files.watch_dir("/home/user", WatchOptions::default()).unwrap().stop().unwrap();
    let requests = server.requests.lock().unwrap();
    assert!(
        requests[1]
            .ends_with(r#"{"path":"/mnt/nfs","recursive":false,"includeEntry":false,"allowNetworkMounts":true}"#),
        "{}",
        requests[1]
    );
    assert!(
        requests[3].ends_with(r#"{"path":"/home/user","recursive":false,"includeEntry":false}"#),
        "{}",
        requests[3]
    );
}

#[test]
fn a_local_directory_is_watched_with_or_without_allow_network_mounts() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    files.make_dir("plain").unwrap();
    let watch = files.watch_dir("plain", WatchOptions::default().allow_network_mounts(true)).unwrap();
    files.write("plain/x", "1").unwrap();
    let started = Instant::now();
    let mut events = Vec::new();
    while events.is_empty() && started.elapsed() < Duration::from_secs(10) {
        events.extend(watch.next_events(Duration::from_secs(2)).unwrap());
    }
    assert!(events.iter().any(|e| e.name == "x"), "{events:?}");
    watch.stop().unwrap();
}

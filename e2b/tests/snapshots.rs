//! Snapshots and fork against a real e2b-local: take, list (filters and
//! pages), start sandboxes from, delete; fork; and their errors as the API
//! gives them. e2b-local keeps files, not memory: sandboxes from a snapshot
//! boot afresh.

mod common;

use std::time::Duration;

use common::{Local, Scripted};
use e2b::{
    Client, Config, ErrorKind, ForkOptions, SandboxOptions, SandboxState, SnapshotInfo, SnapshotMode, SnapshotOptions,
    SnapshotQuery, MAX_FORK_COUNT,
};

fn ids(items: &[SnapshotInfo]) -> Vec<String> {
    let mut ids: Vec<String> = items.iter().map(|s| s.snapshot_id.clone()).collect();
    ids.sort();
    ids
}

fn read(sandbox: &e2b::Sandbox, path: &str) -> String {
    String::from_utf8(sandbox.files().read(path).unwrap()).unwrap()
}

#[test]
fn a_snapshot_keeps_the_files_of_its_moment_and_sandboxes_start_from_it() {
    let local = Local::start();
    let source = local.sandbox();
    source.files().write("/home/user/before.txt", "written before").unwrap();
    let info = source.create_snapshot(&SnapshotOptions::default()).unwrap();
    let (template_id, tag) = info.snapshot_id.split_once(':').unwrap();
    assert_eq!((template_id.len(), tag), (20, "default"), "{info:?}");
    assert!(info.names.is_empty());
    source.files().write("/home/user/after.txt", "written after").unwrap();
    assert_eq!(source.get_info().unwrap().state, SandboxState::Running, "the source runs on");

    let options = SandboxOptions::from_snapshot(&info.snapshot_id).timeout(Duration::from_secs(120));
    let copy = local.client.create_sandbox(&options).unwrap();
    assert_eq!(read(&copy, "/home/user/before.txt"), "written before");
    assert!(!copy.files().exists("/home/user/after.txt").unwrap());
    assert_eq!(copy.get_info().unwrap().template_id, template_id);

    // A filesystem-only snapshot: the request's mode is accepted.
    let files_only = source.create_snapshot(&SnapshotOptions::default().mode(SnapshotMode::Filesystem)).unwrap();
    assert_ne!(files_only.snapshot_id, info.snapshot_id);

    assert!(local.client.delete_snapshot(&info.snapshot_id).unwrap());
    assert!(!local.client.delete_snapshot(&info.snapshot_id).unwrap(), "a second delete finds none");
    let err = local.client.create_sandbox(&SandboxOptions::from_snapshot(&info.snapshot_id)).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::NotFound, Some(404)), "{err}");
    assert_eq!(read(&copy, "/home/user/before.txt"), "written before", "a sandbox from it runs on");
    assert!(local.client.delete_snapshot(&files_only.snapshot_id).unwrap());
}

#[test]
fn named_snapshots_list_by_name_and_tag_and_start_by_name() {
    let local = Local::start();
    let sandbox = local.sandbox();
    sandbox.files().write("/home/user/version.txt", "1").unwrap();
    let first = sandbox.create_snapshot(&SnapshotOptions::default().name("env")).unwrap();
    assert_eq!(
        (first.snapshot_id.as_str(), first.names.as_slice()),
        ("local/env:default", &["local/env".to_owned()][..])
    );
    sandbox.files().write("/home/user/version.txt", "2").unwrap();
    let again = sandbox.create_snapshot(&SnapshotOptions::default().name("env")).unwrap();
    assert_eq!(again.snapshot_id, first.snapshot_id, "the same template, a new build");
    let tagged = sandbox.create_snapshot(&SnapshotOptions::default().name("env:v2")).unwrap();
    assert_eq!(tagged.snapshot_id, "local/env:v2");

    let listed = |name: &str| local.client.list_snapshots(&SnapshotQuery::default().name(name)).all().unwrap();
    assert_eq!(ids(&listed("env")), ["local/env:default", "local/env:v2"]);
    assert_eq!(ids(&listed("local/env")), ["local/env:default", "local/env:v2"]);
    assert_eq!(ids(&listed("env:v2")), ["local/env:v2"]);
    assert!(listed("unknown-name").is_empty());

    for reference in ["env", "local/env:default"] {
        let sbx = local.client.create_sandbox(&SandboxOptions::from_snapshot(reference)).unwrap();
        assert_eq!(read(&sbx, "/home/user/version.txt"), "2", "{reference}");
        sbx.kill().unwrap();
    }
    assert!(local.client.delete_snapshot("local/env:default").unwrap());
    assert!(listed("env").is_empty(), "every tag of the template goes");
}

#[test]
fn listing_pages_newest_first_and_filters_by_sandbox() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let other = local.sandbox();
    let made: Vec<String> =
        (0..5).map(|_| sandbox.create_snapshot(&SnapshotOptions::default()).unwrap().snapshot_id).collect();
    let theirs = other.create_snapshot(&SnapshotOptions::default()).unwrap();

    let mut paginator = sandbox.list_snapshots(&SnapshotQuery::default().limit(2));
    assert!(paginator.has_next());
    assert_eq!(paginator.next_token(), None);
    let mut pages = Vec::new();
    let mut tokens = Vec::new();
    while paginator.has_next() {
        pages.push(paginator.next_items().unwrap().into_iter().map(|s| s.snapshot_id).collect::<Vec<_>>());
        tokens.push(paginator.next_token().map(str::to_owned));
    }
    let newest_first: Vec<String> = made.iter().rev().cloned().collect();
    assert_eq!(pages, [newest_first[..2].to_vec(), newest_first[2..4].to_vec(), newest_first[4..].to_vec()]);
    assert!(tokens[0].is_some() && tokens[1].is_some() && tokens[2].is_none(), "{tokens:?}");
    let err = paginator.next_items().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");

    // A token resumes a listing elsewhere.
    let query = SnapshotQuery::default().sandbox_id(sandbox.id()).limit(2).next_token(tokens[0].clone().unwrap());
    assert_eq!(local.client.list_snapshots(&query).all().unwrap().len(), 3);

    let all = local.client.list_snapshots(&SnapshotQuery::default()).all().unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(all[0].snapshot_id, theirs.snapshot_id, "newest first");
    let of_other = local.client.list_snapshots(&SnapshotQuery::default().sandbox_id(other.id())).all().unwrap();
    assert_eq!(ids(&of_other), [theirs.snapshot_id]);
}

#[test]
fn snapshot_list_and_delete_errors_are_typed() {
    let local = Local::start();
    let unknown = "a".repeat(20);
    let err = local.client.create_snapshot(&unknown, &SnapshotOptions::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::SandboxNotFound, Some(404)), "{err}");

    let sandbox = local.sandbox();
    let err = sandbox.create_snapshot(&SnapshotOptions::default().name("Has Spaces")).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");
    assert!(err.message().contains("Invalid name"), "{err}");

    for query in [
        SnapshotQuery::default().next_token("garbage!"),
        SnapshotQuery::default().limit(0),
        SnapshotQuery::default().limit(101),
        SnapshotQuery::default().sandbox_id("Bad!"),
        SnapshotQuery::default().name("bad name"),
    ] {
        let err = local.client.list_snapshots(&query).next_items().unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{query:?}: {err}");
    }

    let err = local.client.delete_snapshot("base").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::PermissionDenied, Some(403)), "{err}");
    let err = local.client.delete_snapshot("Not A Name!").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");
    assert!(!local.client.delete_snapshot("local/never-made:default").unwrap());

    // Only running sandboxes can be snapshotted: a paused one is not found.
    assert!(sandbox.pause().unwrap());
    let err = sandbox.create_snapshot(&SnapshotOptions::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::SandboxNotFound, Some(404)), "{err}");
}

#[test]
fn fork_makes_independent_running_copies() {
    let local = Local::start();
    let source = local
        .client
        .create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(300)).metadata("kind", "original"))
        .unwrap();
    source.files().write("/home/user/shared.txt", "from the source").unwrap();
    let end_at = source.get_info().unwrap().end_at;

    let forks: Vec<e2b::Sandbox> = source
        .fork(&ForkOptions::default().count(2).timeout(Duration::from_secs(120)))
        .unwrap()
        .into_iter()
        .collect::<e2b::Result<_>>()
        .unwrap();
    assert_eq!(forks.len(), 2);
    assert!(forks.iter().all(|f| f.id() != source.id()) && forks[0].id() != forks[1].id());
    for (i, fork) in forks.iter().enumerate() {
        assert_eq!(read(fork, "/home/user/shared.txt"), "from the source");
        fork.files().write("/home/user/shared.txt", format!("fork {i}")).unwrap();
        let info = fork.get_info().unwrap();
        assert_eq!(info.state, SandboxState::Running);
        assert_eq!(info.metadata.get("kind").map(String::as_str), Some("original"));
    }
    assert_eq!(read(&forks[0], "/home/user/shared.txt"), "fork 0");
    assert_eq!(read(&forks[1], "/home/user/shared.txt"), "fork 1");
    assert_eq!(read(&source, "/home/user/shared.txt"), "from the source");
    assert_eq!(source.get_info().unwrap().end_at, end_at, "the source keeps its end");
    assert!(source.list_snapshots(&SnapshotQuery::default()).all().unwrap().is_empty(), "a fork makes no snapshot");

    // The API's defaults: one fork.
    let default = local.client.fork(source.id(), &ForkOptions::default()).unwrap();
    assert_eq!(default.len(), 1);
    assert!(default[0].as_ref().unwrap().is_running().unwrap());
}

#[test]
fn fork_errors_are_typed() {
    let local = Local::start();
    let unknown = "a".repeat(20);
    let err = local.client.fork(&unknown, &ForkOptions::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::SandboxNotFound, Some(404)), "{err}");

    let sandbox = local.sandbox();
    for count in [0, MAX_FORK_COUNT + 1] {
        let err = sandbox.fork(&ForkOptions::default().count(count)).unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, None), "{count}: {err}");
    }
    let err = sandbox.fork(&ForkOptions::default().timeout(Duration::from_secs(90_000))).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");

    assert!(sandbox.pause().unwrap());
    let err = sandbox.fork(&ForkOptions::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Conflict, Some(409)), "{err}");
    assert!(err.message().contains("paused and cannot be forked"), "{err}");
}

#[test]
fn each_fork_fails_on_its_own_and_fork_is_sent_once() {
    const FORKED: common::Reply = (
        201,
        "Content-Type: application/json\r\n",
        r#"[{"sandbox":{"templateID":"base","sandboxID":"abcdefghij0123456789","clientID":"c","envdVersion":"0.6.13"}},
            {"error":{"code":404,"message":"gone"}},{"error":{"code":429,"message":"too many"}},{}]"#,
    );
    let server = Scripted::start(vec![Some(FORKED), None, Some(FORKED)]);
    let client = Client::new(Config::builder().api_key("e2b_00").api_url(server.url.clone()).build());
    let results = client.fork("src", &ForkOptions::default().count(4)).unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0].as_ref().unwrap().id(), "abcdefghij0123456789");
    let kinds: Vec<ErrorKind> = results[1..].iter().map(|r| r.as_ref().unwrap_err().kind()).collect();
    assert_eq!(kinds, [ErrorKind::NotFound, ErrorKind::RateLimited, ErrorKind::Decode]);
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(err.message().contains("gone"), "{err}");
    let requests = server.requests.lock().unwrap().clone();
    assert!(requests[0].starts_with("POST /sandboxes/src/fork "), "{requests:?}");
    assert!(requests[0].ends_with(r#"{"count":4}"#), "{requests:?}");

    // A fork whose answer is lost is not sent again: that could make more forks.
    let err = client.fork("src", &ForkOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    assert_eq!(server.requests.lock().unwrap().len(), 2);
}

#[test]
fn snapshots_and_forks_are_retried_only_when_nothing_was_done() {
    const SNAPSHOT: common::Reply =
        (201, "Content-Type: application/json\r\n", r#"{"snapshotID":"t:default","names":[]}"#);
    const BUSY: common::Reply =
        (503, "Retry-After: 0\r\nContent-Type: application/json\r\n", r#"{"code":503,"message":"busy"}"#);
    const GATEWAY: common::Reply = (502, "Content-Type: text/plain\r\n", "bad gateway");
    // A 503 comes instead of the work: retried. A gateway's 502 may come after it: not retried.
    let server = Scripted::start(vec![Some(BUSY), Some(SNAPSHOT), Some(GATEWAY), Some(SNAPSHOT)]);
    let client = Client::new(Config::builder().api_key("e2b_00").api_url(server.url.clone()).build());
    let info = client.create_snapshot("src", &SnapshotOptions::default()).unwrap();
    assert_eq!(info.snapshot_id, "t:default");
    assert_eq!(server.requests.lock().unwrap().len(), 2);
    let err = client.create_snapshot("src", &SnapshotOptions::default().name("n")).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(502)), "{err}");
    assert_eq!(server.requests.lock().unwrap().len(), 3, "sent once");
    assert!(server.requests.lock().unwrap()[2].ends_with(r#"{"name":"n"}"#));
}

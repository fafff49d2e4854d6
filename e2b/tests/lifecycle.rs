//! Sandbox lifecycle against a real e2b-local: create, connect, pause,
//! resume, list, info, timeouts, kill, and their errors.

mod common;

use std::time::{Duration, Instant};

use common::{Local, Scripted};
use e2b::{Client, Config, ErrorKind, ListOrder, ListQuery, SandboxOptions, SandboxState, DEFAULT_SANDBOX_TIMEOUT};

#[test]
fn create_reports_a_secure_sandbox_and_its_details() {
    let local = Local::start();
    let options = SandboxOptions::default()
        .timeout(Duration::from_secs(90))
        .metadata("owner", "tests")
        .metadata("a b", "c&d")
        .env("GREETING", "hi");
    let sandbox = local.client.create_sandbox(&options).unwrap();
    assert_eq!(sandbox.id().len(), 20);
    assert!(sandbox.id().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    assert!(sandbox.access_token().is_some_and(|t| !t.is_empty()));
    assert_eq!(sandbox.template_id(), "base");

    let info = sandbox.get_info().unwrap();
    assert_eq!(info.sandbox_id, sandbox.id());
    assert_eq!(info.state, SandboxState::Running);
    assert_eq!(info.metadata.get("owner").map(String::as_str), Some("tests"));
    assert_eq!(info.metadata.get("a b").map(String::as_str), Some("c&d"));
    assert!(info.cpu_count > 0 && info.memory_mb > 0);
    assert!(info.started_at < info.end_at, "{} < {}", info.started_at, info.end_at);
    assert!(sandbox.is_running().unwrap());
}

#[test]
fn unknown_template_is_not_found() {
    let local = Local::start();
    let err = local.client.create_sandbox(&SandboxOptions::new("no-such-template")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.status(), Some(404));
    assert!(err.message().contains("no-such-template"), "{err}");
}

#[test]
fn create_rejects_a_zero_timeout_and_a_bad_idempotency_key() {
    let local = Local::start();
    let err = local.client.create_sandbox(&SandboxOptions::default().timeout(Duration::ZERO)).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");

    let options = SandboxOptions::default().idempotency_key("Not Valid");
    let err = local.client.create_sandbox(&options).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, None), "{err}");
    assert!(err.message().contains("idempotency key"), "{err}");
}

#[test]
fn a_repeated_idempotency_key_gives_the_same_sandbox() {
    let local = Local::start();
    let options = SandboxOptions::default().idempotency_key("create-once-1");
    let first = local.client.create_sandbox(&options).unwrap();
    let second = local.client.create_sandbox(&options).unwrap();
    assert_eq!(first.id(), second.id());
}

#[test]
fn insecure_sandboxes_have_no_access_token() {
    let local = Local::start();
    let options = SandboxOptions::default().secure(false);
    let keyed = options.clone().idempotency_key("insecure-key");
    let err = local.client.create_sandbox(&keyed).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, None), "{err}");
    let sandbox = local.client.create_sandbox(&options).unwrap();
    assert_eq!(sandbox.access_token(), None);
    sandbox.files().write("plain.txt", "no token needed").unwrap();
    assert_eq!(sandbox.files().read_to_string("plain.txt").unwrap(), "no token needed");
}

#[test]
fn pause_resume_keeps_files_and_reports_each_step() {
    let local = Local::start();
    let sandbox = local.sandbox();
    sandbox.files().write("/home/user/state.txt", "before pause").unwrap();

    assert!(sandbox.pause().unwrap(), "first pause pauses");
    assert!(!sandbox.pause().unwrap(), "second pause reports already paused");
    assert!(!sandbox.is_running().unwrap());
    assert_eq!(sandbox.get_info().unwrap().state, SandboxState::Paused);
    let err = sandbox.files().read("/home/user/state.txt").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::SandboxGone, Some(502)), "{err}");

    let (resumed, was_paused) = local.client.connect_reporting(sandbox.id(), Duration::from_secs(60)).unwrap();
    assert!(was_paused);
    assert_eq!(resumed.id(), sandbox.id());
    assert!(resumed.is_running().unwrap());
    assert_eq!(resumed.files().read_to_string("/home/user/state.txt").unwrap(), "before pause");

    let (_, was_paused) = local.client.connect_reporting(sandbox.id(), DEFAULT_SANDBOX_TIMEOUT).unwrap();
    assert!(!was_paused, "connecting to a running sandbox does not resume it");

    resumed.pause().unwrap();
    let again = local.client.resume(sandbox.id(), Duration::from_secs(60)).unwrap();
    assert_eq!(again.files().read_to_string("state.txt").unwrap(), "before pause");
}

#[test]
fn connect_extends_but_never_shortens_a_running_sandbox() {
    let local = Local::start();
    let sandbox = local.client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(600))).unwrap();
    let before = sandbox.get_info().unwrap().end_at;
    local.client.connect(sandbox.id(), Duration::from_secs(10)).unwrap();
    assert_eq!(sandbox.get_info().unwrap().end_at, before);
}

#[test]
fn kill_then_everything_reports_the_sandbox_gone() {
    let local = Local::start();
    let sandbox = local.sandbox();
    assert!(sandbox.kill().unwrap());
    assert!(!sandbox.kill().unwrap(), "killing twice reports it was not there");
    assert!(!local.client.kill(sandbox.id()).unwrap());

    let err = local.client.resume(sandbox.id(), DEFAULT_SANDBOX_TIMEOUT).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::SandboxNotFound, Some(404)), "{err}");
    assert!(err.message().contains(sandbox.id()), "{err}");
    assert_eq!(sandbox.get_info().unwrap_err().kind(), ErrorKind::SandboxNotFound);
    assert_eq!(sandbox.pause().unwrap_err().kind(), ErrorKind::SandboxNotFound);
    assert_eq!(sandbox.set_timeout(Duration::from_secs(5)).unwrap_err().kind(), ErrorKind::SandboxNotFound);
    assert!(!sandbox.is_running().unwrap());
    assert_eq!(sandbox.files().read("anything").unwrap_err().kind(), ErrorKind::SandboxGone);
}

#[test]
fn a_killed_paused_sandbox_is_gone_too() {
    let local = Local::start();
    let sandbox = local.sandbox();
    sandbox.pause().unwrap();
    assert!(local.client.kill(sandbox.id()).unwrap());
    assert_eq!(
        local.client.resume(sandbox.id(), DEFAULT_SANDBOX_TIMEOUT).unwrap_err().kind(),
        ErrorKind::SandboxNotFound
    );
}

#[test]
fn list_filters_by_state_and_metadata_and_pages() {
    let local = Local::start();
    let tagged = |tag: &str| SandboxOptions::default().metadata("suite", "list").metadata("tag", tag);
    let running = local.client.create_sandbox(&tagged("a b&c=d")).unwrap();
    let paused = local.client.create_sandbox(&tagged("second")).unwrap();
    let third = local.client.create_sandbox(&tagged("third")).unwrap();
    paused.pause().unwrap();

    let ids = |query: &ListQuery| -> Vec<String> {
        let mut ids: Vec<String> = local.client.list_all(query).unwrap().into_iter().map(|s| s.sandbox_id).collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<&str>| {
        v.sort();
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };

    assert_eq!(ids(&ListQuery::default()), sorted(vec![running.id(), paused.id(), third.id()]));
    let only_paused = ListQuery::default().state(SandboxState::Paused);
    assert_eq!(ids(&only_paused), vec![paused.id().to_owned()]);
    let only_running = ListQuery::default().state(SandboxState::Running);
    assert_eq!(ids(&only_running), sorted(vec![running.id(), third.id()]));

    let by_tag = ListQuery::default().metadata("tag", "a b&c=d");
    assert_eq!(ids(&by_tag), vec![running.id().to_owned()]);

    let mut query = ListQuery::default().limit(1);
    let mut pages = 0;
    let mut seen = Vec::new();
    loop {
        let page = local.client.list(&query).unwrap();
        assert!(page.sandboxes.len() <= 1);
        seen.extend(page.sandboxes.into_iter().map(|s| s.sandbox_id));
        pages += 1;
        match page.next_token {
            Some(token) => query.next_token = Some(token),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen, sorted(vec![running.id(), paused.id(), third.id()]));
    assert!(pages >= 3);

    let bad = ListQuery::default().limit(1000);
    assert_eq!(local.client.list(&bad).unwrap_err().kind(), ErrorKind::InvalidArgument);
    let bad = ListQuery::default().next_token("not-a-token");
    assert_eq!(local.client.list(&bad).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn list_orders_by_start_and_filters_by_template_and_start_time() {
    let local = Local::start();
    let first = local.client.create_sandbox(&SandboxOptions::default()).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let second = local.client.create_sandbox(&SandboxOptions::new("code-interpreter-v1")).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let third = local.client.create_sandbox(&SandboxOptions::default()).unwrap();
    third.pause().unwrap();
    let ids = |query: &ListQuery| -> Vec<String> {
        local.client.list_all(query).unwrap().into_iter().map(|s| s.sandbox_id).collect()
    };

    let newest_first = vec![third.id().to_owned(), second.id().to_owned(), first.id().to_owned()];
    assert_eq!(ids(&ListQuery::default()), newest_first);
    let oldest_first: Vec<String> = newest_first.iter().rev().cloned().collect();
    assert_eq!(ids(&ListQuery::default().order(ListOrder::Asc)), oldest_first);
    // Pages follow the order too.
    assert_eq!(ids(&ListQuery::default().order(ListOrder::Asc).limit(1)), oldest_first);

    assert_eq!(ids(&ListQuery::default().template("code-interpreter-v1")), [second.id()]);
    assert_eq!(ids(&ListQuery::default().template("no-such-template")), Vec::<String>::new());
    let tagged = local.client.list(&ListQuery::default().template("base:v1")).unwrap_err();
    assert_eq!(tagged.kind(), ErrorKind::InvalidArgument, "{tagged}");
    assert!(tagged.message().contains("tags are not supported"), "{tagged}");

    // Inclusive, as the API's: the second's own start time lists it.
    let since = local.client.get_info(second.id()).unwrap().started_at;
    assert_eq!(ids(&ListQuery::default().started_after(since)), [third.id(), second.id()]);
    let bad = local.client.list(&ListQuery::default().started_after("yesterday")).unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidArgument, "{bad}");

    // The running ones matching the filters, on all pages; absent when running is not asked for.
    let page = local.client.list(&ListQuery::default().limit(1)).unwrap();
    assert_eq!((page.sandboxes.len(), page.total_running), (1, Some(2)));
    let page = local.client.list(&ListQuery::default().state(SandboxState::Paused)).unwrap();
    assert_eq!((page.sandboxes.len(), page.total_running), (1, None));
}

#[test]
fn the_timeout_kills_a_sandbox_when_it_passes() {
    let local = Local::start();
    let sandbox = local.sandbox();
    sandbox.set_timeout(Duration::from_secs(1)).unwrap();
    wait_until(Duration::from_secs(10), || !sandbox.is_running().unwrap());
    assert_eq!(
        local.client.resume(sandbox.id(), DEFAULT_SANDBOX_TIMEOUT).unwrap_err().kind(),
        ErrorKind::SandboxNotFound
    );
}

#[test]
fn auto_pause_pauses_at_the_timeout_and_connect_resumes() {
    let local = Local::start();
    let options = SandboxOptions::default().timeout(Duration::from_secs(60)).auto_pause(true);
    let sandbox = local.client.create_sandbox(&options).unwrap();
    sandbox.files().write("kept.txt", "still here").unwrap();
    sandbox.set_timeout(Duration::from_secs(1)).unwrap();
    wait_until(Duration::from_secs(10), || sandbox.get_info().unwrap().state == SandboxState::Paused);
    let resumed = local.client.connect(sandbox.id(), Duration::from_secs(60)).unwrap();
    assert_eq!(resumed.files().read_to_string("kept.txt").unwrap(), "still here");
}

#[test]
fn paused_sandboxes_and_their_files_survive_a_server_restart() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let id = sandbox.id().to_owned();
    sandbox.files().write("/home/user/persist/data.bin", [0u8, 1, 2, 255]).unwrap();
    sandbox.pause().unwrap();

    let local = local.restart();
    assert_eq!(local.client.get_info(&id).unwrap().state, SandboxState::Paused);
    let resumed = local.client.resume(&id, DEFAULT_SANDBOX_TIMEOUT).unwrap();
    assert_eq!(resumed.files().read("/home/user/persist/data.bin").unwrap(), vec![0u8, 1, 2, 255]);
}

#[test]
fn a_wrong_or_missing_api_key_is_an_authentication_error() {
    let local = Local::start();
    let wrong = Client::new(common::config_for(&local.server).to_builder().api_key("e2b_0000").build());
    let err = wrong.create_sandbox(&SandboxOptions::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Authentication, Some(401)), "{err}");
    assert_eq!(wrong.list(&ListQuery::default()).unwrap_err().kind(), ErrorKind::Authentication);

    let missing = Client::new(Config::builder().api_url(local.server.url()).sandbox_url(local.server.url()).build());
    let err = missing.create_sandbox(&SandboxOptions::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Authentication, None), "{err}");
    assert!(err.message().contains("E2B_API_KEY"), "{err}");
}

#[test]
fn envd_rejects_a_wrong_access_token() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let url = format!("{}/files?path=%2Fhome%2Fuser%2Fx", local.server.url());
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut response = agent
        .get(&url)
        .header("E2b-Sandbox-Id", sandbox.id())
        .header("E2b-Sandbox-Port", "49983")
        .header("X-Access-Token", "wrong")
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let body = response.body_mut().read_to_string().unwrap();
    assert!(body.contains("access token present in header but does not match"), "{body}");
}

#[test]
fn a_silent_server_times_out_within_the_deadline() {
    let (_listener, url) = common::silent_server();
    let client = Client::new(
        Config::builder().api_key("e2b_00").api_url(url).request_timeout(Some(Duration::from_millis(300))).build(),
    );
    let started = Instant::now();
    let err = client.get_info("abc").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[test]
fn a_dropped_connection_is_a_network_error() {
    let server = Scripted::start(vec![None]);
    let client = Client::new(Config::builder().api_key("e2b_00").api_url(server.url.clone()).max_retries(0).build());
    let err = client.get_info("abc").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
}

/// The control plane's answer to a create, for scripted servers.
const CREATED: common::Reply = (
    201,
    "Content-Type: application/json\r\n",
    r#"{"templateID":"base","sandboxID":"abcdefghij0123456789","clientID":"c","envdVersion":"0.6.13"}"#,
);

/// The lower-level error behind `err`, if it is a `T`.
fn cause<T: std::error::Error + 'static>(err: &e2b::Error) -> Option<&T> {
    std::error::Error::source(err)?.downcast_ref::<T>()
}

#[test]
fn errors_keep_their_cause() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let refused = Client::new(Config::builder().api_key("e2b_00").api_url(url).max_retries(0).build());
    let err = refused.get_info("abc").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    let io = cause::<std::io::Error>(&err).unwrap_or_else(|| panic!("no io::Error behind {err:?}"));
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused, "{err:?}");

    let (_listener, url) = common::silent_server();
    let silent = Config::builder().api_key("e2b_00").api_url(url).request_timeout(Some(Duration::from_millis(200)));
    let err = Client::new(silent.build()).get_info("abc").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(matches!(cause::<ureq::Error>(&err), Some(ureq::Error::Timeout(_))), "{err:?}");

    const GARBLED: common::Reply = (200, "Content-Type: application/json\r\n", r#"{"sandboxID": 5}"#);
    let server = Scripted::start(vec![Some(CREATED), Some(GARBLED)]);
    let client = Client::new(Config::builder().api_key("e2b_00").api_url(server.url.clone()).build());
    let sandbox = client.create_sandbox(&SandboxOptions::default()).unwrap();
    let err = sandbox.get_info().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(cause::<serde_json::Error>(&err).is_some(), "{err:?}");

    let err = sandbox.files().upload_file(std::path::Path::new("/no/such/file"), "/tmp/x", None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_eq!(cause::<std::io::Error>(&err).map(std::io::Error::kind), Some(std::io::ErrorKind::NotFound), "{err:?}");
}

#[test]
fn debug_output_hides_the_api_key_and_the_access_token() {
    const SECRET_KEY: &str = "e2b_secret_key_0123456789";
    const SECRET_TOKENS: &str = r#""envdAccessToken":"secret-envd-token","trafficAccessToken":"secret-traffic-token""#;
    let created =
        format!(r#"{{"templateID":"base","sandboxID":"abcdefghij0123456789","envdVersion":"0.6.13",{SECRET_TOKENS}}}"#);
    let reply: common::Reply = (201, "Content-Type: application/json\r\n", Box::leak(created.into_boxed_str()));
    let server = Scripted::start(vec![Some(reply)]);
    let config = Config::builder()
        .api_key(SECRET_KEY)
        .api_url(server.url.clone())
        .header("Authorization", "Bearer secret-header")
        .unwrap()
        .build();
    let client = Client::new(config.clone());
    let sandbox = client.create_sandbox(&SandboxOptions::default()).unwrap();
    assert_eq!(sandbox.access_token(), Some("secret-envd-token"));
    let printed = format!("{config:?} {:?} {client:?} {sandbox:?} {:?}", config.to_builder(), sandbox.files());
    for secret in [SECRET_KEY, "secret-envd-token", "secret-traffic-token", "secret-header"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("abcdefghij0123456789"), "{printed}");
}

#[test]
fn connect_always_sends_the_lifetime_the_api_requires() {
    let server = Scripted::start(vec![Some(CREATED)]);
    let client = Client::new(Config::builder().api_key("e2b_00").api_url(server.url.clone()).build());
    client.connect("abcdefghij0123456789", DEFAULT_SANDBOX_TIMEOUT).unwrap();
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].ends_with(r#"{"timeout":300}"#), "{}", requests[0]);
}

#[test]
fn busy_answers_are_retried_with_the_same_idempotency_key() {
    const BUSY: common::Reply =
        (503, "Content-Type: application/json\r\nRetry-After: 0\r\n", r#"{"code":503,"message":"busy now"}"#);
    let server = Scripted::start(vec![Some(BUSY), Some(BUSY), Some(CREATED)]);
    let client = Client::new(Config::builder().api_key("e2b_00").api_url(server.url.clone()).build());
    let sandbox = client.create_sandbox(&SandboxOptions::default()).unwrap();
    assert_eq!(sandbox.id(), "abcdefghij0123456789");
    let requests = server.requests.lock().unwrap();
    assert_eq!(requests.len(), 3);
    let key = |request: &str| {
        request
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("idempotency-key:").map(|v| v.trim().to_owned()))
    };
    assert!(key(&requests[0]).is_some());
    assert!(requests.iter().all(|r| key(r) == key(&requests[0])));

    let server = Scripted::start(vec![Some(BUSY), Some(BUSY)]);
    let client = Client::new(Config::builder().api_key("e2b_00").api_url(server.url.clone()).max_retries(1).build());
    let err = client.create_sandbox(&SandboxOptions::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(503)), "{err}");
    assert!(err.message().contains("busy now"), "{err}");
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "condition not met within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn headers_that_could_not_be_sent_are_refused_when_added() {
    let builder = Config::builder().header("X-Test", "yes").unwrap();
    assert_eq!(builder.clone().build().headers(), [("X-Test".to_owned(), "yes".to_owned())]);
    for (name, value, part) in [
        ("", "v", "header name"),
        ("X-Bad\r\nInjected", "v", "header name"),
        ("X Space", "v", "header name"),
        ("X-Ok", "a\r\nInjected: yes", "header value"),
        ("X-Ok", "line\n", "header value"),
    ] {
        let err = builder.clone().header(name, value).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
        assert!(err.message().contains(part), "{err}");
    }
}

/// A listed sandbox in the API's shape, in `state`.
macro_rules! listed {
    ($id:literal, $state:literal) => {
        concat!(
            r#"{"templateID":"base","sandboxID":""#,
            $id,
            r#"","clientID":"c","startedAt":"2026-01-01T00:00:00Z","endAt":"2026-01-01T00:05:00Z","cpuCount":2,"#,
            r#""memoryMB":512,"diskSizeMB":1024,"metadata":null,"state":""#,
            $state,
            r#"","envdVersion":"0.6.13"}"#
        )
    };
}

#[test]
fn sandbox_states_newer_than_the_client_decode_as_unknown() {
    const JSON: &str = "Content-Type: application/json\r\n";
    const PAGE: &str = concat!("[", listed!("a", "running"), ",", listed!("b", "pausing"), "]");
    const ONE: &str = listed!("c", "snapshotting");
    let server = Scripted::start(vec![Some((200, JSON, PAGE)), Some((200, JSON, ONE))]);
    let config = Config::builder().api_key("e2b_00").api_url(server.url.clone()).build();
    let client = Client::new(config);

    let page = client.list(&ListQuery::default()).unwrap();
    let states: Vec<_> = page.sandboxes.iter().map(|s| (s.sandbox_id.as_str(), s.state)).collect();
    assert_eq!(states, [("a", SandboxState::Running), ("b", SandboxState::Unknown)]);
    assert_eq!(client.get_info("c").unwrap().state, SandboxState::Unknown);

    // Asking for sandboxes in a state the client cannot name is refused before any request.
    let query = ListQuery::default().state(SandboxState::Unknown);
    let err = client.list(&query).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
}

#[test]
fn a_sandbox_killed_under_a_running_call_is_reported_gone() {
    let local = Local::start();
    // The code interpreter runs in code-interpreter-v1 sandboxes (IPython is in their image).
    let options = SandboxOptions::new("code-interpreter-v1").timeout(Duration::from_secs(120));
    let sandbox = local.client.create_sandbox(&options).unwrap();
    let command = sandbox.commands().start("sleep 60", &Default::default()).unwrap();
    // The code interpreter's run, too: its stream breaks like a command's.
    let running_code = {
        let sandbox = sandbox.clone();
        std::thread::spawn(move || sandbox.run_code("import time; time.sleep(60)", &Default::default(), None))
    };
    std::thread::sleep(Duration::from_millis(1500));
    assert!(local.client.kill(sandbox.id()).unwrap());

    // Not a command that exited (with -1, "signal: killed"): the sandbox ended.
    let err = command.wait(None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SandboxGone, "{err}");
    assert!(err.message().contains("killed or reached its end of life"), "{err}");
    let err = running_code.join().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SandboxGone, "{err}");
}

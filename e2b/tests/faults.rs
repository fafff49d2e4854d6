//! Every public operation through a faulty network: a fault proxy
//! (`common::fault`) between the client and a real e2b-local spoils one
//! request of each call, and each case asserts that the call returns within
//! its deadline plus a small margin (a watchdog fails a hung call instead of
//! hanging the suite), that transient faults on safe operations end in
//! success, that errors have the right kind, that every byte that arrives is
//! correct, and, per test, that the server holds no duplicate or orphan
//! sandbox afterwards.
//!
//! Each test is one operation; its cases run in parallel threads against one
//! e2b-local, each through its own proxy and client. A failing test lists
//! every failing case.

mod common;

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use common::fault::{Fault, FaultProxy};
use common::Local;
use e2b::{
    Client, ErrorKind, EventType, FilesystemEvent, ListQuery, RunCodeOptions, Sandbox, SandboxOptions, SandboxState,
    WatchOptions, DEFAULT_SANDBOX_TIMEOUT,
};
use Fault::{Drip, Reset, ResetAfter, Stall, StallAfter, Status, Truncate};

/// The deadline of every call under test: the call deadline of the client
/// and the sandboxes under test ([`Client::with_deadline`]).
const DEADLINE: Duration = Duration::from_secs(3);
/// How much later than its deadline a call may return.
const MARGIN: Duration = Duration::from_millis(1500);
const MIB: usize = 1 << 20;
/// 20 bytes a second: any response body of more than 60 bytes outlasts the deadline.
const DRIP: Fault = Drip { bytes: 2, every: Duration::from_millis(100) };
/// Cut small (JSON, stream) bodies after this many bytes.
const SMALL: usize = 10;
/// Cut 1 MiB bodies halfway.
const HALF: usize = MIB / 2;

/// What a case must end in.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Success: the fault is transient and the operation safe to retry.
    Success,
    /// An error of one of these kinds.
    Fails(&'static [ErrorKind]),
    /// Success, or an error of one of these kinds (an unsafe operation the
    /// client may or may not have made safe to retry).
    SuccessOr(&'static [ErrorKind]),
}
use Expect::{Fails, Success, SuccessOr};

const TIMEOUT: &[ErrorKind] = &[ErrorKind::Timeout];
const NETWORK: &[ErrorKind] = &[ErrorKind::Network];

/// The kind an error status from the sandbox's proxy must map to.
fn status_kind(status: u16) -> &'static [ErrorKind] {
    match status {
        429 => &[ErrorKind::RateLimited],
        502 => &[ErrorKind::Network],
        503 => &[ErrorKind::Api],
        504 => &[ErrorKind::Timeout],
        _ => unreachable!(),
    }
}

/// The four error statuses, each ending as `expect(status)` says.
fn statuses(expect: impl Fn(u16) -> Expect) -> Vec<(Fault, Expect)> {
    [429, 502, 503, 504].into_iter().map(|status| (Status(status), expect(status))).collect()
}

/// The cases of a safe operation, one the client may repeat: every
/// transient fault (an error status, an answer lost or cut after `cut` body
/// bytes) ends in success; a stalled or dripping answer in a timeout.
fn safe_cases(cut: usize) -> Vec<(Fault, Expect)> {
    let mut cases = statuses(|_| Success);
    let late = Fails(TIMEOUT);
    cases.extend([(Reset, Success), (ResetAfter(cut), Success), (Truncate(cut), Success)]);
    cases.extend([(Stall, late), (StallAfter(cut), late), (DRIP, late)]);
    cases
}

/// The cases of an operation the client may not repeat blindly: an error
/// status ends in success or in its own kind of error, an answer lost or cut
/// after `cut` body bytes as `lost` says, a stalled one as `stall`, a
/// dripping one as `drip`.
fn unsafe_cases(cut: usize, lost: Expect, stall: Expect, drip: Expect) -> Vec<(Fault, Expect)> {
    let mut cases = statuses(|status| SuccessOr(status_kind(status)));
    cases.extend([(Reset, lost), (ResetAfter(cut), lost), (Truncate(cut), lost)]);
    cases.extend([(Stall, stall), (StallAfter(cut), stall), (DRIP, drip)]);
    cases
}

/// One e2b-local for a test's cases, and the sandboxes they may leave on it.
struct Suite {
    local: Local,
    kept: Mutex<BTreeSet<String>>,
}

/// One operation through one fault, with its own proxy and a client through it.
struct Case<'s> {
    suite: &'s Suite,
    name: String,
    fault: Fault,
    expect: Expect,
    proxy: FaultProxy,
    /// Through the proxy, with [`DEADLINE`] as its call deadline.
    client: Client,
}

impl Suite {
    fn start() -> Suite {
        Suite { local: Local::start(), kept: Mutex::default() }
    }

    /// A client straight to e2b-local, for setting up and checking.
    fn direct(&self) -> &Client {
        &self.local.client
    }

    /// A sandbox made directly, counted as expected at the end.
    fn sandbox(&self, template: &str) -> Sandbox {
        let options = SandboxOptions::new(template).timeout(Duration::from_secs(120));
        let sandbox = self.direct().create_sandbox(&options).expect("create a sandbox");
        self.keep(sandbox.id());
        sandbox
    }

    fn keep(&self, id: &str) {
        self.kept.lock().unwrap().insert(id.to_owned());
    }

    /// Runs `body` for each case in its own thread and fails with every case
    /// that failed; then checks that the server holds exactly the sandboxes
    /// the cases account for.
    fn run(&self, operation: &str, cases: Vec<(Fault, Expect)>, body: impl Fn(&Case) + Sync) {
        let failures: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = cases
                .into_iter()
                .map(|(fault, expect)| {
                    let name = format!("{operation} / {fault:?}");
                    let (body, case_name) = (&body, name.clone());
                    let handle = scope.spawn(move || body(&self.case(case_name, fault, expect)));
                    (name, handle)
                })
                .collect();
            handles
                .into_iter()
                .filter_map(|(name, handle)| handle.join().err().map(|panic| format!("{name}: {}", text(&panic))))
                .collect()
        });
        assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
        self.check_sandboxes();
    }

    fn case(&self, name: String, fault: Fault, expect: Expect) -> Case<'_> {
        let proxy = FaultProxy::start(self.local.server.addr());
        let client = Client::new(
            common::config_for(&self.local.server).to_builder().api_url(proxy.url()).sandbox_url(proxy.url()).build(),
        )
        .with_deadline(DEADLINE);
        Case { suite: self, name, fault, expect, proxy, client }
    }

    /// No duplicate or orphan sandbox: the server lists exactly those kept.
    fn check_sandboxes(&self) {
        let listed: BTreeSet<String> = self
            .direct()
            .list_all(&ListQuery::default())
            .expect("list sandboxes")
            .into_iter()
            .map(|info| info.sandbox_id)
            .collect();
        assert_eq!(listed, *self.kept.lock().unwrap(), "the server's sandboxes are not the ones the cases made");
    }
}

impl Case<'_> {
    /// The sandbox `id` as seen through this case's proxy (connected before
    /// any fault is armed), with [`DEADLINE`] as its call deadline.
    fn through_proxy(&self, id: &str) -> Sandbox {
        self.client.connect(id, DEFAULT_SANDBOX_TIMEOUT).expect("connect through the proxy").with_deadline(DEADLINE)
    }

    /// Arms the fault for the first request of `method` under `path`, then
    /// runs `call` under a watchdog and checks how it ended. Returns its
    /// value when it succeeded, `None` when it failed as expected; panics
    /// (failing the case) on a hang, an unexpected outcome, or a fault that
    /// never applied.
    fn call<T: Send + 'static>(
        &self,
        method: &str,
        path: &str,
        call: impl FnOnce() -> e2b::Result<T> + Send + 'static,
    ) -> Option<T> {
        self.proxy.inject(method, path, 1, self.fault);
        let limit = DEADLINE + MARGIN;
        let started = Instant::now();
        let (sender, receiver) = mpsc::channel();
        let worker = std::thread::spawn(move || drop(sender.send(call())));
        let outcome = match receiver.recv_timeout(limit) {
            Ok(outcome) => outcome,
            // The worker is left behind; dropping the proxy closes its connection.
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("hung: no answer within {limit:?}"),
            // A check inside the call failed (a wrong byte, say).
            Err(mpsc::RecvTimeoutError::Disconnected) => std::panic::resume_unwind(worker.join().unwrap_err()),
        };
        let took = started.elapsed();
        assert_eq!(self.proxy.fired(), 1, "the fault never applied; requests: {:?}", self.proxy.requests());
        match (self.expect, outcome) {
            (Success | SuccessOr(_), Ok(value)) => Some(value),
            (Fails(kinds) | SuccessOr(kinds), Err(err)) if kinds.contains(&err.kind()) => None,
            (Fails(kinds), Ok(_)) => panic!("succeeded after {took:?}; expected an error of kind {kinds:?}"),
            (expect, Err(err)) => panic!("failed after {took:?} with {:?}, expected {expect:?}: {err}", err.kind()),
        }
    }
}

/// A panic's message.
fn text(panic: &Box<dyn std::any::Any + Send>) -> String {
    match (panic.downcast_ref::<String>(), panic.downcast_ref::<&str>()) {
        (Some(message), _) => message.clone(),
        (_, Some(message)) => (*message).to_owned(),
        _ => "panicked".to_owned(),
    }
}

/// 1 MiB that no shifted or repeated piece of itself matches.
fn content() -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    (0..MIB)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

/// A file name for a case, unique in its sandbox.
fn file_for(case: &Case) -> String {
    let slug: String = case.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("/home/user/{slug}.bin")
}

// ---------------------------------------------------------------- control plane

#[test]
fn create() {
    let suite = Suite::start();
    // A create carries an idempotency key, so even one whose answer was lost is retried.
    let cases = safe_cases(SMALL);
    suite.run("create", cases, |case| {
        let options = SandboxOptions::default().timeout(Duration::from_secs(120));
        let client = case.client.clone();
        let created = case.call("POST", "/v2/sandboxes", move || {
            client.create_sandbox(&options).map(|sandbox| sandbox.id().to_owned())
        });
        // Every attempt carried one key; with it the caller can always find the sandbox the server made.
        let keys: BTreeSet<String> = case
            .proxy
            .requests()
            .iter()
            .filter(|seen| seen.method == "POST" && seen.path == "/v2/sandboxes")
            .map(|seen| seen.header("idempotency-key").expect("an Idempotency-Key").to_owned())
            .collect();
        assert_eq!(keys.len(), 1, "retries changed the key: {keys:?}");
        let key = keys.into_iter().next().unwrap();
        let recovered = SandboxOptions::default().timeout(Duration::from_secs(120)).idempotency_key(key);
        let found = case.suite.direct().create_sandbox(&recovered).expect("create again with the same key");
        if let Some(id) = created {
            assert_eq!(found.id(), id, "the same key gave another sandbox");
        }
        case.suite.keep(found.id());
    });
}

#[test]
fn get_info() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    // A read: retried after a lost or broken answer too.
    let cases = safe_cases(SMALL);
    suite.run("get_info", cases, |case| {
        let (client, id) = (case.client.clone(), sandbox.id().to_owned());
        let path = format!("/sandboxes/{id}");
        if let Some(info) = case.call("GET", &path, move || client.get_info(&id)) {
            assert_eq!(info.sandbox_id, sandbox.id());
            assert_eq!(info.state, SandboxState::Running);
        }
    });
}

#[test]
fn list() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    // A read: retried after a lost or broken answer too.
    let cases = safe_cases(SMALL);
    suite.run("list", cases, |case| {
        let client = case.client.clone();
        if let Some(page) = case.call("GET", "/v2/sandboxes?", move || client.list(&ListQuery::default())) {
            let ids: Vec<&str> = page.sandboxes.iter().map(|info| info.sandbox_id.as_str()).collect();
            assert_eq!(ids, [sandbox.id()]);
        }
    });
}

#[test]
fn pause() {
    let suite = Suite::start();
    // A pause is retried after a lost answer ("already paused" then counts as
    // done). The answer has no body, so cutting or dripping it changes nothing.
    let cases = safe_cases(SMALL).into_iter().filter(|(fault, _)| matches!(fault, Status(_) | Reset | Stall)).collect();
    suite.run("pause", cases, |case| {
        let id = case.suite.sandbox("base").id().to_owned();
        let (client, target) = (case.client.clone(), id.clone());
        // Ok(false) ("already paused") is fine after the client's own retry.
        if case.call("POST", &format!("/sandboxes/{id}/pause"), move || client.pause(&target)).is_some() {
            assert_eq!(case.suite.direct().get_info(&id).unwrap().state, SandboxState::Paused);
        }
    });
}

#[test]
fn connect() {
    let suite = Suite::start();
    // A resume is retried after a lost answer: a second one finds the sandbox running.
    let cases = safe_cases(SMALL);
    suite.run("connect", cases, |case| {
        let sandbox = case.suite.sandbox("base");
        sandbox.files().write("/home/user/kept.txt", "kept").unwrap();
        assert!(sandbox.pause().unwrap());
        let (client, id) = (case.client.clone(), sandbox.id().to_owned());
        let path = format!("/v2/sandboxes/{id}/connect");
        let timeout = Duration::from_secs(120);
        if let Some(resumed) = case.call("POST", &path, move || client.connect(&id, timeout)) {
            assert_eq!(resumed.id(), sandbox.id());
            assert_eq!(case.suite.direct().get_info(sandbox.id()).unwrap().state, SandboxState::Running);
            assert_eq!(sandbox.files().read("/home/user/kept.txt").unwrap(), b"kept");
        }
    });
}

// ---------------------------------------------------------------- files

/// A write through `fault`: on success the new content is there whole; on
/// failure the file holds the old content or the new, never a part.
fn check_write(case: &Case, sandbox: &Sandbox, stream: bool) {
    let path = file_for(case);
    let data = Arc::new(content());
    sandbox.files().write(&path, "old").unwrap();
    let proxied = case.through_proxy(sandbox.id());
    let (target, sent) = (path.clone(), data.clone());
    let written = case.call("POST", "/files", move || match stream {
        true => proxied.files().write_from(&target, &mut sent.as_slice(), None, None),
        false => proxied.files().write(&target, sent.as_slice()),
    });
    let now = sandbox.files().read(&path).unwrap();
    match written {
        Some(info) => {
            assert_eq!(info.path, path);
            assert!(now == *data, "the written file differs from what was sent ({} bytes)", now.len());
        }
        None => assert!(now == b"old" || now == *data, "a failed write left {} bytes of something else", now.len()),
    }
}

/// The cases of a write of 1 MiB: it may be repeated or not. The call
/// deadline ends a stalled or dripping transfer in time.
fn write_cases() -> Vec<(Fault, Expect)> {
    unsafe_cases(SMALL, SuccessOr(NETWORK), Fails(TIMEOUT), Fails(TIMEOUT))
}

#[test]
fn files_write() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    suite.run("files write", write_cases(), |case| check_write(case, &sandbox, false));
}

#[test]
fn files_write_stream() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    suite.run("files write_from", write_cases(), |case| check_write(case, &sandbox, true));
}

#[test]
fn files_read() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    // Nothing reaches the caller before the whole file is in, so even an
    // answer cut halfway is retried; the call deadline ends a dripping one.
    let cases = safe_cases(HALF);
    let data = Arc::new(content());
    suite.run("files read", cases, |case| {
        let path = file_for(case);
        sandbox.files().write(&path, data.as_slice()).unwrap();
        let proxied = case.through_proxy(sandbox.id());
        if let Some(read) = case.call("GET", "/files", move || proxied.files().read(&path)) {
            assert!(read == *data, "read {} bytes that differ from the file", read.len());
        }
    });
}

/// A writer that checks every byte against the file as it arrives.
struct Checker {
    expected: Arc<Vec<u8>>,
    at: usize,
}

impl Write for Checker {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let want = self.expected.get(self.at..self.at + buf.len());
        assert!(want == Some(buf), "wrong or extra bytes at offset {}", self.at);
        self.at += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn files_read_stream() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    // A read is retried until its answer begins; the call deadline ends a dripping one.
    let cases = safe_cases(HALF)
        .into_iter()
        .map(|(fault, expect)| match fault {
            // Bytes already handed to the caller cannot be taken back: an error is right.
            ResetAfter(_) | Truncate(_) => (fault, SuccessOr(NETWORK)),
            _ => (fault, expect),
        })
        .collect();
    let data = Arc::new(content());
    suite.run("files read_to", cases, |case| {
        let path = file_for(case);
        sandbox.files().write(&path, data.as_slice()).unwrap();
        let proxied = case.through_proxy(sandbox.id());
        let expected = data.clone();
        let read = case.call("GET", "/files", move || {
            let mut checker = Checker { expected, at: 0 };
            proxied.files().read_to(&path, &mut checker, None)
        });
        if let Some(read) = read {
            assert_eq!(read, MIB as u64);
        }
    });
}

#[test]
fn files_stat() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    sandbox.files().write("/home/user/stat.txt", "12345").unwrap();
    // An idempotent envd call: retried after an error status or a lost or broken answer.
    suite.run("files get_info", safe_cases(SMALL), |case| {
        let proxied = case.through_proxy(sandbox.id());
        let path = "/filesystem.Filesystem/Stat";
        if let Some(entry) = case.call("POST", path, move || proxied.files().get_info("/home/user/stat.txt")) {
            assert_eq!((entry.path.as_str(), entry.size), ("/home/user/stat.txt", 5));
        }
    });
}

#[test]
fn files_list() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    for name in ["a.txt", "b.txt", "c/d.txt"] {
        sandbox.files().write(&format!("/home/user/listed/{name}"), name).unwrap();
    }
    // An idempotent envd call: retried after an error status or a lost or broken answer.
    suite.run("files list", safe_cases(SMALL), |case| {
        let proxied = case.through_proxy(sandbox.id());
        let path = "/filesystem.Filesystem/ListDir";
        if let Some(entries) = case.call("POST", path, move || proxied.files().list("/home/user/listed", 2)) {
            let mut paths: Vec<String> = entries.into_iter().map(|entry| entry.path).collect();
            paths.sort();
            let want = ["a.txt", "b.txt", "c", "c/d.txt"].map(|name| format!("/home/user/listed/{name}"));
            assert_eq!(paths, want);
        }
    });
}

// ---------------------------------------------------------------- streams

/// The cases of a call that starts something (a process, a run): never safe
/// to repeat once the server has it, so a lost answer is an error. Streams
/// time out on silence only after long (90 s for commands, 30 s for
/// run_code): the call deadline ends a stalled or dripping one.
fn start_cases() -> Vec<(Fault, Expect)> {
    unsafe_cases(SMALL, Fails(NETWORK), Fails(TIMEOUT), Fails(TIMEOUT))
}

#[test]
fn commands_run() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    sandbox.commands().run("true", &Default::default(), None).unwrap();
    suite.run("commands run", start_cases(), |case| {
        let proxied = case.through_proxy(sandbox.id());
        let run = move || proxied.commands().run("echo out; echo err >&2", &Default::default(), None);
        if let Some(result) = case.call("POST", "/process.Process/Start", run) {
            assert_eq!(
                (result.stdout.as_slice(), result.stderr.as_slice(), result.exit_code),
                (&b"out\n"[..], &b"err\n"[..], 0)
            );
        }
    });
}

#[test]
fn run_code() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("code-interpreter-v1");
    sandbox.run_code("0", &RunCodeOptions::default(), None).unwrap();
    suite.run("run_code", start_cases(), |case| {
        let proxied = case.through_proxy(sandbox.id());
        let run = move || proxied.run_code("print('out')\n6 * 7", &RunCodeOptions::default(), None);
        if let Some(execution) = case.call("POST", "/execute", run) {
            assert_eq!(execution.stdout_text(), "out\n");
            assert_eq!(execution.text(), Some("42"));
            assert!(execution.error.is_none(), "{:?}", execution.error);
        }
    });
}

/// Makes files `f0`, `f1`, ... in a directory every 100 ms until dropped,
/// so that a watch always has something to report.
struct FileMaker {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FileMaker {
    fn start(sandbox: &Sandbox, dir: &str) -> FileMaker {
        sandbox.files().make_dir(dir).unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let (sandbox, dir, stop) = (sandbox.clone(), dir.to_owned(), done.clone());
        let thread = std::thread::spawn(move || {
            for n in 0.. {
                std::thread::sleep(Duration::from_millis(100));
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let _ = sandbox.files().write(&format!("{dir}/f{n}"), "x");
            }
        });
        FileMaker { done, thread: Some(thread) }
    }
}

impl Drop for FileMaker {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Every event is about a file the [`FileMaker`] made, and one that making
/// it causes: envd writes a new file as CREATE, CHMOD (it gives the file to
/// the user), WRITE (see the envd fixtures' README).
fn check_events(events: &[FilesystemEvent]) {
    for event in events {
        let known = event.name.strip_prefix('f').is_some_and(|n| n.parse::<u32>().is_ok());
        assert!(known, "an event for a file nobody made: {event:?}");
        assert!(matches!(event.event_type, EventType::Create | EventType::Chmod | EventType::Write), "{event:?}");
    }
}

/// A directory for a case's watch.
fn dir_for(case: &Case) -> String {
    file_for(case).trim_end_matches(".bin").to_owned()
}

#[test]
fn watch_stream() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    // A watch only reads, and ends on its own timeout (the deadline here) with success.
    let cases = unsafe_cases(SMALL, SuccessOr(NETWORK), SuccessOr(TIMEOUT), SuccessOr(TIMEOUT));
    suite.run("watch_dir_stream", cases, |case| {
        let dir = dir_for(case);
        let _maker = FileMaker::start(&sandbox, &dir);
        let proxied = case.through_proxy(sandbox.id());
        let seen = case.call("POST", "/filesystem.Filesystem/WatchDir", move || {
            let mut seen = Vec::new();
            proxied.files().watch_dir_stream(&dir, WatchOptions::default(), Some(DEADLINE), &mut |event| {
                seen.push(event);
                ControlFlow::Break(())
            })?;
            Ok(seen)
        });
        check_events(&seen.unwrap_or_default());
    });
}

#[test]
fn watch_handle() {
    let suite = Suite::start();
    let sandbox = suite.sandbox("base");
    // Fetching events takes them from envd: a lost answer may lose events, so
    // either outcome is right, as long as it is timely and typed. An empty
    // answer is `{}`: cuts come after its first byte.
    let cases = unsafe_cases(1, SuccessOr(NETWORK), Fails(TIMEOUT), SuccessOr(TIMEOUT));
    suite.run("watch_dir next_events", cases, |case| {
        let dir = dir_for(case);
        let _maker = FileMaker::start(&sandbox, &dir);
        let proxied = case.through_proxy(sandbox.id());
        let handle = proxied.files().watch_dir(&dir, WatchOptions::default()).unwrap();
        let path = "/filesystem.Filesystem/GetWatcherEvents";
        let events = case.call("POST", path, move || handle.next_events(Duration::from_millis(500)));
        check_events(&events.unwrap_or_default());
    });
}

#[test]
fn the_proxy_passes_traffic_through_and_spoils_only_the_chosen_request() {
    let local = Local::start();
    let proxy = FaultProxy::start(local.server.addr());
    let client = Client::new(
        common::config_for(&local.server).to_builder().api_url(proxy.url()).sandbox_url(proxy.url()).build(),
    );
    let sandbox = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120))).unwrap();
    // A chunked request body, a 1 MiB response, a chunked streamed response.
    let data = content();
    sandbox.files().write_from("/home/user/big.bin", &mut data.as_slice(), None, None).unwrap();
    assert!(sandbox.files().read("/home/user/big.bin").unwrap() == data);
    let counted = sandbox.commands().run("seq 1 100000", &Default::default(), None).unwrap();
    let want: String = (1..=100000).map(|n| format!("{n}\n")).collect();
    assert!(counted.stdout == want.as_bytes(), "{} bytes of output differ", counted.stdout.len());

    // The third Stat is answered 503 by the proxy; a read, so the client asks again.
    proxy.inject("POST", "/filesystem.Filesystem/Stat", 3, Status(503));
    for _ in 1..=5 {
        assert_eq!(sandbox.files().get_info("/home/user/big.bin").unwrap().size, MIB as u64);
    }
    let requests = proxy.requests();
    let stats: Vec<_> = requests.iter().filter(|seen| seen.path == "/filesystem.Filesystem/Stat").collect();
    let faults: Vec<_> = stats.iter().map(|seen| seen.fault).collect();
    assert_eq!(faults, [None, None, Some(Status(503)), None, None, None], "{requests:?}");
    assert_eq!(requests.iter().filter(|seen| seen.fault.is_some()).count(), 1);
    assert_eq!(proxy.fired(), 1);
    // One connection carries everything: the chunked upload, the 1 MiB
    // download, the stream (read to its end), the error status and its retry.
    assert_eq!(proxy.connections(), 1, "{requests:?}");
    assert!(sandbox.kill().unwrap());
}

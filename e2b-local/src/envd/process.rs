//! envd's process service, `process.Process` over Connect (E2B's `spec/envd/process/process.proto`): commands run
//! as real processes in the sandbox's jail ([`crate::isolation`]).
//!
//! Each process has a pump task that reads its output and fans it out to the streams that
//! follow it (`Start`, `Connect`), chunk by chunk, with back-pressure as envd has. A stream
//! that goes away leaves the process running. When the process ends, its `end` event is kept
//! for a while, so that `Connect` to a process that just ended still gets `start` and `end`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Extension, Path};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use e2b_protocol::json::{base64_bytes, null_as_default as nullable};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use super::Sandbox;
use crate::connect::{self, ConnectError, EnvelopeReader, StreamSender};
use crate::error::ApiError;
use crate::isolation::{self, HostProcess, User, DEFAULT_PATH};
use crate::paths;
use crate::sandboxes::Runtime;

/// How long `Connect` still finds a process that has ended.
const RETENTION: Duration = Duration::from_secs(60);
/// The largest output chunk (envd reads 32 KiB at a time, 16 KiB from a terminal).
const CHUNK: usize = 32 << 10;
const PTY_CHUNK: usize = 16 << 10;
/// Events buffered per follower before the pump waits for it (envd's buffer).
const BUFFER: usize = 64;
/// After the process ends, output still in its pipes is forwarded; output that keeps coming
/// (from a child it left behind) is cut after these.
const DRAIN_IDLE: Duration = Duration::from_millis(20);
const DRAIN_MAX: Duration = Duration::from_millis(200);

/// One `process.Process` call: `POST /process.Process/{method}`.
pub async fn call(
    Path(method): Path<String>,
    Extension(sandbox): Extension<Sandbox>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let runtime = sandbox.runtime;
    match method.as_str() {
        "Start" => cut_when_gone(start(runtime.clone(), &headers, body).await, &runtime),
        "Connect" => cut_when_gone(connect(runtime.clone(), &headers, body).await, &runtime),
        "List" => unary(body, |_: serde_json::Value| async move { Ok(runtime.processes.list()) }).await,
        "SendInput" => unary(body, |r: SendInputRequest| async move { send_input(&runtime, r).await }).await,
        "StreamInput" => stream_input(runtime, body).await,
        "SendSignal" => unary(body, |r: SendSignalRequest| async move { send_signal(&runtime, r) }).await,
        "CloseStdin" => unary(body, |r: SelectorRequest| async move { close_stdin(&runtime, r).await }).await,
        "Update" => unary(body, |r: UpdateRequest| async move { update(&runtime, r) }).await,
        _ => ApiError::not_found("Not Found").into_response(),
    }
}

/// A process stream that breaks off when the sandbox is killed (see [`Runtime::gone`]).
fn cut_when_gone(response: Response, runtime: &Runtime) -> Response {
    response.map(|body| crate::stream::cut_when_gone(body, runtime.gone.subscribe()))
}

async fn unary<T, F, Fut>(body: Body, handle: F) -> Response
where
    T: serde::de::DeserializeOwned,
    F: FnOnce(T) -> Fut,
    Fut: std::future::Future<Output = Result<serde_json::Value, ConnectError>>,
{
    let result = match connect::unary_request(body).await {
        Ok(request) => handle(request).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(message) => connect::unary_response(&message),
        Err(e) => e.into_response(),
    }
}

// ---- Messages (proto3 JSON: missing and null fields are defaults) ----

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct ProcessConfig {
    #[serde(default, deserialize_with = "nullable")]
    cmd: String,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    args: Vec<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "BTreeMap::is_empty")]
    envs: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cwd: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct StartRequest {
    #[serde(default, deserialize_with = "nullable")]
    process: ProcessConfig,
    #[serde(default)]
    pty: Option<Pty>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    stdin: Option<bool>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize)]
struct Pty {
    #[serde(default, deserialize_with = "nullable")]
    size: PtySize,
}

#[derive(Clone, Copy, Debug, Default, Deserialize)]
struct PtySize {
    #[serde(default, deserialize_with = "nullable")]
    cols: u16,
    #[serde(default, deserialize_with = "nullable")]
    rows: u16,
}

#[derive(Debug, Default, Deserialize)]
struct Selector {
    #[serde(default)]
    pid: Option<u32>,
    #[serde(default)]
    tag: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct SelectorRequest {
    #[serde(default, deserialize_with = "nullable")]
    process: Selector,
}

#[derive(Debug, Default, Deserialize)]
struct Input {
    #[serde(default, deserialize_with = "base64_bytes::deserialize")]
    stdin: Option<Vec<u8>>,
    #[serde(default, deserialize_with = "base64_bytes::deserialize")]
    pty: Option<Vec<u8>>,
}

#[derive(Debug, Default, Deserialize)]
struct SendInputRequest {
    #[serde(default, deserialize_with = "nullable")]
    process: Selector,
    #[serde(default, deserialize_with = "nullable")]
    input: Input,
}

#[derive(Debug, Default, Deserialize)]
struct SendSignalRequest {
    #[serde(default, deserialize_with = "nullable")]
    process: Selector,
    #[serde(default)]
    signal: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct UpdateRequest {
    #[serde(default, deserialize_with = "nullable")]
    process: Selector,
    #[serde(default)]
    pty: Option<Pty>,
}

#[derive(Debug, Default, Deserialize)]
struct StreamInputRequest {
    #[serde(default)]
    start: Option<SelectorRequest>,
    #[serde(default)]
    data: Option<StreamInputData>,
    #[serde(default)]
    keepalive: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct StreamInputData {
    #[serde(default, deserialize_with = "nullable")]
    input: Input,
}

/// How a process ended: envd's `EndEvent`, from Go's `ProcessState`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndEvent {
    #[serde(skip_serializing_if = "is_zero")]
    exit_code: i32,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    exited: bool,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

impl EndEvent {
    fn from_status(status: std::process::ExitStatus) -> EndEvent {
        use std::os::unix::process::ExitStatusExt;
        let (exit_code, exited, status) = match (status.code(), status.signal()) {
            (Some(code), _) => (code, true, format!("exit status {code}")),
            (None, Some(signal)) => {
                let core = if status.core_dumped() { " (core dumped)" } else { "" };
                (-1, false, format!("signal: {}{core}", signal_name(signal)))
            }
            (None, None) => (-1, false, status.to_string()),
        };
        let error = (status != "exit status 0").then(|| status.clone());
        EndEvent { exit_code, exited, status, error }
    }
}

/// Go's names of the Linux signals (`syscall.Signal.String`).
fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGHUP => "hangup",
        libc::SIGINT => "interrupt",
        libc::SIGQUIT => "quit",
        libc::SIGILL => "illegal instruction",
        libc::SIGTRAP => "trace/breakpoint trap",
        libc::SIGABRT => "aborted",
        libc::SIGBUS => "bus error",
        libc::SIGFPE => "floating point exception",
        libc::SIGKILL => "killed",
        libc::SIGUSR1 => "user defined signal 1",
        libc::SIGSEGV => "segmentation fault",
        libc::SIGUSR2 => "user defined signal 2",
        libc::SIGPIPE => "broken pipe",
        libc::SIGALRM => "alarm clock",
        libc::SIGTERM => "terminated",
        libc::SIGSTKFLT => "stack fault",
        libc::SIGXCPU => "CPU time limit exceeded",
        libc::SIGXFSZ => "file size limit exceeded",
        libc::SIGVTALRM => "virtual timer expired",
        libc::SIGPROF => "profiling timer expired",
        libc::SIGIO => "I/O possible",
        libc::SIGPWR => "power failure",
        libc::SIGSYS => "bad system call",
        other => return format!("signal {other}"),
    };
    name.to_string()
}

fn event(event: serde_json::Value) -> serde_json::Value {
    json!({ "event": event })
}

fn start_event(pid: u32) -> serde_json::Value {
    event(json!({ "start": { "pid": pid } }))
}

fn deadline_exceeded() -> ConnectError {
    ConnectError::new("deadline_exceeded", "context deadline exceeded")
}

// ---- Processes ----

/// What a process's followers receive.
#[derive(Clone, Debug)]
enum Event {
    /// A chunk of output: `stdout`, `stderr` or `pty`.
    Data(&'static str, Bytes),
    /// The end; `by_deadline` when the process was killed because its lifetime ran out.
    End { end: EndEvent, by_deadline: bool },
}

/// Where a process's input goes.
enum Stdin {
    /// A pipe, until closed; `None` for a process started without stdin.
    Pipe(tokio::sync::Mutex<Option<ChildStdin>>),
    /// The process's terminal.
    Pty(Arc<Terminal>),
}

/// One process started through envd.
struct Process {
    pid: u32,
    host: HostProcess,
    config: ProcessConfig,
    tag: Option<String>,
    stdin: Stdin,
    followers: Mutex<Followers>,
    /// Set by SIGKILL/SIGTERM: output is no longer forwarded (as envd cancels its readers).
    output_cancelled: AtomicBool,
    /// Set when the lifetime ran out and the process was killed for it.
    killed_by_deadline: AtomicBool,
}

#[derive(Default)]
struct Followers {
    senders: Vec<mpsc::Sender<Event>>,
    /// Set once the process has ended.
    end: Option<EndEvent>,
}

/// A follower's view of a process: live events, or the end of one that has ended.
enum Following {
    Live(mpsc::Receiver<Event>),
    Ended(EndEvent),
}

impl Process {
    fn followers(&self) -> MutexGuard<'_, Followers> {
        self.followers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn follow(&self) -> Following {
        let mut followers = self.followers();
        if let Some(end) = &followers.end {
            return Following::Ended(end.clone());
        }
        let (tx, rx) = mpsc::channel(BUFFER);
        followers.senders.push(tx);
        Following::Live(rx)
    }

    /// Sends `event` to every follower, waiting for slow ones; drops followers that left.
    async fn publish(&self, event: Event) {
        let senders = self.followers().senders.clone();
        for sender in senders {
            if sender.send(event.clone()).await.is_err() {
                self.followers().senders.retain(|s| !s.same_channel(&sender));
            }
        }
    }

    async fn publish_end(&self, end: EndEvent) {
        let by_deadline = self.killed_by_deadline.load(Ordering::SeqCst);
        let senders = {
            let mut followers = self.followers();
            followers.end = Some(end.clone());
            std::mem::take(&mut followers.senders)
        };
        for sender in senders {
            let _ = sender.send(Event::End { end: end.clone(), by_deadline }).await;
        }
    }

    fn info(&self) -> serde_json::Value {
        let mut info = json!({ "config": self.config, "pid": self.pid });
        if let Some(tag) = &self.tag {
            info["tag"] = json!(tag);
        }
        info
    }

    async fn write_input(&self, input: Input) -> Result<(), ConnectError> {
        match (input.stdin, input.pty, &self.stdin) {
            (Some(data), _, Stdin::Pipe(pipe)) => {
                let mut pipe = pipe.lock().await;
                let Some(stdin) = pipe.as_mut() else {
                    return Err(ConnectError::internal("error writing to stdin: stdin not enabled or closed"));
                };
                stdin.write_all(&data).await.map_err(|e| {
                    ConnectError::internal(format!(
                        "error writing to stdin: error writing to stdin of process '{}': {e}",
                        self.pid
                    ))
                })
            }
            (Some(_), _, Stdin::Pty(_)) => Err(ConnectError::internal(
                "error writing to stdin: tty assigned to process — input should be written to the pty, not the stdin",
            )),
            (None, Some(data), Stdin::Pty(terminal)) => terminal.write_all(&data).await.map_err(|e| {
                ConnectError::internal(format!(
                    "error writing to tty: error writing to tty of process '{}': {e}",
                    self.pid
                ))
            }),
            (None, Some(_), Stdin::Pipe(_)) => Err(ConnectError::internal(
                "error writing to tty: tty not assigned to process — input should be written to the stdin, not the tty",
            )),
            (None, None, _) => Err(ConnectError::new("unimplemented", "invalid input type <nil>")),
        }
    }
}

/// The processes of one sandbox: running ones by pid, and recently ended ones.
#[derive(Default)]
pub struct Table {
    live: Mutex<HashMap<u32, Arc<Process>>>,
    ended: Mutex<VecDeque<(Instant, Arc<Process>)>>,
}

impl Table {
    fn live(&self) -> MutexGuard<'_, HashMap<u32, Arc<Process>>> {
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn ended(&self) -> MutexGuard<'_, VecDeque<(Instant, Arc<Process>)>> {
        let mut ended = self.ended.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        while ended.front().is_some_and(|(at, _)| at.elapsed() > RETENTION) {
            ended.pop_front();
        }
        ended
    }

    fn list(&self) -> serde_json::Value {
        let mut processes: Vec<Arc<Process>> = self.live().values().cloned().collect();
        processes.sort_by_key(|process| process.pid);
        json!({ "processes": processes.iter().map(|p| p.info()).collect::<Vec<_>>() })
    }

    /// A running process.
    fn find(&self, selector: &Selector) -> Result<Arc<Process>, ConnectError> {
        let live = self.live();
        let found = match selector {
            Selector { pid: Some(pid), .. } => live.get(pid).cloned(),
            Selector { tag: Some(tag), .. } => live.values().find(|p| p.tag.as_ref() == Some(tag)).cloned(),
            _ => return Err(ConnectError::new("unimplemented", "invalid input type <nil>")),
        };
        found.ok_or_else(|| not_found(selector))
    }

    /// A running process, or one that ended a short while ago.
    fn find_recent(&self, selector: &Selector) -> Result<Arc<Process>, ConnectError> {
        self.find(selector).or_else(|e| {
            let ended = self.ended();
            let matches = |p: &Process| match selector {
                Selector { pid: Some(pid), .. } => p.pid == *pid,
                Selector { tag: Some(tag), .. } => p.tag.as_ref() == Some(tag),
                _ => false,
            };
            ended.iter().rev().find(|(_, p)| matches(p)).map(|(_, p)| p.clone()).ok_or(e)
        })
    }

    fn insert(&self, process: Arc<Process>) {
        self.ended().retain(|(_, p)| p.pid != process.pid);
        self.live().insert(process.pid, process);
    }

    fn retire(&self, process: &Arc<Process>) {
        let mut live = self.live();
        if live.get(&process.pid).is_some_and(|p| Arc::ptr_eq(p, process)) {
            live.remove(&process.pid);
        }
        drop(live);
        self.ended().push_back((Instant::now(), process.clone()));
    }
}

fn not_found(selector: &Selector) -> ConnectError {
    match selector {
        Selector { pid: Some(pid), .. } => ConnectError::not_found(format!("process with pid {pid} not found")),
        Selector { tag: Some(tag), .. } => ConnectError::not_found(format!("process with tag {tag} not found")),
        _ => ConnectError::new("unimplemented", "invalid input type <nil>"),
    }
}

/// The user a request acts as: `Authorization: Basic base64("<user>:")`, else `default` (the
/// sandbox's default user).
fn request_user(headers: &HeaderMap, default: User) -> Result<User, ConnectError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(default) };
    let name = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .map(|pair| pair.split(':').next().unwrap_or_default().to_string())
        .ok_or_else(|| ConnectError::new("unauthenticated", "invalid authorization header"))?;
    if name.is_empty() {
        return Ok(default);
    }
    User::from_name(&name).ok_or_else(|| ConnectError::new("unauthenticated", format!("invalid username: '{name}'")))
}

/// A command line for error messages: `cmd arg arg`.
fn command_line(config: &ProcessConfig) -> String {
    std::iter::once(config.cmd.as_str()).chain(config.args.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
}

/// Starts the process of `request` in the sandbox, and follows it from its first byte.
async fn spawn(
    runtime: &Arc<Runtime>,
    user: User,
    request: StartRequest,
    lifetime: Option<Duration>,
) -> Result<(u32, mpsc::Receiver<Event>), ConnectError> {
    let config = request.process;
    let default_cwd = runtime.default_workdir.as_deref().unwrap_or("");
    let cwd = paths::expand(config.cwd.as_deref().unwrap_or(default_cwd), user.home())
        .map_err(ConnectError::invalid_argument)?;
    let jail = runtime.machine.jail().await.map_err(|e| ConnectError::new("failed_precondition", e))?;
    let cwd_dir = jail.open_dir(&cwd).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOENT) => ConnectError::invalid_argument(format!("cwd '{cwd}' does not exist")),
        _ => ConnectError::invalid_argument(format!(
            "error starting process '{}': chdir {cwd}: {e}",
            command_line(&config)
        )),
    })?;

    let mut command = Command::new(&config.cmd);
    command.args(&config.args).env_clear().env("PATH", DEFAULT_PATH).env("HOME", user.home());
    command.env("USER", user.name()).env("LOGNAME", user.name());
    command.envs(&runtime.env_vars).envs(&config.envs);
    // envd names a terminal's size in every failure to start a process on one.
    let failed = |e: io::Error| match request.pty {
        Some(Pty { size }) => format!(
            "error starting pty with command '{}' in dir '{cwd}' with '{}' cols and '{}' rows: {e}",
            command_line(&config),
            size.cols,
            size.rows
        ),
        None => format!("error starting process '{}': {e}", command_line(&config)),
    };
    let terminal = match request.pty {
        Some(pty) => {
            let (master, slave) = jail.open_terminal(user).map_err(|e| ConnectError::invalid_argument(failed(e)))?;
            let terminal = Terminal::new(master, &slave, pty.size).map_err(io_error)?;
            let stdio = |fd: &OwnedFd| fd.try_clone().map(std::process::Stdio::from);
            command.stdin(stdio(&slave).map_err(io_error)?);
            command.stdout(stdio(&slave).map_err(io_error)?);
            command.stderr(std::process::Stdio::from(slave));
            Some(Arc::new(terminal))
        }
        None => {
            let stdin =
                if request.stdin == Some(false) { std::process::Stdio::null() } else { std::process::Stdio::piped() };
            command.stdin(stdin).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
            None
        }
    };
    let mut spawned = jail.spawn(&mut command, user, &cwd_dir, terminal.is_some()).map_err(|e| {
        let kind = e.kind();
        let message = failed(e);
        match kind {
            io::ErrorKind::PermissionDenied if user == User::Root => ConnectError::new("failed_precondition", message),
            _ => ConnectError::invalid_argument(message),
        }
    })?;
    drop(command);

    let (stdin, output) = match terminal {
        Some(terminal) => (Stdin::Pty(terminal.clone()), Output::Pty(terminal)),
        None => {
            let stdout = spawned.child.stdout.take().expect("piped");
            let stderr = spawned.child.stderr.take().expect("piped");
            (Stdin::Pipe(tokio::sync::Mutex::new(spawned.child.stdin.take())), Output::Pipes(stdout, stderr))
        }
    };
    let process = Arc::new(Process {
        pid: spawned.pid,
        host: spawned.host,
        config,
        tag: request.tag,
        stdin,
        followers: Mutex::default(),
        output_cancelled: AtomicBool::new(false),
        killed_by_deadline: AtomicBool::new(false),
    });
    let Following::Live(events) = process.follow() else { unreachable!("a new process has not ended") };
    runtime.processes.insert(process.clone());
    tokio::spawn(pump(runtime.clone(), process.clone(), spawned.child, output, lifetime));
    Ok((process.pid, events))
}

/// The output side of a process.
enum Output {
    Pipes(tokio::process::ChildStdout, tokio::process::ChildStderr),
    Pty(Arc<Terminal>),
}

/// Runs alongside a process until it ends: forwards its output, kills it when its lifetime
/// runs out, then publishes its end and moves it to the recently ended.
async fn pump(
    runtime: Arc<Runtime>,
    process: Arc<Process>,
    mut child: Child,
    output: Output,
    lifetime: Option<Duration>,
) {
    let deadline = lifetime.map(|lifetime| {
        let (process, paused) = (process.clone(), runtime.machine.paused());
        tokio::spawn(async move {
            isolation::sleep_running(lifetime, paused).await;
            process.killed_by_deadline.store(true, Ordering::SeqCst);
            process.output_cancelled.store(true, Ordering::SeqCst);
            let _ = process.host.signal(libc::SIGKILL);
        })
    });
    let status = match output {
        Output::Pipes(stdout, stderr) => {
            let mut sources = [Source::new("stdout", stdout, CHUNK), Source::new("stderr", stderr, CHUNK)];
            forward_output(&process, &mut child, &mut sources).await
        }
        Output::Pty(terminal) => {
            let mut sources = [Source::new("pty", TerminalReader(terminal), PTY_CHUNK)];
            forward_output(&process, &mut child, &mut sources).await
        }
    };
    if let Some(deadline) = deadline {
        deadline.abort();
    }
    let end = match status {
        Ok(status) => EndEvent::from_status(status),
        Err(e) => EndEvent { exit_code: -1, exited: false, status: String::new(), error: Some(e.to_string()) },
    };
    runtime.processes.retire(&process);
    process.publish_end(end).await;
}

/// An output stream of a process and its read buffer.
struct Source {
    kind: &'static str,
    reader: Option<Box<dyn AsyncRead + Unpin + Send>>,
    buffer: Vec<u8>,
}

impl Source {
    fn new(kind: &'static str, reader: impl AsyncRead + Unpin + Send + 'static, chunk: usize) -> Self {
        Source { kind, reader: Some(Box::new(reader)), buffer: vec![0; chunk] }
    }
}

/// The next chunk of any open source, with its kind; `None` when that source ended (it is
/// then closed). Pending while nothing is readable, and for ever once all are closed.
async fn next_chunk(sources: &mut [Source]) -> (&'static str, Option<Bytes>) {
    std::future::poll_fn(|cx| {
        for source in sources.iter_mut() {
            let Some(reader) = source.reader.as_mut() else { continue };
            let mut buf = tokio::io::ReadBuf::new(&mut source.buffer);
            match std::pin::Pin::new(reader).poll_read(cx, &mut buf) {
                std::task::Poll::Ready(Ok(())) if !buf.filled().is_empty() => {
                    return std::task::Poll::Ready((source.kind, Some(Bytes::copy_from_slice(buf.filled()))));
                }
                std::task::Poll::Ready(_) => {
                    source.reader = None;
                    return std::task::Poll::Ready((source.kind, None));
                }
                std::task::Poll::Pending => {}
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// Forwards output until the process has exited and its pipes are drained; returns its status.
async fn forward_output(
    process: &Process,
    child: &mut Child,
    sources: &mut [Source],
) -> io::Result<std::process::ExitStatus> {
    let status = loop {
        tokio::select! {
            status = child.wait() => break status?,
            (kind, chunk) = next_chunk(sources) => {
                if let Some(chunk) = chunk.filter(|_| !process.output_cancelled.load(Ordering::SeqCst)) {
                    process.publish(Event::Data(kind, chunk)).await;
                }
            }
        }
    };
    // Output still in the pipes after the exit; none to wait for when they have all closed
    // (which is usual: the process closes them as it exits).
    let drain_until = tokio::time::Instant::now() + DRAIN_MAX;
    while !process.output_cancelled.load(Ordering::SeqCst)
        && sources.iter().any(|s| s.reader.is_some())
        && tokio::time::Instant::now() < drain_until
    {
        match tokio::time::timeout(DRAIN_IDLE, next_chunk(sources)).await {
            Ok((kind, Some(chunk))) => process.publish(Event::Data(kind, chunk)).await,
            Ok((_, None)) => {}
            Err(_) => break,
        }
    }
    Ok(status)
}

/// The master side of a process's pseudo-terminal.
struct Terminal {
    master: AsyncFd<OwnedFd>,
}

impl Terminal {
    /// A pseudo-terminal from its two sides (see [`isolation::Jail::open_terminal`]), set to
    /// `size`: the terminal keeps the master; the slave is for the process.
    fn new(master: OwnedFd, slave: &OwnedFd, size: PtySize) -> io::Result<Terminal> {
        set_window_size(slave, size)?;
        // SAFETY: `fcntl` on a descriptor we own.
        if unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the terminal owns `master`, which stays open for as long as it does.
        let master = unsafe { AsyncFd::register(master) }.map_err(|e| io::Error::other(e.to_string()))?;
        Ok(Terminal { master })
    }

    fn resize(&self, size: PtySize) -> io::Result<()> {
        set_window_size(self.master.get_ref(), size)
    }

    async fn write_all(&self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let mut guard = self.master.writable().await?;
            // SAFETY: `write(2)` from a live buffer to the master we own.
            match guard.try_io(|fd| cvt(unsafe { libc::write(fd.as_raw_fd(), data.as_ptr().cast(), data.len()) })) {
                Ok(written) => data = &data[written?..],
                Err(_would_block) => continue,
            }
        }
        Ok(())
    }
}

fn cvt(result: isize) -> io::Result<usize> {
    if result < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(result as usize)
    }
}

fn set_window_size(fd: &OwnedFd, size: PtySize) -> io::Result<()> {
    let size = libc::winsize { ws_row: size.rows, ws_col: size.cols, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: `TIOCSWINSZ` reads a `winsize` from a live value.
    if unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCSWINSZ, &size) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Reads a terminal's output; `EIO` (no process holds the terminal any more) is the end.
struct TerminalReader(Arc<Terminal>);

impl AsyncRead for TerminalReader {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        use std::task::Poll;
        loop {
            let mut guard = match self.0.master.poll_read_ready(cx) {
                Poll::Ready(guard) => guard?,
                Poll::Pending => return Poll::Pending,
            };
            let unfilled = buf.initialize_unfilled();
            // SAFETY: `read(2)` into the unfilled part of a live buffer.
            let read = guard
                .try_io(|fd| cvt(unsafe { libc::read(fd.as_raw_fd(), unfilled.as_mut_ptr().cast(), unfilled.len()) }));
            match read {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) if e.raw_os_error() == Some(libc::EIO) => return Poll::Ready(Ok(())),
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

fn io_error(e: io::Error) -> ConnectError {
    ConnectError::internal(e.to_string())
}

// ---- The calls ----

/// Reads the single request message of a server stream.
async fn stream_request<T: serde::de::DeserializeOwned + Default>(body: Body) -> Result<T, ConnectError> {
    Ok(EnvelopeReader::new(body).next().await?.unwrap_or_default())
}

async fn start(runtime: Arc<Runtime>, headers: &HeaderMap, body: Body) -> Response {
    let keepalive = connect::keepalive_interval(headers);
    let lifetime = connect::timeout(headers);
    let started = async {
        let user = request_user(headers, runtime.default_user)?;
        let request: StartRequest = stream_request(body).await?;
        spawn(&runtime, user, request, lifetime).await
    };
    let (pid, events) = match started.await {
        Ok(started) => started,
        Err(e) => return connect::stream_error(e),
    };
    let paused = runtime.machine.paused();
    connect::stream_response(keepalive, event(json!({ "keepalive": {} })), move |tx| async move {
        send(&tx, start_event(pid)).await?;
        follow(&tx, Following::Live(events), lifetime, paused, true).await
    })
}

async fn connect(runtime: Arc<Runtime>, headers: &HeaderMap, body: Body) -> Response {
    let keepalive = connect::keepalive_interval(headers);
    let deadline = connect::timeout(headers);
    let found = async {
        let request: SelectorRequest = stream_request(body).await?;
        runtime.processes.find_recent(&request.process)
    };
    let process = match found.await {
        Ok(process) => process,
        Err(e) => return connect::stream_error(e),
    };
    let following = process.follow();
    let paused = runtime.machine.paused();
    connect::stream_response(keepalive, event(json!({ "keepalive": {} })), move |tx| async move {
        send(&tx, start_event(process.pid)).await?;
        follow(&tx, following, deadline, paused, false).await
    })
}

async fn send(tx: &StreamSender, message: serde_json::Value) -> Result<(), ConnectError> {
    tx.send(&message).await.map_err(|_| ConnectError::new("canceled", "the client went away"))
}

/// How long the `Start` stream of a process killed by its lifetime waits for it to be reaped.
const REAP_GRACE: Duration = Duration::from_secs(5);

/// Streams a process's events until its end, or until the call's deadline (counted while the
/// sandbox runs). The `Start` stream of a process killed by its lifetime ends with
/// `deadline_exceeded` rather than with the `end` event, as envd's does, and like envd's only
/// once the process is reaped and gone from the list (waiting at most [`REAP_GRACE`]).
async fn follow(
    tx: &StreamSender,
    following: Following,
    deadline: Option<Duration>,
    paused: tokio::sync::watch::Receiver<bool>,
    is_start: bool,
) -> Result<(), ConnectError> {
    let mut events = match following {
        Following::Live(events) => events,
        Following::Ended(end) => return send(tx, event(json!({ "end": end }))).await,
    };
    let expired = async move {
        match deadline {
            Some(deadline) => isolation::sleep_running(deadline, paused).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(expired);
    loop {
        let next = tokio::select! {
            () = &mut expired => {
                if is_start {
                    // The pump kills it now: wait for its end, published once it left the list.
                    let _ = tokio::time::timeout(REAP_GRACE, ended(&mut events)).await;
                }
                return Err(deadline_exceeded());
            }
            next = events.recv() => next,
        };
        match next {
            Some(Event::Data(kind, chunk)) => {
                let data = base64_bytes::encode(&chunk);
                send(tx, event(json!({ "data": { kind: data } }))).await?;
            }
            Some(Event::End { by_deadline: true, .. }) if is_start => return Err(deadline_exceeded()),
            Some(Event::End { end, .. }) => return send(tx, event(json!({ "end": end }))).await,
            None => return Err(ConnectError::new("unknown", "end event channel closed before sending end event")),
        }
    }
}

/// Skips a process's events up to its end (or the end of its channel).
async fn ended(events: &mut mpsc::Receiver<Event>) {
    while let Some(event) = events.recv().await {
        if matches!(event, Event::End { .. }) {
            return;
        }
    }
}

async fn send_input(runtime: &Runtime, request: SendInputRequest) -> Result<serde_json::Value, ConnectError> {
    let process = runtime.processes.find(&request.process)?;
    process.write_input(request.input).await?;
    Ok(json!({}))
}

/// `StreamInput` (client stream): `start` selects the process, then each `data` is written to
/// its stdin or terminal as it arrives, in order; `keepalive` is skipped. The end of the request
/// is success (`{}`); the first failure ends the call with its error, as envd's does: an unknown
/// process is `not_found`, a failed write `internal`, a message of no known kind `unimplemented`,
/// and a request that cannot be read `unknown` ("error streaming input: ...").
///
/// An error answers at once; the rest of the request is then read and dropped in the
/// background, as Go's server does after a handler returns, so that a client still sending can
/// finish and read the answer, and the connection serves the next call. A client that goes on
/// for longer than [`DRAIN_REQUEST`] loses the connection.
async fn stream_input(runtime: Arc<Runtime>, body: Body) -> Response {
    let mut messages = EnvelopeReader::new(body);
    let mut process = None;
    let result = loop {
        let message = match messages.next::<StreamInputRequest>().await {
            Ok(Some(message)) => message,
            Ok(None) => break Ok(json!({})),
            Err(e) => {
                break Err(ConnectError::new("unknown", format!("error streaming input: {}: {}", e.code, e.message)))
            }
        };
        let handled = match message {
            StreamInputRequest { start: Some(start), .. } => {
                runtime.processes.find(&start.process).map(|found| process = Some(found))
            }
            StreamInputRequest { data: Some(data), .. } => match &process {
                Some(process) => process.write_input(data.input).await,
                None => Err(ConnectError::invalid_argument("no process selected: the first message must be start")),
            },
            StreamInputRequest { keepalive: Some(_), .. } => Ok(()),
            _ => Err(ConnectError::new("unimplemented", "invalid event type <nil>")),
        };
        if let Err(e) = handled {
            break Err(e);
        }
    };
    if result.is_err() {
        tokio::spawn(async move {
            let drained = async { while let Ok(Some(_)) = messages.next::<serde::de::IgnoredAny>().await {} };
            let _ = tokio::time::timeout(DRAIN_REQUEST, drained).await;
        });
    }
    connect::client_stream_response(result)
}

/// How long the rest of a failed `StreamInput` request is still read (see [`stream_input`]).
const DRAIN_REQUEST: Duration = Duration::from_secs(10);

fn send_signal(runtime: &Runtime, request: SendSignalRequest) -> Result<serde_json::Value, ConnectError> {
    let process = runtime.processes.find(&request.process)?;
    let signal = match request.signal.as_ref() {
        Some(value) if value == "SIGNAL_SIGKILL" || value == 9 => libc::SIGKILL,
        Some(value) if value == "SIGNAL_SIGTERM" || value == 15 => libc::SIGTERM,
        other => {
            let name =
                other.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| "SIGNAL_UNSPECIFIED".into());
            return Err(ConnectError::new("unimplemented", format!("invalid signal: {name}")));
        }
    };
    process.output_cancelled.store(true, Ordering::SeqCst);
    process.host.signal(signal).map_err(|e| match e.raw_os_error() {
        // It exited between the lookup and the signal: as gone as if it were never there.
        Some(libc::ESRCH) => not_found(&request.process),
        _ => ConnectError::internal(format!("error sending signal: {e}")),
    })?;
    Ok(json!({}))
}

async fn close_stdin(runtime: &Runtime, request: SelectorRequest) -> Result<serde_json::Value, ConnectError> {
    let process = runtime.processes.find(&request.process)?;
    match &process.stdin {
        Stdin::Pipe(pipe) => {
            drop(pipe.lock().await.take());
            Ok(json!({}))
        }
        Stdin::Pty(_) => Err(ConnectError::new(
            "unknown",
            "error closing stdin: cannot close stdin for PTY process — send Ctrl+D (0x04) instead",
        )),
    }
}

fn update(runtime: &Runtime, request: UpdateRequest) -> Result<serde_json::Value, ConnectError> {
    let process = runtime.processes.find(&request.process)?;
    if let Some(pty) = request.pty {
        let Stdin::Pty(terminal) = &process.stdin else {
            return Err(ConnectError::internal("error resizing tty: tty not assigned to process"));
        };
        terminal.resize(pty.size).map_err(|e| ConnectError::internal(format!("error resizing tty: {e}")))?;
    }
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::FromRawFd;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn end_events_match_envd() {
        let end = |raw| serde_json::to_value(EndEvent::from_status(std::process::ExitStatus::from_raw(raw))).unwrap();
        assert_eq!(end(0), json!({"exited": true, "status": "exit status 0"}));
        assert_eq!(
            end(1 << 8),
            json!({"exitCode": 1, "exited": true, "status": "exit status 1", "error": "exit status 1"})
        );
        assert_eq!(end(libc::SIGKILL), json!({"exitCode": -1, "status": "signal: killed", "error": "signal: killed"}));
        assert_eq!(end(libc::SIGTERM)["status"], "signal: terminated");
        assert_eq!(end(libc::SIGSEGV | 0x80)["status"], "signal: segmentation fault (core dumped)");
    }

    #[test]
    fn requests_decode_like_proto3_json() {
        let start: StartRequest = serde_json::from_str(
            r#"{"process":{"cmd":"/bin/bash","args":["-l","-c","echo hi"],"envs":{"A":"b"},"cwd":null},"stdin":false,"tag":null}"#,
        )
        .unwrap();
        assert_eq!(start.process.args, ["-l", "-c", "echo hi"]);
        assert_eq!((start.stdin, start.tag, start.process.cwd), (Some(false), None, None));
        let input: SendInputRequest = serde_json::from_str(r#"{"process":{"pid":7},"input":{"stdin":"aGk"}}"#).unwrap();
        assert_eq!((input.process.pid, input.input.stdin), (Some(7), Some(b"hi".to_vec())));
        let null: StartRequest = serde_json::from_str(r#"{"process":{"cmd":"x","args":null,"envs":null}}"#).unwrap();
        assert!(null.process.args.is_empty() && null.stdin.is_none());
    }

    #[test]
    fn list_entries_leave_out_defaults() {
        let config = ProcessConfig { cmd: "sleep".into(), args: vec!["1".into()], ..Default::default() };
        assert_eq!(serde_json::to_value(&config).unwrap(), json!({"cmd": "sleep", "args": ["1"]}));
    }

    #[test]
    fn users_come_from_basic_auth() {
        let mut headers = HeaderMap::new();
        assert_eq!(request_user(&headers, User::User).unwrap(), User::User);
        headers.insert(header::AUTHORIZATION, "Basic cm9vdDo=".parse().unwrap());
        assert_eq!(request_user(&headers, User::User).unwrap(), User::Root);
        headers.insert(header::AUTHORIZATION, "Basic Ym9iOg==".parse().unwrap());
        let e = request_user(&headers, User::User).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("unauthenticated", "invalid username: 'bob'"));
    }

    #[tokio::test]
    async fn terminals_take_their_size_and_resize() {
        let (mut master, mut slave) = (-1, -1);
        // SAFETY: `openpty` fills both descriptors on success; no name, termios or size.
        let opened =
            unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
        assert_eq!(opened, 0, "{}", io::Error::last_os_error());
        // SAFETY: two new descriptors this test owns.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let size_of = |fd: &OwnedFd| {
            let mut size = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
            // SAFETY: `TIOCGWINSZ` writes a `winsize`.
            assert_eq!(unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCGWINSZ, &mut size) }, 0);
            (size.ws_col, size.ws_row)
        };
        let terminal = Terminal::new(master, &slave, PtySize { cols: 100, rows: 30 }).unwrap();
        assert_eq!(size_of(&slave), (100, 30));
        terminal.resize(PtySize { cols: 132, rows: 43 }).unwrap();
        assert_eq!(size_of(&slave), (132, 43));
        terminal.write_all(b"typed\n").await.unwrap();
        let mut line = [0u8; 6];
        // SAFETY: `read(2)` into a live buffer; the line discipline has a full line for it.
        let read = unsafe { libc::read(slave.as_raw_fd(), line.as_mut_ptr().cast(), line.len()) };
        assert_eq!(&line[..read as usize], b"typed\n");
    }
}

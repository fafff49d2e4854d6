//! The code interpreter of port 49999 (E2B's code-interpreter server): `/execute` streams what a
//! context's kernel prints and returns, and `/contexts` manages the contexts.
//!
//! A context is one `kernel.py` process (embedded here) running as `user` in the sandbox's
//! jail, in the context's cwd, so the code sees the sandbox's files. The kernel runs the code
//! in IPython, from the sandbox's own Python: `code-interpreter-v1` sandboxes have it from the
//! code-interpreter image (see `rootfs`). A `bash` context's kernel (`kernel.py --language
//! bash`) runs a persistent bash on a terminal instead, as Jupyter's bash_kernel does for
//! E2B, and a `javascript` context's is `kernel.js` on the base image's Node.js (a persistent
//! `vm` context, as E2B's ijavascript kernel keeps one); any other language answers the real
//! server's "No such kernel named ..." error. Each
//! language has a default context, made on its first run. It first says whether it could start (`kernel_ready`,
//! or `kernel_unavailable` with the reason when IPython is missing, which becomes a 500 with
//! that reason). Then it reads one JSON request per line and writes the `/execute` lines
//! itself, in the real server's JSON style; this module relays them, one HTTP chunk per line,
//! and adds keepalives. Runs on one
//! context are serialised: a queued run has its headers at once and then stays silent until it
//! starts, as the real server's does. When a client goes away mid-run the kernel is interrupted (SIGINT,
//! repeated, then a restart if it will not stop), and the run is read to its end before the
//! next one starts, so the next run never hangs.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Extension, Path, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use e2b_protocol::uuid4;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{ChildStdin, ChildStdout, Command};
use tokio::sync::{mpsc, oneshot, OwnedMutexGuard};
use tower::ServiceExt;

use crate::envd::check_access_token;
use crate::isolation::{self, HostProcess, User, DEFAULT_PATH};
use crate::paths;
use crate::sandboxes::Runtime;

/// Where the kernel is in every jail, and its source.
pub const KERNEL_PATH: &str = "/run/e2b-local/kernel.py";
pub const KERNEL_SOURCE: &str = include_str!("../kernel/kernel.py");
/// Where the JavaScript kernel is in every jail, and its source.
pub const JS_KERNEL_PATH: &str = "/run/e2b-local/kernel.js";
pub const JS_KERNEL_SOURCE: &str = include_str!("../kernel/kernel.js");
/// The working directory of a context unless given.
const DEFAULT_CWD: &str = "/home/user";
/// A keepalive line after this much silence (the real server's `KEEPALIVE_INTERVAL`).
const KEEPALIVE: Duration = Duration::from_secs(5);
/// The longest a kernel may take to import IPython and say it is ready (a cold start on a busy
/// machine takes seconds).
const KERNEL_START: Duration = Duration::from_secs(120);
/// How long `/execute` waits for a kernel that fails to start before it sends its headers.
const START_VERDICT: Duration = Duration::from_millis(300);
/// After a client left: SIGINT this often, and restart a kernel that ignored them this long.
const INTERRUPT_EVERY: Duration = Duration::from_secs(1);
const INTERRUPT_LIMIT: Duration = Duration::from_secs(10);
/// The largest `/execute` body (the real server sets none; axum's default is 2 MiB).
const MAX_CODE: usize = 64 << 20;

const END_OF_EXECUTION: &str = "{\"type\": \"end_of_execution\"}\n";
const KEEPALIVE_LINE: &str = "{\"type\": \"keepalive\"}\n";

/// The sandbox a request is for, handed to the routes as a request extension.
#[derive(Clone)]
pub struct Target {
    pub runtime: Arc<Runtime>,
    pub access_token: Option<String>,
}

pub fn router() -> Router {
    Router::new()
        .route("/health", get(|| async { json_response(StatusCode::OK, "\"OK\"".into()) }))
        .route("/execute", post(execute).layer(DefaultBodyLimit::max(MAX_CODE)))
        .route("/contexts", post(create_context).get(list_contexts))
        .route("/contexts/{id}/restart", post(restart_context))
        .route("/contexts/{id}", delete(remove_context))
        .fallback(|| async { json_response(StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#.into()) })
        .method_not_allowed_fallback(|| async {
            json_response(StatusCode::METHOD_NOT_ALLOWED, r#"{"detail":"Method Not Allowed"}"#.into())
        })
}

/// Serves one request on a sandbox's port 49999.
pub async fn serve(router: Router, target: Target, mut request: Request) -> Response {
    request.extensions_mut().insert(target);
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

// ---- Contexts ----

/// The code contexts of one sandbox, the default Python one first.
pub struct Contexts {
    list: Mutex<Vec<Arc<Context>>>,
}

impl Default for Contexts {
    fn default() -> Contexts {
        Contexts { list: Mutex::new(vec![Arc::new(Context::new("python", DEFAULT_CWD, true))]) }
    }
}

impl Contexts {
    fn list(&self) -> MutexGuard<'_, Vec<Arc<Context>>> {
        self.list.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn find(&self, id: &str) -> Option<Arc<Context>> {
        self.list().iter().find(|c| c.id == id).cloned()
    }

    /// The default context of `language` (made on first use, or again if it was removed), as
    /// the real server keeps one per language.
    fn default_for(&self, language: &str) -> Arc<Context> {
        let mut list = self.list();
        if let Some(context) = list.iter().find(|c| c.is_default && c.language == language) {
            return context.clone();
        }
        let context = Arc::new(Context::new(language, DEFAULT_CWD, true));
        if language == "python" {
            list.insert(0, context.clone());
        } else {
            list.push(context.clone());
        }
        context
    }
}

/// One context: its kernel (started on first use) behind the lock that serialises its runs.
struct Context {
    id: String,
    language: String,
    cwd: String,
    is_default: bool,
    kernel: Arc<tokio::sync::Mutex<Option<Kernel>>>,
    /// The running kernel's process, reachable without the lock (to restart a busy context).
    process: Mutex<Option<Arc<HostProcess>>>,
}

impl Context {
    fn new(language: &str, cwd: &str, is_default: bool) -> Context {
        Context {
            id: uuid4(),
            language: language.into(),
            cwd: cwd.into(),
            is_default,
            kernel: Arc::default(),
            process: Mutex::default(),
        }
    }

    fn json(&self) -> String {
        format!(
            r#"{{"id":{},"language":{},"cwd":{}}}"#,
            Value::from(self.id.as_str()),
            Value::from(self.language.as_str()),
            Value::from(self.cwd.as_str())
        )
    }

    fn process(&self) -> MutexGuard<'_, Option<Arc<HostProcess>>> {
        self.process.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Kills the kernel now, even mid-run (the run then ends with a restart error).
    fn kill_kernel(&self) {
        if let Some(process) = self.process().take() {
            let _ = process.signal(libc::SIGKILL);
        }
    }

    /// Starts a kernel in `slot` unless one runs there.
    async fn ensure_kernel(&self, runtime: &Runtime, slot: &mut Option<Kernel>) -> Result<(), String> {
        if slot.is_none() {
            let kernel = Kernel::start(runtime, &self.language, &self.cwd).await?;
            *self.process() = Some(kernel.process.clone());
            *slot = Some(kernel);
        }
        Ok(())
    }
}

/// A running `kernel.py`, ready for requests.
struct Kernel {
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    process: Arc<HostProcess>,
}

impl Kernel {
    async fn start(runtime: &Runtime, language: &str, cwd: &str) -> Result<Kernel, String> {
        let user = User::User;
        let jail = runtime.machine.jail().await?;
        let failed = || "Failed to set working directory".to_string();
        let dir = jail.open_dir(&paths::expand(cwd, user.home()).map_err(|_| failed())?).map_err(|_| failed())?;
        let mut command = match language {
            // Node's protocol is fd 3; what the code's children write to fds 1 and 2 goes to
            // e2b-local's log.
            "javascript" => {
                let mut node = Command::new("sh");
                node.args(["-c", &format!("exec node {JS_KERNEL_PATH} 3>&1 1>&2")]);
                node
            }
            _ => {
                let mut python = Command::new("python3");
                python.args(["-u", KERNEL_PATH]);
                if language != "python" {
                    python.args(["--language", language]);
                }
                python
            }
        };
        command.env_clear().env("PATH", DEFAULT_PATH).env("HOME", user.home());
        command.env("USER", user.name()).env("LOGNAME", user.name()).envs(&runtime.env_vars);
        command.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
        command.stderr(std::process::Stdio::piped());
        let mut spawned =
            jail.spawn(&mut command, user, &dir, false).map_err(|e| format!("Failed to start the kernel: {e}"))?;
        if let Some(stderr) = spawned.child.stderr.take() {
            isolation::forward_lines(stderr, "e2b-local: code kernel: ".into());
        }
        let stdin = spawned.child.stdin.take().expect("piped");
        let stdout = spawned.child.stdout.take().expect("piped");
        // The supervisor is reaped in the background; the kernel is killed through its pid.
        drop(spawned.child);
        let mut kernel = Kernel { stdin, lines: BufReader::new(stdout).lines(), process: Arc::new(spawned.host) };
        // Dropping the kernel on an error kills it.
        let first = tokio::time::timeout(KERNEL_START, kernel.lines.next_line()).await;
        let line = match first {
            Err(_) => {
                return Err(format!("Failed to start the kernel: it did not start in {} s", KERNEL_START.as_secs()))
            }
            Ok(Err(e)) => return Err(format!("Failed to start the kernel: {e}")),
            Ok(Ok(None)) => return Err("Failed to start the kernel: it exited while starting".into()),
            Ok(Ok(Some(line))) => line,
        };
        let hello: Value = serde_json::from_str(&line).unwrap_or_default();
        match hello["type"].as_str() {
            Some("kernel_ready") => Ok(kernel),
            Some("kernel_unavailable") => {
                Err(format!("Failed to start the kernel: {}", hello["message"].as_str().unwrap_or("no reason given")))
            }
            _ => Err(format!("Failed to start the kernel: it said {line:?} instead of that it is ready")),
        }
    }
}

impl Drop for Kernel {
    fn drop(&mut self) {
        let _ = self.process.signal(libc::SIGKILL);
    }
}

// ---- Requests ----

/// `POST /execute` after validation.
#[derive(Debug, PartialEq)]
struct ExecuteRequest {
    code: String,
    context_id: Option<String>,
    language: Option<String>,
    env_vars: Option<serde_json::Map<String, Value>>,
}

/// One FastAPI validation error: `{"type","loc","msg","input"}`.
#[derive(Debug)]
struct Invalid {
    kind: &'static str,
    loc: Vec<Value>,
    msg: &'static str,
    input: Value,
}

impl Invalid {
    fn json(&self) -> String {
        format!(
            r#"{{"type":{},"loc":{},"msg":{},"input":{}}}"#,
            Value::from(self.kind),
            Value::from(self.loc.clone()),
            Value::from(self.msg),
            self.input
        )
    }
}

/// The 422 FastAPI sends for a body that does not fit the model.
fn unprocessable(errors: Vec<Invalid>) -> Response {
    let detail: Vec<String> = errors.iter().map(Invalid::json).collect();
    json_response(StatusCode::UNPROCESSABLE_ENTITY, format!(r#"{{"detail":[{}]}}"#, detail.join(",")))
}

/// Parses a JSON body as an object of optional string fields (plus `required` ones), the
/// way pydantic validates FastAPI models.
fn parse_body(
    body: &[u8],
    required: &[&'static str],
    optional: &[&'static str],
) -> Result<serde_json::Map<String, Value>, Vec<Invalid>> {
    let body_loc = || vec![Value::from("body")];
    if body.is_empty() {
        return Err(vec![Invalid { kind: "missing", loc: body_loc(), msg: "Field required", input: Value::Null }]);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let mut loc = body_loc();
        loc.push(Value::from(e.column().saturating_sub(1)));
        vec![Invalid { kind: "json_invalid", loc, msg: "JSON decode error", input: Value::Object(Default::default()) }]
    })?;
    let Value::Object(object) = value else {
        let msg = "Input should be a valid dictionary or object to extract fields from";
        return Err(vec![Invalid { kind: "model_attributes_type", loc: body_loc(), msg, input: value }]);
    };
    let field_loc = |name: &str| vec![Value::from("body"), Value::from(name)];
    let mut errors = Vec::new();
    for &name in required.iter().chain(optional) {
        match object.get(name) {
            None if required.contains(&name) => {
                let input = Value::Object(object.clone());
                errors.push(Invalid { kind: "missing", loc: field_loc(name), msg: "Field required", input });
            }
            None | Some(Value::Null) if !required.contains(&name) => {}
            Some(Value::String(_)) => {}
            Some(other) => errors.push(Invalid {
                kind: "string_type",
                loc: field_loc(name),
                msg: "Input should be a valid string",
                input: other.clone(),
            }),
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(object)
    } else {
        Err(errors)
    }
}

fn parse_execute(body: &[u8]) -> Result<ExecuteRequest, Vec<Invalid>> {
    let mut object = parse_body(body, &["code"], &["context_id", "language"])?;
    let env_vars = match object.remove("env_vars") {
        None | Some(Value::Null) => None,
        Some(Value::Object(vars)) => {
            let errors: Vec<Invalid> = vars
                .iter()
                .filter(|(_, value)| !value.is_string())
                .map(|(key, value)| Invalid {
                    kind: "string_type",
                    loc: vec!["body".into(), "env_vars".into(), key.as_str().into()],
                    msg: "Input should be a valid string",
                    input: value.clone(),
                })
                .collect();
            if !errors.is_empty() {
                return Err(errors);
            }
            Some(vars)
        }
        Some(other) => {
            let loc = vec!["body".into(), "env_vars".into()];
            return Err(vec![Invalid {
                kind: "dict_type",
                loc,
                msg: "Input should be a valid dictionary",
                input: other,
            }]);
        }
    };
    // The real server tests these for truth, so an empty string counts as absent.
    let mut text =
        |name: &str| object.remove(name).and_then(|v| v.as_str().map(str::to_string)).filter(|s| !s.is_empty());
    Ok(ExecuteRequest {
        code: text("code").unwrap_or_default(),
        context_id: text("context_id"),
        language: text("language"),
        env_vars,
    })
}

/// The real server's language names: lower case, trimmed, `js` and `ts` spelt out, empty =
/// Python.
fn normalize_language(language: Option<&str>) -> String {
    match language.map(|l| l.trim().to_lowercase()).as_deref() {
        None | Some("") => "python".into(),
        Some("js") => "javascript".into(),
        Some("ts") => "typescript".into(),
        Some(other) => other.into(),
    }
}

/// The languages e2b-local has kernels for (`kernel.py` runs Python and bash, `kernel.js`
/// JavaScript).
const KERNELS: &[&str] = &["python", "bash", "javascript"];

/// What Jupyter answers when a kernel for `language` does not exist (any but [`KERNELS`]).
fn no_kernel(language: &str) -> Response {
    let reason =
        format!("{{\"message\": {}, \"reason\": null}}", py_json_string(&format!("No such kernel named {language}")));
    text_response(StatusCode::INTERNAL_SERVER_ERROR, format!("Failed to create context: {reason}"))
}

fn text_response(status: StatusCode, text: String) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

fn json_response(status: StatusCode, json: String) -> Response {
    let mut response = (status, json).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn context_not_found(id: &str) -> Response {
    text_response(StatusCode::NOT_FOUND, format!("Context {id} not found"))
}

/// A string as Python's `json.dumps` writes it (`ensure_ascii`).
fn py_json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn error_line(name: &str, value: &str) -> String {
    format!(
        "{{\"type\": \"error\", \"name\": {}, \"value\": {}, \"traceback\": \"\"}}\n",
        py_json_string(name),
        py_json_string(value)
    )
}

// ---- Routes ----

async fn execute(Extension(target): Extension<Target>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = check_access_token(target.access_token.as_deref(), &headers) {
        return e.into_response();
    }
    let request = match parse_execute(&body) {
        Ok(request) => request,
        Err(errors) => return unprocessable(errors),
    };
    let contexts = &target.runtime.contexts;
    let context = match (&request.context_id, &request.language) {
        (Some(_), Some(_)) => {
            return text_response(StatusCode::BAD_REQUEST, "Only one of context_id or language can be provided".into())
        }
        (Some(id), None) => match contexts.find(id) {
            Some(context) => context,
            None => return context_not_found(id),
        },
        (None, language) => match normalize_language(language.as_deref()).as_str() {
            known if KERNELS.contains(&known) => contexts.default_for(known),
            other => return no_kernel(other),
        },
    };
    let mut line = serde_json::json!({ "code": request.code, "env_vars": request.env_vars }).to_string();
    line.push('\n');
    let guard = context.kernel.clone().try_lock_owned().ok();
    // An idle context whose kernel cannot start at all (no IPython in the sandbox) answers a
    // plain 500, which such a kernel says within moments. The headers do not wait for a kernel
    // that is importing IPython: the real server's kernels run before the first request.
    let (failed_tx, failed_rx) = oneshot::channel::<String>();
    let failed = guard.is_some().then_some(failed_tx);
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    tokio::spawn(run(context, target.runtime.clone(), guard, line, tx, failed));
    if let Ok(Ok(e)) = tokio::time::timeout(START_VERDICT, failed_rx).await {
        return text_response(StatusCode::INTERNAL_SERVER_ERROR, e);
    }
    let mut rx = rx;
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx).map(|chunk| chunk.map(Ok::<_, std::convert::Infallible>))
    });
    // Broken off when the sandbox is killed, as the real interpreter's stream is.
    Response::new(crate::stream::cut_when_gone(Body::from_stream(stream), target.runtime.gone.subscribe()))
}

/// One run: waits for the context, sends the request to its kernel and relays the lines.
async fn run(
    context: Arc<Context>,
    runtime: Arc<Runtime>,
    guard: Option<OwnedMutexGuard<Option<Kernel>>>,
    request: String,
    tx: mpsc::Sender<Bytes>,
    failed: Option<oneshot::Sender<String>>,
) {
    let mut slot = match guard {
        Some(guard) => guard,
        None => match queue(&context, &tx).await {
            Some(guard) => guard,
            None => return,
        },
    };
    if let Err(e) = context.ensure_kernel(&runtime, &mut slot).await {
        // Still in time for the 500, or else in the stream.
        if failed.is_some_and(|failed| failed.send(e.clone()).is_ok()) {
            return;
        }
        let _ = tx.send(Bytes::from(error_line("ContextRestarting", &e))).await;
        let _ = tx.send(Bytes::from_static(END_OF_EXECUTION.as_bytes())).await;
        return;
    }
    let kernel = slot.as_mut().expect("started above");
    let relayed = match kernel.stdin.write_all(request.as_bytes()).await {
        Ok(()) => relay(kernel, tx).await,
        Err(_) => Relay::KernelDied(Some(tx)),
    };
    match relayed {
        Relay::Ended => {}
        Relay::KernelDied(client) => {
            *slot = None;
            context.process().take();
            if let Some(tx) = client {
                let _ = tx.send(Bytes::from(error_line("ContextRestarting", "Context was restarted"))).await;
                let _ = tx.send(Bytes::from_static(END_OF_EXECUTION.as_bytes())).await;
            }
        }
    }
}

/// Waits for the runs before this one on the context, in silence: the real server has sent its
/// headers by then, and its keepalives start only when the run does. `None` if the client left
/// meanwhile.
async fn queue(context: &Context, tx: &mpsc::Sender<Bytes>) -> Option<OwnedMutexGuard<Option<Kernel>>> {
    tokio::select! {
        guard = context.kernel.clone().lock_owned() => Some(guard),
        () = tx.closed() => None,
    }
}

enum Relay {
    /// The run ended with `end_of_execution`.
    Ended,
    /// The kernel is gone (killed, crashed, or would not stop); the client if still there.
    KernelDied(Option<mpsc::Sender<Bytes>>),
}

/// Passes the kernel's lines to the client until `end_of_execution`, with keepalives. When
/// the client goes, the kernel is interrupted and the rest of the run is read and dropped.
async fn relay(kernel: &mut Kernel, tx: mpsc::Sender<Bytes>) -> Relay {
    let mut client = Some(tx);
    let mut interrupted_at = tokio::time::Instant::now();
    loop {
        let mut gone = false;
        let closed = async {
            match &client {
                Some(tx) => tx.closed().await,
                None => std::future::pending().await,
            }
        };
        let pause = if client.is_some() { KEEPALIVE } else { INTERRUPT_EVERY };
        tokio::select! {
            line = kernel.lines.next_line() => {
                let Ok(Some(line)) = line else { return Relay::KernelDied(client) };
                let end = is_end_of_execution(&line);
                if let Some(tx) = &client {
                    gone = tx.send(Bytes::from(line + "\n")).await.is_err();
                }
                if end {
                    return Relay::Ended;
                }
            }
            () = closed => gone = true,
            () = tokio::time::sleep(pause) => match &client {
                Some(tx) => gone = tx.send(Bytes::from_static(KEEPALIVE_LINE.as_bytes())).await.is_err(),
                None if interrupted_at.elapsed() >= INTERRUPT_LIMIT => {
                    let _ = kernel.process.signal(libc::SIGKILL);
                    return Relay::KernelDied(None);
                }
                None => {
                    let _ = kernel.process.signal(libc::SIGINT);
                }
            },
        }
        if gone && client.take().is_some() {
            interrupted_at = tokio::time::Instant::now();
            let _ = kernel.process.signal(libc::SIGINT);
        }
    }
}

fn is_end_of_execution(line: &str) -> bool {
    serde_json::from_str::<Value>(line).is_ok_and(|v| v["type"] == "end_of_execution")
}

async fn create_context(Extension(target): Extension<Target>, body: Bytes) -> Response {
    let object = match parse_body(&body, &[], &["language", "cwd"]) {
        Ok(object) => object,
        Err(errors) => return unprocessable(errors),
    };
    let text = |name: &str| object.get(name).and_then(Value::as_str).filter(|s| !s.is_empty());
    let language = normalize_language(text("language"));
    if !KERNELS.contains(&language.as_str()) {
        return no_kernel(&language);
    }
    let context = Arc::new(Context::new(&language, text("cwd").unwrap_or(DEFAULT_CWD), false));
    let mut slot = context.kernel.clone().lock_owned().await;
    if let Err(e) = context.ensure_kernel(&target.runtime, &mut slot).await {
        return text_response(StatusCode::INTERNAL_SERVER_ERROR, e);
    }
    drop(slot);
    target.runtime.contexts.list().push(context.clone());
    json_response(StatusCode::OK, context.json())
}

async fn list_contexts(Extension(target): Extension<Target>) -> Response {
    let list: Vec<String> = target.runtime.contexts.list().iter().map(|c| c.json()).collect();
    json_response(StatusCode::OK, format!("[{}]", list.join(",")))
}

async fn restart_context(Extension(target): Extension<Target>, Path(id): Path<String>) -> Response {
    let Some(context) = target.runtime.contexts.find(&id) else { return context_not_found(&id) };
    context.kill_kernel();
    let mut slot = context.kernel.clone().lock_owned().await;
    *slot = None;
    if context.ensure_kernel(&target.runtime, &mut slot).await.is_err() {
        return text_response(StatusCode::INTERNAL_SERVER_ERROR, format!("Failed to restart context {id}"));
    }
    json_response(StatusCode::OK, "null".into())
}

async fn remove_context(Extension(target): Extension<Target>, Path(id): Path<String>) -> Response {
    let removed = {
        let mut list = target.runtime.contexts.list();
        let position = list.iter().position(|c| c.id == id);
        position.map(|i| list.remove(i))
    };
    let Some(context) = removed else { return context_not_found(&id) };
    context.kill_kernel();
    json_response(StatusCode::OK, "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_normalise_like_the_real_server() {
        assert_eq!(normalize_language(None), "python");
        assert_eq!(normalize_language(Some("")), "python");
        assert_eq!(normalize_language(Some(" Python ")), "python");
        assert_eq!(normalize_language(Some("JS")), "javascript");
        assert_eq!(normalize_language(Some("ts")), "typescript");
        assert_eq!(normalize_language(Some("r")), "r");
    }

    #[test]
    fn strings_are_written_like_json_dumps() {
        assert_eq!(py_json_string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(py_json_string("é✓"), r#""\u00e9\u2713""#);
        assert_eq!(py_json_string("😀\u{1}"), r#""\ud83d\ude00\u0001""#);
        assert_eq!(
            error_line("E", "v"),
            "{\"type\": \"error\", \"name\": \"E\", \"value\": \"v\", \"traceback\": \"\"}\n"
        );
    }

    #[test]
    fn execute_bodies_validate_like_fastapi() {
        let ok = parse_execute(br#"{"code":"1","context_id":null,"language":null,"env_vars":null}"#).unwrap();
        assert_eq!(ok, ExecuteRequest { code: "1".into(), context_id: None, language: None, env_vars: None });
        let empty_strings = parse_execute(br#"{"code":"1","context_id":"","language":""}"#).unwrap();
        assert_eq!((empty_strings.context_id, empty_strings.language), (None, None));

        let missing = parse_execute(br#"{"language":"python"}"#).err().unwrap();
        assert_eq!(
            missing.iter().map(Invalid::json).collect::<Vec<_>>(),
            [r#"{"type":"missing","loc":["body","code"],"msg":"Field required","input":{"language":"python"}}"#]
        );
        let wrong = parse_execute(br#"{"code":1}"#).err().unwrap();
        assert_eq!(wrong[0].kind, "string_type");
        let vars = parse_execute(br#"{"code":"1","env_vars":{"A":1}}"#).err().unwrap();
        assert_eq!(vars[0].loc, [Value::from("body"), "env_vars".into(), "A".into()]);
        assert_eq!(parse_execute(b"[]").err().unwrap()[0].kind, "model_attributes_type");
        assert_eq!(parse_execute(b"{").err().unwrap()[0].kind, "json_invalid");
        assert_eq!(parse_execute(b"").err().unwrap()[0].kind, "missing");
    }

    #[test]
    fn context_ids_are_uuids() {
        let id = uuid4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(id, uuid4());
    }
}

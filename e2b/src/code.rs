//! The code interpreter (E2B's code-interpreter server): `run_code` over the `/execute`
//! NDJSON stream on port 49999, and code contexts.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::ops::ControlFlow;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ureq::http::Method;

use crate::chart::Chart;
use crate::config::CODE_INTERPRETER_PORT;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Body, Deadline};
use crate::sandbox::Sandbox;
use crate::util::encode_component;

/// How long code may run unless told otherwise (the Python SDK's default).
pub const DEFAULT_RUN_CODE_TIMEOUT: Duration = Duration::from_secs(300);
/// Once a run has started the interpreter sends a keepalive line after 5 s of
/// silence, so a longer silence means the connection is gone. Before the
/// first line the run may be waiting for a busy context, which is silent.
const SILENCE_LIMIT: Duration = Duration::from_secs(30);
/// The longest line accepted (a large image is a few MB of base64).
const MAX_LINE: u64 = 256 << 20;

/// How to run code: `RunCodeOptions::default()` runs Python in its default
/// context for at most [`DEFAULT_RUN_CODE_TIMEOUT`]; each setting has a method
/// of its name:
///
/// ```
/// use std::time::Duration;
///
/// let options = e2b::RunCodeOptions::default().language("python").env("DEBUG", "1").timeout(None);
/// assert_eq!(options.timeout, None::<Duration>);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RunCodeOptions {
    /// The language's default context ("python", "javascript", ...); `None`
    /// with no `context_id` means Python. Not together with `context_id`.
    pub language: Option<String>,
    /// A context made by [`Sandbox::create_code_context`].
    pub context_id: Option<String>,
    /// Environment variables for this run only.
    pub envs: BTreeMap<String, String>,
    /// How long the call may take, the wait for a context busy with another
    /// run included; `None` for no limit. Default: [`DEFAULT_RUN_CODE_TIMEOUT`].
    pub timeout: Option<Duration>,
}

impl Default for RunCodeOptions {
    fn default() -> RunCodeOptions {
        RunCodeOptions {
            language: None,
            context_id: None,
            envs: BTreeMap::new(),
            timeout: Some(DEFAULT_RUN_CODE_TIMEOUT),
        }
    }
}

impl RunCodeOptions {
    /// Runs in the default context of `language` ("python", "javascript", ...).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Runs in the context `context_id` (from [`Sandbox::create_code_context`]).
    pub fn context_id(mut self, context_id: impl Into<String>) -> Self {
        self.context_id = Some(context_id.into());
        self
    }

    /// Adds one environment variable for this run.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.envs.insert(name.into(), value.into());
        self
    }

    /// Sets how long the call may take; `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }
}

/// One result of a run: the value of the last expression (`is_main_result`)
/// or something displayed, in every format the interpreter produced.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ExecutionResult {
    /// Plain text (`text/plain`), e.g. the `repr` of a value.
    pub text: Option<String>,
    /// HTML (`text/html`).
    pub html: Option<String>,
    /// Markdown (`text/markdown`).
    pub markdown: Option<String>,
    /// An SVG image (`image/svg+xml`).
    pub svg: Option<String>,
    /// A PNG image (`image/png`), base64, as sent.
    pub png: Option<String>,
    /// A JPEG image (`image/jpeg`), base64, as sent.
    pub jpeg: Option<String>,
    /// A PDF document (`application/pdf`), base64, as sent.
    pub pdf: Option<String>,
    /// LaTeX (`text/latex`).
    pub latex: Option<String>,
    /// JSON (`application/json`).
    pub json: Option<Value>,
    /// JavaScript (`application/javascript`).
    pub javascript: Option<String>,
    /// Tabular data (`e2b/data`), e.g. a DataFrame's columns.
    pub data: Option<Value>,
    /// The chart the code drew (`e2b/chart`), typed; [`Chart::raw`] is its
    /// JSON as sent. A chart never fails its result: see [`Chart`].
    #[serde(default, deserialize_with = "crate::chart::lenient")]
    pub chart: Option<Chart>,
    /// Other MIME types, by type.
    #[serde(default)]
    pub extra: BTreeMap<String, Value>,
    /// Whether this is the value of the last expression, rather than something displayed.
    #[serde(default)]
    pub is_main_result: bool,
}

impl ExecutionResult {
    /// The formats the result has, by the SDKs' names ("text", "html",
    /// "markdown", "svg", "png", "jpeg", "pdf", "latex", "json",
    /// "javascript", "data", "chart"), in that order, each with its content
    /// as text (base64 for images and PDF, JSON text for "json", "data" and
    /// "chart"). The SDKs' `Result.formats()`, with the contents.
    pub fn formats(&self) -> impl Iterator<Item = (&'static str, Cow<'_, str>)> {
        fn text(value: &Option<String>) -> Option<Cow<'_, str>> {
            value.as_deref().map(Cow::Borrowed)
        }
        fn json(value: &Option<Value>) -> Option<Cow<'_, str>> {
            value.as_ref().map(|value| Cow::Owned(value.to_string()))
        }
        [
            ("text", text(&self.text)),
            ("html", text(&self.html)),
            ("markdown", text(&self.markdown)),
            ("svg", text(&self.svg)),
            ("png", text(&self.png)),
            ("jpeg", text(&self.jpeg)),
            ("pdf", text(&self.pdf)),
            ("latex", text(&self.latex)),
            ("json", json(&self.json)),
            ("javascript", text(&self.javascript)),
            ("data", json(&self.data)),
            ("chart", self.chart.as_ref().map(|chart| Cow::Owned(chart.raw().to_string()))),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
    }
}

/// An error raised by the code (not a failure of the call).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ExecutionError {
    /// The exception's name, e.g. "ZeroDivisionError".
    pub name: String,
    /// The exception's message, e.g. "division by zero".
    pub value: String,
    /// The traceback, as the interpreter formatted it.
    pub traceback: String,
}

/// A piece of output, as the interpreter sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutputChunk {
    /// The text, exactly as written (it may hold NULs).
    pub text: String,
    /// When the code wrote it: RFC 3339, as the interpreter sent it; `None`
    /// if it sent no timestamp.
    pub timestamp: Option<String>,
}

/// What a run produced.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Execution {
    /// Results (the last expression's value, things displayed) in order.
    pub results: Vec<ExecutionResult>,
    /// What the code wrote to stdout, chunk by chunk in arrival order.
    pub stdout: Vec<OutputChunk>,
    /// What the code wrote to stderr, chunk by chunk in arrival order.
    pub stderr: Vec<OutputChunk>,
    /// The error the code raised, if any.
    pub error: Option<ExecutionError>,
    /// The context's execution counter for this run, when the interpreter said.
    pub execution_count: Option<u32>,
}

impl Execution {
    /// The text of the main result (the last expression's value), if any.
    pub fn text(&self) -> Option<&str> {
        self.results.iter().find(|r| r.is_main_result).and_then(|r| r.text.as_deref())
    }

    /// Everything the code wrote to stdout, joined.
    pub fn stdout_text(&self) -> String {
        self.stdout.iter().map(|chunk| chunk.text.as_str()).collect()
    }

    /// Everything the code wrote to stderr, joined.
    pub fn stderr_text(&self) -> String {
        self.stderr.iter().map(|chunk| chunk.text.as_str()).collect()
    }
}

/// Something a run produced, passed to `run_code`'s callback as it arrives.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ExecutionEvent<'e> {
    /// A chunk of stdout.
    Stdout(&'e OutputChunk),
    /// A chunk of stderr.
    Stderr(&'e OutputChunk),
    /// A result (the last expression's value, or something displayed).
    Result(&'e ExecutionResult),
    /// The error the code raised, traceback included.
    Error(&'e ExecutionError),
}

/// Receives what a run produces as it arrives; `Break` stops the run.
pub type OnEvent<'f> = &'f mut dyn FnMut(ExecutionEvent<'_>) -> ControlFlow<()>;

/// A code context: its own interpreter state, language and working directory.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CodeContext {
    /// The context's id, for [`RunCodeOptions::context_id`](RunCodeOptions#structfield.context_id).
    pub id: String,
    /// Its language, e.g. "python".
    pub language: String,
    /// Its working directory.
    pub cwd: String,
}

#[derive(Serialize)]
struct ExecuteRequest<'a> {
    code: &'a str,
    context_id: Option<&'a str>,
    language: Option<&'a str>,
    env_vars: Option<&'a BTreeMap<String, String>>,
}

/// One NDJSON line of `/execute`.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    NumberOfExecutions {
        execution_count: u32,
    },
    Stdout {
        text: String,
        #[serde(default)]
        timestamp: Option<Value>,
    },
    Stderr {
        text: String,
        #[serde(default)]
        timestamp: Option<Value>,
    },
    Result(Box<ExecutionResult>),
    Error(ExecutionError),
    Keepalive,
    EndOfExecution,
    #[serde(other)]
    Unknown,
}

impl Sandbox {
    /// Runs `code` in the code interpreter and returns what it produced,
    /// passing each output, result and error to `on_event` (if any) as it
    /// arrives. An exception in the code is [`Execution::error`], not an
    /// error of the call. Returning `Break` from `on_event` stops the run
    /// (the interpreter interrupts it) with [`ErrorKind::CallbackAborted`].
    ///
    /// Limits: `options.timeout` bounds the whole run, including the wait
    /// for a context busy with another run (during which the interpreter
    /// sends nothing). Once the run has sent its first line, 30 s without a
    /// line (it sends a keepalive every 5 s) means the connection is lost. A
    /// [call deadline](Sandbox::with_deadline) bounds the call as a whole.
    /// Each fails with [`ErrorKind::Timeout`], and the message says which.
    /// Cancelling it ([`Sandbox::with_cancel`]) closes the connection, and
    /// the interpreter interrupts the run, as when `on_event` stops it.
    /// A run is never sent twice. The context calls are bounded by the
    /// request timeout, and listing them is retried.
    pub fn run_code(&self, code: &str, options: &RunCodeOptions, on_event: Option<OnEvent<'_>>) -> Result<Execution> {
        self.execute(code, options, on_event, SILENCE_LIMIT)
    }

    /// [`Sandbox::run_code`] with a given limit on silence once the run started.
    fn execute(
        &self,
        code: &str,
        options: &RunCodeOptions,
        on_event: Option<OnEvent<'_>>,
        silence: Duration,
    ) -> Result<Execution> {
        let what = "run code";
        if options.language.is_some() && options.context_id.is_some() {
            return Err(Error::invalid_argument(format!("{what}: give a language or a context, not both")));
        }
        let body = ExecuteRequest {
            code,
            context_id: options.context_id.as_deref(),
            language: options.language.as_deref(),
            env_vars: (!options.envs.is_empty()).then_some(&options.envs),
        };
        let timeout = options.timeout;
        let mut request = self
            .port_request(
                CODE_INTERPRETER_PORT,
                Method::POST,
                "/execute",
                Deadline { total: timeout, idle: Some(silence) },
            )
            .json(&body);
        if let Some(token) = self.access_token() {
            request = request.header("X-Access-Token", token);
        }
        let mut response = http::send(self.client().agent(), request, what)?;
        let status = response.status().as_u16();
        if status != 200 {
            let body = http::read_body(&mut response, what)?;
            return Err(Error::from_envd(what, status, &body));
        }

        let mut lines = BufReader::new(http::reader(response));
        let execution = read_execution(&mut lines, on_event, what, Limits { timeout, silence })
            .map_err(|err| self.explain_broken_stream(err))?;
        // The body ends after the last line: read its end so the connection can be reused.
        http::drain(&mut lines);
        Ok(execution)
    }

    /// Creates a code context with its own state, for `language` (default
    /// Python) working in `cwd` (default the user's home).
    pub fn create_code_context(&self, language: Option<&str>, cwd: Option<&str>) -> Result<CodeContext> {
        #[derive(Serialize)]
        struct Create<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            language: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cwd: Option<&'a str>,
        }
        self.contexts_call(Method::POST, "/contexts", Some(&Create { language, cwd }), "create a code context")
    }

    /// Every code context, the default ones included.
    pub fn list_code_contexts(&self) -> Result<Vec<CodeContext>> {
        self.contexts_call(Method::GET, "/contexts", None::<&()>, "list code contexts")
    }

    /// Restarts the context `context_id`: its state is lost.
    pub fn restart_code_context(&self, context_id: &str) -> Result<()> {
        let path = format!("/contexts/{}/restart", encode_component(context_id));
        let what = format!("restart code context {context_id}");
        self.contexts_call::<Value>(Method::POST, &path, None::<&()>, &what).map(drop)
    }

    /// Removes the context `context_id`.
    pub fn remove_code_context(&self, context_id: &str) -> Result<()> {
        let path = format!("/contexts/{}", encode_component(context_id));
        let what = format!("remove code context {context_id}");
        self.contexts_call::<Value>(Method::DELETE, &path, None::<&()>, &what).map(drop)
    }

    fn contexts_call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
        what: &str,
    ) -> Result<T> {
        let deadline = Deadline::total(self.client().config().request_timeout);
        let mut request = self.port_request(CODE_INTERPRETER_PORT, method, path, deadline);
        request = match body {
            Some(body) => request.json(body),
            None => request.body(Body::Empty),
        };
        let response = http::fetch(self.client().agent(), request, what)?;
        if response.status() != 200 {
            return Err(Error::from_envd(what, response.status().as_u16(), response.body()));
        }
        serde_json::from_slice(response.body()).map_err(|err| Error::decode(what, err))
    }
}

/// The limits a run's stream is read under, to say which one passed.
#[derive(Clone, Copy, Debug, Default)]
struct Limits {
    /// The run's timeout, if any.
    timeout: Option<Duration>,
    /// The longest silence once the run has started.
    silence: Duration,
}

/// Reads an `/execute` stream to its end, calling `on_event` for what it produces.
fn read_execution(
    lines: &mut dyn BufRead,
    mut on_event: Option<OnEvent<'_>>,
    what: &str,
    limits: Limits,
) -> Result<Execution> {
    let mut execution = Execution::default();
    let mut line = Vec::new();
    let mut started = false;
    loop {
        line.clear();
        let read = match std::io::Read::take(&mut *lines, MAX_LINE).read_until(b'\n', &mut line) {
            Ok(read) => read,
            Err(err) => {
                started |= !line.is_empty();
                match (timeout_reason(&err), limits.timeout) {
                    // A run waiting for a busy context is silent until it starts.
                    (Some(ureq::Timeout::PerRead), _) if !started => continue,
                    (Some(ureq::Timeout::PerRead), _) => {
                        let message = format!(
                            "{what}: nothing from the code interpreter for {:?} (it sends a keepalive every 5 s): \
                             the connection is lost",
                            limits.silence
                        );
                        return Err(Error::new(ErrorKind::Timeout, message));
                    }
                    (Some(ureq::Timeout::PerCall), Some(timeout)) => {
                        let message = format!("{what}: the run did not finish within its timeout of {timeout:?}");
                        return Err(Error::new(ErrorKind::Timeout, message));
                    }
                    _ => return Err(Error::from_read(what, &err)),
                }
            }
        };
        started = true;
        if read == 0 {
            return Err(Error::new(
                ErrorKind::Network,
                format!("{what}: the stream ended before the end of the execution"),
            ));
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_slice(&line).map_err(|err| Error::decode(what, err))?;
        let event = match parsed {
            Line::EndOfExecution => return Ok(execution),
            Line::NumberOfExecutions { execution_count } => {
                execution.execution_count = Some(execution_count);
                continue;
            }
            Line::Keepalive | Line::Unknown => continue,
            Line::Stdout { text, timestamp } => {
                execution.stdout.push(OutputChunk { text, timestamp: timestamp_text(timestamp) });
                ExecutionEvent::Stdout(execution.stdout.last().expect("just pushed"))
            }
            Line::Stderr { text, timestamp } => {
                execution.stderr.push(OutputChunk { text, timestamp: timestamp_text(timestamp) });
                ExecutionEvent::Stderr(execution.stderr.last().expect("just pushed"))
            }
            Line::Result(result) => {
                execution.results.push(*result);
                ExecutionEvent::Result(execution.results.last().expect("just pushed"))
            }
            Line::Error(error) => ExecutionEvent::Error(execution.error.insert(error)),
        };
        if let Some(on_event) = on_event.as_mut() {
            if on_event(event).is_break() {
                // Dropping the connection makes the interpreter interrupt the run.
                return Err(Error::new(ErrorKind::CallbackAborted, format!("{what}: stopped by the callback")));
            }
        }
    }
}

/// Which limit passed, if `err` is a timeout of the HTTP client.
fn timeout_reason(err: &std::io::Error) -> Option<ureq::Timeout> {
    match err.get_ref()?.downcast_ref::<ureq::Error>()? {
        ureq::Error::Timeout(reason) => Some(*reason),
        _ => None,
    }
}

/// A timestamp as text; one of another type (the server's is RFC 3339 text)
/// is dropped rather than failing the run.
fn timestamp_text(timestamp: Option<Value>) -> Option<String> {
    match timestamp? {
        Value::String(text) => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_like_the_real_server_sends_them() {
        let result: Line = serde_json::from_str(
            r#"{"type": "result", "text": "2", "png": "iVBOR", "extra": {"application/x": "y"}, "is_main_result": true}"#,
        )
        .unwrap();
        match result {
            Line::Result(r) => {
                assert_eq!((r.text.as_deref(), r.png.as_deref(), r.is_main_result), (Some("2"), Some("iVBOR"), true));
                assert_eq!(r.extra.get("application/x"), Some(&Value::String("y".into())));
            }
            _ => panic!("not a result"),
        }
        assert!(matches!(serde_json::from_str(r#"{"type": "keepalive"}"#).unwrap(), Line::Keepalive));
        assert!(matches!(serde_json::from_str(r#"{"type": "something_new", "x": 1}"#).unwrap(), Line::Unknown));
        assert!(matches!(
            serde_json::from_str(r#"{"type": "number_of_executions", "execution_count": 3}"#).unwrap(),
            Line::NumberOfExecutions { execution_count: 3 }
        ));
    }

    #[test]
    fn output_keeps_nuls_and_timestamps() {
        // The shape of the recorded `execute_stream` lines, with a NUL and
        // with a timestamp of a type no server sends.
        let body =
            b"{\"type\": \"stdout\", \"text\": \"a\\u0000b\", \"timestamp\": \"2026-11-26T12:23:57.099074+00:00\"}\n\
                     {\"type\": \"stderr\", \"text\": \"w\", \"timestamp\": 17}\n{\"type\": \"end_of_execution\"}\n";
        let execution = read_execution(&mut &body[..], None, "run code", Limits::default()).unwrap();
        let stdout = OutputChunk { text: "a\0b".into(), timestamp: Some("2026-11-26T12:23:57.099074+00:00".into()) };
        assert_eq!(execution.stdout, [stdout]);
        assert_eq!(execution.stderr, [OutputChunk { text: "w".into(), timestamp: None }]);
    }

    /// The body of a recorded response of the real code interpreter.
    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/../tests/fixtures/code-interpreter/{name}.response.txt", env!("CARGO_MANIFEST_DIR"));
        let raw = std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
        raw[split..].to_vec()
    }

    fn parse(name: &str) -> Result<Execution> {
        read_execution(&mut fixture(name).as_slice(), None, "run code", Limits::default())
    }

    #[test]
    fn recorded_streams_parse() {
        let print = parse("execute_print").unwrap();
        assert_eq!((print.stdout_text(), print.execution_count), ("hello\n".to_owned(), Some(1)));

        assert_eq!(parse("execute_expr").unwrap().text(), Some("2"));
        assert_eq!(parse("execute_state_1").unwrap(), Execution { execution_count: Some(3), ..Execution::default() });

        let error = parse("execute_error").unwrap().error.unwrap();
        assert_eq!((error.name.as_str(), error.value.as_str()), ("ZeroDivisionError", "division by zero"));
        assert!(error.traceback.contains("----> 1 1/0"));

        let stream = parse("execute_stream").unwrap();
        let chunks: Vec<_> = stream.stdout.iter().map(|c| (c.text.as_str(), c.timestamp.as_deref().unwrap())).collect();
        assert_eq!(
            chunks,
            [
                ("line 0\n", "2026-11-26T12:23:57.099074+00:00"),
                ("line 1\n", "2026-11-26T12:23:57.600016+00:00"),
                ("line 2\n", "2026-11-26T12:23:58.101016+00:00")
            ]
        );
        let stderr = parse("execute_stderr").unwrap();
        assert_eq!(
            (&stderr.stderr[..], stderr.text()),
            (
                &[OutputChunk { text: "warn\n".into(), timestamp: Some("2026-11-26T12:23:58.613264+00:00".into()) }][..],
                Some("5")
            )
        );

        let unicode = parse("execute_unicode").unwrap();
        assert_eq!((unicode.stdout[0].text.as_str(), unicode.text()), ("h\u{e9}llo \u{2713}\n", Some("\u{e9}")));
        assert_eq!(parse("execute_keepalive").unwrap().stdout_text(), "done\n");
    }

    #[test]
    fn recorded_rich_results_keep_every_format() {
        let html = &parse("execute_rich_html").unwrap().results[0];
        assert!(html.html.as_deref().unwrap().contains("<table"));
        assert_eq!(html.data.as_ref().unwrap()["b"], serde_json::json!(["x", "y", "z"]));

        let png = &parse("execute_rich_png").unwrap().results[0];
        assert!(!png.is_main_result);
        assert!(png.png.as_deref().unwrap().starts_with("iVBORw0KGgo"));
        let chart = png.chart.as_ref().unwrap();
        assert_eq!((chart.chart_type, chart.title.as_deref()), (crate::ChartType::Line, Some("squares")));
        assert_eq!(chart.raw()["type"], "line");
        let crate::ChartElements::Points(series) = &chart.elements else { panic!("{chart:?}") };
        assert_eq!(series[0].points.len(), 3);
        let formats: Vec<_> = png.formats().map(|(name, _)| name).collect();
        assert_eq!(formats, ["text", "png", "chart"]);
        let text = png.formats().find(|(name, _)| *name == "chart").unwrap().1;
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), *chart.raw());

        let json = parse("execute_rich_json").unwrap();
        assert_eq!(json.results[0].json, Some(serde_json::json!({"a": 1, "b": [1, 2]})));

        let display = parse("execute_display").unwrap();
        assert_eq!(display.results.len(), 2);
        assert_eq!((display.results[0].markdown.as_deref(), display.results[0].is_main_result), (Some("**b**"), false));
        assert_eq!(display.text(), Some("5"));
    }

    #[test]
    fn a_cut_stream_is_an_error_not_a_short_result() {
        for name in ["execute_disconnect_1_abandoned", "execute_disconnect_2_next_hangs"] {
            let err = parse(name).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Network, "{name}: {err}");
        }
    }

    #[test]
    fn events_arrive_in_order_and_a_callback_can_stop() {
        let mut seen = Vec::new();
        let mut on_event = |event: ExecutionEvent<'_>| {
            seen.push(match event {
                ExecutionEvent::Stdout(chunk) => format!("out:{}", chunk.text),
                ExecutionEvent::Stderr(chunk) => format!("err:{}", chunk.text),
                ExecutionEvent::Result(result) => format!("result:{}", result.text.as_deref().unwrap_or("")),
                ExecutionEvent::Error(error) => format!("error:{}", error.name),
            });
            ControlFlow::Continue(())
        };
        read_execution(&mut fixture("execute_env_vars").as_slice(), Some(&mut on_event), "run", Limits::default())
            .unwrap();
        assert_eq!(seen, ["out:bar\n", "result:bar"]);

        let mut stop = |_: ExecutionEvent<'_>| ControlFlow::Break(());
        let err = read_execution(&mut fixture("execute_stream").as_slice(), Some(&mut stop), "run", Limits::default())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::CallbackAborted);
    }

    /// A code interpreter on a local port that answers one `/execute` with
    /// the 200 head at once, as the real one does, then each `(pause, text)`
    /// as a chunk, then (if `end`) the last chunk; it holds the connection
    /// open until the client lets go.
    fn interpreter(steps: Vec<(Duration, &'static str)>, end: bool) -> Sandbox {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(&stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            reader.read_exact(&mut vec![0; length]).unwrap();
            let mut writer = &stream;
            writer.write_all(b"HTTP/1.1 200 OK\r\nserver: uvicorn\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
            for (pause, text) in steps {
                std::thread::sleep(pause);
                let _ = write!(writer, "{:x}\r\n{text}\r\n", text.len());
            }
            if end {
                let _ = writer.write_all(b"0\r\n\r\n");
            }
            let _ = reader.read_to_end(&mut Vec::new());
        });
        let client = crate::Client::new(crate::Config::builder().api_key("e2b_00").sandbox_url(url).build());
        let wire = serde_json::json!({"sandboxID": "i0123456789", "templateID": "code-interpreter-v1"});
        Sandbox::from_wire(client, serde_json::from_value(wire).unwrap())
    }

    const SHORT_SILENCE: Duration = Duration::from_millis(300);
    const FIRST: &str = "{\"type\": \"number_of_executions\", \"execution_count\": 1}\n";
    const HELLO: &str =
        "{\"type\": \"stdout\", \"text\": \"hi\\n\", \"timestamp\": \"2026-11-26T12:23:57.099074+00:00\"}\n";
    const END: &str = "{\"type\": \"end_of_execution\"}\n";

    #[test]
    fn a_busy_context_may_keep_the_stream_silent_before_its_first_line() {
        let sandbox =
            interpreter(vec![(SHORT_SILENCE * 4, FIRST), (Duration::ZERO, HELLO), (Duration::ZERO, END)], true);
        let options = RunCodeOptions::default().timeout(None);
        let execution = sandbox.execute("print('hi')", &options, None, SHORT_SILENCE).unwrap();
        assert_eq!(execution.stdout_text(), "hi\n");
    }

    #[test]
    fn silence_after_the_first_line_is_a_lost_connection() {
        let sandbox = interpreter(vec![(Duration::ZERO, FIRST), (Duration::ZERO, HELLO)], false);
        let options = RunCodeOptions::default().timeout(None);
        let started = std::time::Instant::now();
        let err = sandbox.execute("print('hi')", &options, None, SHORT_SILENCE).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(err.message().contains("nothing from the code interpreter for 300ms"), "{err}");
        assert!(started.elapsed() < SHORT_SILENCE * 5, "took {:?}", started.elapsed());
    }

    #[test]
    fn the_callers_timeout_bounds_the_wait_for_a_busy_context() {
        let sandbox = interpreter(vec![], false);
        let options = RunCodeOptions::default().timeout(Some(Duration::from_millis(1200)));
        let started = std::time::Instant::now();
        let err = sandbox.execute("1", &options, None, SHORT_SILENCE).unwrap_err();
        let elapsed = started.elapsed();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(err.message().contains("did not finish within its timeout of 1.2s"), "{err}");
        assert!(elapsed >= Duration::from_millis(1200) && elapsed < Duration::from_secs(4), "took {elapsed:?}");
    }
}

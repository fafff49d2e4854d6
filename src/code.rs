//! The code interpreter (`protocol.md` §1f): `run_code` over the `/execute`
//! NDJSON stream on port 49999, and code contexts.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::ops::ControlFlow;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ureq::http::Method;

use crate::config::CODE_INTERPRETER_PORT;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Body, Deadline};
use crate::sandbox::Sandbox;
use crate::util::encode_component;

/// How long code may run unless told otherwise (the Python SDK's default).
pub const DEFAULT_RUN_CODE_TIMEOUT: Duration = Duration::from_secs(300);
/// The interpreter sends a keepalive line after 5 s of silence, so a longer
/// silence means the connection is gone.
const SILENCE_LIMIT: Duration = Duration::from_secs(30);
/// The longest line accepted (a large image is a few MB of base64).
const MAX_LINE: u64 = 256 << 20;

/// How to run code.
#[derive(Clone, Debug)]
pub struct RunCodeOptions {
    /// The language's default context ("python", "javascript", ...); `None`
    /// with no `context_id` means Python. Not together with `context_id`.
    pub language: Option<String>,
    /// A context made by [`Sandbox::create_code_context`].
    pub context_id: Option<String>,
    /// Environment variables for this run only.
    pub envs: BTreeMap<String, String>,
    /// How long the run may take; `Duration::ZERO` means no limit. Default: 300 s.
    pub timeout: Duration,
}

impl Default for RunCodeOptions {
    fn default() -> RunCodeOptions {
        RunCodeOptions { language: None, context_id: None, envs: BTreeMap::new(), timeout: DEFAULT_RUN_CODE_TIMEOUT }
    }
}

/// One result of a run: the value of the last expression (`is_main_result`)
/// or something displayed, in every format the interpreter produced.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct ExecutionResult {
    pub text: Option<String>,
    pub html: Option<String>,
    pub markdown: Option<String>,
    pub svg: Option<String>,
    /// Base64, as sent.
    pub png: Option<String>,
    /// Base64, as sent.
    pub jpeg: Option<String>,
    pub pdf: Option<String>,
    pub latex: Option<String>,
    pub json: Option<Value>,
    pub javascript: Option<String>,
    /// Tabular data (`e2b/data`), e.g. a DataFrame's columns.
    pub data: Option<Value>,
    /// A chart's description (`e2b/chart`).
    pub chart: Option<Value>,
    /// Other MIME types, by type.
    #[serde(default)]
    pub extra: BTreeMap<String, Value>,
    #[serde(default)]
    pub is_main_result: bool,
}

/// An error raised by the code (not a failure of the call).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ExecutionError {
    /// The exception's name, e.g. "ZeroDivisionError".
    pub name: String,
    pub value: String,
    pub traceback: String,
}

/// What a run produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Execution {
    pub results: Vec<ExecutionResult>,
    /// Output chunks in arrival order.
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
    pub error: Option<ExecutionError>,
    pub execution_count: Option<u32>,
}

impl Execution {
    /// The text of the main result (the last expression's value), if any.
    pub fn text(&self) -> Option<&str> {
        self.results.iter().find(|r| r.is_main_result).and_then(|r| r.text.as_deref())
    }
}

/// Something a run produced, passed to `run_code`'s callback as it arrives.
#[derive(Clone, Copy, Debug)]
pub enum ExecutionEvent<'e> {
    Stdout(&'e str),
    Stderr(&'e str),
    Result(&'e ExecutionResult),
    Error(&'e ExecutionError),
}

/// Receives what a run produces as it arrives; `Break` stops the run.
pub type OnEvent<'f> = &'f mut dyn FnMut(ExecutionEvent<'_>) -> ControlFlow<()>;

/// A code context: its own interpreter state, language and working directory.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CodeContext {
    pub id: String,
    pub language: String,
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
    },
    Stderr {
        text: String,
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
    /// Time limits: [`RunCodeOptions::timeout`] bounds the run and a silence
    /// of 30 s ends it (the interpreter sends keepalives); a
    /// [call deadline](Sandbox::with_deadline) bounds it as a whole. A run is
    /// never sent twice. The context calls are bounded by the request
    /// timeout, and listing them is retried.
    pub fn run_code(&self, code: &str, options: &RunCodeOptions, on_event: Option<OnEvent<'_>>) -> Result<Execution> {
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
        let timeout = (!options.timeout.is_zero()).then_some(options.timeout);
        let mut request = self
            .port_request(
                CODE_INTERPRETER_PORT,
                Method::POST,
                "/execute",
                Deadline { total: timeout, idle: Some(SILENCE_LIMIT) },
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

        let mut lines = BufReader::new(response.into_body().into_reader());
        let execution = read_execution(&mut lines, on_event, what)?;
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

/// Reads an `/execute` stream to its end, calling `on_event` for what it produces.
fn read_execution(lines: &mut dyn BufRead, mut on_event: Option<OnEvent<'_>>, what: &str) -> Result<Execution> {
    let mut execution = Execution::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = std::io::Read::take(&mut *lines, MAX_LINE)
            .read_until(b'\n', &mut line)
            .map_err(|err| Error::from_read(what, &err))?;
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
            Line::Stdout { text } => {
                execution.stdout.push(text);
                ExecutionEvent::Stdout(execution.stdout.last().expect("just pushed"))
            }
            Line::Stderr { text } => {
                execution.stderr.push(text);
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

    /// The body of a recorded response of the real code interpreter.
    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/code-interpreter/{name}.response.txt", env!("CARGO_MANIFEST_DIR"));
        let raw = std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
        raw[split..].to_vec()
    }

    fn parse(name: &str) -> Result<Execution> {
        read_execution(&mut fixture(name).as_slice(), None, "run code")
    }

    #[test]
    fn recorded_streams_parse() {
        let print = parse("execute_print").unwrap();
        assert_eq!((print.stdout, print.execution_count), (vec!["hello\n".to_owned()], Some(1)));

        assert_eq!(parse("execute_expr").unwrap().text(), Some("2"));
        assert_eq!(parse("execute_state_1").unwrap(), Execution { execution_count: Some(3), ..Execution::default() });

        let error = parse("execute_error").unwrap().error.unwrap();
        assert_eq!((error.name.as_str(), error.value.as_str()), ("ZeroDivisionError", "division by zero"));
        assert!(error.traceback.contains("----> 1 1/0"));

        let stream = parse("execute_stream").unwrap();
        assert_eq!(stream.stdout, ["line 0\n", "line 1\n", "line 2\n"]);
        let stderr = parse("execute_stderr").unwrap();
        assert_eq!((stderr.stderr.clone(), stderr.text()), (vec!["warn\n".to_owned()], Some("5")));

        let unicode = parse("execute_unicode").unwrap();
        assert_eq!((unicode.stdout[0].as_str(), unicode.text()), ("h\u{e9}llo \u{2713}\n", Some("\u{e9}")));
        assert_eq!(parse("execute_keepalive").unwrap().stdout, ["done\n"]);
    }

    #[test]
    fn recorded_rich_results_keep_every_format() {
        let html = &parse("execute_rich_html").unwrap().results[0];
        assert!(html.html.as_deref().unwrap().contains("<table"));
        assert_eq!(html.data.as_ref().unwrap()["b"], serde_json::json!(["x", "y", "z"]));

        let png = &parse("execute_rich_png").unwrap().results[0];
        assert!(!png.is_main_result);
        assert!(png.png.as_deref().unwrap().starts_with("iVBORw0KGgo"));
        assert_eq!(png.chart.as_ref().unwrap()["type"], "line");

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
                ExecutionEvent::Stdout(text) => format!("out:{text}"),
                ExecutionEvent::Stderr(text) => format!("err:{text}"),
                ExecutionEvent::Result(result) => format!("result:{}", result.text.as_deref().unwrap_or("")),
                ExecutionEvent::Error(error) => format!("error:{}", error.name),
            });
            ControlFlow::Continue(())
        };
        read_execution(&mut fixture("execute_env_vars").as_slice(), Some(&mut on_event), "run").unwrap();
        assert_eq!(seen, ["out:bar\n", "result:bar"]);

        let mut stop = |_: ExecutionEvent<'_>| ControlFlow::Break(());
        let err = read_execution(&mut fixture("execute_stream").as_slice(), Some(&mut stop), "run").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::CallbackAborted);
    }
}

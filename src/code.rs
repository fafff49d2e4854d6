//! The code interpreter: run_code, typed charts and code contexts.

pub mod chart;

use std::ffi::{c_char, c_void, CString};
use std::ops::ControlFlow;
use std::ptr;

use super::cancel::e2b_cancel;
use super::commands::e2b_stream;
use super::sandbox::{e2b_sandbox, sandbox_view};
use super::{
    arg_mut, arg_opt_str, arg_str, boxed, c_ptr, c_string, e2b_error, e2b_error_code, free, guard, guard_value,
    limit_ms, out_ptr, set_opt, Stop,
};
use chart::{e2b_chart_fields, ChartData};
use sdk::{
    CodeContext, Execution, ExecutionEvent, ExecutionResult, OutputChunk, RunCodeOptions, DEFAULT_RUN_CODE_TIMEOUT,
};

/// How to run code: a builder. New options mean the default Python context
/// and a 300-second limit.
pub struct e2b_run_code_options {
    inner: RunCodeOptions,
}

/// What a run produced, for `e2b_execution_cb`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_execution_output {
    /// A chunk of stdout: `e2b_execution_chunks_get(execution, E2B_STREAM_STDOUT, index, ...)`.
    E2B_EXECUTION_STDOUT = 1,
    /// A chunk of stderr: `e2b_execution_chunks_get(execution, E2B_STREAM_STDERR, index, ...)`.
    E2B_EXECUTION_STDERR = 2,
    /// A result (the last expression's value, or something displayed):
    /// `e2b_execution_results_get(execution, index)`.
    E2B_EXECUTION_RESULT = 3,
    /// The code raised an error: `e2b_execution_error_name(execution)`,
    /// `_value` and `_traceback`; `index` is 0.
    E2B_EXECUTION_ERROR = 4,
}

/// Receives what a run produces as it arrives, on the calling thread.
/// `execution` is the run so far, borrowed for the call, read with the
/// `e2b_execution_*` getters (its count is -1 until the run ends); `output`
/// and `index` say what is new. Return 0 to go on; anything else interrupts
/// the run with E2B_ERR_CALLBACK_ABORTED.
pub type e2b_execution_cb = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        output: e2b_execution_output,
        execution: *const e2b_execution,
        index: usize,
    ) -> i32,
>;

/// One result of a run, in every format the interpreter produced.
pub struct e2b_execution_result {
    is_main: bool,
    /// (format name, value) for each format present, in a fixed order.
    formats: Vec<(CString, CString)>,
    /// (MIME type, value) for each format without a name of its own, sorted by type.
    extras: Vec<(CString, CString)>,
    /// The chart, typed.
    chart: Option<ChartData>,
}

/// One output stream of a run.
struct Output {
    /// Each chunk's bytes (followed by a NUL not counted) and its timestamp.
    chunks: Vec<(Vec<u8>, Option<CString>)>,
    /// Every chunk joined, NULs shown as U+FFFD, NUL-terminated.
    joined: Vec<u8>,
}

/// What a run produced: results, output, and the error the code raised.
pub struct e2b_execution {
    results: Vec<e2b_execution_result>,
    main_text: Option<usize>,
    stdout: Output,
    stderr: Output,
    error: Option<(CString, CString, CString)>,
    execution_count: i32,
}

/// A code context: its own interpreter state, language and directory.
pub struct e2b_code_context {
    id: CString,
    language: CString,
    cwd: CString,
}

/// The contexts of `e2b_code_list_contexts`.
pub struct e2b_code_context_list {
    items: Vec<e2b_code_context>,
}

impl e2b_execution_result {
    fn new(result: &ExecutionResult) -> e2b_execution_result {
        let json = |value: &serde_json::Value| value.to_string();
        let extra = |(mime, value): (&String, &serde_json::Value)| {
            let value = match value {
                serde_json::Value::String(text) => c_string(text),
                other => c_string(&json(other)),
            };
            (c_string(mime), value)
        };
        e2b_execution_result {
            is_main: result.is_main_result,
            formats: result.formats().map(|(name, value)| (c_string(name), c_string(&value))).collect(),
            extras: result.extra.iter().map(extra).collect(),
            chart: result.chart.as_ref().map(ChartData::new),
        }
    }
}

impl Output {
    fn new() -> Output {
        Output { chunks: Vec::new(), joined: vec![0] }
    }

    /// Adds `chunk`; returns its index.
    fn push(&mut self, chunk: &OutputChunk) -> usize {
        let mut data = Vec::with_capacity(chunk.text.len() + 1);
        data.extend_from_slice(chunk.text.as_bytes());
        data.push(0);
        self.chunks.push((data, chunk.timestamp.as_deref().map(c_string)));
        self.joined.pop();
        self.joined.extend_from_slice(chunk.text.replace('\0', "\u{FFFD}").as_bytes());
        self.joined.push(0);
        self.chunks.len() - 1
    }
}

impl e2b_execution {
    fn empty() -> e2b_execution {
        e2b_execution {
            results: Vec::new(),
            main_text: None,
            stdout: Output::new(),
            stderr: Output::new(),
            error: None,
            execution_count: -1,
        }
    }

    fn new(execution: &Execution) -> e2b_execution {
        let mut converted = e2b_execution::empty();
        let events = (execution.stdout.iter().map(ExecutionEvent::Stdout))
            .chain(execution.stderr.iter().map(ExecutionEvent::Stderr))
            .chain(execution.results.iter().map(ExecutionEvent::Result))
            .chain(execution.error.iter().map(ExecutionEvent::Error));
        for event in events {
            converted.push(event);
        }
        converted.execution_count = execution.execution_count.map_or(-1, |n| n as i32);
        converted
    }

    /// Adds what `event` carries; returns its kind and index (none for a kind of event this
    /// library does not hand to C).
    fn push(&mut self, event: ExecutionEvent<'_>) -> Option<(e2b_execution_output, usize)> {
        Some(match event {
            ExecutionEvent::Stdout(chunk) => (e2b_execution_output::E2B_EXECUTION_STDOUT, self.stdout.push(chunk)),
            ExecutionEvent::Stderr(chunk) => (e2b_execution_output::E2B_EXECUTION_STDERR, self.stderr.push(chunk)),
            ExecutionEvent::Result(result) => {
                if self.main_text.is_none() && result.is_main_result && result.text.is_some() {
                    self.main_text = Some(self.results.len());
                }
                self.results.push(e2b_execution_result::new(result));
                (e2b_execution_output::E2B_EXECUTION_RESULT, self.results.len() - 1)
            }
            ExecutionEvent::Error(e) => {
                self.error = Some((c_string(&e.name), c_string(&e.value), c_string(&e.traceback)));
                (e2b_execution_output::E2B_EXECUTION_ERROR, 0)
            }
            _ => return None,
        })
    }

    /// The output `stream` (an `e2b_stream`) names.
    fn output(&self, stream: i32) -> Option<&Output> {
        match stream {
            s if s == e2b_stream::E2B_STREAM_STDOUT as i32 => Some(&self.stdout),
            s if s == e2b_stream::E2B_STREAM_STDERR as i32 => Some(&self.stderr),
            _ => None,
        }
    }
}

// ---- options ----

/// New run options with the defaults. Release with `e2b_run_code_options_free`.
#[no_mangle]
pub extern "C" fn e2b_run_code_options_new() -> *mut e2b_run_code_options {
    guard_value(ptr::null_mut(), || boxed(e2b_run_code_options { inner: RunCodeOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_run_code_options_free(options: *mut e2b_run_code_options) {
    free(options)
}

unsafe fn update(
    options: *mut e2b_run_code_options,
    err_out: *mut *mut e2b_error,
    apply: impl FnOnce(&mut RunCodeOptions) -> Result<(), e2b_error>,
) -> e2b_error_code {
    guard(err_out, || apply(&mut arg_mut(options, "options")?.inner))
}

/// Runs in `language`'s default context ("python", "javascript", ...).
/// Not together with a context id. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_run_code_options_set_language(
    options: *mut e2b_run_code_options,
    language: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.language = Some(arg_str(language, "language")?.to_owned());
        Ok(())
    })
}

/// Runs in the context `context_id` (from `e2b_code_create_context`).
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_run_code_options_set_context_id(
    options: *mut e2b_run_code_options,
    context_id: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.context_id = Some(arg_str(context_id, "context_id")?.to_owned());
        Ok(())
    })
}

/// Sets an environment variable for this run only. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_run_code_options_set_env(
    options: *mut e2b_run_code_options,
    name: *const c_char,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let name = arg_str(name, "name")?;
        let value = arg_str(value, "value")?;
        o.envs.insert(name.to_owned(), value.to_owned());
        Ok(())
    })
}

/// Sets how long the run may take, in milliseconds, the wait for a context
/// busy with another run included (0: the default, 300000;
/// E2B_TIMEOUT_NONE: no limit).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_run_code_options_set_timeout_ms(
    options: *mut e2b_run_code_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.timeout = limit_ms(timeout_ms, Some(DEFAULT_RUN_CODE_TIMEOUT));
        Ok(())
    })
}

// ---- running ----

/// Runs `code` in the sandbox's code interpreter, passing output, results
/// and errors to `on_output` (may be NULL) as they arrive. An exception in
/// the code is part of the execution (`e2b_execution_error_name`), not an
/// error of the call. Release `*out` with `e2b_execution_free`. The
/// options' timeout bounds the whole call, the wait for a context busy with
/// another run included; once the run has started, 30 s without a line from
/// the interpreter (it sends a keepalive every 5 s) fails too.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a language and a
/// context); NOT_FOUND (unknown context); TIMEOUT (the message tells the
/// run's timeout from silence); CALLBACK_ABORTED;
/// SANDBOX_GONE; NETWORK (the interpreter is not running); API.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_run(
    sandbox: *const e2b_sandbox,
    code: *const c_char,
    options: *const e2b_run_code_options,
    on_output: e2b_execution_cb,
    user_data: *mut c_void,
    out: *mut *mut e2b_execution,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let code = arg_str(code, "code")?;
        let default = RunCodeOptions::default();
        let options = options.as_ref().map_or(&default, |o| &o.inner);
        let mut so_far = e2b_execution::empty();
        let stop = Stop::default();
        let stopper = &stop;
        let mut forward = on_output.map(|callback| {
            move |event: ExecutionEvent<'_>| {
                let Some((output, index)) = so_far.push(event) else { return ControlFlow::Continue(()) };
                // SAFETY: the caller vouches for the callback and its user data.
                stopper.check(unsafe { callback(user_data, output, &so_far, index) })
            }
        });
        let execution = sandbox.run_code(code, options, forward.as_mut().map(|f| f as _)).map_err(|e| stop.error(e))?;
        *out = boxed(e2b_execution::new(&execution));
        Ok(())
    })
}

/// Releases `execution` and its results. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_free(execution: *mut e2b_execution) {
    free(execution)
}

/// The text of the main result (the last expression's value); NULL if none.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_text(execution: *const e2b_execution) -> *const c_char {
    guard_value(ptr::null(), || {
        let Some(execution) = execution.as_ref() else { return ptr::null() };
        execution.main_text.map_or(ptr::null(), |index| e2b_execution_result_get_str(&execution.results[index], "text"))
    })
}

/// The number of results; 0 if `execution` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_results_len(execution: *const e2b_execution) -> usize {
    guard_value(0, || execution.as_ref().map_or(0, |e| e.results.len()))
}

/// Result `index`, owned by the execution; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_results_get(
    execution: *const e2b_execution,
    index: usize,
) -> *const e2b_execution_result {
    guard_value(ptr::null(), || {
        execution.as_ref().and_then(|e| e.results.get(index)).map_or(ptr::null(), |r| r as *const _)
    })
}

/// Everything the code wrote to stdout, joined, with any NUL shown as
/// U+FFFD (`e2b_execution_chunks_get` gives the exact bytes); "" if nothing, NULL
/// if `execution` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_stdout(execution: *const e2b_execution) -> *const c_char {
    guard_value(ptr::null(), || execution.as_ref().map_or(ptr::null(), |e| e.stdout.joined.as_ptr().cast()))
}

/// Everything the code wrote to stderr, like `e2b_execution_stdout`.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_stderr(execution: *const e2b_execution) -> *const c_char {
    guard_value(ptr::null(), || execution.as_ref().map_or(ptr::null(), |e| e.stderr.joined.as_ptr().cast()))
}

/// The number of chunks the code wrote to `stream` (an `e2b_stream`), in
/// arrival order; 0 if `execution` is NULL or `stream` is unknown.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_chunks_len(execution: *const e2b_execution, stream: i32) -> usize {
    guard_value(0, || execution.as_ref().and_then(|e| e.output(stream)).map_or(0, |o| o.chunks.len()))
}

/// Chunk `index` of `stream`, owned by the execution: the bytes exactly as
/// the code wrote them (NULs included), with their number in `*len_out`
/// (may be NULL) and one more NUL after them, not counted. NULL (and 0) if
/// out of range, `stream` is unknown or `execution` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_chunks_get(
    execution: *const e2b_execution,
    stream: i32,
    index: usize,
    len_out: *mut usize,
) -> *const u8 {
    set_opt(len_out, 0);
    guard_value(ptr::null(), || {
        let Some((data, _)) = execution.as_ref().and_then(|e| e.output(stream)?.chunks.get(index)) else {
            return ptr::null();
        };
        set_opt(len_out, data.len() - 1);
        data.as_ptr()
    })
}

/// When chunk `index` of `stream` was written: RFC 3339, as the interpreter
/// sent it. NULL if it sent none, or as `e2b_execution_chunks_get`.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_chunks_timestamp(
    execution: *const e2b_execution,
    stream: i32,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || {
        let chunk = execution.as_ref().and_then(|e| e.output(stream)?.chunks.get(index));
        c_ptr(chunk.and_then(|(_, timestamp)| timestamp.as_ref()))
    })
}

/// The name of the error the code raised (e.g. "ZeroDivisionError"); NULL if none.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_error_name(execution: *const e2b_execution) -> *const c_char {
    guard_value(ptr::null(), || execution.as_ref().and_then(|e| e.error.as_ref()).map_or(ptr::null(), |e| e.0.as_ptr()))
}

/// The value (message) of the error the code raised; NULL if none.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_error_value(execution: *const e2b_execution) -> *const c_char {
    guard_value(ptr::null(), || execution.as_ref().and_then(|e| e.error.as_ref()).map_or(ptr::null(), |e| e.1.as_ptr()))
}

/// The traceback of the error the code raised; NULL if none.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_error_traceback(execution: *const e2b_execution) -> *const c_char {
    guard_value(ptr::null(), || execution.as_ref().and_then(|e| e.error.as_ref()).map_or(ptr::null(), |e| e.2.as_ptr()))
}

/// The context's execution counter for this run; -1 if unknown.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_count(execution: *const e2b_execution) -> i32 {
    guard_value(-1, || execution.as_ref().map_or(-1, |e| e.execution_count))
}

/// Whether the result is the value of the last expression (not something displayed).
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_is_main(result: *const e2b_execution_result) -> bool {
    guard_value(false, || result.as_ref().is_some_and(|r| r.is_main))
}

/// The number of formats the result has; 0 if `result` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_formats_len(result: *const e2b_execution_result) -> usize {
    guard_value(0, || result.as_ref().map_or(0, |r| r.formats.len()))
}

/// The name of format `index` ("text", "html", "markdown", "svg", "png",
/// "jpeg", "pdf", "latex", "json", "javascript", "data", "chart"); NULL if
/// out of range. Other MIME types are extras (`e2b_execution_result_extras_len`).
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_formats_key(
    result: *const e2b_execution_result,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || pair_part(result.as_ref().map(|r| &r.formats[..]), index, |(name, _)| name))
}

/// The result in `format` (a name as `e2b_execution_result_formats_key`
/// gives), owned by the result; NULL if it lacks that format. "png", "jpeg"
/// and "pdf" are base64; "json", "data" and "chart" are JSON text.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_formats_get(
    result: *const e2b_execution_result,
    format: *const c_char,
) -> *const c_char {
    guard_value(ptr::null(), || {
        let (Some(result), Ok(format)) = (result.as_ref(), arg_str(format, "format")) else { return ptr::null() };
        e2b_execution_result_get_str(result, format)
    })
}

/// The chart the code drew (the "chart" format, typed), with every field,
/// its elements and, for a super chart, its charts, in one call (see
/// `e2b_chart_fields`); NULL if the result has no chart (or `result` is
/// NULL). Owned by the result, valid until the execution is freed. A chart
/// of a type this library does not know comes as E2B_CHART_UNKNOWN with its
/// elements as JSON text.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_chart(result: *const e2b_execution_result) -> *const e2b_chart_fields {
    guard_value(ptr::null(), || result.as_ref().and_then(|r| r.chart.as_ref()).map_or(ptr::null(), ChartData::fields))
}

/// The number of extras: formats in MIME types without a name of their own
/// (e.g. "application/vnd.plotly.v1+json"); 0 if `result` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_extras_len(result: *const e2b_execution_result) -> usize {
    guard_value(0, || result.as_ref().map_or(0, |r| r.extras.len()))
}

/// The MIME type of extra `index` (extras are sorted by type); NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_extras_key(
    result: *const e2b_execution_result,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || pair_part(result.as_ref().map(|r| &r.extras[..]), index, |(mime, _)| mime))
}

/// The value of extra `index`, owned by the result: the text itself when
/// the interpreter sent text, else its JSON text; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_extras_value(
    result: *const e2b_execution_result,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || pair_part(result.as_ref().map(|r| &r.extras[..]), index, |(_, value)| value))
}

/// The part `pick` chooses of pair `index` of `pairs`; NULL if out of range.
fn pair_part(
    pairs: Option<&[(CString, CString)]>,
    index: usize,
    pick: fn(&(CString, CString)) -> &CString,
) -> *const c_char {
    pairs.and_then(|pairs| pairs.get(index)).map_or(ptr::null(), |pair| pick(pair).as_ptr())
}

fn e2b_execution_result_get_str(result: &e2b_execution_result, format: &str) -> *const c_char {
    result
        .formats
        .iter()
        .find(|(name, _)| name.to_bytes() == format.as_bytes())
        .map_or(ptr::null(), |(_, v)| v.as_ptr())
}

// ---- contexts ----

fn context(context: CodeContext) -> e2b_code_context {
    e2b_code_context { id: c_string(&context.id), language: c_string(&context.language), cwd: c_string(&context.cwd) }
}

/// Creates a code context with its own state for `language` (NULL: Python)
/// working in `cwd` (NULL: the user's home). Release `*out` with
/// `e2b_code_context_free`. Errors: NULL_ARGUMENT, INVALID_UTF8; API (an
/// unsupported language); SANDBOX_GONE; TIMEOUT, NETWORK, TLS.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_create_context(
    sandbox: *const e2b_sandbox,
    language: *const c_char,
    cwd: *const c_char,
    out: *mut *mut e2b_code_context,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let language = arg_opt_str(language, "language")?;
        let cwd = arg_opt_str(cwd, "cwd")?;
        *out = boxed(context(sandbox.create_code_context(language, cwd)?));
        Ok(())
    })
}

/// Every code context, the default ones included. Release `*out` with
/// `e2b_code_context_list_free`. Errors: as `e2b_code_create_context`.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_list_contexts(
    sandbox: *const e2b_sandbox,
    out: *mut *mut e2b_code_context_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let contexts = sandbox_view(sandbox, cancel)?.list_code_contexts()?;
        *out = boxed(e2b_code_context_list { items: contexts.into_iter().map(context).collect() });
        Ok(())
    })
}

/// Restarts the context `context_id`: its state is lost.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_restart_context(
    sandbox: *const e2b_sandbox,
    context_id: *const c_char,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(sandbox_view(sandbox, cancel)?.restart_code_context(arg_str(context_id, "context_id")?)?))
}

/// Removes the context `context_id`. Errors: as `e2b_code_restart_context`.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_remove_context(
    sandbox: *const e2b_sandbox,
    context_id: *const c_char,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(sandbox_view(sandbox, cancel)?.remove_code_context(arg_str(context_id, "context_id")?)?))
}

/// The context's id; NULL if `context` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_context_id(context: *const e2b_code_context) -> *const c_char {
    guard_value(ptr::null(), || context.as_ref().map_or(ptr::null(), |c| c.id.as_ptr()))
}

/// The context's language; NULL if `context` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_context_language(context: *const e2b_code_context) -> *const c_char {
    guard_value(ptr::null(), || context.as_ref().map_or(ptr::null(), |c| c.language.as_ptr()))
}

/// The context's working directory; NULL if `context` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_context_cwd(context: *const e2b_code_context) -> *const c_char {
    guard_value(ptr::null(), || context.as_ref().map_or(ptr::null(), |c| c.cwd.as_ptr()))
}

/// Releases `context` (one from `e2b_code_create_context`). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_context_free(context: *mut e2b_code_context) {
    free(context)
}

/// The number of contexts; 0 if `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_context_list_len(list: *const e2b_code_context_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Context `index`, owned by the list; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_context_list_get(
    list: *const e2b_code_context_list,
    index: usize,
) -> *const e2b_code_context {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |c| c as *const _))
}

/// Releases `list`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_context_list_free(list: *mut e2b_code_context_list) {
    free(list)
}

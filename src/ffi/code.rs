//! The code interpreter: run_code and code contexts.

use std::ffi::{c_char, c_void, CString};
use std::ops::ControlFlow;
use std::ptr;
use std::time::Duration;

use super::sandbox::{e2b_sandbox, sandbox_arg};
use super::{
    arg_mut, arg_opt_str, arg_str, boxed, c_ptr, c_string, e2b_error, e2b_error_code, free, guard, guard_value, out_ptr,
};
use crate::{CodeContext, Execution, ExecutionEvent, ExecutionResult, RunCodeOptions};

/// How to run code: a builder. New options mean the default Python context
/// and a 300-second limit.
pub struct e2b_run_code_options {
    inner: RunCodeOptions,
}

/// What a run produced so far, for `e2b_execution_cb`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_execution_output {
    /// `text` is a chunk of stdout.
    E2B_EXECUTION_STDOUT = 1,
    /// `text` is a chunk of stderr.
    E2B_EXECUTION_STDERR = 2,
    /// `result` is a result (the last expression's value, or something displayed).
    E2B_EXECUTION_RESULT = 3,
    /// The code raised an error; `text` is "Name: value".
    E2B_EXECUTION_ERROR = 4,
}

/// Receives what a run produces as it arrives, on the calling thread; `text`
/// and `result` are borrowed for the call (the unused one is NULL). Return 0
/// to go on; anything else interrupts the run with E2B_ERR_CALLBACK_ABORTED.
pub type e2b_execution_cb = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        output: e2b_execution_output,
        text: *const c_char,
        result: *const e2b_execution_result,
    ) -> i32,
>;

/// One result of a run, in every format the interpreter produced.
pub struct e2b_execution_result {
    is_main: bool,
    /// (format name, value) for each format present, in a fixed order.
    formats: Vec<(CString, CString)>,
}

/// What a run produced: results, output, and the error the code raised.
pub struct e2b_execution {
    results: Vec<e2b_execution_result>,
    main_text: Option<usize>,
    stdout: CString,
    stderr: CString,
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
        let fields: [(&str, Option<String>); 13] = [
            ("text", result.text.clone()),
            ("html", result.html.clone()),
            ("markdown", result.markdown.clone()),
            ("svg", result.svg.clone()),
            ("png", result.png.clone()),
            ("jpeg", result.jpeg.clone()),
            ("pdf", result.pdf.clone()),
            ("latex", result.latex.clone()),
            ("json", result.json.as_ref().map(json)),
            ("javascript", result.javascript.clone()),
            ("data", result.data.as_ref().map(json)),
            ("chart", result.chart.as_ref().map(json)),
            (
                "extra",
                (!result.extra.is_empty())
                    .then(|| serde_json::to_string(&result.extra).expect("JSON values serialize")),
            ),
        ];
        e2b_execution_result {
            is_main: result.is_main_result,
            formats: fields.into_iter().filter_map(|(name, value)| Some((c_string(name), c_string(&value?)))).collect(),
        }
    }
}

impl e2b_execution {
    fn new(execution: Execution) -> e2b_execution {
        let results: Vec<_> = execution.results.iter().map(e2b_execution_result::new).collect();
        let main_text = execution.results.iter().position(|r| r.is_main_result && r.text.is_some());
        e2b_execution {
            results,
            main_text,
            stdout: c_string(&execution.stdout.concat()),
            stderr: c_string(&execution.stderr.concat()),
            error: execution.error.map(|e| (c_string(&e.name), c_string(&e.value), c_string(&e.traceback))),
            execution_count: execution.execution_count.map_or(-1, |n| n as i32),
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

/// Sets how long the run may take, in milliseconds (default 300000; 0: no
/// limit). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_run_code_options_set_timeout_ms(
    options: *mut e2b_run_code_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.timeout = Duration::from_millis(timeout_ms);
        Ok(())
    })
}

// ---- running ----

/// Runs `code` in the sandbox's code interpreter, passing output, results
/// and errors to `on_output` (may be NULL) as they arrive. An exception in
/// the code is part of the execution (`e2b_execution_error_name`), not an
/// error of the call. Release `*out` with `e2b_execution_free`.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a language and a
/// context); NOT_FOUND (unknown context); TIMEOUT; CALLBACK_ABORTED;
/// SANDBOX_GONE; NETWORK (the interpreter is not running); API.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_run(
    sandbox: *const e2b_sandbox,
    code: *const c_char,
    options: *const e2b_run_code_options,
    on_output: e2b_execution_cb,
    user_data: *mut c_void,
    out: *mut *mut e2b_execution,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
        let code = arg_str(code, "code")?;
        let default = RunCodeOptions::default();
        let options = options.as_ref().map_or(&default, |o| &o.inner);
        let mut forward = on_output.map(|callback| {
            move |event: ExecutionEvent<'_>| {
                let (output, text, result) = match event {
                    ExecutionEvent::Stdout(text) => {
                        (e2b_execution_output::E2B_EXECUTION_STDOUT, Some(c_string(text)), None)
                    }
                    ExecutionEvent::Stderr(text) => {
                        (e2b_execution_output::E2B_EXECUTION_STDERR, Some(c_string(text)), None)
                    }
                    ExecutionEvent::Result(result) => {
                        (e2b_execution_output::E2B_EXECUTION_RESULT, None, Some(e2b_execution_result::new(result)))
                    }
                    ExecutionEvent::Error(error) => (
                        e2b_execution_output::E2B_EXECUTION_ERROR,
                        Some(c_string(&format!("{}: {}", error.name, error.value))),
                        None,
                    ),
                };
                let result_ptr = result.as_ref().map_or(ptr::null(), |r| r as *const _);
                // SAFETY: the caller vouches for the callback and its user data.
                match unsafe { callback(user_data, output, c_ptr(text.as_ref()), result_ptr) } {
                    0 => ControlFlow::Continue(()),
                    _ => ControlFlow::Break(()),
                }
            }
        });
        let execution = sandbox.run_code(code, options, forward.as_mut().map(|f| f as _))?;
        *out = boxed(e2b_execution::new(execution));
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
pub unsafe extern "C" fn e2b_execution_result_at(
    execution: *const e2b_execution,
    index: usize,
) -> *const e2b_execution_result {
    guard_value(ptr::null(), || {
        execution.as_ref().and_then(|e| e.results.get(index)).map_or(ptr::null(), |r| r as *const _)
    })
}

/// Everything the code wrote to stdout; "" if nothing, NULL if `execution` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_stdout(execution: *const e2b_execution) -> *const c_char {
    guard_value(ptr::null(), || execution.as_ref().map_or(ptr::null(), |e| e.stdout.as_ptr()))
}

/// Everything the code wrote to stderr; "" if nothing, NULL if `execution` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_stderr(execution: *const e2b_execution) -> *const c_char {
    guard_value(ptr::null(), || execution.as_ref().map_or(ptr::null(), |e| e.stderr.as_ptr()))
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
/// "jpeg", "pdf", "latex", "json", "javascript", "data", "chart", "extra");
/// NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_format_name(
    result: *const e2b_execution_result,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || {
        result.as_ref().and_then(|r| r.formats.get(index)).map_or(ptr::null(), |(name, _)| name.as_ptr())
    })
}

/// The result in `format` (a name as `e2b_execution_result_format_name`
/// gives), owned by the result; NULL if it lacks that format. "png", "jpeg"
/// and "pdf" are base64; "json", "data", "chart" and "extra" are JSON text.
#[no_mangle]
pub unsafe extern "C" fn e2b_execution_result_get(
    result: *const e2b_execution_result,
    format: *const c_char,
) -> *const c_char {
    guard_value(ptr::null(), || {
        let (Some(result), Ok(format)) = (result.as_ref(), arg_str(format, "format")) else { return ptr::null() };
        e2b_execution_result_get_str(result, format)
    })
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
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
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
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let contexts = sandbox_arg(sandbox)?.list_code_contexts()?;
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
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(sandbox_arg(sandbox)?.restart_code_context(arg_str(context_id, "context_id")?)?))
}

/// Removes the context `context_id`. Errors: as `e2b_code_restart_context`.
#[no_mangle]
pub unsafe extern "C" fn e2b_code_remove_context(
    sandbox: *const e2b_sandbox,
    context_id: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(sandbox_arg(sandbox)?.remove_code_context(arg_str(context_id, "context_id")?)?))
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

//! Commands: run, background handles, stdin, signals, listing.

use std::ffi::{c_char, c_void, CString};
use std::ops::ControlFlow;
use std::ptr;
use std::time::Duration;

use super::cancel::{cancel_arg, e2b_cancel};
use super::sandbox::{e2b_sandbox, sandbox_arg, sandbox_view};
use super::{
    arg_bytes, arg_mut, arg_ref, arg_str, boxed, c_ptr, c_string, e2b_bytes, e2b_error, e2b_error_code, free, guard,
    guard_value, limit_ms, out_ptr, set_opt, Stop,
};
use sdk::DEFAULT_COMMAND_TIMEOUT;
use sdk::{
    CancelToken, CommandEvent, CommandHandle, CommandOptions, CommandResult, ErrorKind, ProcessInfo, Sandbox, Stream,
};

/// How to run a command: a builder. New options mean the user's home as the
/// working directory, the default user, a 60-second lifetime, no stdin.
pub struct e2b_command_options {
    inner: CommandOptions,
}

/// Which output a chunk came from.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_stream {
    E2B_STREAM_STDOUT = 1,
    E2B_STREAM_STDERR = 2,
    /// The terminal of a PTY (`e2b_pty_create`): what it shows, stdout and stderr together.
    E2B_STREAM_PTY = 3,
}

/// How a command ended: its exit code and all its output, as bytes.
pub struct e2b_command_result {
    inner: CommandResult,
    error: Option<CString>,
}

/// A running command. Any thread may use it; freeing it stops following the
/// command, which goes on running (kill it first to end it).
pub struct e2b_command {
    pub(crate) inner: CommandHandle,
}

/// One process running in a sandbox.
pub struct e2b_process_info {
    inner: ProcessInfo,
    tag: Option<CString>,
    cmd: CString,
    args: Vec<CString>,
    cwd: Option<CString>,
    envs: Vec<(CString, CString)>,
}

/// The processes of `e2b_commands_list`.
pub struct e2b_process_list {
    items: Vec<e2b_process_info>,
}

/// Receives output: `len` bytes of `stream` at `data`, borrowed for the call
/// (bytes, not necessarily whole lines or valid UTF-8). Return 0 to go on;
/// anything else kills the command and fails with E2B_ERR_CALLBACK_ABORTED.
pub type e2b_output_cb =
    Option<unsafe extern "C" fn(user_data: *mut c_void, stream: e2b_stream, data: *const u8, len: usize) -> i32>;

impl e2b_command_result {
    pub(crate) fn new(mut result: CommandResult) -> e2b_command_result {
        nul_after(&mut result.stdout);
        nul_after(&mut result.stderr);
        e2b_command_result { error: result.error.as_deref().map(c_string), inner: result }
    }
}

/// Puts a NUL just past the end of `bytes`, outside its length, so that C
/// may read them as a string; the bytes are never changed afterwards.
fn nul_after(bytes: &mut Vec<u8>) {
    bytes.reserve_exact(1);
    bytes.spare_capacity_mut()[0].write(0);
}

fn stream_code(stream: Stream) -> e2b_stream {
    match stream {
        Stream::Stdout => e2b_stream::E2B_STREAM_STDOUT,
        Stream::Stderr => e2b_stream::E2B_STREAM_STDERR,
        Stream::Pty => e2b_stream::E2B_STREAM_PTY,
        // Streams this library does not hand to C: none today.
        _ => e2b_stream::E2B_STREAM_STDOUT,
    }
}

/// An output closure calling `callback`, if there is one.
fn output_fn(
    callback: e2b_output_cb,
    user_data: *mut c_void,
    stop: &Stop,
) -> Option<impl FnMut(Stream, &[u8]) -> ControlFlow<()> + '_> {
    callback.map(|callback| {
        move |stream: Stream, data: &[u8]| {
            // SAFETY: the caller vouches for the callback and its user data.
            stop.check(unsafe { callback(user_data, stream_code(stream), data.as_ptr(), data.len()) })
        }
    })
}

/// How long the kill after a cancelled wait may take.
const KILL_AFTER_CANCEL: Duration = Duration::from_millis(500);

/// Waits for `handle`'s command under `cancel`; a cancelled wait kills the
/// command (best effort: one short request, not tied to the token).
pub(crate) fn wait(
    handle: &CommandHandle,
    on_output: e2b_output_cb,
    user_data: *mut c_void,
    cancel: Option<&CancelToken>,
) -> Result<CommandResult, e2b_error> {
    let stop = Stop::default();
    let mut on_output = output_fn(on_output, user_data, &stop);
    let outcome = handle.wait_under(on_output.as_mut().map(|f| f as _), cancel);
    if outcome.as_ref().is_err_and(|err| err.kind() == ErrorKind::Cancelled) {
        let sandbox = handle.sandbox().with_cancel_token(None).with_call_deadline(Some(KILL_AFTER_CANCEL));
        let _ = sandbox.commands().kill(handle.pid());
    }
    outcome.map_err(|err| stop.error(err))
}

// ---- options ----

/// New command options with the defaults. Release with `e2b_command_options_free`.
#[no_mangle]
pub extern "C" fn e2b_command_options_new() -> *mut e2b_command_options {
    guard_value(ptr::null_mut(), || boxed(e2b_command_options { inner: CommandOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_options_free(options: *mut e2b_command_options) {
    free(options)
}

unsafe fn update(
    options: *mut e2b_command_options,
    err_out: *mut *mut e2b_error,
    apply: impl FnOnce(&mut CommandOptions) -> Result<(), e2b_error>,
) -> e2b_error_code {
    guard(err_out, || apply(&mut arg_mut(options, "options")?.inner))
}

/// Adds (or replaces) an environment variable. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_options_set_env(
    options: *mut e2b_command_options,
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

/// Sets the working directory. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_options_set_cwd(
    options: *mut e2b_command_options,
    cwd: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.cwd = Some(arg_str(cwd, "cwd")?.to_owned());
        Ok(())
    })
}

/// Runs as `user` (e.g. "root"). Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_options_set_user(
    options: *mut e2b_command_options,
    user: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.user = Some(arg_str(user, "user")?.to_owned());
        Ok(())
    })
}

/// Sets how long the process may live, in milliseconds (0: the default,
/// 60000; E2B_TIMEOUT_NONE: no limit). It is killed when this passes.
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_options_set_timeout_ms(
    options: *mut e2b_command_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.timeout = limit_ms(timeout_ms, Some(DEFAULT_COMMAND_TIMEOUT));
        Ok(())
    })
}

/// Whether to keep the output in the result (default true); false passes it
/// to the callback and `e2b_command_next_output` only, so a chatty command
/// does not grow memory (the SDKs' `retain_output`). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_options_set_retain_output(
    options: *mut e2b_command_options,
    retain_output: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.retain_output = retain_output;
        Ok(())
    })
}

/// Keeps the process's stdin open for `e2b_command_send_stdin` (default
/// false: stdin is empty). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_options_set_stdin(
    options: *mut e2b_command_options,
    stdin: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.stdin = stdin;
        Ok(())
    })
}

/// The sandbox `command` runs in, cancelled by `cancel` (NULL: not cancellable).
unsafe fn handle_view(command: &CommandHandle, cancel: *const e2b_cancel) -> Sandbox {
    command.sandbox().with_cancel_token(cancel_arg(cancel).as_ref())
}

fn options_or_default(options: *const e2b_command_options) -> CommandOptions {
    // SAFETY: NULL or a live options object, as documented.
    unsafe { options.as_ref() }.map_or_else(CommandOptions::default, |o| o.inner.clone())
}

// ---- running ----

/// Runs `cmd` with `bash -l -c` and waits for it to end, passing output to
/// `on_output` (may be NULL) as it arrives, on the calling thread. A non-zero
/// exit code is a result, not an error (see `e2b_command_result_check`).
/// Release `*out` with `e2b_command_result_free`. A cancelled run kills the
/// command (best effort: one short request not tied to `cancel`).
/// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a missing cwd);
/// AUTHENTICATION (an unknown user); TIMEOUT (the lifetime passed; the
/// command was killed); CALLBACK_ABORTED; SANDBOX_GONE; NETWORK, TLS; API;
/// CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_run(
    sandbox: *const e2b_sandbox,
    cmd: *const c_char,
    options: *const e2b_command_options,
    on_output: e2b_output_cb,
    user_data: *mut c_void,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        // One deadline for the start and the wait.
        let sandbox = sandbox_arg(sandbox)?.pinned();
        let cmd = arg_str(cmd, "cmd")?;
        let cancel = cancel_arg(cancel);
        let handle = sandbox.commands().start_under(cmd, &options_or_default(options), cancel.as_ref())?;
        let result = wait(&handle, on_output, user_data, cancel.as_ref())?;
        *out = boxed(e2b_command_result::new(result));
        Ok(())
    })
}

/// Starts `cmd` with `bash -l -c` in the background and returns at once.
/// Release `*out` with `e2b_command_free` (the command goes on running).
/// `cancel` applies to the start only; a start cancelled before the sandbox
/// said the process's id may have started it (`e2b_commands_list` finds it).
/// Errors: as `e2b_commands_run`, but for TIMEOUT and CALLBACK_ABORTED.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_start(
    sandbox: *const e2b_sandbox,
    cmd: *const c_char,
    options: *const e2b_command_options,
    out: *mut *mut e2b_command,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
        let cmd = arg_str(cmd, "cmd")?;
        let handle = sandbox.commands().start_under(cmd, &options_or_default(options), cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_command { inner: handle });
        Ok(())
    })
}

/// Attaches to the running process `pid` to follow its output from now on.
/// Release `*out` with `e2b_command_free`. `cancel` applies to attaching
/// only. Errors: NULL_ARGUMENT; NOT_FOUND; SANDBOX_GONE; TIMEOUT, NETWORK,
/// TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_connect(
    sandbox: *const e2b_sandbox,
    pid: u32,
    out: *mut *mut e2b_command,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let handle = sandbox_arg(sandbox)?.commands().connect_under(pid, cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_command { inner: handle });
        Ok(())
    })
}

/// The processes running in the sandbox. Release `*out` with
/// `e2b_process_list_free`. Errors: NULL_ARGUMENT; SANDBOX_GONE; TIMEOUT,
/// NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_list(
    sandbox: *const e2b_sandbox,
    out: *mut *mut e2b_process_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let processes = sandbox_view(sandbox, cancel)?.commands().list()?;
        let items = processes
            .into_iter()
            .map(|p| e2b_process_info {
                tag: p.tag.as_deref().map(c_string),
                cmd: c_string(&p.cmd),
                args: p.args.iter().map(|a| c_string(a)).collect(),
                cwd: p.cwd.as_deref().map(c_string),
                envs: p.envs.iter().map(|(k, v)| (c_string(k), c_string(v))).collect(),
                inner: p,
            })
            .collect();
        *out = boxed(e2b_process_list { items });
        Ok(())
    })
}

/// Kills the process `pid`. `*killed_out` (optional) is false if there was
/// no such process. Errors: NULL_ARGUMENT; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_kill(
    sandbox: *const e2b_sandbox,
    pid: u32,
    killed_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(killed_out, false);
        let killed = sandbox_view(sandbox, cancel)?.commands().kill(pid)?;
        set_opt(killed_out, killed);
        Ok(())
    })
}

/// Writes `len` bytes at `data` to the stdin of process `pid`.
/// Errors: NULL_ARGUMENT; NOT_FOUND; API (stdin not open); SANDBOX_GONE;
/// TIMEOUT, NETWORK, TLS.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_send_stdin(
    sandbox: *const e2b_sandbox,
    pid: u32,
    data: *const u8,
    len: usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(sandbox_view(sandbox, cancel)?.commands().send_stdin(pid, arg_bytes(data, len, "data")?)?))
}

/// Closes the stdin of process `pid`. Errors: as `e2b_commands_send_stdin`.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_close_stdin(
    sandbox: *const e2b_sandbox,
    pid: u32,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(sandbox_view(sandbox, cancel)?.commands().close_stdin(pid)?))
}

// ---- background commands ----

/// The command's process id; 0 if `command` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_pid(command: *const e2b_command) -> u32 {
    guard_value(0, || command.as_ref().map_or(0, |c| c.inner.pid()))
}

/// Waits for the command to end, passing output not yet taken to `on_output`
/// (may be NULL). Release `*out` with `e2b_command_result_free`. A
/// cancelled wait kills the command (best effort, as `e2b_commands_run`).
/// Errors: NULL_ARGUMENT; TIMEOUT; CALLBACK_ABORTED; SANDBOX_GONE; NETWORK;
/// CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_wait(
    command: *const e2b_command,
    on_output: e2b_output_cb,
    user_data: *mut c_void,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let command = arg_ref(command, "command")?;
        let result = wait(&command.inner, on_output, user_data, cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_command_result::new(result));
        Ok(())
    })
}

/// Pulls the next output chunk or the exit, waiting up to `timeout_ms` (0,
/// the default: no wait; E2B_TIMEOUT_NONE: until something comes); for
/// callers where callbacks are awkward. A cancelled pull keeps the output
/// not yet taken for the next one; the command goes on running. On output, `*stream_out` is its
/// stream and `*data_out` holds the bytes (dispose of them with
/// `e2b_bytes_dispose`); on the exit, `*result_out` receives the result
/// (release it with `e2b_command_result_free`), and every later call returns
/// it again; if nothing came in time, `*stream_out` is 0, `*data_out` empty
/// and `*result_out` NULL. Errors: NULL_ARGUMENT; TIMEOUT (the lifetime
/// passed); SANDBOX_GONE; NETWORK; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_next_output(
    command: *const e2b_command,
    timeout_ms: u64,
    stream_out: *mut i32,
    data_out: *mut e2b_bytes,
    result_out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let stream_out = arg_mut(stream_out, "stream_out")?;
        *stream_out = 0;
        let data_out = arg_mut(data_out, "data_out")?;
        *data_out = e2b_bytes::EMPTY;
        let result_out = out_ptr(result_out, "result_out")?;
        let command = arg_ref(command, "command")?;
        let timeout = limit_ms(timeout_ms, Some(Duration::ZERO)).unwrap_or(Duration::MAX);
        match command.inner.next_event_under(timeout, cancel_arg(cancel).as_ref())? {
            None => {}
            Some(CommandEvent::Output(stream, data)) => {
                *stream_out = stream_code(stream) as i32;
                *data_out = e2b_bytes::from_vec(data);
            }
            Some(CommandEvent::Exit(result)) => *result_out = boxed(e2b_command_result::new(result)),
            // Events this library does not hand to C (none today): as if there were none yet.
            Some(_) => {}
        }
        Ok(())
    })
}

/// Writes `len` bytes at `data` to the command's stdin (started with stdin
/// open), or to its terminal for a PTY. Errors: as `e2b_commands_send_stdin`.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_send_stdin(
    command: *const e2b_command,
    data: *const u8,
    len: usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let command = &arg_ref(command, "command")?.inner;
        let data = arg_bytes(data, len, "data")?;
        let view = handle_view(command, cancel);
        match command.is_pty() {
            true => Ok(view.pty().send_stdin(command.pid(), data)?),
            false => Ok(view.commands().send_stdin(command.pid(), data)?),
        }
    })
}

/// Closes the command's stdin, so it reads end-of-file.
/// Errors: as `e2b_commands_close_stdin`.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_close_stdin(
    command: *const e2b_command,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let command = &arg_ref(command, "command")?.inner;
        Ok(handle_view(command, cancel).commands().close_stdin(command.pid())?)
    })
}

/// Kills the command. `*killed_out` (optional) is false if it had already
/// ended. Errors: as `e2b_commands_kill`.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_kill(
    command: *const e2b_command,
    killed_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(killed_out, false);
        let command = &arg_ref(command, "command")?.inner;
        let killed = handle_view(command, cancel).commands().kill(command.pid())?;
        set_opt(killed_out, killed);
        Ok(())
    })
}

/// Stops following the command and releases the handle; the command goes
/// on running (reattach with `e2b_commands_connect`). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_free(command: *mut e2b_command) {
    free(command)
}

// ---- results ----

/// The exit code (-1 when a signal ended the process); -1 if `result` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_result_exit_code(result: *const e2b_command_result) -> i32 {
    guard_value(-1, || result.as_ref().map_or(-1, |r| r.inner.exit_code))
}

/// All of stdout, owned by the result, with its length in `*len_out` (may be
/// NULL) and a NUL after it, not counted, so that text output reads as a
/// string; it may hold any bytes, NULs too. NULL (and 0) if `result` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_result_stdout(
    result: *const e2b_command_result,
    len_out: *mut usize,
) -> *const u8 {
    set_opt(len_out, 0);
    guard_value(ptr::null(), || {
        result.as_ref().map_or(ptr::null(), |r| {
            set_opt(len_out, r.inner.stdout.len());
            r.inner.stdout.as_ptr()
        })
    })
}

/// All of stderr, like `e2b_command_result_stdout`.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_result_stderr(
    result: *const e2b_command_result,
    len_out: *mut usize,
) -> *const u8 {
    set_opt(len_out, 0);
    guard_value(ptr::null(), || {
        result.as_ref().map_or(ptr::null(), |r| {
            set_opt(len_out, r.inner.stderr.len());
            r.inner.stderr.as_ptr()
        })
    })
}

/// envd's description of an abnormal end (e.g. "exit status 1"); NULL when
/// the command succeeded.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_result_error(result: *const e2b_command_result) -> *const c_char {
    guard_value(ptr::null(), || result.as_ref().map_or(ptr::null(), |r| c_ptr(r.error.as_ref())))
}

/// E2B_OK if the command exited with 0; else E2B_ERR_COMMAND_EXIT with the
/// exit code and the end of stderr in the message, for callers who want a
/// non-zero exit as an error. Errors: NULL_ARGUMENT; COMMAND_EXIT.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_result_check(
    result: *const e2b_command_result,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_ref(result, "result")?.inner.clone().check()?;
        Ok(())
    })
}

/// Releases `result`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_result_free(result: *mut e2b_command_result) {
    free(result)
}

// ---- process lists ----

/// The number of processes; 0 if `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_list_len(list: *const e2b_process_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Process `index`, owned by the list; NULL if out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_list_get(list: *const e2b_process_list, index: usize) -> *const e2b_process_info {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |p| p as *const _))
}

/// Releases `list`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_list_free(list: *mut e2b_process_list) {
    free(list)
}

/// The process id; 0 if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_pid(info: *const e2b_process_info) -> u32 {
    guard_value(0, || info.as_ref().map_or(0, |p| p.inner.pid))
}

/// The program run, e.g. "/bin/bash"; NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_cmd(info: *const e2b_process_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |p| p.cmd.as_ptr()))
}

/// The number of arguments; 0 if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_args_len(info: *const e2b_process_info) -> usize {
    guard_value(0, || info.as_ref().map_or(0, |p| p.args.len()))
}

/// Argument `index`; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_args_get(info: *const e2b_process_info, index: usize) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().and_then(|p| p.args.get(index)).map_or(ptr::null(), |a| a.as_ptr()))
}

/// The working directory; NULL when not set.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_cwd(info: *const e2b_process_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |p| c_ptr(p.cwd.as_ref())))
}

/// The tag; NULL when there is none.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_tag(info: *const e2b_process_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |p| c_ptr(p.tag.as_ref())))
}

/// The number of environment variables given at start; 0 if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_envs_len(info: *const e2b_process_info) -> usize {
    guard_value(0, || info.as_ref().map_or(0, |p| p.envs.len()))
}

/// The name of environment variable `index` (sorted by name); NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_envs_key(info: *const e2b_process_info, index: usize) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().and_then(|p| p.envs.get(index)).map_or(ptr::null(), |(k, _)| k.as_ptr()))
}

/// The value of environment variable `index`; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_envs_value(info: *const e2b_process_info, index: usize) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().and_then(|p| p.envs.get(index)).map_or(ptr::null(), |(_, v)| v.as_ptr()))
}

/// The value of environment variable `name` given at start; NULL if none.
#[no_mangle]
pub unsafe extern "C" fn e2b_process_info_envs_get(
    info: *const e2b_process_info,
    name: *const c_char,
) -> *const c_char {
    guard_value(ptr::null(), || {
        let (Some(info), Ok(name)) = (info.as_ref(), arg_str(name, "name")) else { return ptr::null() };
        info.envs.iter().find(|(k, _)| k.to_bytes() == name.as_bytes()).map_or(ptr::null(), |(_, v)| v.as_ptr())
    })
}

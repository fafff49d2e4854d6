//! Terminals (`sandbox.pty`), input streams, and attaching with options.

use std::ffi::c_char;
use std::ptr;

use super::cancel::{cancel_arg, e2b_cancel};
use super::commands::e2b_command;
use super::sandbox::{e2b_sandbox, sandbox_arg, sandbox_view};
use super::{
    arg_bytes, arg_mut, arg_str, boxed, e2b_error, e2b_error_code, free, guard, guard_value, limit_ms, out_ptr, set_opt,
};
use sdk::{
    ConnectOptions, InputStream, PtyOptions, PtySize, StreamInputOptions, DEFAULT_KEEPALIVE_INTERVAL,
    DEFAULT_PTY_TIMEOUT, DEFAULT_STREAM_INPUT_TIMEOUT,
};

/// How to start a terminal: a builder. New options mean the user's home as
/// the working directory, the default user, a 60-second lifetime.
pub struct e2b_pty_options {
    inner: PtyOptions,
}

/// How to attach to a running process (`e2b_commands_connect_with`,
/// `e2b_pty_connect`): a builder. New options mean no time limit and the
/// output kept.
pub struct e2b_connect_options {
    inner: ConnectOptions,
}

/// How to open an input stream: a builder. New options mean a 60-second
/// stream with a keepalive after 50 seconds of quiet.
pub struct e2b_input_options {
    inner: StreamInputOptions,
}

/// An input stream to a process's stdin or terminal (see
/// `e2b_commands_open_input`). One thread at a time; freeing it ends the
/// stream without waiting for the sandbox's answer.
pub struct e2b_input_stream {
    inner: Option<InputStream>,
}

// ---- options ----

/// New terminal options with the defaults. Release with `e2b_pty_options_free`.
#[no_mangle]
pub extern "C" fn e2b_pty_options_new() -> *mut e2b_pty_options {
    guard_value(ptr::null_mut(), || boxed(e2b_pty_options { inner: PtyOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_options_free(options: *mut e2b_pty_options) {
    free(options)
}

/// Adds (or replaces) an environment variable; it overrides the terminal's
/// defaults (TERM=xterm-256color, LANG and LC_ALL C.UTF-8).
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_options_set_env(
    options: *mut e2b_pty_options,
    name: *const c_char,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = &mut arg_mut(options, "options")?.inner;
        let name = arg_str(name, "name")?;
        let value = arg_str(value, "value")?;
        options.envs.insert(name.to_owned(), value.to_owned());
        Ok(())
    })
}

/// Sets the working directory. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_options_set_cwd(
    options: *mut e2b_pty_options,
    cwd: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.cwd = Some(arg_str(cwd, "cwd")?.to_owned());
        Ok(())
    })
}

/// Runs the shell as `user` (e.g. "root"). Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_options_set_user(
    options: *mut e2b_pty_options,
    user: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.user = Some(arg_str(user, "user")?.to_owned());
        Ok(())
    })
}

/// Sets how long the shell may live, in milliseconds (0: the default, 60000;
/// E2B_TIMEOUT_NONE: no limit). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_options_set_timeout_ms(
    options: *mut e2b_pty_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.timeout = limit_ms(timeout_ms, Some(DEFAULT_PTY_TIMEOUT));
        Ok(())
    })
}

/// New attach options with the defaults. Release with `e2b_connect_options_free`.
#[no_mangle]
pub extern "C" fn e2b_connect_options_new() -> *mut e2b_connect_options {
    guard_value(ptr::null_mut(), || boxed(e2b_connect_options { inner: ConnectOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_connect_options_free(options: *mut e2b_connect_options) {
    free(options)
}

/// Sets how long to follow the process, in milliseconds (0, the default, and
/// E2B_TIMEOUT_NONE: no limit; the official SDKs use 60000). When it passes,
/// waiting fails with E2B_ERR_TIMEOUT; the process goes on running.
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_connect_options_set_timeout_ms(
    options: *mut e2b_connect_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.timeout = limit_ms(timeout_ms, None);
        Ok(())
    })
}

/// Whether to keep the output in the result (default true).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_connect_options_set_retain_output(
    options: *mut e2b_connect_options,
    retain_output: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.retain_output = retain_output;
        Ok(())
    })
}

/// New input stream options with the defaults. Release with `e2b_input_options_free`.
#[no_mangle]
pub extern "C" fn e2b_input_options_new() -> *mut e2b_input_options {
    guard_value(ptr::null_mut(), || boxed(e2b_input_options { inner: StreamInputOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_input_options_free(options: *mut e2b_input_options) {
    free(options)
}

/// Sets how long the stream may last, in milliseconds (0: the default,
/// 60000; E2B_TIMEOUT_NONE: no limit). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_input_options_set_timeout_ms(
    options: *mut e2b_input_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.timeout = limit_ms(timeout_ms, Some(DEFAULT_STREAM_INPUT_TIMEOUT));
        Ok(())
    })
}

/// Sets how long the stream may be quiet before a keepalive message goes
/// out, in milliseconds (0: the default, 50000). E2B_TIMEOUT_NONE is
/// rejected with INVALID_ARGUMENT. Errors: NULL_ARGUMENT, INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_input_options_set_keepalive_interval_ms(
    options: *mut e2b_input_options,
    interval_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = &mut arg_mut(options, "options")?.inner;
        options.keepalive_interval = super::required_ms(interval_ms, DEFAULT_KEEPALIVE_INTERVAL, "interval_ms")?;
        Ok(())
    })
}

fn pty_options(options: *const e2b_pty_options) -> PtyOptions {
    // SAFETY: NULL or a live options object, as documented.
    unsafe { options.as_ref() }.map_or_else(PtyOptions::default, |o| o.inner.clone())
}

fn connect_options(options: *const e2b_connect_options) -> ConnectOptions {
    // SAFETY: as above.
    unsafe { options.as_ref() }.map_or_else(ConnectOptions::default, |o| o.inner.clone())
}

fn input_options(options: *const e2b_input_options) -> StreamInputOptions {
    // SAFETY: as above.
    unsafe { options.as_ref() }.map_or_else(StreamInputOptions::default, |o| o.inner.clone())
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize::new(rows, cols)
}

// ---- terminals ----

/// Starts `bash -i -l` in a new terminal of `rows` x `cols` and returns at
/// once. The handle is an `e2b_command`: its output comes as
/// E2B_STREAM_PTY chunks to `e2b_command_wait`'s callback or from
/// `e2b_command_next_output`; `e2b_command_send_stdin` sends keystrokes;
/// the result keeps no output. Release `*out` with `e2b_command_free` (the
/// shell goes on running). `cancel` applies to the start only.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a zero size, a
/// missing cwd); AUTHENTICATION (an unknown user); SANDBOX_GONE; TIMEOUT,
/// NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_create(
    sandbox: *const e2b_sandbox,
    rows: u16,
    cols: u16,
    options: *const e2b_pty_options,
    out: *mut *mut e2b_command,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
        let handle =
            sandbox.pty().create_under(size(rows, cols), &pty_options(options), cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_command { inner: handle });
        Ok(())
    })
}

/// Attaches to the terminal of the running process `pid`, to follow its
/// output from now on; `options` may be NULL. Release `*out` with
/// `e2b_command_free`. `cancel` applies to attaching only.
/// Errors: NULL_ARGUMENT; NOT_FOUND; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_connect(
    sandbox: *const e2b_sandbox,
    pid: u32,
    options: *const e2b_connect_options,
    out: *mut *mut e2b_command,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
        let handle = sandbox.pty().connect_under(pid, &connect_options(options), cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_command { inner: handle });
        Ok(())
    })
}

/// Writes `len` bytes at `data` (keystrokes) to the terminal of process `pid`.
/// Errors: NULL_ARGUMENT; NOT_FOUND; API (no terminal); SANDBOX_GONE;
/// TIMEOUT, NETWORK, TLS; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_send_stdin(
    sandbox: *const e2b_sandbox,
    pid: u32,
    data: *const u8,
    len: usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(sandbox_view(sandbox, cancel)?.pty().send_stdin(pid, arg_bytes(data, len, "data")?)?))
}

/// Resizes the terminal of process `pid` to `rows` x `cols`; its programs
/// get SIGWINCH. Errors: NULL_ARGUMENT; INVALID_ARGUMENT (a zero size);
/// NOT_FOUND; API (no terminal); SANDBOX_GONE; TIMEOUT, NETWORK, TLS; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_resize(
    sandbox: *const e2b_sandbox,
    pid: u32,
    rows: u16,
    cols: u16,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(sandbox_view(sandbox, cancel)?.pty().resize(pid, size(rows, cols))?))
}

/// Kills the terminal's process `pid`. `*killed_out` (optional) is false if
/// there was no such process. Errors: NULL_ARGUMENT; SANDBOX_GONE; TIMEOUT,
/// NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_kill(
    sandbox: *const e2b_sandbox,
    pid: u32,
    killed_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(killed_out, false);
        let killed = sandbox_view(sandbox, cancel)?.pty().kill(pid)?;
        set_opt(killed_out, killed);
        Ok(())
    })
}

/// Whether `command` runs in a terminal (`e2b_pty_create`, `e2b_pty_connect`);
/// false if it is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_command_is_pty(command: *const e2b_command) -> bool {
    guard_value(false, || command.as_ref().is_some_and(|c| c.inner.is_pty()))
}

/// `e2b_commands_connect` with options (may be NULL): a time limit on
/// following the process, or its output not kept. Errors: as `e2b_commands_connect`.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_connect_with(
    sandbox: *const e2b_sandbox,
    pid: u32,
    options: *const e2b_connect_options,
    out: *mut *mut e2b_command,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
        let options = connect_options(options);
        let handle = sandbox.commands().connect_with_under(pid, &options, cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_command { inner: handle });
        Ok(())
    })
}

// ---- input streams ----

/// Opens an input stream to the stdin of process `pid` (started with stdin
/// open); `options` may be NULL. Write with `e2b_input_stream_write`, end
/// with `e2b_input_stream_close`, release with `e2b_input_stream_free`.
/// Opening asks the sandbox whether it has the client-streaming StreamInput
/// RPC: if so, writes go out at once on one stream, with keepalives while
/// quiet; if not, each write is one SendInput request
/// (`e2b_input_stream_is_streaming` tells which). `cancel` applies to
/// opening only. Errors: NULL_ARGUMENT; NOT_FOUND; SANDBOX_GONE; TIMEOUT,
/// NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_commands_open_input(
    sandbox: *const e2b_sandbox,
    pid: u32,
    options: *const e2b_input_options,
    out: *mut *mut e2b_input_stream,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
        let stream = sandbox.commands().open_input_under(pid, &input_options(options), cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_input_stream { inner: Some(stream) });
        Ok(())
    })
}

/// `e2b_commands_open_input` for the terminal of process `pid`.
/// Errors: as `e2b_commands_open_input`.
#[no_mangle]
pub unsafe extern "C" fn e2b_pty_open_input(
    sandbox: *const e2b_sandbox,
    pid: u32,
    options: *const e2b_input_options,
    out: *mut *mut e2b_input_stream,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
        let stream = sandbox.pty().open_input_under(pid, &input_options(options), cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_input_stream { inner: Some(stream) });
        Ok(())
    })
}

/// true if the stream uses StreamInput, false if one SendInput per write;
/// false if `stream` is NULL or closed.
#[no_mangle]
pub unsafe extern "C" fn e2b_input_stream_is_streaming(stream: *const e2b_input_stream) -> bool {
    guard_value(false, || stream.as_ref().and_then(|s| s.inner.as_ref()).is_some_and(InputStream::is_streaming))
}

/// Sends `len` bytes at `data` (nothing when `len` is 0). Over StreamInput
/// the bytes are queued and go out at once, and the sandbox's errors come
/// from `e2b_input_stream_close` (or from a later write once the stream has
/// failed); `cancel` applies to a SendInput. Errors: NULL_ARGUMENT;
/// INVALID_ARGUMENT (the stream is closed); NOT_FOUND; API; SANDBOX_GONE;
/// TIMEOUT, NETWORK, TLS; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_input_stream_write(
    stream: *mut e2b_input_stream,
    data: *const u8,
    len: usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let stream = arg_mut(stream, "stream")?;
        let data = arg_bytes(data, len, "data")?;
        let Some(inner) = stream.inner.as_mut() else { return Err(closed()) };
        Ok(inner.write_under(data, cancel_arg(cancel).as_ref())?)
    })
}

/// Ends the stream and waits for the sandbox's answer: E2B_OK once
/// everything was written. The process's stdin stays open
/// (`e2b_commands_close_stdin` closes it). The stream can then only be
/// freed. A cancelled close stops waiting; the stream still ends.
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (already closed); NOT_FOUND;
/// API (e.g. the process's stdin was closed); SANDBOX_GONE; TIMEOUT,
/// NETWORK, TLS; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_input_stream_close(
    stream: *mut e2b_input_stream,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let stream = arg_mut(stream, "stream")?;
        let Some(inner) = stream.inner.take() else { return Err(closed()) };
        Ok(inner.close_under(cancel_arg(cancel).as_ref())?)
    })
}

/// Releases `stream`, ending it without waiting for the answer. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_input_stream_free(stream: *mut e2b_input_stream) {
    free(stream)
}

fn closed() -> e2b_error {
    e2b_error::new(e2b_error_code::E2B_ERR_INVALID_ARGUMENT, "the input stream is closed")
}

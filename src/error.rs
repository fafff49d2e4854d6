//! Error codes and error objects.

use std::any::Any;
use std::ffi::{c_char, CString};

use super::{c_string, free, guard_value};
use sdk::{Error, ErrorKind};

/// The result of every fallible function. The values are stable: they will
/// never be renumbered, and new ones are only ever added.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_error_code {
    /// Success.
    E2B_OK = 0,
    /// A required pointer argument was NULL.
    E2B_ERR_NULL_ARGUMENT = 1,
    /// An argument was rejected, by the library or by the server (HTTP 400).
    E2B_ERR_INVALID_ARGUMENT = 2,
    /// A string argument was not valid UTF-8.
    E2B_ERR_INVALID_UTF8 = 3,
    /// The library hit a bug and caught it; the message says where.
    E2B_ERR_PANIC = 4,
    /// A callback returned non-zero, which stopped the operation.
    E2B_ERR_CALLBACK_ABORTED = 5,
    /// A deadline passed.
    E2B_ERR_TIMEOUT = 6,
    /// The connection failed or dropped.
    E2B_ERR_NETWORK = 7,
    /// TLS failed.
    E2B_ERR_TLS = 8,
    /// Missing or wrong API key or access token (HTTP 401).
    E2B_ERR_AUTHENTICATION = 9,
    /// Not allowed (HTTP 403).
    E2B_ERR_PERMISSION_DENIED = 10,
    /// A file, directory, process, template or code context does not exist.
    E2B_ERR_NOT_FOUND = 11,
    /// The sandbox does not exist: killed, expired, or never created.
    E2B_ERR_SANDBOX_NOT_FOUND = 12,
    /// The sandbox stopped answering while in use: killed, paused or expired.
    E2B_ERR_SANDBOX_GONE = 13,
    /// Already exists, or in a conflicting state (HTTP 409).
    E2B_ERR_CONFLICT = 14,
    /// Too many requests (HTTP 429).
    E2B_ERR_RATE_LIMITED = 15,
    /// The sandbox's disk is full (HTTP 507).
    E2B_ERR_NOT_ENOUGH_SPACE = 16,
    /// Another error status; see `e2b_error_http_status`.
    E2B_ERR_API = 17,
    /// The server's answer could not be understood.
    E2B_ERR_DECODE = 18,
    /// A local file could not be read or written.
    E2B_ERR_IO = 19,
    /// A command exited with a non-zero code (only where asked for).
    E2B_ERR_COMMAND_EXIT = 20,
    /// The call was cancelled through its cancel token.
    E2B_ERR_CANCELLED = 21,
    /// git said its credentials were missing or wrong (the e2b_git_* functions).
    E2B_ERR_GIT_AUTH = 22,
    /// git found no upstream branch to push to or pull from (the e2b_git_* functions).
    E2B_ERR_GIT_UPSTREAM = 23,
    /// A template build failed (the e2b_template_build* functions; the message is the server's reason).
    E2B_ERR_BUILD = 24,
    /// A template build's files could not be uploaded.
    E2B_ERR_FILE_UPLOAD = 25,
}

impl From<ErrorKind> for e2b_error_code {
    fn from(kind: ErrorKind) -> e2b_error_code {
        use e2b_error_code::*;
        match kind {
            ErrorKind::InvalidArgument => E2B_ERR_INVALID_ARGUMENT,
            ErrorKind::NotFound => E2B_ERR_NOT_FOUND,
            ErrorKind::SandboxNotFound => E2B_ERR_SANDBOX_NOT_FOUND,
            ErrorKind::SandboxGone => E2B_ERR_SANDBOX_GONE,
            ErrorKind::Authentication => E2B_ERR_AUTHENTICATION,
            ErrorKind::PermissionDenied => E2B_ERR_PERMISSION_DENIED,
            ErrorKind::RateLimited => E2B_ERR_RATE_LIMITED,
            ErrorKind::Timeout => E2B_ERR_TIMEOUT,
            ErrorKind::NotEnoughSpace => E2B_ERR_NOT_ENOUGH_SPACE,
            ErrorKind::Conflict => E2B_ERR_CONFLICT,
            ErrorKind::Api => E2B_ERR_API,
            ErrorKind::Network => E2B_ERR_NETWORK,
            ErrorKind::Tls => E2B_ERR_TLS,
            ErrorKind::Decode => E2B_ERR_DECODE,
            ErrorKind::Io => E2B_ERR_IO,
            ErrorKind::CallbackAborted => E2B_ERR_CALLBACK_ABORTED,
            ErrorKind::CommandExit => E2B_ERR_COMMAND_EXIT,
            ErrorKind::Cancelled => E2B_ERR_CANCELLED,
            ErrorKind::GitAuth => E2B_ERR_GIT_AUTH,
            ErrorKind::GitUpstream => E2B_ERR_GIT_UPSTREAM,
            ErrorKind::Build => E2B_ERR_BUILD,
            ErrorKind::FileUpload => E2B_ERR_FILE_UPLOAD,
            // A kind newer than this table (none today): the generic failure.
            _ => E2B_ERR_API,
        }
    }
}

/// The name of `code` (an `e2b_error_code`), e.g. "E2B_ERR_NOT_FOUND";
/// "E2B_ERR_UNKNOWN" for a value this library does not know. Static; never NULL.
#[no_mangle]
pub extern "C" fn e2b_error_code_name(code: i32) -> *const c_char {
    // A plain integer, not the enum: C may pass any value.
    let name: &'static [u8] = match code {
        0 => b"E2B_OK\0",
        1 => b"E2B_ERR_NULL_ARGUMENT\0",
        2 => b"E2B_ERR_INVALID_ARGUMENT\0",
        3 => b"E2B_ERR_INVALID_UTF8\0",
        4 => b"E2B_ERR_PANIC\0",
        5 => b"E2B_ERR_CALLBACK_ABORTED\0",
        6 => b"E2B_ERR_TIMEOUT\0",
        7 => b"E2B_ERR_NETWORK\0",
        8 => b"E2B_ERR_TLS\0",
        9 => b"E2B_ERR_AUTHENTICATION\0",
        10 => b"E2B_ERR_PERMISSION_DENIED\0",
        11 => b"E2B_ERR_NOT_FOUND\0",
        12 => b"E2B_ERR_SANDBOX_NOT_FOUND\0",
        13 => b"E2B_ERR_SANDBOX_GONE\0",
        14 => b"E2B_ERR_CONFLICT\0",
        15 => b"E2B_ERR_RATE_LIMITED\0",
        16 => b"E2B_ERR_NOT_ENOUGH_SPACE\0",
        17 => b"E2B_ERR_API\0",
        18 => b"E2B_ERR_DECODE\0",
        19 => b"E2B_ERR_IO\0",
        20 => b"E2B_ERR_COMMAND_EXIT\0",
        21 => b"E2B_ERR_CANCELLED\0",
        22 => b"E2B_ERR_GIT_AUTH\0",
        23 => b"E2B_ERR_GIT_UPSTREAM\0",
        24 => b"E2B_ERR_BUILD\0",
        25 => b"E2B_ERR_FILE_UPLOAD\0",
        _ => b"E2B_ERR_UNKNOWN\0",
    };
    name.as_ptr().cast()
}

/// An error: its code, a message, and the HTTP status when there was one.
/// Owned by the caller, who releases it with `e2b_error_free`.
pub struct e2b_error {
    pub(crate) code: e2b_error_code,
    message: CString,
    http_status: u16,
    /// What the callback that stopped the call returned, 0 if none did.
    pub(crate) callback_value: i32,
    retry_after_ms: u64,
}

impl e2b_error {
    pub(crate) fn new(code: e2b_error_code, message: impl AsRef<str>) -> e2b_error {
        e2b_error { code, message: c_string(message.as_ref()), http_status: 0, callback_value: 0, retry_after_ms: 0 }
    }

    pub(crate) fn null_argument(name: &str) -> e2b_error {
        e2b_error::new(e2b_error_code::E2B_ERR_NULL_ARGUMENT, format!("{name} must not be NULL"))
    }

    pub(crate) fn from_panic(panic: Box<dyn Any + Send>) -> e2b_error {
        let text = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned());
        e2b_error::new(e2b_error_code::E2B_ERR_PANIC, format!("internal error (please report it): {text}"))
    }
}

impl From<Error> for e2b_error {
    fn from(err: Error) -> e2b_error {
        let mut error = e2b_error::new(err.kind().into(), err.message());
        error.http_status = err.status().unwrap_or(0);
        error.retry_after_ms = err.retry_after().map_or(0, |wait| wait.as_millis().try_into().unwrap_or(u64::MAX));
        error
    }
}

/// The code of `err`; `E2B_ERR_NULL_ARGUMENT` if `err` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_error_code_of(err: *const e2b_error) -> e2b_error_code {
    guard_value(e2b_error_code::E2B_ERR_NULL_ARGUMENT, || {
        err.as_ref().map_or(e2b_error_code::E2B_ERR_NULL_ARGUMENT, |e| e.code)
    })
}

/// The message of `err`: UTF-8, never NULL, valid until `e2b_error_free(err)`.
/// A NULL `err` gives a static text saying so.
#[no_mangle]
pub unsafe extern "C" fn e2b_error_message(err: *const e2b_error) -> *const c_char {
    const NULL_ERROR: &[u8] = b"no error (the e2b_error pointer is NULL)\0";
    guard_value(NULL_ERROR.as_ptr().cast(), || err.as_ref().map_or(NULL_ERROR.as_ptr().cast(), |e| e.message.as_ptr()))
}

/// The HTTP status of the response behind `err`; 0 when there was none or `err` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_error_http_status(err: *const e2b_error) -> u16 {
    guard_value(0, || err.as_ref().map_or(0, |e| e.http_status))
}

/// When a callback stopped the call by returning non-zero (the code is then
/// E2B_ERR_CALLBACK_ABORTED), the value it returned; 0 otherwise, or if `err` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_error_callback_value(err: *const e2b_error) -> i32 {
    guard_value(0, || err.as_ref().map_or(0, |e| e.callback_value))
}

/// How long the server asked to wait before trying again (its `Retry-After`),
/// in milliseconds; 0 when it did not say, or if `err` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_error_retry_after_ms(err: *const e2b_error) -> u64 {
    guard_value(0, || err.as_ref().map_or(0, |e| e.retry_after_ms))
}

/// Releases `err`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_error_free(err: *mut e2b_error) {
    free(err)
}

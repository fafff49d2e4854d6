//! The C ABI. It only converts and guards: every entry point checks its
//! pointers and UTF-8, catches panics, converts between C and Rust types, and
//! calls the Rust client, which does the work.
//!
//! Conventions (the header's preamble says the same for C programmers):
//! - fallible functions return an [`e2b_error_code`] and take an optional
//!   last argument `e2b_error **err_out` that receives an owned error object;
//! - `*out` parameters are set to NULL (or empty) on entry and receive an
//!   owned object only on success;
//! - strings are NUL-terminated UTF-8; bytes are `(pointer, length)`;
//! - `_free(NULL)` and `_dispose` of an empty value do nothing.

#![allow(non_camel_case_types, clippy::missing_safety_doc)]

use std::cell::Cell;
use std::ffi::{c_char, CStr, CString};
use std::ops::ControlFlow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::time::Duration;

// In the order of the header, the order in which a user works: version (here),
// errors, bytes, cancel tokens, logging, client, sandbox, network, snapshots, metrics, files, commands, code, git,
// templates.
// (One per group, so that rustfmt keeps the order.)
mod error;

mod bytes;

mod cancel;

mod logging;

mod client;

mod sandbox;

mod network;

mod metrics;
mod snapshots;

mod files;

mod commands;

mod pty;

mod code;

mod git;
mod template;
mod volume;

pub use bytes::*;
pub use cancel::*;
pub use client::*;
pub use code::*;
pub use commands::*;
pub use error::*;
pub use files::*;
pub use git::*;
pub use logging::*;
pub use metrics::*;
pub use network::*;
pub use pty::*;
pub use sandbox::*;
pub use snapshots::*;
pub use volume::*;

mod version {
    include!(concat!(env!("OUT_DIR"), "/version.rs"));
}

/// The library's version as text, e.g. "0.1.0". Static; never NULL.
#[no_mangle]
pub extern "C" fn e2b_version() -> *const c_char {
    version::VERSION.as_ptr().cast()
}

/// The library's version as a number: major * 1000000 + minor * 1000 + patch.
/// Compare it with `E2B_VERSION_NUMBER` to find the header and the library out of step.
#[no_mangle]
pub extern "C" fn e2b_version_number() -> u32 {
    version::VERSION_NUMBER
}

/// The version of the ABI the library implements. A program (or binding) built
/// against a header whose `E2B_ABI_VERSION` differs must not use the library.
#[no_mangle]
pub extern "C" fn e2b_abi_version() -> u32 {
    version::ABI_VERSION
}

/// A duration argument meaning "no limit" where a limit can be lifted; where
/// it cannot (a sandbox's lifetime), it is rejected with E2B_ERR_INVALID_ARGUMENT.
pub const E2B_TIMEOUT_NONE: u64 = u64::MAX;

/// A duration argument in milliseconds where a limit can be lifted: 0 means
/// `default`, [`E2B_TIMEOUT_NONE`] no limit.
pub(crate) fn limit_ms(ms: u64, default: Option<Duration>) -> Option<Duration> {
    match ms {
        0 => default,
        E2B_TIMEOUT_NONE => None,
        ms => Some(Duration::from_millis(ms)),
    }
}

/// A duration argument in milliseconds that cannot be unlimited: 0 means
/// `default`, [`E2B_TIMEOUT_NONE`] is an error.
pub(crate) fn required_ms(ms: u64, default: Duration, name: &str) -> Result<Duration, e2b_error> {
    limit_ms(ms, Some(default)).ok_or_else(|| {
        e2b_error::new(
            e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
            format!("{name} cannot be E2B_TIMEOUT_NONE: it needs a limit"),
        )
    })
}

/// What a C callback returned to stop a call, for the error the call then
/// fails with (`e2b_error_callback_value`).
#[derive(Default)]
pub(crate) struct Stop(Cell<i32>);

impl Stop {
    /// Whether the callback's return `value` lets the call go on; remembers a non-zero one.
    pub(crate) fn check(&self, value: i32) -> ControlFlow<()> {
        if value == 0 {
            return ControlFlow::Continue(());
        }
        self.0.set(value);
        ControlFlow::Break(())
    }

    /// Whether a callback stopped the call.
    pub(crate) fn stopped(&self) -> bool {
        self.0.get() != 0
    }

    /// `err` as a C error, with the callback's value when a callback stopped the call.
    pub(crate) fn error(&self, err: impl Into<e2b_error>) -> e2b_error {
        let mut err = err.into();
        if err.code == e2b_error_code::E2B_ERR_CALLBACK_ABORTED {
            err.callback_value = self.0.get();
        }
        err
    }
}

/// Hands an object to the caller, who releases it with the matching `_free`.
pub(crate) fn boxed<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Releases an object made by [`boxed`]; NULL is ignored.
pub(crate) fn free<T>(object: *mut T) {
    if !object.is_null() {
        // SAFETY: every object handed out was made by `boxed`, and the caller
        // gives it back once.
        drop(unsafe { Box::from_raw(object) });
    }
}

/// Runs the body of an entry point: clears `*err_out`, catches panics, and
/// turns an error into its code and (if asked for) an error object.
pub(crate) fn guard(err_out: *mut *mut e2b_error, body: impl FnOnce() -> Result<(), e2b_error>) -> e2b_error_code {
    if !err_out.is_null() {
        // SAFETY: the caller passes NULL or a pointer to writable storage.
        unsafe { *err_out = ptr::null_mut() };
    }
    let error = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return e2b_error_code::E2B_OK,
        Ok(Err(error)) => error,
        Err(panic) => e2b_error::from_panic(panic),
    };
    let code = error.code;
    if !err_out.is_null() {
        // SAFETY: as above.
        unsafe { *err_out = boxed(error) };
    }
    code
}

/// Runs the body of an infallible getter, returning `default` if it panics.
pub(crate) fn guard_value<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(default)
}

/// A required string argument.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, e2b_error> {
    if ptr.is_null() {
        return Err(e2b_error::null_argument(name));
    }
    CStr::from_ptr(ptr).to_str().map_err(|err| {
        e2b_error::new(e2b_error_code::E2B_ERR_INVALID_UTF8, format!("{name} is not valid UTF-8: {err}"))
    })
}

/// An optional string argument: NULL means none.
pub(crate) unsafe fn arg_opt_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, e2b_error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        arg_str(ptr, name).map(Some)
    }
}

/// A required object argument.
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, e2b_error> {
    ptr.as_ref().ok_or_else(|| e2b_error::null_argument(name))
}

/// A required object argument the call changes.
pub(crate) unsafe fn arg_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, e2b_error> {
    ptr.as_mut().ok_or_else(|| e2b_error::null_argument(name))
}

/// A `(data, len)` byte argument; `data` may be NULL when `len` is 0.
pub(crate) unsafe fn arg_bytes<'a>(data: *const u8, len: usize, name: &str) -> Result<&'a [u8], e2b_error> {
    match (data.is_null(), len) {
        (_, 0) => Ok(&[]),
        (true, _) => Err(e2b_error::null_argument(name)),
        (false, _) => Ok(std::slice::from_raw_parts(data, len)),
    }
}

/// A required out-parameter for an owned object: set to NULL at once, so it
/// is NULL whatever happens unless the call succeeds.
pub(crate) unsafe fn out_ptr<'a, T>(out: *mut *mut T, name: &str) -> Result<&'a mut *mut T, e2b_error> {
    let out = out.as_mut().ok_or_else(|| e2b_error::null_argument(name))?;
    *out = ptr::null_mut();
    Ok(out)
}

/// An optional out-parameter for a plain value.
pub(crate) unsafe fn set_opt<T>(out: *mut T, value: T) {
    if let Some(out) = out.as_mut() {
        *out = value;
    }
}

/// Rust text as a C string. Text from the network can hold NUL, which C
/// cannot; it is shown as U+FFFD rather than cutting the string short.
pub(crate) fn c_string(text: &str) -> CString {
    CString::new(text).unwrap_or_else(|_| CString::new(text.replace('\0', "\u{FFFD}")).expect("NULs were replaced"))
}

/// A borrowed C string pointer, NULL for `None`.
pub(crate) fn c_ptr(text: Option<&CString>) -> *const c_char {
    text.map_or(ptr::null(), |s| s.as_ptr())
}

/// One metadata entry of a `_fields` struct: a key and its value, UTF-8
/// owned by the object the struct comes from.
#[repr(C)]
pub struct e2b_pair {
    pub key: *const c_char,
    pub value: *const c_char,
}

/// `metadata` as the pairs of a `_fields` struct: they point into the
/// `CString`s, whose bytes stay put for as long as `metadata` is not changed.
pub(crate) fn pairs(metadata: &[(CString, CString)]) -> Vec<e2b_pair> {
    metadata.iter().map(|(k, v)| e2b_pair { key: k.as_ptr(), value: v.as_ptr() }).collect()
}

/// The first of `pairs` for a `_fields` struct: NULL when there are none.
pub(crate) fn pairs_ptr(pairs: &[e2b_pair]) -> *const e2b_pair {
    if pairs.is_empty() {
        ptr::null()
    } else {
        pairs.as_ptr()
    }
}

/// The `_fields` array of a list: a pointer to each item's struct, NULL when
/// the list is empty or NULL; `*len_out` (if not NULL) receives the length.
pub(crate) unsafe fn fields_array<T>(items: Option<&[*const T]>, len_out: *mut usize) -> *const *const T {
    let items = items.unwrap_or_default();
    set_opt(len_out, items.len());
    if items.is_empty() {
        ptr::null()
    } else {
        items.as_ptr()
    }
}

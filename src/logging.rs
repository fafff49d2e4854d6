//! Logging: a process-wide callback for the library's log lines.

use std::ffi::{c_char, c_void, CString};

use log::{Level, LevelFilter};

use super::e2b_error_code::E2B_ERR_INVALID_ARGUMENT;
use super::{e2b_error, e2b_error_code, guard};
use sdk::capi::LogCallback;

/// How much the library logs, from nothing to everything; each level includes
/// those before it. The levels of `E2B_LOG` are the same names in lowercase.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_log_level {
    E2B_LOG_OFF = 0,
    /// Failures the library could not hide.
    E2B_LOG_ERROR = 1,
    /// Trouble the library worked around.
    E2B_LOG_WARN = 2,
    /// Retries, with their reason and wait.
    E2B_LOG_INFO = 3,
    /// One line per HTTP request: what, method, URL, status, time, bytes.
    E2B_LOG_DEBUG = 4,
    E2B_LOG_TRACE = 5,
}

impl e2b_log_level {
    fn filter(self) -> LevelFilter {
        match self {
            e2b_log_level::E2B_LOG_OFF => LevelFilter::Off,
            e2b_log_level::E2B_LOG_ERROR => LevelFilter::Error,
            e2b_log_level::E2B_LOG_WARN => LevelFilter::Warn,
            e2b_log_level::E2B_LOG_INFO => LevelFilter::Info,
            e2b_log_level::E2B_LOG_DEBUG => LevelFilter::Debug,
            e2b_log_level::E2B_LOG_TRACE => LevelFilter::Trace,
        }
    }

    fn of(level: Level) -> e2b_log_level {
        match level {
            Level::Error => e2b_log_level::E2B_LOG_ERROR,
            Level::Warn => e2b_log_level::E2B_LOG_WARN,
            Level::Info => e2b_log_level::E2B_LOG_INFO,
            Level::Debug => e2b_log_level::E2B_LOG_DEBUG,
            Level::Trace => e2b_log_level::E2B_LOG_TRACE,
        }
    }
}

/// Receives one log line: its level, the library module it comes from (such as
/// "e2b::http"), and the message (UTF-8, no trailing newline). Both strings are
/// borrowed for the call only. Called from whichever thread logs, possibly
/// several at once: the callback and its user_data must be thread-safe. It
/// must not call into the library.
pub type e2b_log_cb = Option<
    unsafe extern "C" fn(user_data: *mut c_void, level: e2b_log_level, target: *const c_char, message: *const c_char),
>;

/// The user_data of the log callback, shared with every logging thread as the
/// caller of `e2b_set_log_callback` promised.
struct SharedUserData(*mut c_void);

// SAFETY: e2b_set_log_callback's caller states the callback and its user_data
// may be used from any thread.
unsafe impl Send for SharedUserData {}
unsafe impl Sync for SharedUserData {}

impl SharedUserData {
    /// The pointer (a method, so that closures capture the whole wrapper).
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Sends the library's log lines up to `level` to `callback`, for the whole
/// process, replacing an earlier callback or the stderr output `E2B_LOG`
/// turned on. A NULL callback (or E2B_LOG_OFF) stops logging. A line never
/// holds the API key, an access token, a header's value or a signed URL's
/// signature. Not to be called while another thread may be logging with the
/// old callback's user_data about to be freed: set the callback once, early.
/// Errors: INVALID_ARGUMENT when the level is not an e2b_log_level, or when
/// the process (a Rust program linking the library) has its own logger.
#[no_mangle]
pub unsafe extern "C" fn e2b_set_log_callback(
    level: i32,
    callback: e2b_log_cb,
    user_data: *mut c_void,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let level = match level {
            0 => e2b_log_level::E2B_LOG_OFF,
            1 => e2b_log_level::E2B_LOG_ERROR,
            2 => e2b_log_level::E2B_LOG_WARN,
            3 => e2b_log_level::E2B_LOG_INFO,
            4 => e2b_log_level::E2B_LOG_DEBUG,
            5 => e2b_log_level::E2B_LOG_TRACE,
            other => {
                return Err(e2b_error::new(E2B_ERR_INVALID_ARGUMENT, format!("level {other} is not an e2b_log_level")))
            }
        };
        let callback = callback.filter(|_| level != e2b_log_level::E2B_LOG_OFF).map(|callback| {
            let user_data = SharedUserData(user_data);
            Box::new(move |level: Level, target: &str, message: &str| {
                // A message with a NUL (from a server's text) is cut there rather than lost.
                let text = |s: &str| CString::new(s.split('\0').next().unwrap_or_default()).unwrap_or_default();
                let (target, message) = (text(target), text(message));
                // SAFETY: as the caller of e2b_set_log_callback promised.
                unsafe { callback(user_data.get(), e2b_log_level::of(level), target.as_ptr(), message.as_ptr()) }
            }) as LogCallback
        });
        sdk::capi::set_log_callback(level.filter(), callback).map_err(|_| {
            e2b_error::new(
                E2B_ERR_INVALID_ARGUMENT,
                "the program has installed its own logger; the library's lines go there",
            )
        })
    })
}

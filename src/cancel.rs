//! Cancel tokens: `e2b_cancel`, passed to blocking calls to stop them from another thread.

use super::{boxed, free, guard_value};
use sdk::CancelToken;

/// A cancel token: pass it to any number of blocking calls (the argument
/// before `err_out`), then `e2b_cancel_cancel` from any thread ends them
/// within 100 ms with E2B_ERR_CANCELLED, the connection under each closed.
/// Cancelling is final: every later call given the token fails at once, so
/// make a fresh token for the next operation. Thread-safe. Release with
/// `e2b_cancel_free`.
pub struct e2b_cancel {
    inner: CancelToken,
}

/// A new token, not cancelled. Never NULL. Release with `e2b_cancel_free`.
#[no_mangle]
pub extern "C" fn e2b_cancel_new() -> *mut e2b_cancel {
    boxed(e2b_cancel { inner: CancelToken::new() })
}

/// Cancels every call given `cancel`, under way or to come. Any thread, any
/// number of times; returns at once. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_cancel_cancel(cancel: *const e2b_cancel) {
    guard_value((), || {
        if let Some(cancel) = cancel.as_ref() {
            cancel.inner.cancel();
        }
    })
}

/// Whether `cancel` was cancelled; false if it is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_cancel_is_cancelled(cancel: *const e2b_cancel) -> bool {
    guard_value(false, || cancel.as_ref().is_some_and(|cancel| cancel.inner.is_cancelled()))
}

/// Releases `cancel`. Calls given it that still run are not affected (each
/// holds its own reference), nor can they be cancelled any more. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_cancel_free(cancel: *mut e2b_cancel) {
    free(cancel)
}

/// The token of a `cancel` argument: NULL means none.
pub(crate) unsafe fn cancel_arg(cancel: *const e2b_cancel) -> Option<CancelToken> {
    cancel.as_ref().map(|cancel| cancel.inner.clone())
}

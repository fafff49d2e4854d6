//! Client options and the client handle.

use std::ffi::c_char;
use std::time::Duration;

use super::cancel::{cancel_arg, e2b_cancel};
use super::{arg_mut, arg_ref, arg_str, boxed, e2b_error, e2b_error_code, free, guard, limit_ms, out_ptr};
use sdk::DEFAULT_REQUEST_TIMEOUT;
use sdk::{Client, Config, ConfigBuilder};

/// Connection settings for `e2b_client_new`: a builder.
pub struct e2b_client_options {
    config: Config,
}

/// A client: settings plus a pool of connections. Thread-safe: any number of
/// threads may use one client at once. Sandboxes keep their client alive, so
/// it may be freed before them.
pub struct e2b_client {
    pub(crate) inner: Client,
}

/// New options holding the defaults overridden by the environment
/// (`E2B_API_KEY`, `E2B_DOMAIN`, `E2B_API_URL`, `E2B_SANDBOX_URL`, `E2B_DEBUG`).
/// Release with `e2b_client_options_free`.
#[no_mangle]
pub extern "C" fn e2b_client_options_new() -> *mut e2b_client_options {
    super::guard_value(std::ptr::null_mut(), || boxed(e2b_client_options { config: Config::from_env() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_free(options: *mut e2b_client_options) {
    free(options)
}

/// Sets one text option with a NUL-terminated UTF-8 value.
unsafe fn set_text(
    options: *mut e2b_client_options,
    value: *const c_char,
    name: &str,
    err_out: *mut *mut e2b_error,
    apply: impl FnOnce(ConfigBuilder, String) -> ConfigBuilder,
) -> e2b_error_code {
    guard(err_out, || {
        let value = arg_str(value, name)?;
        update(options, |b| Ok(apply(b, value.to_owned())))
    })
}

/// Applies one builder step to `options`; on error they are left as they were.
unsafe fn update(
    options: *mut e2b_client_options,
    step: impl FnOnce(ConfigBuilder) -> sdk::Result<ConfigBuilder>,
) -> Result<(), e2b_error> {
    let options = arg_mut(options, "options")?;
    options.config = step(options.config.to_builder())?.build();
    Ok(())
}

/// Sets the API key (sent as `X-API-KEY`). Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_set_api_key(
    options: *mut e2b_client_options,
    api_key: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    set_text(options, api_key, "api_key", err_out, |b, v| b.api_key(v))
}

/// Sets the domain (default "e2b.app"). Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_set_domain(
    options: *mut e2b_client_options,
    domain: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    set_text(options, domain, "domain", err_out, |b, v| b.domain(v))
}

/// Sets the control plane's URL (default `https://api.<domain>`).
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_set_api_url(
    options: *mut e2b_client_options,
    api_url: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    set_text(options, api_url, "api_url", err_out, |b, v| b.api_url(v))
}

/// Sets one URL through which every sandbox is reached, routed by headers
/// (as `E2B_SANDBOX_URL`). Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_set_sandbox_url(
    options: *mut e2b_client_options,
    sandbox_url: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    set_text(options, sandbox_url, "sandbox_url", err_out, |b, v| b.sandbox_url(v))
}

/// Adds a header sent with every control-plane request.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (an empty name, or
/// a name or value that could not be sent: line breaks, control characters,
/// a name that is not an HTTP token).
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_add_header(
    options: *mut e2b_client_options,
    name: *const c_char,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let name = arg_str(name, "name")?;
        let value = arg_str(value, "value")?;
        update(options, |b| b.header(name, value))
    })
}

/// Turns debug mode on or off (as `E2B_DEBUG`). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_set_debug(
    options: *mut e2b_client_options,
    debug: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || update(options, |b| Ok(b.debug(debug))))
}

/// Sets the deadline of each request in milliseconds (0: the default,
/// 60000; E2B_TIMEOUT_NONE: no deadline). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_set_request_timeout_ms(
    options: *mut e2b_client_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || update(options, |b| Ok(b.request_timeout(limit_ms(timeout_ms, Some(DEFAULT_REQUEST_TIMEOUT))))))
}

/// Sets how many times a failed control-plane request is retried when that
/// is safe (default 3; 0 turns retries off). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_options_set_max_retries(
    options: *mut e2b_client_options,
    max_retries: u32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || update(options, |b| Ok(b.max_retries(max_retries))))
}

/// Creates a client from `options` (NULL: from the environment alone). The
/// options are copied, so they may be freed at once. On success `*out` holds
/// the client; release it with `e2b_client_free`. Errors: NULL_ARGUMENT (out).
#[no_mangle]
pub unsafe extern "C" fn e2b_client_new(
    options: *const e2b_client_options,
    out: *mut *mut e2b_client,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let config = match options.as_ref() {
            Some(options) => options.config.clone(),
            None => Config::from_env(),
        };
        *out = boxed(e2b_client { inner: Client::new(config) });
        Ok(())
    })
}

/// A view of `client` whose every blocking call ends within `deadline_ms`
/// milliseconds of its start, retries, transfers and streams included, and
/// with them the sandboxes, commands, watches and readers the call hands out:
/// a call still running then fails with E2B_ERR_TIMEOUT ("the call's deadline
/// passed"). 0 and E2B_TIMEOUT_NONE mean no call deadline (the default:
/// calls are bounded only by the request timeout and the silence limits),
/// also when `client` has one.
/// `*out` is an independent handle sharing `client`'s settings and
/// connections; release each with `e2b_client_free`, in any order.
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_with_deadline(
    client: *const e2b_client,
    deadline_ms: u64,
    out: *mut *mut e2b_client,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_arg(client)?;
        *out = boxed(e2b_client { inner: client.with_call_deadline(call_deadline(deadline_ms)) });
        Ok(())
    })
}

/// A call deadline in milliseconds: 0 (the default) and E2B_TIMEOUT_NONE mean none.
pub(crate) fn call_deadline(deadline_ms: u64) -> Option<Duration> {
    limit_ms(deadline_ms, None)
}

/// Releases `client`. Sandboxes made with it stay valid. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_free(client: *mut e2b_client) {
    free(client)
}

pub(crate) unsafe fn client_arg<'a>(client: *const e2b_client) -> Result<&'a Client, e2b_error> {
    arg_ref(client, "client").map(|c| &c.inner)
}

/// The client behind `client`, cancelled by `cancel` (NULL: not cancellable).
pub(crate) unsafe fn client_view(client: *const e2b_client, cancel: *const e2b_cancel) -> Result<Client, e2b_error> {
    Ok(client_arg(client)?.with_cancel_token(cancel_arg(cancel).as_ref()))
}

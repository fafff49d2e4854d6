//! Sandbox metrics: the samples of CPU, memory and disk use over a time range.

use std::ffi::c_char;
use std::ptr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::cancel::e2b_cancel;
use super::client::{client_view, e2b_client};
use super::sandbox::{e2b_sandbox, sandbox_view};
use super::{arg_str, boxed, e2b_error, e2b_error_code, fields_array, free, guard, guard_value, out_ptr};
use sdk::SandboxMetrics;

/// One metrics sample of a sandbox, as plain data (the SDKs' `SandboxMetrics`).
/// Owned by its list, valid until the list is freed.
///
/// The struct only ever grows, at its end. `struct_size` is its size in the
/// library that filled it: a program built against a newer header reads a
/// field only if `struct_size >= offsetof(e2b_metrics_fields, field) +
/// sizeof(field)`.
#[repr(C)]
pub struct e2b_metrics_fields {
    /// The size of this struct in the library (see above).
    pub struct_size: usize,
    /// When the sample was taken: milliseconds since the Unix epoch (E2B
    /// samples fall on whole seconds).
    pub timestamp_unix_ms: i64,
    /// How many CPUs the sandbox has.
    pub cpu_count: u32,
    /// How much of those CPUs it used, in percent (0 to 100).
    pub cpu_used_pct: f64,
    /// Memory in use, in bytes.
    pub mem_used: u64,
    /// The sandbox's memory, in bytes.
    pub mem_total: u64,
    /// Memory holding cached file data, in bytes (0 when the server does not say).
    pub mem_cache: u64,
    /// Disk in use, in bytes.
    pub disk_used: u64,
    /// The sandbox's disk, in bytes.
    pub disk_total: u64,
}

/// The metrics samples of a sandbox, oldest first, from
/// `e2b_sandbox_get_metrics` or `e2b_client_get_sandbox_metrics`.
pub struct e2b_metrics_list {
    items: Vec<e2b_metrics_fields>,
    /// A pointer to each item, for `e2b_metrics_list_fields`.
    fields: Vec<*const e2b_metrics_fields>,
}

impl e2b_metrics_list {
    fn new(samples: Vec<SandboxMetrics>) -> e2b_metrics_list {
        let items: Vec<e2b_metrics_fields> = samples.iter().map(fields_of).collect();
        // The items stay where they are from now on: the vector is never changed.
        let fields = items.iter().map(|item| item as *const e2b_metrics_fields).collect();
        e2b_metrics_list { items, fields }
    }
}

fn fields_of(sample: &SandboxMetrics) -> e2b_metrics_fields {
    let timestamp_unix_ms = match sample.timestamp.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_millis() as i64,
        Err(before) => -(before.duration().as_millis() as i64),
    };
    e2b_metrics_fields {
        struct_size: size_of::<e2b_metrics_fields>(),
        timestamp_unix_ms,
        cpu_count: sample.cpu_count,
        cpu_used_pct: sample.cpu_used_pct,
        mem_used: sample.mem_used,
        mem_total: sample.mem_total,
        mem_cache: sample.mem_cache,
        disk_used: sample.disk_used,
        disk_total: sample.disk_total,
    }
}

/// A `start`/`end` argument: milliseconds since the epoch, 0 for none.
fn time_arg(unix_ms: i64, name: &str) -> Result<Option<SystemTime>, e2b_error> {
    match unix_ms {
        0 => Ok(None),
        ms if ms < 0 => Err(e2b_error::new(
            e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
            format!("{name} must be milliseconds since the Unix epoch (0: none), not {ms}"),
        )),
        ms => Ok(Some(UNIX_EPOCH + Duration::from_millis(ms as u64))),
    }
}

/// The sandbox's metrics samples taken from `start_unix_ms` to `end_unix_ms`
/// (milliseconds since the Unix epoch, both included, rounded down to whole
/// seconds as the API counts them; 0: unbounded), oldest first. E2B samples
/// every 5 seconds while the sandbox runs; the list is empty before the
/// first sample. Release `*out` with `e2b_metrics_list_free`.
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (a negative time, or start after
/// end); SANDBOX_NOT_FOUND; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API;
/// DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_get_metrics(
    sandbox: *const e2b_sandbox,
    start_unix_ms: i64,
    end_unix_ms: i64,
    out: *mut *mut e2b_metrics_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let (start, end) = (time_arg(start_unix_ms, "start_unix_ms")?, time_arg(end_unix_ms, "end_unix_ms")?);
        let samples = sandbox_view(sandbox, cancel)?.get_metrics(start, end)?;
        *out = boxed(e2b_metrics_list::new(samples));
        Ok(())
    })
}

/// As `e2b_sandbox_get_metrics`, for the sandbox `sandbox_id`, without
/// connecting to it (the SDKs' `Sandbox.get_metrics(sandbox_id, ...)`).
/// Errors: as `e2b_sandbox_get_metrics`, and INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_get_sandbox_metrics(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    start_unix_ms: i64,
    end_unix_ms: i64,
    out: *mut *mut e2b_metrics_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox_id = arg_str(sandbox_id, "sandbox_id")?;
        let (start, end) = (time_arg(start_unix_ms, "start_unix_ms")?, time_arg(end_unix_ms, "end_unix_ms")?);
        let samples = client_view(client, cancel)?.get_metrics(sandbox_id, start, end)?;
        *out = boxed(e2b_metrics_list::new(samples));
        Ok(())
    })
}

/// The number of samples in `list`; 0 if `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_metrics_list_len(list: *const e2b_metrics_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Sample `index` of the list, owned by the list; NULL if out of range or
/// `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_metrics_list_get(
    list: *const e2b_metrics_list,
    index: usize,
) -> *const e2b_metrics_fields {
    guard_value(ptr::null(), || {
        list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |item| item as *const _)
    })
}

/// Every sample of `list` in one call: an array of `*len_out` pointers
/// (`len_out` may be NULL), in the order of `e2b_metrics_list_get`. Owned by
/// the list, valid until it is freed. NULL (and 0) if the list is empty or
/// `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_metrics_list_fields(
    list: *const e2b_metrics_list,
    len_out: *mut usize,
) -> *const *const e2b_metrics_fields {
    guard_value(ptr::null(), || fields_array(list.as_ref().map(|l| l.fields.as_slice()), len_out))
}

/// Releases `list` and its samples. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_metrics_list_free(list: *mut e2b_metrics_list) {
    free(list)
}

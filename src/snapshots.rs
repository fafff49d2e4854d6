//! Snapshots (options, info, query and page) and fork (options and the list of forks).

use std::ffi::{c_char, CString};
use std::ptr;
use std::time::Duration;

use super::cancel::e2b_cancel;
use super::client::{client_view, e2b_client};
use super::sandbox::{e2b_sandbox, sandbox_view};
use super::{
    arg_mut, arg_opt_str, arg_str, boxed, c_string, e2b_error, e2b_error_code, fields_array, free, guard, guard_value,
    out_ptr, required_ms, set_opt,
};
use sdk::{ForkOptions, Sandbox, SnapshotInfo, SnapshotMode, SnapshotOptions, SnapshotQuery};

/// What a snapshot keeps (`e2b_snapshot_options_set_mode`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_snapshot_mode {
    /// The server's default (full).
    E2B_SNAPSHOT_MODE_DEFAULT = 0,
    /// Memory and filesystem: sandboxes from it resume where the source was.
    E2B_SNAPSHOT_MODE_FULL = 1,
    /// The filesystem only: sandboxes from it boot afresh from the files.
    E2B_SNAPSHOT_MODE_FILESYSTEM = 2,
}

/// How to take a snapshot: a builder. New options make an unnamed snapshot of
/// the server's default mode (full).
pub struct e2b_snapshot_options {
    inner: SnapshotOptions,
}

/// A snapshot: its id (what `e2b_sandbox_options_set_template` takes to start
/// a sandbox from it) and its template's names. Strings are UTF-8 owned by the
/// info, valid until it is freed.
pub struct e2b_snapshot_info {
    snapshot_id: CString,
    names: Vec<CString>,
    /// `names` as `fields` points to it.
    name_ptrs: Vec<*const c_char>,
    fields: e2b_snapshot_fields,
}

/// Every field of a snapshot info as plain data, in one read
/// (`e2b_snapshot_info_fields`, `e2b_snapshot_page_fields`). Owned by the info
/// (or page); the strings are UTF-8, valid until it is freed. Grows only at
/// its end (see `e2b_sandbox_fields` on `struct_size`).
#[repr(C)]
pub struct e2b_snapshot_fields {
    /// The size of this struct in the library.
    pub struct_size: usize,
    /// As `e2b_snapshot_info_id`.
    pub snapshot_id: *const c_char,
    /// The full names of the snapshot's template (`names_len` of them); NULL when it has none.
    pub names: *const *const c_char,
    /// The number of names.
    pub names_len: usize,
}

/// Which snapshots `e2b_client_list_snapshots` returns: a builder. New, it
/// matches all of the team's, newest first, 100 a page.
pub struct e2b_snapshot_query {
    inner: SnapshotQuery,
}

/// One page of snapshots from `e2b_client_list_snapshots`.
pub struct e2b_snapshot_page {
    items: Vec<e2b_snapshot_info>,
    next_token: Option<CString>,
    /// Each item's `fields`, for `e2b_snapshot_page_fields`.
    fields: Vec<*const e2b_snapshot_fields>,
}

/// How to fork a sandbox: a builder. New options ask for the API's defaults:
/// one fork that lives 15 seconds.
pub struct e2b_fork_options {
    inner: ForkOptions,
}

/// The forks of one `e2b_sandbox_fork`: one entry per fork asked for, a
/// sandbox or the error that fork met.
pub struct e2b_fork_list {
    items: Vec<Result<*mut e2b_sandbox, e2b_error>>,
}

impl Drop for e2b_fork_list {
    fn drop(&mut self) {
        for sandbox in self.items.iter().flatten() {
            free(*sandbox);
        }
    }
}

impl e2b_snapshot_info {
    fn new(info: SnapshotInfo) -> e2b_snapshot_info {
        let names: Vec<CString> = info.names.iter().map(|n| c_string(n)).collect();
        let name_ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
        let mut out = e2b_snapshot_info {
            snapshot_id: c_string(&info.snapshot_id),
            names,
            name_ptrs,
            fields: e2b_snapshot_fields {
                struct_size: size_of::<e2b_snapshot_fields>(),
                snapshot_id: ptr::null(),
                names: ptr::null(),
                names_len: 0,
            },
        };
        // The strings and the pointer vector are on the heap and never change.
        out.fields.snapshot_id = out.snapshot_id.as_ptr();
        out.fields.names = if out.name_ptrs.is_empty() { ptr::null() } else { out.name_ptrs.as_ptr() };
        out.fields.names_len = out.name_ptrs.len();
        out
    }
}

// ---- options ----

/// New snapshot options with the defaults. Release with `e2b_snapshot_options_free`.
#[no_mangle]
pub extern "C" fn e2b_snapshot_options_new() -> *mut e2b_snapshot_options {
    guard_value(ptr::null_mut(), || boxed(e2b_snapshot_options { inner: SnapshotOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_options_free(options: *mut e2b_snapshot_options) {
    free(options)
}

/// Names the snapshot's template, optionally with a tag (`my-env`,
/// `my-env:v2`); a name that exists gets a new build (that tag's earlier one
/// is replaced). NULL or "" makes an unnamed snapshot (the default).
/// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_options_set_name(
    options: *mut e2b_snapshot_options,
    name: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = arg_mut(options, "options")?;
        options.inner.name = arg_opt_str(name, "name")?.map(str::to_owned);
        Ok(())
    })
}

/// Sets what the snapshot keeps (an `e2b_snapshot_mode`; DEFAULT leaves it to
/// the server). Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not an `e2b_snapshot_mode`).
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_options_set_mode(
    options: *mut e2b_snapshot_options,
    mode: i32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = arg_mut(options, "options")?;
        options.inner.mode = match mode {
            0 => None,
            1 => Some(SnapshotMode::Full),
            2 => Some(SnapshotMode::Filesystem),
            _ => {
                return Err(e2b_error::new(
                    e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
                    format!("{mode} is not an e2b_snapshot_mode"),
                ))
            }
        };
        Ok(())
    })
}

// ---- create, delete ----

/// Takes a snapshot of the running `sandbox` with `options` (NULL: the
/// defaults); the sandbox keeps running. Start sandboxes from it by giving
/// its id to `e2b_sandbox_options_set_template`. Release `*out` with
/// `e2b_snapshot_info_free`. The request is not repeated once the server may
/// have acted on it. Errors: NULL_ARGUMENT; SANDBOX_NOT_FOUND (unknown, or
/// paused: only running sandboxes can be snapshotted); INVALID_ARGUMENT (bad
/// name); CONFLICT; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_create_snapshot(
    sandbox: *const e2b_sandbox,
    options: *const e2b_snapshot_options,
    out: *mut *mut e2b_snapshot_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let default = SnapshotOptions::default();
        let info = sandbox.create_snapshot(options.as_ref().map_or(&default, |o| &o.inner))?;
        *out = boxed(e2b_snapshot_info::new(info));
        Ok(())
    })
}

/// `e2b_sandbox_create_snapshot` of the sandbox `sandbox_id`, without
/// connecting to it. Errors: as `e2b_sandbox_create_snapshot`, and INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_create_snapshot(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    options: *const e2b_snapshot_options,
    out: *mut *mut e2b_snapshot_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let sandbox_id = arg_str(sandbox_id, "sandbox_id")?;
        let default = SnapshotOptions::default();
        let info = client.create_snapshot(sandbox_id, options.as_ref().map_or(&default, |o| &o.inner))?;
        *out = boxed(e2b_snapshot_info::new(info));
        Ok(())
    })
}

/// Deletes the snapshot `snapshot_id`: every build of its template, whatever
/// tag the id names. Sandboxes started from it run on. `*deleted_out`
/// (optional) is false if there was none, which is not an error.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (not a template
/// name); PERMISSION_DENIED (a template that is not the team's, such as
/// `base`); AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_delete_snapshot(
    client: *const e2b_client,
    snapshot_id: *const c_char,
    deleted_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(deleted_out, false);
        let client = client_view(client, cancel)?;
        let deleted = client.delete_snapshot(arg_str(snapshot_id, "snapshot_id")?)?;
        set_opt(deleted_out, deleted);
        Ok(())
    })
}

// ---- info ----

/// Releases `info`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_info_free(info: *mut e2b_snapshot_info) {
    free(info)
}

/// The snapshot's id (`<namespace>/<name>:<tag>` when named, else
/// `<template id>:<tag>`). NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_info_id(info: *const e2b_snapshot_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| i.snapshot_id.as_ptr()))
}

/// The number of names of the snapshot's template (0 when unnamed, or if `info` is NULL).
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_info_names_len(info: *const e2b_snapshot_info) -> usize {
    guard_value(0, || info.as_ref().map_or(0, |i| i.names.len()))
}

/// Name `index` of the snapshot's template, namespace included; NULL if out
/// of range or `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_info_names_get(info: *const e2b_snapshot_info, index: usize) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().and_then(|i| i.names.get(index)).map_or(ptr::null(), |n| n.as_ptr()))
}

/// Every field of `info` as plain data, in one call (see
/// `e2b_snapshot_fields`). Owned by the info (or its page). NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_info_fields(info: *const e2b_snapshot_info) -> *const e2b_snapshot_fields {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| &i.fields as *const _))
}

// ---- listing ----

/// A new query matching all of the team's snapshots. Release with `e2b_snapshot_query_free`.
#[no_mangle]
pub extern "C" fn e2b_snapshot_query_new() -> *mut e2b_snapshot_query {
    guard_value(ptr::null_mut(), || boxed(e2b_snapshot_query { inner: SnapshotQuery::default() }))
}

/// Releases `query`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_query_free(query: *mut e2b_snapshot_query) {
    free(query)
}

/// Matches only the snapshots taken of the sandbox `sandbox_id`; NULL matches
/// every sandbox's. Errors: NULL_ARGUMENT (query), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_query_set_sandbox_id(
    query: *mut e2b_snapshot_query,
    sandbox_id: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        query.inner.sandbox_id = arg_opt_str(sandbox_id, "sandbox_id")?.map(str::to_owned);
        Ok(())
    })
}

/// Matches only the snapshots of `name` (a name or template id: bare, every
/// tag; `name:tag`, that tag); NULL matches every name.
/// Errors: NULL_ARGUMENT (query), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_query_set_name(
    query: *mut e2b_snapshot_query,
    name: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        query.inner.name = arg_opt_str(name, "name")?.map(str::to_owned);
        Ok(())
    })
}

/// Sets the page size, 1 to 100 (0: the server's default, 100).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_query_set_limit(
    query: *mut e2b_snapshot_query,
    limit: u32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(query, "query")?.inner.limit = (limit > 0).then_some(limit);
        Ok(())
    })
}

/// Continues listing where the page with this `e2b_snapshot_page_next_token`
/// ended; NULL starts from the beginning. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_query_set_next_token(
    query: *mut e2b_snapshot_query,
    next_token: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        query.inner.next_token = arg_opt_str(next_token, "next_token")?.map(str::to_owned);
        Ok(())
    })
}

/// One page of snapshots from a paginator's first fetch.
fn first_page(mut paginator: sdk::SnapshotPaginator) -> Result<*mut e2b_snapshot_page, e2b_error> {
    let items = paginator.next_items()?;
    let items: Vec<e2b_snapshot_info> = items.into_iter().map(e2b_snapshot_info::new).collect();
    // The items stay where they are from now on: the vector is never changed.
    let fields = items.iter().map(|item| &item.fields as *const e2b_snapshot_fields).collect();
    Ok(boxed(e2b_snapshot_page { items, next_token: paginator.next_token().map(c_string), fields }))
}

/// Lists one page of the team's snapshots matching `query` (NULL: all),
/// newest first. Release `*out` with `e2b_snapshot_page_free`; list the next
/// page with its `e2b_snapshot_page_next_token` set on the query.
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (bad limit, token, sandbox id or
/// name); AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_list_snapshots(
    client: *const e2b_client,
    query: *const e2b_snapshot_query,
    out: *mut *mut e2b_snapshot_page,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let default = SnapshotQuery::default();
        *out = first_page(client.list_snapshots(query.as_ref().map_or(&default, |q| &q.inner)))?;
        Ok(())
    })
}

/// `e2b_client_list_snapshots` of the snapshots taken of `sandbox` (the
/// query's sandbox id is replaced by its). Errors: as `e2b_client_list_snapshots`.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_list_snapshots(
    sandbox: *const e2b_sandbox,
    query: *const e2b_snapshot_query,
    out: *mut *mut e2b_snapshot_page,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let default = SnapshotQuery::default();
        *out = first_page(sandbox.list_snapshots(query.as_ref().map_or(&default, |q| &q.inner)))?;
        Ok(())
    })
}

/// The number of snapshots on the page; 0 if `page` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_page_len(page: *const e2b_snapshot_page) -> usize {
    guard_value(0, || page.as_ref().map_or(0, |p| p.items.len()))
}

/// Snapshot `index` of the page, owned by the page; NULL if out of range or
/// `page` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_page_get(
    page: *const e2b_snapshot_page,
    index: usize,
) -> *const e2b_snapshot_info {
    guard_value(ptr::null(), || {
        page.as_ref().and_then(|p| p.items.get(index)).map_or(ptr::null(), |info| info as *const _)
    })
}

/// The token for the next page (see `e2b_snapshot_query_set_next_token`),
/// owned by the page; NULL on the last page.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_page_next_token(page: *const e2b_snapshot_page) -> *const c_char {
    guard_value(ptr::null(), || {
        page.as_ref().map_or(ptr::null(), |p| p.next_token.as_ref().map_or(ptr::null(), |t| t.as_ptr()))
    })
}

/// Every snapshot of `page` as plain data, in one call: an array of
/// `*len_out` pointers (`len_out` may be NULL), one per snapshot in the order
/// of `e2b_snapshot_page_get`. Owned by the page, valid until it is freed.
/// NULL (and 0) if the page is empty or `page` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_page_fields(
    page: *const e2b_snapshot_page,
    len_out: *mut usize,
) -> *const *const e2b_snapshot_fields {
    guard_value(ptr::null(), || fields_array(page.as_ref().map(|p| p.fields.as_slice()), len_out))
}

/// Releases `page` and the infos in it. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_snapshot_page_free(page: *mut e2b_snapshot_page) {
    free(page)
}

// ---- fork ----

/// New fork options with the API's defaults. Release with `e2b_fork_options_free`.
#[no_mangle]
pub extern "C" fn e2b_fork_options_new() -> *mut e2b_fork_options {
    guard_value(ptr::null_mut(), || boxed(e2b_fork_options { inner: ForkOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_fork_options_free(options: *mut e2b_fork_options) {
    free(options)
}

/// Sets how many forks to make, 1 to 20 (0: the API's default, 1).
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (more than 20).
#[no_mangle]
pub unsafe extern "C" fn e2b_fork_options_set_count(
    options: *mut e2b_fork_options,
    count: u32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = arg_mut(options, "options")?;
        if count > sdk::MAX_FORK_COUNT {
            return Err(e2b_error::new(
                e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
                format!("count must be between 1 and {}, not {count}", sdk::MAX_FORK_COUNT),
            ));
        }
        options.inner.count = (count > 0).then_some(count);
        Ok(())
    })
}

/// Sets how long each fork lives, in milliseconds rounded up to whole
/// seconds (0: the API's default, 15000). Errors: NULL_ARGUMENT;
/// INVALID_ARGUMENT (E2B_TIMEOUT_NONE: a sandbox needs a limit).
#[no_mangle]
pub unsafe extern "C" fn e2b_fork_options_set_timeout_ms(
    options: *mut e2b_fork_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = arg_mut(options, "options")?;
        let timeout = required_ms(timeout_ms, Duration::ZERO, "timeout_ms")?;
        options.inner.timeout = (!timeout.is_zero()).then_some(timeout);
        Ok(())
    })
}

fn fork_list(results: Vec<sdk::Result<Sandbox>>) -> *mut e2b_fork_list {
    let items = results.into_iter().map(|r| r.map(e2b_sandbox::new).map_err(e2b_error::from)).collect();
    boxed(e2b_fork_list { items })
}

/// Forks the running `sandbox` with `options` (NULL: the defaults): new
/// sandboxes start from its state of now, and it runs on, its id and end
/// unchanged. Each fork succeeds or fails on its own: `*out` has one entry
/// per fork asked for (`e2b_fork_list_get`, `e2b_fork_list_error`); release
/// it with `e2b_fork_list_free`. The request is not repeated once the server
/// may have acted on it. Errors of the whole call: NULL_ARGUMENT;
/// INVALID_ARGUMENT (a timeout the server refuses); SANDBOX_NOT_FOUND;
/// CONFLICT (the sandbox is paused); AUTHENTICATION; TIMEOUT, NETWORK, TLS;
/// API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_fork(
    sandbox: *const e2b_sandbox,
    options: *const e2b_fork_options,
    out: *mut *mut e2b_fork_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let default = ForkOptions::default();
        *out = fork_list(sandbox.fork(options.as_ref().map_or(&default, |o| &o.inner))?);
        Ok(())
    })
}

/// `e2b_sandbox_fork` of the sandbox `sandbox_id`, without connecting to it.
/// Errors: as `e2b_sandbox_fork`, and INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_fork_sandbox(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    options: *const e2b_fork_options,
    out: *mut *mut e2b_fork_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let sandbox_id = arg_str(sandbox_id, "sandbox_id")?;
        let default = ForkOptions::default();
        *out = fork_list(client.fork(sandbox_id, options.as_ref().map_or(&default, |o| &o.inner))?);
        Ok(())
    })
}

/// The number of forks asked for (each a sandbox or an error); 0 if `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_fork_list_len(list: *const e2b_fork_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Fork `index`'s sandbox, owned by the list (valid until it is freed); NULL
/// if that fork failed, was taken, is out of range, or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_fork_list_get(list: *const e2b_fork_list, index: usize) -> *const e2b_sandbox {
    guard_value(ptr::null(), || match list.as_ref().and_then(|l| l.items.get(index)) {
        Some(Ok(sandbox)) => sandbox.cast_const(),
        _ => ptr::null(),
    })
}

/// Takes fork `index`'s sandbox out of the list: the caller owns it and
/// releases it with `e2b_sandbox_free`; the list's entry becomes NULL (its
/// `e2b_fork_list_get` too). NULL if that fork failed, was taken, is out of
/// range, or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_fork_list_take(list: *mut e2b_fork_list, index: usize) -> *mut e2b_sandbox {
    guard_value(ptr::null_mut(), || match list.as_mut().and_then(|l| l.items.get_mut(index)) {
        Some(Ok(sandbox)) => std::mem::replace(sandbox, ptr::null_mut()),
        _ => ptr::null_mut(),
    })
}

/// The error fork `index` met, owned by the list (do not free it; read it
/// with `e2b_error_code_of`, `e2b_error_message`, `e2b_error_http_status`);
/// NULL if that fork succeeded, is out of range, or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_fork_list_error(list: *const e2b_fork_list, index: usize) -> *const e2b_error {
    guard_value(ptr::null(), || match list.as_ref().and_then(|l| l.items.get(index)) {
        Some(Err(error)) => error as *const e2b_error,
        _ => ptr::null(),
    })
}

/// Releases `list` and the sandbox handles still in it (the sandboxes run
/// on). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_fork_list_free(list: *mut e2b_fork_list) {
    free(list)
}

//! Sandbox options, the sandbox handle and its lifecycle, sandbox info and listing.

use std::ffi::{c_char, CString};
use std::ptr;

use super::bytes::e2b_bytes;
use super::cancel::{cancel_arg, e2b_cancel};
use super::client::{call_deadline, client_view, e2b_client};
use super::{
    arg_mut, arg_opt_str, arg_ref, arg_str, boxed, c_ptr, c_string, e2b_error, e2b_error_code, e2b_pair, fields_array,
    free, guard, guard_value, out_ptr, pairs, pairs_ptr, required_ms, set_opt,
};
use sdk::DEFAULT_SANDBOX_TIMEOUT;
use sdk::{Lifecycle, OnResume, OnTimeout, PauseMode, PauseOptions, SandboxNetworkInfo};
use sdk::{ListOrder, ListQuery, Sandbox, SandboxInfo, SandboxOptions, SandboxPage, SandboxState};

/// How to create a sandbox: a builder. New options mean the `base` template
/// for 300 seconds, secure, killed at the timeout.
pub struct e2b_sandbox_options {
    pub(crate) inner: SandboxOptions,
}

/// A sandbox handle. Thread-safe: any number of threads may use one handle
/// at once. Freeing it releases only the handle: the sandbox lives on until
/// `e2b_sandbox_kill` or its timeout.
pub struct e2b_sandbox {
    pub(crate) inner: Sandbox,
    id: CString,
    template_id: CString,
    envd_version: CString,
    traffic_access_token: Option<CString>,
}

/// Whether a sandbox runs or is paused.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_sandbox_state {
    /// A state newer than this library (such as a transition: pausing,
    /// snapshotting, ...). Only ever received, never a query's state.
    E2B_SANDBOX_UNKNOWN = 0,
    E2B_SANDBOX_RUNNING = 1,
    E2B_SANDBOX_PAUSED = 2,
}

impl From<SandboxState> for e2b_sandbox_state {
    fn from(state: SandboxState) -> e2b_sandbox_state {
        match state {
            SandboxState::Running => e2b_sandbox_state::E2B_SANDBOX_RUNNING,
            SandboxState::Paused => e2b_sandbox_state::E2B_SANDBOX_PAUSED,
            _ => e2b_sandbox_state::E2B_SANDBOX_UNKNOWN,
        }
    }
}

/// The order of `e2b_client_list_sandboxes`: by the time the sandboxes
/// started, ties broken by id.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_list_order {
    /// Newest first (the default).
    E2B_LIST_ORDER_DESC = 0,
    /// Oldest first.
    E2B_LIST_ORDER_ASC = 1,
}

/// What happens when a sandbox's timeout passes (`e2b_sandbox_options_set_on_timeout`,
/// `e2b_sandbox_info_on_timeout`; the SDKs' `lifecycle.on_timeout`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_on_timeout {
    /// Not set: the server's default (kill); from an info, the server did not say.
    E2B_ON_TIMEOUT_DEFAULT = 0,
    /// The sandbox is killed.
    E2B_ON_TIMEOUT_KILL = 1,
    /// The sandbox is paused, keeping its id.
    E2B_ON_TIMEOUT_PAUSE = 2,
}

/// What a pause keeps (the SDKs' `mode`; `e2b_sandbox_pause_with`,
/// `e2b_sandbox_options_set_on_timeout`, `e2b_sandbox_info_pause_mode`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_pause_mode {
    /// Not set: the server's default (full); from an info, not paused or not said.
    E2B_PAUSE_MODE_DEFAULT = 0,
    /// Files and memory: the processes go on where they were when resumed.
    E2B_PAUSE_MODE_FULL = 1,
    /// Files only: the processes end, and the sandbox boots afresh from its files when resumed.
    E2B_PAUSE_MODE_FILESYSTEM = 2,
}

/// How a paused sandbox comes back on connect (the SDKs' `on_resume`;
/// `e2b_client_connect_sandbox_with`, `e2b_sandbox_connect`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_on_resume {
    /// From its memory, where it was (the default).
    E2B_ON_RESUME_RESTORE = 0,
    /// Booted afresh from its files, its memory image ignored: the way back for
    /// a sandbox paused while envd did not answer.
    E2B_ON_RESUME_REBOOT = 1,
}

/// A sandbox's network settings as plain data (`e2b_sandbox_info_network`;
/// the SDKs' `SandboxInfo.network`). The proxy's password and CA certificate
/// are never returned by the API. Owned by the info; the strings are UTF-8,
/// valid until it is freed. Grows only at its end, like `e2b_sandbox_fields`.
#[repr(C)]
pub struct e2b_sandbox_network_fields {
    /// The size of this struct in the library.
    pub struct_size: usize,
    /// Outbound destinations allowed (CIDRs, IPs, domains); NULL when none.
    pub allow_out: *const *const c_char,
    /// The number of `allow_out` entries.
    pub allow_out_len: usize,
    /// Outbound destinations denied (CIDRs, IPs); NULL when none.
    pub deny_out: *const *const c_char,
    /// The number of `deny_out` entries.
    pub deny_out_len: usize,
    /// The name servers reachable when `allow_out` names a domain; NULL when none.
    pub dns_servers: *const *const c_char,
    /// The number of `dns_servers` entries.
    pub dns_servers_len: usize,
    /// Whether the server gave `dns_servers` (false: its default, 8.8.8.8).
    pub dns_servers_set: bool,
    /// The per-host rules as a JSON object (`{"host": [rule, ...]}`), "{}" when none.
    pub rules_json: *const c_char,
    /// The egress proxy's `host:port`; NULL when there is no egress proxy.
    pub egress_proxy_address: *const c_char,
    /// The egress proxy's user name; NULL when none.
    pub egress_proxy_username: *const c_char,
    /// Whether the tunnel to the egress proxy is TLS.
    pub egress_proxy_tls: bool,
    /// The TLS server name checked; NULL when none.
    pub egress_proxy_tls_server_name: *const c_char,
    /// Whether ports other than envd's are public: 1, 0, or -1 for the project's default.
    pub allow_public_traffic: i32,
    /// The `Host` header written into proxied requests; NULL when none.
    pub mask_request_host: *const c_char,
    /// Ports whose service speaks TLS; NULL when none.
    pub https_ports: *const u16,
    /// The number of `https_ports`.
    pub https_ports_len: usize,
}

/// The C form of [`SandboxNetworkInfo`], owning what its fields point to.
pub(crate) struct NetworkFields {
    _strings: Vec<CString>,
    _lists: [Vec<*const c_char>; 3],
    _ports: Vec<u16>,
    fields: e2b_sandbox_network_fields,
}

impl NetworkFields {
    fn new(network: &SandboxNetworkInfo) -> Box<NetworkFields> {
        fn list(items: &[String], strings: &mut Vec<CString>) -> Vec<*const c_char> {
            // A `CString`'s bytes stay put when the vector of them grows.
            items
                .iter()
                .map(|item| {
                    strings.push(c_string(item));
                    strings.last().expect("just pushed").as_ptr()
                })
                .collect()
        }
        fn opt(text: Option<&str>, strings: &mut Vec<CString>) -> *const c_char {
            text.map_or(ptr::null(), |text| {
                strings.push(c_string(text));
                strings.last().expect("just pushed").as_ptr()
            })
        }
        fn first<T>(items: &[T]) -> *const T {
            if items.is_empty() {
                ptr::null()
            } else {
                items.as_ptr()
            }
        }
        let mut strings = Vec::new();
        let lists = [
            list(&network.allow_out, &mut strings),
            list(&network.deny_out, &mut strings),
            list(network.dns_servers.as_deref().unwrap_or_default(), &mut strings),
        ];
        let rules = serde_json::to_string(&network.rules).unwrap_or_else(|_| "{}".to_owned());
        let rules_json = opt(Some(&rules), &mut strings);
        let proxy = network.egress_proxy.as_ref();
        let egress_proxy_address = opt(proxy.map(|p| p.address.as_str()), &mut strings);
        let egress_proxy_username = opt(proxy.and_then(|p| p.username.as_deref()), &mut strings);
        let egress_proxy_tls_server_name = opt(proxy.and_then(|p| p.tls_server_name.as_deref()), &mut strings);
        let mask_request_host = opt(network.mask_request_host.as_deref(), &mut strings);
        let ports = network.https_ports.clone();
        let fields = e2b_sandbox_network_fields {
            struct_size: size_of::<e2b_sandbox_network_fields>(),
            allow_out: first(&lists[0]),
            allow_out_len: lists[0].len(),
            deny_out: first(&lists[1]),
            deny_out_len: lists[1].len(),
            dns_servers: first(&lists[2]),
            dns_servers_len: lists[2].len(),
            dns_servers_set: network.dns_servers.is_some(),
            rules_json,
            egress_proxy_address,
            egress_proxy_username,
            egress_proxy_tls: proxy.is_some_and(|p| p.tls),
            egress_proxy_tls_server_name,
            allow_public_traffic: tristate(network.allow_public_traffic),
            mask_request_host,
            https_ports: first(&ports),
            https_ports_len: ports.len(),
        };
        // The vectors' heap buffers do not move when they are moved into the box.
        Box::new(NetworkFields { _strings: strings, _lists: lists, _ports: ports, fields })
    }
}

/// 1, 0, or -1 for "not set".
fn tristate(value: Option<bool>) -> i32 {
    value.map_or(-1, i32::from)
}

fn pause_mode_of(mode: Option<PauseMode>) -> e2b_pause_mode {
    match mode {
        Some(PauseMode::Full) => e2b_pause_mode::E2B_PAUSE_MODE_FULL,
        Some(PauseMode::Filesystem) => e2b_pause_mode::E2B_PAUSE_MODE_FILESYSTEM,
        _ => e2b_pause_mode::E2B_PAUSE_MODE_DEFAULT,
    }
}

/// `mode` (an `e2b_pause_mode`) as the client's; DEFAULT is `None`.
fn pause_mode_arg(mode: i32) -> Result<Option<PauseMode>, e2b_error> {
    match mode {
        0 => Ok(None),
        1 => Ok(Some(PauseMode::Full)),
        2 => Ok(Some(PauseMode::Filesystem)),
        _ => Err(e2b_error::new(e2b_error_code::E2B_ERR_INVALID_ARGUMENT, format!("{mode} is not an e2b_pause_mode"))),
    }
}

/// `on_resume` (an `e2b_on_resume`) as the client's.
fn on_resume_arg(on_resume: i32) -> Result<OnResume, e2b_error> {
    match on_resume {
        0 => Ok(OnResume::Restore),
        1 => Ok(OnResume::Reboot),
        _ => Err(e2b_error::new(
            e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
            format!("{on_resume} is not an e2b_on_resume"),
        )),
    }
}

/// What the control plane knows of one sandbox. Every string getter returns
/// UTF-8 owned by the info, valid until it is freed.
pub struct e2b_sandbox_info {
    inner: SandboxInfo,
    sandbox_id: CString,
    template_id: CString,
    alias: Option<CString>,
    started_at: CString,
    end_at: CString,
    envd_version: CString,
    metadata: Vec<(CString, CString)>,
    /// The volume mounts, (path, volume name), sorted by path.
    pub(crate) volume_mounts: Vec<(CString, CString)>,
    /// `metadata` as `fields` points to it.
    pairs: Vec<e2b_pair>,
    domain: Option<CString>,
    /// The network settings, when the server gave them.
    network: Option<Box<NetworkFields>>,
    /// Every field at once, pointing into the strings above.
    fields: e2b_sandbox_fields,
}

/// Every field of a sandbox info as plain data, in one read: what the
/// `e2b_sandbox_info_*` getters return, from `e2b_sandbox_info_fields` or,
/// for a whole page, `e2b_sandbox_page_fields`. Owned by the info (or page);
/// the strings are UTF-8, valid until it is freed.
///
/// The struct only ever grows, at its end. `struct_size` is its size in the
/// library that filled it: a program built against a newer header reads a
/// field only if `struct_size >= offsetof(e2b_sandbox_fields, field) +
/// sizeof(field)`; one built against an older header reads what it knows.
#[repr(C)]
pub struct e2b_sandbox_fields {
    /// The size of this struct in the library (see above).
    pub struct_size: usize,
    /// As `e2b_sandbox_info_id`.
    pub sandbox_id: *const c_char,
    /// As `e2b_sandbox_info_template_id`.
    pub template_id: *const c_char,
    /// As `e2b_sandbox_info_alias` (NULL if none).
    pub alias: *const c_char,
    /// As `e2b_sandbox_info_started_at`.
    pub started_at: *const c_char,
    /// As `e2b_sandbox_info_end_at`.
    pub end_at: *const c_char,
    /// As `e2b_sandbox_info_envd_version`.
    pub envd_version: *const c_char,
    /// As `e2b_sandbox_info_state`.
    pub state: e2b_sandbox_state,
    /// As `e2b_sandbox_info_cpu_count`.
    pub cpu_count: u32,
    /// As `e2b_sandbox_info_memory_mb`.
    pub memory_mb: u32,
    /// As `e2b_sandbox_info_disk_size_mb`.
    pub disk_size_mb: u32,
    /// The metadata entries, sorted by key; NULL when there are none.
    pub metadata: *const e2b_pair,
    /// The number of metadata entries.
    pub metadata_len: usize,
    /// As `e2b_sandbox_info_on_timeout`.
    pub on_timeout: e2b_on_timeout,
    /// As `e2b_sandbox_info_auto_resume`.
    pub auto_resume: bool,
    /// As `e2b_sandbox_info_pause_mode`.
    pub pause_mode: e2b_pause_mode,
    /// As `e2b_sandbox_info_envd_unresponsive_at_pause`.
    pub envd_unresponsive_at_pause: bool,
    /// As `e2b_sandbox_info_allow_internet_access`: 1, 0, or -1 for not set.
    pub allow_internet_access: i32,
    /// As `e2b_sandbox_info_domain` (NULL if the server did not say).
    pub domain: *const c_char,
    /// As `e2b_sandbox_info_network` (NULL if the server gave none).
    pub network: *const e2b_sandbox_network_fields,
}

/// Which sandboxes `e2b_client_list_sandboxes` returns: a builder. New, it matches
/// every running and paused sandbox.
pub struct e2b_sandbox_query {
    inner: ListQuery,
}

/// One page of sandboxes from `e2b_client_list_sandboxes`.
pub struct e2b_sandbox_page {
    items: Vec<e2b_sandbox_info>,
    next_token: Option<CString>,
    total_running: Option<u64>,
    /// Each item's `fields`, for `e2b_sandbox_page_fields`.
    fields: Vec<*const e2b_sandbox_fields>,
}

impl e2b_sandbox {
    /// Hands out `sandbox`; a cancel token it was made through applies to that call only.
    pub(crate) fn new(sandbox: Sandbox) -> *mut e2b_sandbox {
        let sandbox = sandbox.with_cancel_token(None);
        boxed(e2b_sandbox {
            id: c_string(sandbox.id()),
            template_id: c_string(sandbox.template_id()),
            envd_version: c_string(sandbox.envd_version()),
            traffic_access_token: sandbox.traffic_access_token().map(c_string),
            inner: sandbox,
        })
    }
}

impl e2b_sandbox_info {
    fn new(info: SandboxInfo) -> e2b_sandbox_info {
        let metadata: Vec<_> = info.metadata.iter().map(|(k, v)| (c_string(k), c_string(v))).collect();
        let mut out = e2b_sandbox_info {
            sandbox_id: c_string(&info.sandbox_id),
            template_id: c_string(&info.template_id),
            alias: info.alias.as_deref().map(c_string),
            started_at: c_string(&info.started_at),
            end_at: c_string(&info.end_at),
            envd_version: c_string(&info.envd_version),
            pairs: pairs(&metadata),
            metadata,
            volume_mounts: super::volume::mounts_of(&info),
            fields: e2b_sandbox_fields {
                struct_size: size_of::<e2b_sandbox_fields>(),
                sandbox_id: ptr::null(),
                template_id: ptr::null(),
                alias: ptr::null(),
                started_at: ptr::null(),
                end_at: ptr::null(),
                envd_version: ptr::null(),
                state: info.state.into(),
                cpu_count: info.cpu_count,
                memory_mb: info.memory_mb,
                disk_size_mb: info.disk_size_mb,
                metadata: ptr::null(),
                metadata_len: 0,
                on_timeout: match info.lifecycle.as_ref().map(|l| l.on_timeout.as_str()) {
                    Some("kill") => e2b_on_timeout::E2B_ON_TIMEOUT_KILL,
                    Some("pause") => e2b_on_timeout::E2B_ON_TIMEOUT_PAUSE,
                    _ => e2b_on_timeout::E2B_ON_TIMEOUT_DEFAULT,
                },
                auto_resume: info.lifecycle.as_ref().is_some_and(|l| l.auto_resume),
                pause_mode: pause_mode_of(info.pause_mode),
                envd_unresponsive_at_pause: info.envd_unresponsive_at_pause,
                allow_internet_access: tristate(info.allow_internet_access),
                domain: ptr::null(),
                network: ptr::null(),
            },
            domain: info.domain.as_deref().map(c_string),
            network: info.network.as_ref().map(NetworkFields::new),
            inner: info,
        };
        // The strings' bytes and the pairs stay put when `out` moves: they
        // are on the heap, and never changed.
        out.fields.sandbox_id = out.sandbox_id.as_ptr();
        out.fields.template_id = out.template_id.as_ptr();
        out.fields.alias = c_ptr(out.alias.as_ref());
        out.fields.started_at = out.started_at.as_ptr();
        out.fields.end_at = out.end_at.as_ptr();
        out.fields.envd_version = out.envd_version.as_ptr();
        out.fields.metadata = pairs_ptr(&out.pairs);
        out.fields.metadata_len = out.pairs.len();
        out.fields.domain = c_ptr(out.domain.as_ref());
        out.fields.network = out.network.as_ref().map_or(ptr::null(), |n| &n.fields as *const _);
        out
    }
}

impl e2b_sandbox_page {
    fn new(page: SandboxPage) -> e2b_sandbox_page {
        let items: Vec<e2b_sandbox_info> = page.sandboxes.into_iter().map(e2b_sandbox_info::new).collect();
        // The items stay where they are from now on: the vector is never changed.
        let fields = items.iter().map(|item| &item.fields as *const e2b_sandbox_fields).collect();
        let next_token = page.next_token.as_deref().map(c_string);
        e2b_sandbox_page { items, next_token, total_running: page.total_running, fields }
    }
}

pub(crate) unsafe fn sandbox_arg<'a>(sandbox: *const e2b_sandbox) -> Result<&'a Sandbox, e2b_error> {
    arg_ref(sandbox, "sandbox").map(|s| &s.inner)
}

/// The sandbox behind `sandbox`, cancelled by `cancel` (NULL: not cancellable).
pub(crate) unsafe fn sandbox_view(
    sandbox: *const e2b_sandbox,
    cancel: *const e2b_cancel,
) -> Result<Sandbox, e2b_error> {
    Ok(sandbox_arg(sandbox)?.with_cancel_token(cancel_arg(cancel).as_ref()))
}

// ---- options ----

/// New sandbox options with the defaults. Release with `e2b_sandbox_options_free`.
#[no_mangle]
pub extern "C" fn e2b_sandbox_options_new() -> *mut e2b_sandbox_options {
    guard_value(ptr::null_mut(), || boxed(e2b_sandbox_options { inner: SandboxOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_free(options: *mut e2b_sandbox_options) {
    free(options)
}

/// Runs `apply` on the options behind `options`.
unsafe fn update(
    options: *mut e2b_sandbox_options,
    err_out: *mut *mut e2b_error,
    apply: impl FnOnce(&mut SandboxOptions) -> Result<(), e2b_error>,
) -> e2b_error_code {
    guard(err_out, || apply(&mut arg_mut(options, "options")?.inner))
}

/// Sets the template, by name or id (default "base"); a snapshot's id
/// (`e2b_snapshot_info_id`) or name starts the sandbox from that snapshot.
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_template(
    options: *mut e2b_sandbox_options,
    template_name: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.template = arg_str(template_name, "template_name")?.to_owned();
        Ok(())
    })
}

/// Sets how long the sandbox lives, in milliseconds (0: the default,
/// 300000), rounded up to whole seconds. At the end it is killed, or paused
/// with `e2b_sandbox_options_set_auto_pause`. Errors: NULL_ARGUMENT;
/// INVALID_ARGUMENT (E2B_TIMEOUT_NONE: E2B requires a limit).
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_timeout_ms(
    options: *mut e2b_sandbox_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.timeout = required_ms(timeout_ms, DEFAULT_SANDBOX_TIMEOUT, "timeout_ms")?;
        Ok(())
    })
}

/// Adds (or replaces) one metadata entry. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_metadata(
    options: *mut e2b_sandbox_options,
    key: *const c_char,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let key = arg_str(key, "key")?;
        let value = arg_str(value, "value")?;
        o.metadata.insert(key.to_owned(), value.to_owned());
        Ok(())
    })
}

/// Adds (or replaces) one environment variable for everything run in the
/// sandbox. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_env(
    options: *mut e2b_sandbox_options,
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

/// Whether envd requires the sandbox's access token (default true).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_secure(
    options: *mut e2b_sandbox_options,
    secure: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.secure = secure;
        Ok(())
    })
}

/// Whether the sandbox may reach the internet (default: the server's, yes).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_allow_internet_access(
    options: *mut e2b_sandbox_options,
    allow: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.allow_internet_access = Some(allow);
        Ok(())
    })
}

/// Pause instead of kill when the timeout passes (default false): a
/// shorthand for `e2b_sandbox_options_set_on_timeout(options,
/// E2B_ON_TIMEOUT_PAUSE, E2B_PAUSE_MODE_DEFAULT, ...)` (false: not set).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_auto_pause(
    options: *mut e2b_sandbox_options,
    auto_pause: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        *o = o.clone().auto_pause(auto_pause);
        Ok(())
    })
}

/// Let traffic to the paused sandbox resume it (needs auto-pause).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_auto_resume(
    options: *mut e2b_sandbox_options,
    auto_resume: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        *o = o.clone().auto_resume(auto_resume);
        Ok(())
    })
}

/// Sets what happens when the timeout passes (the SDKs'
/// `lifecycle={"on_timeout": ...}`): `on_timeout` is an `e2b_on_timeout`,
/// `pause_mode` an `e2b_pause_mode`, only with E2B_ON_TIMEOUT_PAUSE (DEFAULT
/// leaves it to the server: full). Auto-resume
/// (`e2b_sandbox_options_set_auto_resume`) needs a pause, with the full mode:
/// the create then fails with INVALID_ARGUMENT before any request.
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not an `e2b_on_timeout` or
/// `e2b_pause_mode`, or a mode without E2B_ON_TIMEOUT_PAUSE).
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_on_timeout(
    options: *mut e2b_sandbox_options,
    on_timeout: i32,
    pause_mode: i32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let mode = pause_mode_arg(pause_mode)?;
        let invalid = |message: String| e2b_error::new(e2b_error_code::E2B_ERR_INVALID_ARGUMENT, message);
        let on_timeout = match on_timeout {
            0 | 1 if mode.is_some() => {
                return Err(invalid("a pause mode needs on_timeout E2B_ON_TIMEOUT_PAUSE".to_owned()))
            }
            0 => None,
            1 => Some(OnTimeout::Kill),
            2 => Some(OnTimeout::Pause { mode }),
            _ => return Err(invalid(format!("{on_timeout} is not an e2b_on_timeout"))),
        };
        let mut lifecycle = Lifecycle::default();
        lifecycle.on_timeout = on_timeout;
        lifecycle.auto_resume = o.lifecycle.map_or(o.auto_resume, |l| l.auto_resume);
        o.lifecycle = Some(lifecycle);
        o.auto_pause = matches!(on_timeout, Some(OnTimeout::Pause { .. }));
        Ok(())
    })
}

/// Sets the key that makes the create safe to retry: the server answers a
/// repeated key with the sandbox it made the first time (default: a random
/// key per call). 1 to 255 characters of a-z, 0-9 and '-'. Secure sandboxes
/// only: creating an insecure one with a key fails with INVALID_ARGUMENT.
/// Errors: NULL_ARGUMENT, INVALID_UTF8, INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_idempotency_key(
    options: *mut e2b_sandbox_options,
    key: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let key = arg_str(key, "key")?;
        sdk::capi::check_idempotency_key(key)?;
        o.idempotency_key = Some(key.to_owned());
        Ok(())
    })
}

// ---- lifecycle ----

/// Creates a sandbox with `options` (NULL: the defaults). On success `*out`
/// holds the handle; release it with `e2b_sandbox_free`. A create cancelled
/// after its request reached the server may have made the sandbox (it ends
/// at its timeout; an idempotency key finds it again).
/// Errors: NULL_ARGUMENT; AUTHENTICATION (no or wrong API key); NOT_FOUND
/// (unknown template); INVALID_ARGUMENT (bad timeout or key); RATE_LIMITED;
/// TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_create_sandbox(
    client: *const e2b_client,
    options: *const e2b_sandbox_options,
    out: *mut *mut e2b_sandbox,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let default = SandboxOptions::default();
        let options = options.as_ref().map_or(&default, |o| &o.inner);
        *out = e2b_sandbox::new(client.create_sandbox(options)?);
        Ok(())
    })
}

/// Connects to the sandbox `sandbox_id`, resuming it if it is paused, and
/// keeps it alive at least `timeout_ms` from now, rounded up to whole
/// seconds (0: 300000, the SDKs' default; a running sandbox's timeout is
/// only ever extended). `*resumed_out` (optional) tells whether it was
/// paused. Release `*out` with `e2b_sandbox_free`.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (E2B_TIMEOUT_NONE);
/// SANDBOX_NOT_FOUND (killed, expired, unknown); AUTHENTICATION; TIMEOUT,
/// NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_connect_sandbox(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut e2b_sandbox,
    resumed_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        set_opt(resumed_out, false);
        let client = client_view(client, cancel)?;
        let sandbox_id = arg_str(sandbox_id, "sandbox_id")?;
        let timeout = required_ms(timeout_ms, DEFAULT_SANDBOX_TIMEOUT, "timeout_ms")?;
        let (sandbox, resumed) = client.connect_reporting(sandbox_id, timeout)?;
        *out = e2b_sandbox::new(sandbox);
        set_opt(resumed_out, resumed);
        Ok(())
    })
}

/// Resumes the paused sandbox `sandbox_id` for `timeout_ms` (0: 300000):
/// the same as `e2b_client_connect_sandbox`, under the name E2B's
/// documentation uses. Release `*out` with `e2b_sandbox_free`.
/// Errors: as `e2b_client_connect_sandbox`.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_resume_sandbox(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut e2b_sandbox,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    e2b_client_connect_sandbox(client, sandbox_id, timeout_ms, out, ptr::null_mut(), cancel, err_out)
}

/// A view of `sandbox` whose every blocking call ends within `deadline_ms`
/// milliseconds of its start, transfers and streams included, and with them
/// the commands, watches and readers the call hands out: a call still running
/// then fails with E2B_ERR_TIMEOUT ("the call's deadline passed"). 0 and
/// E2B_TIMEOUT_NONE mean no call deadline (the default), also when `sandbox`
/// has one. `*out` is an
/// independent handle on the same sandbox, sharing the connections; release
/// each with `e2b_sandbox_free`, in any order. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_with_deadline(
    sandbox: *const e2b_sandbox,
    deadline_ms: u64,
    out: *mut *mut e2b_sandbox,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_arg(sandbox)?;
        *out = e2b_sandbox::new(sandbox.with_call_deadline(call_deadline(deadline_ms)));
        Ok(())
    })
}

/// Releases the handle `sandbox` (the sandbox itself keeps running). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_free(sandbox: *mut e2b_sandbox) {
    free(sandbox)
}

/// The sandbox's id, owned by the handle. NULL if `sandbox` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_id(sandbox: *const e2b_sandbox) -> *const c_char {
    guard_value(ptr::null(), || sandbox.as_ref().map_or(ptr::null(), |s| s.id.as_ptr()))
}

/// The id of the sandbox's template, owned by the handle. NULL if `sandbox` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_template_id(sandbox: *const e2b_sandbox) -> *const c_char {
    guard_value(ptr::null(), || sandbox.as_ref().map_or(ptr::null(), |s| s.template_id.as_ptr()))
}

/// The version of envd in the sandbox, owned by the handle. NULL if `sandbox` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_envd_version(sandbox: *const e2b_sandbox) -> *const c_char {
    guard_value(ptr::null(), || sandbox.as_ref().map_or(ptr::null(), |s| s.envd_version.as_ptr()))
}

/// The token the sandbox's ports (all but envd's) require in the header
/// `e2b-traffic-access-token`, owned by the handle: a sandbox created with
/// public traffic off (`e2b_network_options_set_allow_public_traffic`) has
/// one. NULL when it has none, or if `sandbox` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_traffic_access_token(sandbox: *const e2b_sandbox) -> *const c_char {
    guard_value(ptr::null(), || sandbox.as_ref().map_or(ptr::null(), |s| c_ptr(s.traffic_access_token.as_ref())))
}

/// The public host name of `port` in the sandbox (`<port>-<id>.<domain>`,
/// `localhost:<port>` in debug mode), into `*out` as text; dispose of it
/// with `e2b_bytes_dispose`. `https://` plus it reaches a server the
/// sandbox runs on that port. Made locally, without I/O. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_get_host(
    sandbox: *const e2b_sandbox,
    port: u16,
    out: *mut e2b_bytes,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = arg_mut(out, "out")?;
        *out = e2b_bytes::EMPTY;
        let sandbox = arg_ref(sandbox, "sandbox")?;
        *out = e2b_bytes::from_vec(sandbox.inner.get_host(port).into_bytes());
        Ok(())
    })
}

/// Kills the sandbox. `*killed_out` (optional) is false if it no longer
/// existed, which is not an error. Errors: NULL_ARGUMENT; AUTHENTICATION;
/// TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_kill(
    sandbox: *const e2b_sandbox,
    killed_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(killed_out, false);
        let killed = sandbox_view(sandbox, cancel)?.kill()?;
        set_opt(killed_out, killed);
        Ok(())
    })
}

/// Kills the sandbox `sandbox_id` without connecting to it (which would
/// resume it). `*killed_out` (optional) is false if it no longer existed.
/// Errors: as `e2b_sandbox_kill`, and INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_kill_sandbox(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    killed_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(killed_out, false);
        let client = client_view(client, cancel)?;
        let killed = client.kill(arg_str(sandbox_id, "sandbox_id")?)?;
        set_opt(killed_out, killed);
        Ok(())
    })
}

/// Pauses the sandbox, keeping its filesystem and memory; resume it with
/// `e2b_client_resume_sandbox`. `*paused_out` (optional) is true if it was
/// running and is now paused, false if it was already paused (not an error).
/// Errors: NULL_ARGUMENT; SANDBOX_NOT_FOUND; AUTHENTICATION; TIMEOUT,
/// NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_pause(
    sandbox: *const e2b_sandbox,
    paused_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(paused_out, false);
        let paused = sandbox_view(sandbox, cancel)?.pause()?;
        set_opt(paused_out, paused);
        Ok(())
    })
}

/// Pauses the sandbox as `e2b_sandbox_pause` does, with options (the SDKs'
/// `pause(mode=..., strict=...)`): `mode` is an `e2b_pause_mode`
/// (FILESYSTEM keeps only the files; DEFAULT: the server's, full); `strict`
/// refuses to pause a sandbox whose envd does not answer. Such a refusal,
/// and a FILESYSTEM pause of a sandbox whose envd does not answer, fail with
/// E2B_ERR_API and HTTP status 503 (`e2b_error_http_status`; the SDKs'
/// ServiceBusyException), the sandbox left running; a pause that went ahead
/// anyway shows in `e2b_sandbox_info_envd_unresponsive_at_pause`.
/// `*paused_out` (optional) is false if it was already paused.
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not an `e2b_pause_mode`);
/// SANDBOX_NOT_FOUND; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_pause_with(
    sandbox: *const e2b_sandbox,
    mode: i32,
    strict: bool,
    paused_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(paused_out, false);
        let options = PauseOptions::default().strict(strict);
        let options = match pause_mode_arg(mode)? {
            Some(mode) => options.mode(mode),
            None => options,
        };
        let paused = sandbox_view(sandbox, cancel)?.pause_with(&options)?;
        set_opt(paused_out, paused);
        Ok(())
    })
}

/// Pauses the sandbox `sandbox_id` without a handle (the SDKs' class form
/// `Sandbox.pause(id, ...)`), as `e2b_sandbox_pause_with` does.
/// Errors: as `e2b_sandbox_pause_with`, and INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_pause_sandbox(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    mode: i32,
    strict: bool,
    paused_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(paused_out, false);
        let client = client_view(client, cancel)?;
        let sandbox_id = arg_str(sandbox_id, "sandbox_id")?;
        let options = PauseOptions::default().strict(strict);
        let options = match pause_mode_arg(mode)? {
            Some(mode) => options.mode(mode),
            None => options,
        };
        set_opt(paused_out, client.pause_with(sandbox_id, &options)?);
        Ok(())
    })
}

/// `e2b_client_connect_sandbox`, saying how a paused sandbox comes back
/// (the SDKs' `Sandbox.connect(id, timeout, on_resume=...)`): `on_resume` is
/// an `e2b_on_resume`; E2B_ON_RESUME_REBOOT boots it afresh from its files
/// (a running sandbox is not affected). Resuming from memory a sandbox
/// paused while envd did not answer fails with CONFLICT (409,
/// `sandbox_snapshot_guest_agent_unresponsive`): reboot it.
/// Errors: as `e2b_client_connect_sandbox`, and INVALID_ARGUMENT (not an
/// `e2b_on_resume`); CONFLICT.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_connect_sandbox_with(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    timeout_ms: u64,
    on_resume: i32,
    out: *mut *mut e2b_sandbox,
    resumed_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        set_opt(resumed_out, false);
        let client = client_view(client, cancel)?;
        let sandbox_id = arg_str(sandbox_id, "sandbox_id")?;
        let timeout = required_ms(timeout_ms, DEFAULT_SANDBOX_TIMEOUT, "timeout_ms")?;
        let (sandbox, resumed) = client.connect_reporting_with(sandbox_id, timeout, on_resume_arg(on_resume)?)?;
        *out = e2b_sandbox::new(sandbox);
        set_opt(resumed_out, resumed);
        Ok(())
    })
}

/// Connects to this sandbox again (the SDKs' instance form `sbx.connect(timeout,
/// on_resume=...)`): resumes it as `on_resume` (an `e2b_on_resume`) says if it is
/// paused, and keeps it alive at least `timeout_ms` from now (0: 300000). The
/// handle stays valid and keeps its tokens. Errors: NULL_ARGUMENT;
/// INVALID_ARGUMENT; SANDBOX_NOT_FOUND; CONFLICT; AUTHENTICATION; TIMEOUT,
/// NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_connect(
    sandbox: *const e2b_sandbox,
    timeout_ms: u64,
    on_resume: i32,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let timeout = required_ms(timeout_ms, DEFAULT_SANDBOX_TIMEOUT, "timeout_ms")?;
        sandbox_view(sandbox, cancel)?.connect_with(timeout, on_resume_arg(on_resume)?)?;
        Ok(())
    })
}

/// Sets the sandbox to end `timeout_ms` from now, rounded up to whole
/// seconds (0: the default, 300000). This can shorten its life.
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (E2B_TIMEOUT_NONE: E2B requires
/// a limit); SANDBOX_NOT_FOUND; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API;
/// CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_set_timeout(
    sandbox: *const e2b_sandbox,
    timeout_ms: u64,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let timeout = required_ms(timeout_ms, DEFAULT_SANDBOX_TIMEOUT, "timeout_ms")?;
        Ok(sandbox_view(sandbox, cancel)?.set_timeout(timeout)?)
    })
}

/// Whether the sandbox answers (`*running_out`): false when it is paused,
/// killed or expired. Errors: NULL_ARGUMENT; TIMEOUT, NETWORK, TLS; API;
/// CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_is_running(
    sandbox: *const e2b_sandbox,
    running_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let running_out = arg_mut(running_out, "running_out")?;
        *running_out = false;
        *running_out = sandbox_view(sandbox, cancel)?.is_running()?;
        Ok(())
    })
}

/// What the control plane knows of the sandbox. Release `*out` with
/// `e2b_sandbox_info_free`. Errors: NULL_ARGUMENT; SANDBOX_NOT_FOUND;
/// AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_get_info(
    sandbox: *const e2b_sandbox,
    out: *mut *mut e2b_sandbox_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let info = sandbox_view(sandbox, cancel)?.get_info()?;
        *out = boxed(e2b_sandbox_info::new(info));
        Ok(())
    })
}

/// What the control plane knows of the sandbox `sandbox_id`, without
/// connecting to it. Release `*out` with `e2b_sandbox_info_free`.
/// Errors: as `e2b_sandbox_get_info`, and INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_get_sandbox_info(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    out: *mut *mut e2b_sandbox_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let info = client.get_info(arg_str(sandbox_id, "sandbox_id")?)?;
        *out = boxed(e2b_sandbox_info::new(info));
        Ok(())
    })
}

// ---- info ----

/// Releases `info`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_free(info: *mut e2b_sandbox_info) {
    free(info)
}

/// Reads a string field of `info`; NULL if `info` is NULL.
unsafe fn info_str(
    info: *const e2b_sandbox_info,
    field: impl FnOnce(&e2b_sandbox_info) -> *const c_char,
) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), field))
}

/// Every field of `info` as plain data, in one call (see
/// `e2b_sandbox_fields`). Owned by the info, valid until it is freed (or,
/// for an info of a page, until the page is). NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_fields(info: *const e2b_sandbox_info) -> *const e2b_sandbox_fields {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| &i.fields as *const _))
}

/// The sandbox's id. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_id(info: *const e2b_sandbox_info) -> *const c_char {
    info_str(info, |i| i.sandbox_id.as_ptr())
}

/// The id of the sandbox's template. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_template_id(info: *const e2b_sandbox_info) -> *const c_char {
    info_str(info, |i| i.template_id.as_ptr())
}

/// The template's alias (the official SDKs call it `name`); NULL if it has none.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_alias(info: *const e2b_sandbox_info) -> *const c_char {
    info_str(info, |i| c_ptr(i.alias.as_ref()))
}

/// When the sandbox started, RFC 3339. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_started_at(info: *const e2b_sandbox_info) -> *const c_char {
    info_str(info, |i| i.started_at.as_ptr())
}

/// When the sandbox will end unless extended, RFC 3339. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_end_at(info: *const e2b_sandbox_info) -> *const c_char {
    info_str(info, |i| i.end_at.as_ptr())
}

/// The version of envd in the sandbox. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_envd_version(info: *const e2b_sandbox_info) -> *const c_char {
    info_str(info, |i| i.envd_version.as_ptr())
}

/// Whether the sandbox runs or is paused; `E2B_SANDBOX_UNKNOWN` for a state
/// newer than this library, or if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_state(info: *const e2b_sandbox_info) -> e2b_sandbox_state {
    guard_value(e2b_sandbox_state::E2B_SANDBOX_UNKNOWN, || {
        info.as_ref().map_or(e2b_sandbox_state::E2B_SANDBOX_UNKNOWN, |i| i.inner.state.into())
    })
}

/// The number of CPUs; 0 if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_cpu_count(info: *const e2b_sandbox_info) -> u32 {
    guard_value(0, || info.as_ref().map_or(0, |i| i.inner.cpu_count))
}

/// The memory in MiB; 0 if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_memory_mb(info: *const e2b_sandbox_info) -> u32 {
    guard_value(0, || info.as_ref().map_or(0, |i| i.inner.memory_mb))
}

/// The disk size in MiB; 0 if `info` is NULL or the server did not say.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_disk_size_mb(info: *const e2b_sandbox_info) -> u32 {
    guard_value(0, || info.as_ref().map_or(0, |i| i.inner.disk_size_mb))
}

/// The number of metadata entries; 0 if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_metadata_len(info: *const e2b_sandbox_info) -> usize {
    guard_value(0, || info.as_ref().map_or(0, |i| i.metadata.len()))
}

/// The key of metadata entry `index` (entries are sorted by key); NULL if
/// `index` is out of range or `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_metadata_key(info: *const e2b_sandbox_info, index: usize) -> *const c_char {
    info_str(info, |i| i.metadata.get(index).map_or(ptr::null(), |(k, _)| k.as_ptr()))
}

/// The value of metadata entry `index`; NULL if out of range or `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_metadata_value(info: *const e2b_sandbox_info, index: usize) -> *const c_char {
    info_str(info, |i| i.metadata.get(index).map_or(ptr::null(), |(_, v)| v.as_ptr()))
}

/// The metadata value for `key`; NULL if there is none, or an argument is
/// NULL or not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_metadata_get(
    info: *const e2b_sandbox_info,
    key: *const c_char,
) -> *const c_char {
    info_str(info, |i| {
        let Ok(key) = arg_str(key, "key") else { return ptr::null() };
        i.inner.metadata.keys().position(|k| k == key).map_or(ptr::null(), |index| i.metadata[index].1.as_ptr())
    })
}

/// What the sandbox does when its timeout passes; E2B_ON_TIMEOUT_DEFAULT if
/// the server did not say (lists do not), or if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_on_timeout(info: *const e2b_sandbox_info) -> e2b_on_timeout {
    guard_value(e2b_on_timeout::E2B_ON_TIMEOUT_DEFAULT, || {
        info.as_ref().map_or(e2b_on_timeout::E2B_ON_TIMEOUT_DEFAULT, |i| i.fields.on_timeout)
    })
}

/// Whether traffic resumes the sandbox when it is paused; false if the
/// server did not say, or if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_auto_resume(info: *const e2b_sandbox_info) -> bool {
    guard_value(false, || info.as_ref().is_some_and(|i| i.fields.auto_resume))
}

/// How the paused sandbox was paused; E2B_PAUSE_MODE_DEFAULT while it runs,
/// if the server did not say, or if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_pause_mode(info: *const e2b_sandbox_info) -> e2b_pause_mode {
    guard_value(e2b_pause_mode::E2B_PAUSE_MODE_DEFAULT, || {
        info.as_ref().map_or(e2b_pause_mode::E2B_PAUSE_MODE_DEFAULT, |i| i.fields.pause_mode)
    })
}

/// Whether the sandbox was paused while envd did not answer: it then
/// resumes only with E2B_ON_RESUME_REBOOT. False if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_envd_unresponsive_at_pause(info: *const e2b_sandbox_info) -> bool {
    guard_value(false, || info.as_ref().is_some_and(|i| i.fields.envd_unresponsive_at_pause))
}

/// Whether the sandbox may reach the internet, as given at creation: 1, 0,
/// or -1 when it was not set explicitly (or the server did not say, or
/// `info` is NULL).
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_allow_internet_access(info: *const e2b_sandbox_info) -> i32 {
    guard_value(-1, || info.as_ref().map_or(-1, |i| i.fields.allow_internet_access))
}

/// The domain the sandbox lives under; NULL if the server did not say.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_domain(info: *const e2b_sandbox_info) -> *const c_char {
    info_str(info, |i| i.fields.domain)
}

/// The sandbox's network settings (see `e2b_sandbox_network_fields`), owned
/// by the info; NULL if the server gave none (lists do not), or if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_network(info: *const e2b_sandbox_info) -> *const e2b_sandbox_network_fields {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| i.fields.network))
}

// ---- listing ----

/// A new query matching every running and paused sandbox. Release with
/// `e2b_sandbox_query_free`.
#[no_mangle]
pub extern "C" fn e2b_sandbox_query_new() -> *mut e2b_sandbox_query {
    guard_value(ptr::null_mut(), || boxed(e2b_sandbox_query { inner: ListQuery::default() }))
}

/// Releases `query`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_query_free(query: *mut e2b_sandbox_query) {
    free(query)
}

/// Adds `state` (an `e2b_sandbox_state`) to the states to match; with none
/// added, both match. Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not RUNNING
/// or PAUSED, `E2B_SANDBOX_UNKNOWN` included).
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_query_add_state(
    query: *mut e2b_sandbox_query,
    state: i32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        let state = match state {
            1 => SandboxState::Running,
            2 => SandboxState::Paused,
            _ => {
                return Err(e2b_error::new(
                    e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
                    format!("{state} is not an e2b_sandbox_state"),
                ))
            }
        };
        if !query.inner.states.contains(&state) {
            query.inner.states.push(state);
        }
        Ok(())
    })
}

/// Matches only sandboxes whose metadata has `key` set to `value` (all such
/// pairs must match). Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_query_add_metadata(
    query: *mut e2b_sandbox_query,
    key: *const c_char,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        let key = arg_str(key, "key")?;
        let value = arg_str(value, "value")?;
        query.inner.metadata.insert(key.to_owned(), value.to_owned());
        Ok(())
    })
}

/// Sets the page size, 1 to 100 (0: the server's default, 100).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_query_set_limit(
    query: *mut e2b_sandbox_query,
    limit: u32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(query, "query")?.inner.limit = (limit > 0).then_some(limit);
        Ok(())
    })
}

/// Matches only sandboxes of the template `template_name` (its id or name; a
/// `:tag` is refused by the API with INVALID_ARGUMENT); NULL matches every
/// template. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_query_set_template(
    query: *mut e2b_sandbox_query,
    template_name: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        query.inner.template = arg_opt_str(template_name, "template_name")?.map(str::to_owned);
        Ok(())
    })
}

/// Matches only sandboxes started at or after `time`, in RFC 3339
/// (`2026-12-03T10:00:00Z`, the form of `e2b_sandbox_info_started_at`; the
/// API refuses another form with INVALID_ARGUMENT); NULL matches any time.
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_query_set_started_after(
    query: *mut e2b_sandbox_query,
    time: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        query.inner.started_after = arg_opt_str(time, "time")?.map(str::to_owned);
        Ok(())
    })
}

/// Sets the order (an `e2b_list_order`; newest first by default). A next
/// token continues only a listing in the order it came from.
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not an `e2b_list_order`).
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_query_set_order(
    query: *mut e2b_sandbox_query,
    order: i32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        query.inner.order = match order {
            0 => ListOrder::Desc,
            1 => ListOrder::Asc,
            _ => {
                return Err(e2b_error::new(
                    e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
                    format!("{order} is not an e2b_list_order"),
                ))
            }
        };
        Ok(())
    })
}

/// Continues listing where the page with this `e2b_sandbox_page_next_token`
/// ended; NULL starts from the beginning. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_query_set_next_token(
    query: *mut e2b_sandbox_query,
    next_token: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let query = arg_mut(query, "query")?;
        query.inner.next_token = arg_opt_str(next_token, "next_token")?.map(str::to_owned);
        Ok(())
    })
}

/// Lists one page of the sandboxes matching `query` (NULL: all), newest
/// first unless it sets another order. Release `*out` with
/// `e2b_sandbox_page_free`.
/// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (bad limit or token);
/// AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_list_sandboxes(
    client: *const e2b_client,
    query: *const e2b_sandbox_query,
    out: *mut *mut e2b_sandbox_page,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let default = ListQuery::default();
        let query = query.as_ref().map_or(&default, |q| &q.inner);
        let page = client.list(query)?;
        *out = boxed(e2b_sandbox_page::new(page));
        Ok(())
    })
}

/// The number of sandboxes on the page; 0 if `page` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_page_len(page: *const e2b_sandbox_page) -> usize {
    guard_value(0, || page.as_ref().map_or(0, |p| p.items.len()))
}

/// Sandbox `index` of the page, owned by the page; NULL if out of range or
/// `page` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_page_get(page: *const e2b_sandbox_page, index: usize) -> *const e2b_sandbox_info {
    guard_value(ptr::null(), || {
        page.as_ref().and_then(|p| p.items.get(index)).map_or(ptr::null(), |info| info as *const _)
    })
}

/// The token for the next page (see `e2b_sandbox_query_set_next_token`),
/// owned by the page; NULL on the last page.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_page_next_token(page: *const e2b_sandbox_page) -> *const c_char {
    guard_value(ptr::null(), || page.as_ref().map_or(ptr::null(), |p| c_ptr(p.next_token.as_ref())))
}

/// How many running sandboxes match the query's filters, on every page
/// together; -1 when the query did not ask for running sandboxes (or the
/// server did not say), or `page` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_page_total_running(page: *const e2b_sandbox_page) -> i64 {
    guard_value(-1, || page.as_ref().and_then(|p| p.total_running).map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX)))
}

/// Every sandbox of `page` as plain data, in one call: an array of
/// `*len_out` pointers (`len_out` may be NULL), one per sandbox in the order
/// of `e2b_sandbox_page_get`, each to the struct `e2b_sandbox_info_fields`
/// gives for that sandbox. Owned by the page, valid until it is freed. NULL
/// (and 0) if the page is empty or `page` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_page_fields(
    page: *const e2b_sandbox_page,
    len_out: *mut usize,
) -> *const *const e2b_sandbox_fields {
    guard_value(ptr::null(), || fields_array(page.as_ref().map(|p| p.fields.as_slice()), len_out))
}

/// Releases `page` and the infos in it. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_page_free(page: *mut e2b_sandbox_page) {
    free(page)
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::ptr::{null, null_mut};

    use super::*;
    use crate::client::e2b_client_options_set_api_url;
    use crate::client::{e2b_client_free, e2b_client_new};
    use crate::client::{e2b_client_options_free, e2b_client_options_new, e2b_client_options_set_api_key};

    /// A server that answers one request with `body` as JSON; returns its URL.
    fn answer_once(body: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
                line.clear();
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            (&stream).write_all(head.as_bytes()).unwrap();
            (&stream).write_all(body.as_bytes()).unwrap();
        });
        url
    }

    #[test]
    fn sandbox_states_newer_than_the_library_are_unknown() {
        const LISTED: &str = r#""clientID":"c","startedAt":"2026-01-01T00:00:00Z","endAt":"2026-01-01T00:05:00Z","cpuCount":2,"memoryMB":512,"diskSizeMB":1024,"metadata":null,"envdVersion":"0.6.13""#;
        let page = format!(
            r#"[{{"templateID":"base","sandboxID":"a","state":"running",{LISTED}}},{{"templateID":"base","sandboxID":"b","state":"pausing",{LISTED}}}]"#
        );
        let url = std::ffi::CString::new(answer_once(page.leak())).unwrap();
        unsafe {
            let options = e2b_client_options_new();
            assert_eq!(e2b_client_options_set_api_key(options, c"e2b_00".as_ptr(), null_mut()), e2b_error_code::E2B_OK);
            assert_eq!(e2b_client_options_set_api_url(options, url.as_ptr(), null_mut()), e2b_error_code::E2B_OK);
            let mut client = null_mut();
            assert_eq!(e2b_client_new(options, &mut client, null_mut()), e2b_error_code::E2B_OK);
            let mut page = null_mut();
            assert_eq!(
                e2b_client_list_sandboxes(client, null(), &mut page, null(), null_mut()),
                e2b_error_code::E2B_OK
            );
            assert_eq!(e2b_sandbox_info_state(e2b_sandbox_page_get(page, 0)), e2b_sandbox_state::E2B_SANDBOX_RUNNING);
            assert_eq!(e2b_sandbox_info_state(e2b_sandbox_page_get(page, 1)), e2b_sandbox_state::E2B_SANDBOX_UNKNOWN);
            e2b_sandbox_page_free(page);
            e2b_client_free(client);
            e2b_client_options_free(options);
        }
    }
}

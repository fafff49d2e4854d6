//! Network configuration: the options a sandbox is created with
//! (`e2b_sandbox_options_set_network`) and the egress rules that replace a
//! running sandbox's (`e2b_sandbox_update_network`).

use std::ffi::c_char;
use std::ptr;

use super::cancel::e2b_cancel;
use super::client::{client_view, e2b_client};
use super::sandbox::{e2b_sandbox, e2b_sandbox_options, sandbox_view};
use super::{arg_mut, arg_opt_str, arg_ref, arg_str, boxed, e2b_error, e2b_error_code, free, guard, guard_value};
use sdk::{EgressProxy, EgressProxyTls, NetworkOptions, NetworkRule, NetworkUpdate};

/// A sandbox's network, as the official SDKs' `network` option: egress allow
/// and deny lists, DNS servers, an egress proxy, per-host rules, and the
/// ingress settings (public traffic, masked host, HTTPS ports). A builder;
/// new, it sets nothing (an empty `network` object, which changes nothing).
///
/// The same options serve `e2b_sandbox_update_network`, which takes the
/// egress settings only (and allow-internet-access) and fails with
/// INVALID_ARGUMENT when an ingress setting is set. Setting nothing leaves a
/// setting out of the request: at create the server's default applies, on
/// update it is cleared (replace semantics).
pub struct e2b_network_options {
    inner: NetworkOptions,
    allow_internet_access: Option<bool>,
}

/// New, empty network options. Release with `e2b_network_options_free`.
#[no_mangle]
pub extern "C" fn e2b_network_options_new() -> *mut e2b_network_options {
    guard_value(ptr::null_mut(), || {
        boxed(e2b_network_options { inner: NetworkOptions::default(), allow_internet_access: None })
    })
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_free(options: *mut e2b_network_options) {
    free(options)
}

/// Runs `apply` on the options behind `options`.
unsafe fn update(
    options: *mut e2b_network_options,
    err_out: *mut *mut e2b_error,
    apply: impl FnOnce(&mut e2b_network_options) -> Result<(), e2b_error>,
) -> e2b_error_code {
    guard(err_out, || apply(arg_mut(options, "options")?))
}

fn invalid(message: impl Into<String>) -> e2b_error {
    e2b_error::new(e2b_error_code::E2B_ERR_INVALID_ARGUMENT, message.into())
}

/// Adds an entry to the egress allow list: a CIDR ("10.0.0.0/8"), an IP, or
/// a domain ("example.com", "*.example.com"). Allow entries beat deny
/// entries; a domain needs E2B_ALL_TRAFFIC denied (the server refuses it
/// otherwise). Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_add_allow_out(
    options: *mut e2b_network_options,
    entry: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.inner.allow_out.get_or_insert_with(Vec::new).push(arg_str(entry, "entry")?.to_owned());
        Ok(())
    })
}

/// Adds an entry to the egress deny list: a CIDR or an IP (no domains);
/// "0.0.0.0/0" (E2B_ALL_TRAFFIC) for everything. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_add_deny_out(
    options: *mut e2b_network_options,
    entry: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.inner.deny_out.get_or_insert_with(Vec::new).push(arg_str(entry, "entry")?.to_owned());
        Ok(())
    })
}

/// Sets the IPv4 nameservers reachable when the allow list holds a domain:
/// `count` strings from `servers`. `count` 0 (`servers` may then be NULL)
/// sets the explicit empty list: no nameserver. Never called: the server's
/// default (8.8.8.8). Replaces an earlier list. Errors: NULL_ARGUMENT (a NULL
/// array or entry), INVALID_UTF8; the options are unchanged on error.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_set_dns_servers(
    options: *mut e2b_network_options,
    servers: *const *const c_char,
    count: usize,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let mut list = Vec::with_capacity(count);
        if count > 0 {
            if servers.is_null() {
                return Err(e2b_error::null_argument("servers"));
            }
            for i in 0..count {
                list.push(arg_str(*servers.add(i), &format!("servers[{i}]"))?.to_owned());
            }
        }
        o.inner.dns_servers = Some(list);
        Ok(())
    })
}

/// Adds a new, empty rule for outbound HTTPS requests to `host` (an exact
/// DNS name or a "*."-prefixed wildcard), for `e2b_network_options_add_rule_header`
/// to fill. Needed only for a second rule of one host. A rule does not open
/// egress to the host: the allow list does. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_add_rule(
    options: *mut e2b_network_options,
    host: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let host = arg_str(host, "host")?;
        o.inner
            .rules
            .get_or_insert_with(Default::default)
            .entry(host.to_owned())
            .or_default()
            .push(NetworkRule::default());
        Ok(())
    })
}

/// Sets the header `name` to `value` in the requests the last rule of `host`
/// (an exact DNS name or a "*."-prefixed wildcard) matches, making the rule
/// if `host` has none (a header of the same name is replaced). Values may
/// hold the placeholders `${e2b.secrets.<name>}` and
/// `${e2b.identity.tokens.<name>}`. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_add_rule_header(
    options: *mut e2b_network_options,
    host: *const c_char,
    name: *const c_char,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let (host, name, value) = (arg_str(host, "host")?, arg_str(name, "name")?, arg_str(value, "value")?);
        let rules = o.inner.rules.get_or_insert_with(Default::default).entry(host.to_owned()).or_default();
        match rules.last_mut() {
            Some(rule) => *rule = rule.clone().with_header(name, value),
            None => rules.push(NetworkRule::header(name, value)),
        }
        Ok(())
    })
}

/// Sends outbound TCP through the SOCKS5 proxy at `address` ("host:port"),
/// after the allow and deny lists. `username` and `password` may be NULL
/// (left out). With `tls` the connection to the proxy uses TLS; `server_name`
/// (the name to check its certificate against) and `ca_cert` (a PEM CA to
/// trust instead of the system's) may then be given, else NULL. Errors:
/// NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (`server_name` or `ca_cert`
/// without `tls`). Teams without the feature get PERMISSION_DENIED from the
/// create or update.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_set_egress_proxy(
    options: *mut e2b_network_options,
    address: *const c_char,
    username: *const c_char,
    password: *const c_char,
    tls: bool,
    server_name: *const c_char,
    ca_cert: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let mut proxy = EgressProxy::new(arg_str(address, "address")?);
        proxy.username = arg_opt_str(username, "username")?.map(str::to_owned);
        proxy.password = arg_opt_str(password, "password")?.map(str::to_owned);
        let server_name = arg_opt_str(server_name, "server_name")?.map(str::to_owned);
        let ca_cert = arg_opt_str(ca_cert, "ca_cert")?.map(str::to_owned);
        proxy.tls = match (tls, server_name.is_some() || ca_cert.is_some()) {
            (false, false) => EgressProxyTls::Off,
            (false, true) => return Err(invalid("server_name and ca_cert need tls")),
            (true, false) => EgressProxyTls::On,
            (true, true) => EgressProxyTls::Custom { server_name, ca_cert },
        };
        o.inner.egress_proxy = Some(proxy);
        Ok(())
    })
}

/// Whether the sandbox's ports (all but envd's) answer without its traffic
/// access token; false makes the server issue one. Never called: the
/// project's default (true). Create only. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_set_allow_public_traffic(
    options: *mut e2b_network_options,
    allow: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.inner.allow_public_traffic = Some(allow);
        Ok(())
    })
}

/// Sets the `Host` header of proxied requests to the sandbox's ports (not
/// envd's); "${PORT}" becomes the port. Create only. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_set_mask_request_host(
    options: *mut e2b_network_options,
    host: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.inner.mask_request_host = Some(arg_str(host, "host")?.to_owned());
        Ok(())
    })
}

/// Adds a port whose service in the sandbox speaks TLS (1 to 65535, not
/// 49983: the server checks). Create only. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_add_https_port(
    options: *mut e2b_network_options,
    port: u16,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.inner.https_ports.get_or_insert_with(Vec::new).push(port);
        Ok(())
    })
}

/// false denies all egress but the allow list (the deny list becomes exactly
/// E2B_ALL_TRAFFIC). For `e2b_sandbox_update_network`; given to
/// `e2b_sandbox_options_set_network` it sets the sandbox options' own
/// (`e2b_sandbox_options_set_allow_internet_access`). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_network_options_set_allow_internet_access(
    options: *mut e2b_network_options,
    allow: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.allow_internet_access = Some(allow);
        Ok(())
    })
}

/// Creates the sandbox with `network` (copied; NULL: no network settings, as
/// new options have). Errors: NULL_ARGUMENT (options).
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_network(
    options: *mut e2b_sandbox_options,
    network: *const e2b_network_options,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = &mut arg_mut(options, "options")?.inner;
        match network.as_ref() {
            Some(network) => {
                options.network = Some(network.inner.clone());
                if let Some(allow) = network.allow_internet_access {
                    options.allow_internet_access = Some(allow);
                }
            }
            None => options.network = None,
        }
        Ok(())
    })
}

/// The update `network` describes; an ingress setting is an error.
unsafe fn network_update(network: *const e2b_network_options) -> Result<NetworkUpdate, e2b_error> {
    let network = arg_ref(network, "network")?;
    let o = &network.inner;
    if o.allow_public_traffic.is_some() || o.mask_request_host.is_some() || o.https_ports.is_some() {
        return Err(invalid(
            "network: public traffic, the masked host and HTTPS ports are set at create only, not by an update",
        ));
    }
    let mut update = NetworkUpdate::default();
    update.allow_out = o.allow_out.clone();
    update.deny_out = o.deny_out.clone();
    update.dns_servers = o.dns_servers.clone();
    update.egress_proxy = o.egress_proxy.clone();
    update.rules = o.rules.clone();
    update.allow_internet_access = network.allow_internet_access;
    Ok(update)
}

/// Replaces the running sandbox's egress configuration with `network`
/// (`PUT /sandboxes/{id}/network`, `update_network` in the official SDKs):
/// what `network` leaves unset is cleared (the DNS servers go back to
/// 8.8.8.8, the proxy is removed). Errors: NULL_ARGUMENT; INVALID_ARGUMENT
/// (an ingress setting in `network`, or entries the server refuses: HTTP
/// 400); PERMISSION_DENIED (egress proxies not enabled); SANDBOX_NOT_FOUND;
/// CONFLICT; AUTHENTICATION; RATE_LIMITED; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_update_network(
    sandbox: *const e2b_sandbox,
    network: *const e2b_network_options,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let update = network_update(network)?;
        Ok(sandbox_view(sandbox, cancel)?.update_network(&update)?)
    })
}

/// `e2b_sandbox_update_network` for the sandbox `sandbox_id`, without
/// connecting to it. Errors: as `e2b_sandbox_update_network`, and INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_update_network(
    client: *const e2b_client,
    sandbox_id: *const c_char,
    network: *const e2b_network_options,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let sandbox_id = arg_str(sandbox_id, "sandbox_id")?;
        let update = network_update(network)?;
        Ok(client_view(client, cancel)?.update_network(sandbox_id, &update)?)
    })
}

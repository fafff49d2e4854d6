//! Network configuration: what a sandbox may reach (egress allow and deny
//! lists, DNS servers, an egress proxy, per-host request rules) and how its
//! ports are reached (public traffic, a masked `Host`, HTTPS ports), set at
//! create ([`SandboxOptions::network`](crate::SandboxOptions::network)) and
//! replaced on a running sandbox ([`Sandbox::update_network`]).
//!
//! The JSON is the official Python SDK's, key for key: a setting left `None`
//! is omitted, an empty list is sent as `[]`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};
use ureq::http::Method;

use crate::api::sandbox_path;
use crate::client::Client;
use crate::error::{ErrorKind, Result};
use crate::sandbox::Sandbox;

/// Every IPv4 address (`"0.0.0.0/0"`), the official SDKs' `ALL_TRAFFIC`:
/// `deny_out(ALL_TRAFFIC)` blocks all egress but what `allow_out` lets through.
pub const ALL_TRAFFIC: &str = "0.0.0.0/0";

/// A sandbox's network at create (`network` in `Sandbox.create` of the
/// official SDKs). `NetworkOptions::default()` sends an empty object, which
/// changes nothing; each setting has a method of its name.
///
/// ```
/// use e2b::{NetworkOptions, NetworkRule, ALL_TRAFFIC};
///
/// let network = NetworkOptions::default()
///     .deny_out(ALL_TRAFFIC)
///     .allow_out("api.example.com")
///     .allow_out("10.0.0.0/8")
///     .dns_servers(["1.1.1.1"])
///     .rule("api.example.com", NetworkRule::header("Authorization", "Bearer ${e2b.secrets.token}"));
/// let options = e2b::SandboxOptions::default().network(network);
/// ```
///
/// Allow entries beat deny entries. A domain in `allow_out` needs
/// [`ALL_TRAFFIC`] in `deny_out` (the API refuses it otherwise).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NetworkOptions {
    /// Whether the sandbox's ports (all but envd's) answer without its traffic
    /// access token; `Some(false)` makes the server issue one. `None` leaves it
    /// to the project's default (yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_public_traffic: Option<bool>,
    /// Egress allow list: CIDRs (`8.8.8.8/32`), IPs, or domains
    /// (`example.com`, `*.example.com`). `None` is omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_out: Option<Vec<String>>,
    /// Egress deny list: CIDRs or IPs only. `None` is omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny_out: Option<Vec<String>>,
    /// IPv4 nameservers reachable when `allow_out` holds a domain: `None`
    /// leaves the server's default (8.8.8.8), `Some(vec![])` allows none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_servers: Option<Vec<String>>,
    /// A SOCKS5 proxy that outbound TCP goes through after the allow and deny
    /// lists; `None` for direct egress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress_proxy: Option<EgressProxy>,
    /// The `Host` header written into proxied requests to the sandbox's ports
    /// (not envd's); `${PORT}` becomes the port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask_request_host: Option<String>,
    /// Ports whose service inside the sandbox speaks TLS (not 49983). `None` is omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub https_ports: Option<Vec<u16>>,
    /// Per-host rules for outbound HTTPS requests: an exact DNS name or a
    /// `*.`-prefixed wildcard, to its rules. A rule does not open egress to the
    /// host: `allow_out` does. `None` is omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<BTreeMap<String, Vec<NetworkRule>>>,
}

/// The egress part of a network, replaced on a running sandbox by
/// [`Sandbox::update_network`] (`SandboxNetworkUpdate` in the official
/// SDKs). Replace semantics: whatever is left `None` is cleared on the
/// server (the DNS servers go back to 8.8.8.8, the proxy is removed).
///
/// ```
/// use e2b::{NetworkUpdate, ALL_TRAFFIC};
///
/// let update = NetworkUpdate::default().deny_out(ALL_TRAFFIC).allow_out("10.0.0.1");
/// assert_eq!(update.allow_out, Some(vec!["10.0.0.1".to_owned()]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NetworkUpdate {
    /// As [`NetworkOptions::allow_out`](NetworkOptions#structfield.allow_out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_out: Option<Vec<String>>,
    /// As [`NetworkOptions::deny_out`](NetworkOptions#structfield.deny_out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny_out: Option<Vec<String>>,
    /// As [`NetworkOptions::dns_servers`](NetworkOptions#structfield.dns_servers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_servers: Option<Vec<String>>,
    /// As [`NetworkOptions::egress_proxy`](NetworkOptions#structfield.egress_proxy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress_proxy: Option<EgressProxy>,
    /// As [`NetworkOptions::rules`](NetworkOptions#structfield.rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<BTreeMap<String, Vec<NetworkRule>>>,
    /// `Some(false)` denies all egress but `allow_out` (the deny list becomes
    /// exactly [`ALL_TRAFFIC`]); `Some(true)` or `None` change nothing.
    #[serde(rename = "allow_internet_access", skip_serializing_if = "Option::is_none")]
    pub allow_internet_access: Option<bool>,
}

/// One rule for a host ([`NetworkOptions::rule`]): what to do to the
/// requests to it (`SandboxNetworkRule` in the official SDKs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NetworkRule {
    /// The change made to each matching request; `None` sends `{}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<NetworkTransform>,
}

/// What a [`NetworkRule`] changes in a request (`SandboxNetworkTransform`).
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NetworkTransform {
    /// Headers set on the request, replacing any of the same name. Values may
    /// hold placeholders the egress proxy fills in per request:
    /// `${e2b.secrets.<name>}` and `${e2b.identity.tokens.<name>}`. An empty
    /// map is omitted (`{"transform":{}}`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

impl fmt::Debug for NetworkTransform {
    /// The header names only: their values may be credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetworkTransform").field("headers", &self.headers.keys().collect::<Vec<_>>()).finish()
    }
}

/// A SOCKS5 proxy for the sandbox's outbound TCP (`egress_proxy`). UDP (DNS,
/// QUIC) does not go through it; if it cannot be reached, egress fails closed.
///
/// ```
/// let proxy = e2b::EgressProxy::new("proxy.example.com:1080").credentials("user", "secret").tls(e2b::EgressProxyTls::On);
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EgressProxy {
    /// `host:port` of the proxy.
    pub address: String,
    /// The user name (at most 255 bytes); `None` is omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password (at most 255 bytes); `None` is omitted. The API never returns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Whether the connection to the proxy uses TLS ([`EgressProxyTls::Off`] by default).
    #[serde(skip_serializing_if = "EgressProxyTls::is_off")]
    pub tls: EgressProxyTls,
}

impl fmt::Debug for EgressProxy {
    /// Never the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EgressProxy")
            .field("address", &self.address)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("tls", &self.tls)
            .finish()
    }
}

/// TLS to the egress proxy (`tls` of `egress_proxy` in the official SDKs:
/// `False`, `True` or a mapping).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum EgressProxyTls {
    /// Plain SOCKS5 (no `tls` key is sent).
    #[default]
    Off,
    /// TLS, checked against the system's trust store (`{"enabled":true}`).
    On,
    /// TLS with a server name and/or CA certificate of the caller's.
    Custom {
        /// The name to check the proxy's certificate against (at most 253 bytes; `None`: the address's host).
        server_name: Option<String>,
        /// A PEM CA certificate to trust (at most 8192 bytes; `None`: the system's trust store).
        /// The API never returns it.
        ca_cert: Option<String>,
    },
}

impl EgressProxyTls {
    fn is_off(&self) -> bool {
        *self == EgressProxyTls::Off
    }
}

impl Serialize for EgressProxyTls {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire<'a> {
            enabled: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            server_name: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            ca_cert: Option<&'a str>,
        }
        let wire = match self {
            EgressProxyTls::Off => Wire { enabled: false, server_name: None, ca_cert: None },
            EgressProxyTls::On => Wire { enabled: true, server_name: None, ca_cert: None },
            EgressProxyTls::Custom { server_name, ca_cert } => {
                Wire { enabled: true, server_name: server_name.as_deref(), ca_cert: ca_cert.as_deref() }
            }
        };
        wire.serialize(serializer)
    }
}

impl EgressProxy {
    /// The proxy at `address` (`host:port`), without credentials or TLS.
    pub fn new(address: impl Into<String>) -> EgressProxy {
        EgressProxy { address: address.into(), username: None, password: None, tls: EgressProxyTls::Off }
    }

    /// Sets the user name and password.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }

    /// Sets the user name alone.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Sets the password alone.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Sets TLS to the proxy.
    pub fn tls(mut self, tls: EgressProxyTls) -> Self {
        self.tls = tls;
        self
    }
}

impl NetworkRule {
    /// A rule that sets the header `name` to `value` (add more with [`NetworkRule::with_header`]).
    pub fn header(name: impl Into<String>, value: impl Into<String>) -> NetworkRule {
        NetworkRule::default().with_header(name, value)
    }

    /// This rule, also setting the header `name` to `value`.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.transform.get_or_insert_with(NetworkTransform::default).headers.insert(name.into(), value.into());
        self
    }
}

/// Adds `item` to the list `list`, making it if it is `None`.
fn push<T>(list: &mut Option<Vec<T>>, item: T) {
    list.get_or_insert_with(Vec::new).push(item);
}

impl NetworkOptions {
    /// Adds an entry to the egress allow list (a CIDR, an IP or a domain).
    pub fn allow_out(mut self, entry: impl Into<String>) -> Self {
        push(&mut self.allow_out, entry.into());
        self
    }

    /// Adds an entry to the egress deny list (a CIDR or an IP; [`ALL_TRAFFIC`] for everything).
    pub fn deny_out(mut self, entry: impl Into<String>) -> Self {
        push(&mut self.deny_out, entry.into());
        self
    }

    /// Sets the DNS servers; an empty list allows none.
    pub fn dns_servers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, servers: I) -> Self {
        self.dns_servers = Some(servers.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a rule for `host` (an exact DNS name or a `*.` wildcard).
    pub fn rule(mut self, host: impl Into<String>, rule: NetworkRule) -> Self {
        self.rules.get_or_insert_with(BTreeMap::new).entry(host.into()).or_default().push(rule);
        self
    }

    /// Sets the egress proxy.
    pub fn egress_proxy(mut self, proxy: EgressProxy) -> Self {
        self.egress_proxy = Some(proxy);
        self
    }

    /// Whether the sandbox's ports answer without its traffic access token.
    pub fn allow_public_traffic(mut self, allow: bool) -> Self {
        self.allow_public_traffic = Some(allow);
        self
    }

    /// Sets the `Host` header of proxied requests to the sandbox's ports (`${PORT}` is the port).
    pub fn mask_request_host(mut self, host: impl Into<String>) -> Self {
        self.mask_request_host = Some(host.into());
        self
    }

    /// Adds a port whose service speaks TLS.
    pub fn https_port(mut self, port: u16) -> Self {
        push(&mut self.https_ports, port);
        self
    }
}

impl NetworkUpdate {
    /// Adds an entry to the egress allow list (a CIDR, an IP or a domain).
    pub fn allow_out(mut self, entry: impl Into<String>) -> Self {
        push(&mut self.allow_out, entry.into());
        self
    }

    /// Adds an entry to the egress deny list (a CIDR or an IP; [`ALL_TRAFFIC`] for everything).
    pub fn deny_out(mut self, entry: impl Into<String>) -> Self {
        push(&mut self.deny_out, entry.into());
        self
    }

    /// Sets the DNS servers; an empty list allows none.
    pub fn dns_servers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, servers: I) -> Self {
        self.dns_servers = Some(servers.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a rule for `host` (an exact DNS name or a `*.` wildcard).
    pub fn rule(mut self, host: impl Into<String>, rule: NetworkRule) -> Self {
        self.rules.get_or_insert_with(BTreeMap::new).entry(host.into()).or_default().push(rule);
        self
    }

    /// Sets the egress proxy.
    pub fn egress_proxy(mut self, proxy: EgressProxy) -> Self {
        self.egress_proxy = Some(proxy);
        self
    }

    /// `false` denies all egress but the allow list.
    pub fn allow_internet_access(mut self, allow: bool) -> Self {
        self.allow_internet_access = Some(allow);
        self
    }
}

impl Client {
    /// Replaces the egress configuration of the running sandbox `sandbox_id`
    /// (`Sandbox.update_network(sandbox_id, network)` in the official SDKs,
    /// `PUT /sandboxes/{id}/network`): whatever `network` leaves `None` is
    /// cleared. The ingress settings (public traffic, masked host, HTTPS ports)
    /// are the create's and stay.
    ///
    /// Errors: [`ErrorKind::SandboxNotFound`]; [`ErrorKind::InvalidArgument`]
    /// for entries the server refuses (a domain in `deny_out`, a domain
    /// allowed without [`ALL_TRAFFIC`] denied, a bad proxy);
    /// [`ErrorKind::PermissionDenied`] when egress proxies are not enabled for
    /// the team; [`ErrorKind::Conflict`] when the sandbox's state forbids it.
    pub fn update_network(&self, sandbox_id: &str, network: &NetworkUpdate) -> Result<()> {
        let what = format!("update the network of sandbox {sandbox_id}");
        // The same body again gives the same rules: safe to retry, as every control-plane request.
        let request = self.api_request(Method::PUT, &sandbox_path(sandbox_id, "/network"))?.json(network);
        self.api_fetch(request, &what, ErrorKind::SandboxNotFound).map(drop)
    }
}

impl Sandbox {
    /// Replaces this sandbox's egress configuration (see [`Client::update_network`]).
    ///
    /// ```no_run
    /// # fn main() -> e2b::Result<()> {
    /// # let sandbox = e2b::Client::from_env().create_sandbox(&Default::default())?;
    /// use e2b::{NetworkUpdate, ALL_TRAFFIC};
    /// sandbox.update_network(&NetworkUpdate::default().deny_out(ALL_TRAFFIC).allow_out("10.0.0.1"))?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_network(&self, network: &NetworkUpdate) -> Result<()> {
        self.client().update_network(self.id(), network)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn empty_settings_send_an_empty_object() {
        assert_eq!(json(&NetworkOptions::default()), "{}");
        assert_eq!(json(&NetworkUpdate::default()), "{}");
    }

    #[test]
    fn create_body_has_the_sdks_keys() {
        let network = NetworkOptions::default()
            .allow_public_traffic(false)
            .allow_out("api.example.com")
            .deny_out(ALL_TRAFFIC)
            .dns_servers(["1.1.1.1"])
            .egress_proxy(EgressProxy::new("proxy.example.com:1080").credentials("u", "p").tls(EgressProxyTls::On))
            .mask_request_host("localhost:${PORT}")
            .https_port(3000)
            .rule("api.example.com", NetworkRule::header("Authorization", "Bearer ${e2b.secrets.tok}"));
        assert_eq!(
            json(&network),
            concat!(
                r#"{"allowPublicTraffic":false,"allowOut":["api.example.com"],"denyOut":["0.0.0.0/0"],"#,
                r#""dnsServers":["1.1.1.1"],"#,
                r#""egressProxy":{"address":"proxy.example.com:1080","username":"u","password":"p","tls":{"enabled":true}},"#,
                r#""maskRequestHost":"localhost:${PORT}","httpsPorts":[3000],"#,
                r#""rules":{"api.example.com":[{"transform":{"headers":{"Authorization":"Bearer ${e2b.secrets.tok}"}}}]}}"#
            )
        );
    }

    #[test]
    fn empty_lists_are_sent_and_none_is_omitted() {
        let network = NetworkOptions::default().dns_servers(Vec::<String>::new());
        assert_eq!(json(&network), r#"{"dnsServers":[]}"#);
        let network = NetworkOptions { allow_out: Some(vec![]), https_ports: Some(vec![]), ..Default::default() };
        assert_eq!(json(&network), r#"{"allowOut":[],"httpsPorts":[]}"#);
        let network = NetworkOptions { rules: Some(BTreeMap::new()), ..Default::default() };
        assert_eq!(json(&network), r#"{"rules":{}}"#);
    }

    #[test]
    fn proxy_tls_shapes() {
        let proxy = |tls| json(&EgressProxy::new("p:1").tls(tls));
        assert_eq!(proxy(EgressProxyTls::Off), r#"{"address":"p:1"}"#);
        assert_eq!(proxy(EgressProxyTls::On), r#"{"address":"p:1","tls":{"enabled":true}}"#);
        let custom = EgressProxyTls::Custom { server_name: Some("proxy".into()), ca_cert: Some("PEM".into()) };
        assert_eq!(proxy(custom), r#"{"address":"p:1","tls":{"enabled":true,"serverName":"proxy","caCert":"PEM"}}"#);
        let bare = EgressProxyTls::Custom { server_name: None, ca_cert: None };
        assert_eq!(proxy(bare), r#"{"address":"p:1","tls":{"enabled":true}}"#);
        assert_eq!(json(&EgressProxy::new("p:1").username("u")), r#"{"address":"p:1","username":"u"}"#);
    }

    #[test]
    fn rules_without_headers() {
        let network = NetworkOptions::default()
            .rule("*.example.com", NetworkRule::default())
            .rule("*.example.com", NetworkRule { transform: Some(NetworkTransform::default()) });
        assert_eq!(json(&network), r#"{"rules":{"*.example.com":[{},{"transform":{}}]}}"#);
    }

    #[test]
    fn update_body_has_the_sdks_keys() {
        let update = NetworkUpdate::default()
            .allow_out("10.0.0.1")
            .deny_out(ALL_TRAFFIC)
            .dns_servers(Vec::<String>::new())
            .egress_proxy(EgressProxy::new("p:1"))
            .rule("a.example.com", NetworkRule::header("X", "y"))
            .allow_internet_access(false);
        assert_eq!(
            json(&update),
            concat!(
                r#"{"allowOut":["10.0.0.1"],"denyOut":["0.0.0.0/0"],"dnsServers":[],"egressProxy":{"address":"p:1"},"#,
                r#""rules":{"a.example.com":[{"transform":{"headers":{"X":"y"}}}]},"allow_internet_access":false}"#
            )
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let proxy = EgressProxy::new("p:1").credentials("u", "hunter2");
        let rule = NetworkRule::header("Authorization", "Bearer secret-token");
        let text = format!("{proxy:?} {rule:?}");
        assert!(!text.contains("hunter2") && !text.contains("secret-token"), "{text}");
        assert!(text.contains("Authorization"), "{text}");
    }
}

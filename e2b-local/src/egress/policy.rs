//! The `network` object of a sandbox: its validation (as the API answers), what is reported
//! back, and the egress policy it makes, which the proxy of [`super`] applies.

use std::net::{IpAddr, Ipv4Addr};

use serde_json::Value;

/// The SDKs' `ALL_TRAFFIC`: every IPv4 address.
pub const ALL_TRAFFIC: &str = "0.0.0.0/0";
/// The nameserver a sandbox whose `allowOut` names a domain may reach when `dnsServers` is missing.
const DEFAULT_DNS: Ipv4Addr = Ipv4Addr::new(8, 8, 8, 8);
/// The API's answer when `allowOut` names a domain but `denyOut` does not block everything.
pub const DOMAINS_REQUIRE_BLOCK_ALL: &str = "When specifying allowed domains in allow out, you must include \
    'ALL_TRAFFIC' in deny out to block all other traffic.";

/// A network of addresses: an address and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    /// Parses an IP address or CIDR as Go's `net.ParseIP` / `net.ParseCIDR` would.
    pub fn parse(s: &str) -> Option<Net> {
        if let Ok(addr) = s.parse::<IpAddr>() {
            let prefix = if addr.is_ipv4() { 32 } else { 128 };
            return Some(Net { addr, prefix });
        }
        let (addr, prefix) = s.split_once('/')?;
        let addr: IpAddr = addr.parse().ok()?;
        // Go takes 1 to 3 decimal digits, without sign.
        if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = prefix.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Net { addr, prefix })
    }

    /// Whether `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// Go's `IsSpecifiedIPOrCIDR`: an IP or CIDR whose address is not `0.0.0.0`/`::`, except
/// `0.0.0.0/0` itself.
fn is_specified(s: &str) -> bool {
    s == ALL_TRAFFIC || Net::parse(s).is_some_and(|net| !net.addr.is_unspecified())
}

/// The strings of a list key (`allowOut`, ...); a missing or `null` key is an empty list.
fn strings<'a>(network: &'a Value, key: &str) -> Vec<&'a str> {
    network.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// Checks the shape of a `network` (create) or network update body: the JSON types of the
/// keys the server reads. `Err` is the parse error's text.
pub fn check_shape(network: &Value) -> Result<(), String> {
    let Some(object) = network.as_object() else { return Err("network: expected an object".into()) };
    for key in ["allowOut", "denyOut", "dnsServers"] {
        match object.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
            Some(_) => return Err(format!("network.{key}: expected an array of strings")),
        }
    }
    if let Some(ports) = object.get("httpsPorts").filter(|v| !v.is_null()) {
        let ok = ports.as_array().is_some_and(|a| a.iter().all(|p| p.as_u64().is_some_and(|p| p <= 65535)));
        if !ok {
            return Err("network.httpsPorts: expected an array of ports".into());
        }
    }
    match object.get("allowPublicTraffic") {
        None | Some(Value::Null | Value::Bool(_)) => {}
        Some(_) => return Err("network.allowPublicTraffic: expected a boolean".into()),
    }
    match object.get("maskRequestHost") {
        None | Some(Value::Null | Value::String(_)) => {}
        Some(_) => return Err("network.maskRequestHost: expected a string".into()),
    }
    match object.get("rules") {
        None | Some(Value::Null | Value::Object(_)) => {}
        Some(_) => return Err("network.rules: expected an object".into()),
    }
    Ok(())
}

/// The API's validation of a `network` ([INFRA] `validateNetworkConfig`): the 400 message of the
/// first fault. `egressProxy` is checked by the caller (it is refused whole).
pub fn validate(network: &Value) -> Result<(), String> {
    if let Some(mask) = network.get("maskRequestHost").and_then(Value::as_str) {
        let host = split_host_port_optional(mask).ok_or_else(|| format!("mask request host is not valid: {mask}"))?;
        if !host.is_ascii() {
            return Err(format!("mask request host '{host}' is not ASCII. Please use ASCII characters only."));
        }
    }
    let deny = strings(network, "denyOut");
    let allow = strings(network, "allowOut");
    if let Some(bad) = deny.iter().find(|cidr| !is_specified(cidr)) {
        return Err(format!("invalid denied CIDR {bad}"));
    }
    if let Some(bad) = allow.iter().find(|a| Net::parse(a).is_some() && !is_specified(a)) {
        return Err(format!("invalid allowed address {bad}"));
    }
    let has_domains = allow.iter().any(|a| Net::parse(a).is_none());
    if has_domains && !deny.contains(&ALL_TRAFFIC) {
        return Err(DOMAINS_REQUIRE_BLOCK_ALL.into());
    }
    Ok(())
}

/// Go's `net.SplitHostPort`, where a missing port is no fault: the host, or `None` when the
/// text is not a host with an optional port.
fn split_host_port_optional(s: &str) -> Option<&str> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after {
            "" => None, // "[::1]" without a port: Go's "missing port", then the bracketed host fails later
            _ if after.starts_with(':') && !after[1..].contains(':') => Some(host),
            _ => None,
        };
    }
    match s.matches(':').count() {
        0 => Some(s),
        1 => s.split_once(':').map(|(host, _)| host),
        _ => None,
    }
}

/// `network` as `GET /sandboxes/{id}` reports it: as stored, without the egress proxy's
/// `password` and `tls.caCert`.
pub fn echo(network: Option<&Value>) -> Value {
    let mut network = network.cloned().unwrap_or_else(|| Value::Object(Default::default()));
    if let Some(proxy) = network.get_mut("egressProxy").and_then(Value::as_object_mut) {
        proxy.remove("password");
        if let Some(tls) = proxy.get_mut("tls").and_then(Value::as_object_mut) {
            tls.remove("caCert");
        }
    }
    network
}

/// A domain entry of `allowOut`: an exact name, or `*.` and the names below a suffix.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Domain {
    Exact(String),
    /// `*.example.com`: any name below `.example.com` (at any depth), not the apex.
    Below(String),
}

impl Domain {
    fn parse(entry: &str) -> Domain {
        let entry = entry.trim_end_matches('.').to_ascii_lowercase();
        match entry.strip_prefix("*.") {
            Some(suffix) => Domain::Below(format!(".{suffix}")),
            None => Domain::Exact(entry),
        }
    }

    fn matches(&self, name: &str) -> bool {
        match self {
            Domain::Exact(exact) => name == exact,
            Domain::Below(suffix) => name.len() > suffix.len() && name.ends_with(suffix.as_str()),
        }
    }
}

/// What a sandbox may reach, from its effective `allowOut`/`denyOut`/`dnsServers`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    allow: Vec<Net>,
    deny: Vec<Net>,
    domains: Vec<Domain>,
    /// The nameservers reachable on port 53 (TCP and UDP): only when a domain is allowed.
    dns: Vec<Ipv4Addr>,
}

/// The verdict on a new outbound connection by its destination address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny,
    /// Denied by address, but a domain is allowed: the name the client asks for decides.
    ByName,
}

/// How a sandbox reaches the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// No rule: everything (the user-mode network of slirp4netns).
    Open,
    /// Rules: what [`Policy`] allows, through e2b-local's proxy.
    Filtered(Policy),
}

impl Mode {
    /// The mode of a sandbox from its `allow_internet_access` and `network` (already validated):
    /// `allow_internet_access: false` makes the deny list exactly `0.0.0.0/0`.
    pub fn of(allow_internet_access: Option<bool>, network: Option<&Value>) -> Mode {
        let empty = Value::Null;
        let network = network.unwrap_or(&empty);
        let allow_out = strings(network, "allowOut");
        let deny_out: Vec<&str> =
            if allow_internet_access == Some(false) { vec![ALL_TRAFFIC] } else { strings(network, "denyOut") };
        if deny_out.is_empty() {
            // Allow entries only open what nothing closes.
            return Mode::Open;
        }
        let mut policy = Policy::default();
        for entry in allow_out {
            match Net::parse(entry) {
                Some(net) => policy.allow.push(net),
                None => policy.domains.push(Domain::parse(entry)),
            }
        }
        policy.deny = deny_out.iter().filter_map(|d| Net::parse(d)).collect();
        if !policy.domains.is_empty() {
            policy.dns = match network.get("dnsServers").and_then(Value::as_array) {
                Some(list) => list.iter().filter_map(Value::as_str).filter_map(|s| s.parse().ok()).collect(),
                None => vec![DEFAULT_DNS],
            };
        }
        Mode::Filtered(policy)
    }
}

impl Policy {
    /// Whether nothing at all may pass (no allow entry of any kind).
    pub fn blocks_everything(&self) -> bool {
        self.allow.is_empty() && self.domains.is_empty() && self.deny.iter().any(|d| d.prefix == 0)
    }

    /// The nameservers the sandbox may reach on port 53.
    pub fn dns_servers(&self) -> &[Ipv4Addr] {
        &self.dns
    }

    /// Where the sandbox's own resolver (`10.0.2.3`) leads: the first allowed nameserver when a
    /// domain is allowed, else the host's nameserver `host` if the rules allow its address.
    pub fn resolver(&self, host: Option<Ipv4Addr>) -> Option<Ipv4Addr> {
        if !self.domains.is_empty() {
            return self.dns.first().copied();
        }
        host.filter(|ip| self.verdict(IpAddr::V4(*ip), 53) == Verdict::Allow)
    }

    /// The verdict on a TCP connection to `ip:port`: allow beats deny; a destination no deny
    /// entry covers is allowed.
    pub fn verdict(&self, ip: IpAddr, port: u16) -> Verdict {
        if self.allow.iter().any(|n| n.contains(ip)) {
            return Verdict::Allow;
        }
        if port == 53 && matches!(ip, IpAddr::V4(v4) if self.dns.contains(&v4)) {
            return Verdict::Allow;
        }
        if !self.deny.iter().any(|n| n.contains(ip)) {
            return Verdict::Allow;
        }
        if self.domains.is_empty() {
            Verdict::Deny
        } else {
            Verdict::ByName
        }
    }

    /// Whether `name` (a TLS server name or HTTP host, without port) is an allowed domain.
    pub fn allows_name(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        !name.is_empty() && self.domains.iter().any(|d| d.matches(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn validation_answers_as_the_api() {
        let ok = |v: Value| assert_eq!(validate(&v), Ok(()), "{v}");
        let bad = |v: Value, m: &str| assert_eq!(validate(&v), Err(m.to_string()), "{v}");
        ok(json!({}));
        ok(json!({"allowOut": ["1.1.1.1", "10.0.0.0/8", "::1", "example.com"], "denyOut": ["0.0.0.0/0"]}));
        ok(json!({"allowOut": ["10.0.0.1/8"], "denyOut": ["10.1.2.3", "fd00::/8"]}));
        bad(json!({"denyOut": ["example.com"]}), "invalid denied CIDR example.com");
        bad(json!({"denyOut": ["0.0.0.0"]}), "invalid denied CIDR 0.0.0.0");
        bad(json!({"denyOut": ["0.0.0.0/8"]}), "invalid denied CIDR 0.0.0.0/8");
        bad(json!({"denyOut": ["10.0.0.0/33"]}), "invalid denied CIDR 10.0.0.0/33");
        bad(json!({"denyOut": ["::/0"]}), "invalid denied CIDR ::/0");
        bad(json!({"allowOut": ["0.0.0.0"]}), "invalid allowed address 0.0.0.0");
        bad(json!({"allowOut": ["example.com"]}), DOMAINS_REQUIRE_BLOCK_ALL);
        bad(json!({"allowOut": ["*.example.com"], "denyOut": ["10.0.0.0/8"]}), DOMAINS_REQUIRE_BLOCK_ALL);
        // The deny list is checked first.
        bad(json!({"allowOut": ["0.0.0.0"], "denyOut": ["x"]}), "invalid denied CIDR x");
        ok(json!({"maskRequestHost": "localhost:${PORT}"}));
        ok(json!({"maskRequestHost": "example.com"}));
        bad(json!({"maskRequestHost": "a:b:c"}), "mask request host is not valid: a:b:c");
        bad(
            json!({"maskRequestHost": "exämple.com"}),
            "mask request host 'exämple.com' is not ASCII. Please use ASCII characters only.",
        );
    }

    #[test]
    fn shapes_are_checked() {
        assert!(check_shape(&json!({"allowOut": ["a"], "httpsPorts": [443], "allowPublicTraffic": null})).is_ok());
        assert!(check_shape(&json!({"allowOut": "a"})).is_err());
        assert!(check_shape(&json!({"allowOut": [1]})).is_err());
        assert!(check_shape(&json!({"allowPublicTraffic": "no"})).is_err());
        assert!(check_shape(&json!([])).is_err());
    }

    #[test]
    fn the_echo_never_has_secrets() {
        let stored = json!({"allowOut": ["a.com"], "egressProxy": {"address": "p:1", "username": "u",
            "password": "secret", "tls": {"enabled": true, "serverName": "p", "caCert": "PEM"}}});
        assert_eq!(
            echo(Some(&stored)),
            json!({"allowOut": ["a.com"], "egressProxy": {"address": "p:1", "username": "u",
                "tls": {"enabled": true, "serverName": "p"}}})
        );
        assert_eq!(echo(None), json!({}));
    }

    #[test]
    fn modes_follow_the_effective_lists() {
        assert_eq!(Mode::of(None, None), Mode::Open);
        assert_eq!(Mode::of(Some(true), Some(&json!({"allowOut": ["1.1.1.1"]}))), Mode::Open);
        let Mode::Filtered(closed) = Mode::of(Some(false), None) else { panic!() };
        assert!(closed.blocks_everything());
        assert_eq!(closed.verdict(ip("1.1.1.1"), 80), Verdict::Deny);
        // allow_internet_access=false replaces denyOut and keeps allowOut.
        let Mode::Filtered(p) =
            Mode::of(Some(false), Some(&json!({"allowOut": ["10.1.0.0/16"], "denyOut": ["1.1.1.1"]})))
        else {
            panic!()
        };
        assert!(!p.blocks_everything());
        assert_eq!(p.verdict(ip("10.1.2.3"), 80), Verdict::Allow);
        assert_eq!(p.verdict(ip("10.2.0.1"), 80), Verdict::Deny);
        assert!(p.dns_servers().is_empty());
    }

    #[test]
    fn allow_beats_deny_and_domains_decide_by_name() {
        let network = json!({"allowOut": ["10.9.0.0/16", "api.example.com", "*.svc.test"],
            "denyOut": ["0.0.0.0/0"], "dnsServers": ["10.231.0.53"]});
        let Mode::Filtered(p) = Mode::of(None, Some(&network)) else { panic!() };
        assert_eq!(p.verdict(ip("10.9.1.1"), 443), Verdict::Allow);
        assert_eq!(p.verdict(ip("10.231.0.53"), 53), Verdict::Allow);
        assert_eq!(p.verdict(ip("10.231.0.53"), 80), Verdict::ByName);
        assert_eq!(p.dns_servers(), &[Ipv4Addr::new(10, 231, 0, 53)]);
        assert!(p.allows_name("api.example.com"));
        assert!(p.allows_name("API.Example.com."));
        assert!(!p.allows_name("example.com"));
        assert!(!p.allows_name("x.api.example.com"));
        assert!(p.allows_name("a.svc.test"));
        assert!(p.allows_name("a.b.svc.test"));
        assert!(!p.allows_name("svc.test"));
        assert!(!p.allows_name("xsvc.test"));
        let partial = json!({"denyOut": ["10.0.0.0/8"]});
        let Mode::Filtered(p) = Mode::of(None, Some(&partial)) else { panic!() };
        assert_eq!(p.verdict(ip("10.1.1.1"), 80), Verdict::Deny);
        assert_eq!(p.verdict(ip("192.168.1.1"), 80), Verdict::Allow);
        // Missing dnsServers: 8.8.8.8; an empty list: none.
        let Mode::Filtered(p) = Mode::of(None, Some(&json!({"allowOut": ["a.b"], "denyOut": [ALL_TRAFFIC]}))) else {
            panic!()
        };
        assert_eq!(p.dns_servers(), &[DEFAULT_DNS]);
        let none = json!({"allowOut": ["a.b"], "denyOut": [ALL_TRAFFIC], "dnsServers": []});
        let Mode::Filtered(p) = Mode::of(None, Some(&none)) else { panic!() };
        assert!(p.dns_servers().is_empty());
        assert_eq!(p.resolver(Some(DEFAULT_DNS)), None);
        let Mode::Filtered(p) = Mode::of(None, Some(&json!({"denyOut": ["10.0.0.0/8"]}))) else { panic!() };
        assert_eq!(p.resolver(Some(DEFAULT_DNS)), Some(DEFAULT_DNS));
        assert_eq!(p.resolver(Some(Ipv4Addr::new(10, 1, 1, 1))), None);
        let Mode::Filtered(p) = Mode::of(None, Some(&network)) else { panic!() };
        assert_eq!(p.resolver(Some(DEFAULT_DNS)), Some(Ipv4Addr::new(10, 231, 0, 53)));
    }
}

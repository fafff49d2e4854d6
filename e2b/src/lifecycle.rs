//! What happens to a sandbox at its timeout and on pause and resume: the
//! official SDKs' `lifecycle` of `Sandbox.create`, the options of `pause` and
//! `connect(on_resume=...)`, and the lifecycle and network fields of
//! [`SandboxInfo`](crate::SandboxInfo).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What a pause keeps (`mode` in the SDKs; `memory` and `pauseMode` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum PauseMode {
    /// Files and memory: the processes go on where they were when resumed (the default).
    #[default]
    Full,
    /// Files only: the processes end, and the sandbox boots afresh from its files when resumed.
    Filesystem,
}

impl PauseMode {
    /// The mode's name in the API: `"full"` or `"filesystem"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PauseMode::Full => "full",
            PauseMode::Filesystem => "filesystem",
        }
    }

    /// The `memory` flag of the API for this mode.
    fn keeps_memory(self) -> bool {
        self == PauseMode::Full
    }
}

/// What happens when a sandbox's timeout passes (`on_timeout` in the SDKs' `lifecycle`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnTimeout {
    /// The sandbox is killed (`"kill"`; the server's default).
    Kill,
    /// The sandbox is paused, keeping its id (`"pause"`, or `{"action": "pause", "mode": ...}`).
    Pause {
        /// What the pause keeps; `None` leaves it to the server (full).
        mode: Option<PauseMode>,
    },
}

/// The `lifecycle` of `Sandbox.create` in the official Python SDK: what
/// happens at the timeout, and whether traffic resumes a paused sandbox.
///
/// ```
/// use e2b::{Lifecycle, OnTimeout, PauseMode, SandboxOptions};
///
/// let lifecycle = Lifecycle::new(OnTimeout::Pause { mode: Some(PauseMode::Full) }).auto_resume(true);
/// let options = SandboxOptions::default().lifecycle(lifecycle);
/// # let _ = options;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Lifecycle {
    /// Kill or pause at the timeout; `None` leaves it to the server (kill).
    pub on_timeout: Option<OnTimeout>,
    /// Let traffic to the paused sandbox resume it; needs `on_timeout` pause, with the full mode.
    /// `None` leaves it to the server (no).
    pub auto_resume: Option<bool>,
}

impl Lifecycle {
    /// A lifecycle that does `on_timeout` at the timeout, without auto-resume.
    pub fn new(on_timeout: OnTimeout) -> Lifecycle {
        Lifecycle { on_timeout: Some(on_timeout), auto_resume: None }
    }

    /// Sets whether traffic resumes the paused sandbox.
    pub fn auto_resume(mut self, auto_resume: bool) -> Lifecycle {
        self.auto_resume = Some(auto_resume);
        self
    }

    /// The create request's `autoPause`, `autoPauseMemory` and `autoResume`,
    /// checked as the Python SDK's `build_lifecycle_config` checks them.
    pub(crate) fn wire(&self) -> Result<LifecycleWire> {
        let (auto_pause, mode) = match self.on_timeout {
            None => (None, None),
            Some(OnTimeout::Kill) => (Some(false), None),
            Some(OnTimeout::Pause { mode }) => (Some(true), mode),
        };
        if self.auto_resume == Some(true) {
            if auto_pause != Some(true) {
                return Err(Error::invalid_argument("lifecycle: auto_resume needs on_timeout to pause the sandbox"));
            }
            if mode == Some(PauseMode::Filesystem) {
                return Err(Error::invalid_argument(
                    "lifecycle: auto_resume cannot be combined with the filesystem pause mode",
                ));
            }
        }
        Ok(LifecycleWire {
            auto_pause,
            auto_pause_memory: mode.map(PauseMode::keeps_memory),
            auto_resume: self.auto_resume.map(|enabled| AutoResume { enabled }),
        })
    }
}

/// The lifecycle keys of a create request.
#[derive(Serialize, Default, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LifecycleWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_pause: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_pause_memory: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_resume: Option<AutoResume>,
}

#[derive(Serialize, Debug, PartialEq)]
pub(crate) struct AutoResume {
    pub enabled: bool,
}

/// How [`Sandbox::pause_with`](crate::Sandbox::pause_with) pauses (the
/// arguments of `sbx.pause(mode=..., strict=...)` in the Python SDK).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PauseOptions {
    /// What the pause keeps; `None` leaves it to the server (full).
    pub mode: Option<PauseMode>,
    /// Refuse to pause (HTTP 503) when envd, the agent in the sandbox, does not
    /// answer, rather than pause anyway and flag the snapshot
    /// ([`SandboxInfo::envd_unresponsive_at_pause`](crate::SandboxInfo::envd_unresponsive_at_pause)).
    pub strict: bool,
}

impl PauseOptions {
    /// Sets what the pause keeps.
    pub fn mode(mut self, mode: PauseMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Sets whether to refuse to pause a sandbox whose envd does not answer.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// The request body: `{}` by default, as the SDKs send it.
    pub(crate) fn body(&self) -> serde_json::Value {
        let mut body = serde_json::Map::new();
        if let Some(mode) = self.mode {
            body.insert("memory".into(), mode.keeps_memory().into());
        }
        if self.strict {
            body.insert("requireHealthyGuest".into(), true.into());
        }
        body.into()
    }
}

/// How a paused sandbox comes back on connect (`on_resume` in the Python SDK, `onResume` in JS).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnResume {
    /// From its memory, where it was (`"restore"`, the default).
    #[default]
    Restore,
    /// Boot afresh from its files, its memory image ignored (`"reboot"`; `"memory": false` on the wire).
    /// The way back for a sandbox paused while envd did not answer.
    Reboot,
}

impl OnResume {
    /// The SDKs' name: `"restore"` or `"reboot"`.
    pub fn as_str(self) -> &'static str {
        match self {
            OnResume::Restore => "restore",
            OnResume::Reboot => "reboot",
        }
    }
}

/// What a sandbox does at its timeout, as [`SandboxInfo::lifecycle`](crate::SandboxInfo::lifecycle) reports it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SandboxLifecycle {
    /// `"kill"` or `"pause"` (as the API says it).
    pub on_timeout: String,
    /// Whether traffic resumes it when paused.
    #[serde(default)]
    pub auto_resume: bool,
}

/// A sandbox's network settings, as [`SandboxInfo::network`](crate::SandboxInfo::network)
/// reports them (the secrets, the proxy's password and CA certificate, are never returned).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SandboxNetworkInfo {
    /// Outbound destinations allowed: CIDRs, IPs, domains.
    #[serde(default, deserialize_with = "e2b_protocol::json::null_as_default")]
    pub allow_out: Vec<String>,
    /// Outbound destinations denied: CIDRs and IPs.
    #[serde(default, deserialize_with = "e2b_protocol::json::null_as_default")]
    pub deny_out: Vec<String>,
    /// The name servers reachable when `allow_out` names a domain; `None` when the server uses its default.
    #[serde(default)]
    pub dns_servers: Option<Vec<String>>,
    /// Per-host rules for outbound HTTPS, host to its rules, as the API gives them.
    #[serde(default, deserialize_with = "e2b_protocol::json::null_as_default")]
    pub rules: BTreeMap<String, Vec<serde_json::Value>>,
    /// The SOCKS5 proxy outbound TCP goes through, if any.
    #[serde(default)]
    pub egress_proxy: Option<EgressProxyInfo>,
    /// Whether ports other than envd's are public (`None`: the project's default).
    #[serde(default)]
    pub allow_public_traffic: Option<bool>,
    /// The `Host` header written into proxied requests to the sandbox's ports.
    #[serde(default)]
    pub mask_request_host: Option<String>,
    /// Ports whose service speaks TLS.
    #[serde(default, deserialize_with = "e2b_protocol::json::null_as_default")]
    pub https_ports: Vec<u16>,
}

/// The egress proxy of [`SandboxNetworkInfo`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EgressProxyInfo {
    /// `host:port` of the proxy.
    pub address: String,
    /// The user name, if any.
    pub username: Option<String>,
    /// Whether the tunnel to the proxy is TLS.
    pub tls: bool,
    /// The TLS server name checked, if one was given (only with `tls`).
    pub tls_server_name: Option<String>,
}

impl<'de> Deserialize<'de> for EgressProxyInfo {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Tls {
            #[serde(default)]
            enabled: bool,
            #[serde(default)]
            server_name: Option<String>,
        }
        #[derive(Deserialize)]
        struct Wire {
            address: String,
            #[serde(default)]
            username: Option<String>,
            #[serde(default)]
            tls: Option<Tls>,
        }
        let wire = Wire::deserialize(deserializer)?;
        // As the Python SDK: the TLS settings count only when `enabled` is true.
        let tls = wire.tls.filter(|tls| tls.enabled);
        Ok(EgressProxyInfo {
            address: wire.address,
            username: wire.username,
            tls: tls.is_some(),
            tls_server_name: tls.and_then(|tls| tls.server_name),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(lifecycle: Lifecycle) -> Result<String> {
        lifecycle.wire().map(|w| serde_json::to_string(&w).unwrap())
    }

    #[test]
    fn lifecycle_maps_as_the_python_sdk() {
        assert_eq!(wire(Lifecycle::default()).unwrap(), "{}");
        assert_eq!(wire(Lifecycle::new(OnTimeout::Kill)).unwrap(), r#"{"autoPause":false}"#);
        assert_eq!(wire(Lifecycle::new(OnTimeout::Pause { mode: None })).unwrap(), r#"{"autoPause":true}"#);
        assert_eq!(
            wire(Lifecycle::new(OnTimeout::Pause { mode: Some(PauseMode::Filesystem) })).unwrap(),
            r#"{"autoPause":true,"autoPauseMemory":false}"#
        );
        assert_eq!(
            wire(Lifecycle::new(OnTimeout::Pause { mode: Some(PauseMode::Full) }).auto_resume(true)).unwrap(),
            r#"{"autoPause":true,"autoPauseMemory":true,"autoResume":{"enabled":true}}"#
        );
        assert_eq!(
            wire(Lifecycle::new(OnTimeout::Kill).auto_resume(false)).unwrap(),
            r#"{"autoPause":false,"autoResume":{"enabled":false}}"#
        );
    }

    #[test]
    fn lifecycle_refuses_what_the_python_sdk_refuses() {
        use crate::ErrorKind::InvalidArgument;
        let kill = Lifecycle::new(OnTimeout::Kill).auto_resume(true);
        assert_eq!(kill.wire().unwrap_err().kind(), InvalidArgument);
        let none = Lifecycle { on_timeout: None, auto_resume: Some(true) };
        assert_eq!(none.wire().unwrap_err().kind(), InvalidArgument);
        let files = Lifecycle::new(OnTimeout::Pause { mode: Some(PauseMode::Filesystem) }).auto_resume(true);
        assert_eq!(files.wire().unwrap_err().kind(), InvalidArgument);
    }

    #[test]
    fn pause_bodies() {
        assert_eq!(PauseOptions::default().body().to_string(), "{}");
        let body = PauseOptions::default().mode(PauseMode::Filesystem).strict(true).body();
        assert_eq!(body.to_string(), r#"{"memory":false,"requireHealthyGuest":true}"#);
    }

    #[test]
    fn network_info_parses_as_the_python_sdk() {
        let json = r#"{"allowOut":["example.com"],"denyOut":["0.0.0.0/0"],"dnsServers":["1.1.1.1"],
            "rules":{"example.com":[{"transform":{"headers":{"A":"b"}}}]},
            "egressProxy":{"address":"p:1080","username":"u","tls":{"enabled":true,"serverName":"p"}},
            "allowPublicTraffic":null,"maskRequestHost":"h:${PORT}","httpsPorts":[3000]}"#;
        let network: SandboxNetworkInfo = serde_json::from_str(json).unwrap();
        assert_eq!(network.allow_out, ["example.com"]);
        assert_eq!(network.dns_servers.as_deref(), Some(&["1.1.1.1".to_owned()][..]));
        let proxy = network.egress_proxy.unwrap();
        assert!(proxy.tls);
        assert_eq!(proxy.tls_server_name.as_deref(), Some("p"));
        assert_eq!(network.rules["example.com"].len(), 1);
        assert_eq!(network.https_ports, [3000]);
        let off: EgressProxyInfo =
            serde_json::from_str(r#"{"address":"p:1","tls":{"enabled":false,"serverName":"x"}}"#).unwrap();
        assert!(!off.tls && off.tls_server_name.is_none());
    }
}

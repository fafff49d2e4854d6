//! The control plane: creating, finding, pausing, resuming and killing
//! sandboxes (E2B's `spec/openapi.yml`).

use std::collections::BTreeMap;
use std::time::Duration;

use e2b_protocol::json::null_as_default;
use e2b_protocol::uuid4;
use serde::{Deserialize, Serialize};
use ureq::http::Method;

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::http;
use crate::lifecycle::{Lifecycle, LifecycleWire, OnResume, OnTimeout, PauseMode, PauseOptions};
use crate::lifecycle::{SandboxLifecycle, SandboxNetworkInfo};
use crate::network::NetworkOptions;
use crate::sandbox::Sandbox;
use crate::util::encode_component;

/// The sandbox lifetime the official SDKs use when none is given.
pub const DEFAULT_SANDBOX_TIMEOUT: Duration = Duration::from_secs(300);

/// How to create a sandbox. `SandboxOptions::default()` gives the `base`
/// template for five minutes, like `Sandbox.create()` in the official SDKs;
/// [`SandboxOptions::new`] names another template, and each setting has a
/// method of its name:
///
/// ```
/// use std::time::Duration;
///
/// let options = e2b::SandboxOptions::new("code-interpreter-v1")
///     .timeout(Duration::from_secs(600))
///     .metadata("user", "ada")
///     .env("LANG", "C.UTF-8")
///     .auto_pause(true);
/// assert_eq!(options.template, "code-interpreter-v1");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SandboxOptions {
    /// Template name or id, or a snapshot's id or name: a sandbox starts
    /// from a snapshot ([`Sandbox::create_snapshot`](crate::Sandbox::create_snapshot))
    /// by naming it here, as `Sandbox.create(snapshot_id)` does in the
    /// official SDKs (see [`SandboxOptions::from_snapshot`]).
    pub template: String,
    /// How long the sandbox lives unless extended; at the end it is killed,
    /// or paused when `auto_pause` is set. Default: [`DEFAULT_SANDBOX_TIMEOUT`].
    /// A sandbox always has an end, so this is a plain `Duration` (the server
    /// refuses one longer than the account allows).
    pub timeout: Duration,
    /// Your own key-value data, shown by `list` and `get_info` and usable as a filter.
    pub metadata: BTreeMap<String, String>,
    /// Environment variables for everything run in the sandbox.
    pub envs: BTreeMap<String, String>,
    /// Require the access token for envd (the default). A sandbox created with
    /// `false` goes through the older `POST /sandboxes`, the only endpoint that
    /// still offers it.
    pub secure: bool,
    /// Whether the sandbox may reach the internet; `None` leaves it to the server (yes).
    pub allow_internet_access: Option<bool>,
    /// Pause instead of kill when the timeout passes. Read only when
    /// [`lifecycle`](SandboxOptions::lifecycle) is `None`; `true` is the same as
    /// a lifecycle with [`OnTimeout::Pause`] and no mode.
    pub auto_pause: bool,
    /// Let traffic to a paused sandbox resume it (needs `auto_pause`); `None` leaves it to the server.
    /// Read only when [`lifecycle`](SandboxOptions::lifecycle) is `None`.
    pub auto_resume: Option<bool>,
    /// What happens at the timeout and whether traffic resumes a paused
    /// sandbox (`lifecycle` in the Python SDK); when set, it replaces
    /// `auto_pause` and `auto_resume`. Checked at create as the SDK checks it.
    pub lifecycle: Option<Lifecycle>,
    /// Makes the create safe to retry: the server answers a repeated key with
    /// the sandbox it made the first time. A random one is used when `None`.
    pub idempotency_key: Option<String>,
    /// Volumes to mount: mount path to volume name (`volume_mounts` in the SDKs).
    pub volume_mounts: BTreeMap<String, String>,
    /// The sandbox's network: egress lists, DNS, proxy, per-host rules and
    /// ingress settings (`network` in the SDKs); `None` sends none.
    pub network: Option<NetworkOptions>,
}

impl Default for SandboxOptions {
    fn default() -> SandboxOptions {
        SandboxOptions {
            template: "base".to_owned(),
            timeout: DEFAULT_SANDBOX_TIMEOUT,
            metadata: BTreeMap::new(),
            envs: BTreeMap::new(),
            secure: true,
            allow_internet_access: None,
            auto_pause: false,
            auto_resume: None,
            lifecycle: None,
            idempotency_key: None,
            volume_mounts: BTreeMap::new(),
            network: None,
        }
    }
}

impl SandboxOptions {
    /// Defaults with `template`.
    pub fn new(template: impl Into<String>) -> SandboxOptions {
        SandboxOptions { template: template.into(), ..SandboxOptions::default() }
    }

    /// Defaults with the snapshot `snapshot_id` as the template: the id a
    /// [`SnapshotInfo`](crate::SnapshotInfo) gives (`<template id>:<tag>` or
    /// `<namespace>/<name>:<tag>`), or a snapshot's name (`my-snapshot`,
    /// `my-snapshot:v2`). The same as [`SandboxOptions::new`]: E2B takes a
    /// snapshot wherever it takes a template.
    pub fn from_snapshot(snapshot_id: impl Into<String>) -> SandboxOptions {
        SandboxOptions::new(snapshot_id)
    }

    /// Sets the lifetime.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Adds one metadata entry.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Adds one environment variable.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.envs.insert(name.into(), value.into());
        self
    }

    /// Whether envd requires the access token (default `true`).
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// Whether the sandbox may reach the internet (the server's default: yes).
    pub fn allow_internet_access(mut self, allow: bool) -> Self {
        self.allow_internet_access = Some(allow);
        self
    }

    /// Pauses instead of killing at the timeout: a shorthand for a
    /// [`lifecycle`](SandboxOptions::lifecycle) with [`OnTimeout::Pause`]
    /// (`false`: with no `on_timeout`, the server's kill).
    pub fn auto_pause(mut self, auto_pause: bool) -> Self {
        self.auto_pause = auto_pause;
        if let Some(lifecycle) = &mut self.lifecycle {
            lifecycle.on_timeout = auto_pause.then_some(OnTimeout::Pause { mode: None });
        }
        self
    }

    /// Lets traffic to the paused sandbox resume it (needs `auto_pause`): a
    /// shorthand for the `auto_resume` of a [`lifecycle`](SandboxOptions::lifecycle).
    pub fn auto_resume(mut self, auto_resume: bool) -> Self {
        self.auto_resume = Some(auto_resume);
        if let Some(lifecycle) = &mut self.lifecycle {
            lifecycle.auto_resume = Some(auto_resume);
        }
        self
    }

    /// Sets what happens at the timeout and whether traffic resumes the
    /// paused sandbox, as `Sandbox.create(lifecycle=...)` does in the Python SDK:
    ///
    /// ```
    /// use e2b::{Lifecycle, OnTimeout, PauseMode, SandboxOptions};
    ///
    /// let options = SandboxOptions::default()
    ///     .lifecycle(Lifecycle::new(OnTimeout::Pause { mode: Some(PauseMode::Filesystem) }));
    /// assert!(options.lifecycle.is_some());
    /// ```
    ///
    /// The create fails with [`ErrorKind::InvalidArgument`] before any request
    /// when `auto_resume` is `true` without a pause at the timeout, or with the
    /// filesystem mode (such a sandbox cannot be resumed by traffic).
    pub fn lifecycle(mut self, lifecycle: Lifecycle) -> Self {
        self.lifecycle = Some(lifecycle);
        self
    }

    /// The lifecycle the create request carries: [`lifecycle`](SandboxOptions::lifecycle),
    /// else the one `auto_pause` and `auto_resume` make.
    fn effective_lifecycle(&self) -> Lifecycle {
        self.lifecycle.unwrap_or(Lifecycle {
            on_timeout: self.auto_pause.then_some(OnTimeout::Pause { mode: None }),
            auto_resume: self.auto_resume,
        })
    }

    /// Sets the key that makes the create safe to retry: the server answers a
    /// repeated key with the sandbox it made the first time (1 to 255
    /// characters of `a-z`, `0-9` and `-`).
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Mounts the volume named `volume` (see [`Volume::name`](crate::Volume::name)) at the
    /// absolute path `path` in the sandbox.
    pub fn volume_mount(mut self, path: impl Into<String>, volume: impl Into<String>) -> Self {
        self.volume_mounts.insert(path.into(), volume.into());
        self
    }

    /// Sets the sandbox's network (see [`NetworkOptions`]).
    pub fn network(mut self, network: NetworkOptions) -> Self {
        self.network = Some(network);
        self
    }
}

/// Whether a sandbox runs or is paused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SandboxState {
    /// Running.
    Running,
    /// Paused: its filesystem (and memory) kept until it is resumed.
    Paused,
    /// A state this client does not know, such as the transitional states
    /// (pausing, snapshotting, ...) the API may report. Only ever received:
    /// [`Client::list`] refuses it in a query.
    #[serde(other)]
    Unknown,
}

impl SandboxState {
    /// The state's name in the API (`"unknown"` for [`SandboxState::Unknown`]).
    pub fn as_str(self) -> &'static str {
        match self {
            SandboxState::Running => "running",
            SandboxState::Paused => "paused",
            SandboxState::Unknown => "unknown",
        }
    }
}

/// What the control plane knows of a sandbox (`get_info`, `list`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SandboxInfo {
    /// The sandbox id.
    #[serde(rename = "sandboxID")]
    pub sandbox_id: String,
    /// The id of the template it was created from.
    #[serde(rename = "templateID")]
    pub template_id: String,
    /// The template's alias (the SDKs call it `name`).
    #[serde(default)]
    pub alias: Option<String>,
    /// The metadata given at creation.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: BTreeMap<String, String>,
    /// RFC 3339 time the sandbox started.
    pub started_at: String,
    /// RFC 3339 time the sandbox will end unless extended.
    pub end_at: String,
    /// Running or paused (or a state newer than this client).
    pub state: SandboxState,
    /// How many virtual CPUs it has.
    pub cpu_count: u32,
    /// Its memory, in MiB.
    #[serde(rename = "memoryMB")]
    pub memory_mb: u32,
    /// Its disk, in MiB (0 when the server does not say).
    #[serde(rename = "diskSizeMB", default)]
    pub disk_size_mb: u32,
    /// The version of envd, the agent inside the sandbox.
    pub envd_version: String,
    /// The volumes mounted in the sandbox.
    #[serde(default, deserialize_with = "null_as_default")]
    pub volume_mounts: Vec<VolumeMount>,
    /// What it does at its timeout and whether traffic resumes it (`get_info` only;
    /// `None` from [`Client::list`] and from servers that do not say).
    #[serde(default)]
    pub lifecycle: Option<SandboxLifecycle>,
    /// How a paused sandbox was paused (`get_info` only; `None` while it runs).
    #[serde(default, deserialize_with = "lenient_pause_mode")]
    pub pause_mode: Option<PauseMode>,
    /// `true` when it was paused while envd, the agent inside, did not answer:
    /// it can then only be resumed with [`OnResume::Reboot`]
    /// ([`Client::connect_with`]); resuming it otherwise fails with
    /// [`ErrorKind::Conflict`] (`sandbox_snapshot_guest_agent_unresponsive`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub envd_unresponsive_at_pause: bool,
    /// Whether it may reach the internet, as given at creation (`get_info` only;
    /// `None`: not set explicitly).
    #[serde(default)]
    pub allow_internet_access: Option<bool>,
    /// The domain it lives under, when the server says (`get_info` only).
    #[serde(default)]
    pub domain: Option<String>,
    /// Its network settings (`get_info` only; `None` when none were given).
    #[serde(default)]
    pub network: Option<SandboxNetworkInfo>,
}

/// `pauseMode`: `full` or `filesystem`; anything else (newer than this client) is `None`.
fn lenient_pause_mode<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<PauseMode>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    Ok(match text.as_deref() {
        Some("full") => Some(PauseMode::Full),
        Some("filesystem") => Some(PauseMode::Filesystem),
        _ => None,
    })
}

/// A volume mounted in a sandbox ([`SandboxInfo::volume_mounts`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VolumeMount {
    /// The volume's name.
    pub name: String,
    /// Where it is mounted in the sandbox.
    pub path: String,
}

/// Which sandboxes [`Client::list`] returns: `ListQuery::default()` for every
/// running or paused sandbox, narrowed by the methods of each setting's name:
///
/// ```
/// let query = e2b::ListQuery::default().state(e2b::SandboxState::Paused).metadata("user", "ada").limit(10);
/// assert_eq!(query.limit, Some(10));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ListQuery {
    /// Only these states; empty means running and paused. ([`SandboxState::Unknown`]
    /// cannot be asked for.)
    pub states: Vec<SandboxState>,
    /// Only sandboxes whose metadata holds all of these pairs.
    pub metadata: BTreeMap<String, String>,
    /// Only sandboxes of this template (its id or name; a `:tag` is refused by the API).
    pub template: Option<String>,
    /// Only sandboxes started at or after this time, in RFC 3339 (`2026-12-03T10:00:00Z`),
    /// the form [`SandboxInfo::started_at`] has.
    pub started_after: Option<String>,
    /// By start time, newest first unless [`ListOrder::Asc`].
    pub order: ListOrder,
    /// Page size (1 to 100); `None` lets the server choose (100).
    pub limit: Option<u32>,
    /// Where to continue: [`SandboxPage::next_token`] of the previous page.
    pub next_token: Option<String>,
}

/// The order of [`Client::list`]: by the time the sandboxes started, ties broken by id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListOrder {
    /// Newest first (the API's default).
    #[default]
    Desc,
    /// Oldest first.
    Asc,
}

impl ListOrder {
    /// The order's name in the API: `"desc"` or `"asc"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ListOrder::Desc => "desc",
            ListOrder::Asc => "asc",
        }
    }
}

impl ListQuery {
    /// Adds a state to ask for (only [`Running`](SandboxState::Running) and
    /// [`Paused`](SandboxState::Paused) can be).
    pub fn state(mut self, state: SandboxState) -> Self {
        self.states.push(state);
        self
    }

    /// Adds one metadata pair that every sandbox listed must hold.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Lists only sandboxes of `template` (its id or name).
    pub fn template(mut self, template: impl Into<String>) -> Self {
        self.template = Some(template.into());
        self
    }

    /// Lists only sandboxes started at or after `time`, in RFC 3339.
    pub fn started_after(mut self, time: impl Into<String>) -> Self {
        self.started_after = Some(time.into());
        self
    }

    /// Sets the order (newest first by default).
    pub fn order(mut self, order: ListOrder) -> Self {
        self.order = order;
        self
    }

    /// Sets the page size (1 to 100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Continues where the page that gave `next_token` ended.
    pub fn next_token(mut self, next_token: impl Into<String>) -> Self {
        self.next_token = Some(next_token.into());
        self
    }
}

/// One page of [`Client::list`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SandboxPage {
    /// The sandboxes of this page, in the query's order.
    pub sandboxes: Vec<SandboxInfo>,
    /// Pass this as [`ListQuery::next_token`] for the next page; `None` on the last page.
    pub next_token: Option<String>,
    /// How many running sandboxes match the query's filters, on every page together
    /// (the API's `X-Total-Running`); `None` when the query did not ask for running ones.
    pub total_running: Option<u64>,
}

/// The control plane's description of a created or connected sandbox.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SandboxWire {
    #[serde(rename = "sandboxID")]
    pub sandbox_id: String,
    #[serde(rename = "templateID")]
    pub template_id: String,
    #[serde(default)]
    pub envd_version: String,
    #[serde(default)]
    pub envd_access_token: Option<String>,
    #[serde(default)]
    pub traffic_access_token: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewSandbox<'a> {
    #[serde(rename = "templateID")]
    template_id: &'a str,
    timeout: u64,
    #[serde(flatten)]
    lifecycle: LifecycleWire,
    #[serde(skip_serializing_if = "Option::is_none")]
    secure: Option<bool>,
    #[serde(rename = "allow_internet_access", skip_serializing_if = "Option::is_none")]
    allow_internet_access: Option<bool>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    metadata: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    env_vars: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volume_mounts: Vec<VolumeMount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network: Option<&'a NetworkOptions>,
}

impl Client {
    /// Creates a sandbox (`Sandbox.create` in the official SDKs).
    ///
    /// Like every control-plane call, each attempt is bounded by the request
    /// timeout and retried (see [`Config::max_retries`](crate::Config::max_retries))
    /// within the [call deadline](Client::with_deadline). A secure create
    /// carries an idempotency key, so it is retried even when its answer was
    /// lost: the server answers the retry with the sandbox it made.
    pub fn create_sandbox(&self, options: &SandboxOptions) -> Result<Sandbox> {
        let what = format!("create sandbox from template '{}'", options.template);
        let body = NewSandbox {
            template_id: &options.template,
            timeout: whole_seconds(options.timeout),
            lifecycle: options.effective_lifecycle().wire().map_err(|err| err.context(&what))?,
            secure: (!options.secure).then_some(false),
            allow_internet_access: options.allow_internet_access,
            metadata: &options.metadata,
            env_vars: &options.envs,
            volume_mounts: options
                .volume_mounts
                .iter()
                .map(|(path, name)| VolumeMount { name: name.clone(), path: path.clone() })
                .collect(),
            network: options.network.as_ref(),
        };
        let request = if options.secure {
            // The key makes the create safe to send again, even after an answer
            // was lost: the server answers a repeated key with the sandbox it made.
            let key = match &options.idempotency_key {
                Some(key) => check_idempotency_key(key).map_err(|err| err.context(&what))?.to_owned(),
                None => uuid4(),
            };
            self.api_request(Method::POST, "/v2/sandboxes")?.header("Idempotency-Key", key)
        } else if options.idempotency_key.is_some() {
            return Err(Error::invalid_argument(format!(
                "{what}: idempotency keys need a secure sandbox (the older endpoint has none)"
            )));
        } else {
            // Without a key a repeated create could make a second sandbox: send it once.
            self.api_request(Method::POST, "/sandboxes")?.retries(0)
        };
        let wire: SandboxWire = self.api_json(request.json(&body), &what, ErrorKind::NotFound)?;
        Ok(Sandbox::from_wire(self.clone(), wire))
    }

    /// Connects to a sandbox by id, resuming it if it is paused, and keeps it
    /// alive for at least `timeout` from now ([`DEFAULT_SANDBOX_TIMEOUT`] is
    /// the official SDKs' choice). A running sandbox's timeout is only ever extended.
    pub fn connect(&self, sandbox_id: &str, timeout: Duration) -> Result<Sandbox> {
        self.connect_reporting(sandbox_id, timeout).map(|(sandbox, _)| sandbox)
    }

    /// Resumes a paused sandbox: the same operation as [`connect`](Client::connect),
    /// under the name E2B's documentation uses (`Sandbox.resume(id, timeout)`).
    pub fn resume(&self, sandbox_id: &str, timeout: Duration) -> Result<Sandbox> {
        self.connect(sandbox_id, timeout)
    }

    /// [`connect`](Client::connect), also telling whether the sandbox was
    /// paused and has just been resumed (HTTP 201) rather than running (200).
    /// When the answer to a first attempt was lost and the retry finds the
    /// sandbox running, that attempt may have resumed it: this counts as resumed.
    pub fn connect_reporting(&self, sandbox_id: &str, timeout: Duration) -> Result<(Sandbox, bool)> {
        self.connect_reporting_with(sandbox_id, timeout, OnResume::Restore)
    }

    /// [`connect`](Client::connect), saying how a paused sandbox comes back
    /// (`Sandbox.connect(id, timeout, on_resume=...)` in the Python SDK):
    /// [`OnResume::Reboot`] boots it afresh from its files, its memory ignored
    /// (the way back for a sandbox paused while envd did not answer, see
    /// [`SandboxInfo::envd_unresponsive_at_pause`]); a running sandbox is not
    /// affected. The SDK's class form; [`Sandbox::connect_with`] is its instance form.
    pub fn connect_with(&self, sandbox_id: &str, timeout: Duration, on_resume: OnResume) -> Result<Sandbox> {
        self.connect_reporting_with(sandbox_id, timeout, on_resume).map(|(sandbox, _)| sandbox)
    }

    /// [`connect_with`](Client::connect_with), also telling whether the sandbox was
    /// resumed, as [`connect_reporting`](Client::connect_reporting) does.
    pub fn connect_reporting_with(
        &self,
        sandbox_id: &str,
        timeout: Duration,
        on_resume: OnResume,
    ) -> Result<(Sandbox, bool)> {
        let what = format!("connect to sandbox {sandbox_id}");
        let path = format!("/v2/sandboxes/{}/connect", encode_component(sandbox_id));
        let mut body = serde_json::json!({ "timeout": whole_seconds(timeout) });
        if on_resume == OnResume::Reboot {
            body["memory"] = false.into();
        }
        let request = self.api_request(Method::POST, &path)?.json(&body);
        let response = self.api_fetch(request, &what, ErrorKind::SandboxNotFound)?;
        // A 200 after an attempt whose answer was lost may follow our own resume.
        let resumed = response.status() == 201 || http::maybe_done_before(&response);
        let wire: SandboxWire = decode(&response, &what)?;
        Ok((Sandbox::from_wire(self.clone(), wire), resumed))
    }

    /// Kills a sandbox, running or paused. `Ok(false)` if it did not exist
    /// (unless an attempt whose answer was lost killed it: then `Ok(true)`).
    pub fn kill(&self, sandbox_id: &str) -> Result<bool> {
        let what = format!("kill sandbox {sandbox_id}");
        let request = self.api_request(Method::DELETE, &sandbox_path(sandbox_id, ""))?;
        let response = http::fetch(self.agent(), request, &what)?;
        // Not found after an attempt whose answer was lost: that attempt killed it.
        if response.status() == 404 {
            return Ok(http::maybe_done_before(&response));
        }
        check(response, &what, ErrorKind::SandboxNotFound).map(|_| true)
    }

    /// Pauses a sandbox, keeping its filesystem and memory. `Ok(true)` if it
    /// was running and is now paused, `Ok(false)` if it was already paused
    /// (unless an attempt whose answer was lost paused it: then `Ok(true)`).
    pub fn pause(&self, sandbox_id: &str) -> Result<bool> {
        self.pause_with(sandbox_id, &PauseOptions::default())
    }

    /// [`pause`](Client::pause) with options (`sbx.pause(mode=..., strict=...)`
    /// in the Python SDK): [`PauseMode::Filesystem`] keeps only the files;
    /// `strict` refuses to pause a sandbox whose envd does not answer. Such
    /// a refusal, and a filesystem pause of a sandbox whose envd does not
    /// answer, fail with [`ErrorKind::Api`] and [`Error::status`] 503 (the
    /// SDKs' `ServiceBusyException`), the sandbox left running. A sandbox
    /// that does not exist is [`ErrorKind::SandboxNotFound`].
    pub fn pause_with(&self, sandbox_id: &str, options: &PauseOptions) -> Result<bool> {
        let what = format!("pause sandbox {sandbox_id}");
        let request = self.api_request(Method::POST, &sandbox_path(sandbox_id, "/pause"))?.json(&options.body());
        let response = http::fetch(self.agent(), request, &what)?;
        // Already paused after an attempt whose answer was lost: that attempt paused it.
        if response.status() == 409 {
            return Ok(http::maybe_done_before(&response));
        }
        check(response, &what, ErrorKind::SandboxNotFound).map(|_| true)
    }

    /// Sets a sandbox to end `timeout` from now; this can shorten its life too.
    pub fn set_timeout(&self, sandbox_id: &str, timeout: Duration) -> Result<()> {
        let what = format!("set the timeout of sandbox {sandbox_id}");
        let request = self
            .api_request(Method::POST, &sandbox_path(sandbox_id, "/timeout"))?
            .json(&serde_json::json!({ "timeout": whole_seconds(timeout) }));
        self.api_json::<serde::de::IgnoredAny>(request, &what, ErrorKind::SandboxNotFound).map(drop)
    }

    /// What the control plane knows of a sandbox.
    pub fn get_info(&self, sandbox_id: &str) -> Result<SandboxInfo> {
        let what = format!("get info of sandbox {sandbox_id}");
        let request = self.api_request(Method::GET, &sandbox_path(sandbox_id, ""))?;
        self.api_json(request, &what, ErrorKind::SandboxNotFound)
    }

    /// One page of the sandboxes matching `query`, newest first unless it says otherwise.
    pub fn list(&self, query: &ListQuery) -> Result<SandboxPage> {
        let what = "list sandboxes";
        if query.states.contains(&SandboxState::Unknown) {
            return Err(Error::invalid_argument(format!("{what}: only running and paused sandboxes can be asked for")));
        }
        let states = if query.states.is_empty() {
            "running,paused".to_owned()
        } else {
            query.states.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
        };
        let mut params = vec![("state", states)];
        if !query.metadata.is_empty() {
            params.push(("metadata", metadata_filter(&query.metadata)));
        }
        if let Some(template) = &query.template {
            params.push(("template", template.clone()));
        }
        if let Some(time) = &query.started_after {
            params.push(("startedAfter", time.clone()));
        }
        if query.order != ListOrder::Desc {
            params.push(("order", query.order.as_str().to_owned()));
        }
        if let Some(limit) = query.limit {
            params.push(("limit", limit.to_string()));
        }
        if let Some(token) = &query.next_token {
            params.push(("nextToken", token.clone()));
        }
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let path = format!("/v2/sandboxes?{}", crate::util::query(&pairs));
        let request = self.api_request(Method::GET, &path)?;
        let response = self.api_fetch(request, what, ErrorKind::NotFound)?;
        let next_token = http::header(&response, "x-next-token").filter(|t| !t.is_empty()).map(str::to_owned);
        let total_running = http::header(&response, "x-total-running").and_then(|n| n.parse().ok());
        Ok(SandboxPage { sandboxes: decode(&response, what)?, next_token, total_running })
    }

    /// Every sandbox matching `query`, following the pages to the end.
    /// With a [deadline](Client::with_deadline), it bounds all the pages together.
    pub fn list_all(&self, query: &ListQuery) -> Result<Vec<SandboxInfo>> {
        let client = self.pinned();
        let mut query = query.clone();
        let mut all = Vec::new();
        loop {
            let page = client.list(&query)?;
            all.extend(page.sandboxes);
            match page.next_token {
                Some(token) => query.next_token = Some(token),
                None => return Ok(all),
            }
        }
    }

    /// Sends a control-plane request and returns its answer if its status is 2xx.
    pub(crate) fn api_fetch(
        &self,
        request: http::Request<'_>,
        what: &str,
        not_found: ErrorKind,
    ) -> Result<ureq::http::Response<Vec<u8>>> {
        check(http::fetch(self.agent(), request, what)?, what, not_found)
    }

    /// Sends a control-plane request and decodes its JSON answer.
    pub(crate) fn api_json<T: serde::de::DeserializeOwned>(
        &self,
        request: http::Request<'_>,
        what: &str,
        not_found: ErrorKind,
    ) -> Result<T> {
        decode(&self.api_fetch(request, what, not_found)?, what)
    }
}

/// `response` if its status is 2xx, else the error it describes.
pub(crate) fn check(
    response: ureq::http::Response<Vec<u8>>,
    what: &str,
    not_found: ErrorKind,
) -> Result<ureq::http::Response<Vec<u8>>> {
    if response.status().is_success() {
        return Ok(response);
    }
    let retry_after = http::header(&response, "retry-after").and_then(http::parse_retry_after);
    let status = response.status().as_u16();
    Err(Error::from_api(what, status, response.body(), not_found).with_retry_after(retry_after))
}

/// The JSON body of `response`; an empty body, as with 204, decodes as JSON `null`.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    response: &ureq::http::Response<Vec<u8>>,
    what: &str,
) -> Result<T> {
    let body: &[u8] = if response.body().is_empty() { b"null" } else { response.body() };
    serde_json::from_slice(body).map_err(|err| Error::decode(what, err))
}

pub(crate) fn sandbox_path(sandbox_id: &str, tail: &str) -> String {
    format!("/sandboxes/{}{tail}", encode_component(sandbox_id))
}

/// The API counts in whole seconds; a part-second rounds up so it is never shortened.
pub(crate) fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

/// The `metadata` filter as the official SDKs encode it (`GET
/// /v2/sandboxes`): each key and value encoded twice, pairs joined by `=` and `&`;
/// the query string then encodes the whole once more, and the server decodes
/// three times.
fn metadata_filter(metadata: &BTreeMap<String, String>) -> String {
    let twice = |text: &str| encode_component(&encode_component(text));
    metadata.iter().map(|(k, v)| format!("{}={}", twice(k), twice(v))).collect::<Vec<_>>().join("&")
}

/// `key` if it is a valid `Idempotency-Key`: 1 to 255 characters of `[a-z0-9-]`.
pub fn check_idempotency_key(key: &str) -> Result<&str> {
    let valid = (1..=255).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(key)
    } else {
        Err(Error::invalid_argument(format!(
            "invalid idempotency key {key:?}: use 1 to 255 characters of a-z, 0-9 and '-'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_filter_matches_the_sdks_bytes() {
        let metadata = BTreeMap::from([("a b".to_owned(), "c&d".to_owned())]);
        let query = crate::util::query(&[("metadata", &metadata_filter(&metadata))]);
        assert_eq!(query, "metadata=a%252520b%3Dc%252526d");
    }

    #[test]
    fn create_body_sends_only_what_is_set() {
        let options = SandboxOptions::default();
        let body = NewSandbox {
            template_id: &options.template,
            timeout: whole_seconds(options.timeout),
            lifecycle: LifecycleWire::default(),
            secure: None,
            allow_internet_access: None,
            metadata: &options.metadata,
            env_vars: &options.envs,
            volume_mounts: Vec::new(),
            network: None,
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"templateID":"base","timeout":300}"#);
        let network = crate::NetworkOptions::default().deny_out(crate::ALL_TRAFFIC);
        let body = NewSandbox { network: Some(&network), ..body };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"templateID":"base","timeout":300,"network":{"denyOut":["0.0.0.0/0"]}}"#
        );
    }

    #[test]
    fn seconds_round_up() {
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(3)), 3);
    }

    #[test]
    fn idempotency_keys_are_checked() {
        assert!(check_idempotency_key(&uuid4()).is_ok());
        assert!(check_idempotency_key("Upper").is_err());
        assert!(check_idempotency_key("").is_err());
        assert!(check_idempotency_key(&"a".repeat(256)).is_err());
    }

    #[test]
    fn info_parses_a_listed_sandbox() {
        let json = r#"{"templateID":"base","alias":"base","sandboxID":"abc","clientID":"c",
            "startedAt":"2024-01-01T00:00:00Z","endAt":"2024-01-01T00:05:00Z","cpuCount":2,
            "memoryMB":512,"diskSizeMB":1024,"metadata":null,"state":"paused","envdVersion":"0.6.13"}"#;
        let info: SandboxInfo = serde_json::from_str(json).unwrap();
        assert_eq!(info.state, SandboxState::Paused);
        assert!(info.metadata.is_empty());
        assert_eq!(info.memory_mb, 512);
    }
}

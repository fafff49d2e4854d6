//! Sandboxes: their state, its persistence in the data directory, timeouts, pause and resume.
//!
//! Layout of the data directory:
//! - `templates/<name>/`: a template's file tree; a new sandbox's `/` starts as a copy of it.
//! - `sandboxes/<id>/sandbox.json`: a sandbox's state, replaced atomically on every change.
//! - `sandboxes/<id>/fs/`: the sandbox's own files: its root folder, or, over a base image,
//!   the upper layer of its root's overlay, mounted at `sandboxes/<id>/root/` (with
//!   `sandboxes/<id>/work/`) while the sandbox is in use ([`Rootfs`]).
//! - `spare/`: a few staging folders made in advance from an empty template ([`Housekeeper`]).
//! - `snapshots/<build>/`: the snapshots, which new sandboxes can start from ([`Catalog`]).
//!
//! A sandbox is created under `sandboxes/.tmp-<id>` (or `spare/`) and renamed into place, and
//! killed by a rename to `sandboxes/.trash-<id>`, whose files are deleted afterwards, so a crash
//! never leaves a half-made or half-deleted sandbox that would load on the next start. Neither
//! waits for the disk: see [`persist`] for what is durable when.
//!
//! What runs in a sandbox (its [`Runtime`]: processes, code contexts) lives in memory only.
//! Pausing freezes it and resuming thaws it; killing or a timeout ends it. After a restart of
//! the server a sandbox has no processes (its files stay, and a paused one stays paused).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::envd::process;
use crate::isolation::{self, Machine, Probe};
use crate::logs::{Journal, Level};
use crate::rfc3339::{self, Micros, MICROS_PER_SEC};
use crate::rootfs::{self, Base, Rootfs};
use crate::snapshots::{self, Catalog, Draft, Name, Snapshot, StartConfig};
use crate::{code, persist, volumes};

/// The envd version we report: the current real one, so that no SDK feature gate trips.
pub const ENVD_VERSION: &str = "0.6.13";
/// The deprecated `clientID` every response still carries.
pub const CLIENT_ID: &str = "6532622b";
/// The longest timeout a sandbox can be given (the real Pro tier's limit).
pub const MAX_TIMEOUT_SECS: i64 = 24 * 3600;
/// Templates that always exist (created empty when missing).
pub const BUILTIN_TEMPLATES: [&str; 2] = ["base", "code-interpreter-v1"];
/// The floor of the timeout a sandbox gets when traffic auto-resumes it (as the real proxy).
const MIN_AUTO_RESUME_SECS: i64 = 60;

/// Whether `id` has the shape of a sandbox id: `^[a-z0-9]+$` (ours have 20 characters).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Running,
    Paused,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Running => "running",
            State::Paused => "paused",
        }
    }
}

/// Everything known about one sandbox; this is also the content of its `sandbox.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sandbox {
    pub sandbox_id: String,
    pub template_id: String,
    /// The template whose image the sandbox's own files lie over, when it is not
    /// `template_id`: a sandbox made from a snapshot lies over its source's image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_template_id: Option<String>,
    pub alias: String,
    pub metadata: BTreeMap<String, String>,
    pub env_vars: BTreeMap<String, String>,
    #[serde(with = "rfc3339::as_string")]
    pub started_at: Micros,
    /// When the timeout fires (running), or when the sandbox was paused (paused).
    #[serde(with = "rfc3339::as_string")]
    pub end_at: Micros,
    pub state: State,
    /// Pause instead of kill when the timeout fires.
    pub auto_pause: bool,
    /// What that pause keeps: `false` pauses with the filesystem only (`autoPauseMemory`).
    #[serde(default = "keeps_memory", skip_serializing_if = "Clone::clone")]
    pub auto_pause_memory: bool,
    /// How a paused sandbox was paused; `None` while it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_mode: Option<PauseMode>,
    /// Set when the sandbox was paused while its guest did not answer (`envdUnresponsiveAtPause`):
    /// it then resumes only afresh from its files (`memory: false`), never from its memory or
    /// by traffic. Cleared when it runs again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub envd_unresponsive_at_pause: bool,
    /// Resume when envd traffic reaches the paused sandbox.
    pub auto_resume: bool,
    /// The timeout given at creation, the base of the auto-resume timeout.
    pub timeout_secs: i64,
    /// The `X-Access-Token` envd requires; `None` for an insecure (v1 `secure: false`) sandbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_internet_access: Option<bool>,
    /// The `network` object given at creation (or by the last network update), as it was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<serde_json::Value>,
    /// The `e2b-traffic-access-token` of a sandbox created with `network.allowPublicTraffic: false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_access_token: Option<String>,
    pub cpu_count: u32,
    pub memory_mb: u32,
    pub disk_size_mb: u32,
    /// The volumes mounted in the sandbox (`volumeMounts` at creation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<volumes::Mount>,
    /// What a sandbox of a built template starts with (its default user and workdir, its
    /// start and ready commands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_config: Option<StartConfig>,
}

impl Sandbox {
    /// The template whose image is under the sandbox's own files.
    pub fn image_template(&self) -> &str {
        self.base_template_id.as_deref().unwrap_or(&self.template_id)
    }
}

/// What a pause keeps, as the API names it (`pauseMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PauseMode {
    /// Files and memory: the processes are frozen and go on where they were.
    Full,
    /// Files only: the processes end, and the sandbox boots afresh on resume.
    Filesystem,
}

impl PauseMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PauseMode::Full => "full",
            PauseMode::Filesystem => "filesystem",
        }
    }
}

/// Ends a runtime taken out of the store: its streams break first (see [`Runtime::gone`]), so
/// that none reports its processes' end, then its processes end and its root is unmounted.
fn end_runtime(runtime: &Runtime) {
    runtime.gone.send_replace(true);
    runtime.machine.end();
    runtime.rootfs.end();
}

/// The default of [`Sandbox::auto_pause_memory`] for a sandbox saved before it existed.
fn keeps_memory() -> bool {
    true
}

/// What a create request asks for, already validated.
#[derive(Debug, Default)]
pub struct NewSandbox {
    pub template: String,
    pub timeout_secs: i64,
    pub metadata: BTreeMap<String, String>,
    pub env_vars: BTreeMap<String, String>,
    pub secure: bool,
    pub auto_pause: bool,
    pub auto_pause_memory: bool,
    pub auto_resume: bool,
    pub allow_internet_access: Option<bool>,
    pub network: Option<serde_json::Value>,
    pub traffic_access_token: Option<String>,
    /// The volumes to mount, already checked.
    pub volume_mounts: Vec<volumes::Mount>,
}

#[derive(Debug)]
pub enum StoreError {
    NotFound,
    AlreadyPaused,
    AlreadyRunning,
    /// A resume from memory of a sandbox paused while its guest did not answer.
    GuestUnresponsive,
    TemplateNotFound,
    Io(io::Error),
}

impl From<io::Error> for StoreError {
    fn from(e: io::Error) -> Self {
        StoreError::Io(e)
    }
}

/// Where envd requests for a running sandbox go.
#[derive(Clone, Debug)]
pub struct EnvdTarget {
    pub fs_dir: PathBuf,
    pub access_token: Option<String>,
    pub runtime: Arc<Runtime>,
    /// The token requests to the sandbox's other ports must carry (`allowPublicTraffic: false`).
    pub traffic_access_token: Option<String>,
    /// `network.maskRequestHost`: the `Host` requests to the other ports get.
    pub mask_request_host: Option<String>,
}

/// What runs in a sandbox: its root filesystem, its jail, the processes started through envd,
/// the code contexts.
pub struct Runtime {
    pub rootfs: Arc<Rootfs>,
    pub machine: Machine,
    pub processes: process::Table,
    pub contexts: code::Contexts,
    /// The sandbox's environment variables (from its creation), which every process gets.
    pub env_vars: BTreeMap<String, String>,
    /// The user of a process started without one (`user`, or a built template's `USER`).
    pub default_user: isolation::User,
    /// The working directory of a process started without one (the user's home, or a built
    /// template's `WORKDIR`).
    pub default_workdir: Option<String>,
    /// Turns true when the sandbox is killed or times out: its streams then break off, as a
    /// dead E2B sandbox's connections do, rather than end as if its processes had exited.
    pub gone: tokio::sync::watch::Sender<bool>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

/// What a template build starts from (see [`Store::stage_parent`]).
#[derive(Debug)]
pub struct Parent {
    /// The template whose image lies below the files.
    pub base_template_id: String,
    /// The parent's environment variables.
    pub env_vars: BTreeMap<String, String>,
    /// The parent's start configuration.
    pub config: StartConfig,
}

/// All sandboxes of one server, in memory and on disk.
pub struct Store {
    sandboxes_dir: PathBuf,
    /// Where the volumes mounted in sandboxes are.
    volumes_dir: PathBuf,
    templates_dir: PathBuf,
    /// What every sandbox's `/` is made of.
    base: Base,
    sandboxes: Mutex<HashMap<String, Sandbox>>,
    /// The runtimes of the sandboxes that had envd traffic since the server started.
    runtimes: Mutex<HashMap<String, Arc<Runtime>>>,
    /// Wakes the timer task when a deadline may have moved earlier.
    deadline_changed: Notify,
    /// Deletes the folders of killed sandboxes and keeps spares ready.
    housekeeper: Housekeeper,
    /// Set once the server stops: no sandbox starts running (or mounts its root) again.
    stopping: std::sync::atomic::AtomicBool,
    /// The snapshots, under `snapshots/`.
    snapshots: Catalog,
    /// The sandboxes whose files are being copied (a snapshot, a fork), with how many copies:
    /// their processes stay frozen meanwhile.
    capturing: Mutex<HashMap<String, usize>>,
    /// The server's lines about each sandbox (its logs).
    journal: Journal,
}

/// What the metrics sampler reads of one sandbox ([`Store::metered`]).
pub struct Metered {
    pub sandbox: Sandbox,
    /// Where its processes' figures are, while it has processes.
    pub probe: Option<Probe>,
    /// Its own files: the writable layer of its root, or its whole copy.
    pub files: PathBuf,
}

impl Store {
    /// Loads every sandbox under `data_dir`, creating the layout on first use. Timeouts that
    /// passed while the server was down take effect before this returns.
    pub fn open(data_dir: &Path) -> io::Result<Store> {
        let sandboxes_dir = data_dir.join("sandboxes");
        let templates_dir = data_dir.join("templates");
        let spare_dir = data_dir.join("spare");
        fs::create_dir_all(&sandboxes_dir)?;
        match fs::remove_dir_all(&spare_dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => fs::create_dir(&spare_dir)?,
        }
        isolation::end_leftovers(&sandboxes_dir);
        rootfs::unmount_leftovers(&sandboxes_dir);
        let base = Base::find(data_dir);
        for name in BUILTIN_TEMPLATES {
            fs::create_dir_all(templates_dir.join(name))?;
        }
        let mut sandboxes = HashMap::new();
        for entry in fs::read_dir(&sandboxes_dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp-") || name.starts_with(".trash-") {
                match fs::remove_dir_all(entry.path()) {
                    // A server that stopped in this process may still be deleting it.
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => continue,
                }
            }
            match load_sandbox(&entry.path()) {
                Ok(sbx) if sbx.sandbox_id == name => {
                    sandboxes.insert(name, sbx);
                }
                Ok(_) => eprintln!("e2b-local: skipping {}: its id does not match its folder", entry.path().display()),
                Err(e) => eprintln!("e2b-local: skipping {}: {e}", entry.path().display()),
            }
        }
        let store = Store {
            sandboxes_dir,
            volumes_dir: volumes::volumes_dir(data_dir),
            templates_dir,
            base,
            sandboxes: Mutex::new(sandboxes),
            runtimes: Mutex::default(),
            deadline_changed: Notify::new(),
            housekeeper: Housekeeper::start(spare_dir)?,
            stopping: std::sync::atomic::AtomicBool::new(false),
            snapshots: Catalog::open(data_dir)?,
            capturing: Mutex::default(),
            journal: Journal::default(),
        };
        store.housekeeper.prepare(store.templates_dir.join(BUILTIN_TEMPLATES[0]));
        store.expire_due();
        Ok(store)
    }

    /// Creates a running sandbox whose files are a copy of its template, or of the snapshot
    /// `new.template` names.
    pub fn create(&self, new: NewSandbox) -> Result<Sandbox, StoreError> {
        if let Some(snapshot) = self.snapshots.find(&new.template) {
            return self.create_from_snapshot(new, &snapshot);
        }
        let template_dir = self.template_dir(&new.template).ok_or(StoreError::TemplateNotFound)?;
        let id = persist::random_alphanumeric(20)?;
        let access_token = if new.secure { Some(persist::random_hex(32)?) } else { None };
        let spare = self.housekeeper.take_spare(&template_dir);
        self.housekeeper.prepare(template_dir.clone());
        let staging = spare.clone().unwrap_or_else(|| self.sandboxes_dir.join(format!(".tmp-{id}")));
        if spare.is_none() {
            if let Err(e) = stage(&template_dir, &staging) {
                let _ = fs::remove_dir_all(&staging);
                return Err(e.into());
            }
        }
        let template = new.template.clone();
        self.admit(&staging, new_record(id, template.clone(), template, new, access_token))
    }

    /// Creates a running sandbox whose files are a copy of `snapshot`'s: its template is the
    /// snapshot's, and it gets the snapshot's environment variables under the request's.
    fn create_from_snapshot(&self, mut new: NewSandbox, snapshot: &Snapshot) -> Result<Sandbox, StoreError> {
        let id = persist::random_alphanumeric(20)?;
        let access_token = if new.secure { Some(persist::random_hex(32)?) } else { None };
        let staging = self.sandboxes_dir.join(format!(".tmp-{id}"));
        let copied = fs::create_dir(&staging).and_then(|()| self.snapshots.copy_files(snapshot, &staging.join("fs")));
        if let Err(e) = copied {
            let _ = fs::remove_dir_all(&staging);
            return Err(if e.kind() == io::ErrorKind::NotFound { StoreError::TemplateNotFound } else { e.into() });
        }
        let mut env_vars = snapshot.env_vars.clone();
        env_vars.append(&mut new.env_vars);
        new.env_vars = env_vars;
        let alias = snapshot.alias.clone().unwrap_or_else(|| snapshot.template_id.clone());
        let mut sbx = new_record(id, snapshot.template_id.clone(), alias, new, access_token);
        sbx.base_template_id = Some(snapshot.base_template_id.clone());
        sbx.start_config = snapshot.config.clone();
        self.admit(&staging, sbx)
    }

    /// Makes the sandbox `sbx`, whose files are ready in `staging`, appear: its `sandbox.json`
    /// is written there and the folder renamed into place. On failure `staging` is deleted.
    fn admit(&self, staging: &Path, sbx: Sandbox) -> Result<Sandbox, StoreError> {
        // No rename of its own: the staging folder's rename below makes it appear whole.
        if let Err(e) = state_json(&sbx).and_then(|json| persist::write_private(&staging.join("sandbox.json"), &json)) {
            let _ = fs::remove_dir_all(staging);
            return Err(e.into());
        }
        let mut sandboxes = self.lock();
        if let Err(e) = fs::rename(staging, self.sandboxes_dir.join(&sbx.sandbox_id)) {
            drop(sandboxes);
            let _ = fs::remove_dir_all(staging);
            return Err(e.into());
        }
        sandboxes.insert(sbx.sandbox_id.clone(), sbx.clone());
        drop(sandboxes);
        self.deadline_changed.notify_one();
        let timeout = sbx.timeout_secs.to_string();
        self.journal.record(
            &sbx.sandbox_id,
            Level::Info,
            format!("Sandbox created from template '{}'", sbx.alias),
            &[("templateID", &sbx.template_id), ("timeout", &timeout)],
        );
        Ok(sbx)
    }

    pub fn get(&self, id: &str) -> Option<Sandbox> {
        self.lock().get(id).cloned()
    }

    pub fn all(&self) -> Vec<Sandbox> {
        self.lock().values().cloned().collect()
    }

    /// `connect`: a running sandbox's timeout is only ever extended (answer `false`); a paused
    /// one is resumed with the new timeout (answer `true`).
    pub fn connect(&self, id: &str, timeout_secs: i64, memory: bool) -> Result<(Sandbox, bool), StoreError> {
        // A memory image taken while the guest did not answer is not resumed (E2B answers 409).
        if memory && self.get(id).is_some_and(|sbx| sbx.state == State::Paused && sbx.envd_unresponsive_at_pause) {
            return Err(StoreError::GuestUnresponsive);
        }
        // Without memory (`on_resume: reboot`), a sandbox paused with it boots afresh from its files.
        if !memory && self.get(id).is_some_and(|sbx| sbx.pause_mode == Some(PauseMode::Full)) {
            self.reboot(id);
        }
        let result = self.update(id, |sbx, now| {
            let end = now + timeout_secs * MICROS_PER_SEC;
            match sbx.state {
                State::Running => {
                    sbx.end_at = sbx.end_at.max(end);
                    Ok(false)
                }
                State::Paused => {
                    sbx.state = State::Running;
                    sbx.end_at = end;
                    sbx.pause_mode = None;
                    sbx.envd_unresponsive_at_pause = false;
                    Ok(true)
                }
            }
        });
        self.follow_state(id);
        if let Ok((_, true)) = result {
            let how = if memory { "Sandbox resumed" } else { "Sandbox resumed: booted afresh from its files" };
            self.journal.record(id, Level::Info, how, &[]);
        }
        result
    }

    /// The deprecated `resume`: only a paused sandbox can be resumed.
    pub fn resume(&self, id: &str, timeout_secs: i64, auto_pause: Option<bool>) -> Result<Sandbox, StoreError> {
        let result = self.update(id, |sbx, now| {
            if sbx.state == State::Running {
                return Err(StoreError::AlreadyRunning);
            }
            if sbx.envd_unresponsive_at_pause {
                return Err(StoreError::GuestUnresponsive);
            }
            sbx.state = State::Running;
            sbx.end_at = now + timeout_secs * MICROS_PER_SEC;
            sbx.pause_mode = None;
            if let Some(auto_pause) = auto_pause {
                sbx.auto_pause = auto_pause;
            }
            Ok(())
        });
        self.follow_state(id);
        if result.is_ok() {
            self.journal.record(id, Level::Info, "Sandbox resumed", &[]);
        }
        result.map(|(sbx, ())| sbx)
    }

    /// Pauses a running sandbox. [`PauseMode::Full`] freezes its processes, keeping their
    /// memory; [`PauseMode::Filesystem`] ends them, keeping its files.
    #[cfg(test)]
    pub fn pause(&self, id: &str, mode: PauseMode) -> Result<(), StoreError> {
        self.pause_flagged(id, mode, false)
    }

    /// [`Store::pause`], recording whether the guest did not answer the health check made just
    /// before (`envdUnresponsiveAtPause`).
    pub fn pause_flagged(&self, id: &str, mode: PauseMode, envd_unresponsive: bool) -> Result<(), StoreError> {
        let result = self.update(id, |sbx, now| {
            if sbx.state == State::Paused {
                return Err(StoreError::AlreadyPaused);
            }
            sbx.state = State::Paused;
            sbx.end_at = now;
            sbx.pause_mode = Some(mode);
            sbx.envd_unresponsive_at_pause = envd_unresponsive;
            Ok(())
        });
        if result.is_ok() {
            self.paused(id, mode);
            let mut fields = vec![("pauseMode", mode.as_str())];
            if envd_unresponsive {
                fields.push(("envdUnresponsiveAtPause", "true"));
            }
            self.journal.record(id, Level::Info, "Sandbox paused", &fields);
        }
        result.map(drop)
    }

    /// Whether the guest of a running sandbox answers within `limit` (see
    /// [`Machine::answers`](crate::isolation::Machine::answers)); a sandbox whose processes
    /// never started answers.
    pub async fn guest_answers(&self, id: &str, limit: Duration) -> bool {
        match self.existing_runtime(id) {
            Some(runtime) => runtime.machine.answers(limit).await,
            None => true,
        }
    }

    /// Brings what runs in a sandbox just paused in `mode` in line with it.
    fn paused(&self, id: &str, mode: PauseMode) {
        match mode {
            PauseMode::Full => {
                self.follow_state(id);
                self.stop_watchers(id);
                self.unmount_unused(id);
            }
            PauseMode::Filesystem => self.reboot(id),
        }
    }

    /// Sets a running sandbox's timeout to `secs` from now; it can shorten it, and 0 ends it.
    pub fn set_timeout(&self, id: &str, secs: i64) -> Result<(), StoreError> {
        self.keep_alive(id, secs, true)
    }

    /// Extends a running sandbox's timeout to at least `secs` from now.
    pub fn refresh(&self, id: &str, secs: i64) -> Result<(), StoreError> {
        self.keep_alive(id, secs, false)
    }

    fn keep_alive(&self, id: &str, secs: i64, allow_shorter: bool) -> Result<(), StoreError> {
        let (sbx, ()) = self.update(id, |sbx, now| {
            if sbx.state != State::Running {
                return Err(StoreError::NotFound);
            }
            let end = now + secs * MICROS_PER_SEC;
            sbx.end_at = if allow_shorter { end } else { sbx.end_at.max(end) };
            Ok(())
        })?;
        let end = rfc3339::format(sbx.end_at);
        self.journal.record(id, Level::Debug, format!("Sandbox timeout set to end at {end}"), &[("endAt", &end)]);
        Ok(())
    }

    /// Kills a sandbox, running or paused: ends its processes and deletes its files.
    pub fn kill(&self, id: &str) -> Result<(), StoreError> {
        let removed = self.remove_if(id, |_| true)?;
        if !removed {
            return Err(StoreError::NotFound);
        }
        self.journal.record(id, Level::Info, "Sandbox killed", &[]);
        self.journal.ended(id);
        Ok(())
    }

    /// Takes a snapshot of a running sandbox (a paused one is `NotFound`, as on E2B): a copy of
    /// its files, under the template `name` has or a new one. The sandbox keeps running.
    pub fn snapshot(&self, id: &str, name: Option<Name>) -> Result<Snapshot, StoreError> {
        let sbx = self.get(id).filter(|sbx| sbx.state == State::Running).ok_or(StoreError::NotFound)?;
        let staging = self.snapshots.staging()?;
        if let Err(e) = self.capture(id, &staging.join("fs")) {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        let base_template_id = sbx.image_template().to_string();
        let draft = Draft {
            name,
            source_sandbox_id: sbx.sandbox_id,
            base_template_id,
            env_vars: sbx.env_vars,
            template_id: None,
            config: sbx.start_config,
            build_uuid: None,
        };
        let (snapshot, replaced) = self.snapshots.add(&staging, draft).inspect_err(|_| {
            let _ = fs::remove_dir_all(&staging);
        })?;
        for folder in replaced {
            self.housekeeper.delete(folder);
        }
        let snapshot_id = snapshot.snapshot_id();
        self.journal.record(id, Level::Info, format!("Snapshot {snapshot_id} taken"), &[("snapshotID", &snapshot_id)]);
        Ok(snapshot)
    }

    /// Forks a running sandbox into `count` new ones, each with a copy of its files as they are
    /// now (copied once), its settings and metadata, and a timeout of `timeout_secs`. A paused
    /// sandbox is `AlreadyPaused`. The result holds each fork's outcome.
    pub fn fork(
        &self,
        id: &str,
        count: usize,
        timeout_secs: i64,
    ) -> Result<Vec<Result<Sandbox, StoreError>>, StoreError> {
        let source = self.get(id).ok_or(StoreError::NotFound)?;
        if source.state == State::Paused {
            return Err(StoreError::AlreadyPaused);
        }
        let capture = self.sandboxes_dir.join(format!(".tmp-fork-{}", persist::random_alphanumeric(20)?));
        fs::create_dir(&capture)?;
        let files = capture.join("fs");
        if let Err(e) = self.capture(id, &files) {
            let _ = fs::remove_dir_all(&capture);
            return Err(e);
        }
        let results: Vec<Result<Sandbox, StoreError>> = (0..count)
            .map(|i| {
                let id = persist::random_alphanumeric(20)?;
                let staging = self.sandboxes_dir.join(format!(".tmp-{id}"));
                fs::create_dir(&staging)?;
                // The last fork takes the copy itself.
                let staged = if i + 1 == count {
                    fs::rename(&files, staging.join("fs"))
                } else {
                    snapshots::copy_layer(&files, &staging.join("fs"))
                };
                if let Err(e) = staged {
                    let _ = fs::remove_dir_all(&staging);
                    return Err(e.into());
                }
                let access_token = match source.access_token {
                    Some(_) => Some(persist::random_hex(32)?),
                    None => None,
                };
                let now = rfc3339::now();
                let sbx = Sandbox {
                    sandbox_id: id,
                    started_at: now,
                    end_at: now + timeout_secs * MICROS_PER_SEC,
                    state: State::Running,
                    pause_mode: None,
                    envd_unresponsive_at_pause: false,
                    timeout_secs,
                    access_token,
                    ..source.clone()
                };
                self.admit(&staging, sbx)
            })
            .collect();
        let _ = fs::remove_dir_all(&capture);
        let made: Vec<&str> = results.iter().flatten().map(|sbx| sbx.sandbox_id.as_str()).collect();
        for fork in &made {
            self.journal.record(fork, Level::Info, format!("Sandbox forked from sandbox {id}"), &[("sourceID", id)]);
        }
        self.journal.record(id, Level::Info, format!("Sandbox forked into {} sandboxes", made.len()), &[]);
        Ok(results)
    }

    /// Copies a running sandbox's own files to `to` while its processes are frozen (the
    /// freezer that a pause uses), then lets them go on. `NotFound` when the sandbox is paused,
    /// or is killed meanwhile. Blocking.
    fn capture(&self, id: &str, to: &Path) -> Result<(), StoreError> {
        *lock(&self.capturing).entry(id.to_string()).or_default() += 1;
        if let Some(runtime) = self.existing_runtime(id) {
            runtime.machine.follow(|| true);
        }
        let running = self.get(id).is_some_and(|sbx| sbx.state == State::Running);
        let copied = if running { snapshots::copy_layer(&self.sandboxes_dir.join(id).join("fs"), to) } else { Ok(()) };
        {
            let mut capturing = lock(&self.capturing);
            if let Some(count) = capturing.get_mut(id) {
                *count -= 1;
                if *count == 0 {
                    capturing.remove(id);
                }
            }
        }
        self.follow_state(id);
        match copied {
            _ if !running || self.get(id).is_none() => Err(StoreError::NotFound),
            Ok(()) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes the snapshot template `name` names, every tag of it; `false` when it names none.
    pub fn delete_snapshot_template(&self, name: &Name) -> bool {
        match self.snapshots.delete_template(name) {
            Some(folders) => {
                for folder in folders {
                    self.housekeeper.delete(folder);
                }
                true
            }
            None => false,
        }
    }

    /// What every sandbox's `/` is made of (a template build's root is made the same way).
    pub fn base(&self) -> &Base {
        &self.base
    }

    /// A new staging folder for a built template's files (under `snapshots/`).
    pub fn build_staging(&self) -> io::Result<PathBuf> {
        self.snapshots.staging()
    }

    /// Copies the files of the template `from` (a built template or snapshot, or a folder
    /// template) to `to` (which must not exist); returns what a build over it starts from: the
    /// template whose image is below, its environment variables and start configuration.
    pub fn stage_parent(&self, from: &str, to: &Path) -> Result<Parent, StoreError> {
        if let Some(snapshot) = self.snapshots.find(from) {
            self.snapshots.copy_files(&snapshot, to).map_err(|e| {
                if e.kind() == io::ErrorKind::NotFound {
                    StoreError::TemplateNotFound
                } else {
                    e.into()
                }
            })?;
            return Ok(Parent {
                base_template_id: snapshot.base_template_id,
                env_vars: snapshot.env_vars,
                config: snapshot.config.unwrap_or_default(),
            });
        }
        let dir = self.template_dir(from).ok_or(StoreError::TemplateNotFound)?;
        copy_tree(&dir, to)?;
        isolation::prepare_dirs(to)?;
        Ok(Parent { base_template_id: from.to_string(), env_vars: BTreeMap::new(), config: StartConfig::default() })
    }

    /// Adds a built template whose files are in `staging`; the build it replaced is deleted.
    pub fn add_build(&self, staging: &Path, draft: Draft) -> Result<Snapshot, StoreError> {
        let (snapshot, replaced) = self.snapshots.add(staging, draft).inspect_err(|_| {
            let _ = fs::remove_dir_all(staging);
        })?;
        for folder in replaced {
            self.housekeeper.delete(folder);
        }
        Ok(snapshot)
    }

    /// Every build (tag) of the template `name` names.
    pub fn builds_of(&self, name: &Name) -> Vec<Snapshot> {
        self.snapshots.builds_of(name)
    }

    /// Gives the build `target` names the tags `tags` too (each a copy of its files).
    pub fn assign_tags(&self, target: &Name, tags: &[String]) -> Result<Snapshot, StoreError> {
        let build = self.snapshots.find_name(target).ok_or(StoreError::TemplateNotFound)?;
        for tag in tags {
            if *tag == build.tag {
                continue;
            }
            let staging = self.snapshots.staging()?;
            if let Err(e) = self.snapshots.copy_files(&build, &staging.join("fs")) {
                let _ = fs::remove_dir_all(&staging);
                return Err(e.into());
            }
            let name = Name { namespace: None, alias: build.alias.clone().unwrap_or_default(), tag: Some(tag.clone()) };
            let draft = Draft {
                name: build.alias.is_some().then_some(name),
                source_sandbox_id: build.source_sandbox_id.clone(),
                base_template_id: build.base_template_id.clone(),
                env_vars: build.env_vars.clone(),
                template_id: Some(build.template_id.clone()),
                config: build.config.clone(),
                build_uuid: build.build_uuid.clone(),
            };
            self.add_build(&staging, draft)?;
        }
        Ok(build)
    }

    /// Removes the tags `tags` of the template `name` names.
    pub fn remove_tags(&self, name: &Name, tags: &[String]) {
        for folder in self.snapshots.remove_tags(name, tags) {
            self.housekeeper.delete(folder);
        }
    }

    /// One page of the snapshots, and the token of the next.
    pub fn list_snapshots(&self, query: &snapshots::ListQuery) -> (Vec<Snapshot>, Option<String>) {
        self.snapshots.list(query)
    }

    /// The envd target of a running sandbox, its root mounted. A paused one with auto-resume
    /// is resumed first, with its creation timeout (at least a minute); any other paused one
    /// has none. Blocking.
    pub fn envd_target(&self, id: &str) -> Option<EnvdTarget> {
        let mut sbx = self.get(id)?;
        if sbx.state == State::Paused {
            // A filesystem-only pause, or one taken while the guest did not answer, is never
            // resumed by traffic.
            if !sbx.auto_resume || sbx.pause_mode == Some(PauseMode::Filesystem) || sbx.envd_unresponsive_at_pause {
                return None;
            }
            sbx = self.connect(id, sbx.timeout_secs.max(MIN_AUTO_RESUME_SECS), true).ok()?.0;
        }
        let runtime = self.runtime(&sbx)?;
        let fs_dir = match runtime.rootfs.root() {
            Ok(dir) => dir,
            Err(e) => {
                eprintln!("e2b-local: sandbox {id}: {e}");
                return None;
            }
        };
        let mask_request_host =
            sbx.network.as_ref().and_then(|n| n.get("maskRequestHost")).and_then(|h| h.as_str()).map(str::to_owned);
        Some(EnvdTarget {
            fs_dir,
            access_token: sbx.access_token,
            runtime,
            traffic_access_token: sbx.traffic_access_token,
            mask_request_host,
        })
    }

    /// The runtime of a sandbox, made on first use; `None` once the sandbox is gone.
    fn runtime(&self, sbx: &Sandbox) -> Option<Arc<Runtime>> {
        let sandboxes = self.lock();
        sandboxes.get(&sbx.sandbox_id)?;
        if self.stopping.load(std::sync::atomic::Ordering::SeqCst) {
            return None;
        }
        let mut runtimes = self.runtimes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let runtime = runtimes.entry(sbx.sandbox_id.clone()).or_insert_with(|| {
            let files = vec![
                (code::KERNEL_PATH, code::KERNEL_SOURCE.as_bytes()),
                (code::JS_KERNEL_PATH, code::JS_KERNEL_SOURCE.as_bytes()),
            ];
            let base = self.base.for_template(sbx.image_template());
            let mounts = sbx
                .volume_mounts
                .iter()
                .map(|m| volumes::Source {
                    dir: volumes::content_dir(&self.volumes_dir, &m.volume_id),
                    path: m.path.clone(),
                })
                .collect();
            let rootfs = Arc::new(Rootfs::new(self.sandboxes_dir.join(&sbx.sandbox_id), base).with_volumes(mounts));
            let config = sbx.start_config.as_ref();
            Arc::new(Runtime {
                machine: Machine::new(&sbx.sandbox_id, rootfs.clone(), files, sbx.network_mode()),
                rootfs,
                processes: process::Table::default(),
                contexts: code::Contexts::default(),
                env_vars: sbx.env_vars.clone(),
                default_user: config
                    .and_then(|c| c.user.as_deref())
                    .and_then(isolation::User::from_name)
                    .unwrap_or(isolation::User::User),
                default_workdir: config.and_then(|c| c.workdir.clone()),
                gone: tokio::sync::watch::Sender::new(false),
            })
        });
        Some(runtime.clone())
    }

    fn existing_runtime(&self, id: &str) -> Option<Arc<Runtime>> {
        self.runtimes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(id).cloned()
    }

    /// Freezes or thaws a sandbox's processes to match its state. The state is read under the
    /// machine's lock, so concurrent pauses and resumes end in the last state.
    fn follow_state(&self, id: &str) {
        if let Some(runtime) = self.existing_runtime(id) {
            runtime.machine.follow(|| {
                self.get(id).is_some_and(|sbx| sbx.state == State::Paused) || lock(&self.capturing).contains_key(id)
            });
        }
    }

    /// Stops the file watchers of a sandbox that pauses or ends (they watch its `/`: its
    /// `root/` or its `fs/`).
    fn stop_watchers(&self, id: &str) {
        for root in ["root", "fs"] {
            crate::envd::watch::drop_sandbox(&self.sandboxes_dir.join(id).join(root));
        }
    }

    /// Unmounts the root of a paused sandbox that has no process to keep it. Blocking.
    fn unmount_unused(&self, id: &str) {
        if let Some(runtime) = self.existing_runtime(id) {
            let paused = self.get(id).is_some_and(|sbx| sbx.state == State::Paused);
            if paused && !runtime.machine.has_processes() {
                runtime.rootfs.unmount();
            }
        }
    }

    /// Waits until the folders of the killed sandboxes are deleted and the spares made (the
    /// server is stopping).
    pub fn finish_deletions(&self) {
        self.housekeeper.wait_idle();
    }

    /// Ends the processes of every sandbox and unmounts their roots (the server is stopping);
    /// no sandbox runs again. Blocking.
    pub fn end_all_processes(&self) {
        // Under the lock that `runtime` takes, so that no runtime is made after the drain.
        self.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
        drop(self.lock());
        let runtimes: Vec<Arc<Runtime>> =
            self.runtimes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).drain().map(|(_, r)| r).collect();
        for runtime in &runtimes {
            runtime.machine.kill();
        }
        for runtime in runtimes {
            runtime.machine.end();
            runtime.rootfs.end();
        }
    }

    /// Applies every timeout that is due (pause or kill) and returns the next deadline.
    pub fn expire_due(&self) -> Option<Micros> {
        let now = rfc3339::now();
        let is_due = |sbx: &Sandbox| sbx.state == State::Running && sbx.end_at <= now;
        let pause_mode = |sbx: &Sandbox| match (sbx.auto_pause, sbx.auto_pause_memory) {
            (false, _) => None,
            (true, true) => Some(PauseMode::Full),
            (true, false) => Some(PauseMode::Filesystem),
        };
        let due: Vec<(String, Option<PauseMode>)> =
            self.lock().values().filter(|s| is_due(s)).map(|s| (s.sandbox_id.clone(), pause_mode(s))).collect();
        for (id, mode) in due {
            let result = if let Some(mode) = mode {
                let paused = self
                    .update(&id, |sbx, _| {
                        if is_due(sbx) {
                            sbx.state = State::Paused;
                            sbx.pause_mode = Some(mode);
                        }
                        Ok(())
                    })
                    .map(drop);
                self.paused(&id, mode);
                if paused.is_ok() {
                    self.journal.record(&id, Level::Info, "Sandbox timed out: paused", &[("pauseMode", mode.as_str())]);
                }
                paused
            } else {
                self.remove_if(&id, is_due).map(|removed| {
                    if removed {
                        self.journal.record(&id, Level::Info, "Sandbox timed out: killed", &[]);
                        self.journal.ended(&id);
                    }
                })
            };
            if let Err(e) = result {
                self.journal.record(&id, Level::Error, format!("Sandbox timeout failed: {e:?}"), &[]);
                eprintln!("e2b-local: timeout of sandbox {id} failed: {e:?}");
            }
        }
        self.lock().values().filter(|s| s.state == State::Running).map(|s| s.end_at).min()
    }

    /// Runs the timeouts for as long as the server runs.
    pub async fn run_timers(self: Arc<Self>) {
        loop {
            let store = self.clone();
            let next = tokio::task::spawn_blocking(move || store.expire_due()).await.ok().flatten();
            match next {
                Some(deadline) => {
                    let wait = Duration::from_micros((deadline - rfc3339::now()).max(0) as u64);
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = self.deadline_changed.notified() => {}
                    }
                }
                None => self.deadline_changed.notified().await,
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Sandbox>> {
        lock(&self.sandboxes)
    }

    /// Replaces the egress settings of a sandbox (a network update); [`Store::apply_network`]
    /// applies them. `NotFound` when it does not exist. Blocking.
    pub fn set_network(
        &self,
        id: &str,
        allow_internet_access: Option<bool>,
        network: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.update(id, |sbx, _| {
            sbx.allow_internet_access = allow_internet_access;
            sbx.network = Some(network);
            Ok(())
        })?;
        Ok(())
    }

    /// Applies a sandbox's stored network settings to its processes, when it has a runtime.
    pub async fn apply_network(&self, id: &str) {
        if let Some(runtime) = self.existing_runtime(id) {
            runtime.machine.set_network(|| self.get(id).map(|sbx| sbx.network_mode())).await;
        }
    }

    /// Changes one sandbox: `change` edits a copy, which is saved before it replaces the
    /// sandbox in memory, so memory never runs ahead of the disk.
    fn update<R>(
        &self,
        id: &str,
        change: impl FnOnce(&mut Sandbox, Micros) -> Result<R, StoreError>,
    ) -> Result<(Sandbox, R), StoreError> {
        let mut sandboxes = self.lock();
        let current = sandboxes.get(id).ok_or(StoreError::NotFound)?;
        let mut next = current.clone();
        let result = change(&mut next, rfc3339::now())?;
        if next != *current {
            persist::write_atomic(&self.sandboxes_dir.join(id).join("sandbox.json"), &state_json(&next)?)?;
            sandboxes.insert(id.to_string(), next.clone());
            self.deadline_changed.notify_one();
        }
        Ok((next, result))
    }

    /// Removes a sandbox when `condition` holds, and its files soon after; tells whether it did.
    /// The rename to the trash is what makes it gone, on disk as in memory.
    fn remove_if(&self, id: &str, condition: impl FnOnce(&Sandbox) -> bool) -> Result<bool, StoreError> {
        let mut sandboxes = self.lock();
        if !sandboxes.get(id).is_some_and(condition) {
            return Ok(false);
        }
        let trash = self.sandboxes_dir.join(format!(".trash-{id}"));
        let on_disk = match fs::rename(self.sandboxes_dir.join(id), &trash) {
            Ok(()) => true,
            // Its folder was deleted under the server: only memory is left to clean.
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e.into()),
        };
        sandboxes.remove(id);
        let runtime = self.runtimes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(id);
        drop(sandboxes);
        self.stop_watchers(id);
        if let Some(runtime) = runtime {
            end_runtime(&runtime);
        }
        if on_disk {
            self.housekeeper.delete(trash);
        }
        Ok(true)
    }

    /// Ends what runs in a sandbox that is kept (a pause without memory, a reboot): its
    /// processes, kernels and streams, keeping its files. The next envd request boots it afresh.
    fn reboot(&self, id: &str) {
        let runtime = self.runtimes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(id);
        self.stop_watchers(id);
        if let Some(runtime) = runtime {
            end_runtime(&runtime);
        }
    }

    /// The server's lines about each sandbox.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Every sandbox, with where its figures are (see [`crate::metrics`]). Blocking.
    pub fn metered(&self) -> Vec<Metered> {
        self.all()
            .into_iter()
            .map(|sandbox| {
                let probe = self.existing_runtime(&sandbox.sandbox_id).and_then(|runtime| runtime.machine.probe());
                let files = self.sandboxes_dir.join(&sandbox.sandbox_id).join("fs");
                Metered { sandbox, probe, files }
            })
            .collect()
    }

    /// Whether a template called `name` exists.
    pub fn has_template(&self, name: &str) -> bool {
        self.template_dir(name).is_some()
    }

    /// The folder of template `name`, if `name` is a plain folder name that exists.
    fn template_dir(&self, name: &str) -> Option<PathBuf> {
        let plain = !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']);
        let dir = self.templates_dir.join(name);
        (plain && dir.is_dir()).then_some(dir)
    }
}

/// The record of a sandbox created now, from template `template_id` (named `alias`).
fn new_record(
    id: String,
    template_id: String,
    alias: String,
    new: NewSandbox,
    access_token: Option<String>,
) -> Sandbox {
    let now = rfc3339::now();
    Sandbox {
        sandbox_id: id,
        template_id,
        base_template_id: None,
        alias,
        metadata: new.metadata,
        env_vars: new.env_vars,
        started_at: now,
        end_at: now + new.timeout_secs * MICROS_PER_SEC,
        state: State::Running,
        auto_pause: new.auto_pause,
        auto_pause_memory: new.auto_pause_memory,
        pause_mode: None,
        envd_unresponsive_at_pause: false,
        auto_resume: new.auto_resume,
        timeout_secs: new.timeout_secs,
        access_token,
        allow_internet_access: new.allow_internet_access,
        network: new.network,
        traffic_access_token: new.traffic_access_token,
        cpu_count: 2,
        memory_mb: 512,
        disk_size_mb: 2048,
        volume_mounts: new.volume_mounts,
        start_config: None,
    }
}

/// Makes `staging/fs/` a copy of a template, ready to be a sandbox's root.
fn stage(template_dir: &Path, staging: &Path) -> io::Result<()> {
    fs::create_dir(staging)?;
    let fs_dir = staging.join("fs");
    copy_tree(template_dir, &fs_dir)?;
    isolation::prepare_dirs(&fs_dir)
}

/// What a copy of an empty template depends on: its root folder's mode and owner.
type EmptyTemplate = (u32, u32, u32);

/// `Some` when `template_dir` is an empty folder, with what its copy depends on.
fn empty_template(template_dir: &Path) -> Option<EmptyTemplate> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(template_dir).ok()?;
    fs::read_dir(template_dir).ok()?.next().is_none().then_some((meta.mode(), meta.uid(), meta.gid()))
}

/// A staging folder made in advance, and the empty template it is a copy of.
struct Spare {
    staging: PathBuf,
    template: EmptyTemplate,
}

/// Does the folder work of creates and kills off their request path, one job after another on a
/// thread of its own: it deletes the folders of killed sandboxes, and keeps [`SPARES`] spare
/// staging folders made from an empty template (such as `base`), so that a create from an empty
/// template only writes its `sandbox.json` and renames a spare into place. A template with files is
/// copied by the create itself, so that it is always copied as it is at that moment. What a stop
/// leaves undone, the next start cleans up.
struct Housekeeper {
    jobs: mpsc::Sender<Job>,
    spare_dir: PathBuf,
    spares: Arc<Mutex<Vec<Spare>>>,
    /// How many jobs are queued or running.
    pending: Arc<(Mutex<usize>, Condvar)>,
}

/// How many spares are kept ready: enough for a burst of creates while the first are replaced.
const SPARES: usize = 4;

enum Job {
    Delete(PathBuf),
    /// Makes spares from this template, up to [`SPARES`], if it is empty.
    Prepare(PathBuf),
}

impl Housekeeper {
    /// Starts the thread; spares are made in `spare_dir`, on the filesystem of the sandboxes.
    fn start(spare_dir: PathBuf) -> io::Result<Housekeeper> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let spares = Arc::new(Mutex::new(Vec::new()));
        let pending = Arc::new((Mutex::new(0usize), Condvar::new()));
        let (dir, slot, counter) = (spare_dir.clone(), spares.clone(), pending.clone());
        std::thread::Builder::new().name("e2b-local-housekeeper".into()).spawn(move || {
            for job in queue {
                Housekeeper::run(job, &dir, &slot);
                Housekeeper::done(&counter);
            }
        })?;
        Ok(Housekeeper { jobs, spare_dir, spares, pending })
    }

    fn run(job: Job, spare_dir: &Path, spares: &Mutex<Vec<Spare>>) {
        match job {
            Job::Delete(folder) => {
                if let Err(e) = fs::remove_dir_all(&folder) {
                    eprintln!("e2b-local: deleting {} failed: {e}", folder.display());
                }
            }
            Job::Prepare(template_dir) => {
                let Some(template) = empty_template(&template_dir) else { return };
                while lock(spares).len() < SPARES {
                    let staging = match persist::random_hex(8) {
                        Ok(name) => spare_dir.join(name),
                        Err(e) => return eprintln!("e2b-local: naming a spare sandbox folder failed: {e}"),
                    };
                    if let Err(e) = stage(&template_dir, &staging) {
                        eprintln!("e2b-local: making spare sandbox folder {} failed: {e}", staging.display());
                        let _ = fs::remove_dir_all(&staging);
                        return;
                    }
                    lock(spares).push(Spare { staging, template });
                }
            }
        }
    }

    /// Queues `job`; runs it here if the thread is gone (it cannot be, short of a panic).
    fn queue(&self, job: Job) {
        *lock(&self.pending.0) += 1;
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            Housekeeper::run(job, &self.spare_dir, &self.spares);
            Housekeeper::done(&self.pending);
        }
    }

    fn done(pending: &(Mutex<usize>, Condvar)) {
        *lock(&pending.0) -= 1;
        pending.1.notify_all();
    }

    /// Deletes `folder` soon.
    fn delete(&self, folder: PathBuf) {
        self.queue(Job::Delete(folder));
    }

    /// Makes spares from `template_dir` soon, if the template is empty.
    fn prepare(&self, template_dir: PathBuf) {
        self.queue(Job::Prepare(template_dir));
    }

    /// A spare staging folder, if `template_dir` is empty now and the spare was made from a
    /// template like it. A spare made for an empty template that changed since is deleted.
    fn take_spare(&self, template_dir: &Path) -> Option<PathBuf> {
        let wanted = empty_template(template_dir)?;
        let spare = lock(&self.spares).pop()?;
        if spare.template == wanted {
            return Some(spare.staging);
        }
        self.delete(spare.staging);
        None
    }

    /// Waits until every queued job is done.
    fn wait_idle(&self) {
        let (count, idle) = &*self.pending;
        drop(idle.wait_while(lock(count), |count| *count > 0).unwrap_or_else(|poisoned| poisoned.into_inner()));
    }
}

impl Drop for Housekeeper {
    /// A store dropped leaves no job running on its folders (a new one may open them).
    fn drop(&mut self) {
        self.wait_idle();
    }
}

/// Locks `mutex`, whose data stays whole even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn state_json(sbx: &Sandbox) -> io::Result<Vec<u8>> {
    serde_json::to_vec_pretty(sbx).map_err(io::Error::other)
}

fn load_sandbox(dir: &Path) -> io::Result<Sandbox> {
    let bytes = fs::read(dir.join("sandbox.json"))?;
    serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Copies a template's tree: folders, regular files and symlinks (kept as links), with their
/// permissions, each owned inside the sandbox by whom the template's is owned on the host
/// ([`isolation::sandbox_owned`]). Other kinds of file (sockets, devices) are not part of a
/// template. The copy is made in a staging folder no sandbox can reach.
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&src, &dst)?;
            continue;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&src)?, &dst)?;
        } else if kind.is_file() {
            fs::copy(&src, &dst)?;
        } else {
            continue;
        }
        give_like(&src, &dst)?;
    }
    fs::set_permissions(to, fs::metadata(from)?.permissions())?;
    give_like(from, to)
}

/// Gives the sandbox's copy `copy` the owner inside that the template's `original` has.
fn give_like(original: &Path, copy: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::symlink_metadata(original)?;
    let (uid, gid) = (isolation::sandbox_owned(meta.uid()), isolation::sandbox_owned(meta.gid()));
    if (uid, gid) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::lchown(copy, Some(uid), Some(gid))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn new_sandbox(template: &str, timeout_secs: i64) -> NewSandbox {
        NewSandbox {
            template: template.into(),
            timeout_secs,
            secure: true,
            auto_pause_memory: true,
            ..Default::default()
        }
    }

    #[test]
    fn creates_from_a_template_copy_and_reloads() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let tpl = data.path().join("templates/mine");
        fs::create_dir_all(tpl.join("etc")).unwrap();
        fs::write(tpl.join("etc/motd"), "hi").unwrap();
        std::os::unix::fs::symlink("/etc/motd", tpl.join("motd")).unwrap();

        let sbx = store.create(new_sandbox("mine", 300)).unwrap();
        let fs_dir = data.path().join("sandboxes").join(&sbx.sandbox_id).join("fs");
        assert_eq!(fs::read_to_string(fs_dir.join("etc/motd")).unwrap(), "hi");
        assert_eq!(fs::read_link(fs_dir.join("motd")).unwrap(), Path::new("/etc/motd"));
        assert!(fs_dir.join("home/user").is_dir());
        assert_eq!(fs::metadata(fs_dir.join("tmp")).unwrap().permissions().mode() & 0o7777, 0o1777);
        assert_eq!(sbx.access_token.as_ref().map(String::len), Some(64));

        store.pause(&sbx.sandbox_id, PauseMode::Full).unwrap();
        drop(store);
        let reopened = Store::open(data.path()).unwrap();
        let loaded = reopened.get(&sbx.sandbox_id).unwrap();
        assert_eq!(loaded.state, State::Paused);
        assert_eq!(loaded.access_token, sbx.access_token);
        assert_eq!(loaded.started_at, sbx.started_at);
    }

    #[test]
    fn spares_serve_only_a_template_as_it_is_now() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let spares = || {
            store.finish_deletions();
            fs::read_dir(data.path().join("spare")).unwrap().count()
        };
        assert_eq!(spares(), SPARES, "made at start for base");
        let fs_dir = |sbx: &Sandbox| data.path().join("sandboxes").join(&sbx.sandbox_id).join("fs");

        let plain = store.create(new_sandbox("base", 100)).unwrap();
        assert!(fs_dir(&plain).join("home/user").is_dir());
        assert_eq!(fs::metadata(fs_dir(&plain).join("tmp")).unwrap().permissions().mode() & 0o7777, 0o1777);
        assert_eq!(spares(), SPARES, "replaced");

        // A template that changed since the spares were made is copied as it is now.
        let base = data.path().join("templates/base");
        fs::set_permissions(&base, fs::Permissions::from_mode(0o750)).unwrap();
        let narrow = store.create(new_sandbox("base", 100)).unwrap();
        assert_eq!(fs::metadata(fs_dir(&narrow)).unwrap().permissions().mode() & 0o777, 0o750);
        fs::write(base.join("motd"), "hi").unwrap();
        let full = store.create(new_sandbox("base", 100)).unwrap();
        assert_eq!(fs::read_to_string(fs_dir(&full).join("motd")).unwrap(), "hi");
        assert_eq!(fs::read_dir(data.path().join("sandboxes")).unwrap().count(), 3);
    }

    #[test]
    fn unknown_or_unsafe_templates_are_not_found() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        for name in ["nope", "", "..", "../templates/base", ".hidden"] {
            assert!(matches!(store.create(new_sandbox(name, 10)), Err(StoreError::TemplateNotFound)), "{name}");
        }
        assert!(store.create(new_sandbox("code-interpreter-v1", 10)).is_ok());
    }

    #[test]
    fn lifecycle_rules() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let id = store.create(new_sandbox("base", 100)).unwrap().sandbox_id;
        let end = store.get(&id).unwrap().end_at;

        // Connect on a running sandbox only extends.
        let (sbx, resumed) = store.connect(&id, 10, true).unwrap();
        assert!(!resumed);
        assert_eq!(sbx.end_at, end);
        assert!(store.connect(&id, 1000, true).unwrap().0.end_at > end);

        assert!(matches!(store.resume(&id, 10, None), Err(StoreError::AlreadyRunning)));
        store.pause(&id, PauseMode::Full).unwrap();
        assert!(matches!(store.pause(&id, PauseMode::Full), Err(StoreError::AlreadyPaused)));
        assert!(matches!(store.set_timeout(&id, 10), Err(StoreError::NotFound)));
        assert!(store.envd_target(&id).is_none(), "paused without auto-resume");
        assert!(store.connect(&id, 30, true).unwrap().1, "resumed");

        store.kill(&id).unwrap();
        assert!(matches!(store.kill(&id), Err(StoreError::NotFound)));
        assert!(!data.path().join("sandboxes").join(&id).exists());
        store.finish_deletions();
        assert_eq!(fs::read_dir(data.path().join("sandboxes")).unwrap().count(), 0, "its files are deleted");
    }

    #[test]
    fn a_pause_of_an_unresponsive_guest_resumes_only_afresh() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let new = NewSandbox { auto_pause: true, auto_resume: true, ..new_sandbox("base", 100) };
        let id = store.create(new).unwrap().sandbox_id;
        store.pause_flagged(&id, PauseMode::Full, true).unwrap();
        assert!(store.get(&id).unwrap().envd_unresponsive_at_pause);
        assert!(matches!(store.connect(&id, 30, true), Err(StoreError::GuestUnresponsive)));
        assert!(matches!(store.resume(&id, 30, None), Err(StoreError::GuestUnresponsive)));
        assert!(store.envd_target(&id).is_none(), "not resumed by traffic");
        assert!(store.connect(&id, 30, false).unwrap().1, "rebooted");
        assert!(!store.get(&id).unwrap().envd_unresponsive_at_pause, "cleared once it runs");
    }

    #[test]
    fn timeouts_kill_or_pause() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let killed = store.create(new_sandbox("base", 100)).unwrap().sandbox_id;
        let paused =
            store.create(NewSandbox { auto_pause: true, auto_resume: true, ..new_sandbox("base", 100) }).unwrap();
        let kept = store.create(new_sandbox("base", 100)).unwrap().sandbox_id;
        store.set_timeout(&killed, 0).unwrap();
        store.set_timeout(&paused.sandbox_id, -0).unwrap();

        let next = store.expire_due();
        assert!(store.get(&killed).is_none());
        assert_eq!(store.get(&paused.sandbox_id).unwrap().state, State::Paused);
        assert_eq!(next, Some(store.get(&kept).unwrap().end_at));

        // Traffic resumes an auto-resume sandbox, for at least a minute.
        let target = store.envd_target(&paused.sandbox_id).unwrap();
        assert_eq!(target.access_token, paused.access_token);
        let resumed = store.get(&paused.sandbox_id).unwrap();
        assert_eq!(resumed.state, State::Running);
        assert!(resumed.end_at >= rfc3339::now() + 90 * MICROS_PER_SEC);
    }

    #[test]
    fn a_deadline_that_passed_while_stopped_applies_on_open() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let id = store.create(new_sandbox("base", 1)).unwrap().sandbox_id;
        drop(store);
        std::thread::sleep(Duration::from_millis(1100));
        assert!(Store::open(data.path()).unwrap().get(&id).is_none());
        assert!(!data.path().join("sandboxes").join(&id).exists());
    }

    #[test]
    fn a_sandbox_whose_folder_was_deleted_still_times_out() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let id = store.create(new_sandbox("base", 100)).unwrap().sandbox_id;
        store.set_timeout(&id, 0).unwrap();
        fs::remove_dir_all(data.path().join("sandboxes").join(&id)).unwrap();
        // Were it kept, the timer would find it due again at once, for ever.
        assert_eq!(store.expire_due(), None);
        assert!(store.get(&id).is_none());
    }

    #[test]
    fn snapshots_copy_files_and_sandboxes_start_from_them() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let source = store
            .create(NewSandbox {
                env_vars: BTreeMap::from([("A".into(), "source".into()), ("B".into(), "source".into())]),
                metadata: BTreeMap::from([("m".into(), "1".into())]),
                ..new_sandbox("base", 100)
            })
            .unwrap();
        let fs_dir = |id: &str| data.path().join("sandboxes").join(id).join("fs");
        fs::write(fs_dir(&source.sandbox_id).join("home/user/before"), "before").unwrap();

        // The copy is taken with the sandbox frozen, and it runs on after.
        let mut frozen = store.envd_target(&source.sandbox_id).unwrap().runtime.machine.paused();
        let snapshot = store.snapshot(&source.sandbox_id, None).unwrap();
        assert!(frozen.has_changed().unwrap(), "frozen meanwhile");
        assert!(!*frozen.borrow_and_update(), "thawed after");
        assert_eq!(
            (snapshot.base_template_id.as_str(), snapshot.source_sandbox_id.as_str()),
            ("base", source.sandbox_id.as_str())
        );
        fs::write(fs_dir(&source.sandbox_id).join("home/user/after"), "after").unwrap();
        assert_eq!(store.get(&source.sandbox_id).unwrap().state, State::Running);

        let new = NewSandbox {
            env_vars: BTreeMap::from([("B".into(), "create".into())]),
            ..new_sandbox(&snapshot.snapshot_id(), 100)
        };
        let copy = store.create(new).unwrap();
        assert_eq!(
            (copy.template_id.as_str(), copy.alias.as_str()),
            (snapshot.template_id.as_str(), snapshot.template_id.as_str())
        );
        assert_eq!(fs::read_to_string(fs_dir(&copy.sandbox_id).join("home/user/before")).unwrap(), "before");
        assert!(!fs_dir(&copy.sandbox_id).join("home/user/after").exists());
        assert_eq!(copy.env_vars, BTreeMap::from([("A".into(), "source".into()), ("B".into(), "create".into())]));
        assert!(copy.metadata.is_empty());
        assert_ne!(copy.access_token, source.access_token);

        // A snapshot of a sandbox from a snapshot lies over the same base.
        let named = store.snapshot(&copy.sandbox_id, Some(Name::parse("again").unwrap())).unwrap();
        assert_eq!(named.base_template_id, "base");
        assert_eq!(named.snapshot_id(), "local/again:default");
        assert_eq!(store.create(new_sandbox("again", 10)).unwrap().alias, "again");

        // Deleted: no new sandbox from it; the ones made from it stay.
        assert!(store.delete_snapshot_template(&Name::parse(&snapshot.snapshot_id()).unwrap()));
        assert!(!store.delete_snapshot_template(&Name::parse(&snapshot.snapshot_id()).unwrap()));
        assert!(matches!(store.create(new_sandbox(&snapshot.snapshot_id(), 10)), Err(StoreError::TemplateNotFound)));
        assert!(fs_dir(&copy.sandbox_id).join("home/user/before").exists());

        // Only running sandboxes.
        store.pause(&source.sandbox_id, PauseMode::Full).unwrap();
        assert!(matches!(store.snapshot(&source.sandbox_id, None), Err(StoreError::NotFound)));
        assert!(matches!(store.snapshot("nosuchsandbox", None), Err(StoreError::NotFound)));
        assert!(lock(&store.capturing).is_empty());
        store.finish_deletions();
        let leftovers: Vec<_> = fs::read_dir(data.path().join("snapshots"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn forks_are_independent_copies_with_the_source_settings() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let source = store
            .create(NewSandbox {
                metadata: BTreeMap::from([("m".into(), "1".into())]),
                auto_pause: true,
                ..new_sandbox("base", 100)
            })
            .unwrap();
        let fs_dir = |id: &str| data.path().join("sandboxes").join(id).join("fs");
        fs::write(fs_dir(&source.sandbox_id).join("home/user/shared"), "source").unwrap();

        let forks: Vec<Sandbox> =
            store.fork(&source.sandbox_id, 3, 60).unwrap().into_iter().map(Result::unwrap).collect();
        assert_eq!(forks.len(), 3);
        for (i, fork) in forks.iter().enumerate() {
            assert_eq!(fs::read_to_string(fs_dir(&fork.sandbox_id).join("home/user/shared")).unwrap(), "source");
            fs::write(fs_dir(&fork.sandbox_id).join("home/user/shared"), format!("fork {i}")).unwrap();
            assert_eq!((&fork.metadata, fork.auto_pause, fork.timeout_secs), (&source.metadata, true, 60));
            assert_eq!(fork.end_at - fork.started_at, 60 * MICROS_PER_SEC);
            assert_eq!(fork.template_id, source.template_id);
            assert!(fork.access_token.is_some() && fork.access_token != source.access_token);
        }
        assert_eq!(fs::read_to_string(fs_dir(&source.sandbox_id).join("home/user/shared")).unwrap(), "source");
        assert_eq!(store.get(&source.sandbox_id).unwrap(), source, "the source is untouched");
        let stray: Vec<_> = fs::read_dir(data.path().join("sandboxes"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with('.'))
            .collect();
        assert!(stray.is_empty(), "the copy is gone: {stray:?}");

        store.pause(&source.sandbox_id, PauseMode::Full).unwrap();
        assert!(matches!(store.fork(&source.sandbox_id, 1, 60), Err(StoreError::AlreadyPaused)));
        assert!(matches!(store.fork("nosuchsandbox", 1, 60), Err(StoreError::NotFound)));
    }

    #[test]
    fn leftovers_of_a_crash_are_cleaned_up() {
        let data = tempfile::tempdir().unwrap();
        fs::create_dir_all(data.path().join("sandboxes/.tmp-abc/fs")).unwrap();
        fs::create_dir_all(data.path().join("sandboxes/.trash-def/fs")).unwrap();
        let store = Store::open(data.path()).unwrap();
        assert!(store.all().is_empty());
        assert_eq!(fs::read_dir(data.path().join("sandboxes")).unwrap().count(), 0);
    }
}

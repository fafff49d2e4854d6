//! Real processes for a sandbox, confined with bubblewrap.
//!
//! Each sandbox gets one *jail*, started on first use: a `bwrap` whose namespaces (user, mount,
//! PID, UTS, IPC and network) hold every process of the sandbox, as one VM would. Its `/` is
//! the sandbox's `fs/` folder (so a file written by a command is a file of the files API, and
//! the reverse), with only the host's programs and libraries (`/usr`, `/bin`, `/sbin`, `/lib*`)
//! bound over it read-only, a fresh `/proc`, `/dev` and `/run`. Its `/etc` is the sandbox's own, filled on start with what programs need
//! (`passwd` and `group` naming `root` and `user`, `hosts`, `resolv.conf`, `nsswitch.conf`, the
//! CA certificates, ...) and never the host's secrets. Everything that touches the sandbox's
//! folder from the host resolves paths inside it ([`SandboxRoot`]), so a symlink the sandbox
//! planted never leads outside.
//!
//! When the server runs as root, the jail's user namespace maps the sandbox's ids 0..65536 to
//! an unprivileged range of host ids ([`HOST_ID_BASE`]): the sandbox's `root` is no host user,
//! and what it can reach of the host's folders is what any user can. One range serves every
//! sandbox: sandboxes are kept apart by their mount, PID and IPC namespaces (none has a path
//! to another's files or sees another's processes), so the ids only need to keep them apart
//! from the host, and a fixed range keeps the owners of a sandbox's files valid across
//! restarts without any record. Run by another user, the server can map only its own uid:
//! `user` is then that uid, and `root` is refused.
//!
//! Commands join the jail's namespaces rather than starting a `bwrap` each ([`Jail::spawn`]),
//! and go straight into the jail's cgroup (`CLONE_INTO_CGROUP`) where the kernel allows it. The
//! sandbox's `root` keeps a reduced set of capabilities: it cannot mount.
//!
//! Every jail has a network namespace of its own, with its own loopback. A sandbox with internet
//! access also gets `tap0`, the user-mode network of a `slirp4netns` that the server starts for
//! its jail (outside it) and ends with it: the sandbox is `10.0.2.100`, reaches the outside
//! through NAT, the host's loopback as `10.0.2.2` and a DNS forwarder at `10.0.2.3` (its
//! `/etc/resolv.conf`). Without `slirp4netns` such a sandbox has its loopback only. A sandbox
//! with network rules gets e2b-local's filtered network instead ([`crate::egress`]), and one
//! whose rules allow nothing its loopback only; the jail's network follows live updates.
//!
//! Pausing freezes every process with the cgroup freezer (v1 `freezer.state` or v2
//! `cgroup.freeze`), or with `SIGSTOP` where no cgroup can be made; processes keep their memory
//! and carry on when thawed. Killing the jail's init ends every process in its PID namespace.

use std::ffi::CString;
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt};
use tokio::process::{Child, Command};
use tokio::sync::{watch, Mutex};

use crate::egress::{JailNet, Mode};
use crate::paths::{self, SandboxRoot};
use crate::rootfs::Rootfs;

/// The uid and gid of the sandbox user `user`.
pub const USER_ID: u32 = 1000;
/// The gid of the group `sudo`, which `user` is in.
const SUDO_GID: u32 = 27;
/// The host id of the sandbox's id 0 when the server runs as root; the sandbox's ids
/// 0..[`ID_RANGE`] are the host's `HOST_ID_BASE..HOST_ID_BASE + ID_RANGE`: just below 2^31,
/// above the ranges that `useradd` (subordinate ids from 100000) and systemd (up to
/// 0x7FFEFFFF) hand out.
pub const HOST_ID_BASE: u32 = 0x7FFF_0000;
/// How many ids a sandbox has.
pub const ID_RANGE: u32 = 65536;
/// The id that host ids outside the range show as inside (`nobody`).
const OVERFLOW_ID: u32 = 65534;
/// Where a jail's bwrap finds the sandbox's folder when it runs as mapped ids: an empty folder
/// of the host's, reachable by anyone, over which the server binds the sandbox's folder in the
/// jail's own mount namespace (nothing is mounted there in the host's).
const JAIL_ROOT_SOURCE: &str = "/run/e2b-local-root";
/// The jail's host name.
const HOSTNAME: &str = "e2b";
/// Host folders the jail sees read-only at the same path (when the host has them).
const SYSTEM_DIRS: [&str; 7] = ["usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"];
/// Host files and folders under `/etc` that a sandbox gets a copy of when it has none (only
/// what any user of the host may read is copied; symlinks stay symlinks).
const ETC_COPIES: [&str; 14] = [
    "services",
    "protocols",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "ssl/certs/ca-certificates.crt",
    "ssl/openssl.cnf",
    "bash.bashrc",
    "inputrc",
    "localtime",
    "timezone",
    "os-release",
    "debian_version",
    "mime.types",
];
/// The sandbox's `/etc/profile` when it has none: Debian's, without the `$(id -u)` that costs
/// a process per login shell (every command runs in one).
const PROFILE: &str = r#"# /etc/profile: for login shells (written by e2b-local; yours to change).
if [ "${EUID:-$(id -u)}" -eq 0 ]; then
  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
fi
export PATH
if [ "${PS1-}" ] && [ "${BASH-}" ] && [ "$BASH" != "/bin/sh" ] && [ -f /etc/bash.bashrc ]; then
  . /etc/bash.bashrc
fi
if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r "$i" ]; then . "$i"; fi
  done
  unset i
fi
"#;
/// The jail's second process (after bwrap's own init): it says when the jail is set up, then
/// only keeps it alive.
const KEEPER: &str = "trap '' HUP INT TERM; echo ready; exec >/dev/null; while :; do sleep 86400; done";
/// How long a jail may take to set up.
const START_WAIT: Duration = Duration::from_secs(10);
/// The sandbox's network interface with internet access, and slirp4netns's options for it: the
/// largest MTU slirp offers (fast loopback-like transfers), the default 10.0.2.0/24 network.
const TAP: &str = "tap0";
const SLIRP_MTU: &str = "--mtu=65520";
/// The sandbox's `/etc/resolv.conf` when it has none: slirp4netns's DNS forwarder.
const RESOLV_CONF: &str = "nameserver 10.0.2.3\n";
/// How long the cgroup freezer may take to freeze or thaw.
const FREEZE_WAIT: Duration = Duration::from_secs(2);
/// Capabilities `root` keeps (Docker's default set, without `MKNOD`): enough to own files,
/// switch users and signal processes, not to mount or reach devices.
const ROOT_CAPS: u64 = (1 << 0) // CHOWN
    | (1 << 1) // DAC_OVERRIDE
    | (1 << 3) // FOWNER
    | (1 << 4) // FSETID
    | (1 << 5) // KILL
    | (1 << 6) // SETGID
    | (1 << 7) // SETUID
    | (1 << 8) // SETPCAP
    | (1 << 10) // NET_BIND_SERVICE
    | (1 << 13) // NET_RAW
    | (1 << 29) // AUDIT_WRITE
    | (1 << 31); // SETFCAP

/// A sandbox user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum User {
    User,
    Root,
}

impl User {
    /// The users a sandbox has: `user` (the default) and `root`.
    pub fn from_name(name: &str) -> Option<User> {
        match name {
            "user" => Some(User::User),
            "root" => Some(User::Root),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            User::User => "user",
            User::Root => "root",
        }
    }

    pub fn home(self) -> &'static str {
        match self {
            User::User => "/home/user",
            User::Root => "/root",
        }
    }
}

/// Whether this machine can run jails; checked once, with a real `bwrap` run.
pub fn availability() -> Result<(), String> {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    CHECKED.get_or_init(probe).clone()
}

/// Says loudly, once, when commands cannot run here, or sandboxes cannot have internet access.
pub fn warn_if_unavailable() {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if WARNED.swap(true, Ordering::Relaxed) {
        return;
    }
    if let Err(e) = availability() {
        eprintln!("e2b-local: WARNING: {e}");
        eprintln!("e2b-local: WARNING: commands and the code interpreter are disabled; they answer with this error");
    } else if slirp_path().is_none() {
        eprintln!(
            "e2b-local: WARNING: slirp4netns is not installed (Debian/Ubuntu package `slirp4netns`): sandboxes have \
             no internet access, whatever they ask for (their own loopback only)"
        );
    }
    if availability().is_ok() {
        if let Some(why) = crate::egress::filtering_unavailable() {
            eprintln!(
                "e2b-local: WARNING: network rules cannot be enforced ({why}): a sandbox with rules (allowOut, \
                 denyOut, allow_internet_access=false) has its own loopback only"
            );
        }
    }
}

/// The first `name` on `PATH`.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

fn bwrap_path() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND.get_or_init(|| find_program("bwrap")).as_deref()
}

/// `slirp4netns`, which gives a sandbox with internet access its network.
pub(crate) fn slirp_path() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND.get_or_init(|| find_program("slirp4netns")).as_deref()
}

fn probe() -> Result<(), String> {
    let bwrap = bwrap_path()
        .ok_or("cannot run commands: bubblewrap (`bwrap`) is not installed (Debian/Ubuntu package `bubblewrap`)")?;
    let output = std::process::Command::new(bwrap)
        .args(["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-user"])
        .args(["--uid", "1000", "--gid", "1000", "--unshare-pid", "--unshare-uts", "--unshare-ipc"])
        .args(["--die-with-parent", "--", "/bin/true"])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run commands: {} does not run: {e}", bwrap.display()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "cannot run commands: bubblewrap cannot create namespaces here ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}

pub(crate) fn server_is_root() -> bool {
    // SAFETY: `geteuid` has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Whether the server may mount (a sandbox's overlay root): it runs as root.
pub fn mounts_allowed() -> bool {
    server_is_root()
}

/// The host uid and gid of a sandbox user when the sandbox's ids are mapped to their own host
/// range (the server runs as root); `None` when they are the server's own.
pub fn host_ids(user: User) -> Option<(u32, u32)> {
    let id = match user {
        User::User => USER_ID,
        User::Root => 0,
    };
    server_is_root().then_some((HOST_ID_BASE + id, HOST_ID_BASE + id))
}

/// The host id that host id `id` of a template's file becomes in a sandbox (the same id inside:
/// a template's root-owned file is the sandbox root's); `id` itself when ids are not mapped.
pub fn sandbox_owned(id: u32) -> u32 {
    match server_is_root() {
        true => HOST_ID_BASE + if id < ID_RANGE { id } else { OVERFLOW_ID },
        false => id,
    }
}

/// The sandbox's id for host uid or gid `id`, as a process inside sees it.
pub fn sandbox_id(id: u32) -> u32 {
    if server_is_root() {
        return id.checked_sub(HOST_ID_BASE).filter(|id| *id < ID_RANGE).unwrap_or(OVERFLOW_ID);
    }
    // SAFETY: `geteuid` has no preconditions.
    if id == unsafe { libc::geteuid() } {
        USER_ID
    } else {
        id
    }
}

/// The jail of one sandbox, started on first use, and its paused state.
pub struct Machine {
    id: String,
    rootfs: Arc<Rootfs>,
    /// Files the jail shows under `/run` (absolute paths there), e.g. the code kernel.
    files: Vec<(&'static str, &'static [u8])>,
    /// How the sandbox reaches the network (see [`crate::egress`]), applied when its jail
    /// starts and when it changes.
    network: std::sync::Mutex<Mode>,
    jail: Mutex<Option<Arc<Jail>>>,
    paused: watch::Sender<bool>,
    ended: AtomicBool,
}

impl Machine {
    /// The machine of sandbox `id` over `rootfs`. Its network namespace is its own, reaching
    /// outside as `network` says.
    pub fn new(id: &str, rootfs: Arc<Rootfs>, files: Vec<(&'static str, &'static [u8])>, network: Mode) -> Machine {
        Machine {
            id: id.to_string(),
            rootfs,
            files,
            network: std::sync::Mutex::new(network),
            jail: Mutex::new(None),
            paused: watch::Sender::new(false),
            ended: AtomicBool::new(false),
        }
    }

    /// The running jail, started when there is none (or the last one died).
    pub async fn jail(&self) -> Result<Arc<Jail>, String> {
        availability()?;
        let mut slot = self.jail.lock().await;
        if self.ended.load(Ordering::SeqCst) {
            return Err("the sandbox has ended".into());
        }
        if *self.paused.borrow() {
            return Err("the sandbox is paused".into());
        }
        if let Some(jail) = slot.as_ref().filter(|jail| !jail.is_ending()) {
            return Ok(jail.clone());
        }
        let network = self.network.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let jail =
            Arc::new(Jail::start(&self.id, &self.rootfs, &self.files, &network).await.map_err(|e| e.to_string())?);
        *slot = Some(jail.clone());
        Ok(jail)
    }

    /// The jail if it runs and is not paused, without starting one.
    pub async fn running_jail(&self) -> Option<Arc<Jail>> {
        let slot = self.jail.lock().await;
        if self.ended.load(Ordering::SeqCst) || *self.paused.borrow() {
            return None;
        }
        slot.as_ref().filter(|jail| !jail.is_ending()).cloned()
    }

    /// Changes how the sandbox reaches the network: at once when its jail runs (frozen or
    /// not), else when it starts. `network` is read under the machine's lock, so that the
    /// last of concurrent changes applies the latest settings.
    pub async fn set_network(&self, network: impl FnOnce() -> Option<Mode>) {
        let slot = self.jail.lock().await;
        let Some(network) = network() else { return };
        *self.network.lock().unwrap_or_else(|p| p.into_inner()) = network.clone();
        if let Some(jail) = slot.as_ref().filter(|jail| !jail.has_exited()) {
            jail.net.apply(&network).await;
        }
    }

    /// Whether the guest answers within `limit`, as envd's `GET /health` would: a process
    /// started in the running jail runs and ends. With no jail there is nothing to wedge (envd
    /// is e2b-local itself), so it answers. A jail frozen from outside, or one whose processes
    /// cannot start, does not.
    pub async fn answers(&self, limit: Duration) -> bool {
        let Some(jail) = self.jail.lock().await.clone().filter(|jail| !jail.is_ending()) else { return true };
        let check = async move {
            let cwd = jail.open_dir("/").ok()?;
            let mut command = Command::new("true");
            command.env_clear().env("PATH", "/usr/bin:/bin").kill_on_drop(true);
            command.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null());
            command.stderr(std::process::Stdio::null());
            // `spawn` waits for the process's report: in a frozen jail that never comes.
            let spawned = tokio::task::spawn_blocking(move || jail.spawn(&mut command, User::User, &cwd, false));
            let mut spawned = spawned.await.ok()?.ok()?;
            spawned.child.wait().await.ok().map(|status| status.success())
        };
        tokio::time::timeout(limit, check).await.ok().flatten().unwrap_or(false)
    }

    /// Whether the sandbox has processes (its jail runs, frozen or not). Blocking.
    pub fn has_processes(&self) -> bool {
        self.jail.blocking_lock().as_ref().is_some_and(|jail| !jail.has_exited())
    }

    /// Follows the paused state: true while the sandbox's processes are frozen.
    pub fn paused(&self) -> watch::Receiver<bool> {
        self.paused.subscribe()
    }

    /// Freezes or thaws every process of the sandbox to match `paused()`, which is read under
    /// the machine's lock (so that the last of concurrent calls sees the final state). Blocking.
    pub fn follow(&self, paused: impl FnOnce() -> bool) {
        let slot = self.jail.blocking_lock();
        let paused = paused();
        if *self.paused.borrow() == paused {
            return;
        }
        if let Some(jail) = slot.as_ref().filter(|jail| !jail.has_exited()) {
            let result = if paused { jail.freeze() } else { jail.thaw() };
            if let Err(e) = result {
                eprintln!("e2b-local: {} sandbox {}: {e}", if paused { "freezing" } else { "thawing" }, self.id);
            }
        }
        self.paused.send_replace(paused);
    }

    /// Where the figures of the sandbox's processes can be read, while its jail runs (frozen or
    /// not): its cgroup, else its PID namespace. `None` without a jail. Blocking.
    pub fn probe(&self) -> Option<Probe> {
        let jail = self.jail.blocking_lock().as_ref().filter(|jail| !jail.has_exited())?.clone();
        let (cgroup, cgroup_v2) = match &jail.freezer {
            Freezer::V2(cgroup) => (Some(cgroup.dir.clone()), true),
            Freezer::V1(cgroup) => (Some(cgroup.dir.clone()), false),
            Freezer::Signals => (None, false),
        };
        Some(Probe { cgroup, cgroup_v2, pid_namespace: jail.pid_namespace.clone() })
    }

    /// Kills every process of the sandbox for good, without waiting. Blocking.
    pub fn kill(&self) {
        self.ended.store(true, Ordering::SeqCst);
        if let Some(jail) = self.jail.blocking_lock().as_ref() {
            jail.kill();
        }
    }

    /// Kills every process of the sandbox for good and waits until they are gone. Blocking.
    pub fn end(&self) {
        self.ended.store(true, Ordering::SeqCst);
        let jail = self.jail.blocking_lock().take();
        self.paused.send_replace(false);
        if let Some(jail) = jail {
            jail.kill();
            jail.wait_exited(Duration::from_secs(5));
        }
    }
}

/// Where a running jail's figures are (see [`Machine::probe`]).
#[derive(Clone, Debug)]
pub struct Probe {
    /// The jail's cgroup folder, which holds every process of the jail; `None` without one.
    pub cgroup: Option<PathBuf>,
    /// Whether that cgroup is in the v2 hierarchy (whose `cpu.stat` counts CPU time).
    pub cgroup_v2: bool,
    /// The jail's PID namespace as `/proc/*/ns/pid` names it.
    pub pid_namespace: std::ffi::OsString,
}

/// A running jail: its bwrap and init, and descriptors of its namespaces.
pub struct Jail {
    bwrap: HostProcess,
    /// The PID namespace's init (bwrap's): when it dies, every process of the jail dies.
    init: HostProcess,
    /// The init's one child, which keeps the jail alive: when it dies, the init follows.
    keeper: Option<HostProcess>,
    /// The PID namespace as `/proc/*/ns/pid` names it, to find the jail's processes.
    pid_namespace: std::ffi::OsString,
    /// The user namespace that owns the others when it is not the server's own (bwrap run by
    /// a user other than root makes the jail's user namespace inside one it sets up in).
    owner_ns: Option<OwnedFd>,
    /// mnt, pid, uts, ipc, net, then user: the order a process joins them in.
    namespaces: Vec<OwnedFd>,
    /// The jail's network (slirp4netns, or e2b-local's egress proxy), ended with the jail.
    net: Arc<JailNet>,
    /// The jail's `/`, to resolve paths inside it.
    root: SandboxRoot,
    freezer: Freezer,
    exited: watch::Receiver<bool>,
}

/// A jail's slirp4netns (a host process outside the jail).
pub(crate) struct Network {
    process: HostProcess,
    /// The write end of its `--exit-fd`: it exits when this closes (the jail is dropped, or
    /// the server dies).
    _exit: OwnedFd,
    /// Whether it has been reaped.
    exited: watch::Receiver<bool>,
}

/// A process started in a jail.
pub struct Spawned {
    /// The supervisor of the process; it ends as the process ends, with the same status.
    pub child: Child,
    /// The pid inside the sandbox.
    pub pid: u32,
    /// The process on the host, to signal it.
    pub host: HostProcess,
}

/// A process as the host sees it. Signals go through a pidfd when the kernel has them, so
/// that a pid reused after the process ended is never hit.
pub struct HostProcess {
    pid: i32,
    pidfd: Option<OwnedFd>,
}

impl HostProcess {
    fn new(pid: i32) -> HostProcess {
        // SAFETY: `pidfd_open` returns a new descriptor or -1.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, libc::c_long::from(pid), 0 as libc::c_long) };
        if fd >= 0 {
            // SAFETY: a new descriptor this function owns.
            return HostProcess { pid, pidfd: Some(unsafe { OwnedFd::from_raw_fd(fd as RawFd) }) };
        }
        // Without pidfds (Linux < 5.3) plain pids; a process already gone is never signalled.
        let gone = io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        HostProcess { pid: if gone { 0 } else { pid }, pidfd: None }
    }

    /// Whether the process has exited (it may not have been reaped yet).
    fn has_exited(&self) -> bool {
        match &self.pidfd {
            Some(fd) => {
                // A pidfd is readable once its process has exited.
                let mut poll = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
                // SAFETY: one valid `pollfd`, no waiting.
                unsafe { libc::poll(&mut poll, 1, 0) == 1 }
            }
            None => self.signal(0).is_err(),
        }
    }

    /// Sends `signal`; an error when the process has gone.
    pub fn signal(&self, signal: libc::c_int) -> io::Result<()> {
        // SAFETY: `pidfd_send_signal` on a descriptor we own, or plain `kill(2)`.
        let result = match &self.pidfd {
            Some(fd) => unsafe {
                let no_info: *const libc::siginfo_t = std::ptr::null();
                libc::syscall(libc::SYS_pidfd_send_signal, fd.as_raw_fd(), signal, no_info, 0 as libc::c_uint)
            },
            None if self.pid == 0 => return Err(io::Error::from_raw_os_error(libc::ESRCH)),
            None => unsafe { libc::c_long::from(libc::kill(self.pid, signal)) },
        };
        if result != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

/// Sleeps until `duration` has passed while the sandbox was running: paused time does not
/// count, so a paused process keeps the rest of its lifetime.
pub async fn sleep_running(duration: Duration, mut paused: watch::Receiver<bool>) {
    let mut left = duration;
    loop {
        if *paused.borrow_and_update() && paused.wait_for(|paused| !*paused).await.map(drop).is_err() {
            return std::future::pending().await;
        }
        let started = tokio::time::Instant::now();
        let pausing = async { paused.wait_for(|paused| *paused).await.map(drop).is_ok() };
        tokio::select! {
            () = tokio::time::sleep(left) => return,
            pausing = pausing => {
                left = left.saturating_sub(started.elapsed());
                if !pausing {
                    return tokio::time::sleep(left).await;
                }
            }
        }
    }
}

impl Jail {
    async fn start(
        id: &str,
        rootfs: &Arc<Rootfs>,
        files: &[(&'static str, &'static [u8])],
        network: &Mode,
    ) -> io::Result<Jail> {
        let bwrap = bwrap_path().ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "bwrap is not installed"))?;
        let rootfs = rootfs.clone();
        let (prepared, userns) = tokio::task::spawn_blocking(move || -> io::Result<_> {
            // The sandbox's own `/` (an image below it) needs none of the host's folders.
            let fs_dir = rootfs.root()?;
            let image = rootfs.has_image();
            let mounts = prepare_root(&fs_dir, !image)?;
            let userns = if server_is_root() { Some(mapped_user_namespace()?) } else { None };
            Ok(((fs_dir, mounts, image), userns))
        })
        .await
        .map_err(io::Error::other)??;
        let (fs_dir, mounts, image) = prepared;
        let freezer = Freezer::create(id);
        let (info_read, info_write) = pipe()?;
        let mut data_fds = Vec::new();
        // With mapped ids, bwrap runs as the sandbox's root, which need not be allowed to walk
        // the path to the data folder (a `mktemp -d`, a home folder): the server binds the
        // sandbox's folder at a path anyone can reach, in a mount namespace of the jail's own.
        let root_source = match &userns {
            Some(_) => {
                fs::create_dir_all(JAIL_ROOT_SOURCE)?;
                Some((path_cstring(&fs_dir)?, path_cstring(Path::new(JAIL_ROOT_SOURCE))?))
            }
            None => None,
        };
        let source = if root_source.is_some() { Path::new(JAIL_ROOT_SOURCE) } else { fs_dir.as_path() };
        let mut args: Vec<String> = vec!["--bind".into(), source.display().to_string(), "/".into()];
        args.extend(mounts);
        args.extend(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/run"].map(String::from));
        for (path, content) in files {
            let fd = memfd(path, content)?;
            args.extend(["--perms", "0444", "--ro-bind-data"].map(String::from));
            args.extend([fd.as_raw_fd().to_string(), path.to_string()]);
            data_fds.push(fd);
        }
        if userns.is_none() {
            args.extend(["--unshare-user", "--uid", "1000", "--gid", "1000"].map(String::from));
        }
        args.extend(["--unshare-pid", "--unshare-uts", "--unshare-ipc", "--unshare-net"].map(String::from));
        args.extend(["--hostname", HOSTNAME].map(String::from));
        if userns.is_some() {
            // bwrap runs as the namespace's root there: its keeper needs no capability.
            args.extend(["--cap-drop", "ALL"].map(String::from));
        }
        args.push("--die-with-parent".into());
        args.extend(["--info-fd".into(), info_write.as_raw_fd().to_string()]);
        // The options go through a file, so that the jail's `/proc/1/cmdline` (bwrap's) shows
        // no host path.
        let args_fd = memfd("bwrap-args", (args.join("\0") + "\0").as_bytes())?;

        let mut command = Command::new(bwrap);
        command
            .args(["--args", &args_fd.as_raw_fd().to_string(), "--", "/bin/sh", "-c", KEEPER])
            .env_clear()
            .env("PATH", DEFAULT_PATH)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .process_group(0);
        data_fds.push(args_fd);
        let inherited: Vec<RawFd> = data_fds.iter().map(|fd| fd.as_raw_fd()).chain([info_write.as_raw_fd()]).collect();
        let cgroup = freezer.procs_fd();
        let userns_fd = userns.as_ref().map_or(-1, AsRawFd::as_raw_fd);
        // SAFETY: the closure only makes async-signal-safe system calls on descriptors that stay
        // open until `spawn` returns.
        unsafe {
            command.pre_exec(move || {
                for &fd in &inherited {
                    if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                        return Err(io::Error::last_os_error());
                    }
                }
                join_cgroup(cgroup)?;
                if let Some((fs_dir, target)) = &root_source {
                    bind_in_own_mount_namespace(fs_dir, target)?;
                }
                if userns_fd >= 0 {
                    // bwrap runs as the sandbox's root, in the mapped user namespace.
                    enter_user_namespace(userns_fd, 0)?;
                }
                Ok(())
            });
        }
        let mut child = command.spawn()?;
        drop(info_write);
        drop(data_fds);
        let bwrap = HostProcess::new(child.id().map_or(0, |pid| pid as i32));
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let opened = tokio::time::timeout(START_WAIT, async {
            let init_pid =
                tokio::task::spawn_blocking(move || read_info(info_read)).await.map_err(io::Error::other)??;
            // The keeper runs once bwrap has set the jail up; only then is the init's root the
            // jail's `/`.
            let mut ready = String::new();
            tokio::io::BufReader::new(stdout.expect("piped")).read_line(&mut ready).await?;
            if ready != "ready\n" {
                return Err(io::Error::other("the sandbox did not start"));
            }
            let ns = |name: &str| File::open(format!("/proc/{init_pid}/ns/{name}")).map(OwnedFd::from);
            let mut namespaces = vec![ns("mnt")?, ns("pid")?, ns("uts")?, ns("ipc")?, ns("net")?];
            let user_ns = ns("user")?;
            let owner_ns = foreign_parent(&user_ns)?;
            namespaces.push(user_ns);
            if image && userns.is_some() {
                // bwrap binds the root `nosuid`; an image's `sudo` needs set-user-id to work.
                allow_setuid(&namespaces[0])?;
            }
            let root = SandboxRoot::open(Path::new(&format!("/proc/{init_pid}/root")))?;
            let pid_namespace = fs::read_link(format!("/proc/{init_pid}/ns/pid"))?.into_os_string();
            // The keeper said it runs: it is the init's child.
            let children = fs::read_to_string(format!("/proc/{init_pid}/task/{init_pid}/children")).unwrap_or_default();
            let keeper = children.split_whitespace().next().and_then(|pid| pid.parse().ok()).map(HostProcess::new);
            let net = Arc::new(JailNet::new(id, init_pid, ns("net")?));
            net.apply(network).await;
            Ok((HostProcess::new(init_pid), keeper, pid_namespace, owner_ns, namespaces, root, net))
        })
        .await
        .unwrap_or_else(|_| Err(io::Error::new(io::ErrorKind::TimedOut, "the sandbox took too long to start")));
        let (init, keeper, pid_namespace, owner_ns, namespaces, root, net) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                let _ = child.kill().await;
                let mut message = String::new();
                if let Some(mut stderr) = stderr {
                    let _ = stderr.read_to_string(&mut message).await;
                }
                if let Some(dir) = freezer.dir().map(Path::to_path_buf) {
                    let _ = tokio::task::spawn_blocking(move || remove_cgroup(&dir)).await;
                }
                return Err(io::Error::other(format!("bwrap failed to start the sandbox: {e} {}", message.trim())));
            }
        };
        let (exited_tx, exited) = watch::channel(false);
        let id = id.to_string();
        let cgroup_dir = freezer.dir().map(Path::to_path_buf);
        let jail_net = net.clone();
        tokio::spawn(async move {
            if let Some(stderr) = stderr {
                forward_lines(stderr, format!("e2b-local: sandbox {id}: bwrap: "));
            }
            let _ = child.wait().await;
            // The network ends with the jail.
            jail_net.shutdown().await;
            exited_tx.send_replace(true);
            if let Some(dir) = cgroup_dir {
                let _ = tokio::task::spawn_blocking(move || remove_cgroup(&dir)).await;
            }
        });
        Ok(Jail { bwrap, init, keeper, pid_namespace, owner_ns, namespaces, net, root, freezer, exited })
    }

    fn has_exited(&self) -> bool {
        *self.exited.borrow()
    }

    /// The jail's network.
    pub fn net(&self) -> &JailNet {
        &self.net
    }

    /// Whether the jail has ended or is ending: its keeper is gone (killed from inside, say),
    /// and the rest follows. No new process may start in it.
    fn is_ending(&self) -> bool {
        self.has_exited() || self.keeper.as_ref().is_some_and(HostProcess::has_exited)
    }

    /// Opens a directory of the jail, resolved inside it (to be a process's working directory).
    pub fn open_dir(&self, path: &str) -> io::Result<File> {
        self.root.open_dir(path)
    }

    /// A new pseudo-terminal of the jail's own `/dev/pts` (the devpts bwrap mounted there), for
    /// a process of `user`: the master side, non-blocking, and the terminal side, which the
    /// jail's processes see as `/dev/pts/<n>` (`tty`, `ps` name it). The terminal belongs to
    /// `user`, group `tty` (5), mode 0620, as a login's would; with ids that are not mapped it
    /// is the server's own uid, which is `user` inside.
    pub fn open_terminal(&self, user: User) -> io::Result<(OwnedFd, OwnedFd)> {
        const DEVPTS_SUPER_MAGIC: libc::c_long = 0x1cd1;
        const TTY_GID: u32 = 5;
        let pts = self.root.open_dir("/dev/pts")?;
        // SAFETY: `fstatfs` writes a `statfs` for an open descriptor.
        let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstatfs(pts.as_raw_fd(), &mut fs) } != 0 {
            return Err(io::Error::last_os_error());
        }
        if fs.f_type as libc::c_long != DEVPTS_SUPER_MAGIC {
            return Err(io::Error::other("the sandbox's /dev/pts is not a devpts file system"));
        }
        let flags = libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC | libc::O_NOFOLLOW;
        // SAFETY: an open directory and a NUL-terminated name.
        let fd = unsafe { libc::openat(pts.as_raw_fd(), c"ptmx".as_ptr(), flags | libc::O_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new descriptor this function owns.
        let master = unsafe { OwnedFd::from_raw_fd(fd) };
        let unlock: libc::c_int = 0;
        // SAFETY: `TIOCSPTLCK` reads an int from a live value; `TIOCGPTPEER` opens the terminal
        // side of this master (no path lookup) and returns a new descriptor or -1.
        let slave = unsafe {
            if libc::ioctl(master.as_raw_fd(), libc::TIOCSPTLCK, &unlock) != 0 {
                return Err(io::Error::last_os_error());
            }
            libc::ioctl(master.as_raw_fd(), libc::TIOCGPTPEER, libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC)
        };
        if slave < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new descriptor this function owns.
        let slave = unsafe { OwnedFd::from_raw_fd(slave) };
        if let Some((uid, _)) = host_ids(user) {
            // SAFETY: `fchown` and `fchmod` of a descriptor we own.
            unsafe {
                if libc::fchown(slave.as_raw_fd(), uid, HOST_ID_BASE + TTY_GID) != 0
                    || libc::fchmod(slave.as_raw_fd(), 0o620) != 0
                {
                    return Err(io::Error::last_os_error());
                }
            }
        }
        Ok((master, slave))
    }

    /// Starts `command` inside the jail, as `user`, in `cwd` (from [`Jail::open_dir`]). The
    /// process leads a new session; with `controlling_tty`, its stdin (a terminal) becomes the
    /// session's terminal.
    ///
    /// The spawned child is a small supervisor: it joins the namespaces, forks the real process
    /// into the jail's PID namespace, waits for it and ends with its status (re-raising a fatal
    /// signal), so that the exit status is exact.
    pub fn spawn(&self, command: &mut Command, user: User, cwd: &File, controlling_tty: bool) -> io::Result<Spawned> {
        if user == User::Root && !server_is_root() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the sandbox user 'root' needs e2b-local to run as root",
            ));
        }
        let (report_read, report_write) = pipe()?;
        let mut namespaces = [-1; 7];
        let joined = self.owner_ns.iter().chain(&self.namespaces);
        for (slot, fd) in namespaces.iter_mut().zip(joined) {
            *slot = fd.as_raw_fd();
        }
        let join = Join {
            cgroup: self.freezer.procs_fd(),
            cgroup_dir: self.freezer.v2_dir_fd(),
            namespaces,
            mapped: server_is_root(),
            cwd: cwd.as_raw_fd(),
            user,
            controlling_tty,
            report: report_write.as_raw_fd(),
            last_cap: last_capability(),
        };
        command.process_group(0);
        // SAFETY: `Join::enter` makes only async-signal-safe system calls, on descriptors that
        // stay open until `spawn` returns.
        unsafe {
            command.pre_exec(move || join.enter());
        }
        let child = command.spawn()?;
        drop(report_write);
        let (pid, host_pid) = read_report(report_read)?;
        Ok(Spawned { child, pid, host: HostProcess::new(host_pid) })
    }

    fn freeze(&self) -> io::Result<()> {
        self.freezer.set_frozen(true, &self.pid_namespace)
    }

    fn thaw(&self) -> io::Result<()> {
        self.freezer.set_frozen(false, &self.pid_namespace)
    }

    /// Kills the init (which ends the PID namespace, every process with it), bwrap and the
    /// jail's slirp4netns.
    fn kill(&self) {
        let _ = self.init.signal(libc::SIGKILL);
        let _ = self.bwrap.signal(libc::SIGKILL);
        self.net.kill();
        // Frozen processes only die once thawed (stopped ones die at once).
        if !matches!(self.freezer, Freezer::Signals) {
            let _ = self.freezer.set_frozen(false, &self.pid_namespace);
        }
    }

    /// Waits (blocking) until bwrap (and the jail's slirp4netns) has been reaped, at most
    /// `limit`.
    fn wait_exited(&self, limit: Duration) {
        let start = Instant::now();
        while !self.has_exited() && start.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Starts `slirp4netns` for the jail whose init is host process `init_pid`: it creates `tap0`
/// in the jail's network namespace (entered through the user namespace that owns it),
/// configures it, and forwards its traffic through the host's sockets. Returns once the
/// interface is up, with the process (reaped by the caller).
pub(crate) async fn start_network(slirp: &Path, init_pid: i32) -> io::Result<Network> {
    let (ready_read, ready_write) = pipe()?;
    let (exit_read, exit_write) = pipe()?;
    let (ready_fd, exit_fd) = (ready_write.as_raw_fd(), exit_read.as_raw_fd());
    let mut command = Command::new(slirp);
    command
        .args(["--configure", SLIRP_MTU, &format!("--ready-fd={ready_fd}"), &format!("--exit-fd={exit_fd}")])
        .arg(format!("--userns-path=/proc/{init_pid}/ns/user"))
        .args(["--netns-type=path", &format!("/proc/{init_pid}/ns/net"), TAP])
        .env_clear()
        .env("PATH", DEFAULT_PATH)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    // SAFETY: only `fcntl` on descriptors that stay open until `spawn` returns.
    unsafe {
        command.pre_exec(move || {
            for fd in [ready_fd, exit_fd] {
                if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let mut child = command.spawn()?;
    drop((ready_write, exit_read));
    let process = HostProcess::new(child.id().map_or(0, |pid| pid as i32));
    let mut stderr = child.stderr.take().expect("piped");
    // It writes `1` once the interface is configured, and closes the pipe when it fails.
    let ready = tokio::task::spawn_blocking(move || {
        let mut byte = [0u8; 1];
        (&ready_read).read(&mut byte).map(|n| n == 1 && byte[0] == b'1')
    })
    .await
    .map_err(io::Error::other)??;
    if !ready {
        let _ = child.start_kill();
        let _ = child.wait().await;
        let mut message = String::new();
        let _ = stderr.read_to_string(&mut message).await;
        let last = message.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or("it ended");
        return Err(io::Error::other(format!("the network did not come up: {}", last.trim())));
    }
    // Past the two lines of its start (the tap device handed over), it writes to stderr only
    // when something goes wrong.
    let prefix = format!("e2b-local: slirp4netns {}: ", process.pid);
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if !line.starts_with("sent tapfd=") && !line.starts_with("received tapfd=") {
                eprintln!("{prefix}{line}");
            }
        }
    });
    let (exited_tx, exited) = watch::channel(false);
    tokio::spawn(async move {
        let _ = child.wait().await;
        exited_tx.send_replace(true);
    });
    Ok(Network { process, _exit: exit_write, exited })
}

impl Network {
    /// Ends slirp4netns (which takes `tap0` with it) and waits until it has been reaped.
    pub(crate) async fn stop(mut self) {
        let _ = self.process.signal(libc::SIGKILL);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.exited.wait_for(|exited| *exited)).await;
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        let _ = self.process.signal(libc::SIGKILL);
    }
}

/// `PATH` of every sandbox process (envd's).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The sandbox's `/etc/passwd` when it has none.
const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000:user:/home/user:/bin/bash\n\
    nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
/// The sandbox's `/etc/group` when it has none.
const GROUP: &str = "root:x:0:\nsudo:x:27:user\nuser:x:1000:\nnogroup:x:65534:\n";
/// The sandbox's `/etc/hosts` when it has none.
const HOSTS: &str = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\te2b\n";
/// The sandbox's `/etc/nsswitch.conf` when it has none: files, then DNS for hosts.
const NSSWITCH: &str = "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\n\
    protocols: files\nservices: files\nethers: files\nrpc: files\n";

/// Makes sure the folders every sandbox has exist in its `fs/`, owned by the sandbox's users:
/// `/` and `/root` by `root`, `/home/user` by `user`, `/tmp` for everyone. Everything resolves
/// inside `fs/` (a symlink the sandbox planted, say `/home -> /etc`, leads to the sandbox's own
/// `/etc`). Cheap: run on every create and jail start.
pub fn prepare_dirs(fs_dir: &Path) -> io::Result<()> {
    let as_root = SandboxRoot::open(fs_dir)?.acting_as(User::Root.name());
    as_root.give(as_root.open_dir("/")?)?;
    make_dir(&as_root, "/root", 0o700)?;
    make_dir(&as_root, "/home", 0o755)?;
    make_dir(&SandboxRoot::open(fs_dir)?.acting_as(User::User.name()), "/home/user", 0o755)?;
    make_dir(&as_root, "/tmp", 0o1777)
}

/// Prepares a sandbox's `/` (`fs_dir`) for a jail: [`prepare_dirs`], the mount points, and
/// what is missing of the sandbox's own `/etc`. With `host_system` (no image below it: the
/// host's programs and libraries show through), returns the bwrap arguments that show them.
/// Every access resolves inside `fs_dir`.
pub fn prepare_root(fs_dir: &Path, host_system: bool) -> io::Result<Vec<String>> {
    if let Err(e) = prepare_dirs(fs_dir) {
        // The sandbox changed them (say, `/home` is a dangling link): its business.
        eprintln!("e2b-local: preparing {}: {e}", fs_dir.display());
    }
    let root = SandboxRoot::open(fs_dir)?.acting_as(User::Root.name());
    for dir in ["/proc", "/dev", "/run"] {
        if root.lstat(dir).is_ok_and(|meta| !meta.is_dir()) {
            // A mount point must be a folder, never a link bwrap would follow.
            root.remove_all(dir)?;
        }
        make_dir(&root, dir, 0o755)?;
    }
    let mut args = Vec::new();
    if host_system {
        for name in SYSTEM_DIRS {
            args.extend(system_dir_args(&root, name)?);
        }
    }
    make_dir(&root, "/etc", 0o755)?;
    // Debian's links to the chosen programs (`awk`, `which`, ...): hundreds of them, shown
    // read-only rather than copied, under an `/etc` that is a folder (never through a link).
    if host_system && root.lstat("/etc").is_ok_and(|meta| meta.is_dir()) {
        args.extend(system_dir_args(&root, "etc/alternatives")?);
    }
    let generated = [
        ("passwd", PASSWD),
        ("group", GROUP),
        ("hosts", HOSTS),
        ("hostname", "e2b\n"),
        ("nsswitch.conf", NSSWITCH),
        ("profile", PROFILE),
        ("resolv.conf", RESOLV_CONF),
    ];
    for (name, content) in generated {
        let path = format!("/etc/{name}");
        if root.lstat(&path).is_err() {
            write_new(&root, &path, content.as_bytes(), 0o644)?;
        }
    }
    // An image has its own.
    let copies: &[&str] = if host_system { &ETC_COPIES } else { &[] };
    for name in copies {
        let path = format!("/etc/{name}");
        if root.lstat(&path).is_err() {
            if let Some((parent, _)) = paths::split_parent(&path) {
                make_dir(&root, parent, 0o755)?;
            }
            copy_host_entry(&root, &Path::new("/etc").join(name), &path)?;
        }
    }
    Ok(args)
}

/// Creates folder `path` with `mode` (and its missing parents) unless something is there. A
/// folder there that the host's root owns (made before the sandbox's ids had their own range)
/// is given to the user `root` acts as.
fn make_dir(root: &SandboxRoot, path: &str, mode: libc::mode_t) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    if let Ok(meta) = root.lstat(path) {
        if meta.is_dir() && meta.uid() == 0 {
            root.give(root.open_dir(path)?)?;
        }
        return Ok(());
    }
    root.mkdir_all(path)?;
    let dir = root.open_dir(path)?;
    // SAFETY: `fchmod` on a descriptor we own.
    if unsafe { libc::fchmod(dir.as_raw_fd(), mode) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Creates file `path` (which must not exist) holding `content`, with `mode`.
fn write_new(root: &SandboxRoot, path: &str, content: &[u8], mode: libc::mode_t) -> io::Result<()> {
    let mut file = root.create_new(path, mode)?;
    file.write_all(content)?;
    // SAFETY: `fchmod` on a descriptor we own.
    if unsafe { libc::fchmod(file.as_raw_fd(), mode) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Copies host file, symlink or folder `host` to `path` in the sandbox, leaving out what not
/// every user of the host may read (and anything that is none of those three).
fn copy_host_entry(root: &SandboxRoot, host: &Path, path: &str) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = fs::symlink_metadata(host) else { return Ok(()) };
    let readable = meta.mode() & 0o004 != 0;
    if meta.is_symlink() {
        root.symlink(fs::read_link(host)?.as_os_str(), path)
    } else if meta.is_file() && readable {
        write_new(root, path, &fs::read(host)?, 0o644)
    } else if meta.is_dir() && readable && meta.mode() & 0o001 != 0 {
        make_dir(root, path, 0o755)?;
        for entry in fs::read_dir(host)?.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            let child = format!("{path}/{name}");
            if root.lstat(&child).is_err() {
                copy_host_entry(root, &entry.path(), &child)?;
            }
        }
        Ok(())
    } else {
        Ok(())
    }
}

/// The bwrap arguments that show host folder `/name` in the jail: a symlink stays a symlink,
/// a folder is bound read-only (over a folder made for it). Skipped when the host lacks it, or
/// when the sandbox has its own `name` that is not a folder (or the symlink is already there).
fn system_dir_args(root: &SandboxRoot, name: &str) -> io::Result<Vec<String>> {
    let host = Path::new("/").join(name);
    let Ok(meta) = fs::symlink_metadata(&host) else { return Ok(Vec::new()) };
    let path = format!("/{name}");
    let own = root.lstat(&path).ok();
    if meta.file_type().is_symlink() {
        return Ok(match (fs::read_link(&host), own) {
            (Ok(target), None) => vec!["--symlink".into(), target.display().to_string(), path],
            _ => Vec::new(),
        });
    }
    if !meta.is_dir() || own.as_ref().is_some_and(|own| !own.is_dir()) {
        return Ok(Vec::new());
    }
    make_dir(root, &path, 0o755)?;
    Ok(vec!["--ro-bind".into(), host.display().to_string(), path])
}

/// A new user namespace that maps the sandbox's ids 0..[`ID_RANGE`] to the host's
/// [`HOST_ID_BASE`].., and nothing else. Made by a child that only unshares and waits.
fn mapped_user_namespace() -> io::Result<OwnedFd> {
    let (wait_read, wait_write) = pipe()?;
    let read_fd = wait_read.as_raw_fd();
    let none: libc::c_long = 0;
    let flags = (libc::CLONE_NEWUSER | libc::SIGCHLD) as libc::c_long;
    // SAFETY: the child makes only async-signal-safe system calls, then exits.
    let pid = unsafe { libc::syscall(libc::SYS_clone, flags, none, none, none, none) };
    if pid == 0 {
        // SAFETY: in the child: wait until the parent closes its end, then leave.
        unsafe {
            // Only the pipe's read end: a copy of another thread's descriptors (another such
            // pipe's write end) would keep that thread's child waiting.
            close_all_but(read_fd);
            let mut byte = 0u8;
            libc::read(read_fd, (&mut byte as *mut u8).cast(), 1);
            libc::_exit(0);
        }
    }
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    drop(wait_read);
    let made = (|| {
        let map = format!("0 {HOST_ID_BASE} {ID_RANGE}\n");
        fs::write(format!("/proc/{pid}/uid_map"), &map)?;
        fs::write(format!("/proc/{pid}/gid_map"), &map)?;
        File::open(format!("/proc/{pid}/ns/user")).map(OwnedFd::from)
    })();
    drop(wait_write);
    let mut status = 0;
    // SAFETY: reaps our own child.
    unsafe { libc::waitpid(pid as libc::pid_t, &mut status, 0) };
    made
}

/// Lets set-user-id programs work in the jail whose mount namespace is `mnt_ns`: its `/` is
/// remounted without `nosuid` (bwrap binds it with), keeping its other flags. `/` is the
/// sandbox's own (an overlay over an image); the host folders bound in stay `nosuid`. Done by
/// a child that only enters the namespace and remounts.
fn allow_setuid(mnt_ns: &OwnedFd) -> io::Result<()> {
    let ns = mnt_ns.as_raw_fd();
    let none: libc::c_long = 0;
    // SAFETY: the child makes only async-signal-safe system calls, then exits.
    let pid = unsafe { libc::syscall(libc::SYS_clone, libc::SIGCHLD as libc::c_long, none, none, none, none) };
    if pid == 0 {
        // SAFETY: in the child, single-threaded: plain system calls, then `_exit`.
        unsafe {
            close_all_but(ns);
            if libc::setns(ns, libc::CLONE_NEWNS) != 0 {
                libc::_exit(1);
            }
            let mut stat: libc::statvfs = std::mem::zeroed();
            if libc::statvfs(c"/".as_ptr(), &mut stat) != 0 {
                libc::_exit(2);
            }
            // `f_flag` holds the mount's `ST_*` flags (from the kernel: no file is read), which
            // are its `MS_*` ones.
            let kept = libc::MS_RDONLY | libc::MS_NODEV | libc::MS_NOEXEC | libc::MS_NOATIME | libc::MS_NODIRATIME;
            let kept = kept | libc::MS_RELATIME;
            let flags = (stat.f_flag & kept) | libc::MS_REMOUNT | libc::MS_BIND;
            let none = std::ptr::null::<libc::c_char>();
            if libc::mount(none, c"/".as_ptr(), none, flags, std::ptr::null()) != 0 {
                libc::_exit(3);
            }
            libc::_exit(0);
        }
    }
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut status = 0;
    // SAFETY: reaps our own child.
    unsafe { libc::waitpid(pid as libc::pid_t, &mut status, 0) };
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "allowing set-user-id programs in the sandbox failed (step {})",
        libc::WEXITSTATUS(status)
    )))
}

/// Closes every descriptor but `keep`. Async-signal-safe.
unsafe fn close_all_but(keep: RawFd) {
    let close = |first: RawFd, last: libc::c_uint| {
        if first as libc::c_uint <= last {
            libc::syscall(libc::SYS_close_range, first as libc::c_uint, last, 0 as libc::c_uint);
        }
    };
    if keep > 0 {
        close(0, keep as libc::c_uint - 1);
    }
    close(keep + 1, libc::c_uint::MAX);
}

/// Joins user namespace `fd` as its uid and gid `id`, without the server's supplementary
/// groups. Async-signal-safe.
/// Moves the calling process into a mount namespace of its own, private, and binds `source`
/// over `target` there. Only async-signal-safe system calls (for `pre_exec`).
fn bind_in_own_mount_namespace(source: &CString, target: &CString) -> io::Result<()> {
    let (none, root) = (std::ptr::null::<libc::c_char>(), c"/".as_ptr());
    // SAFETY: plain system calls on valid NUL-terminated strings the caller keeps alive.
    let failed = unsafe {
        libc::unshare(libc::CLONE_NEWNS) != 0
            || libc::mount(none, root, none, libc::MS_REC | libc::MS_PRIVATE, std::ptr::null()) != 0
            || libc::mount(source.as_ptr(), target.as_ptr(), none, libc::MS_BIND | libc::MS_REC, std::ptr::null()) != 0
    };
    if failed {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A path as a C string.
fn path_cstring(path: &Path) -> io::Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)
}

fn enter_user_namespace(fd: RawFd, id: u32) -> io::Result<()> {
    // SAFETY: plain system calls on a descriptor the caller keeps open.
    let failed = unsafe {
        libc::setns(fd, libc::CLONE_NEWUSER) != 0
            || libc::setgroups(0, std::ptr::null()) != 0
            || libc::setresgid(id, id, id) != 0
            || libc::setresuid(id, id, id) != 0
    };
    if failed {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// An anonymous file holding `content`, positioned at its start, for `--ro-bind-data`.
fn memfd(name: &str, content: &[u8]) -> io::Result<OwnedFd> {
    let name = CString::new(name).map_err(io::Error::other)?;
    // SAFETY: `memfd_create` with a valid string; the result is checked.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new descriptor this function owns.
    let mut file = unsafe { File::from_raw_fd(fd) };
    file.write_all(content)?;
    file.rewind()?;
    Ok(file.into())
}

/// The parent of user namespace `ns`, unless that is our own (`NS_GET_PARENT`).
fn foreign_parent(ns: &OwnedFd) -> io::Result<Option<OwnedFd>> {
    use std::os::unix::fs::MetadataExt;
    const NS_GET_PARENT: libc::c_ulong = 0xb702;
    // SAFETY: `NS_GET_PARENT` returns a new descriptor or -1.
    let fd = unsafe { libc::ioctl(ns.as_raw_fd(), NS_GET_PARENT) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new descriptor this function owns.
    let parent = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    let (parent_meta, own) = (parent.metadata()?, fs::metadata("/proc/self/ns/user")?);
    let is_own = (parent_meta.dev(), parent_meta.ino()) == (own.dev(), own.ino());
    Ok((!is_own).then(|| parent.into()))
}

/// A close-on-exec pipe: (read end, write end).
fn pipe() -> io::Result<(File, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `pipe2` fills the array on success.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: two new descriptors this function owns.
    Ok(unsafe { (File::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// The host pid of the jail's init, from bwrap's `--info-fd` JSON.
fn read_info(mut pipe: File) -> io::Result<i32> {
    let mut text = String::new();
    pipe.read_to_string(&mut text)?;
    let info: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| io::Error::other(if text.is_empty() { "no sandbox info".to_string() } else { text.clone() }))?;
    info["child-pid"].as_i64().map(|pid| pid as i32).ok_or_else(|| io::Error::other(format!("no child-pid in {text}")))
}

/// The two pids a supervisor and its process report (`H` + host pid, `I` + pid inside).
fn read_report(mut pipe: File) -> io::Result<(u32, i32)> {
    let mut bytes = Vec::new();
    pipe.read_to_end(&mut bytes)?;
    let (mut inside, mut host) = (None, None);
    for record in bytes.chunks_exact(5) {
        let value = i32::from_ne_bytes([record[1], record[2], record[3], record[4]]);
        match record[0] {
            b'I' => inside = Some(value as u32),
            b'H' => host = Some(value),
            _ => {}
        }
    }
    match (inside, host) {
        (Some(inside), Some(host)) => Ok((inside, host)),
        _ => Err(io::Error::other("the process did not report its pid")),
    }
}

fn last_capability() -> u32 {
    static LAST: OnceLock<u32> = OnceLock::new();
    *LAST.get_or_init(|| {
        fs::read_to_string("/proc/sys/kernel/cap_last_cap").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(40)
    })
}

/// Passes each line of a child's stderr to ours, with a prefix.
pub fn forward_lines(stream: impl tokio::io::AsyncRead + Unpin + Send + 'static, prefix: String) {
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("{prefix}{line}");
        }
    });
}

/// Moves the calling process into a cgroup through its open `cgroup.procs` (no-op for -1).
/// Async-signal-safe.
fn join_cgroup(procs: RawFd) -> io::Result<()> {
    // SAFETY: `write(2)` of a static byte to a descriptor the caller keeps open.
    if procs >= 0 && unsafe { libc::write(procs, b"0".as_ptr().cast(), 1) } != 1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// What the supervisor of a new process needs, as raw descriptors (it runs between fork and
/// exec, where only async-signal-safe calls are allowed: no allocation, no locks).
struct Join {
    /// The jail's `cgroup.procs` (-1: none), to join when the process cannot be cloned into
    /// its cgroup.
    cgroup: RawFd,
    /// The jail's cgroup v2 folder (-1: none), to clone the process straight into.
    cgroup_dir: RawFd,
    /// In the order to join them; -1 for a namespace not to join.
    namespaces: [RawFd; 7],
    /// Whether the sandbox's ids are a host range of their own (the user namespace is ours).
    mapped: bool,
    cwd: RawFd,
    user: User,
    controlling_tty: bool,
    report: RawFd,
    last_cap: u32,
}

/// `struct clone_args` of `clone3(2)` (the fields up to `cgroup`, Linux 5.7).
#[repr(C)]
#[derive(Default)]
struct CloneArgs {
    flags: u64,
    pidfd: u64,
    child_tid: u64,
    parent_tid: u64,
    exit_signal: u64,
    stack: u64,
    stack_size: u64,
    tls: u64,
    set_tid: u64,
    set_tid_size: u64,
    cgroup: u64,
}

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

impl Join {
    /// Runs in the forked child: joins the cgroup and the namespaces, then forks the process
    /// itself (which returns, to be exec'd) and supervises it (never returns).
    ///
    /// SAFETY: only between fork and exec.
    unsafe fn enter(&self) -> io::Result<()> {
        for fd in self.namespaces {
            if fd >= 0 && libc::setns(fd, 0) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        libc::signal(libc::SIGCHLD, libc::SIG_DFL);
        let pid = self.clone_into_cgroup()?;
        if pid > 0 {
            self.supervise(pid as libc::pid_t);
        }
        self.become_process()
    }

    /// Forks the process (raw system calls: glibc's fork() runs atfork handlers that may wait
    /// on locks held by threads that do not exist in this child). Straight into the jail's
    /// cgroup v2 with `clone3(CLONE_INTO_CGROUP)`, which costs nothing; else the supervisor
    /// first moves into the cgroup, which costs the kernel a grace period (~10 ms).
    unsafe fn clone_into_cgroup(&self) -> io::Result<libc::pid_t> {
        const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
        if self.cgroup_dir >= 0 {
            let mut args = CloneArgs {
                flags: CLONE_INTO_CGROUP,
                exit_signal: libc::SIGCHLD as u64,
                cgroup: self.cgroup_dir as u64,
                ..CloneArgs::default()
            };
            let pid = libc::syscall(libc::SYS_clone3, &mut args as *mut CloneArgs, std::mem::size_of::<CloneArgs>());
            if pid >= 0 {
                return Ok(pid as libc::pid_t);
            }
        }
        join_cgroup(self.cgroup)?;
        let none: libc::c_long = 0;
        let pid = libc::syscall(libc::SYS_clone, libc::SIGCHLD as libc::c_long, none, none, none, none);
        if pid < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(pid as libc::pid_t)
    }

    /// The process, inside the PID namespace: working directory, session, user, capabilities.
    unsafe fn become_process(&self) -> io::Result<()> {
        let check = |result: libc::c_int| if result < 0 { Err(io::Error::last_os_error()) } else { Ok(()) };
        check(libc::fchdir(self.cwd))?;
        check(libc::setsid())?;
        if self.controlling_tty {
            check(libc::ioctl(0, libc::TIOCSCTTY, 0))?;
        }
        if self.mapped {
            // No supplementary group of the server's.
            check(libc::setgroups(0, std::ptr::null()))?;
        }
        // What `root` may do, for `user` too: a set-user-id program (`sudo`) gives no more.
        for cap in 0..=self.last_cap {
            if ROOT_CAPS & (1 << cap) == 0 {
                let zero: libc::c_ulong = 0;
                check(libc::prctl(libc::PR_CAPBSET_DROP, libc::c_ulong::from(cap), zero, zero, zero))?;
            }
        }
        match self.user {
            User::User => {
                if self.mapped {
                    // `user`'s groups, from the sandbox's `/etc/group` as Debian's images have
                    // it (`sudo`: 27).
                    let groups = [USER_ID, SUDO_GID];
                    check(libc::setgroups(groups.len(), groups.as_ptr()))?;
                }
                check(libc::setresgid(USER_ID, USER_ID, USER_ID))?;
                check(libc::setresuid(USER_ID, USER_ID, USER_ID))?;
                // The same host uid as before, so no capability goes on its own: drop them all.
                self.set_capabilities(0)?;
            }
            User::Root => {
                check(libc::setresgid(0, 0, 0))?;
                check(libc::setresuid(0, 0, 0))?;
                self.set_capabilities(ROOT_CAPS)?;
            }
        }
        self.report(b'I', libc::getpid());
        Ok(())
    }

    unsafe fn set_capabilities(&self, caps: u64) -> io::Result<()> {
        let mut header = CapHeader { version: 0x2008_0522, pid: 0 };
        let word = |shift: u32| (caps >> shift) as u32;
        let data = [
            CapData { effective: word(0), permitted: word(0), inheritable: 0 },
            CapData { effective: word(32), permitted: word(32), inheritable: 0 },
        ];
        if libc::syscall(libc::SYS_capset, &mut header as *mut CapHeader, data.as_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// The supervisor: reports the process's host pid, lets go of every descriptor (so only
    /// the process holds its pipes), waits, and ends the way the process ended.
    unsafe fn supervise(&self, pid: libc::pid_t) -> ! {
        self.report(b'H', pid);
        let (first, last, flags): (libc::c_long, libc::c_long, libc::c_long) = (0, libc::c_uint::MAX.into(), 0);
        if libc::syscall(libc::SYS_close_range, first, last, flags) != 0 {
            for fd in 0..1024 {
                libc::close(fd);
            }
        }
        let mut status = 0;
        while libc::waitpid(pid, &mut status, 0) != pid {
            if *libc::__errno_location() != libc::EINTR {
                libc::_exit(127);
            }
        }
        if libc::WIFSIGNALED(status) {
            let signal = libc::WTERMSIG(status);
            let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            libc::signal(signal, libc::SIG_DFL);
            let mut set = std::mem::zeroed::<libc::sigset_t>();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, signal);
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::kill(libc::getpid(), signal);
            libc::_exit(128 + signal);
        }
        libc::_exit(libc::WEXITSTATUS(status))
    }

    unsafe fn report(&self, tag: u8, pid: libc::pid_t) {
        let mut record = [tag, 0, 0, 0, 0];
        record[1..].copy_from_slice(&pid.to_ne_bytes());
        libc::write(self.report, record.as_ptr().cast(), record.len());
    }
}

/// How a jail's processes are frozen.
enum Freezer {
    /// A cgroup v1 freezer folder.
    V1(Cgroup),
    /// A cgroup v2 folder.
    V2(Cgroup),
    /// No cgroup: `SIGSTOP`/`SIGCONT` to every process of the PID namespace.
    Signals,
}

struct Cgroup {
    dir: PathBuf,
    /// Its `cgroup.procs`, open for writing: processes join by writing "0" to it.
    procs: File,
    /// The folder itself, open: processes are cloned into a v2 cgroup through it.
    handle: File,
}

/// Where the cgroups of our jails go, found once: (v1?, `.../e2b-local/<our pid>`), in the v2
/// hierarchy where we can make one (processes can be cloned straight into it), else in the
/// v1 freezer's.
fn cgroup_parent() -> Option<&'static (bool, PathBuf)> {
    static PARENT: OnceLock<Option<(bool, PathBuf)>> = OnceLock::new();
    PARENT
        .get_or_init(|| {
            cgroup_parents().into_iter().find_map(|(v1, dir)| {
                let dir = dir.join(std::process::id().to_string());
                fs::create_dir_all(&dir).is_ok().then_some((v1, dir))
            })
        })
        .as_ref()
}

/// The `e2b-local` folders of our cgroup in the v2 hierarchy and in the v1 freezer's, with
/// whether each is v1.
fn cgroup_parents() -> Vec<(bool, PathBuf)> {
    let (Ok(mountinfo), Ok(own)) =
        (fs::read_to_string("/proc/self/mountinfo"), fs::read_to_string("/proc/self/cgroup"))
    else {
        return Vec::new();
    };
    [false, true].into_iter().filter_map(|v1| cgroup_dir(&mountinfo, &own, v1).map(|dir| (v1, dir))).collect()
}

/// Ends what servers that were killed (and so could not clean up) left running: the frozen
/// processes in the cgroups of servers no longer running are thawed and killed and their
/// cgroups removed, and any process whose `/` is the `fs/` of a sandbox in `sandboxes_dir` is
/// killed. Blocking; run on start, before any jail.
pub fn end_leftovers(sandboxes_dir: &Path) {
    for (v1, parent) in cgroup_parents() {
        for entry in fs::read_dir(&parent).into_iter().flatten().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<i32>().ok()) else { continue };
            // SAFETY: `kill` with signal 0 only checks that the process exists.
            let gone =
                unsafe { libc::kill(pid, 0) } != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
            if gone {
                let jails = fs::read_dir(entry.path()).into_iter().flatten().flatten();
                for jail in jails.filter(|jail| jail.file_type().is_ok_and(|kind| kind.is_dir())) {
                    end_cgroup(v1, &jail.path());
                }
                let _ = fs::remove_dir(entry.path());
            }
        }
    }
    kill_processes_rooted_in(sandboxes_dir);
}

/// Kills every process of a jail's cgroup, thaws it so that they die, and removes it.
fn end_cgroup(v1: bool, dir: &Path) {
    if v1 || fs::write(dir.join("cgroup.kill"), "1").is_err() {
        let procs = fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
        for pid in procs.lines().filter_map(|line| line.trim().parse::<i32>().ok()) {
            // SAFETY: plain `kill(2)`.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
    let _ = match v1 {
        true => fs::write(dir.join("freezer.state"), "THAWED"),
        false => fs::write(dir.join("cgroup.freeze"), "0"),
    };
    remove_cgroup(dir);
}

/// Kills the processes whose root folder is the `/` of a sandbox in `sandboxes_dir`, its `fs/`
/// or the overlay still mounted at its `root/` (what is left of jails of a server that was
/// killed).
fn kill_processes_rooted_in(sandboxes_dir: &Path) {
    use std::os::unix::fs::MetadataExt;
    let roots: std::collections::HashSet<(u64, u64)> = fs::read_dir(sandboxes_dir)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|entry| [entry.path().join("fs"), entry.path().join("root")])
        .filter_map(|dir| fs::metadata(dir).ok())
        .map(|meta| (meta.dev(), meta.ino()))
        .collect();
    if roots.is_empty() {
        return;
    }
    for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(root) = fs::metadata(entry.path().join("root")) else { continue };
        if roots.contains(&(root.dev(), root.ino())) {
            // SAFETY: plain `kill(2)`.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

/// The folder of our own cgroup in the v1 freezer hierarchy (`v1`) or in the v2 hierarchy,
/// plus `e2b-local`, from `/proc/self/mountinfo` and `/proc/self/cgroup`.
fn cgroup_dir(mountinfo: &str, own_cgroups: &str, v1: bool) -> Option<PathBuf> {
    let own = own_cgroups.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let wanted = if v1 { controllers.split(',').any(|c| c == "freezer") } else { controllers.is_empty() };
        wanted.then_some(path)
    })?;
    mountinfo.lines().find_map(|line| {
        let (mount, rest) = line.split_once(" - ")?;
        let mut fstype_and_options = rest.split(' ');
        let fstype = fstype_and_options.next()?;
        let options = fstype_and_options.nth(1).unwrap_or("");
        let fields: Vec<&str> = mount.split(' ').collect();
        let (root, point) = (*fields.get(3)?, *fields.get(4)?);
        let matches =
            if v1 { fstype == "cgroup" && options.split(',').any(|o| o == "freezer") } else { fstype == "cgroup2" };
        if !matches {
            return None;
        }
        let relative = own.strip_prefix(root.trim_end_matches('/')).unwrap_or(own);
        Some(Path::new(point).join(relative.trim_start_matches('/')).join("e2b-local"))
    })
}

impl Freezer {
    /// A new cgroup for the jail of sandbox `id`, or signals when none can be made.
    fn create(id: &str) -> Freezer {
        let Some((v1, parent)) = cgroup_parent() else { return Freezer::Signals };
        let dir = parent.join(id);
        let made = fs::create_dir_all(&dir).and_then(|()| {
            let procs = fs::OpenOptions::new().write(true).open(dir.join("cgroup.procs"))?;
            Ok(Cgroup { dir: dir.clone(), procs, handle: File::open(&dir)? })
        });
        match made {
            Ok(cgroup) if *v1 => Freezer::V1(cgroup),
            Ok(cgroup) => Freezer::V2(cgroup),
            Err(e) => {
                static WARNED: AtomicBool = AtomicBool::new(false);
                if !WARNED.swap(true, Ordering::Relaxed) {
                    eprintln!("e2b-local: no cgroup for pausing ({}: {e}); pausing uses SIGSTOP", dir.display());
                }
                Freezer::Signals
            }
        }
    }

    fn procs_fd(&self) -> RawFd {
        match self {
            Freezer::V1(cgroup) | Freezer::V2(cgroup) => cgroup.procs.as_raw_fd(),
            Freezer::Signals => -1,
        }
    }

    /// The open folder of a v2 cgroup, -1 for others.
    fn v2_dir_fd(&self) -> RawFd {
        match self {
            Freezer::V2(cgroup) => cgroup.handle.as_raw_fd(),
            Freezer::V1(_) | Freezer::Signals => -1,
        }
    }

    fn dir(&self) -> Option<&Path> {
        match self {
            Freezer::V1(cgroup) | Freezer::V2(cgroup) => Some(&cgroup.dir),
            Freezer::Signals => None,
        }
    }

    /// Freezes or thaws, and waits until the kernel is done. `namespace` names the PID
    /// namespace whose processes the signal fallback stops or continues.
    fn set_frozen(&self, frozen: bool, namespace: &std::ffi::OsStr) -> io::Result<()> {
        // The file to write, the value, and the file that says (by containing `done`) when
        // the kernel has finished.
        let (file, value, state_file, done) = match self {
            Freezer::V1(_) if frozen => ("freezer.state", "FROZEN", "freezer.state", "FROZEN"),
            Freezer::V1(_) => ("freezer.state", "THAWED", "freezer.state", "THAWED"),
            Freezer::V2(_) if frozen => ("cgroup.freeze", "1", "cgroup.events", "frozen 1"),
            Freezer::V2(_) => ("cgroup.freeze", "0", "cgroup.events", "frozen 0"),
            Freezer::Signals => {
                signal_namespace(namespace, if frozen { libc::SIGSTOP } else { libc::SIGCONT });
                return Ok(());
            }
        };
        let dir = self.dir().expect("a cgroup freezer has a folder");
        fs::write(dir.join(file), value)?;
        let start = Instant::now();
        loop {
            if fs::read_to_string(dir.join(state_file))?.contains(done) {
                return Ok(());
            }
            if start.elapsed() > FREEZE_WAIT {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("{} did not become {value}", dir.display()),
                ));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Sends `signal` to every process of the PID namespace `namespace` (a `pid:[inode]` link),
/// until no new one shows up (a process may fork while we go).
fn signal_namespace(namespace: &std::ffi::OsStr, signal: libc::c_int) {
    let mut seen = std::collections::HashSet::new();
    for _ in 0..10 {
        let mut new = false;
        for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
            let in_namespace =
                fs::read_link(entry.path().join("ns/pid")).is_ok_and(|link| link.as_os_str() == namespace);
            if in_namespace && seen.insert(pid) {
                new = true;
                // SAFETY: plain `kill(2)`.
                unsafe { libc::kill(pid, signal) };
            }
        }
        if !new {
            return;
        }
    }
}

/// Removes a jail's cgroup once its last process is gone (they leave as they are reaped).
fn remove_cgroup(dir: &Path) {
    for _ in 0..200 {
        match fs::remove_dir(dir) {
            Ok(()) => return,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            Err(_) => std::thread::sleep(Duration::from_millis(25)),
        }
    }
    eprintln!("e2b-local: could not remove cgroup {}", dir.display());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;

    #[test]
    fn finds_the_cgroup_folders() {
        let mountinfo = "\
30 24 0:26 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw
35 24 0:31 / /sys/fs/cgroup/freezer rw,nosuid - cgroup cgroup rw,freezer
36 24 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory";
        let own = "6:freezer:/user/job\n4:memory:/docker/abc\n0::/session";
        assert_eq!(cgroup_dir(mountinfo, own, true).unwrap(), Path::new("/sys/fs/cgroup/freezer/user/job/e2b-local"));
        assert_eq!(cgroup_dir(mountinfo, own, false).unwrap(), Path::new("/sys/fs/cgroup/unified/session/e2b-local"));
        let v2_only = "29 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw";
        assert_eq!(cgroup_dir(v2_only, "0::/", false).unwrap(), Path::new("/sys/fs/cgroup/e2b-local"));
        assert!(cgroup_dir(v2_only, "0::/", true).is_none());
    }

    /// A jail over a fresh `fs/`, or `None` (with a note) where jails cannot run.
    async fn machine() -> Option<(tempfile::TempDir, Arc<Machine>)> {
        if let Err(e) = availability() {
            eprintln!("skipped: {e}");
            return None;
        }
        static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("fs/home/user")).unwrap();
        let id = format!("test{}", COUNT.fetch_add(1, Ordering::Relaxed));
        let files = vec![("/run/e2b-local/hello.txt", &b"hello"[..])];
        let rootfs = Arc::new(Rootfs::new(dir.path().to_path_buf(), crate::rootfs::Base::Host));
        let machine = Arc::new(Machine::new(&id, rootfs, files, Mode::Open));
        Some((dir, machine))
    }

    async fn run(jail: &Jail, user: User, script: &str) -> (std::process::Output, u32) {
        let cwd = jail.open_dir("/home/user").unwrap();
        let mut command = Command::new("/bin/sh");
        command.args(["-c", script]).env_clear().env("PATH", DEFAULT_PATH);
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let spawned = jail.spawn(&mut command, user, &cwd, false).unwrap();
        (spawned.child.wait_with_output().await.unwrap(), spawned.pid)
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn processes_see_the_sandbox_and_end_exactly() {
        let Some((dir, machine)) = machine().await else { return };
        fs::write(dir.path().join("fs/home/user/a.txt"), "from the files API").unwrap();
        let jail = machine.jail().await.unwrap();

        let script = "cat a.txt; echo; pwd; id -un; cat /run/e2b-local/hello.txt; echo; echo made > /tmp/b.txt";
        let (output, pid) = run(&jail, User::User, script).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(stdout, "from the files API\n/home/user\nuser\nhello\n", "{output:?}");
        assert!(output.status.success());
        assert!(pid > 1, "a pid inside the jail: {pid}");
        assert_eq!(fs::read_to_string(dir.path().join("fs/tmp/b.txt")).unwrap(), "made\n");

        // The supervisor ends the way the process did.
        assert_eq!(run(&jail, User::User, "exit 7").await.0.status.code(), Some(7));
        assert_eq!(run(&jail, User::User, "kill -TERM $$").await.0.status.signal(), Some(libc::SIGTERM));
        if server_is_root() {
            let (output, _) =
                run(&jail, User::Root, "id -u; mount -t tmpfs none /usr 2>/dev/null || echo denied").await;
            assert_eq!(String::from_utf8_lossy(&output.stdout), "0\ndenied\n");
        }
        tokio::task::spawn_blocking(move || machine.end()).await.unwrap();
        assert!(jail.has_exited());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn terminals_are_the_jails_own() {
        let Some((_dir, machine)) = machine().await else { return };
        let jail = machine.jail().await.unwrap();
        let (master, slave) = jail.open_terminal(User::User).unwrap();
        let size = libc::winsize { ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: `TIOCSWINSZ` reads a `winsize` from a live value.
        assert_eq!(unsafe { libc::ioctl(slave.as_raw_fd(), libc::TIOCSWINSZ, &size) }, 0);
        let cwd = jail.open_dir("/home/user").unwrap();
        let mut command = Command::new("/bin/sh");
        let script = "tty; stat -c '%U %a' \"$(tty)\"; stty size; : </dev/tty && echo controlling";
        command.args(["-c", script]).env_clear().env("PATH", DEFAULT_PATH);
        command.stdin(Stdio::from(slave.try_clone().unwrap())).stdout(Stdio::from(slave.try_clone().unwrap()));
        command.stderr(Stdio::from(slave));
        let spawned = jail.spawn(&mut command, User::User, &cwd, true).unwrap();
        drop(command);
        let output = tokio::task::spawn_blocking(move || {
            // SAFETY: `fcntl` on a descriptor we own: blocking reads from here on.
            assert_eq!(unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFL, 0) }, 0);
            let mut output = Vec::new();
            // The terminal's end: `EIO` once no process holds it.
            let error = File::from(master).read_to_end(&mut output).unwrap_err();
            assert_eq!(error.raw_os_error(), Some(libc::EIO));
            String::from_utf8(output).unwrap()
        })
        .await
        .unwrap();
        assert!(spawned.child.wait_with_output().await.unwrap().status.success(), "{output}");
        let mut lines = output.lines();
        assert_eq!(lines.next(), Some("/dev/pts/0"), "{output}");
        assert_eq!(lines.next(), Some("user 620"), "{output}");
        assert_eq!(lines.next(), Some("30 100"), "{output}");
        assert_eq!(lines.next(), Some("controlling"), "{output}");
        tokio::task::spawn_blocking(move || machine.end()).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn pausing_freezes_processes_and_resuming_continues_them() {
        let Some((dir, machine)) = machine().await else { return };
        let jail = machine.jail().await.unwrap();
        let cwd = jail.open_dir("/").unwrap();
        let mut command = Command::new("/bin/sh");
        command
            .args(["-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.02; done"]);
        command.env_clear().env("PATH", DEFAULT_PATH).stdin(Stdio::null());
        let mut counter = jail.spawn(&mut command, User::User, &cwd, false).unwrap();
        let count = || fs::read_to_string(dir.path().join("fs/tmp/n")).ok().and_then(|n| n.trim().parse::<u64>().ok());
        tokio::time::sleep(Duration::from_millis(300)).await;

        let paused = machine.clone();
        tokio::task::spawn_blocking(move || paused.follow(|| true)).await.unwrap();
        let frozen_at = count().unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(count(), Some(frozen_at), "no progress while paused");
        assert!(machine.jail().await.is_err(), "nothing starts in a paused sandbox");

        let resumed = machine.clone();
        tokio::task::spawn_blocking(move || resumed.follow(|| false)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let after = count().unwrap();
        assert!(after > frozen_at && after < frozen_at + 100, "continued from {frozen_at}: {after}");

        tokio::task::spawn_blocking(move || machine.end()).await.unwrap();
        assert_eq!(counter.child.wait().await.unwrap().signal(), Some(libc::SIGKILL));
    }

    #[test]
    fn frozen_leftovers_of_a_dead_server_are_ended() {
        // A server that is gone, its pid free: a jail cgroup of its with a frozen process, in
        // every hierarchy we can write to.
        let mut dead = std::process::Command::new("/bin/true").spawn().unwrap();
        let dead_pid = dead.id();
        dead.wait().unwrap();
        for (v1, parent) in cgroup_parents() {
            let dir = parent.join(dead_pid.to_string()).join("sandbox");
            if fs::create_dir_all(&dir).is_err() {
                continue;
            }
            let mut sleeper = std::process::Command::new("/bin/sleep").arg("1000").spawn().unwrap();
            fs::write(dir.join("cgroup.procs"), sleeper.id().to_string()).unwrap();
            let (file, value) = if v1 { ("freezer.state", "FROZEN") } else { ("cgroup.freeze", "1") };
            fs::write(dir.join(file), value).unwrap();

            end_leftovers(Path::new("/nonexistent"));
            assert_eq!(sleeper.wait().unwrap().signal(), Some(libc::SIGKILL), "v1: {v1}");
            assert!(!dir.exists() && !parent.join(dead_pid.to_string()).exists(), "v1: {v1}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn paused_time_does_not_count() {
        let (paused_tx, paused) = watch::channel(false);
        let start = tokio::time::Instant::now();
        let sleeper = tokio::spawn(sleep_running(Duration::from_millis(200), paused));
        tokio::time::sleep(Duration::from_millis(100)).await;
        paused_tx.send_replace(true);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!sleeper.is_finished());
        paused_tx.send_replace(false);
        sleeper.await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(500));
    }
}

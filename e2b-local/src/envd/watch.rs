//! Watching directories with inotify, as envd watches them with fsnotify: the streaming
//! `WatchDir`, and watchers polled with `CreateWatcher`, `GetWatcherEvents` and
//! `RemoveWatcher`. One kernel event with several changes becomes several events, in the order
//! CREATE, RENAME, CHMOD, WRITE, REMOVE, each named relative to the watched directory.
//!
//! Watchers are kept per sandbox, so that [`drop_sandbox`] can stop them all when the sandbox
//! pauses or dies; a removed or stopped watcher's inotify descriptor is closed at once.
//! Directories are watched through descriptors opened inside the sandbox, never by host path.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use axum::body::Body;
use axum::extract::Extension;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::sync::watch;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::filesystem::{
    entry_info, errno_text, on_blocking, os_error, rpc_user, unary, utf8, Context, Empty, EntryInfo,
};
use super::{files, Sandbox};
use crate::connect::{self, ConnectError, EnvelopeReader, StreamSender};
use crate::paths::{self, SandboxRoot};
use crate::persist;

/// What fsnotify asks inotify for: every change to the directory, its entries and itself.
const WATCH_MASK: u32 = libc::IN_CREATE
    | libc::IN_MODIFY
    | libc::IN_DELETE
    | libc::IN_DELETE_SELF
    | libc::IN_MOVED_FROM
    | libc::IN_MOVED_TO
    | libc::IN_MOVE_SELF
    | libc::IN_ATTRIB;
/// The most events a polled watcher keeps for its client; more means events are lost.
const MAX_BUFFERED: usize = 10_000;
/// Room for many kernel events per read.
const READ_BUFFER: usize = 64 * 1024;

// ---- Events ----

/// `filesystem.EventType`, named as proto3 JSON names enum values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
enum EventType {
    #[serde(rename = "EVENT_TYPE_CREATE")]
    Create,
    #[serde(rename = "EVENT_TYPE_WRITE")]
    Write,
    #[serde(rename = "EVENT_TYPE_REMOVE")]
    Remove,
    #[serde(rename = "EVENT_TYPE_RENAME")]
    Rename,
    #[serde(rename = "EVENT_TYPE_CHMOD")]
    Chmod,
}

/// One change, named relative to the watched directory (in bytes: a file made inside the
/// sandbox may have a name that is not UTF-8).
#[derive(Debug)]
struct Event {
    name: Vec<u8>,
    kind: EventType,
    entry: Option<EntryInfo>,
}

/// `filesystem.FilesystemEvent` in proto3 JSON.
#[derive(Debug, Serialize)]
struct WireEvent {
    name: String,
    #[serde(rename = "type")]
    kind: EventType,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<EntryInfo>,
}

impl Event {
    fn wire(self) -> Result<WireEvent, ConnectError> {
        Ok(WireEvent { name: utf8(self.name, "FilesystemEvent.name")?, kind: self.kind, entry: self.entry })
    }
}

/// The events one kernel event stands for, in envd's order: CREATE, RENAME, CHMOD, WRITE,
/// REMOVE (with fsnotify's reading of the inotify bits).
fn event_types(mask: u32) -> Vec<EventType> {
    [
        (libc::IN_CREATE | libc::IN_MOVED_TO, EventType::Create),
        (libc::IN_MOVE_SELF | libc::IN_MOVED_FROM, EventType::Rename),
        (libc::IN_ATTRIB, EventType::Chmod),
        (libc::IN_MODIFY, EventType::Write),
        (libc::IN_DELETE | libc::IN_DELETE_SELF, EventType::Remove),
    ]
    .into_iter()
    .filter(|(bits, _)| mask & bits != 0)
    .map(|(_, kind)| kind)
    .collect()
}

/// The name of entry `name` of the directory known as `dir`: `dir/name`, or `name` in the
/// watched directory itself (`dir` empty).
fn relative_name(dir: &[u8], name: &[u8]) -> Vec<u8> {
    if dir.is_empty() {
        return name.to_vec();
    }
    [dir, b"/", name].concat()
}

// ---- inotify ----

/// An inotify instance (non-blocking), closed when dropped.
struct Inotify(OwnedFd);

/// One kernel event; `name` is empty for an event on a watched directory itself. The two
/// halves of a rename share a `cookie`.
struct RawEvent {
    wd: i32,
    mask: u32,
    cookie: u32,
    name: Vec<u8>,
}

impl Inotify {
    fn new() -> io::Result<Inotify> {
        // SAFETY: plain flags; a new descriptor or -1.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the kernel returned a new descriptor that nothing else owns.
        Ok(Inotify(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Watches the directory open as `dir`. Named through `/proc/self/fd`, which stands for
    /// exactly that directory, so no sandbox path is ever resolved on the host.
    fn add(&self, dir: &File) -> io::Result<i32> {
        let path = std::ffi::CString::new(format!("/proc/self/fd/{}", dir.as_raw_fd()))?;
        // SAFETY: an open inotify descriptor and a NUL-terminated path.
        let wd = unsafe { libc::inotify_add_watch(self.0.as_raw_fd(), path.as_ptr(), WATCH_MASK | libc::IN_ONLYDIR) };
        if wd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(wd)
    }

    fn remove(&self, wd: i32) {
        // SAFETY: an open inotify descriptor; an unknown `wd` only fails with EINVAL.
        unsafe { libc::inotify_rm_watch(self.0.as_raw_fd(), wd) };
    }

    /// The queued events, or `None` when there are none.
    fn read(&self) -> io::Result<Option<Vec<RawEvent>>> {
        let mut buf = vec![0u8; READ_BUFFER];
        let n = loop {
            // SAFETY: an open descriptor and a buffer of its length.
            let n = unsafe { libc::read(self.0.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n >= 0 {
                break n as usize;
            }
            let err = io::Error::last_os_error();
            match err.raw_os_error() {
                Some(libc::EINTR) => {}
                Some(libc::EAGAIN) => return Ok(None),
                _ => return Err(err),
            }
        };
        Ok(Some(parse_events(&buf[..n])))
    }
}

/// Splits what `read` returned into events: `struct inotify_event` headers (wd, mask, cookie,
/// len) each followed by `len` bytes of NUL-padded name.
fn parse_events(mut bytes: &[u8]) -> Vec<RawEvent> {
    const HEADER: usize = 16;
    let field = |b: &[u8], at: usize| u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let mut events = Vec::new();
    while bytes.len() >= HEADER {
        let len = field(bytes, 12) as usize;
        let Some(name) = bytes.get(HEADER..HEADER + len) else { break };
        let name = name.split(|b| *b == 0).next().unwrap_or_default().to_vec();
        events.push(RawEvent { wd: field(bytes, 0) as i32, mask: field(bytes, 4), cookie: field(bytes, 8), name });
        bytes = &bytes[HEADER + len..];
    }
    events
}

// ---- Watched trees ----

/// Filesystem magic numbers of network and FUSE mounts (`linux/magic.h`), which envd refuses
/// to watch unless asked: their changes may never be reported.
const NETWORK_FILESYSTEMS: [u32; 5] = [0x6969, 0xFF53_4D42, 0x517B, 0xFE53_4D42, 0x6573_5546];

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct WatchRequest {
    path: String,
    recursive: bool,
    #[serde(alias = "include_entry")]
    include_entry: bool,
    #[serde(alias = "allow_network_mounts")]
    allow_network_mounts: bool,
}

/// A watched directory: one inotify instance, with a watch on the directory and, when
/// recursive, on every directory under it, each known by its path relative to the top.
struct Tree {
    inotify: Inotify,
    root: SandboxRoot,
    /// The watched directory's path in the sandbox.
    path: String,
    recursive: bool,
    include_entry: bool,
    top: i32,
    dirs: HashMap<i32, Vec<u8>>,
    /// The watched directory is gone (deleted, or moved away from a non-recursive watch).
    gone: bool,
    /// A complete upload moving into place: the rename's cookie, and whether it replaces a file.
    arriving: Option<(u32, bool)>,
}

impl Tree {
    /// Starts watching, with envd's errors: a missing path is `not_found`, anything but a
    /// directory `invalid_argument`.
    fn open(root: SandboxRoot, path: String, request: &WatchRequest) -> Result<Tree, ConnectError> {
        let meta = root.stat(&path).map_err(|e| match e.raw_os_error() {
            Some(libc::ENOENT) => {
                ConnectError::not_found(format!("path {path} not found: {}", os_error("stat", &path, &e)))
            }
            _ => ConnectError::internal(format!("error statting path {path}: {}", os_error("stat", &path, &e))),
        })?;
        if !meta.is_dir() {
            return Err(ConnectError::invalid_argument(format!("path {path} not a directory")));
        }
        let adding =
            |e: io::Error| ConnectError::internal(format!("error adding path {path} to watcher: {}", errno_text(&e)));
        let dir = root.open_dir(&path).map_err(adding)?;
        if !request.allow_network_mounts && is_network_mount(&dir).map_err(adding)? {
            return Err(ConnectError::invalid_argument(format!("cannot watch path on network filesystem: {path}")));
        }
        let inotify = Inotify::new().map_err(creating)?;
        let top = inotify.add(&dir).map_err(adding)?;
        let mut tree = Tree {
            inotify,
            root,
            path: path.clone(),
            recursive: request.recursive,
            include_entry: request.include_entry,
            top,
            dirs: HashMap::from([(top, Vec::new())]),
            gone: false,
            arriving: None,
        };
        if tree.recursive {
            tree.watch_below(&dir, b"", None).map_err(adding)?;
        }
        Ok(tree)
    }

    /// Watches every directory under `dir` (known as `rel`), not following symlinks. With
    /// `found`, each entry there is also reported as created: it appeared before its directory
    /// was watched (`mkdir -p a/b/c`, or a directory moved in), as fsnotify reports it.
    fn watch_below(&mut self, dir: &File, rel: &[u8], mut found: Option<&mut Vec<Event>>) -> io::Result<()> {
        for name in paths::read_dir(dir)? {
            let child_rel = relative_name(rel, name.as_bytes());
            if let Some(events) = found.as_deref_mut() {
                events.push(self.event(child_rel.clone(), EventType::Create));
            }
            match paths::open_child_dir(dir, &name) {
                Ok(child) => {
                    let wd = self.inotify.add(&child)?;
                    self.dirs.insert(wd, child_rel.clone());
                    self.watch_below(&child, &child_rel, found.as_deref_mut())?;
                }
                // Not a directory, a symlink, or gone already.
                Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTDIR | libc::ELOOP | libc::ENOENT)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads what the kernel has queued and turns it into events (possibly none); `None` when
    /// nothing was queued.
    fn read_events(&mut self) -> Result<Option<Vec<Event>>, ConnectError> {
        let raw = self.inotify.read().map_err(watcher_error)?;
        let Some(raw) = raw else { return Ok(None) };
        let mut events = Vec::new();
        for event in raw {
            events.extend(self.process(event)?);
        }
        Ok(Some(events))
    }

    /// The events for one kernel event, keeping the watches in step with the tree: a new or
    /// moved-in directory is watched, a moved-away one forgotten.
    fn process(&mut self, raw: RawEvent) -> Result<Vec<Event>, ConnectError> {
        if raw.mask & libc::IN_Q_OVERFLOW != 0 {
            return Err(ConnectError::internal("watcher error: fsnotify: queue or buffer overflow"));
        }
        let Some(dir) = self.dirs.get(&raw.wd).cloned() else { return Ok(Vec::new()) };
        let is_top = raw.wd == self.top;
        if raw.mask & (libc::IN_IGNORED | libc::IN_UNMOUNT) != 0 {
            self.dirs.remove(&raw.wd);
            self.gone |= is_top;
            return Ok(Vec::new());
        }
        if let Some(events) = self.upload_events(&dir, &raw) {
            return Ok(events);
        }
        let name = if raw.name.is_empty() {
            // A change to a watched directory itself: its parent's watch reports it, except
            // for the top one, which is `.`.
            if !is_top {
                return Ok(Vec::new());
            }
            if raw.mask & libc::IN_MOVE_SELF != 0 {
                // A recursive watch follows its directory; a plain one ends, as fsnotify's.
                if self.recursive {
                    return Ok(Vec::new());
                }
                self.inotify.remove(raw.wd);
            }
            b".".to_vec()
        } else {
            relative_name(&dir, &raw.name)
        };
        let mut events: Vec<Event> =
            event_types(raw.mask).into_iter().map(|kind| self.event(name.clone(), kind)).collect();
        if self.recursive && raw.mask & libc::IN_ISDIR != 0 && !raw.name.is_empty() {
            if raw.mask & libc::IN_MOVED_FROM != 0 {
                self.unwatch(&name);
            }
            if raw.mask & (libc::IN_CREATE | libc::IN_MOVED_TO) != 0 {
                self.watch_new(&dir, &raw.name, &mut events)?;
            }
        }
        Ok(events)
    }

    /// The events of an upload, as envd's own writes give them: nothing while it is written
    /// beside its destination (see `files::pending_upload`), then, when it moves into place,
    /// CREATE, CHMOD, WRITE for a new file and CHMOD, WRITE for a replaced one. `None` for
    /// other events.
    fn upload_events(&mut self, dir: &[u8], raw: &RawEvent) -> Option<Vec<Event>> {
        if let Some(replaces) = files::pending_upload(&raw.name) {
            if raw.mask & libc::IN_MOVED_FROM != 0 {
                self.arriving = Some((raw.cookie, replaces));
            }
            return Some(Vec::new());
        }
        if raw.mask & libc::IN_MOVED_TO == 0 {
            return None;
        }
        let (_, replaces) = self.arriving.take_if(|(cookie, _)| *cookie == raw.cookie)?;
        let name = relative_name(dir, &raw.name);
        let kinds: &[EventType] = if replaces {
            &[EventType::Chmod, EventType::Write]
        } else {
            &[EventType::Create, EventType::Chmod, EventType::Write]
        };
        Some(kinds.iter().map(|kind| self.event(name.clone(), *kind)).collect())
    }

    /// Watches the directory `name` that appeared in the one known as `parent`, and what is
    /// already in it.
    fn watch_new(&mut self, parent: &[u8], name: &[u8], events: &mut Vec<Event>) -> Result<(), ConnectError> {
        let rel = relative_name(parent, name);
        let parent_path = [self.path.as_bytes(), b"/", parent].concat();
        let opened = self
            .root
            .open_dir(OsString::from_vec(parent_path))
            .and_then(|parent| paths::open_child_dir(&parent, OsStr::from_bytes(name)));
        let dir = match opened {
            Ok(dir) => dir,
            // Gone or replaced already: its own events say so.
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR | libc::ELOOP)) => return Ok(()),
            Err(e) => return Err(watcher_error(e)),
        };
        let watching = self.inotify.add(&dir).and_then(|wd| {
            self.dirs.insert(wd, rel.clone());
            self.watch_below(&dir, &rel, Some(events))
        });
        watching.map_err(watcher_error)
    }

    /// Stops watching the directory at `rel` and those under it (moved away: a later move
    /// back in watches them anew).
    fn unwatch(&mut self, rel: &[u8]) {
        let under = |dir: &[u8]| dir == rel || (dir.starts_with(rel) && dir.get(rel.len()) == Some(&b'/'));
        let gone: Vec<i32> = self.dirs.iter().filter(|(_, dir)| under(dir)).map(|(wd, _)| *wd).collect();
        for wd in gone {
            self.inotify.remove(wd);
            self.dirs.remove(&wd);
        }
    }

    /// An event, with the entry's info when asked for and it can be had (CREATE, WRITE and
    /// CHMOD only: after the others, nothing is there).
    fn event(&self, name: Vec<u8>, kind: EventType) -> Event {
        let wants_entry = self.include_entry && matches!(kind, EventType::Create | EventType::Write | EventType::Chmod);
        let entry = match std::str::from_utf8(&name) {
            Ok(rel) if wants_entry => {
                let path = if rel == "." { self.path.clone() } else { paths::clean(&format!("{}/{rel}", self.path)) };
                entry_info(&self.root, &path).ok()
            }
            _ => None,
        };
        Event { name, kind, entry }
    }
}

fn creating(e: io::Error) -> ConnectError {
    ConnectError::internal(format!("error creating watcher: {}", errno_text(&e)))
}

/// A failure while watching, which ends the watch (as fsnotify's error channel ends envd's).
fn watcher_error(e: io::Error) -> ConnectError {
    ConnectError::internal(format!("watcher error: {}", errno_text(&e)))
}

fn is_network_mount(dir: &File) -> io::Result<bool> {
    // SAFETY: `statfs` is plain data; all-zero is valid, and the kernel fills it.
    let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: an open descriptor and a `statfs` to fill.
    if unsafe { libc::fstatfs(dir.as_raw_fd(), &mut stat) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(NETWORK_FILESYSTEMS.contains(&(stat.f_type as u32)))
}

/// A tree followed on the runtime: its inotify descriptor is registered for readiness, and
/// the reading and the file work happen on blocking threads.
struct Follower {
    tree: Option<Tree>,
    ready: AsyncFd<OwnedFd>,
}

impl Follower {
    fn new(tree: Tree) -> Result<Follower, ConnectError> {
        let fd = tree.inotify.0.try_clone().map_err(creating)?;
        // SAFETY: the `OwnedFd` keeps its descriptor open, on the same inotify instance, until
        // the `AsyncFd` drops it.
        let ready =
            unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }.map_err(|e| creating(e.into()))?;
        Ok(Follower { tree: Some(tree), ready })
    }

    /// The next events, once there are some; `None` once the watched directory is gone. Not
    /// cancel-safe: dropping it while it reads ends the watch.
    async fn next(&mut self) -> Result<Option<Vec<Event>>, ConnectError> {
        loop {
            if self.tree.as_ref().is_none_or(|tree| tree.gone) {
                self.tree = None;
                return Ok(None);
            }
            let mut ready = self.ready.readable().await.map_err(watcher_error)?;
            let mut tree = self.tree.take().expect("checked above");
            let (tree, events) = on_blocking(move || {
                let events = tree.read_events()?;
                Ok((tree, events))
            })
            .await?;
            self.tree = Some(tree);
            match events {
                None => ready.clear_ready(),
                Some(events) if !events.is_empty() => return Ok(Some(events)),
                Some(_) => {}
            }
        }
    }
}

// ---- Polled watchers ----

/// What a polled watcher holds for its client: events, or the error that ended it.
#[derive(Default)]
struct Buffer {
    events: Vec<Event>,
    error: Option<ConnectError>,
}

struct Watcher {
    buffer: Arc<Mutex<Buffer>>,
    task: AbortHandle,
}

impl Drop for Watcher {
    /// Ends the following task, which closes the inotify descriptor.
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A sandbox's watchers.
struct SandboxWatchers {
    polled: HashMap<String, Arc<Watcher>>,
    /// Dropped with the entry, which tells the sandbox's streams to end.
    streams: watch::Sender<()>,
}

impl Default for SandboxWatchers {
    fn default() -> Self {
        SandboxWatchers { polled: HashMap::new(), streams: watch::channel(()).0 }
    }
}

/// Every sandbox's watchers, by the sandbox's files directory.
static REGISTRY: LazyLock<Mutex<HashMap<PathBuf, SandboxWatchers>>> = LazyLock::new(Default::default);

fn registry() -> MutexGuard<'static, HashMap<PathBuf, SandboxWatchers>> {
    REGISTRY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lock(buffer: &Mutex<Buffer>) -> MutexGuard<'_, Buffer> {
    buffer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Stops every watcher of the sandbox whose files are at `fs_dir` (its `EnvdTarget::fs_dir`):
/// polled ones are forgotten and their inotify descriptors closed, streams end with
/// `unavailable`. For when the sandbox is paused or killed.
pub fn drop_sandbox(fs_dir: &Path) {
    // Taken out first, so that the watchers stop outside the registry's lock.
    let removed = registry().remove(fs_dir);
    drop(removed);
}

/// Moves a followed tree's events into the watcher's buffer until the watch ends. Past
/// `MAX_BUFFERED` uncollected events, it stops and keeps an error saying events were lost.
async fn collect(mut follower: Follower, buffer: Arc<Mutex<Buffer>>) {
    loop {
        let next = follower.next().await;
        let mut buffer = lock(&buffer);
        match next {
            Ok(Some(events)) if buffer.events.len() + events.len() <= MAX_BUFFERED => buffer.events.extend(events),
            Ok(Some(_)) => {
                buffer.events.clear();
                buffer.error = Some(ConnectError::internal(format!(
                    "watcher error: more than {MAX_BUFFERED} events were not collected, so events were lost; \
                     remove this watcher and create a new one"
                )));
                return;
            }
            Ok(None) => return,
            Err(e) => {
                buffer.events.clear();
                buffer.error = Some(e);
                return;
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct WatcherRequest {
    #[serde(alias = "watcher_id")]
    watcher_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateWatcherResponse {
    watcher_id: String,
}

#[derive(Serialize)]
struct EventsResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    events: Vec<WireEvent>,
}

fn find_watcher(fs_dir: &Path, id: &str) -> Result<Arc<Watcher>, ConnectError> {
    registry()
        .get(fs_dir)
        .and_then(|sandbox| sandbox.polled.get(id).cloned())
        .ok_or_else(|| ConnectError::not_found(format!("watcher with id {id} not found")))
}

/// Starts a polled watcher: `{"watcherId": "w" + 20 characters}`.
pub(super) async fn create_watcher(Extension(sandbox): Extension<Sandbox>, headers: HeaderMap, body: Body) -> Response {
    unary(sandbox, &headers, body, |ctx, request: WatchRequest| {
        let path = ctx.path(&request.path)?;
        let follower = Follower::new(Tree::open(ctx.root, path, &request)?)?;
        let id = persist::random_alphanumeric(20).map(|suffix| format!("w{suffix}")).map_err(creating)?;
        let buffer = Arc::new(Mutex::new(Buffer::default()));
        let task = tokio::spawn(collect(follower, buffer.clone())).abort_handle();
        let watcher = Arc::new(Watcher { buffer, task });
        registry().entry(ctx.fs_dir).or_default().polled.insert(id.clone(), watcher);
        Ok(CreateWatcherResponse { watcher_id: id })
    })
    .await
}

/// The events since the last call; the buffer is emptied. A watcher that failed answers its
/// error.
pub(super) async fn get_watcher_events(
    Extension(sandbox): Extension<Sandbox>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    unary(sandbox, &headers, body, |ctx, request: WatcherRequest| {
        let watcher = find_watcher(&ctx.fs_dir, &request.watcher_id)?;
        let events = {
            let mut buffer = lock(&watcher.buffer);
            if let Some(error) = &buffer.error {
                return Err(error.clone());
            }
            std::mem::take(&mut buffer.events)
        };
        let events = events.into_iter().map(Event::wire).collect::<Result<_, _>>()?;
        Ok(EventsResponse { events })
    })
    .await
}

pub(super) async fn remove_watcher(Extension(sandbox): Extension<Sandbox>, headers: HeaderMap, body: Body) -> Response {
    unary(sandbox, &headers, body, |ctx, request: WatcherRequest| {
        let removed = registry().get_mut(&ctx.fs_dir).and_then(|sandbox| sandbox.polled.remove(&request.watcher_id));
        match removed {
            Some(_) => Ok(Empty {}),
            None => Err(ConnectError::not_found(format!("watcher with id {} not found", request.watcher_id))),
        }
    })
    .await
}

// ---- Streams ----

/// The server stream: `{"start":{}}`, then `{"filesystem": event}` as changes come, with
/// `{"keepalive":{}}` in silences (per `Keepalive-Ping-Interval`). It lasts until the client
/// leaves or the `Connect-Timeout-Ms` deadline (`deadline_exceeded`), and always ends with the
/// end-of-stream message; errors before the start come in it too.
pub(super) async fn watch_dir(Extension(sandbox): Extension<Sandbox>, headers: HeaderMap, body: Body) -> Response {
    let fs_dir = sandbox.fs_dir.clone();
    let opened = async {
        let user = rpc_user(&headers)?;
        let request: WatchRequest = EnvelopeReader::new(body).next().await?.unwrap_or_default();
        on_blocking(move || {
            let ctx = Context::open(sandbox.fs_dir, user)?;
            let path = ctx.path(&request.path)?;
            Follower::new(Tree::open(ctx.root, path, &request)?)
        })
        .await
    };
    let follower = match opened.await {
        Ok(follower) => follower,
        Err(e) => return connect::stream_error(e),
    };
    let stopped = registry().entry(fs_dir).or_default().streams.subscribe();
    let deadline = connect::timeout(&headers).map(|timeout| Instant::now() + timeout);
    connect::stream_response(connect::keepalive_interval(&headers), json!({"keepalive": {}}), move |tx| {
        stream_events(tx, follower, stopped, deadline)
    })
}

/// What ended a wait in `stream_events`.
enum Step {
    Events(Result<Option<Vec<Event>>, ConnectError>),
    ClientLeft,
    SandboxStopped,
    DeadlineExceeded,
}

async fn stream_events(
    tx: StreamSender,
    follower: Follower,
    mut stopped: watch::Receiver<()>,
    deadline: Option<Instant>,
) -> Result<(), ConnectError> {
    if tx.send(&json!({"start": {}})).await.is_err() {
        return Ok(());
    }
    // Once the directory is gone, the stream stays open (as envd's does) with nothing to read.
    let mut follower = Some(follower);
    loop {
        let next = async {
            match follower.as_mut() {
                Some(follower) => follower.next().await,
                None => std::future::pending().await,
            }
        };
        let expired = async {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        let step = tokio::select! {
            events = next => Step::Events(events),
            () = tx.closed() => Step::ClientLeft,
            _ = stopped.changed() => Step::SandboxStopped,
            () = expired => Step::DeadlineExceeded,
        };
        match step {
            Step::Events(Ok(Some(events))) => {
                for event in events {
                    if tx.send(&json!({ "filesystem": event.wire()? })).await.is_err() {
                        return Ok(());
                    }
                }
            }
            Step::Events(Ok(None)) => follower = None,
            Step::Events(Err(e)) => return Err(e),
            Step::ClientLeft => return Ok(()),
            Step::SandboxStopped => return Err(ConnectError::new("unavailable", "the sandbox is not running")),
            Step::DeadlineExceeded => return Err(ConnectError::new("deadline_exceeded", "context deadline exceeded")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    #[test]
    fn one_kernel_event_splits_in_envds_order() {
        let all = libc::IN_DELETE | libc::IN_MODIFY | libc::IN_ATTRIB | libc::IN_MOVED_FROM | libc::IN_CREATE;
        use EventType::*;
        assert_eq!(event_types(all), [Create, Rename, Chmod, Write, Remove]);
        assert_eq!(event_types(libc::IN_MOVED_TO | libc::IN_ISDIR), [Create]);
        assert_eq!(event_types(libc::IN_MOVE_SELF), [Rename]);
        assert_eq!(event_types(libc::IN_DELETE_SELF | libc::IN_MODIFY), [Write, Remove]);
        assert_eq!(event_types(libc::IN_IGNORED), []);
    }

    #[test]
    fn requests_read_allow_network_mounts_in_either_spelling() {
        let parse = |json: &str| serde_json::from_str::<WatchRequest>(json).unwrap();
        assert!(!parse(r#"{"path":"/d"}"#).allow_network_mounts);
        assert!(parse(r#"{"path":"/d","allowNetworkMounts":true}"#).allow_network_mounts);
        assert!(parse(r#"{"path":"/d","allow_network_mounts":true}"#).allow_network_mounts);
    }

    #[test]
    fn a_local_directory_is_no_network_mount() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_network_mount(&File::open(dir.path()).unwrap()).unwrap());
    }

    #[test]
    fn names_are_relative_to_the_watched_directory() {
        assert_eq!(relative_name(b"", b"a.txt"), b"a.txt");
        assert_eq!(relative_name(b"sub/deeper", b"a.txt"), b"sub/deeper/a.txt");
    }

    #[test]
    fn parses_kernel_events() {
        let mut bytes = Vec::new();
        for (wd, mask, name) in [(1, libc::IN_CREATE, &b"a.txt\0\0\0"[..]), (2, libc::IN_DELETE_SELF, b"")] {
            for field in [wd as u32, mask, 0, name.len() as u32] {
                bytes.extend_from_slice(&field.to_ne_bytes());
            }
            bytes.extend_from_slice(name);
        }
        let events = parse_events(&bytes);
        assert_eq!(events.len(), 2);
        assert_eq!((events[0].wd, events[0].mask, events[0].name.as_slice()), (1, libc::IN_CREATE, &b"a.txt"[..]));
        assert_eq!((events[1].wd, events[1].name.as_slice()), (2, &b""[..]));
    }

    /// A sandbox with `/w/sub`, watched at `/w`.
    fn watched(recursive: bool) -> (tempfile::TempDir, Tree) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("w/sub")).unwrap();
        let root = SandboxRoot::open(tmp.path()).unwrap();
        let request = WatchRequest { recursive, include_entry: true, ..WatchRequest::default() };
        let tree = Tree::open(root, "/w".into(), &request).unwrap();
        (tmp, tree)
    }

    /// The events `tree` reports until it has been quiet for a while.
    fn settle(tree: &mut Tree) -> Vec<(String, EventType)> {
        let mut out = Vec::new();
        let mut quiet = 0;
        while quiet < 5 {
            std::thread::sleep(Duration::from_millis(20));
            match tree.read_events().unwrap() {
                Some(events) if !events.is_empty() => {
                    quiet = 0;
                    out.extend(events.into_iter().map(|e| (String::from_utf8(e.name).unwrap(), e.kind)));
                }
                _ => quiet += 1,
            }
        }
        out
    }

    fn pairs(expected: &[(&str, EventType)]) -> Vec<(String, EventType)> {
        expected.iter().map(|(name, kind)| (name.to_string(), *kind)).collect()
    }

    #[test]
    fn recursive_watches_follow_new_directories() {
        use EventType::*;
        let (tmp, mut tree) = watched(true);
        let w = tmp.path().join("w");
        std::fs::create_dir_all(w.join("sub/a/b/c")).unwrap();
        let events = settle(&mut tree);
        assert_eq!(events, pairs(&[("sub/a", Create), ("sub/a/b", Create), ("sub/a/b/c", Create)]));

        std::fs::write(w.join("sub/a/b/c/f.txt"), "x").unwrap();
        assert_eq!(settle(&mut tree), pairs(&[("sub/a/b/c/f.txt", Create), ("sub/a/b/c/f.txt", Write)]));

        // A directory moved within the tree is watched under its new name.
        std::fs::rename(w.join("sub/a"), w.join("moved")).unwrap();
        let events = settle(&mut tree);
        assert_eq!(events[..2], pairs(&[("sub/a", Rename), ("moved", Create)]));
        assert!(events.contains(&("moved/b/c/f.txt".to_string(), Create)));
        std::fs::set_permissions(w.join("moved/b/c/f.txt"), std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(settle(&mut tree), pairs(&[("moved/b/c/f.txt", Chmod)]));

        // One moved out of the tree is forgotten.
        std::fs::rename(w.join("moved"), tmp.path().join("away")).unwrap();
        assert_eq!(settle(&mut tree), pairs(&[("moved", Rename)]));
        std::fs::write(tmp.path().join("away/b/later.txt"), "x").unwrap();
        assert_eq!(settle(&mut tree), []);
        assert_eq!(tree.dirs.len(), 2, "the top and sub");

        std::fs::remove_dir(w.join("sub")).unwrap();
        assert_eq!(settle(&mut tree), pairs(&[("sub", Remove)]));
    }

    #[test]
    fn uploads_are_seen_as_envd_writes_are() {
        use EventType::*;
        let (tmp, mut tree) = watched(true);
        let sub = tmp.path().join("w/sub");
        let upload = |name: &str, content: &str, commit: bool| {
            std::fs::write(sub.join(name), content).unwrap();
            std::fs::set_permissions(sub.join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
            if commit {
                std::fs::rename(sub.join(name), sub.join("up.txt")).unwrap();
            } else {
                std::fs::remove_file(sub.join(name)).unwrap();
            }
        };
        upload(".e2b-upload-0123456789abcdef.new", "1", true);
        assert_eq!(settle(&mut tree), pairs(&[("sub/up.txt", Create), ("sub/up.txt", Chmod), ("sub/up.txt", Write)]));
        upload(".e2b-upload-fedcba9876543210.replace", "22", true);
        assert_eq!(settle(&mut tree), pairs(&[("sub/up.txt", Chmod), ("sub/up.txt", Write)]));
        upload(".e2b-upload-00000000000000aa.replace", "dropped", false);
        assert_eq!(settle(&mut tree), []);
        // Other names are what they are.
        upload(".e2b-upload-x.new", "3", true);
        assert_eq!(
            settle(&mut tree),
            pairs(&[
                ("sub/.e2b-upload-x.new", Create),
                ("sub/.e2b-upload-x.new", Write),
                ("sub/.e2b-upload-x.new", Chmod),
                ("sub/.e2b-upload-x.new", Rename),
                ("sub/up.txt", Create),
            ])
        );
    }

    #[test]
    fn plain_watches_see_the_top_only_and_end_with_it() {
        use EventType::*;
        let (tmp, mut tree) = watched(false);
        let w = tmp.path().join("w");
        std::fs::write(w.join("sub/unseen.txt"), "x").unwrap();
        std::fs::write(w.join("seen.txt"), "x").unwrap();
        assert_eq!(settle(&mut tree), pairs(&[("seen.txt", Create), ("seen.txt", Write)]));
        std::fs::remove_dir_all(&w).unwrap();
        let events = settle(&mut tree);
        assert_eq!(events.last(), Some(&(".".to_string(), Remove)));
        assert!(tree.gone);
    }

    #[test]
    fn entries_come_with_creates_writes_and_chmods() {
        let (tmp, mut tree) = watched(false);
        std::fs::write(tmp.path().join("w/e.txt"), "abc").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        std::fs::remove_file(tmp.path().join("w/e.txt")).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let events = tree.read_events().unwrap().unwrap();
        let remove = events.iter().find(|e| e.kind == EventType::Remove).unwrap();
        assert!(remove.entry.is_none());
        let create = events.iter().find(|e| e.kind == EventType::Create).unwrap();
        // Gone by the time it is read: no entry rather than a wrong one.
        assert!(create.entry.is_none());
    }

    #[test]
    fn watching_needs_an_existing_directory() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("file"), "x").unwrap();
        let open = |path: &str| {
            let root = SandboxRoot::open(tmp.path()).unwrap();
            Tree::open(root, path.into(), &WatchRequest::default()).err().unwrap()
        };
        assert_eq!(open("/missing").code, "not_found");
        assert_eq!(open("/file").code, "invalid_argument");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_buffer_loses_events_and_says_so() {
        let (tmp, tree) = watched(false);
        let buffer = Arc::new(Mutex::new(Buffer::default()));
        let task = tokio::spawn(collect(Follower::new(tree).unwrap(), buffer.clone()));
        let w = tmp.path().join("w");
        tokio::task::spawn_blocking(move || {
            for i in 0..=MAX_BUFFERED {
                File::create(w.join(i.to_string())).unwrap();
            }
        })
        .await
        .unwrap();
        tokio::time::timeout(Duration::from_secs(10), task).await.unwrap().unwrap();
        let buffer = lock(&buffer);
        assert!(buffer.events.is_empty());
        assert!(buffer.error.as_ref().unwrap().message.contains("events were lost"));
    }

    #[test]
    fn watchers_are_kept_per_sandbox_and_dropped_with_it() {
        let fs_dir = PathBuf::from("/nonexistent/sandbox/fs");
        let (task, mut ended) = {
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let handle = runtime.spawn(async move {
                let _tx = tx;
                std::future::pending::<()>().await
            });
            (handle.abort_handle(), (runtime, rx))
        };
        let watcher = Arc::new(Watcher { buffer: Arc::default(), task });
        registry().entry(fs_dir.clone()).or_default().polled.insert("wtest".into(), watcher);
        assert!(find_watcher(&fs_dir, "wtest").is_ok());
        assert_eq!(find_watcher(Path::new("/other"), "wtest").err().unwrap().code, "not_found");
        drop_sandbox(&fs_dir);
        assert!(find_watcher(&fs_dir, "wtest").is_err());
        // The aborted task drops its end of the channel.
        let (runtime, rx) = &mut ended;
        assert!(runtime.block_on(rx).is_err());
    }
}

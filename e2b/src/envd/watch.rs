//! Watching a directory for changes (`WatchDir` and the
//! `CreateWatcher` family of E2B's `spec/envd/filesystem/filesystem.proto`), in two styles
//! behind one API: a handle to poll, and a stream that calls back.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::connect::{unary, CallOptions, ServerStream};
use super::files::Files;
use super::filesystem::{EntryInfo, EnumValue};
use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind, Result};
use crate::sandbox::Sandbox;

/// What happened to a watched path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// Created.
    Create,
    /// Written to.
    Write,
    /// Removed.
    Remove,
    /// Renamed away (the new name comes as a [`Create`](EventType::Create)).
    Rename,
    /// Its mode or owner changed.
    Chmod,
    /// A change of a kind newer than this client.
    Other,
}

impl EventType {
    /// The kind's name in lowercase: "create", "write", "remove", "rename", "chmod", "other".
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Create => "create",
            EventType::Write => "write",
            EventType::Remove => "remove",
            EventType::Rename => "rename",
            EventType::Chmod => "chmod",
            EventType::Other => "other",
        }
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change in a watched directory.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FilesystemEvent {
    /// The path that changed, relative to the watched directory.
    pub name: String,
    /// What happened to it.
    pub event_type: EventType,
    /// The entry after the change, when asked for with `include_entry`
    /// (create, write and chmod only).
    pub entry: Option<EntryInfo>,
}

/// How to watch: `WatchOptions::default()` watches the directory alone,
/// without entries; each setting has a method of its name:
///
/// ```
/// let options = e2b::WatchOptions::default().recursive(true).include_entry(true);
/// assert!(options.recursive && options.include_entry);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct WatchOptions {
    /// Watch subdirectories too.
    pub recursive: bool,
    /// Attach the changed entry's info to create, write and chmod events.
    pub include_entry: bool,
    /// Watch a directory on a network or FUSE mount, whose changes may go
    /// unreported; without it envd refuses one with
    /// [`ErrorKind::InvalidArgument`].
    pub allow_network_mounts: bool,
}

impl WatchOptions {
    /// Watches subdirectories too.
    pub fn recursive(mut self, recursive: bool) -> Self {
        self.recursive = recursive;
        self
    }

    /// Attaches the changed entry's info to create, write and chmod events.
    pub fn include_entry(mut self, include_entry: bool) -> Self {
        self.include_entry = include_entry;
        self
    }

    /// Allows watching a directory on a network or FUSE mount.
    pub fn allow_network_mounts(mut self, allow_network_mounts: bool) -> Self {
        self.allow_network_mounts = allow_network_mounts;
        self
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WatchRequest<'a> {
    path: &'a str,
    recursive: bool,
    include_entry: bool,
    // Sent only when set: false is the default, and envd before 0.6.4 lacks the field.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    allow_network_mounts: bool,
}

impl<'a> WatchRequest<'a> {
    fn new(path: &'a str, options: WatchOptions) -> WatchRequest<'a> {
        let WatchOptions { recursive, include_entry, allow_network_mounts } = options;
        WatchRequest { path, recursive, include_entry, allow_network_mounts }
    }
}

#[derive(Deserialize)]
struct EventWire {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    event_type: EnumValue,
    #[serde(default)]
    entry: Option<EntryInfo>,
}

const EVENT_TYPES: &[&str] = &[
    "EVENT_TYPE_UNSPECIFIED",
    "EVENT_TYPE_CREATE",
    "EVENT_TYPE_WRITE",
    "EVENT_TYPE_REMOVE",
    "EVENT_TYPE_RENAME",
    "EVENT_TYPE_CHMOD",
];

impl EventWire {
    /// The event; a type this client does not know is [`EventType::Other`].
    fn into_event(self) -> FilesystemEvent {
        let event_type = match self.event_type.number(EVENT_TYPES) {
            1 => EventType::Create,
            2 => EventType::Write,
            3 => EventType::Remove,
            4 => EventType::Rename,
            5 => EventType::Chmod,
            _ => EventType::Other,
        };
        FilesystemEvent { name: self.name, event_type, entry: self.entry }
    }
}

/// A watcher kept by envd, whose events are fetched by polling
/// ([`Files::watch_dir`]; the official Python SDK's `WatchHandle`).
/// Stop it with [`stop`](WatchHandle::stop); dropping it stops it too.
///
/// Time limits: each poll is bounded by the request timeout (polls consume
/// events, so they are never retried); [`next_events`](WatchHandle::next_events)
/// by its `timeout` plus one poll, and by a
/// [call deadline](crate::Sandbox::with_deadline) as a whole. A handle made
/// through a [cancellable view](crate::Sandbox::with_cancel) ends its waits
/// when the token is cancelled.
pub struct WatchHandle {
    sandbox: Sandbox,
    user: Option<String>,
    watcher_id: String,
    stopped: AtomicBool,
}

/// How often [`WatchHandle::next_events`] asks for news.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

impl std::fmt::Debug for WatchHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchHandle").field("id", &self.watcher_id).field("sandbox", &self.sandbox.id()).finish()
    }
}

impl WatchHandle {
    /// envd's id of the watcher.
    pub fn id(&self) -> &str {
        &self.watcher_id
    }

    /// The events since the last call (possibly none), oldest first.
    /// An [`ErrorKind::InvalidArgument`] error once the watch is stopped.
    pub fn get_new_events(&self) -> Result<Vec<FilesystemEvent>> {
        self.get_new_events_under(self.sandbox.client().cancel_token())
    }

    /// [`get_new_events`](WatchHandle::get_new_events), cancelled by `token`
    /// (or by nothing) instead of the view's token.
    pub(crate) fn get_new_events_under(&self, token: Option<&CancelToken>) -> Result<Vec<FilesystemEvent>> {
        self.check_running()?;
        self.fetch(&self.sandbox.with_cancel_token(token))
    }

    /// Waits up to `timeout` for at least one event and returns what came:
    /// empty if nothing did, or if another thread stopped the watch meanwhile
    /// (then promptly, whatever the timeout). An [`ErrorKind::InvalidArgument`]
    /// error if the watch was stopped before the call.
    pub fn next_events(&self, timeout: Duration) -> Result<Vec<FilesystemEvent>> {
        self.next_events_under(timeout, self.sandbox.client().cancel_token())
    }

    /// [`next_events`](WatchHandle::next_events), cancelled by `token` (or
    /// by nothing) instead of the view's token.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn next_events_under(&self, timeout: Duration, token: Option<&CancelToken>) -> Result<Vec<FilesystemEvent>> {
        self.check_running()?;
        let started = Instant::now();
        // With a deadline, it bounds the whole wait, not each poll.
        let sandbox = self.sandbox.with_cancel_token(token).pinned();
        loop {
            let events = match self.fetch(&sandbox) {
                Ok(events) => events,
                // Stopped meanwhile: envd may have forgotten the watcher before answering.
                Err(_) if self.is_stopped() => return Ok(Vec::new()),
                Err(err) => return Err(err),
            };
            if !events.is_empty() || started.elapsed() >= timeout || self.is_stopped() {
                return Ok(events);
            }
            let pause = POLL_INTERVAL.min(timeout.saturating_sub(started.elapsed()));
            if !crate::cancel::sleep(sandbox.client().cancel_token(), pause) {
                return Err(Error::cancelled(&format!("get events of watcher {}", self.watcher_id)));
            }
        }
    }

    /// Whether the watch was stopped.
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    fn check_running(&self) -> Result<()> {
        match self.is_stopped() {
            true => Err(Error::invalid_argument(format!(
                "get events of watcher {}: the watcher is stopped",
                self.watcher_id
            ))),
            false => Ok(()),
        }
    }

    /// Asks envd, through `sandbox` (for its deadline), for the events since the last call.
    fn fetch(&self, sandbox: &Sandbox) -> Result<Vec<FilesystemEvent>> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Get<'a> {
            watcher_id: &'a str,
        }
        #[derive(Deserialize)]
        struct Events {
            #[serde(default)]
            events: Vec<EventWire>,
        }
        let what = format!("get events of watcher {}", self.watcher_id);
        let options = CallOptions { user: self.user.as_deref(), timeout: None };
        let events: Events = unary(
            sandbox,
            "filesystem.Filesystem/GetWatcherEvents",
            &Get { watcher_id: &self.watcher_id },
            options,
            &what,
        )?;
        Ok(events.events.into_iter().map(EventWire::into_event).collect())
    }

    /// Stops watching; later calls fail, and a [`next_events`](WatchHandle::next_events)
    /// waiting in another thread returns promptly with what it had (usually
    /// nothing). Stopping twice is harmless.
    pub fn stop(&self) -> Result<()> {
        self.stop_under(self.sandbox.client().cancel_token())
    }

    /// [`stop`](WatchHandle::stop), cancelled by `token` (or by nothing)
    /// instead of the view's token.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn stop_under(&self, token: Option<&CancelToken>) -> Result<()> {
        if self.stopped.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Remove<'a> {
            watcher_id: &'a str,
        }
        let what = format!("stop watcher {}", self.watcher_id);
        let options = CallOptions { user: self.user.as_deref(), timeout: None };
        let _: serde::de::IgnoredAny = unary(
            &self.sandbox.with_cancel_token(token),
            "filesystem.Filesystem/RemoveWatcher",
            &Remove { watcher_id: &self.watcher_id },
            options,
            &what,
        )?;
        Ok(())
    }
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

impl Files<'_> {
    /// Starts watching the directory at `path`; poll the handle for events.
    pub fn watch_dir(&self, path: &str, options: WatchOptions) -> Result<WatchHandle> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Created {
            watcher_id: String,
        }
        let what = format!("watch {path}");
        let request = WatchRequest::new(path, options);
        let call = CallOptions { user: self.user(), timeout: None };
        let created: Created = unary(self.sandbox(), "filesystem.Filesystem/CreateWatcher", &request, call, &what)?;
        Ok(WatchHandle {
            sandbox: self.sandbox().clone(),
            user: self.user().map(str::to_owned),
            watcher_id: created.watcher_id,
            stopped: AtomicBool::new(false),
        })
    }

    /// Watches the directory at `path` over one stream, calling `on_event`
    /// for each event as it comes, until `on_event` returns `Break` or
    /// `timeout` (if any) passes; both end the watch with `Ok`. Besides
    /// `timeout`, 90 s of silence (envd sends keepalives) and a
    /// [call deadline](crate::Sandbox::with_deadline) end it with an error.
    pub fn watch_dir_stream(
        &self,
        path: &str,
        options: WatchOptions,
        timeout: Option<Duration>,
        on_event: &mut dyn FnMut(FilesystemEvent) -> ControlFlow<()>,
    ) -> Result<()> {
        #[derive(Deserialize)]
        struct Message {
            #[serde(default)]
            filesystem: Option<EventWire>,
        }
        let what = format!("watch {path}");
        let request = WatchRequest::new(path, options);
        let call = CallOptions { user: self.user(), timeout };
        let started = Instant::now();
        let mut stream =
            ServerStream::open(self.sandbox(), "filesystem.Filesystem/WatchDir", &request, call, timeout, what)?;
        // The watch's own timeout, told by either side, ends it normally; any
        // other limit (the call's deadline, silence) ending it first is an error.
        let own_timeout_passed = || timeout.is_some_and(|timeout| started.elapsed() >= timeout);
        loop {
            let message = match stream.next::<Message>() {
                Ok(Some(message)) => message,
                Ok(None) => return Ok(()),
                Err(err) if err.kind() == ErrorKind::Timeout && own_timeout_passed() => return Ok(()),
                Err(err) => return Err(err),
            };
            if let Some(event) = message.filesystem.map(EventWire::into_event) {
                if on_event(event).is_break() {
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envd::filesystem::tests::recorded;

    fn events(body: &str) -> Vec<(String, EventType)> {
        #[derive(Deserialize)]
        struct Events {
            events: Vec<EventWire>,
        }
        let events: Events = serde_json::from_str(body).unwrap();
        events.events.into_iter().map(EventWire::into_event).map(|e| (e.name, e.event_type)).collect()
    }

    #[test]
    fn the_real_envd_s_events_parse() {
        let recorded = recorded("GetWatcherEvents");
        let seen = events(&recorded[0]);
        let expected = [
            ("new.txt", EventType::Create),
            ("new.txt", EventType::Chmod),
            ("new.txt", EventType::Write),
            ("file.txt", EventType::Chmod),
            ("file.txt", EventType::Write),
        ];
        assert_eq!(seen, expected.map(|(name, kind)| (name.to_owned(), kind)));
    }

    #[test]
    fn events_newer_than_the_client_are_other() {
        let body = r#"{"events":[{"name":"a","type":"EVENT_TYPE_ATTRIB"},{"name":"b","type":9},{"name":"c"},
            {"name":"d","type":"EVENT_TYPE_REMOVE"}]}"#;
        let kinds: Vec<_> = events(body).into_iter().map(|(_, kind)| kind).collect();
        assert_eq!(kinds, [EventType::Other, EventType::Other, EventType::Other, EventType::Remove]);
    }
}

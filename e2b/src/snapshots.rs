//! Snapshots and fork: persistent copies of a sandbox that new sandboxes
//! start from (`POST /sandboxes/{id}/snapshots`, `GET /snapshots`,
//! `DELETE /templates/{id}`), and copies of a running sandbox made in one call
//! (`POST /sandboxes/{id}/fork`).
//!
//! A snapshot is a template of the team: a sandbox starts from one by naming
//! its id (or name) as the template, [`SandboxOptions::from_snapshot`](crate::SandboxOptions::from_snapshot).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ureq::http::Method;

use crate::api::{check, decode, sandbox_path, whole_seconds, SandboxWire};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::http;
use crate::sandbox::Sandbox;
use crate::util::encode_component;

/// The most forks one call may ask for, as in the official SDKs (the API itself allows 100).
pub const MAX_FORK_COUNT: u32 = 20;

/// What a snapshot keeps ([`SnapshotOptions::mode`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SnapshotMode {
    /// Memory and filesystem: sandboxes from it resume where the source was,
    /// processes and open connections included (the API's default).
    Full,
    /// The filesystem only: smaller and faster to take; sandboxes from it
    /// boot afresh from the files.
    Filesystem,
}

/// How to take a snapshot: `SnapshotOptions::default()` for an unnamed one of
/// the server's default mode (full), like `sandbox.create_snapshot()` in the
/// official SDKs.
///
/// ```
/// let options = e2b::SnapshotOptions::default().name("my-env:v2").mode(e2b::SnapshotMode::Filesystem);
/// assert_eq!(options.name.as_deref(), Some("my-env:v2"));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SnapshotOptions {
    /// A name for the snapshot's template, optionally with a tag
    /// (`my-env`, `my-env:v2`). A name that exists gets a new build under the
    /// same template (that tag's earlier build is replaced), not an error.
    /// `None` (or an empty name) makes an unnamed snapshot.
    pub name: Option<String>,
    /// What the snapshot keeps; `None` leaves it to the server (full).
    pub mode: Option<SnapshotMode>,
}

impl SnapshotOptions {
    /// Sets the name (see [`SnapshotOptions::name`](#structfield.name)).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets what the snapshot keeps.
    pub fn mode(mut self, mode: SnapshotMode) -> Self {
        self.mode = Some(mode);
        self
    }
}

/// A snapshot, as `create_snapshot` and `list_snapshots` report it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SnapshotInfo {
    /// The id to create sandboxes from: `<namespace>/<name>:<tag>` for a named
    /// snapshot, else `<template id>:<tag>` (the tag is `default` unless the name gave one).
    #[serde(rename = "snapshotID")]
    pub snapshot_id: String,
    /// The full names (namespace included) of the snapshot's template; empty for an unnamed one.
    #[serde(default, deserialize_with = "e2b_protocol::json::null_as_default")]
    pub names: Vec<String>,
}

/// Which snapshots [`Client::list_snapshots`] returns: `SnapshotQuery::default()`
/// for all of the team's, newest first, narrowed by the methods of each setting's name.
///
/// ```
/// let query = e2b::SnapshotQuery::default().name("my-env").limit(10);
/// assert_eq!(query.limit, Some(10));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SnapshotQuery {
    /// Only the snapshots taken of this sandbox.
    pub sandbox_id: Option<String>,
    /// Only the snapshots of this name or template id: a bare name gives every
    /// tag, `name:tag` (or `namespace/name:tag`) one. An unknown name gives none.
    pub name: Option<String>,
    /// Page size (1 to 100); `None` lets the server choose (100).
    pub limit: Option<u32>,
    /// Where to start: the [`next_token`](SnapshotPaginator::next_token) of an earlier listing.
    pub next_token: Option<String>,
}

impl SnapshotQuery {
    /// Only the snapshots taken of `sandbox_id`.
    pub fn sandbox_id(mut self, sandbox_id: impl Into<String>) -> Self {
        self.sandbox_id = Some(sandbox_id.into());
        self
    }

    /// Only the snapshots of `name` (see [`SnapshotQuery::name`](#structfield.name)).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the page size (1 to 100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts where the listing that gave `next_token` stopped.
    pub fn next_token(mut self, next_token: impl Into<String>) -> Self {
        self.next_token = Some(next_token.into());
        self
    }
}

/// The pages of a snapshot listing, fetched one per [`next_items`](SnapshotPaginator::next_items)
/// while [`has_next`](SnapshotPaginator::has_next), as the official SDKs' `SnapshotPaginator`:
///
/// ```no_run
/// # fn main() -> e2b::Result<()> {
/// let client = e2b::Client::from_env();
/// let mut paginator = client.list_snapshots(&e2b::SnapshotQuery::default().limit(10));
/// while paginator.has_next() {
///     for snapshot in paginator.next_items()? {
///         println!("{}", snapshot.snapshot_id);
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SnapshotPaginator {
    client: Client,
    query: SnapshotQuery,
    has_next: bool,
}

impl SnapshotPaginator {
    /// Whether another page may follow: true until a page comes without a next token.
    pub fn has_next(&self) -> bool {
        self.has_next
    }

    /// The token of the next page (to resume later with [`SnapshotQuery::next_token`]);
    /// `None` before the first page (unless the query had one) and after the last.
    pub fn next_token(&self) -> Option<&str> {
        self.query.next_token.as_deref()
    }

    /// Fetches the next page. Fails with [`ErrorKind::InvalidArgument`] when
    /// there is none ([`has_next`](SnapshotPaginator::has_next) is false); a
    /// failed fetch leaves the paginator where it was, so it can be retried.
    pub fn next_items(&mut self) -> Result<Vec<SnapshotInfo>> {
        let what = "list snapshots";
        if !self.has_next {
            return Err(Error::invalid_argument(format!("{what}: there are no more pages")));
        }
        let query = &self.query;
        let mut params: Vec<(&str, String)> = Vec::new();
        if let Some(id) = query.sandbox_id.as_ref().filter(|id| !id.is_empty()) {
            params.push(("sandboxID", id.clone()));
        }
        if let Some(name) = query.name.as_ref().filter(|name| !name.is_empty()) {
            params.push(("name", name.clone()));
        }
        if let Some(limit) = query.limit {
            params.push(("limit", limit.to_string()));
        }
        if let Some(token) = query.next_token.as_ref().filter(|token| !token.is_empty()) {
            params.push(("nextToken", token.clone()));
        }
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let path = if pairs.is_empty() {
            "/snapshots".to_owned()
        } else {
            format!("/snapshots?{}", crate::util::query(&pairs))
        };
        let request = self.client.api_request(Method::GET, &path)?;
        let response = self.client.api_fetch(request, what, ErrorKind::NotFound)?;
        let next_token = http::header(&response, "x-next-token").filter(|t| !t.is_empty()).map(str::to_owned);
        let items: Option<Vec<SnapshotInfo>> = decode(&response, what)?;
        self.has_next = next_token.is_some();
        self.query.next_token = next_token;
        Ok(items.unwrap_or_default())
    }

    /// Every remaining snapshot, fetching the pages to the end. With a
    /// [deadline](Client::with_deadline), it bounds all the pages together.
    pub fn all(mut self) -> Result<Vec<SnapshotInfo>> {
        self.client = self.client.pinned();
        let mut all = Vec::new();
        while self.has_next {
            all.extend(self.next_items()?);
        }
        Ok(all)
    }
}

/// How to fork a sandbox: `ForkOptions::default()` asks for the API's
/// defaults (one fork that lives 15 seconds), like `sandbox.fork()` in the
/// official SDKs.
///
/// ```
/// use std::time::Duration;
/// let options = e2b::ForkOptions::default().count(3).timeout(Duration::from_secs(600));
/// assert_eq!(options.count, Some(3));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ForkOptions {
    /// How many forks, 1 to [`MAX_FORK_COUNT`]; `None` leaves it to the server (1).
    pub count: Option<u32>,
    /// How long each fork lives, rounded up to whole seconds; `None` leaves it
    /// to the server (15 seconds).
    pub timeout: Option<Duration>,
}

impl ForkOptions {
    /// Sets how many forks to make (1 to [`MAX_FORK_COUNT`]).
    pub fn count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Sets how long each fork lives.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

#[derive(Serialize)]
struct SnapshotBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<bool>,
}

#[derive(Serialize)]
struct ForkBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
}

/// One entry of a fork's answer: exactly one of the two.
#[derive(Deserialize)]
struct ForkResult {
    #[serde(default)]
    sandbox: Option<SandboxWire>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

impl Client {
    /// Takes a snapshot of the running sandbox `sandbox_id`
    /// (`Sandbox.create_snapshot(sandbox_id, ...)` in the official SDKs); the
    /// sandbox keeps running. Start sandboxes from it with
    /// [`SandboxOptions::from_snapshot`](crate::SandboxOptions::from_snapshot)
    /// and its [`snapshot_id`](SnapshotInfo::snapshot_id).
    ///
    /// Errors: [`ErrorKind::SandboxNotFound`] for an unknown sandbox, and for
    /// a paused one (only running sandboxes can be snapshotted);
    /// [`ErrorKind::InvalidArgument`] for a bad name; [`ErrorKind::Conflict`]
    /// when the sandbox's state forbids it. The request is not repeated once
    /// the server may have acted on it (that would take a second snapshot).
    pub fn create_snapshot(&self, sandbox_id: &str, options: &SnapshotOptions) -> Result<SnapshotInfo> {
        let what = format!("snapshot sandbox {sandbox_id}");
        let body = SnapshotBody {
            name: options.name.as_deref().filter(|name| !name.is_empty()),
            memory: options.mode.map(|mode| mode == SnapshotMode::Full),
        };
        let request = self.api_request(Method::POST, &sandbox_path(sandbox_id, "/snapshots"))?.once();
        self.api_json(request.json(&body), &what, ErrorKind::SandboxNotFound)
    }

    /// The team's snapshots matching `query`, newest first, as a paginator
    /// (`Sandbox.list_snapshots` in the official SDKs). Nothing is fetched
    /// until [`SnapshotPaginator::next_items`] (or [`all`](SnapshotPaginator::all)).
    pub fn list_snapshots(&self, query: &SnapshotQuery) -> SnapshotPaginator {
        SnapshotPaginator { client: self.clone(), query: query.clone(), has_next: true }
    }

    /// Deletes the snapshot `snapshot_id` (`Sandbox.delete_snapshot`): every
    /// build of its template, whatever tag the id names. `Ok(false)` if there
    /// was none (unless an attempt whose answer was lost deleted it: then `Ok(true)`).
    /// Sandboxes started from it run on. Deleting a template that is not the
    /// team's (`base`) fails with [`ErrorKind::PermissionDenied`].
    pub fn delete_snapshot(&self, snapshot_id: &str) -> Result<bool> {
        let what = format!("delete snapshot {snapshot_id}");
        let path = format!("/templates/{}", encode_component(snapshot_id));
        let response = http::fetch(self.agent(), self.api_request(Method::DELETE, &path)?, &what)?;
        if response.status() == 404 {
            return Ok(http::maybe_done_before(&response));
        }
        check(response, &what, ErrorKind::NotFound).map(|_| true)
    }

    /// Forks the running sandbox `sandbox_id` (`Sandbox.fork(sandbox_id, ...)`):
    /// `count` new sandboxes start from its state of now, and it runs on, its
    /// id and end unchanged. Each fork succeeds or fails on its own: the
    /// result has one entry per fork asked for, a running [`Sandbox`] or the
    /// error that fork met (its kind as for any API error of that status, a
    /// 404 as [`ErrorKind::NotFound`]).
    ///
    /// Errors of the whole call: [`ErrorKind::InvalidArgument`] for a count
    /// outside 1 to [`MAX_FORK_COUNT`] (refused before any request) or a
    /// timeout the server refuses; [`ErrorKind::SandboxNotFound`];
    /// [`ErrorKind::Conflict`] when the sandbox is paused. The request is not
    /// repeated once the server may have acted on it (that would make more forks).
    pub fn fork(&self, sandbox_id: &str, options: &ForkOptions) -> Result<Vec<Result<Sandbox>>> {
        let what = format!("fork sandbox {sandbox_id}");
        if let Some(count) = options.count {
            if !(1..=MAX_FORK_COUNT).contains(&count) {
                return Err(Error::invalid_argument(format!(
                    "{what}: count must be between 1 and {MAX_FORK_COUNT}, not {count}"
                )));
            }
        }
        let body = ForkBody { timeout: options.timeout.map(whole_seconds), count: options.count };
        let request = self.api_request(Method::POST, &sandbox_path(sandbox_id, "/fork"))?.once();
        let results: Vec<ForkResult> = self.api_json(request.json(&body), &what, ErrorKind::SandboxNotFound)?;
        Ok(results.into_iter().enumerate().map(|(i, result)| self.fork_result(&what, i, result)).collect())
    }

    /// One fork of a fork's answer, as a sandbox or its error.
    fn fork_result(&self, what: &str, index: usize, result: ForkResult) -> Result<Sandbox> {
        let what = format!("{what}: fork {index}");
        match result {
            ForkResult { sandbox: Some(wire), error: None } => Ok(Sandbox::from_wire(self.clone(), wire)),
            ForkResult { sandbox: None, error: Some(error) } => {
                let code = error.get("code").and_then(serde_json::Value::as_u64).unwrap_or(500);
                let status = u16::try_from(code).unwrap_or(500);
                let body = serde_json::to_vec(&error).unwrap_or_default();
                Err(Error::from_api(&what, status, &body, ErrorKind::NotFound))
            }
            _ => Err(Error::decode(&what, "expected exactly one of \"sandbox\" and \"error\"")),
        }
    }
}

impl Sandbox {
    /// Takes a snapshot of this sandbox, which keeps running (see
    /// [`Client::create_snapshot`]).
    pub fn create_snapshot(&self, options: &SnapshotOptions) -> Result<SnapshotInfo> {
        self.client().create_snapshot(self.id(), options)
    }

    /// The snapshots taken of this sandbox and matching `query` (its
    /// `sandbox_id` is this sandbox's), as a paginator (see [`Client::list_snapshots`]).
    pub fn list_snapshots(&self, query: &SnapshotQuery) -> SnapshotPaginator {
        self.client().list_snapshots(&SnapshotQuery { sandbox_id: Some(self.id().to_owned()), ..query.clone() })
    }

    /// Forks this sandbox into new ones (see [`Client::fork`]).
    pub fn fork(&self, options: &ForkOptions) -> Result<Vec<Result<Sandbox>>> {
        self.client().fork(self.id(), options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_send_only_what_is_set() {
        let body = |options: &SnapshotOptions| {
            serde_json::to_string(&SnapshotBody {
                name: options.name.as_deref().filter(|name| !name.is_empty()),
                memory: options.mode.map(|mode| mode == SnapshotMode::Full),
            })
            .unwrap()
        };
        assert_eq!(body(&SnapshotOptions::default()), "{}");
        assert_eq!(body(&SnapshotOptions::default().name("")), "{}");
        assert_eq!(
            body(&SnapshotOptions::default().name("x").mode(SnapshotMode::Filesystem)),
            r#"{"name":"x","memory":false}"#
        );
        assert_eq!(body(&SnapshotOptions::default().mode(SnapshotMode::Full)), r#"{"memory":true}"#);
        let fork = ForkBody { timeout: Some(whole_seconds(Duration::from_millis(1500))), count: Some(2) };
        assert_eq!(serde_json::to_string(&fork).unwrap(), r#"{"timeout":2,"count":2}"#);
        assert_eq!(serde_json::to_string(&ForkBody { timeout: None, count: None }).unwrap(), "{}");
    }

    #[test]
    fn snapshot_info_parses() {
        let info: SnapshotInfo = serde_json::from_str(r#"{"snapshotID":"a/b:default","names":null}"#).unwrap();
        assert_eq!((info.snapshot_id.as_str(), info.names.len()), ("a/b:default", 0));
    }
}

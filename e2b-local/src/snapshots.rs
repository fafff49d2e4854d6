//! Snapshots (`POST /sandboxes/{id}/snapshots`, `GET /snapshots`, `DELETE /templates/{id}`):
//! persistent copies of a sandbox's files that new sandboxes start from.
//!
//! A snapshot is a template of the team, as on E2B: `<templateID>:<tag>`, or `local/<name>:<tag>`
//! when it was given a name (`local` is the one team's namespace here). Each `(template, tag)`
//! pair is one *build*, a folder `snapshots/<build>/` holding `snapshot.json` (what a sandbox
//! started from it needs: its template, its environment variables) and `fs/`, a copy of the
//! source sandbox's own files (the upper layer of its root's overlay, whiteouts and overlay
//! attributes included; without a base image, its whole `/`). A snapshot under a name that
//! exists becomes a new build of that template (same tag: it replaces the build).
//!
//! Process memory is not kept: a sandbox started from a snapshot boots afresh from the files,
//! as E2B's filesystem-only snapshots do, whatever `memory` the request asked for.
//!
//! A build appears whole: its folder is filled as `snapshots/.tmp-<build>` and renamed into place;
//! one replaced or deleted is renamed to `snapshots/.trash-<build>` and deleted afterwards. What a
//! crash leaves (`.tmp-`, `.trash-`, an older build of a pair) is deleted at the next start.

use std::collections::{BTreeMap, HashMap};
use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::persist;
use crate::rfc3339::{self, Micros};

/// The namespace of this server's one team: named snapshots are `local/<name>:<tag>`.
pub const TEAM_SLUG: &str = "local";
/// The tag of a snapshot made without one.
pub const DEFAULT_TAG: &str = "default";
/// The most snapshots one page of `GET /snapshots` holds (and its default).
pub const MAX_LIMIT: usize = 100;

/// A template reference as E2B parses one: `[namespace/]alias[:tag]`, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The namespace, when one was written (`local` is this server's).
    pub namespace: Option<String>,
    /// The name, or a template id.
    pub alias: String,
    /// The tag, when one was written (`default` included).
    pub tag: Option<String>,
}

impl Name {
    /// Parses `input` by E2B's rules: the namespace and name are `[a-z0-9-_]+`, the tag
    /// `[a-z0-9-_.]+`, all after trimming and lower-casing. The error is E2B's message.
    pub fn parse(input: &str) -> Result<Name, String> {
        let input = input.trim();
        let (identifier, tag) = match input.split_once(':') {
            Some((identifier, tag)) => (identifier, Some(tag)),
            None => (input, None),
        };
        let clean = |value: &str, what: &str, extra: &[u8]| -> Result<String, String> {
            let cleaned = value.trim().to_lowercase();
            let valid = !cleaned.is_empty()
                && cleaned
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b) || extra.contains(&b));
            if valid {
                Ok(cleaned)
            } else {
                Err(format!("invalid {what}: {value}"))
            }
        };
        let tag = tag.map(|tag| clean(tag, "tag", b".")).transpose()?;
        let (namespace, alias) = match identifier.split_once('/') {
            Some((namespace, alias)) => (Some(clean(namespace, "namespace", b"")?), alias),
            None => (None, identifier),
        };
        Ok(Name { namespace, alias: clean(alias, "template ID", b"")?, tag })
    }

    /// `namespace/alias`, or `alias`.
    pub fn identifier(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("{namespace}/{}", self.alias),
            None => self.alias.clone(),
        }
    }

    /// The tag, `default` when none was written.
    pub fn tag_or_default(&self) -> &str {
        self.tag.as_deref().unwrap_or(DEFAULT_TAG)
    }

    /// Whether this names `snapshot`'s template (by its name, or by its id without namespace).
    fn names_template(&self, snapshot: &Snapshot) -> bool {
        match &self.namespace {
            Some(namespace) => namespace == TEAM_SLUG && snapshot.alias.as_deref() == Some(self.alias.as_str()),
            None => snapshot.alias.as_deref() == Some(self.alias.as_str()) || snapshot.template_id == self.alias,
        }
    }
}

/// One build of a snapshot template; the content of its `snapshot.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Its folder under `snapshots/`.
    pub build_id: String,
    /// The snapshot template's id (20 characters of `[a-z0-9]`).
    pub template_id: String,
    /// Its name, when it was given one (without namespace or tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Its tag (`default` unless the name gave one).
    pub tag: String,
    /// The sandbox it was taken from.
    pub source_sandbox_id: String,
    #[serde(with = "rfc3339::as_string")]
    pub created_at: Micros,
    /// The folder template the files were first made from: the layer below them.
    pub base_template_id: String,
    /// The source sandbox's environment variables, which sandboxes started from it get.
    #[serde(default)]
    pub env_vars: BTreeMap<String, String>,
    /// What the sandboxes started from it start with: a built template's configuration (a
    /// build of `POST /v2/templates/{id}/builds/{buildID}` is kept here as a snapshot is, with
    /// no source sandbox, and `GET /snapshots` does not list it), or the one of the template
    /// its source sandbox was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<StartConfig>,
    /// The id of the template build this is (a UUID, as the API's build ids are), when it is
    /// one; the tags of one build share it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_uuid: Option<String>,
}

/// What the sandboxes of a built template start with: the build's last `USER` and `WORKDIR`
/// (their commands' defaults) and its start and ready commands.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartConfig {
    /// The default user of the sandbox's commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The default working directory of the sandbox's commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workdir: Option<String>,
    /// Started when a sandbox is created, and left running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_cmd: Option<String>,
    /// Run until it succeeds before a create answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_cmd: Option<String>,
}

impl Snapshot {
    /// The id the API reports for this build: its template build's, else its folder's.
    pub fn api_build_id(&self) -> &str {
        self.build_uuid.as_deref().unwrap_or(&self.build_id)
    }

    /// `snapshotID`: `local/<name>:<tag>` when named, else `<templateID>:<tag>`.
    pub fn snapshot_id(&self) -> String {
        match &self.alias {
            Some(alias) => format!("{TEAM_SLUG}/{alias}:{}", self.tag),
            None => format!("{}:{}", self.template_id, self.tag),
        }
    }

    /// `names`: the full name (namespace included) of a named snapshot's template.
    pub fn names(&self) -> Vec<String> {
        self.alias.iter().map(|alias| format!("{TEAM_SLUG}/{alias}")).collect()
    }
}

/// What a new build is made of; the catalog gives it its template and place.
#[derive(Debug)]
pub struct Draft {
    /// The name the request gave, if any.
    pub name: Option<Name>,
    /// The sandbox the files come from.
    pub source_sandbox_id: String,
    /// The folder template below those files.
    pub base_template_id: String,
    /// The source sandbox's environment variables.
    pub env_vars: BTreeMap<String, String>,
    /// The template id the build belongs to, when the caller chose it already (a template
    /// build); else the name's template, or a new one.
    pub template_id: Option<String>,
    /// A built template's start configuration.
    pub config: Option<StartConfig>,
    /// The template build's id.
    pub build_uuid: Option<String>,
}

/// The filters and position of one `GET /snapshots` page.
#[derive(Debug, Default)]
pub struct ListQuery {
    /// Only the snapshots of this sandbox.
    pub sandbox_id: Option<String>,
    /// Only the builds of this template: every tag, or the one the name gives.
    pub name: Option<Name>,
    /// The most snapshots on the page.
    pub limit: usize,
    cursor: Option<(Micros, String)>,
}

impl ListQuery {
    /// The query of a first page.
    pub fn new(sandbox_id: Option<String>, name: Option<Name>, limit: usize) -> ListQuery {
        ListQuery { sandbox_id, name, limit, cursor: None }
    }

    /// Starts after the position `token` names; `false` when it names none.
    pub fn after(&mut self, token: &str) -> bool {
        let decoded = URL_SAFE_NO_PAD.decode(token).ok().and_then(|raw| String::from_utf8(raw).ok());
        let cursor = decoded.as_deref().and_then(|raw| {
            let (at, build) = raw.split_once('|')?;
            Some((at.parse().ok()?, build.to_string()))
        });
        self.cursor = cursor;
        self.cursor.is_some()
    }

    fn matches(&self, snapshot: &Snapshot) -> bool {
        !snapshot.source_sandbox_id.is_empty()
            && self.sandbox_id.as_ref().is_none_or(|id| *id == snapshot.source_sandbox_id)
            && self.name.as_ref().is_none_or(|name| {
                name.names_template(snapshot) && name.tag.as_ref().is_none_or(|tag| *tag == snapshot.tag)
            })
    }
}

/// Newest first, ties broken by build id (descending too).
fn position(snapshot: &Snapshot) -> (Micros, &str) {
    (snapshot.created_at, snapshot.build_id.as_str())
}

/// The token that starts a page after `snapshot`.
fn token(snapshot: &Snapshot) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", snapshot.created_at, snapshot.build_id))
}

/// Every snapshot of the server, in memory and under `snapshots/`.
pub struct Catalog {
    dir: PathBuf,
    builds: Mutex<Vec<Snapshot>>,
    /// Held for reading while a build's files are copied, for writing while one is moved away.
    files: RwLock<()>,
}

impl Catalog {
    /// Loads the builds under `<data_dir>/snapshots`, deleting what a crash left.
    pub fn open(data_dir: &Path) -> io::Result<Catalog> {
        let dir = data_dir.join("snapshots");
        fs::create_dir_all(&dir)?;
        let mut builds: Vec<Snapshot> = Vec::new();
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp-") || name.starts_with(".trash-") {
                remove_dir(&entry.path())?;
                continue;
            }
            let loaded = fs::read(entry.path().join("snapshot.json"))
                .and_then(|bytes| serde_json::from_slice::<Snapshot>(&bytes).map_err(io::Error::other));
            match loaded {
                Ok(snapshot) if snapshot.build_id == name => builds.push(snapshot),
                Ok(_) => eprintln!("e2b-local: skipping {}: its id does not match its folder", entry.path().display()),
                Err(e) => eprintln!("e2b-local: skipping snapshot {}: {e}", entry.path().display()),
            }
        }
        // A crash between a build's arrival and the removal of the one it replaces leaves both.
        builds.sort_by(|a, b| position(b).cmp(&position(a)));
        let mut kept: Vec<Snapshot> = Vec::new();
        for snapshot in builds {
            if kept.iter().any(|k| k.template_id == snapshot.template_id && k.tag == snapshot.tag) {
                remove_dir(&dir.join(&snapshot.build_id))?;
            } else {
                kept.push(snapshot);
            }
        }
        Ok(Catalog { dir, builds: Mutex::new(kept), files: RwLock::new(()) })
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Snapshot>> {
        self.builds.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new, empty staging folder for a build's files (its `fs/` is the copy).
    pub fn staging(&self) -> io::Result<PathBuf> {
        let staging = self.dir.join(format!(".tmp-{}", persist::random_alphanumeric(20)?));
        fs::create_dir(&staging)?;
        Ok(staging)
    }

    /// Adds the build whose files are in `staging`: under the template its name already has, or
    /// a new one. Returns it and the folders to delete (the build it replaced).
    pub fn add(&self, staging: &Path, draft: Draft) -> io::Result<(Snapshot, Vec<PathBuf>)> {
        let build_id = persist::random_alphanumeric(20)?;
        // The files lock first, then the list's, in every method that takes both.
        let _moving = self.files.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut builds = self.lock();
        let alias = draft.name.as_ref().map(|name| name.alias.clone());
        let existing = alias
            .as_ref()
            .and_then(|alias| builds.iter().find(|b| b.alias.as_ref() == Some(alias)).map(|b| b.template_id.clone()));
        let template_id = match (draft.template_id, existing) {
            (Some(id), _) | (None, Some(id)) => id,
            (None, None) => persist::random_alphanumeric(20)?,
        };
        let tag = draft.name.as_ref().map_or(DEFAULT_TAG, Name::tag_or_default).to_string();
        let snapshot = Snapshot {
            build_id: build_id.clone(),
            template_id,
            alias,
            tag,
            source_sandbox_id: draft.source_sandbox_id,
            // Later than every build listed, so that a new one is always first.
            created_at: rfc3339::now().max(builds.iter().map(|b| b.created_at + 1).max().unwrap_or(0)),
            base_template_id: draft.base_template_id,
            env_vars: draft.env_vars,
            config: draft.config,
            build_uuid: draft.build_uuid,
        };
        let json = serde_json::to_vec_pretty(&snapshot).map_err(io::Error::other)?;
        persist::write_private(&staging.join("snapshot.json"), &json)?;
        let replaced: Vec<String> = builds
            .iter()
            .filter(|b| b.template_id == snapshot.template_id && b.tag == snapshot.tag)
            .map(|b| b.build_id.clone())
            .collect();
        fs::rename(staging, self.dir.join(&build_id))?;
        let trash = self.take_out(&mut builds, &replaced);
        builds.push(snapshot.clone());
        Ok((snapshot, trash))
    }

    /// Moves the builds `build_ids` out of the catalog and to the trash; returns their folders
    /// there. Called with the files lock held for writing.
    fn take_out(&self, builds: &mut Vec<Snapshot>, build_ids: &[String]) -> Vec<PathBuf> {
        builds.retain(|b| !build_ids.contains(&b.build_id));
        let mut trash = Vec::new();
        for build in build_ids {
            let to = self.dir.join(format!(".trash-{build}"));
            match fs::rename(self.dir.join(build), &to) {
                Ok(()) => trash.push(to),
                Err(e) => eprintln!("e2b-local: moving snapshot {build} to the trash failed: {e}"),
            }
        }
        trash
    }

    /// The build a create's `templateID` names, if it names a snapshot: `local/<name>[:tag]`,
    /// `<name>[:tag]` or `<templateID>[:tag]`, tag `default` when none is written.
    pub fn find(&self, reference: &str) -> Option<Snapshot> {
        let name = Name::parse(reference).ok()?;
        self.find_name(&name)
    }

    /// The build `name` names (tag `default` when it has none).
    pub fn find_name(&self, name: &Name) -> Option<Snapshot> {
        let tag = name.tag_or_default();
        self.lock().iter().find(|b| name.names_template(b) && b.tag == tag).cloned()
    }

    /// Copies the files of `snapshot` to `to` (which must not exist). Fails with `NotFound`
    /// when the build was deleted or replaced since it was found.
    pub fn copy_files(&self, snapshot: &Snapshot, to: &Path) -> io::Result<()> {
        let _reading = self.files.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !self.lock().iter().any(|b| b.build_id == snapshot.build_id) {
            return Err(io::Error::new(io::ErrorKind::NotFound, "the snapshot was deleted"));
        }
        copy_layer(&self.dir.join(&snapshot.build_id).join("fs"), to)
    }

    /// Deletes every build of the snapshot template `name` names (its tag does not matter, as
    /// for E2B's template delete). `None` when it names no snapshot; else the folders to delete.
    pub fn delete_template(&self, name: &Name) -> Option<Vec<PathBuf>> {
        let _moving = self.files.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut builds = self.lock();
        let template_id = builds.iter().find(|b| name.names_template(b))?.template_id.clone();
        let doomed: Vec<String> =
            builds.iter().filter(|b| b.template_id == template_id).map(|b| b.build_id.clone()).collect();
        Some(self.take_out(&mut builds, &doomed))
    }

    /// Every build (every tag) of the template `name` names, oldest first.
    pub fn builds_of(&self, name: &Name) -> Vec<Snapshot> {
        let builds = self.lock();
        let Some(template_id) = builds.iter().find(|b| name.names_template(b)).map(|b| b.template_id.clone()) else {
            return Vec::new();
        };
        let mut found: Vec<Snapshot> = builds.iter().filter(|b| b.template_id == template_id).cloned().collect();
        found.sort_by(|a, b| position(a).cmp(&position(b)));
        found
    }

    /// Removes the tags `tags` of the template `name` names; the folders to delete.
    pub fn remove_tags(&self, name: &Name, tags: &[String]) -> Vec<PathBuf> {
        let _moving = self.files.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut builds = self.lock();
        let Some(template_id) = builds.iter().find(|b| name.names_template(b)).map(|b| b.template_id.clone()) else {
            return Vec::new();
        };
        let doomed: Vec<String> = builds
            .iter()
            .filter(|b| b.template_id == template_id && tags.contains(&b.tag))
            .map(|b| b.build_id.clone())
            .collect();
        self.take_out(&mut builds, &doomed)
    }

    /// One page of the snapshots `query` matches, newest first, and the token of the next page
    /// when one follows.
    pub fn list(&self, query: &ListQuery) -> (Vec<Snapshot>, Option<String>) {
        let mut matching: Vec<Snapshot> = self.lock().iter().filter(|b| query.matches(b)).cloned().collect();
        matching.sort_by(|a, b| position(b).cmp(&position(a)));
        if let Some((at, build)) = &query.cursor {
            matching.retain(|b| position(b) < (*at, build.as_str()));
        }
        let more = matching.len() > query.limit;
        matching.truncate(query.limit);
        let next = if more { matching.last().map(token) } else { None };
        (matching, next)
    }
}

fn remove_dir(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Copies a sandbox's own files (`from`, a folder) to `to` (which must not exist) exactly:
/// folders, regular files, symlinks, device nodes and FIFOs (an overlay's whiteouts are character
/// devices 0:0), hard links kept as links, each with its owner, mode, extended attributes
/// (`trusted.overlay.*` among them: opaque folders, redirects; file capabilities) and times.
/// Sockets are left out: one is nothing without the process that listens on it.
pub fn copy_layer(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if !meta.is_dir() {
        return Err(io::Error::other(format!("{} is no folder", from.display())));
    }
    copy_entry(from, to, &meta, &mut HashMap::new())
}

fn copy_entry(from: &Path, to: &Path, meta: &fs::Metadata, links: &mut HashMap<(u64, u64), PathBuf>) -> io::Result<()> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let kind = meta.file_type();
    if kind.is_dir() {
        fs::create_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            let child = entry.path();
            copy_entry(&child, &to.join(entry.file_name()), &fs::symlink_metadata(&child)?, links)?;
        }
        return copy_attributes(from, to, meta);
    }
    let inode = (meta.dev(), meta.ino());
    if meta.nlink() > 1 {
        if let Some(first) = links.get(&inode) {
            return fs::hard_link(first, to);
        }
    }
    if kind.is_file() {
        fs::copy(from, to)?;
    } else if kind.is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(from)?, to)?;
    } else if kind.is_char_device() || kind.is_block_device() || kind.is_fifo() {
        let path = c_path(to)?;
        // SAFETY: a NUL-terminated path.
        if unsafe { libc::mknod(path.as_ptr(), meta.mode() as libc::mode_t, meta.rdev() as libc::dev_t) } != 0 {
            return Err(io::Error::last_os_error());
        }
    } else {
        return Ok(());
    }
    if meta.nlink() > 1 {
        links.insert(inode, to.to_path_buf());
    }
    copy_attributes(from, to, meta)
}

/// Gives `to` the owner, mode, extended attributes and times of `from`, in the order that keeps
/// each (a change of owner clears set-user-id bits and file capabilities).
fn copy_attributes(from: &Path, to: &Path, meta: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let current = fs::symlink_metadata(to)?;
    if (current.uid(), current.gid()) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::lchown(to, Some(meta.uid()), Some(meta.gid()))?;
    }
    let symlink = meta.file_type().is_symlink();
    if !symlink {
        fs::set_permissions(to, fs::Permissions::from_mode(meta.mode() & 0o7777))?;
    }
    let (from_c, to_c) = (c_path(from)?, c_path(to)?);
    for name in xattr_names(&from_c)? {
        let value = xattr_value(&from_c, &name)?;
        // SAFETY: NUL-terminated name and path, and a buffer of the given length.
        let set = unsafe { libc::lsetxattr(to_c.as_ptr(), name.as_ptr(), value.as_ptr().cast(), value.len(), 0) };
        if set != 0 {
            let e = io::Error::last_os_error();
            return Err(io::Error::new(e.kind(), format!("{} on {}: {e}", name.to_string_lossy(), to.display())));
        }
    }
    let times = [
        libc::timespec { tv_sec: meta.atime() as libc::time_t, tv_nsec: meta.atime_nsec() as _ },
        libc::timespec { tv_sec: meta.mtime() as libc::time_t, tv_nsec: meta.mtime_nsec() as _ },
    ];
    // SAFETY: a NUL-terminated path and two timespecs.
    if unsafe { libc::utimensat(libc::AT_FDCWD, to_c.as_ptr(), times.as_ptr(), libc::AT_SYMLINK_NOFOLLOW) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn c_path(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)
}

/// The extended attribute names of `path` (not following a final symlink); none where the file
/// system has none.
fn xattr_names(path: &CString) -> io::Result<Vec<CString>> {
    loop {
        // SAFETY: a NUL-terminated path; a null buffer asks for the size.
        let size = unsafe { libc::llistxattr(path.as_ptr(), std::ptr::null_mut(), 0) };
        if size < 0 {
            let e = io::Error::last_os_error();
            return if e.raw_os_error() == Some(libc::ENOTSUP) { Ok(Vec::new()) } else { Err(e) };
        }
        let mut buffer = vec![0u8; size as usize];
        // SAFETY: a buffer of the given length.
        let got = unsafe { libc::llistxattr(path.as_ptr(), buffer.as_mut_ptr().cast(), buffer.len()) };
        if got < 0 {
            match io::Error::last_os_error() {
                // Grown in between: ask again.
                e if e.raw_os_error() == Some(libc::ERANGE) => continue,
                e => return Err(e),
            }
        }
        buffer.truncate(got as usize);
        return Ok(buffer
            .split(|&b| b == 0)
            .filter(|name| !name.is_empty())
            .filter_map(|name| CString::new(name).ok())
            .collect());
    }
}

fn xattr_value(path: &CString, name: &CString) -> io::Result<Vec<u8>> {
    loop {
        // SAFETY: NUL-terminated path and name; a null buffer asks for the size.
        let size = unsafe { libc::lgetxattr(path.as_ptr(), name.as_ptr(), std::ptr::null_mut(), 0) };
        if size < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut value = vec![0u8; size as usize];
        // SAFETY: a buffer of the given length.
        let got = unsafe { libc::lgetxattr(path.as_ptr(), name.as_ptr(), value.as_mut_ptr().cast(), value.len()) };
        if got < 0 {
            match io::Error::last_os_error() {
                e if e.raw_os_error() == Some(libc::ERANGE) => continue,
                e => return Err(e),
            }
        }
        value.truncate(got as usize);
        return Ok(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

    #[test]
    fn names_parse_by_the_api_rules() {
        let name = |s: &str| Name::parse(s);
        assert_eq!(name("snap").unwrap(), Name { namespace: None, alias: "snap".into(), tag: None });
        assert_eq!(
            name(" Local/My_Snap-1:V1.2 ").unwrap(),
            Name { namespace: Some("local".into()), alias: "my_snap-1".into(), tag: Some("v1.2".into()) }
        );
        assert_eq!(name("x:default").unwrap().tag.as_deref(), Some("default"));
        assert_eq!(name("x").unwrap().tag_or_default(), "default");
        assert_eq!(name("a/b").unwrap().identifier(), "a/b");
        assert_eq!(name("has space").unwrap_err(), "invalid template ID: has space");
        assert_eq!(name("").unwrap_err(), "invalid template ID: ");
        assert_eq!(name("x:bad/tag").unwrap_err(), "invalid tag: bad/tag");
        assert_eq!(name("x:").unwrap_err(), "invalid tag: ");
        assert_eq!(name("b@d/x").unwrap_err(), "invalid namespace: b@d");
        assert_eq!(name("a/b/c").unwrap_err(), "invalid template ID: b/c");
    }

    fn draft(name: Option<&str>, source: &str) -> Draft {
        Draft {
            name: name.map(|n| Name::parse(n).unwrap()),
            source_sandbox_id: source.into(),
            base_template_id: "base".into(),
            env_vars: BTreeMap::from([("A".into(), "1".into())]),
            template_id: None,
            config: None,
            build_uuid: None,
        }
    }

    /// Adds a build whose only file is `marker`.
    fn add(catalog: &Catalog, name: Option<&str>, source: &str, marker: &str) -> (Snapshot, Vec<PathBuf>) {
        let staging = catalog.staging().unwrap();
        fs::create_dir(staging.join("fs")).unwrap();
        fs::write(staging.join("fs/marker"), marker).unwrap();
        catalog.add(&staging, draft(name, source)).unwrap()
    }

    fn marker(catalog: &Catalog, snapshot: &Snapshot, to: &Path) -> String {
        catalog.copy_files(snapshot, to).unwrap();
        fs::read_to_string(to.join("marker")).unwrap()
    }

    #[test]
    fn builds_are_named_found_replaced_and_deleted() {
        let data = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(data.path()).unwrap();
        let (plain, replaced) = add(&catalog, None, "sbx1", "plain");
        assert!(replaced.is_empty());
        assert_eq!(plain.snapshot_id(), format!("{}:default", plain.template_id));
        assert!(plain.names().is_empty());

        let (named, _) = add(&catalog, Some("mine"), "sbx1", "one");
        assert_eq!((named.snapshot_id(), named.names()), ("local/mine:default".into(), vec!["local/mine".into()]));
        let (again, replaced) = add(&catalog, Some("mine"), "sbx2", "two");
        assert_eq!(again.template_id, named.template_id, "a name keeps its template");
        assert_eq!(replaced, [data.path().join(format!("snapshots/.trash-{}", named.build_id))]);
        let (tagged, replaced) = add(&catalog, Some("local/mine:v2"), "sbx2", "three");
        assert!(replaced.is_empty());
        assert_eq!(
            (tagged.template_id.as_str(), tagged.snapshot_id()),
            (named.template_id.as_str(), "local/mine:v2".into())
        );

        for (i, (reference, expected)) in [
            ("mine", "two"),
            ("local/mine:default", "two"),
            ("MINE:v2", "three"),
            (format!("{}:v2", named.template_id).as_str(), "three"),
            (plain.template_id.as_str(), "plain"),
        ]
        .into_iter()
        .enumerate()
        {
            let found = catalog.find(reference).unwrap_or_else(|| panic!("{reference}"));
            assert_eq!(marker(&catalog, &found, &data.path().join(format!("copy-{i}"))), expected, "{reference}");
        }
        for reference in ["other/mine", "mine:v3", "nope", "bad name", ""] {
            assert!(catalog.find(reference).is_none(), "{reference}");
        }

        // A build deleted after it was found is not copied.
        let stale = catalog.find("mine:v2").unwrap();
        let gone = catalog.delete_template(&Name::parse("local/mine:whatever").unwrap()).unwrap();
        assert_eq!(gone.len(), 2);
        assert!(gone.iter().all(|folder| folder.exists()), "in the trash until deleted");
        let err = catalog.copy_files(&stale, &data.path().join("late")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(catalog.find("mine").is_none());
        assert!(catalog.delete_template(&Name::parse("mine").unwrap()).is_none());
        assert!(catalog.find(&plain.snapshot_id()).is_some());
    }

    #[test]
    fn lists_filter_and_page_newest_first() {
        let data = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(data.path()).unwrap();
        let made: Vec<Snapshot> = (0..5).map(|i| add(&catalog, None, if i < 3 { "a" } else { "b" }, "x").0).collect();
        add(&catalog, Some("n"), "b", "x");
        add(&catalog, Some("n:v1"), "b", "x");

        let ids = |items: &[Snapshot]| items.iter().map(Snapshot::snapshot_id).collect::<Vec<_>>();
        let (all, next) = catalog.list(&ListQuery::new(None, None, MAX_LIMIT));
        assert_eq!(all.len(), 7);
        assert!(next.is_none());
        assert_eq!(ids(&all)[..2], ["local/n:v1".to_string(), "local/n:default".to_string()]);

        let mut query = ListQuery::new(Some("a".into()), None, 2);
        let (page, next) = catalog.list(&query);
        assert_eq!(ids(&page), [made[2].snapshot_id(), made[1].snapshot_id()]);
        assert!(query.after(&next.unwrap()));
        let (page, next) = catalog.list(&query);
        assert_eq!(ids(&page), [made[0].snapshot_id()]);
        assert!(next.is_none(), "no empty last page");

        let named = |name: &str| catalog.list(&ListQuery::new(None, Some(Name::parse(name).unwrap()), 10)).0;
        assert_eq!(named("n").len(), 2);
        assert_eq!(ids(&named("n:default")), ["local/n:default"]);
        assert_eq!(ids(&named("local/n:v1")), ["local/n:v1"]);
        assert!(named("other/n").is_empty());
        assert_eq!(ids(&named(&made[4].template_id)), [made[4].snapshot_id()]);

        let mut query = ListQuery::default();
        for token in ["", "%%%", "bm90IGEgY3Vyc29y"] {
            assert!(!query.after(token), "{token}");
        }
    }

    #[test]
    fn builds_persist_and_crash_leftovers_go() {
        let data = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(data.path()).unwrap();
        let (first, _) = add(&catalog, Some("kept"), "s", "one");
        let (plain, _) = add(&catalog, None, "s", "plain");
        drop(catalog);
        // What a crash between a build's arrival and the removal of the one it replaced leaves.
        let older = Snapshot { build_id: "older".into(), created_at: first.created_at - 1, ..first.clone() };
        fs::create_dir_all(data.path().join("snapshots/older/fs")).unwrap();
        fs::write(data.path().join("snapshots/older/snapshot.json"), serde_json::to_vec(&older).unwrap()).unwrap();
        fs::create_dir_all(data.path().join("snapshots/.tmp-x/fs")).unwrap();
        fs::create_dir_all(data.path().join("snapshots/.trash-y/fs")).unwrap();

        let catalog = Catalog::open(data.path()).unwrap();
        let (all, _) = catalog.list(&ListQuery::new(None, None, MAX_LIMIT));
        assert_eq!(all, [plain.clone(), first.clone()]);
        assert_eq!(all[1].env_vars, BTreeMap::from([("A".into(), "1".into())]));
        let mut left: Vec<String> = fs::read_dir(data.path().join("snapshots"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected = vec![first.build_id.clone(), plain.build_id.clone()];
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(marker(&catalog, &catalog.find("kept").unwrap(), &data.path().join("c")), "one");
    }

    #[test]
    fn a_layer_copies_exactly() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("from");
        fs::create_dir_all(from.join("etc/deep")).unwrap();
        fs::write(from.join("etc/file"), "content").unwrap();
        fs::set_permissions(from.join("etc/file"), fs::Permissions::from_mode(0o4751)).unwrap();
        fs::hard_link(from.join("etc/file"), from.join("etc/link")).unwrap();
        symlink("../etc/file", from.join("etc/deep/sym")).unwrap();
        fs::set_permissions(from.join("etc/deep"), fs::Permissions::from_mode(0o500)).unwrap();
        let root = unsafe { libc::geteuid() } == 0;
        let path = |p: &Path| CString::new(p.as_os_str().as_bytes()).unwrap();
        if root {
            // A whiteout, an opaque folder, and an owner that is not ours.
            assert_eq!(unsafe { libc::mknod(path(&from.join("gone")).as_ptr(), libc::S_IFCHR, 0) }, 0);
            let set = unsafe {
                libc::lsetxattr(
                    path(&from.join("etc")).as_ptr(),
                    c"trusted.overlay.opaque".as_ptr(),
                    c"y".as_ptr().cast(),
                    1,
                    0,
                )
            };
            assert_eq!(set, 0, "{}", io::Error::last_os_error());
            std::os::unix::fs::lchown(from.join("etc/deep/sym"), Some(4242), Some(4343)).unwrap();
        }
        let fifo = unsafe { libc::mkfifo(path(&from.join("pipe")).as_ptr(), 0o640) };
        assert_eq!(fifo, 0);
        let old = libc::timespec { tv_sec: 1_000_000_000, tv_nsec: 5 };
        let times = [old, old];
        assert_eq!(
            unsafe { libc::utimensat(libc::AT_FDCWD, path(&from.join("etc/file")).as_ptr(), times.as_ptr(), 0) },
            0
        );
        let socket = std::os::unix::net::UnixListener::bind(from.join("sock")).unwrap();

        let to = dir.path().join("to");
        copy_layer(&from, &to).unwrap();
        drop(socket);
        let meta = |p: &str| fs::symlink_metadata(to.join(p)).unwrap();
        assert_eq!(fs::read_to_string(to.join("etc/file")).unwrap(), "content");
        assert_eq!(meta("etc/file").mode() & 0o7777, 0o4751);
        assert_eq!(meta("etc/file").ino(), meta("etc/link").ino(), "hard links stay links");
        assert_eq!((meta("etc/file").mtime(), meta("etc/file").mtime_nsec()), (1_000_000_000, 5));
        assert_eq!(fs::read_link(to.join("etc/deep/sym")).unwrap(), Path::new("../etc/file"));
        assert_eq!(meta("etc/deep").mode() & 0o7777, 0o500);
        assert!(meta("pipe").file_type().is_fifo());
        assert_eq!(meta("pipe").mode() & 0o7777, 0o640);
        assert!(!to.join("sock").exists(), "sockets are left out");
        if root {
            assert!(meta("gone").file_type().is_char_device());
            assert_eq!(meta("gone").rdev(), 0);
            let names = xattr_names(&path(&to.join("etc"))).unwrap();
            assert!(names.iter().any(|n| n.as_c_str() == c"trusted.overlay.opaque"), "{names:?}");
            assert_eq!(
                xattr_value(&path(&to.join("etc")), &CString::new("trusted.overlay.opaque").unwrap()).unwrap(),
                b"y"
            );
            assert_eq!((meta("etc/deep/sym").uid(), meta("etc/deep/sym").gid()), (4242, 4343));
        }
        assert!(copy_layer(&from.join("etc/file"), &dir.path().join("x")).is_err(), "a file is no layer");
        assert!(copy_layer(&from, &to).is_err(), "the target must not exist");
    }
}

//! envd's filesystem service, `filesystem.Filesystem` over Connect with the JSON codec
//! (E2B's `spec/envd/filesystem/filesystem.proto`): Stat, MakeDir, Move, ListDir and Remove here, the watcher RPCs in
//! `watch.rs`. Codes, messages and `EntryInfo` follow envd; every path goes through the
//! sandbox's `SandboxRoot`, so no request reaches past its sandbox.

use std::fs::Metadata;
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use axum::body::Body;
use axum::extract::Extension;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use e2b_protocol::json::int64::serialize as int64;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::files::{self, Metadata as FileMetadata, User};
use super::{watch, Sandbox};
use crate::connect::{self, ConnectError};
use crate::isolation;
use crate::paths::{self, SandboxRoot};
use crate::rfc3339;

pub fn router() -> Router {
    Router::new()
        .route("/filesystem.Filesystem/Stat", post(stat))
        .route("/filesystem.Filesystem/MakeDir", post(make_dir))
        .route("/filesystem.Filesystem/Move", post(move_entry))
        .route("/filesystem.Filesystem/ListDir", post(list_dir))
        .route("/filesystem.Filesystem/Remove", post(remove))
        .route("/filesystem.Filesystem/WatchDir", post(watch::watch_dir))
        .route("/filesystem.Filesystem/CreateWatcher", post(watch::create_watcher))
        .route("/filesystem.Filesystem/GetWatcherEvents", post(watch::get_watcher_events))
        .route("/filesystem.Filesystem/RemoveWatcher", post(watch::remove_watcher))
}

// ---- Calls ----

/// What a call works with: the sandbox's files, and the user it acts as.
pub(super) struct Context {
    pub root: SandboxRoot,
    pub user: User,
    /// The sandbox's `/` on the host, which names the sandbox among all.
    pub fs_dir: PathBuf,
}

impl Context {
    pub fn open(fs_dir: PathBuf, user: User) -> Result<Context, ConnectError> {
        let root = SandboxRoot::open(&fs_dir)
            .map(|root| root.acting_as(user.name))
            .map_err(|e| ConnectError::internal(format!("error opening the sandbox filesystem: {}", errno_text(&e))))?;
        Ok(Context { root, user, fs_dir })
    }

    /// A requested path made absolute for the user, as envd's `ExpandAndResolve` does.
    pub fn path(&self, requested: &str) -> Result<String, ConnectError> {
        files::resolve(requested, &self.user).map_err(ConnectError::invalid_argument)
    }
}

/// Serves a unary call: the user first (as envd's authentication middleware runs first), then
/// the request message, then `work` on a blocking thread; its result or error is the answer.
pub(super) async fn unary<Req, Resp>(
    sandbox: Sandbox,
    headers: &HeaderMap,
    body: Body,
    work: impl FnOnce(Context, Req) -> Result<Resp, ConnectError> + Send + 'static,
) -> Response
where
    Req: DeserializeOwned + Send + 'static,
    Resp: Serialize + Send + 'static,
{
    let result = async {
        let user = rpc_user(headers)?;
        let request = connect::unary_request::<Req>(body).await?;
        on_blocking(move || work(Context::open(sandbox.fs_dir, user)?, request)).await
    };
    match result.await {
        Ok(response) => connect::unary_response(&response),
        Err(e) => e.into_response(),
    }
}

/// Runs file work off the async workers.
pub(super) async fn on_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ConnectError> + Send + 'static,
) -> Result<T, ConnectError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(ConnectError::new("unavailable", "the server is shutting down")),
    }
}

/// The user a call acts as: the one named by `Authorization: Basic` (`user:` in base64, as
/// the SDKs send it), else the default user. An unknown name is `unauthenticated`, and a
/// malformed header counts as none, as in envd.
pub(super) fn rpc_user(headers: &HeaderMap) -> Result<User, ConnectError> {
    let name = basic_auth_user(headers).unwrap_or_else(|| "user".to_string());
    User::find(&name).ok_or_else(|| ConnectError::new("unauthenticated", format!("invalid username: '{name}'")))
}

/// Go's `Request.BasicAuth` username.
fn basic_auth_user(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let (scheme, encoded) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    decoded.split_once(':').map(|(user, _password)| user.to_string())
}

// ---- Messages ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct PathRequest {
    path: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MoveRequest {
    source: String,
    destination: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListDirRequest {
    path: String,
    depth: u32,
}

#[derive(Serialize)]
struct EntryResponse {
    entry: EntryInfo,
}

#[derive(Serialize)]
struct ListDirResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entries: Vec<EntryInfo>,
}

/// An empty message, `{}`.
#[derive(Serialize)]
pub(super) struct Empty {}

/// `filesystem.FileType`, named as proto3 JSON names enum values. `FILE_TYPE_SYMLINK` is in
/// the proto but envd never sends it (a link has its target's type), so neither does this.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub(super) enum FileType {
    #[default]
    #[serde(rename = "FILE_TYPE_UNSPECIFIED")]
    Unspecified,
    #[serde(rename = "FILE_TYPE_FILE")]
    File,
    #[serde(rename = "FILE_TYPE_DIRECTORY")]
    Directory,
}

/// `filesystem.EntryInfo` in proto3 JSON: fields in proto order, zero values left out, the
/// int64 `size` as a string.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EntryInfo {
    #[serde(skip_serializing_if = "String::is_empty")]
    name: String,
    #[serde(rename = "type", skip_serializing_if = "is_default")]
    file_type: FileType,
    #[serde(skip_serializing_if = "String::is_empty")]
    path: String,
    #[serde(skip_serializing_if = "is_default", serialize_with = "int64")]
    size: u64,
    /// The permission bits only (`0o777`), as envd sends `FileMode.Perm()`; a symlink's are
    /// its target's, and a dangling one has none.
    #[serde(skip_serializing_if = "is_default")]
    mode: u32,
    #[serde(skip_serializing_if = "String::is_empty")]
    permissions: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    owner: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    group: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    symlink_target: Option<String>,
    #[serde(skip_serializing_if = "FileMetadata::is_empty")]
    metadata: FileMetadata,
    #[serde(skip_serializing_if = "is_default")]
    is_symlink: bool,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

// ---- Entries ----

/// The entry at `path` itself (a symlink is described, not followed), as Stat answers.
pub(super) fn entry_info(root: &SandboxRoot, path: &str) -> Result<EntryInfo, ConnectError> {
    let meta = root.lstat(path).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOENT) => ConnectError::not_found(format!("file not found: {}", os_error("lstat", path, &e))),
        _ => ConnectError::internal(format!("error getting file info: {}", os_error("lstat", path, &e))),
    })?;
    describe(root, path, paths::base_name(path), path, &meta)
}

/// The entry at `path` whose `lstat` is `meta`, shown with `name` and `shown_path`, as envd
/// describes it. A symlink is never `FILE_TYPE_SYMLINK`: its type and mode are its target's
/// (none when it dangles), `symlinkTarget` is the target resolved as envd resolves it (the
/// link's own path when it dangles), and `isSymlink` says it is a link, as newer envd says it;
/// its size, permissions, owner and time are the link's own. The metadata is the target's.
fn describe(
    root: &SandboxRoot,
    path: &str,
    name: &str,
    shown_path: &str,
    meta: &Metadata,
) -> Result<EntryInfo, ConnectError> {
    let (target, followed) = if meta.is_symlink() {
        let target = root.resolve(path).map(|t| t.into_vec()).unwrap_or_else(|_| path.as_bytes().to_vec());
        (Some(utf8(target, "EntryInfo.symlink_target")?), root.stat(path).ok())
    } else {
        (None, Some(meta.clone()))
    };
    let file_type = match &followed {
        Some(m) if m.is_dir() => FileType::Directory,
        Some(m) if m.is_file() => FileType::File,
        _ => FileType::Unspecified,
    };
    let metadata = match file_type {
        FileType::File | FileType::Directory => {
            root.open_read(path).and_then(|file| files::read_metadata(&file)).unwrap_or_default()
        }
        FileType::Unspecified => FileMetadata::new(),
    };
    Ok(EntryInfo {
        name: name.to_string(),
        file_type,
        path: shown_path.to_string(),
        size: meta.size(),
        mode: followed.map_or(0, |m| m.mode() & 0o777),
        permissions: permissions(meta.mode()),
        owner: account_name(isolation::sandbox_id(meta.uid()), isolation::USER_ID),
        group: account_name(isolation::sandbox_id(meta.gid()), isolation::USER_ID),
        modified_time: Some(timestamp(meta.mtime(), meta.mtime_nsec() as u32)),
        symlink_target: target,
        metadata,
        is_symlink: meta.is_symlink(),
    })
}

/// Go's `os.FileMode.String()` of an `st_mode`: the type and special-bit letters in Go's order
/// (`d`, `L`, `D`, `p`, `S`, `u`, `g`, `c`, `t`; `-` for none), then `rwxrwxrwx`.
fn permissions(st_mode: u32) -> String {
    let kind = st_mode & libc::S_IFMT;
    let letters = [
        (kind == libc::S_IFDIR, 'd'),
        (kind == libc::S_IFLNK, 'L'),
        (kind == libc::S_IFBLK || kind == libc::S_IFCHR, 'D'),
        (kind == libc::S_IFIFO, 'p'),
        (kind == libc::S_IFSOCK, 'S'),
        (st_mode & libc::S_ISUID != 0, 'u'),
        (st_mode & libc::S_ISGID != 0, 'g'),
        (kind == libc::S_IFCHR, 'c'),
        (st_mode & libc::S_ISVTX != 0, 't'),
    ];
    let mut out: String = letters.iter().filter(|(set, _)| *set).map(|(_, letter)| letter).collect();
    if out.is_empty() {
        out.push('-');
    }
    for (i, letter) in "rwxrwxrwx".chars().enumerate() {
        out.push(if st_mode & (1 << (8 - i)) != 0 { letter } else { '-' });
    }
    out
}

/// The sandbox's name for an owner or group id (as the sandbox sees it): `own` is `user`, 0 is
/// `root`; other ids show as numbers, as envd shows ids it cannot name.
fn account_name(id: u32, own: u32) -> String {
    match id {
        _ if id == own => "user".to_string(),
        0 => "root".to_string(),
        _ => id.to_string(),
    }
}

/// A `google.protobuf.Timestamp` in proto3 JSON: RFC 3339 in UTC, with 0, 3, 6 or 9 digits of
/// fraction, as protojson writes it.
fn timestamp(secs: i64, nanos: u32) -> String {
    let whole = rfc3339::format(secs.saturating_mul(rfc3339::MICROS_PER_SEC));
    let base = whole.trim_end_matches('Z');
    let fraction = match nanos {
        0 => String::new(),
        _ if nanos % 1_000_000 == 0 => format!(".{:03}", nanos / 1_000_000),
        _ if nanos % 1_000 == 0 => format!(".{:06}", nanos / 1_000),
        _ => format!(".{nanos:09}"),
    };
    format!("{base}{fraction}Z")
}

/// A name as a proto3 string must be: UTF-8. Otherwise the error envd's marshalling gives (a
/// file made inside the sandbox can have any bytes in its name).
pub(super) fn utf8(bytes: Vec<u8>, field: &str) -> Result<String, ConnectError> {
    String::from_utf8(bytes).map_err(|_| {
        ConnectError::internal(format!("marshal message: proto: field filesystem.{field} contains invalid UTF-8"))
    })
}

/// An OS error as Go words it: `lstat /a: no such file or directory`.
pub(super) fn os_error(op: &str, path: &str, e: &io::Error) -> String {
    format!("{op} {path}: {}", errno_text(e))
}

/// The C library's text for an OS error, with a lower-case first letter, as Go has it.
pub(super) fn errno_text(e: &io::Error) -> String {
    let Some(code) = e.raw_os_error() else { return e.to_string() };
    let text = e.to_string();
    let text = text.strip_suffix(&format!(" (os error {code})")).unwrap_or(&text);
    let mut chars = text.chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

// ---- RPCs ----

async fn stat(Extension(sandbox): Extension<Sandbox>, headers: HeaderMap, body: Body) -> Response {
    unary(sandbox, &headers, body, |ctx, request: PathRequest| {
        let path = ctx.path(&request.path)?;
        Ok(EntryResponse { entry: entry_info(&ctx.root, &path)? })
    })
    .await
}

/// `mkdir -p`, except that an existing directory is `already_exists` (the SDK's `False`).
async fn make_dir(Extension(sandbox): Extension<Sandbox>, headers: HeaderMap, body: Body) -> Response {
    unary(sandbox, &headers, body, |ctx, request: PathRequest| {
        let path = ctx.path(&request.path)?;
        match ctx.root.stat(&path) {
            Ok(meta) if meta.is_dir() => {
                return Err(ConnectError::already_exists(format!("directory already exists: {path}")));
            }
            Ok(_) => {
                return Err(ConnectError::invalid_argument(format!(
                    "path already exists but it is not a directory: {path}"
                )));
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
            Err(e) => {
                return Err(ConnectError::internal(format!("error getting file info: {}", os_error("stat", &path, &e))))
            }
        }
        make_dirs(&ctx.root, &path)?;
        let entry = EntryInfo {
            name: paths::base_name(&path).to_string(),
            file_type: FileType::Directory,
            path,
            ..EntryInfo::default()
        };
        Ok(EntryResponse { entry })
    })
    .await
}

fn make_dirs(root: &SandboxRoot, path: &str) -> Result<(), ConnectError> {
    root.mkdir_all(path)
        .map_err(|e| ConnectError::internal(format!("failed to create directory: {}", os_error("mkdir", path, &e))))
}

/// `rename(2)`, after creating the destination's parents; answers the destination's entry.
async fn move_entry(Extension(sandbox): Extension<Sandbox>, headers: HeaderMap, body: Body) -> Response {
    unary(sandbox, &headers, body, |ctx, request: MoveRequest| {
        let source = ctx.path(&request.source)?;
        let destination = ctx.path(&request.destination)?;
        if let Some((parent, _)) = paths::split_parent(&destination) {
            make_dirs(&ctx.root, parent)?;
        }
        ctx.root.rename(&source, &destination).map_err(|e| {
            let what = format!("rename {source} {destination}: {}", errno_text(&e));
            match e.raw_os_error() {
                Some(libc::ENOENT) => ConnectError::not_found(format!("source file not found: {what}")),
                _ => ConnectError::internal(format!("error renaming: {what}")),
            }
        })?;
        Ok(EntryResponse { entry: entry_info(&ctx.root, &destination)? })
    })
    .await
}

/// The entries under a directory down to `depth` levels (0 means 1), in Go's `WalkDir` order:
/// each entry, then what is under it, names sorted; symlinked directories are listed, not
/// entered, but a symlinked root is followed. Entry paths are under the requested path.
async fn list_dir(Extension(sandbox): Extension<Sandbox>, headers: HeaderMap, body: Body) -> Response {
    unary(sandbox, &headers, body, |ctx, request: ListDirRequest| {
        let path = ctx.path(&request.path)?;
        match ctx.root.stat(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(ConnectError::invalid_argument(format!("path is not a directory: {path}"))),
            Err(e) => {
                return Err(match e.raw_os_error() {
                    Some(libc::ENOENT) => {
                        ConnectError::not_found(format!("directory not found: {}", os_error("lstat", &path, &e)))
                    }
                    Some(libc::ELOOP) => ConnectError::new(
                        "failed_precondition",
                        format!("cyclic symlink or chain >255 links at {path:?}"),
                    ),
                    _ => ConnectError::internal(format!("error resolving symlink: {}", os_error("lstat", &path, &e))),
                })
            }
        }
        let mut entries = Vec::new();
        walk(&ctx.root, &path, &paths::clean(&path), request.depth.max(1), &mut entries)?;
        Ok(ListDirResponse { entries })
    })
    .await
}

/// Lists the directory at `dir` (shown as `shown`) into `out`, and its subdirectories while
/// `levels` allow.
fn walk(root: &SandboxRoot, dir: &str, shown: &str, levels: u32, out: &mut Vec<EntryInfo>) -> Result<(), ConnectError> {
    let names = root
        .open_dir(dir)
        .and_then(|d| paths::read_dir(&d))
        .map_err(|e| ConnectError::internal(format!("error reading directory {shown}: {}", errno_text(&e))))?;
    for name in names {
        let name = utf8(name.into_vec(), "EntryInfo.name")?;
        let child = format!("{}/{name}", dir.trim_end_matches('/'));
        let shown_child = format!("{}/{name}", shown.trim_end_matches('/'));
        let meta = match root.lstat(&child) {
            Ok(meta) => meta,
            // Removed since the directory was read.
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => continue,
            Err(e) => {
                return Err(ConnectError::internal(format!("error reading directory {shown}: {}", errno_text(&e))))
            }
        };
        out.push(describe(root, &child, &name, &shown_child, &meta)?);
        if meta.is_dir() && levels > 1 {
            walk(root, &child, &shown_child, levels - 1, out)?;
        }
    }
    Ok(())
}

/// `rm -rf`: a missing path is success.
async fn remove(Extension(sandbox): Extension<Sandbox>, headers: HeaderMap, body: Body) -> Response {
    unary(sandbox, &headers, body, |ctx, request: PathRequest| {
        let path = ctx.path(&request.path)?;
        ctx.root.remove_all(&path).map_err(|e| {
            ConnectError::internal(format!("error removing file or directory: {}", os_error("unlinkat", &path, &e)))
        })?;
        Ok(Empty {})
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::os::unix::fs::symlink;

    /// A sandbox root with `/home/user` in a temp dir.
    fn sandbox() -> (tempfile::TempDir, SandboxRoot) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("home/user")).unwrap();
        let root = SandboxRoot::open(tmp.path()).unwrap();
        (tmp, root)
    }

    #[test]
    fn permissions_read_like_go_file_modes() {
        let cases = [
            (0o100644, "-rw-r--r--"),
            (0o040755, "drwxr-xr-x"),
            (0o120777, "Lrwxrwxrwx"),
            (0o041777, "dtrwxrwxrwx"),
            (0o042755, "dgrwxr-xr-x"),
            (0o104755, "urwxr-xr-x"),
            (0o020666, "Dcrw-rw-rw-"),
            (0o060660, "Drw-rw----"),
            (0o010600, "prw-------"),
            (0o140755, "Srwxr-xr-x"),
            (0o100000, "----------"),
        ];
        for (mode, expected) in cases {
            assert_eq!(permissions(mode), expected, "{mode:o}");
        }
    }

    #[test]
    fn timestamps_are_protojson() {
        assert_eq!(timestamp(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(1_700_000_000, 500_000_000), "2023-11-14T22:13:20.500Z");
        assert_eq!(timestamp(1_700_000_000, 123_456_000), "2023-11-14T22:13:20.123456Z");
        assert_eq!(timestamp(1_700_000_000, 1), "2023-11-14T22:13:20.000000001Z");
    }

    #[test]
    fn entry_info_json_leaves_zero_values_out() {
        let entry = EntryInfo { name: "a".into(), file_type: FileType::File, size: 5, ..EntryInfo::default() };
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            serde_json::json!({"name": "a", "type": "FILE_TYPE_FILE", "size": "5"})
        );
        let link = EntryInfo { is_symlink: true, symlink_target: Some("/t".into()), ..EntryInfo::default() };
        assert_eq!(serde_json::to_value(&link).unwrap(), serde_json::json!({"symlinkTarget": "/t", "isSymlink": true}));
    }

    #[test]
    fn users_come_from_basic_auth() {
        let user = |value: Option<&'static str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            }
            rpc_user(&headers).map(|u| u.name)
        };
        assert_eq!(user(None), Ok("user"));
        assert_eq!(user(Some("Basic cm9vdDo=")), Ok("root"));
        assert_eq!(user(Some("basic dXNlcjo=")), Ok("user"));
        // Malformed headers count as none.
        assert_eq!(user(Some("Bearer cm9vdDo=")), Ok("user"));
        assert_eq!(user(Some("Basic cm9vdA==")), Ok("user"));
        assert_eq!(user(Some("Basic !!!")), Ok("user"));
        let bob = user(Some("Basic Ym9iOg==")).unwrap_err();
        assert_eq!((bob.code, bob.message.as_str()), ("unauthenticated", "invalid username: 'bob'"));
    }

    #[test]
    fn os_errors_read_like_go() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(os_error("lstat", "/x", &e), "lstat /x: no such file or directory");
        assert_eq!(errno_text(&io::Error::other("plain")), "plain");
        assert_eq!(account_name(1000, 1000), "user");
        assert_eq!(account_name(0, 1000), "root");
        assert_eq!(account_name(1234, 1000), "1234");
    }

    #[test]
    fn entries_of_files_dirs_and_links() {
        let (tmp, root) = sandbox();
        let as_user = SandboxRoot::open(tmp.path()).unwrap().acting_as("user");
        std::io::Write::write_all(&mut as_user.create_write("/home/user/a.txt").unwrap(), b"hello world").unwrap();
        symlink("a.txt", tmp.path().join("home/user/link")).unwrap();
        symlink("/nowhere", tmp.path().join("home/user/dangling")).unwrap();

        let file = entry_info(&root, "/home/user/a.txt").unwrap();
        assert_eq!((file.name.as_str(), file.file_type, file.size), ("a.txt", FileType::File, 11));
        assert_eq!((file.owner.as_str(), file.group.as_str()), ("user", "user"));
        assert!(file.modified_time.is_some() && file.symlink_target.is_none() && !file.is_symlink);

        let link = entry_info(&root, "/home/user/link").unwrap();
        assert_eq!((link.file_type, link.is_symlink), (FileType::File, true));
        assert_eq!((link.symlink_target.as_deref(), link.mode), (Some("/home/user/a.txt"), file.mode));
        assert_eq!((link.permissions.as_str(), link.size), ("Lrwxrwxrwx", 5));

        let dangling = entry_info(&root, "/home/user/dangling").unwrap();
        assert_eq!((dangling.file_type, dangling.is_symlink), (FileType::Unspecified, true));
        assert_eq!((dangling.symlink_target.as_deref(), dangling.mode), (Some("/home/user/dangling"), 0));

        let missing = entry_info(&root, "/home/user/missing").unwrap_err();
        assert_eq!(missing.code, "not_found");
        assert_eq!(missing.message, "file not found: lstat /home/user/missing: no such file or directory");
    }

    /// What the real envd answered (`tests/fixtures/envd/`), by request path and RPC.
    fn recorded(rpc: &str) -> Vec<(String, serde_json::Value)> {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/fixtures/envd/symlinks-and-watch.json")).unwrap();
        let exchanges = fixture["exchanges"].as_array().unwrap();
        exchanges
            .iter()
            .filter(|x| x["request"]["path"] == format!("/filesystem.Filesystem/{rpc}"))
            .map(|x| {
                let path = x["request"]["body"]["path"].as_str().unwrap().to_string();
                (path, serde_json::from_str(x["response"]["body"].as_str().unwrap()).unwrap())
            })
            .collect()
    }

    /// An entry as envd sends it, with the modification time (which differs) only checked
    /// for presence, and `isSymlink` as newer envd adds it to links.
    fn comparable(mut entry: serde_json::Value, add_is_symlink: bool) -> serde_json::Value {
        let object = entry.as_object_mut().unwrap();
        assert!(object.remove("modifiedTime").is_some_and(|t| t.is_string()), "{object:?}");
        if add_is_symlink && object.contains_key("symlinkTarget") {
            object.insert("isSymlink".into(), true.into());
        }
        entry
    }

    #[test]
    fn entries_have_the_shape_the_real_envd_sends() {
        use std::os::unix::fs::PermissionsExt;
        let (tmp, root) = sandbox();
        let fx = tmp.path().join("home/user/envdtest/fx");
        std::fs::create_dir_all(fx.join("dir")).unwrap();
        std::fs::set_permissions(fx.join("dir"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(fx.join("file.txt"), "abc").unwrap();
        std::fs::set_permissions(fx.join("file.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::create_dir_all(tmp.path().join("etc")).unwrap();
        std::fs::write(tmp.path().join("etc/hostname"), "sandbox\n").unwrap();
        std::fs::set_permissions(tmp.path().join("etc/hostname"), std::fs::Permissions::from_mode(0o755)).unwrap();
        symlink("/home/user/envdtest/fx/file.txt", fx.join("filelink")).unwrap();
        symlink("/home/user/envdtest/fx/dir", fx.join("dirlink")).unwrap();
        symlink("/home/user/envdtest/fx/nowhere", fx.join("dangling")).unwrap();
        symlink("/etc/hostname", fx.join("outside")).unwrap();
        // Made by the host's root above; in the recording they are the sandbox user's.
        if let Some((uid, gid)) = crate::isolation::host_ids(crate::isolation::User::User) {
            for name in ["..", ".", "dir", "file.txt", "filelink", "dirlink", "dangling", "outside"] {
                std::os::unix::fs::lchown(fx.join(name), Some(uid), Some(gid)).unwrap();
            }
        }

        // A directory's size depends on the file system: envd's came from ext4.
        let dir_size = std::fs::metadata(fx.join("dir")).unwrap().len().to_string();
        let expected = |mut real: serde_json::Value| {
            if real["name"] == "dir" {
                real["size"] = dir_size.as_str().into();
            }
            comparable(real, true)
        };

        let stats = recorded("Stat");
        assert_eq!(stats.len(), 6);
        for (path, real) in stats {
            let ours = serde_json::to_value(entry_info(&root, &path).unwrap()).unwrap();
            assert_eq!(comparable(ours, false), expected(real["entry"].clone()), "Stat {path}");
        }

        let lists = recorded("ListDir");
        let (path, real) = &lists[0];
        let mut ours = Vec::new();
        walk(&root, path, path, 1, &mut ours).unwrap();
        let ours: Vec<_> = ours.into_iter().map(|e| comparable(serde_json::to_value(e).unwrap(), false)).collect();
        let real: Vec<_> = real["entries"].as_array().unwrap().iter().map(|e| expected(e.clone())).collect();
        assert_eq!(ours, real, "ListDir {path}");
        // Deeper levels describe links the same way.
        let mut deeper = Vec::new();
        walk(&root, "/home/user/envdtest", "/home/user/envdtest", 3, &mut deeper).unwrap();
        let deeper: Vec<_> = deeper.into_iter().map(|e| comparable(serde_json::to_value(e).unwrap(), false)).collect();
        assert_eq!(&deeper[1..], &ours[..]);
        // envd 0.6.13 answered `{}` for a ListDir of a link to a folder; newer envd follows a
        // linked root, as e2b-local does (`walks_in_go_order_to_the_given_depth_without_entering_links`).
        assert_eq!((lists[1].0.as_str(), &lists[1].1), ("/home/user/envdtest/fx/dirlink", &serde_json::json!({})));
    }

    #[test]
    fn walks_in_go_order_to_the_given_depth_without_entering_links() {
        let (tmp, root) = sandbox();
        let base = tmp.path().join("home/user");
        std::fs::create_dir_all(base.join("b/inner/deeper")).unwrap();
        std::fs::write(base.join("a.txt"), "").unwrap();
        std::fs::write(base.join("b/inner/f"), "").unwrap();
        symlink("/home/user/b", base.join("c")).unwrap();
        let listed = |path: &str, shown: &str, levels: u32| {
            let mut out = Vec::new();
            walk(&root, path, shown, levels, &mut out).unwrap();
            out.into_iter().map(|e| e.path).collect::<Vec<_>>()
        };
        assert_eq!(listed("/home/user", "/home/user", 1), ["/home/user/a.txt", "/home/user/b", "/home/user/c"]);
        assert_eq!(
            listed("/home/user", "/home/user", 3),
            [
                "/home/user/a.txt",
                "/home/user/b",
                "/home/user/b/inner",
                "/home/user/b/inner/deeper",
                "/home/user/b/inner/f",
                "/home/user/c",
            ]
        );
        // A linked root is followed, and its entries are shown under the requested path.
        assert_eq!(listed("/home/user/c", "/home/user/c", 1), ["/home/user/c/inner"]);
    }
}

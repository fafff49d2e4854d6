//! The volume routes: the control plane's `/volumes` (API key, the real API's JSON and errors)
//! and the volume content API `/volumecontent/{volumeID}/...` (a bearer token per volume from
//! `VolumeAndToken.token`, errors as `{"code": "<string>", "message"}`), both on the server's one
//! port: point `E2B_VOLUME_API_URL` (or the SDKs' `api_url` option) at it.
//!
//! Every content path is resolved inside the volume's folder (`openat2` with
//! `RESOLVE_IN_ROOT`, see [`SandboxRoot`]): a symlink in the volume never leads outside it, and a
//! path with a `..` component is refused.
//!
//! Choices where the API's sources say nothing: `PUT .../file` overwrites an existing file
//! whether `force` is given or not (as the SDKs' docs promise) and needs the parent folder
//! (404 without it); `POST .../dir` on an existing path is 409 unless `force` is given and the
//! path is a folder; `mode` is the permission bits (`st_mode & 0o7777`).

use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::runtime::Handle;

use crate::error::{json_response, ApiError, ApiResult};
use crate::isolation::{self, User};
use crate::paths::{self, SandboxRoot};
use crate::query::Params;
use crate::rfc3339::{self, MICROS_PER_SEC};
use crate::stream::{body_from_blocking, BodyReader, CHUNK};
use crate::volumes::{self, is_valid_name, Volume, VolumeError};
use crate::{blocking, AppState};

type AppRef = State<Arc<AppState>>;

/// `/volumes` and `/volumes/{id}`, for the control plane's router (behind its API key check).
pub fn control_routes() -> Router<Arc<AppState>> {
    Router::new().route("/volumes", get(list).post(create)).route("/volumes/{id}", get(info).delete(destroy))
}

/// `/volumecontent/...`, which takes a volume token instead of the API key.
pub fn content_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/volumecontent/{id}/path", get(stat_path).patch(update_path).delete(remove_path))
        .route("/volumecontent/{id}/dir", get(list_dir).post(make_dir))
        .route("/volumecontent/{id}/file", get(read_file).put(write_file))
}

// ---- Control plane ----

/// `VolumeAndToken`, with a fresh token.
fn volume_and_token(state: &AppState, volume: &Volume) -> Value {
    json!({ "volumeID": volume.volume_id, "name": volume.name, "token": state.volumes.token(&volume.volume_id) })
}

fn volume_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("volume '{id}' not found"))
}

#[derive(Deserialize)]
struct NewVolume {
    name: String,
}

/// `POST /volumes`: 201 `VolumeAndToken`; a bad or taken name is 400, as on E2B.
async fn create(State(state): AppRef, body: axum::body::Bytes) -> ApiResult<Response> {
    let request: NewVolume =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("Error when parsing request: {e}")))?;
    if !is_valid_name(&request.name) {
        return Err(ApiError::bad_request("Invalid volume name"));
    }
    let volumes = state.volumes.clone();
    let name = request.name.clone();
    let volume = blocking(move || {
        volumes.create(&name).map_err(|e| match e {
            VolumeError::NameTaken => ApiError::bad_request(format!("Volume with name '{name}' already exists")),
            VolumeError::Io(e) => ApiError::internal(format!("Failed to create volume: {e}")),
        })
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &volume_and_token(&state, &volume)))
}

/// `GET /volumes`: every volume of the team, `[{"volumeID", "name"}]`.
async fn list(State(state): AppRef) -> Response {
    let all: Vec<Value> =
        state.volumes.list().iter().map(|v| json!({ "volumeID": v.volume_id, "name": v.name })).collect();
    json_response(StatusCode::OK, &Value::Array(all))
}

/// `GET /volumes/{id}`: `VolumeAndToken`, a new token on every call.
async fn info(State(state): AppRef, Path(id): Path<String>) -> ApiResult<Response> {
    let volume = state.volumes.get(&id).ok_or_else(|| volume_not_found(&id))?;
    Ok(json_response(StatusCode::OK, &volume_and_token(&state, &volume)))
}

/// `DELETE /volumes/{id}`: 204, the content gone; sandboxes that have the volume mounted keep
/// an empty folder at its path.
async fn destroy(State(state): AppRef, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let volumes = state.volumes.clone();
    let lookup = id.clone();
    let destroyed = blocking(move || {
        volumes.destroy(&lookup).map_err(|e| ApiError::internal(format!("Failed to delete volume: {e}")))
    })
    .await?;
    if destroyed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(volume_not_found(&id))
    }
}

// ---- Content API ----

/// An error of the content API: `{"code": "<string>", "message"}`.
#[derive(Debug)]
struct ContentError {
    status: StatusCode,
    message: String,
}

type ContentResult<T> = Result<T, ContentError>;

impl ContentError {
    fn new(status: StatusCode, message: impl Into<String>) -> ContentError {
        ContentError { status, message: message.into() }
    }

    fn bad_request(message: impl Into<String>) -> ContentError {
        ContentError::new(StatusCode::BAD_REQUEST, message)
    }

    fn not_found(path: &str) -> ContentError {
        ContentError::new(StatusCode::NOT_FOUND, format!("path '{path}' not found"))
    }

    /// The error for a failed file system call on `path`.
    fn io(path: &str, e: io::Error) -> ContentError {
        match e.raw_os_error() {
            Some(libc::ENOENT) => ContentError::not_found(path),
            Some(libc::ENOTDIR) => ContentError::bad_request(format!("a parent of '{path}' is not a directory")),
            Some(libc::EISDIR) => ContentError::bad_request(format!("'{path}' is a directory")),
            Some(libc::EEXIST) => ContentError::new(StatusCode::CONFLICT, format!("path '{path}' already exists")),
            Some(libc::ENOTEMPTY) => ContentError::new(StatusCode::CONFLICT, format!("'{path}' is not empty")),
            Some(libc::ELOOP) => ContentError::bad_request(format!("too many symlinks in '{path}'")),
            Some(libc::EPERM) => ContentError::bad_request(format!("not permitted on '{path}': {e}")),
            _ => ContentError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("'{path}': {e}")),
        }
    }
}

impl IntoResponse for ContentError {
    fn into_response(self) -> Response {
        let code = match self.status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::CONFLICT => "conflict",
            _ => "internal",
        };
        json_response(self.status, &json!({ "code": code, "message": self.message }))
    }
}

impl From<ApiError> for ContentError {
    fn from(e: ApiError) -> Self {
        ContentError::new(e.status, e.message)
    }
}

/// A content request, checked: the volume's folder, open as a root, and the request's path.
struct Target {
    root: SandboxRoot,
    path: String,
    params: Params,
}

/// Checks the bearer token for volume `id`, that the volume exists, and the `path` parameter
/// (required, non-empty, without `..`), which is taken from the volume's root.
fn target(state: &AppState, id: &str, headers: &HeaderMap, uri: &Uri) -> ContentResult<Target> {
    let unauthorized = |message: &str| ContentError::new(StatusCode::UNAUTHORIZED, message);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .ok_or_else(|| unauthorized("authorization header is missing"))?;
    if !state.volumes.check_token(id, token.trim()) {
        return Err(unauthorized("invalid volume token"));
    }
    if state.volumes.get(id).is_none() {
        return Err(ContentError::new(StatusCode::NOT_FOUND, format!("volume '{id}' not found")));
    }
    let params = Params::parse(uri.query())?;
    let raw = params
        .get("path")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ContentError::bad_request("query parameter 'path' is required and must not be empty"))?;
    if raw.split('/').any(|part| part == "..") {
        return Err(ContentError::bad_request(format!("path '{raw}' must not contain '..'")));
    }
    let path = paths::clean(raw);
    let root = SandboxRoot::open(&state.volumes.content_dir(id))
        .map_err(|e| ContentError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("opening the volume: {e}")))?;
    Ok(Target { root: root.acting_as(User::User.name()), path, params })
}

/// An optional uint32 query parameter.
fn uint_param(params: &Params, name: &str) -> ContentResult<Option<u32>> {
    params
        .get(name)
        .filter(|v| !v.is_empty())
        .map(|raw| raw.parse().map_err(|_| ContentError::bad_request(format!("invalid {name}: '{raw}'"))))
        .transpose()
}

fn bool_param(params: &Params, name: &str) -> ContentResult<bool> {
    match params.get(name) {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(raw) => Err(ContentError::bad_request(format!("invalid {name}: '{raw}'"))),
    }
}

/// Runs file system work off the async workers.
async fn run<T: Send + 'static>(work: impl FnOnce() -> ContentResult<T> + Send + 'static) -> ContentResult<T> {
    match blocking(move || Ok(work())).await {
        Ok(result) => result,
        Err(e) => Err(e.into()),
    }
}

/// `VolumeEntryStat` of `path`, whose metadata (not following a final symlink) is `meta`.
fn entry_stat(root: &SandboxRoot, path: &str, meta: &std::fs::Metadata) -> Value {
    let kind = if meta.is_symlink() {
        "symlink"
    } else if meta.is_dir() {
        "directory"
    } else if meta.is_file() {
        "file"
    } else {
        "unknown"
    };
    let time = |secs: i64, nanos: i64| rfc3339::format(secs * MICROS_PER_SEC + nanos / 1000);
    let name = if path == "/" { "/" } else { paths::base_name(path) };
    let mut stat = json!({
        "name": name,
        "type": kind,
        "path": path,
        "size": meta.size(),
        "mode": meta.mode() & 0o7777,
        "uid": isolation::sandbox_id(meta.uid()),
        "gid": isolation::sandbox_id(meta.gid()),
        "atime": time(meta.atime(), meta.atime_nsec()),
        "mtime": time(meta.mtime(), meta.mtime_nsec()),
        "ctime": time(meta.ctime(), meta.ctime_nsec()),
    });
    if meta.is_symlink() {
        if let Ok(target) = root.read_link(path) {
            stat["target"] = target.to_string_lossy().into_owned().into();
        }
    }
    stat
}

fn stat_of(root: &SandboxRoot, path: &str) -> ContentResult<Value> {
    let meta = root.lstat(path).map_err(|e| ContentError::io(path, e))?;
    Ok(entry_stat(root, path, &meta))
}

/// Gives what `file` is to the sandbox ids `uid`/`gid` (each kept when `None`), and sets `mode`.
fn set_owner_and_mode(file: &std::fs::File, uid: Option<u32>, gid: Option<u32>, mode: Option<u32>) -> io::Result<()> {
    if uid.is_some() || gid.is_some() {
        std::os::unix::fs::fchown(file, uid.map(isolation::sandbox_owned), gid.map(isolation::sandbox_owned))?;
    }
    if let Some(mode) = mode {
        file.set_permissions(std::fs::Permissions::from_mode(mode & 0o7777))?;
    }
    Ok(())
}

/// `GET /volumecontent/{id}/path`: the entry's `VolumeEntryStat` (a symlink itself, not its target).
async fn stat_path(
    State(state): AppRef,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ContentResult<Response> {
    let target = target(&state, &id, &headers, &uri)?;
    let stat = run(move || stat_of(&target.root, &target.path)).await?;
    Ok(json_response(StatusCode::OK, &stat))
}

#[derive(Deserialize)]
struct MetadataUpdate {
    uid: Option<u32>,
    gid: Option<u32>,
    mode: Option<u32>,
}

/// `PATCH /volumecontent/{id}/path`: sets owner and mode (through a final symlink).
async fn update_path(
    State(state): AppRef,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: axum::body::Bytes,
) -> ContentResult<Response> {
    let target = target(&state, &id, &headers, &uri)?;
    let update: MetadataUpdate =
        serde_json::from_slice(&body).map_err(|e| ContentError::bad_request(format!("invalid metadata: {e}")))?;
    if update.mode.is_some_and(|mode| mode > 0o7777) {
        return Err(ContentError::bad_request("invalid metadata: mode must be at most 0o7777"));
    }
    let stat = run(move || {
        let Target { root, path, .. } = target;
        let file = root.open_read(&path).map_err(|e| ContentError::io(&path, e))?;
        set_owner_and_mode(&file, update.uid, update.gid, update.mode).map_err(|e| ContentError::io(&path, e))?;
        stat_of(&root, &path)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &stat))
}

/// `DELETE /volumecontent/{id}/path`: 204, a folder with everything in it; 404 when missing.
async fn remove_path(
    State(state): AppRef,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ContentResult<StatusCode> {
    let target = target(&state, &id, &headers, &uri)?;
    run(move || {
        let Target { root, path, .. } = target;
        if path == "/" {
            return Err(ContentError::bad_request("the volume's root cannot be removed"));
        }
        root.lstat(&path).map_err(|e| ContentError::io(&path, e))?;
        root.remove_all(&path).map_err(|e| ContentError::io(&path, e))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /volumecontent/{id}/dir?depth=`: the entries under a folder, `depth` levels deep
/// (default 1), each folder's entries by name, a folder before what it holds. Symlinks are
/// listed, not followed.
async fn list_dir(
    State(state): AppRef,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ContentResult<Response> {
    let target = target(&state, &id, &headers, &uri)?;
    let depth = uint_param(&target.params, "depth")?.unwrap_or(1);
    if depth == 0 {
        return Err(ContentError::bad_request("depth must be at least 1"));
    }
    let entries = run(move || {
        let Target { root, path, .. } = target;
        let meta = root.stat(&path).map_err(|e| ContentError::io(&path, e))?;
        if !meta.is_dir() {
            return Err(ContentError::bad_request(format!("path '{path}' is not a directory")));
        }
        let mut entries = Vec::new();
        walk(&root, &path, depth, &mut entries).map_err(|e| ContentError::io(&path, e))?;
        Ok(entries)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &Value::Array(entries)))
}

fn walk(root: &SandboxRoot, dir: &str, depth: u32, out: &mut Vec<Value>) -> io::Result<()> {
    let opened = root.open_dir(dir)?;
    for name in paths::read_dir(&opened)? {
        let path = format!("{}/{}", dir.trim_end_matches('/'), name.to_string_lossy());
        let meta = match root.lstat(&path) {
            Ok(meta) => meta,
            // Removed meanwhile.
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(e),
        };
        out.push(entry_stat(root, &path, &meta));
        if meta.is_dir() && depth > 1 {
            walk(root, &path, depth - 1, out)?;
        }
    }
    Ok(())
}

/// `POST /volumecontent/{id}/dir?uid=&gid=&mode=&force=`: 201 with the new folder's stat;
/// `force` makes missing parents (and accepts a folder that exists).
async fn make_dir(
    State(state): AppRef,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ContentResult<Response> {
    let target = target(&state, &id, &headers, &uri)?;
    let (uid, gid, mode) =
        (uint_param(&target.params, "uid")?, uint_param(&target.params, "gid")?, uint_param(&target.params, "mode")?);
    let force = bool_param(&target.params, "force")?;
    let stat = run(move || {
        let Target { root, path, .. } = target;
        let existing = root.lstat(&path);
        match existing {
            Ok(meta) if force && meta.is_dir() => {}
            Ok(_) => return Err(ContentError::new(StatusCode::CONFLICT, format!("path '{path}' already exists"))),
            Err(e) if e.raw_os_error() != Some(libc::ENOENT) => return Err(ContentError::io(&path, e)),
            Err(_) => {
                let (parent, _) = paths::split_parent(&path).unwrap_or(("/", ""));
                if !force {
                    let parent_meta = root.stat(parent).map_err(|e| ContentError::io(parent, e))?;
                    if !parent_meta.is_dir() {
                        return Err(ContentError::bad_request(format!("'{parent}' is not a directory")));
                    }
                }
                root.mkdir_all(&path).map_err(|e| ContentError::io(&path, e))?;
            }
        }
        let dir = root.open_dir(&path).map_err(|e| ContentError::io(&path, e))?;
        set_owner_and_mode(&dir, uid, gid, mode).map_err(|e| ContentError::io(&path, e))?;
        stat_of(&root, &path)
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &stat))
}

/// `GET /volumecontent/{id}/file`: the file's bytes (through symlinks inside the volume).
async fn read_file(
    State(state): AppRef,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ContentResult<Response> {
    let target = target(&state, &id, &headers, &uri)?;
    let (file, len) = run(move || {
        let Target { root, path, .. } = target;
        let file = root.open_read(&path).map_err(|e| ContentError::io(&path, e))?;
        let meta = file.metadata().map_err(|e| ContentError::io(&path, e))?;
        if meta.is_dir() {
            return Err(ContentError::bad_request(format!("'{path}' is a directory")));
        }
        if !meta.is_file() {
            return Err(ContentError::bad_request(format!("'{path}' is not a regular file")));
        }
        Ok((file, meta.len()))
    })
    .await?;
    let body = body_from_blocking(Some(len), move |out| {
        let mut file = file;
        let mut buf = vec![0; CHUNK];
        loop {
            match file.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => out.write_all(&buf[..n])?,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    });
    let mut response = Response::new(body);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(response)
}

/// `PUT /volumecontent/{id}/file?uid=&gid=&mode=&force=`: 201 with the file's stat. The body
/// goes to a new file beside the destination, which replaces it once complete (a cut upload
/// leaves the old file). A new file is `user`'s with mode 0644 unless told otherwise; a replaced
/// one keeps its owner and mode unless told otherwise.
async fn write_file(State(state): AppRef, Path(id): Path<String>, request: Request) -> ContentResult<Response> {
    let (parts, body) = request.into_parts();
    let target = target(&state, &id, &parts.headers, &parts.uri)?;
    let (uid, gid, mode) =
        (uint_param(&target.params, "uid")?, uint_param(&target.params, "gid")?, uint_param(&target.params, "mode")?);
    bool_param(&target.params, "force")?;
    let runtime = Handle::current();
    let stat = run(move || {
        let Target { root, path, .. } = target;
        if path == "/" {
            return Err(ContentError::bad_request("'/' is a directory"));
        }
        let (parent, _) = paths::split_parent(&path).unwrap_or(("/", ""));
        let replaced = match root.stat(&path) {
            Ok(meta) if meta.is_dir() => return Err(ContentError::bad_request(format!("'{path}' is a directory"))),
            Ok(meta) => Some(meta),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => None,
            Err(e) => return Err(ContentError::io(&path, e)),
        };
        let pending_name = format!(
            "{}/.e2b-upload-{}",
            parent.trim_end_matches('/'),
            crate::persist::random_hex(8).map_err(|e| ContentError::io(&path, e))?
        );
        let mut pending = Pending { root: &root, path: pending_name, committed: false };
        let mut file = root.create_new(&pending.path, 0o644).map_err(|e| ContentError::io(&path, e))?;
        let (uid, gid, mode) = match &replaced {
            Some(old) => (
                uid.or(Some(isolation::sandbox_id(old.uid()))),
                gid.or(Some(isolation::sandbox_id(old.gid()))),
                mode.or(Some(old.mode() & 0o7777)),
            ),
            None => (uid, gid, mode.or(Some(0o644))),
        };
        set_owner_and_mode(&file, uid, gid, mode).map_err(|e| ContentError::io(&path, e))?;
        let mut source = BodyReader::new(Body::new(body), runtime);
        io::copy(&mut source, &mut file)
            .map_err(|e| ContentError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("writing '{path}': {e}")))?;
        root.rename(&pending.path, &path).map_err(|e| ContentError::io(&path, e))?;
        pending.committed = true;
        stat_of(&root, &path)
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &stat))
}

/// An upload's new file, removed unless it was moved into place.
struct Pending<'a> {
    root: &'a SandboxRoot,
    path: String,
    committed: bool,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = self.root.remove_all(&self.path);
        }
    }
}

// ---- Mounts at create ----

/// One entry of `volumeMounts` in a create request.
#[derive(Deserialize)]
pub struct MountRequest {
    name: String,
    path: String,
}

/// Checks a create request's `volumeMounts` as E2B does: every bad mount is reported at once,
/// `invalid mounts:\n\t- volume mount #<i>: <reason>` (400). Where this server cannot mount
/// (it does not run as root), any mount is refused as E2B refuses them where volumes are off.
pub fn check_mounts(state: &AppState, requested: Vec<MountRequest>) -> ApiResult<Vec<volumes::Mount>> {
    if requested.is_empty() {
        return Ok(Vec::new());
    }
    if !volumes::mounts_available() {
        return Err(ApiError::bad_request("Volume mounts are not enabled."));
    }
    let mut problems = Vec::new();
    let mut mounts: Vec<volumes::Mount> = Vec::new();
    for (index, request) in requested.into_iter().enumerate() {
        let Some(volume) = state.volumes.by_name(&request.name) else {
            problems.push(format!("\t- volume mount #{index}: volume '{}' not found", request.name));
            continue;
        };
        if let Some(reason) = volumes::mount_path_problem(&request.path) {
            problems.push(format!("\t- volume mount #{index}: {reason}"));
            continue;
        }
        if mounts.iter().any(|m| m.path == request.path) {
            problems.push(format!("\t- volume mount #{index}: path '{}' is already used", request.path));
            continue;
        }
        mounts.push(volumes::Mount { name: volume.name, path: request.path, volume_id: volume.volume_id });
    }
    if !problems.is_empty() {
        return Err(ApiError::bad_request(format!("invalid mounts:\n{}", problems.join("\n"))));
    }
    Ok(mounts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    struct TestApp {
        dir: tempfile::TempDir,
        app: Router,
    }

    impl TestApp {
        fn new() -> TestApp {
            let dir = tempfile::tempdir().unwrap();
            let state = AppState::for_test(dir.path());
            TestApp { dir, app: crate::router::app(Arc::new(state)) }
        }

        /// Status, raw body.
        async fn call(
            &self,
            method: &str,
            uri: &str,
            headers: &[(&str, &str)],
            body: Vec<u8>,
        ) -> (StatusCode, Vec<u8>) {
            let mut request = Request::builder().method(method).uri(uri);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let response = self.app.clone().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
            let status = response.status();
            (status, axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec())
        }

        /// A control-plane call with the API key and a JSON body.
        async fn api(&self, method: &str, uri: &str, body: Value) -> (StatusCode, Value) {
            let body = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
            let (status, bytes) = self.call(method, uri, &[("x-api-key", "e2b_test")], body).await;
            (status, serde_json::from_slice(&bytes).unwrap_or_default())
        }

        /// A content call with the volume's token.
        async fn content(&self, method: &str, uri: &str, token: &str, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
            let auth = format!("Bearer {token}");
            self.call(method, uri, &[("authorization", &auth)], body).await
        }

        async fn content_json(&self, method: &str, uri: &str, token: &str, body: Vec<u8>) -> (StatusCode, Value) {
            let (status, bytes) = self.content(method, uri, token, body).await;
            (status, serde_json::from_slice(&bytes).unwrap_or_default())
        }

        /// Creates a volume; its id and token.
        async fn volume(&self, name: &str) -> (String, String) {
            let (status, body) = self.api("POST", "/volumes", json!({ "name": name })).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            (body["volumeID"].as_str().unwrap().into(), body["token"].as_str().unwrap().into())
        }
    }

    #[tokio::test]
    async fn the_control_plane_creates_lists_gets_and_destroys() {
        let app = TestApp::new();
        let (status, body) = app.api("POST", "/volumes", json!({ "name": "data_1" })).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = body["volumeID"].as_str().unwrap().to_string();
        assert_eq!(body["name"], "data_1");
        assert!(body["token"].as_str().is_some_and(|t| !t.is_empty()));

        for bad in ["", "a b", "a/b", "dot.ted"] {
            let (status, body) = app.api("POST", "/volumes", json!({ "name": bad })).await;
            assert_eq!(
                (status, body),
                (StatusCode::BAD_REQUEST, json!({"code": 400, "message": "Invalid volume name"}))
            );
        }
        let (status, body) = app.api("POST", "/volumes", json!({ "name": "data_1" })).await;
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, json!({"code": 400, "message": "Volume with name 'data_1' already exists"}))
        );
        assert_eq!(app.api("POST", "/volumes", json!({})).await.0, StatusCode::BAD_REQUEST);

        let (other, _) = app.volume("other").await;
        let (status, list) = app.api("GET", "/volumes", Value::Null).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list, json!([{ "volumeID": id, "name": "data_1" }, { "volumeID": other, "name": "other" }]));

        let (status, info) = app.api("GET", &format!("/volumes/{id}"), Value::Null).await;
        assert_eq!((status, &info["volumeID"], &info["name"]), (StatusCode::OK, &json!(id), &json!("data_1")));
        assert!(info["token"].is_string());

        assert_eq!(app.api("DELETE", &format!("/volumes/{id}"), Value::Null).await.0, StatusCode::NO_CONTENT);
        for method in ["GET", "DELETE"] {
            let (status, body) = app.api(method, &format!("/volumes/{id}"), Value::Null).await;
            assert_eq!((status, body["code"].clone()), (StatusCode::NOT_FOUND, json!(404)), "{method}");
        }
        let (_, list) = app.api("GET", "/volumes", Value::Null).await;
        assert_eq!(list, json!([{ "volumeID": other, "name": "other" }]));
        // The API key guards the control plane.
        assert_eq!(app.call("GET", "/volumes", &[], Vec::new()).await.0, StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn mounts_at_create_are_checked_all_at_once() {
        let app = TestApp::new();
        app.volume("vol").await;
        let create = |mounts: Value| json!({ "templateID": "base", "timeout": 60, "volumeMounts": mounts });
        let (status, body) = app
            .api(
                "POST",
                "/v2/sandboxes",
                create(json!([
                    { "name": "nope", "path": "/mnt/a" },
                    { "name": "vol", "path": "relative" },
                    { "name": "vol", "path": "/mnt/../etc" },
                    { "name": "vol", "path": "" },
                    { "name": "vol", "path": "/mnt/ok" },
                    { "name": "vol", "path": "/mnt/ok" },
                ])),
            )
            .await;
        if !volumes::mounts_available() {
            assert_eq!((status, &body["message"]), (StatusCode::BAD_REQUEST, &json!("Volume mounts are not enabled.")));
            return;
        }
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body["message"],
            "invalid mounts:\n\t- volume mount #0: volume 'nope' not found\n\t- volume mount #1: path must be absolute\n\
             \t- volume mount #2: path must not contain any '.' or '..' components\n\t- volume mount #3: path cannot be \
             empty\n\t- volume mount #5: path '/mnt/ok' is already used"
        );

        let (status, created) =
            app.api("POST", "/v2/sandboxes", create(json!([{ "name": "vol", "path": "/mnt/data" }]))).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["sandboxID"].as_str().unwrap();
        let (_, detail) = app.api("GET", &format!("/sandboxes/{id}"), Value::Null).await;
        assert_eq!(detail["volumeMounts"], json!([{ "name": "vol", "path": "/mnt/data" }]));
        let (_, listed) = app.api("GET", "/v2/sandboxes", Value::Null).await;
        assert_eq!(listed[0]["volumeMounts"], json!([{ "name": "vol", "path": "/mnt/data" }]));
    }

    #[tokio::test]
    async fn the_content_api_writes_reads_lists_and_removes() {
        let app = TestApp::new();
        let (id, token) = app.volume("files").await;
        let base = format!("/volumecontent/{id}");

        let (status, stat) =
            app.content_json("PUT", &format!("{base}/file?path=/notes.txt"), &token, b"hello".to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{stat}");
        assert_eq!(
            (&stat["name"], &stat["type"], &stat["path"], &stat["size"]),
            (&json!("notes.txt"), &json!("file"), &json!("/notes.txt"), &json!(5))
        );
        assert_eq!((&stat["mode"], &stat["uid"], &stat["gid"]), (&json!(0o644), &json!(1000), &json!(1000)));
        for time in ["atime", "mtime", "ctime"] {
            assert!(stat[time].as_str().is_some_and(|t| t.ends_with('Z')), "{stat}");
        }
        let (status, bytes) = app.content("GET", &format!("{base}/file?path=notes.txt"), &token, Vec::new()).await;
        assert_eq!((status, bytes), (StatusCode::OK, b"hello".to_vec()));
        // Overwrites, keeping the mode; `mode` changes it.
        let (status, stat) =
            app.content_json("PUT", &format!("{base}/file?path=/notes.txt&mode=384"), &token, b"bye".to_vec()).await;
        assert_eq!((status, &stat["size"], &stat["mode"]), (StatusCode::CREATED, &json!(3), &json!(0o600)));

        // Folders: parents only with `force`.
        let (status, body) = app.content_json("POST", &format!("{base}/dir?path=/a/b"), &token, Vec::new()).await;
        assert_eq!((status, &body["code"]), (StatusCode::NOT_FOUND, &json!("not_found")));
        let (status, stat) =
            app.content_json("POST", &format!("{base}/dir?path=/a/b&force=true"), &token, Vec::new()).await;
        assert_eq!((status, &stat["type"], &stat["path"]), (StatusCode::CREATED, &json!("directory"), &json!("/a/b")));
        let (status, body) = app.content_json("POST", &format!("{base}/dir?path=/a"), &token, Vec::new()).await;
        assert_eq!((status, &body["code"]), (StatusCode::CONFLICT, &json!("conflict")));
        assert_eq!(
            app.content("PUT", &format!("{base}/file?path=/a/b/c.txt"), &token, b"c".to_vec()).await.0,
            StatusCode::CREATED
        );
        assert_eq!(
            app.content("PUT", &format!("{base}/file?path=/missing/c.txt"), &token, b"c".to_vec()).await.0,
            StatusCode::NOT_FOUND
        );

        let paths = |list: &Value| {
            list.as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        };
        let (status, list) = app.content_json("GET", &format!("{base}/dir?path=/"), &token, Vec::new()).await;
        assert_eq!((status, paths(&list)), (StatusCode::OK, vec!["/a".to_string(), "/notes.txt".into()]));
        let (_, list) = app.content_json("GET", &format!("{base}/dir?path=/&depth=3"), &token, Vec::new()).await;
        assert_eq!(paths(&list), ["/a", "/a/b", "/a/b/c.txt", "/notes.txt"]);
        let (status, _) = app.content_json("GET", &format!("{base}/dir?path=/notes.txt"), &token, Vec::new()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Metadata.
        let (status, stat) =
            app.content_json("PATCH", &format!("{base}/path?path=/a"), &token, br#"{"mode": 448}"#.to_vec()).await;
        assert_eq!((status, &stat["mode"]), (StatusCode::OK, &json!(0o700)));
        let (status, stat) = app.content_json("GET", &format!("{base}/path?path=/a/b/c.txt"), &token, Vec::new()).await;
        assert_eq!((status, &stat["size"]), (StatusCode::OK, &json!(1)));

        // Removal.
        assert_eq!(
            app.content("DELETE", &format!("{base}/path?path=/a"), &token, Vec::new()).await.0,
            StatusCode::NO_CONTENT
        );
        let (status, body) = app.content_json("GET", &format!("{base}/path?path=/a/b"), &token, Vec::new()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body, json!({ "code": "not_found", "message": "path '/a/b' not found" }));
        assert_eq!(
            app.content("DELETE", &format!("{base}/path?path=/a"), &token, Vec::new()).await.0,
            StatusCode::NOT_FOUND
        );

        // On disk, where the volume's folder is.
        let on_disk = app.dir.path().join("volumes").join(&id).join("data/notes.txt");
        assert_eq!(std::fs::read(on_disk).unwrap(), b"bye");
    }

    #[tokio::test]
    async fn the_content_api_needs_the_volumes_token_and_a_path() {
        let app = TestApp::new();
        let (id, token) = app.volume("one").await;
        let (other, other_token) = app.volume("two").await;
        let uri = format!("/volumecontent/{id}/path?path=/");
        let (status, body) = app.call("GET", &uri, &[], Vec::new()).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((status, &body["code"]), (StatusCode::UNAUTHORIZED, &json!("unauthorized")));
        assert_eq!(app.content("GET", &uri, &other_token, Vec::new()).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.call("GET", &uri, &[("x-api-key", "e2b_test")], Vec::new()).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.content("GET", &uri, &token, Vec::new()).await.0, StatusCode::OK);
        for missing in ["", "?path="] {
            let (status, _) =
                app.content("GET", &format!("/volumecontent/{id}/path{missing}"), &token, Vec::new()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
        }
        // A destroyed volume: its token is good, the volume is not there.
        assert_eq!(app.api("DELETE", &format!("/volumes/{other}"), Value::Null).await.0, StatusCode::NO_CONTENT);
        let uri = format!("/volumecontent/{other}/path?path=/");
        assert_eq!(app.content("GET", &uri, &other_token, Vec::new()).await.0, StatusCode::NOT_FOUND);
    }

    /// Neither `..` nor a symlink (absolute or relative) leads out of the volume's folder.
    #[tokio::test]
    async fn content_paths_stay_inside_the_volume() {
        let app = TestApp::new();
        let (id, token) = app.volume("jail").await;
        let base = format!("/volumecontent/{id}");
        let outside = app.dir.path().join("secret.txt");
        std::fs::write(&outside, "host secret").unwrap();
        let data = app.dir.path().join("volumes").join(&id).join("data");
        std::os::unix::fs::symlink(&outside, data.join("abs")).unwrap();
        std::os::unix::fs::symlink("../../../secret.txt", data.join("rel")).unwrap();
        std::os::unix::fs::symlink(app.dir.path(), data.join("dir")).unwrap();

        for path in ["/../../secret.txt", "../secret.txt", "/a/../../secret.txt"] {
            let (status, body) = app.content_json("GET", &format!("{base}/file?path={path}"), &token, Vec::new()).await;
            assert_eq!((status, &body["code"]), (StatusCode::BAD_REQUEST, &json!("bad_request")), "{path}");
        }
        for path in ["/abs", "/rel", "/dir/secret.txt"] {
            let (status, _) = app.content("GET", &format!("{base}/file?path={path}"), &token, Vec::new()).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path} must resolve inside the volume");
        }
        // Writing through a symlinked folder lands inside the volume, never beside the secret.
        let (status, _) = app.content("PUT", &format!("{base}/file?path=/dir/secret.txt"), &token, b"x".to_vec()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "host secret");
        // The link itself is reported as a link.
        let (status, stat) = app.content_json("GET", &format!("{base}/path?path=/abs"), &token, Vec::new()).await;
        assert_eq!(
            (status, &stat["type"], &stat["target"]),
            (StatusCode::OK, &json!("symlink"), &json!(outside.to_str().unwrap()))
        );
        // Removing the link leaves its target.
        assert_eq!(
            app.content("DELETE", &format!("{base}/path?path=/dir"), &token, Vec::new()).await.0,
            StatusCode::NO_CONTENT
        );
        assert!(outside.exists() && app.dir.path().join("volumes").exists());
        let (status, _) = app.content("DELETE", &format!("{base}/path?path=/"), &token, Vec::new()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

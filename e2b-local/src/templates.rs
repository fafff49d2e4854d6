//! Template builds (`POST /v3/templates`, the file uploads, `POST /v2/templates/{id}/builds/{buildID}`,
//! the build status, tags): what the SDKs' `Template` builder calls.
//!
//! A build runs for real. Its root is made as a sandbox's is ([`Rootfs`]): a copy of the
//! parent's files (a folder template, a built template or a snapshot) as the upper layer of an
//! overlay over the parent's image, in a jail of its own ([`Machine`]) with a sandbox's
//! isolation. `COPY` extracts the uploaded archive inside the jail (so nothing the build made
//! can lead the copy outside), `RUN` runs `/bin/bash -c <cmd>` as the step's user in the current
//! `WORKDIR` with the `ENV`s so far, and its output lines are the build's logs. `USER`,
//! `WORKDIR` and `ENV` are recorded: the sandboxes of the template start with them. The start
//! command, when there is one, is started at the end of the build and the ready command run
//! until it succeeds, as E2B does before it snapshots a template; then the jail ends and its
//! upper layer is kept as the template's files, next to the snapshots (a build is a template of
//! the team, as a snapshot is: `POST /v2/sandboxes {templateID: name}` starts from it, deletes
//! and tags work on it, and it survives restarts). A sandbox created from it gets the start
//! command started again and waits for the ready command.
//!
//! `fromImage` is honoured for the images e2b-local has: E2B's base image and the Debian images
//! (the base image is Debian), and E2B's code-interpreter image. Any other image fails the build
//! as an image the builder cannot pull does. Registries, the layer cache (`force`), CPU, memory
//! and disk requests are not emulated. Build statuses and logs are kept in memory only.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path as FsPath, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

use crate::error::{json_response, ApiError, ApiResult};
use crate::isolation::{Jail, Machine, User, DEFAULT_PATH};
use crate::rfc3339::{self, Micros};
use crate::rootfs::{Rootfs, CODE_INTERPRETER_TEMPLATE};
use crate::sandboxes::StoreError;
use crate::snapshots::{Draft, Name, StartConfig, DEFAULT_TAG};
use crate::{blocking, persist, AppState};

type AppRef = State<Arc<AppState>>;

/// The largest upload of build files.
const MAX_UPLOAD: usize = 1 << 30;
/// How long a ready command may take to succeed (E2B's default start timeout is longer; a
/// local build that is not ready after this is stuck).
const READY_TIMEOUT: Duration = Duration::from_secs(120);
/// The step name of the base image in logs and reasons.
const BASE_STEP: &str = "base";
/// The step name of the start and ready commands.
const FINALIZE_STEP: &str = "finalize";
/// The most log entries one status answer holds (and its default).
const MAX_LOG_LIMIT: usize = 100;

/// The builds of this server run (in memory), and the uploaded build files (on disk).
pub struct Builds {
    uploads: PathBuf,
    builds: Mutex<HashMap<String, Arc<Build>>>,
    /// Names requested whose first build has not finished: name -> template id.
    pending: Mutex<HashMap<String, String>>,
}

struct Build {
    template_id: String,
    build_id: String,
    /// The name's alias (without tag) and the tags the build gets.
    alias: String,
    tags: Vec<String>,
    state: Mutex<Progress>,
}

#[derive(Default)]
struct Progress {
    status: &'static str,
    started: bool,
    logs: Vec<LogEntry>,
    reason: Option<(String, Option<String>)>,
}

#[derive(Clone)]
struct LogEntry {
    timestamp: Micros,
    level: &'static str,
    message: String,
    step: Option<String>,
}

impl LogEntry {
    fn json(&self) -> Value {
        let mut entry =
            json!({ "timestamp": rfc3339::format(self.timestamp), "level": self.level, "message": self.message });
        if let Some(step) = &self.step {
            entry["step"] = json!(step);
        }
        entry
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Build {
    fn log(&self, step: Option<&str>, level: &'static str, message: impl Into<String>) {
        let entry =
            LogEntry { timestamp: rfc3339::now(), level, message: message.into(), step: step.map(str::to_string) };
        lock(&self.state).logs.push(entry);
    }
}

impl Builds {
    /// The builds of a server whose data folder is `data_dir` (uploads in `uploads/`).
    pub fn open(data_dir: &FsPath) -> io::Result<Builds> {
        let uploads = data_dir.join("uploads");
        fs::create_dir_all(&uploads)?;
        Ok(Builds { uploads, builds: Mutex::default(), pending: Mutex::default() })
    }

    fn get(&self, template: &str, build_id: &str) -> ApiResult<Arc<Build>> {
        let found = lock(&self.builds).get(build_id).cloned();
        found
            .filter(|b| b.template_id == template || b.alias == template)
            .ok_or_else(|| ApiError::not_found(format!("Build '{build_id}' not found")))
    }

    fn upload_path(&self, hash: &str) -> ApiResult<PathBuf> {
        let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid {
            return Err(ApiError::bad_request(format!("Invalid files hash: {hash}")));
        }
        Ok(self.uploads.join(hash.to_ascii_lowercase()))
    }
}

/// The routes of template builds that need the API key.
pub fn control_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v3/templates", post(request_build))
        .route("/templates/{template}/files/{hash}", get(file_upload_link))
        .route("/v2/templates/{template}/builds/{build}", post(start_build))
        .route("/templates/{template}/builds/{build}/status", get(build_status))
        .route("/templates/tags", post(assign_tags).delete(remove_tags))
        .route("/templates/{template}/tags", get(list_tags))
}

/// The upload URL the files link hands out (no API key: E2B's is a presigned URL).
pub fn upload_routes() -> Router<Arc<AppState>> {
    Router::new().route("/_uploads/{template}/{hash}", put(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)))
}

// ---- Requests ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BuildRequest {
    name: Option<String>,
    alias: Option<String>,
    tags: Option<Vec<String>>,
    cpu_count: Option<i64>,
    #[serde(rename = "memoryMB")]
    memory_mb: Option<i64>,
    min_free_disk_mb: Option<i64>,
}

fn parse_json<T: for<'de> Deserialize<'de>>(body: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("Error when parsing request: {e}")))
}

/// `POST /v3/templates`: 202 with the template (the name's, or a new one) and a new build.
async fn request_build(State(state): AppRef, body: Bytes) -> ApiResult<Response> {
    let request: BuildRequest = parse_json(&body)?;
    if request.cpu_count.is_some_and(|c| c < 1) {
        return Err(ApiError::bad_request("cpuCount must be at least 1"));
    }
    if request.memory_mb.is_some_and(|m| m < 128) {
        return Err(ApiError::bad_request("memoryMB must be at least 128"));
    }
    if request.min_free_disk_mb.is_some_and(|m| m < 0) {
        return Err(ApiError::bad_request("minFreeDiskMb must be at least 0"));
    }
    let raw = request.name.or(request.alias).filter(|n| !n.trim().is_empty());
    let raw = raw.ok_or_else(|| ApiError::bad_request("Name is required"))?;
    let name = Name::parse(&raw).map_err(|e| ApiError::bad_request(format!("Invalid template name: {e}")))?;
    if name.namespace.as_deref().is_some_and(|ns| ns != crate::snapshots::TEAM_SLUG) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, format!("You don't have access to namespace '{}'", raw)));
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in name.tag.iter().cloned().chain(request.tags.unwrap_or_default()) {
        let parsed = Name::parse(&format!("x:{tag}")).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let tag = parsed.tag.unwrap_or_default();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.is_empty() {
        tags.push(DEFAULT_TAG.to_string());
    }
    let alias = name.alias.clone();
    let store = state.store.clone();
    let lookup = Name { namespace: None, alias: alias.clone(), tag: None };
    let existing = blocking(move || Ok(store.builds_of(&lookup).first().map(|b| b.template_id.clone()))).await?;
    let template_id = {
        let mut pending = lock(&state.builds.pending);
        match existing.or_else(|| pending.get(&alias).cloned()) {
            Some(id) => id,
            None => {
                let id = persist::random_alphanumeric(20).map_err(|e| ApiError::internal(e.to_string()))?;
                pending.insert(alias.clone(), id.clone());
                id
            }
        }
    };
    let build_id = uuid_v4().map_err(|e| ApiError::internal(e.to_string()))?;
    let build = Arc::new(Build {
        template_id: template_id.clone(),
        build_id: build_id.clone(),
        alias: alias.clone(),
        tags: tags.clone(),
        state: Mutex::new(Progress { status: "waiting", ..Progress::default() }),
    });
    lock(&state.builds.builds).insert(build_id.clone(), build);
    let body = json!({
        "templateID": template_id,
        "buildID": build_id,
        "public": false,
        "names": [format!("{}/{alias}", crate::snapshots::TEAM_SLUG)],
        "tags": tags,
        "aliases": [alias],
    });
    Ok(json_response(StatusCode::ACCEPTED, &body))
}

/// A random version-4 UUID (E2B's build ids are UUIDs).
fn uuid_v4() -> io::Result<String> {
    let mut bytes = persist::random_bytes(16)?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]))
}

/// `GET /templates/{id}/files/{hash}`: 201 `{present, url, headers}`; the URL is this server's.
async fn file_upload_link(
    State(state): AppRef,
    headers: HeaderMap,
    Path((template, hash)): Path<(String, String)>,
) -> ApiResult<Response> {
    let path = state.builds.upload_path(&hash)?;
    let present = path.is_file();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let hash = hash.to_ascii_lowercase();
    let token = upload_token(&state, &template, &hash);
    let url = format!("http://{host}/_uploads/{}/{hash}?token={token}", percent_encode(&template));
    Ok(json_response(StatusCode::CREATED, &json!({ "present": present, "url": url, "headers": {} })))
}

fn percent_encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The token that signs the upload URL of `hash` for `template` (as a presigned URL is signed):
/// SHA-256 over the server's API key, the template and the hash.
fn upload_token(state: &AppState, template: &str, hash: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{}\n{template}\n{hash}", state.api_key));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize)]
struct UploadQuery {
    token: Option<String>,
}

/// `PUT /_uploads/{id}/{hash}?token=`: stores a build's files archive (tar, or tar.gz). The
/// token is the one the upload link gave (403 without it, as a presigned URL whose signature
/// does not match).
async fn upload(
    State(state): AppRef,
    Path((template, hash)): Path<(String, String)>,
    Query(query): Query<UploadQuery>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let hash = hash.to_ascii_lowercase();
    let expected = upload_token(&state, &template, &hash);
    let given = query.token.unwrap_or_default();
    if !crate::constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "The upload URL's signature does not match"));
    }
    let path = state.builds.upload_path(&hash)?;
    blocking(move || {
        let tmp = path.with_extension(format!("tmp-{}", persist::random_alphanumeric(8)?));
        fs::write(&tmp, &body).and_then(|()| fs::rename(&tmp, &path)).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            ApiError::internal(format!("storing the upload failed: {e}"))
        })
    })
    .await?;
    Ok(StatusCode::OK)
}

impl From<io::Error> for ApiError {
    fn from(e: io::Error) -> ApiError {
        ApiError::internal(e.to_string())
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartBody {
    from_image: Option<String>,
    from_template: Option<String>,
    #[serde(default)]
    force: bool,
    start_cmd: Option<String>,
    ready_cmd: Option<String>,
    #[serde(default)]
    steps: Vec<Step>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    args: Vec<String>,
    files_hash: Option<String>,
}

/// `POST /v2/templates/{id}/builds/{buildID}`: 202, the build runs in the background.
async fn start_build(
    State(state): AppRef,
    Path((template, build_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let build = state.builds.get(&template, &build_id)?;
    let request: StartBody = parse_json(&body)?;
    let from_image = request.from_image.clone().filter(|s| !s.is_empty());
    let from_template = request.from_template.clone().filter(|s| !s.is_empty());
    if from_image.is_some() == from_template.is_some() {
        return Err(ApiError::bad_request("Exactly one of fromImage or fromTemplate must be set"));
    }
    for (i, step) in request.steps.iter().enumerate() {
        if step.kind == "COPY" {
            let hash = step.files_hash.as_deref().unwrap_or_default();
            let path = state.builds.upload_path(hash).map_err(|_| {
                ApiError::bad_request(format!("Step {}: COPY needs the filesHash of its uploaded files", i + 1))
            })?;
            if !path.is_file() {
                return Err(ApiError::bad_request(format!(
                    "Step {}: the files of hash {hash} were not uploaded",
                    i + 1
                )));
            }
        }
    }
    {
        let mut progress = lock(&build.state);
        if progress.started {
            return Err(ApiError::conflict(format!("Build '{build_id}' was already started")));
        }
        progress.started = true;
        progress.status = "building";
    }
    let _ = request.force; // The layer cache is not emulated: every build runs every step.
    tokio::spawn(async move {
        let result = run(&state, &build, &request).await;
        let mut progress = lock(&build.state);
        match result {
            Ok(()) => progress.status = "ready",
            Err(Failure { message, step }) => {
                progress.logs.push(LogEntry {
                    timestamp: rfc3339::now(),
                    level: "error",
                    message: message.clone(),
                    step: step.clone(),
                });
                progress.status = "error";
                progress.reason = Some((message, step));
            }
        }
        drop(progress);
        lock(&state.builds.pending).remove(&build.alias);
    });
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusQuery {
    logs_offset: Option<usize>,
    limit: Option<usize>,
    level: Option<String>,
}

/// `GET /templates/{id}/builds/{buildID}/status`.
async fn build_status(
    State(state): AppRef,
    Path((template, build_id)): Path<(String, String)>,
    Query(query): Query<StatusQuery>,
) -> ApiResult<Response> {
    let build = state.builds.get(&template, &build_id)?;
    let rank = |level: &str| ["debug", "info", "warn", "error"].iter().position(|l| *l == level).unwrap_or(1);
    let min = match query.level.as_deref() {
        None | Some("") => 0,
        Some(level) if ["debug", "info", "warn", "error"].contains(&level) => rank(level),
        Some(level) => return Err(ApiError::bad_request(format!("Invalid log level: {level}"))),
    };
    let limit = query.limit.unwrap_or(MAX_LOG_LIMIT).min(MAX_LOG_LIMIT);
    let progress = lock(&build.state);
    let entries: Vec<&LogEntry> = progress
        .logs
        .iter()
        .filter(|e| rank(e.level) >= min)
        .skip(query.logs_offset.unwrap_or(0))
        .take(limit)
        .collect();
    let mut body = json!({
        "templateID": build.template_id,
        "buildID": build.build_id,
        "status": progress.status,
        "logs": entries.iter().map(|e| e.message.clone()).collect::<Vec<_>>(),
        "logEntries": entries.iter().map(|e| e.json()).collect::<Vec<_>>(),
    });
    if let Some((message, step)) = &progress.reason {
        let mut reason = json!({ "message": message });
        if let Some(step) = step {
            reason["step"] = json!(step);
        }
        body["reason"] = reason;
    }
    Ok(json_response(StatusCode::OK, &body))
}

#[derive(Deserialize)]
struct AssignBody {
    target: String,
    tags: Vec<String>,
}

/// `POST /templates/tags` `{target: "name:tag", tags}`: 201 `{tags, buildID}`.
async fn assign_tags(State(state): AppRef, body: Bytes) -> ApiResult<Response> {
    let request: AssignBody = parse_json(&body)?;
    let target = Name::parse(&request.target).map_err(|e| ApiError::bad_request(format!("Invalid target: {e}")))?;
    if request.tags.is_empty() {
        return Err(ApiError::bad_request("At least one tag is required"));
    }
    let tags = clean_tags(&request.tags)?;
    let store = state.store.clone();
    let (build, tags) = blocking(move || {
        let build = store.assign_tags(&target, &tags).map_err(|e| match e {
            StoreError::TemplateNotFound => {
                ApiError::not_found(format!("template '{}' not found", target.identifier()))
            }
            e => ApiError::internal(format!("assigning tags failed: {e:?}")),
        })?;
        Ok((build, tags))
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &json!({ "tags": tags, "buildID": build.api_build_id() })))
}

fn clean_tags(tags: &[String]) -> ApiResult<Vec<String>> {
    tags.iter()
        .map(|tag| {
            Name::parse(&format!("x:{tag}"))
                .map(|n| n.tag.unwrap_or_default())
                .map_err(|e| ApiError::bad_request(format!("Invalid tag: {e}")))
        })
        .collect()
}

#[derive(Deserialize)]
struct RemoveBody {
    name: String,
    tags: Vec<String>,
}

/// `DELETE /templates/tags` `{name, tags}`: 204.
async fn remove_tags(State(state): AppRef, body: Bytes) -> ApiResult<StatusCode> {
    let request: RemoveBody = parse_json(&body)?;
    let name = Name::parse(&request.name).map_err(|e| ApiError::bad_request(format!("Invalid name: {e}")))?;
    let tags = clean_tags(&request.tags)?;
    let store = state.store.clone();
    blocking(move || {
        if store.builds_of(&name).is_empty() {
            return Err(ApiError::not_found(format!("template '{}' not found", name.identifier())));
        }
        store.remove_tags(&name, &tags);
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /templates/{id}/tags`: 200 `[{tag, buildID, createdAt}]`.
async fn list_tags(State(state): AppRef, Path(template): Path<String>) -> ApiResult<Response> {
    let name = Name::parse(&template).map_err(|e| ApiError::bad_request(format!("Invalid template ID: {e}")))?;
    let store = state.store.clone();
    let builds = blocking(move || Ok(store.builds_of(&name))).await?;
    if builds.is_empty() {
        return Err(ApiError::not_found(format!("template '{template}' not found")));
    }
    let tags: Vec<Value> = builds
        .iter()
        .map(|b| json!({ "tag": b.tag, "buildID": b.api_build_id(), "createdAt": rfc3339::format(b.created_at) }))
        .collect();
    Ok(json_response(StatusCode::OK, &Value::Array(tags)))
}

/// Whether `alias` names a build being made (the template exists from its first request).
pub fn is_pending(state: &AppState, alias: &str) -> Option<String> {
    lock(&state.builds.pending).get(alias).cloned()
}

// ---- The build ----

/// Why a build failed, and at which step (`base`, a step's 1-based index, `finalize`).
struct Failure {
    message: String,
    step: Option<String>,
}

fn fail(step: &str, message: impl Into<String>) -> Failure {
    Failure { message: message.into(), step: Some(step.to_string()) }
}

/// The template an image is: E2B's base image and Debian's are the base image, E2B's code
/// interpreter's is `code-interpreter-v1`; `None` for an image this server does not have.
fn image_template(image: &str) -> Option<&'static str> {
    let image = image.trim().trim_start_matches("docker.io/").trim_start_matches("library/");
    let repo = image.split(['@', ':']).next().unwrap_or(image);
    match repo {
        "e2bdev/base" | "debian" => Some(crate::rootfs::BASE_TEMPLATE),
        "e2bdev/code-interpreter" => Some(CODE_INTERPRETER_TEMPLATE),
        _ => None,
    }
}

/// The build's jail and what the steps so far set.
struct Context {
    machine: Machine,
    rootfs: Arc<Rootfs>,
    user: User,
    workdir: String,
    env: BTreeMap<String, String>,
}

async fn run(state: &Arc<AppState>, build: &Arc<Build>, request: &StartBody) -> Result<(), Failure> {
    let started = Instant::now();
    let parent = match (&request.from_template, &request.from_image) {
        (Some(template), _) if !template.is_empty() => {
            build.log(Some(BASE_STEP), "info", format!("Building from template {template}"));
            template.clone()
        }
        (_, Some(image)) => {
            build.log(Some(BASE_STEP), "info", format!("FROM {image}"));
            match image_template(image) {
                Some(template) => template.to_string(),
                None => {
                    return Err(fail(
                        BASE_STEP,
                        format!(
                            "failed to pull image '{image}': the image is not available (e2b-local builds from \
                             e2bdev/base, debian and e2bdev/code-interpreter only)"
                        ),
                    ))
                }
            }
        }
        _ => return Err(fail(BASE_STEP, "no base image or template")),
    };
    let store = state.store.clone();
    let parent_name = parent.clone();
    let staged = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let staging = store.build_staging().map_err(|e| e.to_string())?;
        match store.stage_parent(&parent_name, &staging.join("fs")) {
            Ok(parent) => Ok((staging, parent)),
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                Err(match e {
                    StoreError::TemplateNotFound => format!("template '{parent_name}' not found"),
                    e => format!("copying the files of template '{parent_name}' failed: {e:?}"),
                })
            }
        }
    })
    .await
    .map_err(|e| fail(BASE_STEP, e.to_string()))?;
    let (staging, parent) = staged.map_err(|e| fail(BASE_STEP, e))?;
    let base = state.store.base().for_template(&parent.base_template_id);
    let rootfs = Arc::new(Rootfs::new(staging.clone(), base));
    let machine_id = persist::random_alphanumeric(20).map_err(|e| fail(BASE_STEP, e.to_string()))?;
    let machine = Machine::new(&machine_id, rootfs.clone(), Vec::new(), crate::egress::Mode::Open);
    let user = parent.config.user.as_deref().and_then(User::from_name).unwrap_or(User::User);
    let workdir = parent.config.workdir.clone().unwrap_or_else(|| user.home().to_string());
    let mut context = Context { machine, rootfs, user, workdir, env: parent.env_vars.clone() };
    let result = steps(build, &mut context, request, &state.builds).await;
    let Context { machine, rootfs, user, workdir, env, .. } = context;
    let ended = tokio::task::spawn_blocking(move || {
        machine.end();
        rootfs.end();
    })
    .await;
    let finish = async {
        result?;
        ended.map_err(|e| fail(FINALIZE_STEP, e.to_string()))?;
        let config = StartConfig {
            user: Some(user.name().to_string()),
            workdir: Some(workdir),
            start_cmd: request.start_cmd.clone().filter(|c| !c.is_empty()).or(parent.config.start_cmd.clone()),
            ready_cmd: request.ready_cmd.clone().filter(|c| !c.is_empty()).or(parent.config.ready_cmd.clone()),
        };
        let store = state.store.clone();
        let build = build.clone();
        let staging = staging.clone();
        let base_template_id = parent.base_template_id.clone();
        tokio::task::spawn_blocking(move || -> Result<(), String> {
            for leftover in ["work", "root"] {
                let _ = fs::remove_dir_all(staging.join(leftover));
            }
            let mut tags = build.tags.iter();
            let first = tags.next().cloned().unwrap_or_else(|| DEFAULT_TAG.to_string());
            let draft = Draft {
                name: Some(Name { namespace: None, alias: build.alias.clone(), tag: Some(first.clone()) }),
                source_sandbox_id: String::new(),
                base_template_id,
                env_vars: env,
                template_id: Some(build.template_id.clone()),
                config: Some(config),
                build_uuid: Some(build.build_id.clone()),
            };
            store.add_build(&staging, draft).map_err(|e| format!("storing the template failed: {e:?}"))?;
            let rest: Vec<String> = tags.cloned().collect();
            if !rest.is_empty() {
                let target = Name { namespace: None, alias: build.alias.clone(), tag: Some(first) };
                store.assign_tags(&target, &rest).map_err(|e| format!("tagging the template failed: {e:?}"))?;
            }
            Ok(())
        })
        .await
        .map_err(|e| fail(FINALIZE_STEP, e.to_string()))?
        .map_err(|e| fail(FINALIZE_STEP, e))
    };
    let outcome = finish.await;
    if outcome.is_err() {
        let _ = tokio::task::spawn_blocking(move || fs::remove_dir_all(&staging)).await;
    } else {
        build.log(Some(FINALIZE_STEP), "info", format!("Build finished in {:.1} s", started.elapsed().as_secs_f64()));
    }
    outcome
}

async fn steps(build: &Build, context: &mut Context, request: &StartBody, builds: &Builds) -> Result<(), Failure> {
    for (index, step) in request.steps.iter().enumerate() {
        let name = (index + 1).to_string();
        let name = name.as_str();
        build.log(
            Some(name),
            "info",
            format!("[{name}/{}] {} {}", request.steps.len(), step.kind, step.args.join(" ")),
        );
        let arg = |i: usize| step.args.get(i).map(String::as_str).filter(|a| !a.is_empty());
        match step.kind.as_str() {
            "RUN" => {
                let command = arg(0).ok_or_else(|| fail(name, "RUN needs a command"))?;
                let user = step_user(arg(1), context.user).map_err(|e| fail(name, e))?;
                let workdir = context.workdir.clone();
                let env = context.env.clone();
                let jail = context.machine.jail().await.map_err(|e| fail(name, e))?;
                let status = run_logged(&jail, build, name, command, user, &workdir, &env, None)
                    .await
                    .map_err(|e| fail(name, e))?;
                if status != 0 {
                    return Err(fail(name, format!("command '{command}' failed with exit code {status}")));
                }
            }
            "COPY" => {
                let (src, dest) = match (arg(0), arg(1)) {
                    (Some(src), Some(dest)) => (src, dest),
                    _ => return Err(fail(name, "COPY needs a source and a destination")),
                };
                let owner = step_user(arg(2).map(|u| u.split(':').next().unwrap_or(u)), context.user)
                    .map_err(|e| fail(name, e))?;
                let mode = arg(3).unwrap_or("");
                if !mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                    return Err(fail(name, format!("invalid mode: {mode}")));
                }
                let path = builds
                    .upload_path(step.files_hash.as_deref().unwrap_or_default())
                    .map_err(|e| fail(name, e.message))?;
                let archive =
                    tokio::fs::read(&path).await.map_err(|e| fail(name, format!("the files of the step: {e}")))?;
                let gzip = archive.starts_with(&[0x1f, 0x8b]);
                let dest = if dest.starts_with('/') { dest.to_string() } else { format!("{}/{dest}", context.workdir) };
                let script = format!(
                    r#"set -e
mkdirs() {{ d=$1; top=; while [ ! -e "$d" ]; do top=$d; d=$(dirname "$d"); done; mkdir -p "$1"; [ -z "$top" ] || chown -R "$OWNER:$OWNER" "$top"; }}
tmp=$(mktemp -d)
tar -x{z}f - -C "$tmp" --no-same-owner
cd "$tmp"
dest=$2
set -- $1
[ -e "$1" ] || {{ echo "COPY: no source matches" >&2; exit 1; }}
for src in "$@"; do
  if [ -d "$src" ]; then
    mkdirs "$dest"; target="$dest"; cp -a "$src"/. "$dest"/
  else
    case "$dest" in
      */) mkdirs "$dest"; target="$dest$(basename "$src")" ;;
      *) if [ -d "$dest" ]; then target="$dest/$(basename "$src")"; else mkdirs "$(dirname "$dest")"; target="$dest"; fi ;;
    esac
    cp -a "$src" "$target"
  fi
  if [ -d "$src" ]; then (cd "$src" && find . -mindepth 1) | while IFS= read -r f; do chown -h "$OWNER:$OWNER" "$target/$f"; [ -z "$MODE" ] || [ -L "$target/$f" ] || chmod "$MODE" "$target/$f"; done
  else chown -h "$OWNER:$OWNER" "$target"; [ -z "$MODE" ] || chmod "$MODE" "$target"; fi
done
rm -rf "$tmp"
"#,
                    z = if gzip { "z" } else { "" }
                );
                let mut env = BTreeMap::new();
                env.insert("OWNER".to_string(), owner.name().to_string());
                env.insert("MODE".to_string(), mode.to_string());
                let jail = context.machine.jail().await.map_err(|e| fail(name, e))?;
                let args = [src.to_string(), dest.clone()];
                let status =
                    run_script(&jail, build, name, &script, &args, &env, archive).await.map_err(|e| fail(name, e))?;
                if status != 0 {
                    return Err(fail(name, format!("copying '{src}' to '{dest}' failed")));
                }
            }
            "ENV" => {
                if step.args.len() % 2 != 0 || step.args.is_empty() {
                    return Err(fail(name, "ENV needs key and value pairs"));
                }
                for pair in step.args.chunks(2) {
                    context.env.insert(pair[0].clone(), pair[1].clone());
                }
            }
            "WORKDIR" => {
                let dir = arg(0).ok_or_else(|| fail(name, "WORKDIR needs a path"))?;
                let dir = if dir.starts_with('/') { dir.to_string() } else { format!("{}/{dir}", context.workdir) };
                let script = r#"[ -d "$1" ] || { mkdir -p "$1" && chown "$OWNER:$OWNER" "$1"; }"#;
                let mut env = BTreeMap::new();
                env.insert("OWNER".to_string(), context.user.name().to_string());
                let jail = context.machine.jail().await.map_err(|e| fail(name, e))?;
                let status = run_script(&jail, build, name, script, std::slice::from_ref(&dir), &env, Vec::new())
                    .await
                    .map_err(|e| fail(name, e))?;
                if status != 0 {
                    return Err(fail(name, format!("making the working directory '{dir}' failed")));
                }
                context.workdir = dir;
            }
            "USER" => {
                let user = arg(0).ok_or_else(|| fail(name, "USER needs a user name"))?;
                context.user = step_user(Some(user), context.user).map_err(|e| fail(name, e))?;
            }
            other => return Err(fail(name, format!("unknown step type: {other}"))),
        }
    }
    let start_cmd = request.start_cmd.as_deref().filter(|c| !c.is_empty());
    if let Some(start) = start_cmd {
        let ready = request.ready_cmd.as_deref().filter(|c| !c.is_empty());
        build.log(Some(FINALIZE_STEP), "info", format!("Starting: {start}"));
        let jail = context.machine.jail().await.map_err(|e| fail(FINALIZE_STEP, e))?;
        start_and_wait(&jail, start, ready, context.user, &context.workdir, &context.env)
            .await
            .map_err(|e| fail(FINALIZE_STEP, e))?;
        build.log(Some(FINALIZE_STEP), "info", "The start command is ready");
    }
    Ok(())
}

/// The user a step names (`user`, `root`), else `current`.
fn step_user(name: Option<&str>, current: User) -> Result<User, String> {
    match name {
        None => Ok(current),
        Some(name) => User::from_name(name)
            .ok_or_else(|| format!("unable to find user {name}: no matching entries in passwd file (e2b-local's sandboxes have the users user and root)")),
    }
}

fn shell(command: &str, args: &[String], user: User, env: &BTreeMap<String, String>) -> Command {
    let mut shell = Command::new("/bin/bash");
    shell.arg("-c").arg(command);
    if !args.is_empty() {
        shell.arg("bash").args(args);
    }
    shell.env_clear().env("PATH", DEFAULT_PATH).env("HOME", user.home());
    shell.env("USER", user.name()).env("LOGNAME", user.name()).envs(env);
    shell
}

/// Runs `command` in the jail, its output lines logged under `step`; its exit code.
#[allow(clippy::too_many_arguments)]
async fn run_logged(
    jail: &Jail,
    build: &Build,
    step: &str,
    command: &str,
    user: User,
    workdir: &str,
    env: &BTreeMap<String, String>,
    stdin: Option<Vec<u8>>,
) -> Result<i32, String> {
    let cwd = jail.open_dir(workdir).map_err(|e| format!("working directory '{workdir}': {e}"))?;
    let mut command = shell(command, &[], user, env);
    spawn_logged(jail, build, step, &mut command, user, &cwd, stdin).await
}

async fn run_script(
    jail: &Jail,
    build: &Build,
    step: &str,
    script: &str,
    args: &[String],
    env: &BTreeMap<String, String>,
    stdin: Vec<u8>,
) -> Result<i32, String> {
    let cwd = jail.open_dir("/").map_err(|e| e.to_string())?;
    let mut command = shell(script, args, User::Root, env);
    spawn_logged(jail, build, step, &mut command, User::Root, &cwd, Some(stdin)).await
}

async fn spawn_logged(
    jail: &Jail,
    build: &Build,
    step: &str,
    command: &mut Command,
    user: User,
    cwd: &fs::File,
    stdin: Option<Vec<u8>>,
) -> Result<i32, String> {
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut spawned = jail.spawn(command, user, cwd, false).map_err(|e| e.to_string())?;
    let feeder = match (stdin, spawned.child.stdin.take()) {
        (Some(bytes), Some(mut pipe)) => Some(tokio::spawn(async move {
            let _ = pipe.write_all(&bytes).await;
            let _ = pipe.shutdown().await;
        })),
        _ => None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    // Lines are logged as they come, stdout and stderr alike (E2B's build logs show both).
    let out_task = tokio::spawn(forward(spawned.child.stdout.take(), tx.clone()));
    let err_task = tokio::spawn(forward(spawned.child.stderr.take(), tx));
    while let Some(line) = rx.recv().await {
        build.log(Some(step), "info", line);
    }
    let _ = out_task.await;
    let _ = err_task.await;
    if let Some(feeder) = feeder {
        let _ = feeder.await;
    }
    let status = spawned.child.wait().await.map_err(|e| e.to_string())?;
    Ok(status.code().unwrap_or(128 + std::os::unix::process::ExitStatusExt::signal(&status).unwrap_or(0)))
}

async fn forward<R: tokio::io::AsyncRead + Unpin>(stream: Option<R>, tx: tokio::sync::mpsc::UnboundedSender<String>) {
    if let Some(stream) = stream {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let _ = tx.send(line);
        }
    }
}

/// Starts `start` in the jail (left running, its output discarded), then runs `ready` until it
/// exits with 0 (each second, for at most [`READY_TIMEOUT`]).
pub async fn start_and_wait(
    jail: &Jail,
    start: &str,
    ready: Option<&str>,
    user: User,
    workdir: &str,
    env: &BTreeMap<String, String>,
) -> Result<(), String> {
    let cwd = jail.open_dir(workdir).map_err(|e| format!("working directory '{workdir}': {e}"))?;
    let mut command = shell(start, &[], user, env);
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let mut spawned = jail.spawn(&mut command, user, &cwd, false).map_err(|e| format!("start command: {e}"))?;
    tokio::spawn(async move {
        let _ = spawned.child.wait().await;
    });
    let Some(ready) = ready else { return Ok(()) };
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        let cwd = jail.open_dir(workdir).map_err(|e| e.to_string())?;
        let mut check = shell(ready, &[], user, env);
        check.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        let mut spawned = jail.spawn(&mut check, user, &cwd, false).map_err(|e| format!("ready command: {e}"))?;
        let status = spawned.child.wait().await.map_err(|e| e.to_string())?;
        if status.success() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("the ready command '{ready}' did not succeed within {} s", READY_TIMEOUT.as_secs()));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_map_to_templates() {
        assert_eq!(image_template("e2bdev/base"), Some("base"));
        assert_eq!(image_template("e2bdev/base:latest"), Some("base"));
        assert_eq!(image_template("debian:stable"), Some("base"));
        assert_eq!(image_template("docker.io/library/debian:bookworm"), Some("base"));
        assert_eq!(image_template("e2bdev/code-interpreter:latest"), Some("code-interpreter-v1"));
        assert_eq!(image_template("python:3.12"), None);
        assert_eq!(image_template("ubuntu:22.04"), None);
    }

    #[test]
    fn build_ids_are_uuids() {
        let id = uuid_v4().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
    }
}

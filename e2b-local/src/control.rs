//! The control plane (the real `api.e2b.app`): sandbox lifecycle, v1 and v2 routes, with the
//! real server's status codes and messages. Every route but `/health` needs `X-API-KEY`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{json_response, ApiError, ApiResult};
use crate::idempotency::{self, Begin};
use crate::listing::{self, ListQuery};
use crate::query::Params;
use crate::rfc3339;
use crate::sandboxes::{
    self, NewSandbox, PauseMode, Sandbox, StoreError, BUILTIN_TEMPLATES, CLIENT_ID, ENVD_VERSION, MAX_TIMEOUT_SECS,
};
use crate::snapshots::{self, Name, Snapshot, TEAM_SLUG};
use crate::{blocking, constant_time_eq, logs, metrics, AppState};

type AppRef = State<Arc<AppState>>;

pub fn router(state: Arc<AppState>) -> Router {
    let authenticated = Router::new()
        .route("/sandboxes", post(create_v1).get(list_v1))
        .route("/v2/sandboxes", post(create_v2).get(list_v2))
        .route("/sandboxes/{id}", get(detail).delete(kill))
        .route("/sandboxes/{id}/connect", post(connect_v1))
        .route("/v2/sandboxes/{id}/connect", post(connect_v2))
        .route("/sandboxes/{id}/resume", post(resume))
        .route("/sandboxes/{id}/pause", post(pause))
        .route("/sandboxes/{id}/timeout", post(set_timeout))
        .route("/sandboxes/{id}/refreshes", post(refresh))
        .route("/sandboxes/{id}/metrics", get(metrics::sandbox_metrics))
        .route("/sandboxes/metrics", get(metrics::batch_metrics))
        .route("/sandboxes/{id}/logs", get(logs::logs_v1))
        .route("/v2/sandboxes/{id}/logs", get(logs::logs_v2))
        .route("/sandboxes/{id}/snapshots", post(create_snapshot))
        .route("/sandboxes/{id}/fork", post(fork))
        .route("/snapshots", get(list_snapshots))
        .route("/templates/{template}", delete(delete_template).fallback(unknown_route))
        .route("/templates/aliases/{alias}", get(template_alias))
        .merge(crate::volume_api::control_routes())
        .merge(crate::network_api::control_routes())
        .merge(crate::templates::control_routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), require_api_key));
    Router::new()
        .route("/health", get(|| async { StatusCode::NO_CONTENT }))
        .merge(authenticated)
        .merge(crate::volume_api::content_routes())
        .merge(crate::templates::upload_routes())
        .fallback(unknown_route)
        .method_not_allowed_fallback(|| async { ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed") })
        .with_state(state)
}

async fn require_api_key(State(state): AppRef, request: Request, next: Next) -> Response {
    match check_api_key(&state, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// `X-API-KEY` must be the server's key.
fn check_api_key(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    match headers.get("x-api-key").map(HeaderValue::as_bytes) {
        None | Some(b"") => Err(ApiError::unauthorized("authorization header is missing")),
        Some(key) if constant_time_eq(key, state.api_key.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::unauthorized(
            "Invalid API key, please visit https://e2b.dev/docs/api-key for more information.",
        )),
    }
}

/// A route this server does not have (templates, teams, ...): the key is checked first, as for
/// every route of the real API, so that no route answers without one.
async fn unknown_route(State(state): AppRef, headers: HeaderMap) -> ApiError {
    match check_api_key(&state, &headers) {
        Ok(()) => ApiError::not_found("Not found"),
        Err(e) => e,
    }
}

/// `GET /templates/aliases/{alias}` (`Template.exists` in the SDKs): every folder under
/// `templates/` is a template of this team, named by the folder; so is every built template (or
/// one whose first build runs) and every named snapshot.
async fn template_alias(State(state): AppRef, Path(alias): Path<String>) -> ApiResult<Response> {
    let store = state.store.clone();
    let name = alias.clone();
    let found = blocking(move || {
        if store.has_template(&name) {
            return Ok(Some(name));
        }
        let parsed = Name::parse(&name).ok().filter(|n| n.tag.is_none());
        Ok(parsed.and_then(|n| store.builds_of(&n).first().map(|b| b.template_id.clone())))
    })
    .await?;
    if let Some(id) = found.or_else(|| crate::templates::is_pending(&state, &alias)) {
        Ok(json_response(StatusCode::OK, &json!({ "templateID": id, "public": false })))
    } else {
        Err(ApiError::not_found(format!("template '{alias}' not found")))
    }
}

/// The `{id}` of a route: a sandbox id, optionally with a `-<clientID>` suffix (dropped).
pub(crate) struct SandboxId(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for SandboxId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let invalid = || ApiError::bad_request("Invalid sandbox ID");
        let Path(raw) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| invalid())?;
        let id = match raw.split('-').collect::<Vec<_>>()[..] {
            [id, _suffix] => id,
            _ => raw.as_str(),
        };
        sandboxes::is_valid_id(id).then(|| SandboxId(id.to_string())).ok_or_else(invalid)
    }
}

/// A request body, with the framework's rejections (too large, ...) as JSON errors.
pub(crate) struct Body(Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(request, state)
            .await
            .map(Body)
            .map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()))
    }
}

impl Body {
    /// The JSON body, or `None` when it is empty (for routes whose body is optional).
    fn json<T: DeserializeOwned>(&self) -> ApiResult<Option<T>> {
        if self.0.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&self.0).map(Some).map_err(parse_error)
    }

    /// The JSON body of a route that requires one.
    pub(crate) fn required_json<T: DeserializeOwned>(&self) -> ApiResult<T> {
        self.json()?.ok_or_else(|| ApiError::bad_request("Error when parsing request: the request body is empty"))
    }
}

fn parse_error(e: serde_json::Error) -> ApiError {
    ApiError::bad_request(format!("Error when parsing request: {e}"))
}

pub(crate) fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Sandbox \"{id}\" doesn't exist or you don't have access to it"))
}

fn store_error(id: &str, e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => not_found(id),
        StoreError::AlreadyPaused => {
            ApiError::conflict(format!("Error pausing sandbox - sandbox '{id}' is already paused"))
        }
        StoreError::AlreadyRunning => ApiError::conflict(format!("Sandbox \"{id}\" is already running")),
        StoreError::GuestUnresponsive => ApiError::conflict(format!(
            "Sandbox \"{id}\" was paused while its guest agent did not answer and cannot be resumed from its \
             memory; connect with memory: false (on_resume=\"reboot\") to boot it from its files"
        ))
        .with_error_code("sandbox_snapshot_guest_agent_unresponsive"),
        StoreError::TemplateNotFound => ApiError::internal("template not found"),
        StoreError::Io(e) => ApiError::internal(format!("Error when accessing sandbox \"{id}\": {e}")),
    }
}

/// A timeout for a sandbox that already exists (connect, resume): 0 to 24 hours.
fn check_timeout(secs: i64) -> ApiResult<i64> {
    if secs < 0 {
        return Err(ApiError::bad_request("Timeout must be greater than or equal to 0"));
    }
    check_max_timeout(secs)
}

fn check_max_timeout(secs: i64) -> ApiResult<i64> {
    if secs > MAX_TIMEOUT_SECS {
        return Err(ApiError::bad_request(format!("Timeout cannot be greater than {} hours", MAX_TIMEOUT_SECS / 3600)));
    }
    Ok(secs)
}

// ---- Response bodies ----

/// `Sandbox`: the answer to create and connect.
fn sandbox_json(s: &Sandbox) -> Value {
    let mut v = json!({
        "templateID": s.template_id,
        "sandboxID": s.sandbox_id,
        "alias": s.alias,
        "clientID": CLIENT_ID,
        "envdVersion": ENVD_VERSION,
        "trafficAccessToken": s.traffic_access_token,
        "domain": null,
    });
    if let Some(token) = &s.access_token {
        v["envdAccessToken"] = token.as_str().into();
    }
    v
}

/// `ListedSandbox`: an entry of the lists.
fn listed_json(s: &Sandbox) -> Value {
    let mut v = json!({
        "templateID": s.template_id,
        "alias": s.alias,
        "sandboxID": s.sandbox_id,
        "clientID": CLIENT_ID,
        "startedAt": rfc3339::format(s.started_at),
        "endAt": rfc3339::format(s.end_at),
        "cpuCount": s.cpu_count,
        "memoryMB": s.memory_mb,
        "diskSizeMB": s.disk_size_mb,
        "metadata": s.metadata,
        "state": s.state.as_str(),
        "envdVersion": ENVD_VERSION,
        "volumeMounts": s.volume_mounts.iter().map(|m| json!({ "name": m.name, "path": m.path })).collect::<Value>(),
    });
    // Only `true` is ever sent, as E2B does.
    if s.envd_unresponsive_at_pause {
        v["envdUnresponsiveAtPause"] = true.into();
    }
    v
}

/// `SandboxDetail`: the answer to `GET /sandboxes/{id}`.
fn detail_json(s: &Sandbox) -> Value {
    let mut v = listed_json(s);
    if let Some(token) = &s.access_token {
        v["envdAccessToken"] = token.as_str().into();
    }
    v["allowInternetAccess"] = s.allow_internet_access.into();
    v["domain"] = Value::Null;
    v["network"] = crate::egress::policy::echo(s.network.as_ref());
    v["lifecycle"] = json!({
        "autoResume": s.auto_resume,
        "onTimeout": if s.auto_pause { "pause" } else { "kill" },
    });
    if let Some(mode) = s.pause_mode {
        v["pauseMode"] = mode.as_str().into();
    }
    v
}

// ---- Create ----

#[derive(Clone, Copy, PartialEq)]
enum Version {
    V1,
    V2,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    #[serde(rename = "templateID")]
    template_id: String,
    timeout: Option<i64>,
    auto_pause: Option<bool>,
    auto_pause_memory: Option<bool>,
    auto_resume: Option<AutoResume>,
    /// v1 only: `false` makes a sandbox without an envd access token. v2 ignores it.
    secure: Option<bool>,
    #[serde(rename = "allow_internet_access")]
    allow_internet_access: Option<bool>,
    network: Option<Value>,
    metadata: Option<BTreeMap<String, String>>,
    env_vars: Option<BTreeMap<String, String>>,
    volume_mounts: Option<Vec<crate::volume_api::MountRequest>>,
}

#[derive(Deserialize)]
struct AutoResume {
    enabled: bool,
}

async fn create_v1(State(state): AppRef, body: Body) -> Response {
    create(state, Version::V1, None, body).await
}

async fn create_v2(State(state): AppRef, headers: HeaderMap, body: Body) -> Response {
    create(state, Version::V2, headers.get("idempotency-key"), body).await
}

/// Create, with `Should-Retry: false` on every failure: none of them goes away on a replay.
async fn create(state: Arc<AppState>, version: Version, key: Option<&HeaderValue>, body: Body) -> Response {
    match create_sandbox(state, version, key, body).await {
        Ok(response) => response,
        Err(e) => {
            let mut response = e.into_response();
            response.headers_mut().insert("should-retry", HeaderValue::from_static("false"));
            response
        }
    }
}

async fn create_sandbox(
    state: Arc<AppState>,
    version: Version,
    key: Option<&HeaderValue>,
    body: Body,
) -> ApiResult<Response> {
    let raw: Value = body.required_json()?;
    let request: CreateBody = serde_json::from_value(raw.clone()).map_err(parse_error)?;
    let timeout = request.timeout.unwrap_or(if version == Version::V2 { 300 } else { 15 });
    if timeout <= 0 {
        return Err(ApiError::bad_request("Timeout must be greater than 0"));
    }
    check_max_timeout(timeout)?;
    let volume_mounts = crate::volume_api::check_mounts(&state, request.volume_mounts.unwrap_or_default())?;
    let secure = version == Version::V2 || request.secure == Some(true);
    let traffic_access_token = crate::network_api::check_create(request.network.as_ref(), secure)?;
    let auto_resume = request.auto_resume.is_some_and(|a| a.enabled);
    if request.auto_pause_memory == Some(false) {
        if request.auto_pause != Some(true) {
            return Err(ApiError::bad_request("autoPauseMemory=false only applies when autoPause is true."));
        }
        if auto_resume {
            return Err(ApiError::bad_request("autoPauseMemory=false cannot be combined with autoResume."));
        }
    }
    let new = NewSandbox {
        template: request.template_id,
        timeout_secs: timeout,
        metadata: request.metadata.unwrap_or_default(),
        env_vars: request.env_vars.unwrap_or_default(),
        secure,
        auto_pause: request.auto_pause.unwrap_or(false),
        auto_pause_memory: request.auto_pause_memory.unwrap_or(true),
        auto_resume,
        allow_internet_access: request.allow_internet_access,
        network: request.network.filter(|n| !n.is_null()),
        traffic_access_token,
        volume_mounts,
    };

    let Some(key) = key else {
        return Ok(json_response(StatusCode::CREATED, &create_in_store(&state, new).await?));
    };
    let key = key.to_str().ok().filter(|k| idempotency::is_valid_key(k)).ok_or_else(|| {
        ApiError::bad_request("Invalid Idempotency-Key header: expected 1 to 255 characters of [a-z0-9-]")
    })?;
    // `Value` keeps object keys sorted, so the hash does not depend on their order.
    let hash: String = Sha256::digest(raw.to_string()).iter().map(|b| format!("{b:02x}")).collect();
    match state.idempotency.begin(key, &hash) {
        Begin::Replay(response) => Ok(json_response(StatusCode::CREATED, &response)),
        Begin::Mismatch => Err(ApiError::conflict("Idempotency key was already used with a different request body")
            .with_error_code("idempotency_request_mismatch")),
        Begin::InProgress => Err(ApiError::conflict("A request with this idempotency key is still in progress")
            .with_error_code("idempotency_in_progress")),
        Begin::Fresh => match create_in_store(&state, new).await {
            Ok(response) => {
                if let Err(e) = state.idempotency.finish(key, response.clone()) {
                    eprintln!("e2b-local: saving idempotency key failed: {e}");
                }
                Ok(json_response(StatusCode::CREATED, &response))
            }
            Err(e) => {
                state.idempotency.abandon(key);
                Err(e)
            }
        },
    }
}

async fn create_in_store(state: &Arc<AppState>, new: NewSandbox) -> ApiResult<Value> {
    let store = state.store.clone();
    let template = new.template.clone();
    let sbx = blocking(move || {
        store.create(new).map_err(|e| match e {
            StoreError::TemplateNotFound => ApiError::not_found(format!("template '{template}' not found")),
            StoreError::Io(e) => ApiError::internal(format!("Failed to create sandbox: {e}")),
            other => ApiError::internal(format!("Failed to create sandbox: {other:?}")),
        })
    })
    .await?;
    if let Some(config) = sbx.start_config.clone() {
        start_template_command(state, &sbx, config).await;
    }
    Ok(sandbox_json(&sbx))
}

/// Starts the start command of a sandbox of a built template and waits for its ready command
/// (a failure is written to the sandbox's logs; the sandbox is created all the same).
async fn start_template_command(state: &Arc<AppState>, sbx: &Sandbox, config: snapshots::StartConfig) {
    let Some(start) = config.start_cmd.filter(|c| !c.is_empty()) else { return };
    let store = state.store.clone();
    let id = sbx.sandbox_id.clone();
    let Ok(Some(target)) = blocking(move || Ok(store.envd_target(&id))).await else { return };
    let runtime = target.runtime;
    let user = runtime.default_user;
    let workdir = runtime.default_workdir.clone().unwrap_or_else(|| user.home().to_string());
    let result = match runtime.machine.jail().await {
        Ok(jail) => {
            crate::templates::start_and_wait(
                &jail,
                &start,
                config.ready_cmd.as_deref(),
                user,
                &workdir,
                &runtime.env_vars,
            )
            .await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        let message = format!("The start command of the template failed: {e}");
        state.store.journal().record(&sbx.sandbox_id, crate::logs::Level::Error, message, &[]);
    }
}

// ---- Lists ----

async fn list_v2(State(state): AppRef, uri: Uri) -> ApiResult<Response> {
    let query = ListQuery::parse_v2(&Params::parse(uri.query())?)?;
    let page = listing::select(state.store.all(), &query);
    let body: Vec<Value> = page.sandboxes.iter().map(listed_json).collect();
    let mut response = json_response(StatusCode::OK, &Value::Array(body));
    let headers = response.headers_mut();
    if let Some(token) = page.next_token.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert("x-next-token", token);
    }
    if let Some(total) = page.total_running {
        headers.insert("x-total-running", HeaderValue::from(total));
    }
    Ok(response)
}

async fn list_v1(State(state): AppRef, uri: Uri) -> ApiResult<Response> {
    let query = ListQuery::parse_v1(&Params::parse(uri.query())?)?;
    let page = listing::select(state.store.all(), &query);
    Ok(json_response(StatusCode::OK, &page.sandboxes.iter().map(listed_json).collect::<Value>()))
}

// ---- One sandbox ----

async fn detail(State(state): AppRef, SandboxId(id): SandboxId) -> ApiResult<Response> {
    let sbx = state.store.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(json_response(StatusCode::OK, &detail_json(&sbx)))
}

async fn kill(State(state): AppRef, SandboxId(id): SandboxId) -> ApiResult<StatusCode> {
    let store = state.store.clone();
    blocking(move || store.kill(&id).map_err(|e| store_error(&id, e))).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct ConnectBody {
    timeout: Option<i64>,
    /// `false` boots a sandbox paused with its memory afresh from its files.
    memory: Option<bool>,
}

async fn connect_v1(state: AppRef, id: SandboxId, body: Body) -> ApiResult<Response> {
    let request: ConnectBody = body.required_json()?;
    let timeout =
        request.timeout.ok_or_else(|| ApiError::bad_request("Error when parsing request: timeout is required"))?;
    connect(state, id, timeout, request.memory.unwrap_or(true)).await
}

async fn connect_v2(state: AppRef, id: SandboxId, body: Body) -> ApiResult<Response> {
    let request: Option<ConnectBody> = body.json()?;
    let memory = request.as_ref().and_then(|r| r.memory).unwrap_or(true);
    connect(state, id, request.and_then(|r| r.timeout).unwrap_or(300), memory).await
}

/// 200 when the sandbox was running (its timeout only extended), 201 when it was resumed;
/// `memory: false` boots a paused sandbox afresh from its files (`on_resume: reboot`).
async fn connect(State(state): AppRef, SandboxId(id): SandboxId, timeout: i64, memory: bool) -> ApiResult<Response> {
    let timeout = check_timeout(timeout)?;
    let store = state.store.clone();
    let (sbx, resumed) = blocking(move || store.connect(&id, timeout, memory).map_err(|e| store_error(&id, e))).await?;
    let status = if resumed { StatusCode::CREATED } else { StatusCode::OK };
    Ok(json_response(status, &sandbox_json(&sbx)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResumeBody {
    timeout: Option<i64>,
    auto_pause: Option<bool>,
}

/// The deprecated resume: 201 for a paused sandbox, 409 for a running one.
async fn resume(State(state): AppRef, SandboxId(id): SandboxId, body: Body) -> ApiResult<Response> {
    let request: Option<ResumeBody> = body.json()?;
    let timeout = check_timeout(request.as_ref().and_then(|r| r.timeout).unwrap_or(15))?;
    let auto_pause = request.and_then(|r| r.auto_pause);
    let store = state.store.clone();
    let sbx = blocking(move || store.resume(&id, timeout, auto_pause).map_err(|e| store_error(&id, e))).await?;
    Ok(json_response(StatusCode::CREATED, &sandbox_json(&sbx)))
}

/// How long the guest has to answer the health check made before a pause.
const PAUSE_HEALTH_LIMIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Pause options: `memory: false` keeps the files only (the processes end);
/// `requireHealthyGuest` refuses the pause when the guest does not answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PauseBody {
    memory: Option<bool>,
    require_healthy_guest: Option<bool>,
}

/// `POST /sandboxes/{id}/pause`: 204, 409 when already paused, 404 when unknown. The guest is
/// asked first (envd's health check): when it does not answer, a strict pause
/// (`requireHealthyGuest`) and a files-only one are refused with 503, the sandbox left running;
/// any other pause goes ahead and flags the sandbox `envdUnresponsiveAtPause`.
async fn pause(State(state): AppRef, SandboxId(id): SandboxId, body: Body) -> ApiResult<Response> {
    let request = body.json::<PauseBody>()?;
    let keep_memory = request.as_ref().and_then(|b| b.memory).unwrap_or(true);
    let strict = request.as_ref().and_then(|b| b.require_healthy_guest).unwrap_or(false);
    let mode = if keep_memory { PauseMode::Full } else { PauseMode::Filesystem };
    let running = state.store.get(&id).map(|sbx| sbx.state == crate::sandboxes::State::Running);
    let answers = match running {
        None => return Err(not_found(&id)),
        Some(true) => state.store.guest_answers(&id, PAUSE_HEALTH_LIMIT).await,
        // Already paused: the store answers 409.
        Some(false) => true,
    };
    if !answers && (strict || !keep_memory) {
        let message = format!("Sandbox '{id}' did not answer the health check of its guest agent; it was not paused");
        let mut response = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message).into_response();
        // A guest that does not answer now will not answer a replay a moment later.
        response.headers_mut().insert("should-retry", HeaderValue::from_static("false"));
        return Ok(response);
    }
    let store = state.store.clone();
    blocking(move || store.pause_flagged(&id, mode, !answers).map_err(|e| store_error(&id, e))).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct TimeoutBody {
    timeout: i64,
}

/// Sets the timeout to `timeout` seconds from now; negative is 0, which ends the sandbox now.
async fn set_timeout(State(state): AppRef, SandboxId(id): SandboxId, body: Body) -> ApiResult<StatusCode> {
    let secs = check_max_timeout(body.required_json::<TimeoutBody>()?.timeout.max(0))?;
    let store = state.store.clone();
    blocking(move || store.set_timeout(&id, secs).map_err(|e| store_error(&id, e))).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct RefreshBody {
    duration: Option<i64>,
}

/// Keeps the sandbox alive for `duration` seconds (default and minimum 15, at most 3600).
async fn refresh(State(state): AppRef, SandboxId(id): SandboxId, body: Body) -> ApiResult<StatusCode> {
    let duration = body.json::<RefreshBody>()?.and_then(|r| r.duration).unwrap_or(15);
    if !(0..=3600).contains(&duration) {
        return Err(ApiError::bad_request("duration must be between 0 and 3600"));
    }
    let store = state.store.clone();
    blocking(move || store.refresh(&id, duration.max(15)).map_err(|e| store_error(&id, e))).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- Snapshots and fork ----

/// `SnapshotInfo`.
fn snapshot_json(snapshot: &Snapshot) -> Value {
    json!({ "snapshotID": snapshot.snapshot_id(), "names": snapshot.names() })
}

#[derive(Deserialize)]
struct SnapshotBody {
    name: Option<String>,
    /// Whether to keep memory too: e2b-local keeps files only, whichever is asked (see
    /// `snapshots.rs`), as a sandbox from any snapshot boots afresh.
    #[serde(rename = "memory")]
    _memory: Option<bool>,
}

/// `POST /sandboxes/{id}/snapshots`: 201 `SnapshotInfo`. A paused sandbox is 404, as on E2B
/// (only running sandboxes can be snapshotted).
async fn create_snapshot(State(state): AppRef, SandboxId(id): SandboxId, body: Body) -> ApiResult<Response> {
    let request: SnapshotBody = body.required_json()?;
    let name = match request.name {
        None => None,
        Some(raw) => {
            let name = Name::parse(&raw).map_err(|e| ApiError::bad_request(format!("Invalid name: {e}")))?;
            match &name.namespace {
                Some(namespace) if namespace != TEAM_SLUG => {
                    return Err(ApiError::bad_request(format!(
                        "namespace '{namespace}' must match your team '{TEAM_SLUG}'"
                    )))
                }
                _ => Some(name),
            }
        }
    };
    let store = state.store.clone();
    let snapshot = blocking(move || {
        store.snapshot(&id, name).map_err(|e| match e {
            StoreError::NotFound => not_found(&id),
            e => {
                eprintln!("e2b-local: snapshot of sandbox {id} failed: {e:?}");
                ApiError::internal("Error creating snapshot template")
            }
        })
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &snapshot_json(&snapshot)))
}

/// `GET /snapshots?sandboxID=&name=&limit=&nextToken=`: newest first, `X-Next-Token` when
/// another page follows.
async fn list_snapshots(State(state): AppRef, uri: Uri) -> ApiResult<Response> {
    let params = Params::parse(uri.query())?;
    let limit = match params.get("limit") {
        None => snapshots::MAX_LIMIT,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (1..=snapshots::MAX_LIMIT as i64).contains(&n) => n as usize,
            Ok(_) => {
                return Err(ApiError::bad_request(format!("limit must be between 1 and {}", snapshots::MAX_LIMIT)))
            }
            Err(_) => return Err(ApiError::bad_request(format!("Invalid format for parameter limit: '{raw}'"))),
        },
    };
    let sandbox_id = match params.get("sandboxID").filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => {
            let id = raw.split('-').next().unwrap_or_default();
            if !sandboxes::is_valid_id(id) {
                return Err(ApiError::bad_request("Invalid sandbox ID"));
            }
            Some(id.to_string())
        }
    };
    let name = params
        .get("name")
        .filter(|v| !v.is_empty())
        .map(|raw| Name::parse(raw).map_err(|e| ApiError::bad_request(format!("Invalid name: {e}"))))
        .transpose()?;
    let mut query = snapshots::ListQuery::new(sandbox_id, name, limit);
    if let Some(token) = params.get("nextToken").filter(|t| !t.is_empty()) {
        if !query.after(token) {
            return Err(ApiError::bad_request("Invalid next token"));
        }
    }
    let (page, next) = state.store.list_snapshots(&query);
    let mut response = json_response(StatusCode::OK, &page.iter().map(snapshot_json).collect::<Value>());
    if let Some(token) = next.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert("x-next-token", token);
    }
    Ok(response)
}

/// `DELETE /templates/{template}` (`Sandbox.delete_snapshot`): 204 once every build of the
/// snapshot template is gone. The templates e2b-local is installed with (its folders, `base`
/// among them) are not the team's to delete: 403, as E2B answers for a public template.
async fn delete_template(State(state): AppRef, Path(raw): Path<String>) -> ApiResult<StatusCode> {
    let name = Name::parse(&raw).map_err(|e| ApiError::bad_request(format!("Invalid template ID: {e}")))?;
    let identifier = name.identifier();
    let store = state.store.clone();
    let (deleted, folder) = blocking(move || {
        let deleted = store.delete_snapshot_template(&name);
        let folder = !deleted && name.namespace.is_none() && store.has_template(&name.alias);
        Ok((deleted, folder))
    })
    .await?;
    if deleted {
        Ok(StatusCode::NO_CONTENT)
    } else if folder || BUILTIN_TEMPLATES.contains(&identifier.as_str()) {
        Err(ApiError::new(StatusCode::FORBIDDEN, format!("You don't have access to template '{identifier}'")))
    } else {
        Err(ApiError::not_found(format!("template '{identifier}' not found")))
    }
}

#[derive(Deserialize)]
struct ForkBody {
    timeout: Option<i64>,
    count: Option<i64>,
}

/// The most forks one request can make.
const MAX_FORK_COUNT: i64 = 100;

/// `POST /sandboxes/{id}/fork`: 201 with one `{"sandbox": Sandbox}` or `{"error": Error}` per
/// fork. Forks get the source's files as they are now (its processes frozen meanwhile), its
/// settings and metadata; the source keeps running, its end unchanged.
async fn fork(State(state): AppRef, SandboxId(id): SandboxId, body: Body) -> ApiResult<Response> {
    let request: Option<ForkBody> = body.json()?;
    let (timeout, count) = request.map_or((None, None), |r| (r.timeout, r.count));
    let timeout = match timeout {
        None => 15,
        Some(secs) if secs <= 0 => return Err(ApiError::bad_request("Timeout must be greater than 0")),
        Some(secs) => check_max_timeout(secs)?,
    };
    let count = count.unwrap_or(1);
    if count < 1 {
        return Err(ApiError::bad_request("Count must be at least 1"));
    }
    if count > MAX_FORK_COUNT {
        return Err(ApiError::bad_request(format!("Count cannot be greater than {MAX_FORK_COUNT}")));
    }
    let store = state.store.clone();
    let results = blocking(move || {
        store.fork(&id, count as usize, timeout).map_err(|e| match e {
            StoreError::NotFound => not_found(&id),
            StoreError::AlreadyPaused => {
                ApiError::conflict(format!("Sandbox '{id}' is paused and cannot be forked; resume it first"))
            }
            e => {
                eprintln!("e2b-local: fork of sandbox {id} failed: {e:?}");
                ApiError::internal("Error forking sandbox")
            }
        })
    })
    .await?;
    let body: Vec<Value> = results
        .into_iter()
        .map(|result| match result {
            Ok(sbx) => json!({ "sandbox": sandbox_json(&sbx) }),
            Err(e) => {
                let message = match e {
                    StoreError::Io(e) => format!("Failed to create sandbox: {e}"),
                    other => format!("Failed to create sandbox: {other:?}"),
                };
                json!({ "error": { "code": 500, "message": message } })
            }
        })
        .collect();
    Ok(json_response(StatusCode::CREATED, &Value::Array(body)))
}

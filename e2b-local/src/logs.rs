//! Sandbox logs: e2b-local's own lines about each sandbox (created, paused, resumed, timed
//! out, killed, ...), as E2B's logs endpoints serve the orchestrator's lines about a sandbox:
//! `GET /v2/sandboxes/{id}/logs` (cursor, limit, direction, minimum level, search) and the
//! deprecated `GET /sandboxes/{id}/logs` (start, limit).
//!
//! The lines live in memory: a restart of the server forgets them. A killed sandbox's lines
//! stay readable for a while (the [`MAX_ENDED`] most recently ended sandboxes).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use crate::control::{not_found, SandboxId};
use crate::error::{json_response, ApiError, ApiResult};
use crate::query::Params;
use crate::rfc3339::{self, Micros};
use crate::AppState;

/// The most lines kept per sandbox (the oldest go first).
pub const MAX_LINES: usize = 10_000;
/// How many ended sandboxes' lines are kept.
pub const MAX_ENDED: usize = 256;
/// The most lines one request returns, and the default (the API's `limit`).
pub const MAX_LIMIT: usize = 1000;
/// The longest `search` the API accepts.
pub const MAX_SEARCH: usize = 256;

/// A line's level, lowest first (the API's `LogLevel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }

    fn parse(s: &str) -> Option<Level> {
        [Level::Debug, Level::Info, Level::Warn, Level::Error].into_iter().find(|l| l.as_str() == s)
    }
}

/// One line about a sandbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub at: Micros,
    pub level: Level,
    pub message: String,
    pub fields: BTreeMap<String, String>,
}

impl Entry {
    /// `SandboxLogEntry`.
    fn to_json(&self) -> Value {
        json!({
            "timestamp": rfc3339::format(self.at),
            "level": self.level.as_str(),
            "message": self.message,
            "fields": self.fields,
        })
    }

    /// `SandboxLog` of the deprecated endpoint: the line as the logger wrote it (JSON).
    fn to_line_json(&self) -> Value {
        let mut line = serde_json::Map::new();
        line.insert("level".into(), self.level.as_str().into());
        line.insert("msg".into(), self.message.clone().into());
        for (key, value) in &self.fields {
            line.insert(key.clone(), value.clone().into());
        }
        json!({ "timestamp": rfc3339::format(self.at), "line": Value::Object(line).to_string() })
    }
}

/// The lines of every sandbox.
#[derive(Default)]
pub struct Journal {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    lines: HashMap<String, VecDeque<Entry>>,
    /// Ended sandboxes, the oldest first: their lines go when more than [`MAX_ENDED`] ended.
    ended: VecDeque<String>,
}

impl Journal {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a line about sandbox `id`, now, with `sandboxID` and `fields` as its fields.
    pub fn record(&self, id: &str, level: Level, message: impl Into<String>, fields: &[(&str, &str)]) {
        let mut all: BTreeMap<String, String> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        all.insert("sandboxID".into(), id.into());
        all.insert("logger".into(), "e2b-local".into());
        let entry = Entry { at: rfc3339::now(), level, message: message.into(), fields: all };
        let mut inner = self.lock();
        let lines = inner.lines.entry(id.to_string()).or_default();
        if lines.len() == MAX_LINES {
            lines.pop_front();
        }
        lines.push_back(entry);
    }

    /// Marks sandbox `id` as ended: its lines stay until [`MAX_ENDED`] others ended after it.
    pub fn ended(&self, id: &str) {
        let mut inner = self.lock();
        inner.ended.retain(|other| other != id);
        inner.ended.push_back(id.to_string());
        while inner.ended.len() > MAX_ENDED {
            if let Some(oldest) = inner.ended.pop_front() {
                inner.lines.remove(&oldest);
            }
        }
    }

    /// Every line kept about sandbox `id`, oldest first; `None` if there is none.
    pub fn entries(&self, id: &str) -> Option<Vec<Entry>> {
        self.lock().lines.get(id).map(|lines| lines.iter().cloned().collect())
    }
}

/// Which way the v2 endpoint reads from its cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the cursor on, oldest first.
    Forward,
    /// From the cursor back, newest first.
    Backward,
}

/// What a logs request selects.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Milliseconds since the epoch: the first line's earliest time (forward) or the last
    /// line's latest (backward); `None` is the beginning (forward) or now (backward).
    pub cursor_ms: Option<i64>,
    pub limit: usize,
    pub direction: Direction,
    /// The lowest level returned.
    pub level: Level,
    /// Only lines whose message contains this (case-sensitive).
    pub search: Option<String>,
}

impl Query {
    /// The parameters of `GET /v2/sandboxes/{id}/logs`.
    pub fn parse_v2(params: &Params) -> ApiResult<Query> {
        let direction = match params.get("direction") {
            None | Some("forward") => Direction::Forward,
            Some("backward") => Direction::Backward,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "Invalid format for parameter direction: '{other}' is not one of forward, backward"
                )))
            }
        };
        let level = match params.get("level") {
            None => Level::Debug,
            Some(raw) => Level::parse(raw).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Invalid format for parameter level: '{raw}' is not one of debug, info, warn, error"
                ))
            })?,
        };
        let search = params.get("search").filter(|s| !s.is_empty()).map(str::to_owned);
        if search.as_ref().is_some_and(|s| s.chars().count() > MAX_SEARCH) {
            return Err(ApiError::bad_request(format!("search must be at most {MAX_SEARCH} characters")));
        }
        Ok(Query { cursor_ms: non_negative(params, "cursor")?, limit: limit(params)?, direction, level, search })
    }

    /// The parameters of the deprecated `GET /sandboxes/{id}/logs`: from `start` on.
    pub fn parse_v1(params: &Params) -> ApiResult<Query> {
        Ok(Query {
            cursor_ms: non_negative(params, "start")?,
            limit: limit(params)?,
            direction: Direction::Forward,
            level: Level::Debug,
            search: None,
        })
    }

    /// The lines of `entries` (oldest first) this query selects, in its direction's order.
    pub fn select<'a>(&self, entries: &'a [Entry]) -> Vec<&'a Entry> {
        let matches =
            |e: &&Entry| e.level >= self.level && self.search.as_ref().is_none_or(|s| e.message.contains(s.as_str()));
        let at_ms = |e: &Entry| e.at.div_euclid(1000);
        match self.direction {
            Direction::Forward => entries
                .iter()
                .filter(|e| self.cursor_ms.is_none_or(|c| at_ms(e) >= c))
                .filter(matches)
                .take(self.limit)
                .collect(),
            Direction::Backward => entries
                .iter()
                .rev()
                .filter(|e| self.cursor_ms.is_none_or(|c| at_ms(e) <= c))
                .filter(matches)
                .take(self.limit)
                .collect(),
        }
    }
}

fn non_negative(params: &Params, name: &str) -> ApiResult<Option<i64>> {
    params
        .get(name)
        .map(|raw| match raw.parse::<i64>() {
            Ok(v) if v >= 0 => Ok(v),
            _ => Err(ApiError::bad_request(format!("Invalid format for parameter {name}: '{raw}'"))),
        })
        .transpose()
}

fn limit(params: &Params) -> ApiResult<usize> {
    match params.get("limit") {
        None => Ok(MAX_LIMIT),
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (0..=MAX_LIMIT as i64).contains(&n) => Ok(n as usize),
            Ok(_) => Err(ApiError::bad_request(format!("limit must be between 0 and {MAX_LIMIT}"))),
            Err(_) => Err(ApiError::bad_request(format!("Invalid format for parameter limit: '{raw}'"))),
        },
    }
}

// ---- Routes ----

type AppRef = State<Arc<AppState>>;

/// The lines of sandbox `id`, if it exists or ended recently.
fn lines_of(state: &AppState, id: &str) -> ApiResult<Vec<Entry>> {
    match state.store.journal().entries(id) {
        Some(entries) => Ok(entries),
        None if state.store.get(id).is_some() => Ok(Vec::new()),
        None => Err(not_found(id)),
    }
}

/// `GET /v2/sandboxes/{id}/logs`: `{"logs": [SandboxLogEntry]}`.
pub async fn logs_v2(State(state): AppRef, SandboxId(id): SandboxId, uri: Uri) -> ApiResult<Response> {
    let query = Query::parse_v2(&Params::parse(uri.query())?)?;
    let entries = lines_of(&state, &id)?;
    let logs: Vec<Value> = query.select(&entries).into_iter().map(Entry::to_json).collect();
    Ok(json_response(StatusCode::OK, &json!({ "logs": logs })))
}

/// `GET /sandboxes/{id}/logs` (deprecated): `{"logs": [SandboxLog], "logEntries": [SandboxLogEntry]}`.
pub async fn logs_v1(State(state): AppRef, SandboxId(id): SandboxId, uri: Uri) -> ApiResult<Response> {
    let query = Query::parse_v1(&Params::parse(uri.query())?)?;
    let entries = lines_of(&state, &id)?;
    let selected = query.select(&entries);
    let logs: Vec<Value> = selected.iter().map(|e| e.to_line_json()).collect();
    let log_entries: Vec<Value> = selected.iter().map(|e| e.to_json()).collect();
    Ok(json_response(StatusCode::OK, &json!({ "logs": logs, "logEntries": log_entries })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at_ms: i64, level: Level, message: &str) -> Entry {
        Entry { at: at_ms * 1000, level, message: message.into(), fields: BTreeMap::new() }
    }

    fn params(raw: &str) -> Params {
        Params::parse(Some(raw)).unwrap()
    }

    #[test]
    fn logs_queries_page_filter_and_search() {
        let entries = vec![
            entry(1000, Level::Info, "Sandbox created"),
            entry(2000, Level::Debug, "Timeout set"),
            entry(3000, Level::Info, "Sandbox paused"),
            entry(4000, Level::Warn, "Sandbox timed out"),
        ];
        let messages = |q: &Query| q.select(&entries).iter().map(|e| e.message.clone()).collect::<Vec<_>>();
        let all = Query::parse_v2(&params("")).unwrap();
        assert_eq!(all.limit, MAX_LIMIT);
        assert_eq!(messages(&all).len(), 4);
        let page = Query::parse_v2(&params("cursor=2000&limit=2")).unwrap();
        assert_eq!(messages(&page), ["Timeout set", "Sandbox paused"]);
        let back = Query::parse_v2(&params("cursor=3000&direction=backward&limit=2")).unwrap();
        assert_eq!(messages(&back), ["Sandbox paused", "Timeout set"]);
        let info = Query::parse_v2(&params("level=info&search=Sandbox")).unwrap();
        assert_eq!(messages(&info), ["Sandbox created", "Sandbox paused", "Sandbox timed out"]);
        let case = Query::parse_v2(&params("search=sandbox")).unwrap();
        assert!(messages(&case).is_empty(), "case-sensitive");
        assert!(messages(&Query::parse_v2(&params("limit=0")).unwrap()).is_empty());
        let v1 = Query::parse_v1(&params("start=3000")).unwrap();
        assert_eq!(messages(&v1), ["Sandbox paused", "Sandbox timed out"]);

        for bad in ["limit=1001", "limit=-1", "limit=x", "cursor=-5", "direction=up", "level=trace"] {
            let e = Query::parse_v2(&params(bad)).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{bad}");
        }
        assert!(Query::parse_v2(&params(&format!("search={}", "a".repeat(257)))).is_err());
    }

    #[test]
    fn logs_journal_keeps_bounded_lines_and_ended_sandboxes_for_a_while() {
        let journal = Journal::default();
        journal.record("a", Level::Info, "Sandbox created", &[("templateID", "base")]);
        let lines = journal.entries("a").unwrap();
        assert_eq!(lines[0].fields["templateID"], "base");
        assert_eq!(lines[0].fields["sandboxID"], "a");
        for i in 0..MAX_LINES {
            journal.record("a", Level::Debug, format!("line {i}"), &[]);
        }
        let lines = journal.entries("a").unwrap();
        assert_eq!(lines.len(), MAX_LINES);
        assert_eq!(lines[0].message, "line 0");

        journal.ended("a");
        for i in 0..MAX_ENDED {
            let id = format!("s{i}");
            journal.record(&id, Level::Info, "Sandbox killed", &[]);
            journal.ended(&id);
            if i + 1 < MAX_ENDED {
                assert!(journal.entries("a").is_some(), "kept while fewer ended after it");
            }
        }
        assert!(journal.entries("a").is_none());
        assert!(journal.entries("s0").is_some());

        let line = entry(1500, Level::Warn, "hi").to_line_json();
        assert_eq!(line["timestamp"], "1970-01-01T00:00:01.5Z");
        let parsed: Value = serde_json::from_str(line["line"].as_str().unwrap()).unwrap();
        assert_eq!((parsed["level"].as_str(), parsed["msg"].as_str()), (Some("warn"), Some("hi")));
    }

    /// Calls `uri` on a server of its own with the API key; (status, JSON body).
    async fn get(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
        use tower::ServiceExt;
        let request = axum::http::Request::builder()
            .method(if uri.starts_with("POST ") { "POST" } else { "GET" })
            .uri(uri.trim_start_matches("POST "))
            .header("x-api-key", "e2b_test")
            .body(axum::body::Body::from(if uri.starts_with("POST ") { r#"{"templateID":"base"}"# } else { "" }))
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn logs_and_metrics_routes_answer_as_the_api() {
        let dir = tempfile::tempdir().unwrap();
        let state = Arc::new(AppState::for_test(dir.path()));
        let app = crate::router::app(state.clone());
        let (status, created) = get(&app, "POST /v2/sandboxes").await;
        assert_eq!(status, StatusCode::CREATED);
        let id = created["sandboxID"].as_str().unwrap().to_string();

        // Metrics: none before the first sample; then every key of `SandboxMetric`.
        assert_eq!(get(&app, &format!("/sandboxes/{id}/metrics")).await, (StatusCode::OK, json!([])));
        let (store, metrics) = (state.store.clone(), state.metrics.clone());
        tokio::task::spawn_blocking(move || {
            crate::metrics::sample_all(&store, &metrics, 1000);
            crate::metrics::sample_all(&store, &metrics, 1005);
        })
        .await
        .unwrap();
        let (status, samples) = get(&app, &format!("/sandboxes/{id}/metrics")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(samples.as_array().unwrap().len(), 2);
        let keys: Vec<&String> = samples[0].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 9, "{keys:?}");
        assert_eq!(samples[1]["timestamp"], "1970-01-01T00:16:45Z");
        assert_eq!(samples[1]["timestampUnix"], 1005);
        let (_, later) = get(&app, &format!("/sandboxes/{id}/metrics?start=1001&end=2000")).await;
        assert_eq!(later.as_array().unwrap().len(), 1);
        assert_eq!(get(&app, &format!("/sandboxes/{id}/metrics?start=1006")).await.1, json!([]));
        for bad in ["start=x", "end=-1", "start=10&end=5"] {
            assert_eq!(get(&app, &format!("/sandboxes/{id}/metrics?{bad}")).await.0, StatusCode::BAD_REQUEST, "{bad}");
        }
        assert_eq!(get(&app, "/sandboxes/nosuchsandbox/metrics").await.0, StatusCode::NOT_FOUND);
        assert_eq!(get(&app, "/sandboxes/Bad_Id/metrics").await.0, StatusCode::BAD_REQUEST);

        // The batch form: the newest sample of each sandbox that has one.
        let (status, batch) = get(&app, &format!("/sandboxes/metrics?sandbox_ids={id},nosuchsandbox")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(batch["sandboxes"].as_object().unwrap().len(), 1);
        assert_eq!(batch["sandboxes"][&id]["timestampUnix"], 1005);
        assert_eq!(get(&app, "/sandboxes/metrics").await.0, StatusCode::BAD_REQUEST);
        let many = vec!["a"; 101].join(",");
        assert_eq!(get(&app, &format!("/sandboxes/metrics?sandbox_ids={many}")).await.0, StatusCode::BAD_REQUEST);

        // Logs: the server's lines about the sandbox, still there after it is killed.
        assert_eq!(get(&app, &format!("POST /sandboxes/{id}/pause")).await.0, StatusCode::NO_CONTENT);
        let (status, logs) = get(&app, &format!("/v2/sandboxes/{id}/logs")).await;
        assert_eq!(status, StatusCode::OK);
        let messages: Vec<&str> =
            logs["logs"].as_array().unwrap().iter().map(|l| l["message"].as_str().unwrap()).collect();
        assert_eq!(messages, ["Sandbox created from template 'base'", "Sandbox paused"]);
        assert_eq!(logs["logs"][1]["fields"]["pauseMode"], "full");
        assert_eq!(logs["logs"][1]["level"], "info");
        let (_, newest) = get(&app, &format!("/v2/sandboxes/{id}/logs?direction=backward&limit=1")).await;
        assert_eq!(newest["logs"][0]["message"], "Sandbox paused");
        let request = axum::http::Request::builder()
            .method("DELETE")
            .uri(format!("/sandboxes/{id}"))
            .header("x-api-key", "e2b_test")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(tower::ServiceExt::oneshot(app.clone(), request).await.unwrap().status(), StatusCode::NO_CONTENT);
        let (status, old) = get(&app, &format!("/sandboxes/{id}/logs?start=0&limit=10")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(old["logs"].as_array().unwrap().len(), 3);
        assert_eq!(old["logEntries"][2]["message"], "Sandbox killed");
        assert!(old["logs"][2]["line"].as_str().unwrap().contains("Sandbox killed"));
        assert_eq!(get(&app, "/v2/sandboxes/nosuchsandbox/logs").await.0, StatusCode::NOT_FOUND);
        assert_eq!(get(&app, &format!("/v2/sandboxes/{id}/logs?limit=5000")).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(get(&app, &format!("/sandboxes/{id}/metrics")).await.0, StatusCode::NOT_FOUND);
    }
}

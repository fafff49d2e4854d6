//! One listener for everything, routed the way E2B's edge proxy routes: a request addressed to a
//! sandbox port (by the `E2b-Sandbox-Id` and `E2b-Sandbox-Port` headers, or by a
//! `{port}-{id}.<domain>` host) goes to that sandbox (envd on 49983, the code interpreter on
//! 49999, any other port to a server inside the sandbox: [`crate::ports`]); everything else is
//! the control plane.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;
use tower::ServiceExt;

use crate::error::{json_response, ApiError, ApiResult};
use crate::sandboxes::is_valid_id;
use crate::{blocking, code, control, envd, AppState};

/// envd's port in every sandbox.
pub const ENVD_PORT: u64 = 49983;
/// The code interpreter's port.
pub const CODE_PORT: u64 = 49999;

struct Routes {
    state: Arc<AppState>,
    control: Router,
    envd: Router,
    code: Router,
}

pub fn app(state: Arc<AppState>) -> Router {
    let routes = Routes { control: control::router(state.clone()), envd: envd::router(), code: code::router(), state };
    Router::new().fallback(dispatch).with_state(Arc::new(routes))
}

#[derive(Debug, PartialEq)]
enum Target {
    ControlPlane,
    Sandbox { id: String, port: u64 },
}

async fn dispatch(State(routes): State<Arc<Routes>>, request: Request) -> Response {
    let (id, port) = match target(request.headers()) {
        Ok(Target::ControlPlane) => match envd::signature_check(request.method(), request.uri()) {
            None => return call(routes.control.clone(), request).await,
            Some(check) => match signer(&routes.state, check).await {
                Some(id) => (id, ENVD_PORT),
                None => return ApiError::unauthorized("invalid signature").into_response(),
            },
        },
        Ok(Target::Sandbox { id, port }) => (id, port),
        Err(e) => return e.into_response(),
    };
    let store = routes.state.store.clone();
    let lookup = id.clone();
    let Ok(Some(sandbox)) = blocking(move || Ok(store.envd_target(&lookup))).await else {
        return bad_gateway(json!({ "sandboxId": id, "message": "The sandbox was not found", "code": 502 }));
    };
    if port != ENVD_PORT {
        if let Some(refused) = crate::ports::check_traffic_token(&id, &sandbox, &request) {
            return refused;
        }
    }
    match port {
        ENVD_PORT => {
            let target =
                envd::Sandbox { fs_dir: sandbox.fs_dir, access_token: sandbox.access_token, runtime: sandbox.runtime };
            envd::serve(routes.envd.clone(), target, request).await
        }
        CODE_PORT => {
            let target = code::Target { runtime: sandbox.runtime, access_token: sandbox.access_token };
            code::serve(routes.code.clone(), target, request).await
        }
        _ => crate::ports::serve(&id, port, sandbox, request).await,
    }
}

/// The sandbox whose access token made a signed file URL's signature (see
/// [`envd::signature_check`]): signed URLs are made for E2B's per-sandbox hosts, and reach
/// e2b-local's one address without the routing headers.
async fn signer(state: &AppState, check: impl Fn(&str) -> bool + Send + 'static) -> Option<String> {
    let store = state.store.clone();
    let signer = move || {
        let signed = |sbx: &crate::sandboxes::Sandbox| sbx.access_token.as_deref().is_some_and(&check);
        Ok(store.all().into_iter().find(signed).map(|sbx| sbx.sandbox_id))
    };
    blocking(signer).await.ok().flatten()
}

async fn call(router: Router, request: Request) -> Response {
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn bad_gateway(body: serde_json::Value) -> Response {
    json_response(StatusCode::BAD_GATEWAY, &body)
}

/// Where a request goes: by the routing headers when either is present, else by the host.
fn target(headers: &HeaderMap) -> ApiResult<Target> {
    let value = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}")).filter(|v| !v.is_empty());
    let (id, port) = match (value("e2b-sandbox-id"), value("e2b-sandbox-port")) {
        (None, None) => return Ok(host_target(headers)),
        (Some(_), None) => return Err(ApiError::bad_request("Missing header: E2b-Sandbox-Port")),
        (None, Some(_)) => return Err(ApiError::bad_request("Missing header: E2b-Sandbox-Id")),
        (Some(id), Some(port)) => (id, port),
    };
    let port = port.parse().map_err(|_| ApiError::bad_request("Invalid sandbox port"))?;
    if !is_valid_id(id) {
        return Err(ApiError::bad_request("Invalid sandbox ID"));
    }
    Ok(Target::Sandbox { id: id.to_string(), port })
}

/// `49983-<id>.<domain>` is a sandbox host; anything else (`127.0.0.1:49982`, `localhost`) is
/// the control plane.
fn host_target(headers: &HeaderMap) -> Target {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let Some((label, _domain)) = host.split_once('.') else {
        return Target::ControlPlane;
    };
    let mut parts = label.split('-');
    match (parts.next(), parts.next()) {
        (Some(port), Some(id)) if is_valid_id(id) && port.bytes().all(|b| b.is_ascii_digit()) => match port.parse() {
            Ok(port) => Target::Sandbox { id: id.to_string(), port },
            Err(_) => Target::ControlPlane,
        },
        _ => Target::ControlPlane,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    fn sandbox(id: &str, port: u64) -> Target {
        Target::Sandbox { id: id.into(), port }
    }

    #[test]
    fn routes_by_headers_then_host() {
        assert_eq!(target(&headers(&[("host", "127.0.0.1:49982")])).unwrap(), Target::ControlPlane);
        assert_eq!(target(&headers(&[("host", "localhost")])).unwrap(), Target::ControlPlane);
        assert_eq!(target(&headers(&[("host", "api.e2b.app")])).unwrap(), Target::ControlPlane);
        assert_eq!(
            target(&headers(&[("e2b-sandbox-id", "abc123"), ("e2b-sandbox-port", "49983"), ("host", "127.0.0.1")]))
                .unwrap(),
            sandbox("abc123", 49983)
        );
        assert_eq!(target(&headers(&[("host", "49999-abc123.localhost:8080")])).unwrap(), sandbox("abc123", 49999));
        assert_eq!(target(&headers(&[("host", "49983-abc-suffix.e2b.app")])).unwrap(), sandbox("abc", 49983));
        assert_eq!(target(&headers(&[("host", "x-abc.e2b.app")])).unwrap(), Target::ControlPlane);
    }

    #[test]
    fn rejects_incomplete_or_bad_routing_headers() {
        let message = |pairs: &[(&'static str, &str)]| target(&headers(pairs)).unwrap_err().message;
        assert_eq!(message(&[("e2b-sandbox-id", "abc")]), "Missing header: E2b-Sandbox-Port");
        assert_eq!(message(&[("e2b-sandbox-port", "49983")]), "Missing header: E2b-Sandbox-Id");
        assert_eq!(message(&[("e2b-sandbox-id", "abc"), ("e2b-sandbox-port", "http")]), "Invalid sandbox port");
        assert_eq!(message(&[("e2b-sandbox-id", "../x"), ("e2b-sandbox-port", "49983")]), "Invalid sandbox ID");
    }

    /// The whole app over a fresh data directory, as the server runs it.
    struct TestApp {
        dir: tempfile::TempDir,
        app: Router,
    }

    impl TestApp {
        fn new() -> TestApp {
            let dir = tempfile::tempdir().unwrap();
            let state = AppState::for_test(dir.path());
            TestApp { dir, app: app(Arc::new(state)) }
        }

        async fn call(&self, method: &str, uri: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Response {
            let mut request = Request::builder().method(method).uri(uri);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            self.app.clone().oneshot(request.body(axum::body::Body::from(body)).unwrap()).await.unwrap()
        }

        async fn json(&self, method: &str, uri: &str, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
            let response = self.call(method, uri, &[("x-api-key", "e2b_test")], body.to_string().into_bytes()).await;
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            (status, serde_json::from_slice(&bytes).unwrap_or_default())
        }

        /// Creates a sandbox; returns its id and access token.
        async fn sandbox(&self) -> (String, String) {
            self.sandbox_of("base").await
        }

        /// Creates a sandbox of `template`; returns its id and access token.
        async fn sandbox_of(&self, template: &str) -> (String, String) {
            let (status, created) =
                self.json("POST", "/v2/sandboxes", json!({"templateID": template, "timeout": 300})).await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            (created["sandboxID"].as_str().unwrap().into(), created["envdAccessToken"].as_str().unwrap().into())
        }
    }

    /// The frames of a streaming body, each as it was sent.
    async fn frames(body: axum::body::Body, limit: usize) -> Vec<Vec<u8>> {
        use http_body::Body as _;
        let mut body = body;
        let mut frames = Vec::new();
        while frames.len() < limit {
            match std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
                Some(Ok(frame)) => frames.extend(frame.into_data().ok().map(|data| data.to_vec())),
                _ => break,
            }
        }
        frames
    }

    async fn error(response: Response) -> (StatusCode, serde_json::Value) {
        let status = response.status();
        let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_string();
        assert!(content_type.starts_with("application/json"), "{content_type}");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn unknown_control_plane_routes_need_the_api_key_first() {
        let app = TestApp::new();
        for path in ["/templates", "/templates/base", "/v2/templates/x/builds", "/nowhere"] {
            let (status, body) = error(app.call("GET", path, &[], Vec::new()).await).await;
            assert_eq!(
                (status, &body["message"]),
                (StatusCode::UNAUTHORIZED, &json!("authorization header is missing"))
            );
            let (status, body) = error(app.call("POST", path, &[("x-api-key", "wrong")], Vec::new()).await).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
            let (status, body) = error(app.call("GET", path, &[("x-api-key", "e2b_test")], Vec::new()).await).await;
            assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"code": 404, "message": "Not found"})));
        }
        assert_eq!(app.call("GET", "/health", &[], Vec::new()).await.status(), StatusCode::NO_CONTENT);
    }

    #[tokio::test]
    async fn a_multipart_upload_without_a_boundary_is_a_bad_request() {
        let app = TestApp::new();
        let (id, token) = app.sandbox().await;
        let headers = [
            ("e2b-sandbox-id", id.as_str()),
            ("e2b-sandbox-port", "49983"),
            ("x-access-token", token.as_str()),
            ("content-type", "multipart/form-data"),
        ];
        let response = app.call("POST", "/files?path=/home/user/a.txt", &headers, b"--x\r\n".to_vec()).await;
        let (status, body) = error(response).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::BAD_REQUEST,
                json!({"code": 400, "message": "error parsing multipart form: no multipart boundary param in Content-Type"})
            )
        );
    }

    /// An upload replaces its file whole, through a final symlink as envd writes through one,
    /// keeping the mode of the file it replaces.
    #[tokio::test]
    async fn uploads_replace_files_through_links() {
        use std::os::unix::fs::PermissionsExt;
        let app = TestApp::new();
        let (id, token) = app.sandbox().await;
        let home = app.dir.path().join("sandboxes").join(&id).join("fs/home/user");
        std::fs::create_dir(home.join("real")).unwrap();
        std::fs::write(home.join("real/target.txt"), "old").unwrap();
        std::fs::set_permissions(home.join("real/target.txt"), std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("/home/user/real/target.txt", home.join("link")).unwrap();
        let headers = [
            ("e2b-sandbox-id", id.as_str()),
            ("e2b-sandbox-port", "49983"),
            ("x-access-token", token.as_str()),
            ("content-type", "application/octet-stream"),
        ];
        let response = app.call("POST", "/files?path=/home/user/link", &headers, b"new".to_vec()).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(std::fs::symlink_metadata(home.join("link")).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(home.join("real/target.txt")).unwrap(), "new");
        let mode = std::fs::metadata(home.join("real/target.txt")).unwrap().permissions().mode();
        assert_eq!(mode & 0o7777, 0o600);
        let mut names: Vec<_> = std::fs::read_dir(home.join("real")).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["target.txt"]);
        let response = app.call("POST", "/files?path=/home/user/real", &headers, b"x".to_vec()).await;
        let (status, body) = error(response).await;
        assert_eq!(
            (status, &body["message"]),
            (StatusCode::BAD_REQUEST, &json!("path is a directory: /home/user/real"))
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn pause_freezes_a_background_counter_and_resume_continues_it() {
        if let Err(e) = crate::isolation::availability() {
            return eprintln!("skipped: {e}");
        }
        let app = TestApp::new();
        let (id, token) = app.sandbox().await;
        let start = json!({"process": {"cmd": "/bin/bash", "args": ["-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.02; done"]}, "stdin": false});
        let mut envelope = vec![0];
        envelope.extend_from_slice(&(start.to_string().len() as u32).to_be_bytes());
        envelope.extend_from_slice(start.to_string().as_bytes());
        let headers = [
            ("e2b-sandbox-id", id.as_str()),
            ("e2b-sandbox-port", "49983"),
            ("x-access-token", token.as_str()),
            ("content-type", "application/connect+json"),
        ];
        let response = app.call("POST", "/process.Process/Start", &headers, envelope).await;
        let first = frames(response.into_body(), 1).await.concat();
        let started: serde_json::Value = serde_json::from_slice(&first[5..]).unwrap();
        let pid = started["event"]["start"]["pid"].as_u64().unwrap();
        // The stream is dropped here: the process goes on without it.

        let counter = app.dir.path().join("sandboxes").join(&id).join("fs/tmp/n");
        let count = || std::fs::read_to_string(&counter).ok().and_then(|n| n.trim().parse::<u64>().ok()).unwrap_or(0);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(count() > 0);

        assert_eq!(app.json("POST", &format!("/sandboxes/{id}/pause"), json!({})).await.0, StatusCode::NO_CONTENT);
        let frozen_at = count();
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert_eq!(count(), frozen_at, "the counter does not advance while paused");

        let (status, _) = app.json("POST", &format!("/sandboxes/{id}/connect"), json!({"timeout": 300})).await;
        assert_eq!(status, StatusCode::CREATED);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let after = count();
        assert!(after > frozen_at && after < frozen_at + 100, "continued from {frozen_at}: {after}");

        let list =
            app.call("POST", "/process.Process/List", &[headers[0], headers[1], headers[2]], b"{}".to_vec()).await;
        let list: serde_json::Value =
            serde_json::from_slice(&axum::body::to_bytes(list.into_body(), usize::MAX).await.unwrap()).unwrap();
        assert_eq!(list["processes"][0]["pid"], pid, "the same process: {list}");

        assert_eq!(app.json("DELETE", &format!("/sandboxes/{id}"), json!({})).await.0, StatusCode::NO_CONTENT);
        let killed_at = count();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(count(), killed_at, "killing the sandbox ends its processes");
    }

    /// As the real server: a run queued behind another on the same context gets its headers
    /// at once, then nothing at all (no keepalive) until it starts.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_run_queued_on_a_busy_context_is_silent_until_it_starts() {
        use http_body::Body as _;
        use std::time::{Duration, Instant};
        if let Err(e) = crate::isolation::availability() {
            return eprintln!("skipped: {e}");
        }
        let app = TestApp::new();
        let (id, token) = app.sandbox_of("code-interpreter-v1").await;
        let host = format!("49999-{id}.e2b.app");
        let headers =
            [("host", host.as_str()), ("content-type", "application/json"), ("x-access-token", token.as_str())];
        // Longer than the 5 s after which a running run sends a keepalive.
        let slow = app.call("POST", "/execute", &headers, br#"{"code":"import time; time.sleep(6.5)"}"#.to_vec()).await;
        assert_eq!(slow.status(), StatusCode::OK);
        let mut slow = slow.into_body();
        let first = std::future::poll_fn(|cx| std::pin::Pin::new(&mut slow).poll_frame(cx)).await;
        let first = first.unwrap().unwrap().into_data().unwrap();
        assert!(first.starts_with(b"{\"type\": \"number_of_executions\""), "the first run started: {first:?}");
        let slow_end = tokio::spawn(frames(slow, 10));

        let queued_at = Instant::now();
        let queued = tokio::time::timeout(
            Duration::from_secs(2),
            app.call("POST", "/execute", &headers, br#"{"code":"40 + 2"}"#.to_vec()),
        )
        .await
        .expect("the headers of a queued run come at once");
        assert_eq!(queued.status(), StatusCode::OK);
        assert!(queued_at.elapsed() < Duration::from_secs(2));
        let mut queued = queued.into_body();
        let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut queued).poll_frame(cx)).await;
        let (waited, next) = (queued_at.elapsed(), next.unwrap().unwrap().into_data().unwrap());
        let slow_lines = slow_end.await.unwrap();
        assert_eq!(
            slow_lines.last().map(Vec::as_slice),
            Some(&b"{\"type\": \"end_of_execution\"}\n"[..]),
            "{slow_lines:?}"
        );
        assert!(
            slow_lines.iter().any(|l| l.as_slice() == b"{\"type\": \"keepalive\"}\n"),
            "the running run kept alive"
        );
        assert!(next.starts_with(b"{\"type\": \"number_of_executions\""), "the queued run spoke first: {next:?}");
        assert!(waited > Duration::from_secs(5), "it waited for the first run, silent past a keepalive: {waited:?}");
        let rest = frames(queued, 10).await;
        assert!(rest[0].starts_with(b"{\"type\": \"result\", \"text\": \"42\""), "{rest:?}");
        assert_eq!(app.json("DELETE", &format!("/sandboxes/{id}"), json!({})).await.0, StatusCode::NO_CONTENT);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_code_interpreter_answers_on_port_49999() {
        let app = TestApp::new();
        let (id, token) = app.sandbox_of("code-interpreter-v1").await;
        let host = format!("49999-{id}.e2b.app");
        let headers = [("host", host.as_str()), ("content-type", "application/json")];
        let health = app.call("GET", "/health", &headers, Vec::new()).await;
        assert_eq!(health.status(), StatusCode::OK);
        assert_eq!(axum::body::to_bytes(health.into_body(), 100).await.unwrap(), "\"OK\"");

        let with_token = [headers[0], headers[1], ("x-access-token", token.as_str())];
        let both =
            app.call("POST", "/execute", &with_token, br#"{"code":"1","context_id":"x","language":"python"}"#.to_vec());
        let both = both.await;
        assert_eq!(both.status(), StatusCode::BAD_REQUEST);
        assert_eq!(both.headers()[header::CONTENT_TYPE], "text/plain; charset=utf-8");
        let unknown = app.call("POST", "/execute", &with_token, br#"{"code":"1","context_id":"nope"}"#.to_vec()).await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        assert_eq!(axum::body::to_bytes(unknown.into_body(), 100).await.unwrap(), "Context nope not found");
        let no_token = app.call("POST", "/execute", &headers, br#"{"code":"1"}"#.to_vec()).await;
        assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);

        if let Err(e) = crate::isolation::availability() {
            return eprintln!("skipped running code: {e}");
        }
        let ran = app.call("POST", "/execute", &with_token, br#"{"code":"print('hi'); 1+1"}"#.to_vec()).await;
        assert_eq!(ran.status(), StatusCode::OK);
        assert!(ran.headers().get(header::CONTENT_TYPE).is_none());
        let lines: Vec<String> =
            frames(ran.into_body(), 10).await.into_iter().map(|f| String::from_utf8(f).unwrap()).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines.iter().all(|line| line.ends_with('\n') && line.matches('\n').count() == 1), "one line per chunk");
        assert_eq!(lines[0], "{\"type\": \"number_of_executions\", \"execution_count\": 1}\n");
        assert!(lines[1].starts_with("{\"type\": \"stdout\", \"text\": \"hi\\n\", \"timestamp\": "));
        assert!(lines[2].starts_with("{\"type\": \"result\", \"text\": \"2\""));
        assert_eq!(lines[3], "{\"type\": \"end_of_execution\"}\n");
        assert_eq!(app.json("DELETE", &format!("/sandboxes/{id}"), json!({})).await.0, StatusCode::NO_CONTENT);
    }
}

//! One listener for everything, routed the way E2B's edge proxy routes: a request addressed to a
//! sandbox port (by the `E2b-Sandbox-Id` and `E2b-Sandbox-Port` headers, or by a
//! `{port}-{id}.<domain>` host) goes to that sandbox; everything else is the control plane.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;
use tower::ServiceExt;

use crate::error::{json_response, ApiError, ApiResult};
use crate::sandboxes::is_valid_id;
use crate::{blocking, control, envd, AppState};

/// envd's port in every sandbox.
pub const ENVD_PORT: u64 = 49983;

struct Routes {
    state: Arc<AppState>,
    control: Router,
    envd: Router,
}

pub fn app(state: Arc<AppState>) -> Router {
    let routes = Routes { control: control::router(state.clone()), envd: envd::router(), state };
    Router::new().fallback(dispatch).with_state(Arc::new(routes))
}

#[derive(Debug, PartialEq)]
enum Target {
    ControlPlane,
    Sandbox { id: String, port: u64 },
}

async fn dispatch(State(routes): State<Arc<Routes>>, request: Request) -> Response {
    let (id, port) = match target(request.headers()) {
        Ok(Target::ControlPlane) => return call(routes.control.clone(), request).await,
        Ok(Target::Sandbox { id, port }) => (id, port),
        Err(e) => return e.into_response(),
    };
    let store = routes.state.store.clone();
    let lookup = id.clone();
    let Ok(Some(sandbox)) = blocking(move || Ok(store.envd_target(&lookup))).await else {
        return bad_gateway(json!({ "sandboxId": id, "message": "The sandbox was not found", "code": 502 }));
    };
    if port != ENVD_PORT {
        return bad_gateway(json!({
            "sandboxId": id,
            "message": "The sandbox is running but port is not open",
            "port": port.to_string(),
            "code": 502,
        }));
    }
    let sandbox = envd::Sandbox { fs_dir: sandbox.fs_dir, access_token: sandbox.access_token };
    envd::serve(routes.envd.clone(), sandbox, request).await
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
}

//! The network settings of sandboxes on the control plane: the checks of `network` at create
//! (as the real API answers), and the live update `PUT /sandboxes/{id}/network`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::put;
use axum::Router;
use serde_json::Value;

use crate::control::{not_found, Body, SandboxId};
use crate::egress::policy;
use crate::error::{ApiError, ApiResult};
use crate::sandboxes::StoreError;
use crate::{blocking, persist, AppState};

/// The API's answer to an egress proxy: the feature is not enabled for this team.
const EGRESS_PROXY_OFF: &str = "Egress proxy (network.egressProxy) is not enabled for this team.";
/// The v1 answer to a sandbox without public access and without an envd access token.
const PUBLIC_NEEDS_SECURE: &str = "You cannot create a sandbox without public access unless you enable secure \
    envd access via 'secure' flag.";

/// The authenticated control routes of network settings.
pub fn control_routes() -> Router<Arc<AppState>> {
    Router::new().route("/sandboxes/{id}/network", put(update))
}

/// Checks the `network` of a create request (`secured`: the sandbox gets an envd access token).
/// Returns the traffic access token the sandbox gets (with `allowPublicTraffic: false`).
pub fn check_create(network: Option<&Value>, secured: bool) -> ApiResult<Option<String>> {
    let Some(network) = network.filter(|n| !n.is_null()) else { return Ok(None) };
    policy::check_shape(network).map_err(|e| ApiError::bad_request(format!("Error when parsing request: {e}")))?;
    policy::validate(network).map_err(ApiError::bad_request)?;
    if network.get("egressProxy").is_some_and(|p| !p.is_null()) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, EGRESS_PROXY_OFF));
    }
    if network.get("allowPublicTraffic") != Some(&Value::Bool(false)) {
        return Ok(None);
    }
    if !secured {
        return Err(ApiError::bad_request(PUBLIC_NEEDS_SECURE));
    }
    let token = persist::random_hex(32).map_err(|e| ApiError::internal(format!("Failed to create sandbox: {e}")))?;
    Ok(Some(token))
}

/// `PUT /sandboxes/{id}/network`: replaces the sandbox's egress settings (an omitted key is
/// cleared); the ingress keys it was created with (`allowPublicTraffic`, `maskRequestHost`,
/// `httpsPorts`) are kept.
async fn update(State(state): State<Arc<AppState>>, SandboxId(id): SandboxId, body: Body) -> ApiResult<StatusCode> {
    let mut update: Value = body.required_json()?;
    let Some(fields) = update.as_object_mut() else {
        return Err(ApiError::bad_request("Error when parsing request: expected a JSON object"));
    };
    let allow_internet_access = match fields.remove("allow_internet_access") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(allow)) => Some(allow),
        Some(_) => {
            return Err(ApiError::bad_request("Error when parsing request: allow_internet_access: expected a boolean"))
        }
    };
    // Only the egress keys are part of an update.
    fields.retain(|key, _| matches!(key.as_str(), "allowOut" | "denyOut" | "dnsServers" | "egressProxy" | "rules"));
    policy::check_shape(&update).map_err(|e| ApiError::bad_request(format!("Error when parsing request: {e}")))?;
    policy::validate(&update).map_err(ApiError::bad_request)?;
    if update.get("egressProxy").is_some_and(|p| !p.is_null()) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, EGRESS_PROXY_OFF));
    }
    let sbx = state.store.get(&id).ok_or_else(|| not_found(&id))?;
    let mut network = update;
    let fields = network.as_object_mut().expect("an object");
    fields.retain(|_, value| !value.is_null());
    if let Some(created) = sbx.network.as_ref().and_then(Value::as_object) {
        for key in ["allowPublicTraffic", "maskRequestHost", "httpsPorts"] {
            if let Some(value) = created.get(key) {
                fields.insert(key.to_string(), value.clone());
            }
        }
    }
    let store = state.store.clone();
    let sandbox = id.clone();
    blocking(move || {
        store.set_network(&sandbox, allow_internet_access, network).map_err(|e| match e {
            StoreError::NotFound => not_found(&sandbox),
            e => ApiError::internal(format!("Error when updating the network of sandbox \"{sandbox}\": {e:?}")),
        })
    })
    .await?;
    state.store.apply_network(&id).await;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use serde_json::json;
    use tower::ServiceExt;

    use super::*;

    /// The app over a fresh data folder, and a call with the API key: status and JSON body.
    struct TestApp {
        _dir: tempfile::TempDir,
        app: Router,
    }

    impl TestApp {
        fn new() -> TestApp {
            let dir = tempfile::tempdir().unwrap();
            let state = AppState::for_test(dir.path());
            TestApp { _dir: dir, app: crate::router::app(Arc::new(state)) }
        }

        async fn api(&self, method: &str, uri: &str, body: Value) -> (StatusCode, Value) {
            let body = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
            let request = Request::builder().method(method).uri(uri).header("x-api-key", "e2b_test");
            let response = self.app.clone().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            (status, serde_json::from_slice(&bytes).unwrap_or_default())
        }

        async fn create(&self, body: Value) -> (StatusCode, Value) {
            let mut request = json!({"templateID": "base", "timeout": 60});
            request.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
            self.api("POST", "/v2/sandboxes", request).await
        }
    }

    #[tokio::test]
    async fn create_answers_as_the_api() {
        let app = TestApp::new();
        let cases = [
            (json!({"denyOut": ["example.com"]}), 400, "invalid denied CIDR example.com"),
            (json!({"allowOut": ["0.0.0.0"]}), 400, "invalid allowed address 0.0.0.0"),
            (json!({"allowOut": ["example.com"]}), 400, policy::DOMAINS_REQUIRE_BLOCK_ALL),
            (json!({"maskRequestHost": "a:b:c"}), 400, "mask request host is not valid: a:b:c"),
            (json!({"egressProxy": {"address": "p:1"}}), 403, EGRESS_PROXY_OFF),
        ];
        for (network, code, message) in cases {
            let (status, body) = app.create(json!({ "network": network })).await;
            assert_eq!((status.as_u16(), body), (code, json!({"code": code, "message": message})), "{network}");
        }
        let (status, body) = app.create(json!({"network": {"allowOut": 1}})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().unwrap().starts_with("Error when parsing request: "), "{body}");
        let v1 = json!({"templateID": "base", "secure": false, "network": {"allowPublicTraffic": false}});
        let (status, body) = app.api("POST", "/sandboxes", v1).await;
        assert_eq!((status, body["message"].as_str().unwrap()), (StatusCode::BAD_REQUEST, PUBLIC_NEEDS_SECURE));
    }

    #[tokio::test]
    async fn info_echoes_the_config_and_updates_replace_it() {
        let app = TestApp::new();
        let network = json!({"allowOut": ["1.2.3.4", "a.example.com"], "denyOut": ["0.0.0.0/0"],
            "dnsServers": ["1.1.1.1"], "allowPublicTraffic": false, "maskRequestHost": "x:${PORT}",
            "rules": {"a.example.com": [{"transform": {"headers": {"X-A": "b"}}}]}});
        let (status, created) = app.create(json!({"network": network, "allow_internet_access": true})).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let token = created["trafficAccessToken"].as_str().unwrap();
        assert_eq!(token.len(), 64);
        let id = created["sandboxID"].as_str().unwrap();
        let (_, info) = app.api("GET", &format!("/sandboxes/{id}"), Value::Null).await;
        assert_eq!(info["network"], network);
        assert_eq!(info["allowInternetAccess"], true);

        let uri = format!("/sandboxes/{id}/network");
        let (status, _) =
            app.api("PUT", &uri, json!({"denyOut": ["10.0.0.0/8"], "allow_internet_access": false})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, info) = app.api("GET", &format!("/sandboxes/{id}"), Value::Null).await;
        assert_eq!(
            info["network"],
            json!({"denyOut": ["10.0.0.0/8"], "allowPublicTraffic": false, "maskRequestHost": "x:${PORT}"})
        );
        assert_eq!(info["allowInternetAccess"], false);
        // Ingress keys are not part of an update; an omitted key is cleared.
        app.api("PUT", &uri, json!({"allowPublicTraffic": true, "egressProxy": null})).await;
        let (_, info) = app.api("GET", &format!("/sandboxes/{id}"), Value::Null).await;
        assert_eq!(info["network"], json!({"allowPublicTraffic": false, "maskRequestHost": "x:${PORT}"}));
        assert_eq!(info["allowInternetAccess"], Value::Null);

        let (status, body) = app.api("PUT", &uri, json!({"denyOut": ["nope"]})).await;
        assert_eq!((status, body["message"].clone()), (StatusCode::BAD_REQUEST, json!("invalid denied CIDR nope")));
        let (status, body) = app.api("PUT", &uri, json!({"egressProxy": {"address": "p:1"}})).await;
        assert_eq!((status, body["message"].clone()), (StatusCode::FORBIDDEN, json!(EGRESS_PROXY_OFF)));
        let (status, _) = app.api("PUT", &uri, Value::Null).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = app.api("PUT", "/sandboxes/aaaaaaaaaaaaaaaaaaaa/network", json!({})).await;
        assert_eq!((status, body["code"].clone()), (StatusCode::NOT_FOUND, json!(404)));
        let (status, _) = app.api("PUT", "/sandboxes/bad!id/network", json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

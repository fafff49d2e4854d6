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

//! envd, the agent inside each sandbox (port 49983): its HTTP routes behind its access-token
//! check, and its Connect-RPC services (filesystem, process).

mod auth;
mod files;
mod filesystem;
mod multipart;
pub mod process;
pub mod watch;

pub use files::signature_check;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower::ServiceExt;

use crate::error::ApiError;
use crate::sandboxes::Runtime;

pub(crate) use auth::check_access_token;

/// The sandbox a request is for, handed to the routes as a request extension.
#[derive(Clone, Debug)]
pub struct Sandbox {
    /// The sandbox's `/`.
    pub fs_dir: PathBuf,
    pub access_token: Option<String>,
    /// Its processes and jail.
    pub runtime: Arc<Runtime>,
}

pub fn router() -> Router {
    Router::new()
        .route("/health", get(|| async { StatusCode::NO_CONTENT }))
        .route("/files", get(files::download).post(files::upload))
        .merge(filesystem::router())
        .route("/process.Process/{method}", post(process::call))
        .fallback(|| async { ApiError::not_found("Not Found") })
        .method_not_allowed_fallback(|| async { ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed") })
}

/// Serves one request for a running sandbox: the token check first (as envd's middleware
/// wraps every route, unknown ones included), then the routes.
pub async fn serve(router: Router, sandbox: Sandbox, mut request: Request) -> Response {
    if !auth::is_open(request.method(), request.uri().path()) {
        if let Err(e) = auth::check_access_token(sandbox.access_token.as_deref(), request.headers()) {
            return e.into_response();
        }
    }
    request.extensions_mut().insert(sandbox);
    let has_body = request.headers().contains_key(header::TRANSFER_ENCODING)
        || request.headers().get(header::CONTENT_LENGTH).is_some_and(|len| len != "0");
    let mut response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    // An error may leave the request body unread, and then the connection cannot carry
    // another request: say so, so the client does not reuse it and lose its next request.
    if has_body && (response.status().is_client_error() || response.status().is_server_error()) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

//! A sandbox's other ports, reached as through E2B's edge proxy: a request for port P of a
//! sandbox (routed by [`crate::router`]) goes to `127.0.0.1:P` inside the sandbox's own network
//! namespace, and its answer streams back. Upgrades (WebSocket) are spliced both ways.
//!
//! As the edge does: a sandbox created with `network.allowPublicTraffic: false` answers only
//! requests that carry its traffic access token in `e2b-traffic-access-token` (403 otherwise);
//! `network.maskRequestHost` replaces the request's `Host` (`${PORT}` becomes the port); a port
//! nothing listens on answers 502 "The sandbox is running but port is not open". `httpsPorts`
//! (the edge re-encrypting to a TLS server in the sandbox) is not emulated: such ports are
//! dialled in plain TCP.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;

use crate::error::json_response;
use crate::sandboxes::EnvdTarget;

/// The header that carries the traffic access token.
pub const TRAFFIC_TOKEN_HEADER: &str = "e2b-traffic-access-token";

/// How long a connection to the port may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The edge's check on every port but envd's: a sandbox with a traffic access token answers
/// only requests that carry it. The 403 that refuses `request`, or `None` when it may pass.
pub fn check_traffic_token(id: &str, target: &EnvdTarget, request: &Request) -> Option<Response> {
    let token = target.traffic_access_token.as_deref()?;
    let message = check_token(token, request).err()?;
    Some(json_response(StatusCode::FORBIDDEN, &json!({ "sandboxId": id, "message": message, "code": 403 })))
}

/// Serves `request` for `port` of the sandbox `target` (whose id is `id`), once
/// [`check_traffic_token`] let it through.
pub async fn serve(id: &str, port: u64, target: EnvdTarget, mut request: Request) -> Response {
    let Ok(port) = u16::try_from(port) else { return not_open(id, port) };
    let Some(jail) = target.runtime.machine.running_jail().await else { return not_open(id, port.into()) };
    let stream = match tokio::time::timeout(CONNECT_TIMEOUT, jail.net().connect(port)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(_)) | Err(_) => return not_open(id, port.into()),
    };
    if let Some(mask) = target.mask_request_host.as_deref() {
        let host = mask.replace("${PORT}", &port.to_string());
        match HeaderValue::from_str(&host) {
            Ok(host) => request.headers_mut().insert(header::HOST, host),
            Err(_) => return bad_gateway(id, "The request host mask is not a valid host"),
        };
    }
    forward(id, stream, request).await
}

/// The token check of the edge: the header present, and equal to the token in constant time.
fn check_token(token: &str, request: &Request) -> Result<(), String> {
    let Some(given) = request.headers().get(TRAFFIC_TOKEN_HEADER) else {
        return Err(format!(
            "Sandbox is secured with traffic access token. Token header '{TRAFFIC_TOKEN_HEADER}' is missing"
        ));
    };
    if !constant_time_eq(given.as_bytes(), token.as_bytes()) {
        return Err(format!(
            "Sandbox is secured with traffic access token. Provided token in header '{TRAFFIC_TOKEN_HEADER}' is invalid"
        ));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Sends `request` over `stream` (HTTP/1.1) and returns the answer as it comes; a `101
/// Switching Protocols` answer joins the two upgraded connections.
async fn forward(id: &str, stream: tokio::net::TcpStream, mut request: Request) -> Response {
    let upgrade = request.headers().contains_key(header::UPGRADE).then(|| hyper::upgrade::on(&mut request));
    let (mut sender, connection) = match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
        Ok(pair) => pair,
        Err(e) => return bad_gateway(id, &format!("The sandbox's port did not answer: {e}")),
    };
    tokio::spawn(async move {
        // Ends with the connection; its errors reach the response or its body.
        let _ = connection.with_upgrades().await;
    });
    let mut response = match sender.send_request(request).await {
        Ok(response) => response,
        Err(e) => return bad_gateway(id, &format!("The sandbox's port did not answer: {e}")),
    };
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        if let Some(client_side) = upgrade {
            let sandbox_side = hyper::upgrade::on(&mut response);
            tokio::spawn(async move {
                if let (Ok(client), Ok(sandbox)) = (client_side.await, sandbox_side.await) {
                    let _ = tokio::io::copy_bidirectional(&mut TokioIo::new(client), &mut TokioIo::new(sandbox)).await;
                }
            });
        }
    }
    response.map(Body::new).into_response()
}

fn not_open(id: &str, port: u64) -> Response {
    json_response(
        StatusCode::BAD_GATEWAY,
        &json!({
            "sandboxId": id,
            "message": "The sandbox is running but port is not open",
            "port": port.to_string(),
            "code": 502,
        }),
    )
}

fn bad_gateway(id: &str, message: &str) -> Response {
    json_response(StatusCode::BAD_GATEWAY, &json!({ "sandboxId": id, "message": message, "code": 502 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        let request = |token: Option<&str>| {
            let mut builder = Request::builder();
            if let Some(token) = token {
                builder = builder.header("E2B-Traffic-Access-Token", token);
            }
            builder.body(Body::empty()).unwrap()
        };
        assert!(check_token("t0k", &request(Some("t0k"))).is_ok());
        assert!(check_token("t0k", &request(None)).unwrap_err().ends_with("is missing"));
        assert!(check_token("t0k", &request(Some("nope"))).unwrap_err().ends_with("is invalid"));
    }
}

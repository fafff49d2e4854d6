//! Network configuration against a real e2b-local: the create-time network
//! as the server stores it, its refusals as typed errors, and the live update.

mod common;

use std::time::Duration;

use common::Local;
use e2b::{
    EgressProxy, EgressProxyTls, ErrorKind, NetworkOptions, NetworkRule, NetworkUpdate, SandboxOptions, ALL_TRAFFIC,
};

/// `GET /sandboxes/{id}` as JSON, read past the typed info.
fn detail(local: &Local, sandbox_id: &str) -> serde_json::Value {
    let url = format!("{}/sandboxes/{sandbox_id}", local.server.url());
    let mut response = ureq::get(&url).header("X-API-KEY", local.server.api_key()).call().expect("GET /sandboxes/{id}");
    serde_json::from_slice(&response.body_mut().read_to_vec().unwrap()).unwrap()
}

fn options(network: NetworkOptions) -> SandboxOptions {
    SandboxOptions::default().timeout(Duration::from_secs(120)).network(network)
}

#[test]
fn the_create_time_network_reaches_the_server_key_for_key() {
    let local = Local::start();
    let network = NetworkOptions::default()
        .deny_out(ALL_TRAFFIC)
        .allow_out("127.0.0.1")
        .allow_out("example.com")
        .dns_servers(Vec::<String>::new())
        .mask_request_host("localhost:${PORT}")
        .https_port(8443)
        .rule("example.com", NetworkRule::header("X-Team", "data"));
    let sandbox = local.client.create_sandbox(&options(network)).unwrap();
    let stored = &detail(&local, sandbox.id())["network"];
    assert_eq!(stored["allowOut"], serde_json::json!(["127.0.0.1", "example.com"]), "{stored}");
    assert_eq!(stored["denyOut"], serde_json::json!([ALL_TRAFFIC]), "{stored}");
    assert_eq!(stored["dnsServers"], serde_json::json!([]), "an explicit empty list: {stored}");
    assert_eq!(stored["maskRequestHost"], "localhost:${PORT}");
    assert_eq!(stored["httpsPorts"], serde_json::json!([8443]));
    assert_eq!(stored["rules"]["example.com"][0]["transform"]["headers"]["X-Team"], "data");
    sandbox.kill().unwrap();

    // Nothing set: no dnsServers key (the server's default, 8.8.8.8).
    let sandbox = local.client.create_sandbox(&options(NetworkOptions::default().allow_out("10.0.0.1"))).unwrap();
    let stored = &detail(&local, sandbox.id())["network"];
    assert!(stored.get("dnsServers").is_none_or(serde_json::Value::is_null), "{stored}");
    sandbox.kill().unwrap();
}

#[test]
fn public_traffic_off_gives_a_traffic_access_token() {
    let local = Local::start();
    let sandbox = local.client.create_sandbox(&options(NetworkOptions::default().allow_public_traffic(false))).unwrap();
    let token = sandbox.traffic_access_token().expect("a traffic access token");
    assert!(!token.is_empty());
    assert_eq!(detail(&local, sandbox.id())["network"]["allowPublicTraffic"], false);
    let open = local.client.create_sandbox(&options(NetworkOptions::default().allow_public_traffic(true))).unwrap();
    assert_eq!(open.traffic_access_token(), None);
    assert_eq!(local.sandbox().traffic_access_token(), None);
}

#[test]
fn an_egress_proxy_the_team_does_not_have_is_permission_denied() {
    let local = Local::start();
    let proxy = EgressProxy::new("127.0.0.1:1080").credentials("u", "p").tls(EgressProxyTls::On);
    let err = local.client.create_sandbox(&options(NetworkOptions::default().egress_proxy(proxy))).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::PermissionDenied, Some(403)), "{err}");
    assert!(err.to_string().contains("Egress proxy"), "{err}");
}

/// Whether the server has `PUT /sandboxes/{id}/network`: until it does, it
/// answers 404 or 405 with no API error body, and the update tests say so and stop.
fn has_update_endpoint(local: &Local, sandbox_id: &str) -> bool {
    let url = format!("{}/sandboxes/{sandbox_id}/network", local.server.url());
    let result = ureq::put(&url)
        .header("X-API-KEY", local.server.api_key())
        .config()
        .http_status_as_error(false)
        .build()
        .content_type("application/json")
        .send("{}");
    let response = result.expect("PUT /sandboxes/{id}/network");
    let has = response.status() != 405 && response.status() != 404;
    if !has {
        eprintln!("SKIPPED: this e2b-local has no PUT /sandboxes/{{id}}/network (HTTP {})", response.status());
    }
    has
}

#[test]
fn update_network_replaces_the_egress_rules() {
    let local = Local::start();
    let sandbox = local.client.create_sandbox(&options(NetworkOptions::default().allow_out("10.0.0.1"))).unwrap();
    if !has_update_endpoint(&local, sandbox.id()) {
        return;
    }
    let update = NetworkUpdate::default().deny_out(ALL_TRAFFIC).allow_out("127.0.0.1").dns_servers(["1.1.1.1"]);
    sandbox.update_network(&update).unwrap();
    let stored = &detail(&local, sandbox.id())["network"];
    assert_eq!(stored["allowOut"], serde_json::json!(["127.0.0.1"]), "{stored}");
    assert_eq!(stored["denyOut"], serde_json::json!([ALL_TRAFFIC]), "{stored}");
    assert_eq!(stored["dnsServers"], serde_json::json!(["1.1.1.1"]), "{stored}");

    // Replace semantics: what the update leaves out is cleared; by id, through the client.
    local.client.update_network(sandbox.id(), &NetworkUpdate::default().deny_out("10.1.0.0/16")).unwrap();
    let stored = &detail(&local, sandbox.id())["network"];
    assert_eq!(stored["denyOut"], serde_json::json!(["10.1.0.0/16"]), "{stored}");
    assert!(stored.get("allowOut").is_none_or(|v| v.is_null() || v == &serde_json::json!([])), "{stored}");
    assert!(stored.get("dnsServers").is_none_or(serde_json::Value::is_null), "{stored}");
}

#[test]
fn update_network_errors_are_typed() {
    let local = Local::start();
    let sandbox = local.sandbox();
    if !has_update_endpoint(&local, sandbox.id()) {
        return;
    }
    let err = local.client.update_network("aaaaaaaaaaaaaaaaaaaa", &NetworkUpdate::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::SandboxNotFound, Some(404)), "{err}");
    let err = local.client.update_network("bad!id", &NetworkUpdate::default()).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");

    let err = sandbox.update_network(&NetworkUpdate::default().deny_out("example.com")).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");

    // A domain allowed without all traffic denied.
    let err = sandbox.update_network(&NetworkUpdate::default().allow_out("example.com")).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");

    let err = sandbox.update_network(&NetworkUpdate::default().egress_proxy(EgressProxy::new("127.0.0.1:1080")));
    let err = err.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::PermissionDenied, Some(403)), "{err}");

    sandbox.kill().unwrap();
    let err = sandbox.update_network(&NetworkUpdate::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SandboxNotFound, "{err}");
}

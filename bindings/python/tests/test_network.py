"""Network configuration with the official SDK's names and shapes: the
``network`` dict of create_sandbox as the server stores it, its refusals as
typed exceptions, and update_network (skipped while e2b-local lacks it)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

import pytest

import libe2b
from libe2b import ALL_TRAFFIC


def api(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A raw control-plane request to the e2b-local under test."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(os.environ["E2B_API_URL"].rstrip("/") + path, data=data, method=method,
                                     headers={"X-API-KEY": os.environ["E2B_API_KEY"],
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        return err.code, None


def stored_network(sandbox_id: str) -> dict[str, Any]:
    status, detail = api("GET", f"/sandboxes/{sandbox_id}")
    assert status == 200
    network: dict[str, Any] = detail["network"]
    return network


def require_update_endpoint(sandbox: libe2b.Sandbox) -> None:
    status, _ = api("PUT", f"/sandboxes/{sandbox.sandbox_id}/network", {})
    if status in (404, 405):
        pytest.skip(f"this e2b-local has no PUT /sandboxes/{{id}}/network (HTTP {status})")


def test_the_network_dict_reaches_the_server_key_for_key(client: libe2b.Client) -> None:
    network: libe2b.SandboxNetworkOpts = {
        "deny_out": lambda ctx: [ctx.all_traffic],
        "allow_out": ["127.0.0.1", "example.com"],
        "dns_servers": [],
        "rules": {
            "example.com": [{"transform": {"headers": {"X-Team": "data"}}}, {}],
            "*.example.com": [{"transform": lambda ctx: {"headers": {"X-Secret": "${e2b.secrets.tok}"}}}],
        },
        "mask_request_host": "localhost:${PORT}",
        "https_ports": [8443],
    }
    with client.create_sandbox(timeout=60, network=network) as sandbox:
        stored = stored_network(sandbox.sandbox_id)
        assert stored["allowOut"] == ["127.0.0.1", "example.com"]
        assert stored["denyOut"] == [ALL_TRAFFIC]
        assert stored["dnsServers"] == [], "an explicit empty list"
        assert stored["rules"] == {
            "example.com": [{"transform": {"headers": {"X-Team": "data"}}}, {}],
            "*.example.com": [{"transform": {"headers": {"X-Secret": "${e2b.secrets.tok}"}}}],
        }
        assert stored["maskRequestHost"] == "localhost:${PORT}"
        assert stored["httpsPorts"] == [8443]
        assert "allowPublicTraffic" not in stored
        sandbox.kill()


def test_public_traffic_off_gives_a_traffic_access_token(client: libe2b.Client, sandbox: libe2b.Sandbox) -> None:
    with client.create_sandbox(timeout=60, network={"allow_public_traffic": False}) as secured:
        assert secured.traffic_access_token
        secured.kill()
    assert sandbox.traffic_access_token is None


def test_an_egress_proxy_the_team_does_not_have_is_permission_denied(client: libe2b.Client) -> None:
    proxy: libe2b.SandboxEgressProxyOpts = {"address": "127.0.0.1:1080", "username": "u", "password": "p",
                                            "tls": {"server_name": "proxy"}}
    with pytest.raises(libe2b.PermissionDeniedException) as raised:
        client.create_sandbox(timeout=60, network={"egress_proxy": proxy})
    assert raised.value.http_status == 403
    assert "Egress proxy" in str(raised.value)


def test_bad_network_values_are_refused_before_any_request(client: libe2b.Client) -> None:
    bad: list[Any] = [
        {"egress_proxy": {"username": "u"}},
        {"egress_proxy": {"address": "p:1", "tls": {"enabled": True}}},
        {"egress_proxy": {"address": "p:1", "tls": "yes"}},
        {"rules": {"a.example.com": [{"transform": lambda ctx: "not a dict"}]}},
        {"rules": {"a.example.com": [{"transform": lambda ctx: {"headers": {"A": ctx.iam.tokens["aws"]}}}]}},
        {"https_ports": [70000]},
    ]
    for network in bad:
        with pytest.raises(libe2b.InvalidArgumentException):
            client.create_sandbox(timeout=60, network=network)


def test_update_network_replaces_the_egress_rules(client: libe2b.Client, sandbox: libe2b.Sandbox) -> None:
    require_update_endpoint(sandbox)
    sandbox.update_network({"deny_out": [ALL_TRAFFIC], "allow_out": ["127.0.0.1"], "dns_servers": ["1.1.1.1"],
                            "rules": {"a.example.com": [{"transform": lambda ctx: {
                                "headers": {"A": ctx.iam.tokens["aws"]}}}]}})
    stored = stored_network(sandbox.sandbox_id)
    assert (stored["allowOut"], stored["denyOut"], stored["dnsServers"]) == (["127.0.0.1"], [ALL_TRAFFIC], ["1.1.1.1"])
    assert stored["rules"]["a.example.com"][0]["transform"]["headers"]["A"] == "${e2b.identity.tokens.aws}"

    client.update_network(sandbox.sandbox_id, {"deny_out": ["10.1.0.0/16"]})
    stored = stored_network(sandbox.sandbox_id)
    assert stored["denyOut"] == ["10.1.0.0/16"]
    assert not stored.get("allowOut") and stored.get("dnsServers") is None, "what the update leaves out is cleared"


def test_update_network_errors(client: libe2b.Client, sandbox: libe2b.Sandbox) -> None:
    require_update_endpoint(sandbox)
    with pytest.raises(libe2b.SandboxNotFoundException):
        client.update_network("aaaaaaaaaaaaaaaaaaaa", {})
    with pytest.raises(libe2b.InvalidArgumentException) as raised:
        sandbox.update_network({"deny_out": ["example.com"]})
    assert raised.value.http_status == 400
    with pytest.raises(libe2b.PermissionDeniedException):
        sandbox.update_network({"egress_proxy": {"address": "127.0.0.1:1080"}})
    cancel = libe2b.CancelToken()
    cancel.cancel()
    with pytest.raises(libe2b.CancelledException):
        sandbox.update_network({}, cancel=cancel)

"""Network rules through the official Python SDK (e2b==2.63.0) against e2b-local:
`Sandbox.create(network=..., allow_internet_access=...)`, `update_network`, what `get_info` reports,
the API's 400/403/404 answers, and the rules enforced from inside a sandbox (curl and python run
in it) against servers in a network namespace the test makes (`network_peer.Peer`: traffic never
leaves the machine).

Enforcement needs e2b-local to run as root with nftables and iproute2 (scripts/setup.sh); the
tests that need it are skipped otherwise.
"""

import os
import shutil

import pytest

from e2b import ALL_TRAFFIC, CommandExitException, Sandbox, SandboxException, SandboxNotFoundException

from conftest import raw
from network_peer import Peer

ENFORCED = os.geteuid() == 0 and shutil.which("nft") is not None and shutil.which("ip") is not None
enforced = pytest.mark.skipif(not ENFORCED, reason="network rules need root, nft and ip")


@pytest.fixture(scope="module")
def peer():
    if not ENFORCED:
        pytest.skip("network rules need root, nft and ip")
    with Peer() as p:
        yield p


def reach(sbx, url, *curl_args):
    """The body `url` answers inside the sandbox, or None when the connection fails."""
    args = " ".join(curl_args)
    try:
        return sbx.commands.run(f"curl -sS -k --max-time 5 {args} {url}", user="root").stdout
    except CommandExitException:
        return None


UDP = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
try:
    s.sendto(b"q", (sys.argv[1], int(sys.argv[2])))
    print(s.recv(100).decode())
except OSError as e:
    print("failed", type(e).__name__)
"""


def udp(sbx, host, port=53):
    sbx.files.write("/tmp/udp.py", UDP)
    return sbx.commands.run(f"python3 /tmp/udp.py {host} {port}").stdout.strip()


# ---- The API's answers ----


@pytest.mark.parametrize(
    "network,message",
    [
        ({"deny_out": ["example.com"]}, "invalid denied CIDR example.com"),
        ({"deny_out": ["10.0.0.0/33"]}, "invalid denied CIDR 10.0.0.0/33"),
        ({"allow_out": ["0.0.0.0"]}, "invalid allowed address 0.0.0.0"),
        (
            {"allow_out": ["example.com"]},
            "When specifying allowed domains in allow out, you must include 'ALL_TRAFFIC' in deny out to block "
            "all other traffic.",
        ),
        ({"mask_request_host": "a:b:c"}, "mask request host is not valid: a:b:c"),
    ],
)
def test_create_answers_400_as_the_api(server, network, message):
    with pytest.raises(SandboxException) as e:
        Sandbox.create(network=network)
    assert str(e.value) == f"400: {message}"
    assert e.value.status_code == 400


def test_egress_proxy_is_not_enabled(server):
    with pytest.raises(SandboxException) as e:
        Sandbox.create(network={"egress_proxy": {"address": "proxy.example.com:1080"}})
    assert str(e.value) == "403: Egress proxy (network.egressProxy) is not enabled for this team."


def test_public_traffic_off_needs_a_secured_sandbox_and_gives_a_token(server):
    body = {"templateID": "base", "network": {"allowPublicTraffic": False}}
    v1 = raw(server, "POST", "/sandboxes", json={**body, "secure": False})
    assert v1.status_code == 400
    assert v1.json()["message"] == (
        "You cannot create a sandbox without public access unless you enable secure envd access via 'secure' flag."
    )
    sbx = Sandbox.create(network={"allow_public_traffic": False})
    try:
        assert isinstance(sbx.traffic_access_token, str) and len(sbx.traffic_access_token) >= 32
        assert sbx.get_info().network["allow_public_traffic"] is False
        # Ingress settings survive an update, which only replaces egress.
        sbx.update_network({"deny_out": ["10.0.0.0/8"]})
        detail = raw(server, "GET", f"/sandboxes/{sbx.sandbox_id}").json()
        assert detail["network"] == {"allowPublicTraffic": False, "denyOut": ["10.0.0.0/8"]}
    finally:
        sbx.kill()
    assert Sandbox.create().traffic_access_token is None


def test_info_echoes_the_stored_config_and_updates_replace_it(server):
    network = {"allow_out": ["10.1.2.3", "api.example.com"], "deny_out": [ALL_TRAFFIC], "dns_servers": ["10.1.1.1"],
               "rules": {"api.example.com": [{"transform": {"headers": {"X-A": "b"}}}]}}
    sbx = Sandbox.create(network=network, allow_internet_access=True)
    try:
        info = sbx.get_info()
        assert info.network["allow_out"] == ["10.1.2.3", "api.example.com"]
        assert info.network["deny_out"] == [ALL_TRAFFIC]
        assert info.network["dns_servers"] == ["10.1.1.1"]
        detail = raw(server, "GET", f"/sandboxes/{sbx.sandbox_id}").json()
        assert detail["allowInternetAccess"] is True
        assert detail["network"]["rules"] == {"api.example.com": [{"transform": {"headers": {"X-A": "b"}}}]}

        sbx.update_network({"deny_out": ["10.9.0.0/16"], "allow_internet_access": False})
        detail = raw(server, "GET", f"/sandboxes/{sbx.sandbox_id}").json()
        assert detail["network"] == {"denyOut": ["10.9.0.0/16"]}
        assert detail["allowInternetAccess"] is False
    finally:
        sbx.kill()


def test_update_answers_as_the_api(server):
    with pytest.raises(SandboxNotFoundException):
        Sandbox.update_network("a" * 20, {"deny_out": [ALL_TRAFFIC]})
    sbx = Sandbox.create()
    try:
        with pytest.raises(SandboxException) as e:
            sbx.update_network({"deny_out": ["not-a-cidr"]})
        assert str(e.value) == "400: invalid denied CIDR not-a-cidr"
        with pytest.raises(SandboxException) as e:
            sbx.update_network({"allow_out": ["example.com"]})
        assert e.value.status_code == 400
        response = raw(server, "PUT", f"/sandboxes/{sbx.sandbox_id}/network", json={"allowOut": "x"})
        assert response.status_code == 400
        assert response.json()["message"].startswith("Error when parsing request:")
        response = raw(server, "PUT", f"/sandboxes/{sbx.sandbox_id}/network", json={"denyOut": []})
        assert response.status_code == 204 and response.content == b""
    finally:
        sbx.kill()


# ---- Enforcement ----


@enforced
def test_allowed_addresses_pass_and_denied_are_refused(server, peer):
    sbx = Sandbox.create(network={"allow_out": [peer.ip], "deny_out": [f"{peer.net}.0/24"]})
    try:
        assert reach(sbx, f"http://{peer.ip}/") == f"peer {peer.ip}"
        assert reach(sbx, f"http://{peer.ip2}/") is None
        assert reach(sbx, f"https://{peer.ip}/") == f"peer {peer.ip}"
        # UDP never leaves a filtered sandbox (no domain, so no nameserver either).
        assert udp(sbx, peer.ip).startswith("failed")
    finally:
        sbx.kill()
    sbx = Sandbox.create(network={"allow_out": [f"{peer.ip2}/32"], "deny_out": [ALL_TRAFFIC]})
    try:
        assert reach(sbx, f"http://{peer.ip2}/") == f"peer {peer.ip2}"
        assert reach(sbx, f"http://{peer.ip}/") is None
    finally:
        sbx.kill()


@enforced
def test_allowed_domains_pass_by_host_and_server_name_only(server, peer):
    network = {"allow_out": ["api.peer.test", "*.wild.test"], "deny_out": [ALL_TRAFFIC], "dns_servers": [peer.ip]}
    sbx = Sandbox.create(network=network)
    try:
        names = "api.peer.test other.peer.test a.wild.test b.c.wild.test wild.test"
        sbx.commands.run(f"echo '{peer.ip} {names}' >> /etc/hosts", user="root")
        assert reach(sbx, "http://api.peer.test/") == f"peer {peer.ip}"
        assert reach(sbx, "https://api.peer.test/") == f"peer {peer.ip}"
        assert reach(sbx, "https://a.wild.test/") == f"peer {peer.ip}"
        assert reach(sbx, "http://b.c.wild.test/") == f"peer {peer.ip}"
        assert reach(sbx, "http://other.peer.test/") is None
        assert reach(sbx, "https://other.peer.test/") is None
        assert reach(sbx, "https://wild.test/") is None
        assert reach(sbx, f"http://{peer.ip}/") is None
        # TLS without a server name is refused.
        assert reach(sbx, f"https://{peer.ip}/") is None
        # The nameserver is reachable on port 53 (UDP), another address is not.
        assert udp(sbx, peer.ip) == "dns q"
        # The resolver of the sandbox's /etc/resolv.conf leads to the first nameserver.
        assert udp(sbx, "10.0.2.3") == "dns q"
        assert udp(sbx, peer.ip2).startswith("failed")
        assert udp(sbx, peer.ip, 54).startswith("failed")
    finally:
        sbx.kill()


@enforced
def test_no_internet_access_blocks_everything(server, peer):
    sbx = Sandbox.create(allow_internet_access=False)
    try:
        assert reach(sbx, f"http://{peer.ip}/") is None
        assert reach(sbx, f"https://{peer.ip2}/") is None
        assert udp(sbx, peer.ip).startswith("failed")
    finally:
        sbx.kill()
    # allowOut is kept: what it allows passes, nothing else.
    sbx = Sandbox.create(allow_internet_access=False, network={"allow_out": [peer.ip]})
    try:
        assert reach(sbx, f"http://{peer.ip}/") == f"peer {peer.ip}"
        assert reach(sbx, f"http://{peer.ip2}/") is None
    finally:
        sbx.kill()


@enforced
def test_update_network_takes_effect_on_a_running_sandbox(server, peer):
    sbx = Sandbox.create()
    try:
        assert reach(sbx, f"http://{peer.ip2}/") == f"peer {peer.ip2}"
        sbx.update_network({"deny_out": [peer.ip2]})
        assert reach(sbx, f"http://{peer.ip2}/") is None
        assert reach(sbx, f"http://{peer.ip}/") == f"peer {peer.ip}"
        sbx.update_network({"allow_out": [peer.ip2], "deny_out": [ALL_TRAFFIC]})
        assert reach(sbx, f"http://{peer.ip2}/") == f"peer {peer.ip2}"
        assert reach(sbx, f"http://{peer.ip}/") is None
        sbx.update_network({"allow_internet_access": False})
        assert reach(sbx, f"http://{peer.ip2}/") is None
        sbx.update_network({})
        assert reach(sbx, f"http://{peer.ip}/") == f"peer {peer.ip}"
        assert reach(sbx, f"http://{peer.ip2}/") == f"peer {peer.ip2}"
    finally:
        sbx.kill()


# `nft flush ruleset` as netlink messages (the sandbox image has no nft): a batch that deletes
# every table. Prints the kernel's answer.
FLUSH = r"""
import socket, struct
NETLINK_NETFILTER, NFNL_SUBSYS_NFTABLES = 12, 10
def message(kind, flags, seq, res_id=0):
    return struct.pack("=LHHLL", 20, kind, flags, seq, 0) + struct.pack("=BBH", 0, 0, socket.htons(res_id))
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
batch = message(0x10, 1, 1, NFNL_SUBSYS_NFTABLES) + message((NFNL_SUBSYS_NFTABLES << 8) | 2, 1 | 4, 2) \
    + message(0x11, 1, 3, NFNL_SUBSYS_NFTABLES)
s.send(batch)
s.settimeout(2)
try:
    answer = s.recv(4096)
    print("errno", -struct.unpack("=i", answer[16:20])[0])
except OSError as e:
    print("failed", e)
"""


@enforced
def test_flushing_the_rules_from_inside_opens_nothing(server, peer):
    sbx = Sandbox.create(network={"allow_out": [peer.ip], "deny_out": [ALL_TRAFFIC]})
    try:
        assert reach(sbx, f"http://{peer.ip2}/") is None
        sbx.files.write("/tmp/flush.py", FLUSH)
        answer = sbx.commands.run("python3 /tmp/flush.py", user="root").stdout.strip()
        assert answer == "errno 1", answer  # EPERM: the sandbox's root has no CAP_NET_ADMIN there
        sbx.commands.run("ip link del eth0 || true; ip route del default || true", user="root")
        assert reach(sbx, f"http://{peer.ip2}/") is None
        assert reach(sbx, f"http://{peer.ip}/") == f"peer {peer.ip}"
    finally:
        sbx.kill()

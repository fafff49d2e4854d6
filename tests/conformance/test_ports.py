"""A server a command starts inside a sandbox answers through e2b-local, as through E2B's edge
proxy: routed by the `{port}-{id}.<domain>` host or the `E2b-Sandbox-Id`/`E2b-Sandbox-Port`
headers, guarded by the traffic access token when public traffic is off, with the request host
masked, and the edge's 502 for a port nothing listens on. All on loopback."""

import httpx
from e2b import Sandbox

from conftest import wait_until

SERVER = """
import http.server, json
class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"path": self.path, "host": self.headers.get("Host")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        data = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(201)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[::-1])
http.server.ThreadingHTTPServer(("0.0.0.0", 8080), Echo).serve_forever()
"""


def start_server(sbx):
    sbx.files.write("/home/user/echo.py", SERVER)
    sbx.commands.run("python3 /home/user/echo.py", background=True)


def through(server, sbx, port, path="/", **kwargs):
    headers = {"E2b-Sandbox-Id": sbx.sandbox_id, "E2b-Sandbox-Port": str(port), **kwargs.pop("headers", {})}
    return httpx.request(kwargs.pop("method", "GET"), server.sandbox_url + path, headers=headers, **kwargs)


def test_a_server_in_the_sandbox_answers_on_its_port(server, sandbox):
    # Nothing listens yet: the edge's answer.
    closed = through(server, sandbox, 8080)
    assert closed.status_code == 502
    assert closed.json() == {
        "sandboxId": sandbox.sandbox_id,
        "message": "The sandbox is running but port is not open",
        "port": "8080",
        "code": 502,
    }
    start_server(sandbox)
    assert wait_until(lambda: through(server, sandbox, 8080).status_code == 200)

    got = through(server, sandbox, 8080, "/a/b?c=d").json()
    assert got["path"] == "/a/b?c=d"
    posted = through(server, sandbox, 8080, "/", method="POST", content=b"abc" * 100_000)
    assert (posted.status_code, posted.content) == (201, b"cba" * 100_000)

    # By host, as get_host gives it.
    host = sandbox.get_host(8080)
    assert host.startswith(f"8080-{sandbox.sandbox_id}.")
    by_host = httpx.get(server.sandbox_url + "/by-host", headers={"Host": host})
    assert (by_host.status_code, by_host.json()["path"]) == (200, "/by-host")

    # Other ports stay closed; killed sandboxes are not found.
    assert through(server, sandbox, 8081).status_code == 502
    sandbox.kill()
    gone = through(server, sandbox, 8080)
    assert (gone.status_code, gone.json()["message"]) == (502, "The sandbox was not found")


def test_private_traffic_needs_the_token_and_the_host_is_masked(server):
    sbx = Sandbox.create(network={"allow_public_traffic": False, "mask_request_host": "app.local:${PORT}"})
    try:
        token = sbx.traffic_access_token
        assert token
        start_server(sbx)
        # envd needs no traffic token.
        assert sbx.commands.run("true").exit_code == 0
        missing = through(server, sbx, 8080)
        assert missing.status_code == 403
        assert missing.json()["message"].endswith("Token header 'e2b-traffic-access-token' is missing")
        wrong = through(server, sbx, 8080, headers={"E2B-Traffic-Access-Token": "nope"})
        assert wrong.status_code == 403 and wrong.json()["message"].endswith("is invalid")

        def answers():
            return through(server, sbx, 8080, headers={"e2b-traffic-access-token": token}).status_code == 200

        assert wait_until(answers)
        got = through(server, sbx, 8080, headers={"e2b-traffic-access-token": token}).json()
        assert got["host"] == "app.local:8080"
    finally:
        sbx.kill()


def test_the_code_interpreter_port_needs_the_token_too(server):
    from e2b_code_interpreter import Sandbox as CodeSandbox

    sbx = CodeSandbox.create(network={"allow_public_traffic": False})
    try:
        # The SDK sends the token it got at create.
        assert sbx.run_code("1 + 1").text == "2"
        bare = through(server, sbx, 49999, "/contexts")
        assert bare.status_code == 403, bare.text
    finally:
        sbx.kill()

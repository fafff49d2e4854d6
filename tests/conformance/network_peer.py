"""A network peer for the network-rule tests: a network namespace of the test's own, joined to the
host's by a veth pair, with servers that sandboxes try to reach. Traffic never leaves the machine.

As a program (run inside the peer's namespace by `Peer`): serves, on every address of the
namespace, HTTP on port 80 and TLS (a self-signed certificate) on port 443, both answering
`peer <local address>` (and `/bytes/<n>` with n bytes), and a UDP echo on port 53 of each address given as an argument, answering `dns <query>`.

As a module: `Peer()` makes the namespace `e2bt-<pid>-<n>` with the addresses
`10.231.<k>.2` and `10.231.<k>.3` (host side `10.231.<k>.1`), starts the servers, and removes
everything on `close()` (also when the servers failed to start). Needs root and iproute2.
"""

import os
import random
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import ThreadingMixIn, TCPServer


def serve():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/bytes/"):  # /bytes/<n>: n zero bytes, for throughput figures
                n = int(self.path[len("/bytes/"):])
                self.send_response(200)
                self.send_header("Content-Length", str(n))
                self.end_headers()
                chunk = bytes(1 << 20)
                while n > 0:
                    self.wfile.write(chunk[: min(n, len(chunk))])
                    n -= len(chunk)
                return
            body = f"peer {self.connection.getsockname()[0]}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    http = Server(("0.0.0.0", 80), Handler)
    tls = Server(("0.0.0.0", 443), Handler)
    directory = tempfile.mkdtemp()
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=peer", "-days", "1",
         "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    tls.socket = context.wrap_socket(tls.socket, server_side=True)
    shutil.rmtree(directory)

    def echo(udp):
        while True:
            data, client = udp.recvfrom(65536)
            udp.sendto(b"dns " + data, client)

    for target in (http.serve_forever, tls.serve_forever):
        threading.Thread(target=target, daemon=True).start()
    for address in sys.argv[1:]:
        # One socket per address, so that an answer comes from the address the query went to.
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((address, 53))
        threading.Thread(target=echo, args=(udp,), daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our stdin


def run(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


class Peer:
    """The peer namespace and its servers (see the module's doc)."""

    _count = 0

    def __init__(self):
        Peer._count += 1
        self.name = f"e2bt-{os.getpid() % 100000}-{Peer._count}"
        self.host_if = f"e2bh{os.getpid() % 100000}{Peer._count}"[:15]
        k = random.randrange(1, 250)
        self.net = f"10.231.{k}"
        self.ip, self.ip2, self.host_ip = f"{self.net}.2", f"{self.net}.3", f"{self.net}.1"
        self.process = None
        try:
            run("ip", "netns", "add", self.name)
            run("ip", "link", "add", self.host_if, "type", "veth", "peer", "name", "peer0", "netns", self.name)
            run("ip", "addr", "add", f"{self.host_ip}/24", "dev", self.host_if)
            run("ip", "link", "set", self.host_if, "up")
            for address in (self.ip, self.ip2):
                run("ip", "-n", self.name, "addr", "add", f"{address}/24", "dev", "peer0")
            run("ip", "-n", self.name, "link", "set", "peer0", "up")
            run("ip", "-n", self.name, "link", "set", "lo", "up")
            self.process = subprocess.Popen(
                ["ip", "netns", "exec", self.name, sys.executable, os.path.abspath(__file__), self.ip, self.ip2],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )
            if self.process.stdout.readline().strip() != "ready":
                raise RuntimeError("the peer's servers did not start")
            # The host reaches the peer (routes settle at once, but be sure).
            deadline = time.time() + 5
            while True:
                try:
                    socket.create_connection((self.ip, 80), timeout=1).close()
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.05)
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.process is not None:
            self.process.stdin.close()
            self.process.kill()
            self.process.wait()
            self.process = None
        run("ip", "link", "del", self.host_if, check=False)
        run("ip", "netns", "del", self.name, check=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    serve()

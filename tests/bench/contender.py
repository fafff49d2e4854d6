"""The Python contenders: libe2b's Python binding (`binding`) and the official
SDK (`sdk`: e2b and e2b-code-interpreter), measured exactly as harness.c
measures the C ones (same operations, warm-up, budgets and JSON lines).

    python contender.py binding|sdk ops=OP,OP... [iters=N] [budget=S] [thread_secs=S]
"""

import os
import sys
import threading
import time

FILE_1K = "/home/user/bench/f1k.bin"
DIR_100 = "/home/user/bench/d100"
BIG_FILE = "/home/user/bench/big.bin"
WARMUP = 3
MIN_ITERS = 5
KIB = bytes((i * 131 + 7) & 0xFF for i in range(1024))
CHUNK = bytes((i * 131 + 7) & 0xFF for i in range(1 << 16))


class Contender:
    """What the binding and the SDK do alike: the same names and the same calls."""

    def kill(self, sandbox):
        sandbox.kill()

    def write(self, sandbox, path, data):
        sandbox.files.write(path, data)

    def stat(self, sandbox, path):
        sandbox.files.get_info(path)

    def list(self, sandbox, path):
        return [(e.name, e.size) for e in sandbox.files.list(path)]

    def run(self, sandbox, cmd):
        return sandbox.commands.run(cmd).exit_code

    def run_code(self, sandbox, code):
        return sandbox.run_code(code).text


class Binding(Contender):
    """libe2b through bindings/python (ctypes over the C ABI)."""

    def __init__(self):
        import libe2b

        self.client = libe2b.Client()

    def create(self, template):
        return self.client.create_sandbox(template)

    def kill(self, sandbox):
        super().kill(sandbox)
        sandbox.close()

    def read(self, sandbox, path):
        return sandbox.files.read(path)

    def upload(self, sandbox, path, size):
        sandbox.files.write_stream(path, Source(size), size=size)

    def download(self, sandbox, path):
        sink = Sink()
        sandbox.files.read_stream(path, sink)
        return sink.received


class Sdk(Contender):
    """The official SDK, pinned: e2b (files, commands) and e2b-code-interpreter (run_code)."""

    def __init__(self):
        import e2b
        import e2b_code_interpreter

        self.e2b = e2b
        self.code_interpreter = e2b_code_interpreter

    def create(self, template):
        if template == "base":
            return self.e2b.Sandbox.create(template)
        return self.code_interpreter.Sandbox.create(template)

    def read(self, sandbox, path):
        return sandbox.files.read(path, format="bytes")

    def upload(self, sandbox, path, size):
        # An iterable is streamed (application/octet-stream), as the SDK documents.
        sandbox.files.write(path, Source(size).chunks())

    def download(self, sandbox, path):
        return sum(len(chunk) for chunk in sandbox.files.read(path, format="stream"))


class Source:
    """`size` bytes of upload content, read in pieces."""

    def __init__(self, size):
        self.left = size

    def read(self, n=-1):
        n = min(len(CHUNK), self.left if n is None or n < 0 else min(n, self.left))
        self.left -= n
        return CHUNK[:n]

    def chunks(self):
        while self.left > 0:
            yield self.read(len(CHUNK))


class Sink:
    """Counts what is written to it."""

    def __init__(self):
        self.received = 0

    def write(self, data):
        self.received += len(data)
        return len(data)


def connects():
    """TCP connections this process opened to e2b-local so far (connects.so appends a byte per connect)."""
    try:
        return os.stat(os.environ["E2B_BENCH_CONNECT_LOG"]).st_size
    except (KeyError, OSError):
        return -1


def status_mib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return -1


def emit(**fields):
    parts = []
    for key, value in fields.items():
        parts.append(f'"{key}":' + (f'"{value}"' if isinstance(value, str) else f"{value:.2f}" if isinstance(
            value, float) else str(value)))
    print("{" + ",".join(parts) + "}", flush=True)


class Bench:
    def __init__(self, contender, iters, budget, thread_secs):
        self.c = contender
        self.iters, self.budget, self.thread_secs = iters, budget, thread_secs
        self.sandbox = None

    def check(self, ok, what):
        if not ok:
            raise RuntimeError(f"{what}: unexpected result")

    def calls(self):
        c, s = self.c, self.sandbox
        return {
            "create_kill": lambda: c.kill(c.create("base")),
            "write_1k": lambda: c.write(s, FILE_1K, KIB),
            "read_1k": lambda: self.check(len(c.read(s, FILE_1K)) == 1024, "read"),
            "stat": lambda: c.stat(s, FILE_1K),
            "list_100": lambda: self.check(len(c.list(s, DIR_100)) == 100, "list"),
            "run_true": lambda: self.check(c.run(s, "true") == 0, "run"),
            "run_code": lambda: self.check(c.run_code(s, "1+1") == "2", "run_code"),
        }

    def latency(self, op, call):
        for _ in range(WARMUP):
            call()
        samples = []
        deadline, cpu = time.monotonic() + self.budget, time.process_time()
        while len(samples) < self.iters and (len(samples) < MIN_ITERS or time.monotonic() < deadline):
            start = time.monotonic()
            call()
            samples.append((time.monotonic() - start) * 1e6)
        n = len(samples)
        cpu = (time.process_time() - cpu) / n * 1e6
        samples.sort()
        emit(op=op, n=n, median_us=samples[n // 2], p90_us=samples[n * 9 // 10], cpu_us=cpu)

    def transfer(self, op, up, mib):
        size = mib << 20
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = status_mib("VmRSS")
        start = time.monotonic()
        if up:
            self.c.upload(self.sandbox, BIG_FILE, size)
        else:
            self.check(self.c.download(self.sandbox, BIG_FILE) == size, "download")
        elapsed = time.monotonic() - start
        emit(op=op, mb_s=size / elapsed / 1e6, peak_rss_mib=status_mib("VmHWM"), rss_before_mib=before)

    def threads(self, op, count):
        warm = threading.Barrier(count + 1)
        stop = threading.Event()
        calls, errors = [0] * count, [0] * count

        def work(i):
            for _ in range(20):
                try:
                    self.c.stat(self.sandbox, FILE_1K)
                except Exception:
                    errors[i] += 1
            warm.wait()
            while not stop.is_set():
                try:
                    self.c.stat(self.sandbox, FILE_1K)
                    calls[i] += 1
                except Exception:
                    errors[i] += 1

        workers = [threading.Thread(target=work, args=(i,)) for i in range(count)]
        for w in workers:
            w.start()
        warm.wait()
        before = connects()
        start = time.monotonic()
        time.sleep(self.thread_secs)
        stop.set()
        for w in workers:
            w.join()
        elapsed = time.monotonic() - start
        emit(op=op, threads=count, ops_s=sum(calls) / elapsed, errors=sum(errors), new_connects=connects() - before)

    def mixed(self):
        c = self.c
        before = connects()
        sandbox = c.create("code-interpreter-v1")
        cycle = [
            lambda: c.write(sandbox, FILE_1K, KIB),
            lambda: c.read(sandbox, FILE_1K),
            lambda: c.stat(sandbox, FILE_1K),
            lambda: c.list(sandbox, "/home/user/bench"),
            lambda: self.check(c.run(sandbox, "true") == 0, "run"),
            lambda: self.check(c.run_code(sandbox, "1+1") == "2", "run_code"),
        ]
        for i in range(100):
            cycle[i % 6]()
        c.kill(sandbox)
        emit(op="connects", calls=100, connects=connects() - before)

    def run(self, op):
        if op == "connects":
            return self.mixed()
        if self.sandbox is None:
            self.sandbox = self.c.create("code-interpreter-v1")
            self.c.write(self.sandbox, FILE_1K, KIB)
            self.check(self.c.run(self.sandbox, f"mkdir -p {DIR_100} && cd {DIR_100} && touch f{{000..099}}") == 0,
                       "setup")
        kind, _, arg = op.partition("_")
        if op in self.calls():
            self.latency(op, self.calls()[op])
        elif kind in ("up", "down"):
            self.transfer(op, kind == "up", int(arg))
        elif kind == "threads":
            self.threads(op, int(arg))
        else:
            emit(op=op, error="unknown operation")


def main():
    which, args = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
    contender = {"binding": Binding, "sdk": Sdk}[which]()
    bench = Bench(contender, int(args.get("iters", 200)), float(args.get("budget", 1)),
                  float(args.get("thread_secs", 1)))
    for op in args["ops"].split(","):
        try:
            bench.run(op)
        except Exception as e:  # one failed operation is reported, and the others still run
            print(f"{op}: {type(e).__name__}: {e}", file=sys.stderr)
            emit(op=op, error="failed")
    if bench.sandbox is not None:
        contender.kill(bench.sandbox)


if __name__ == "__main__":
    main()

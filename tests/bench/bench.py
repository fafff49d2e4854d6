"""Runs every contender against the e2b-local in E2B_API_URL (run.sh starts
one) in rotated rounds and prints one Markdown table of medians, with each
contender's ratios to the floor and to the official SDK. See README.md.

    python3 bench.py [--quick] [--rounds N] [--gib | --no-gib] [--only NAME,...] [--json PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target", "bench")

# name -> (column title, command); all take the same key=value arguments.
CONTENDERS = {
    "floor": ("floor (libcurl)", [os.path.join(OUT, "bench-curl")]),
    "c": ("libe2b (C ABI)", [os.path.join(OUT, "bench-e2b")]),
    "python": ("libe2b (Python)", [os.path.join(OUT, "venv", "bin", "python"),
                                   os.path.join(ROOT, "tests", "bench", "contender.py"), "binding"]),
    "go": ("libe2b (Go)", [os.path.join(OUT, "bench-go")]),
    "sdk": ("official SDK", [os.path.join(OUT, "venv", "bin", "python"),
                             os.path.join(ROOT, "tests", "bench", "contender.py"), "sdk"]),
}
LATENCY = [
    ("create_kill", "create + kill"),
    ("write_1k", "write 1 KiB"),
    ("read_1k", "read 1 KiB"),
    ("stat", "stat (`get_info`)"),
    ("list_100", "list 100 entries"),
    ("run_true", '`commands.run("true")`'),
    ("run_code", '`run_code("1+1")`'),
]
THREADS = [1, 4, 16, 64]
CONTENDER_TIMEOUT = 1800  # seconds for one contender's round


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="2 short rounds, no 1 GiB transfers (CI)")
    p.add_argument("--rounds", type=int, help="rounds (default 5; 2 with --quick)")
    p.add_argument("--gib", dest="gib", action="store_true", default=None, help="also move 1 GiB up and down")
    p.add_argument("--no-gib", dest="gib", action="store_false")
    p.add_argument("--only", help="comma-separated contenders (default: all): " + ",".join(CONTENDERS))
    p.add_argument("--json", default=os.path.join(OUT, "results.json"), help="where to save every measurement")
    args = p.parse_args()
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.gib = (not args.quick) if args.gib is None else args.gib
    args.only = args.only.split(",") if args.only else list(CONTENDERS)
    unknown = set(args.only) - set(CONTENDERS)
    if unknown:
        p.error(f"unknown contenders: {', '.join(sorted(unknown))}")
    return args


def operations(gib):
    sizes = [64] + ([1024] if gib else [])
    transfers = [f"{way}_{mib}" for mib in sizes for way in ("up", "down")]
    return ["connects"] + [op for op, _ in LATENCY] + transfers + [f"threads_{n}" for n in THREADS]


def run_contender(name, ops, settings, env):
    """One process of contender `name` through every operation: {op: measurement}."""
    results = {}
    with tempfile.NamedTemporaryFile(prefix="e2b-bench-connects-") as log, \
            tempfile.TemporaryFile(mode="w+") as stderr:
        env = dict(env, E2B_BENCH_CONNECT_LOG=log.name)
        command = CONTENDERS[name][1] + [f"ops={','.join(ops)}"] + [f"{k}={v}" for k, v in settings.items()]
        started = last = time.monotonic()
        with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True) as proc:
            watchdog = threading.Timer(CONTENDER_TIMEOUT, proc.kill)  # a hung contender fails, not the run
            watchdog.start()
            for line in proc.stdout:
                if line.startswith("{"):
                    m = json.loads(line)
                    m["secs"] = round(time.monotonic() - last, 2)  # how long the operation took, set-up included
                    last = time.monotonic()
                    results[m["op"]] = m
            watchdog.cancel()
        missing = [op for op in ops if op not in results]
        if proc.returncode != 0 or missing or any("error" in m for m in results.values()):
            stderr.seek(0)
            sys.stderr.write(f"{name}: exit {proc.returncode}, no result for {missing}\n{stderr.read()[-3000:]}\n")
            for op in missing:
                results[op] = {"op": op, "error": "no result"}
    print(f"  {name:7} {time.monotonic() - started:6.1f} s", file=sys.stderr, flush=True)
    return results


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_time(us):
    if us is None:
        return "failed"
    return f"{us:.0f} µs" if us < 1000 else f"{us / 1000:.1f} ms" if us < 100_000 else f"{us / 1000:.0f} ms"


def fmt_rate(v, unit):
    if v is None:
        return "failed"
    return f"{v / 1000:.1f}k {unit}" if v >= 10_000 else f"{v:.0f} {unit}"


def table(results, names, gib):
    """The Markdown table: one row per measure, one column per contender."""

    def pick(name, op, key):
        return median([r.get(op, {}).get(key) for r in results[name]])

    def worst(name, op, key):
        values = [r.get(op, {}).get(key) for r in results[name]]
        return "failed" if None in values or not values else max(values)

    def with_ratios(name, cost, text):
        """`text`, followed by (÷ floor · ÷ SDK) for libe2b's contenders; `cost` maps a contender to its cost."""
        if name in ("floor", "sdk") or cost(name) is None:
            return text
        ratios = [cost(name) / cost(ref) if ref in names and cost(ref) else None for ref in ("floor", "sdk")]
        shown = " · ".join("–" if r is None else f"{r:.2f}" for r in ratios)
        return f"{text} ({shown})"

    rows = []
    for op, title in LATENCY:
        for key, label in (("median_us", title), ("cpu_us", "… client CPU per call")):
            cost = lambda n, op=op, key=key: pick(n, op, key)  # noqa: E731
            rows.append([label] + [with_ratios(n, cost, fmt_time(cost(n))) for n in names])
    for mib in [64] + ([1024] if gib else []):
        size = "64 MiB" if mib == 64 else "1 GiB"
        for way, title in (("up", "upload"), ("down", "download")):
            op = f"{way}_{mib}"
            cost = lambda n, op=op: (1 / pick(n, op, "mb_s")) if pick(n, op, "mb_s") else None  # noqa: E731
            rows.append([f"{title} {size}, streamed"] + [
                with_ratios(n, cost, fmt_rate(pick(n, op, "mb_s"), "MB/s")) for n in names])
            rows.append([f"… peak RSS during the {title} (before it)"] + [
                "failed" if pick(n, op, "peak_rss_mib") is None else
                f"{pick(n, op, 'peak_rss_mib'):.1f} MiB ({pick(n, op, 'rss_before_mib'):.1f})" for n in names])
    for count in THREADS:
        op = f"threads_{count}"
        cost = lambda n, op=op: (1 / pick(n, op, "ops_s")) if pick(n, op, "ops_s") else None  # noqa: E731
        rows.append([f"stat, {count} thread{'s' * (count > 1)} sharing one client"] + [
            with_ratios(n, cost, fmt_rate(pick(n, op, "ops_s"), "calls/s")) for n in names])
    for key, title in (("errors", "errors"), ("new_connects", "new TCP connections in steady state")):
        rows.append([f"… {title} at 1/4/16/64 threads (worst round)"] + [
            " / ".join(str(worst(n, f"threads_{c}", key)) for c in THREADS) for n in names])
    rows.append(["TCP connects: create, 100 mixed calls, kill (worst round)"] + [
        str(worst(n, "connects", "connects")) for n in names])

    header = ["operation"] + [CONTENDERS[n][0] for n in names]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main():
    args = parse_args()
    api_url = os.environ.get("E2B_API_URL")
    if not api_url:
        sys.exit("E2B_API_URL is not set: run tests/bench/run.sh, which starts e2b-local")
    settings = (dict(iters=50, budget=0.2, thread_secs=0.3) if args.quick else
                dict(iters=500, budget=1.5, thread_secs=2))
    env = dict(os.environ, E2B_BENCH_PORT=str(urlparse(api_url).port),
               LD_PRELOAD=os.path.join(OUT, "connects.so"),
               LIBE2B_PATH=os.path.join(ROOT, "target", "release", "libe2b.so"),
               PYTHONPATH=os.path.join(ROOT, "bindings", "python", "src"))
    names = [n for n in CONTENDERS if n in args.only and os.path.exists(CONTENDERS[n][1][0])]
    ops = operations(args.gib)
    results = {n: [] for n in names}
    started = time.monotonic()
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        print(f"round {r + 1}/{args.rounds}: {', '.join(order)}", file=sys.stderr, flush=True)
        for name in order:
            results[name].append(run_contender(name, ops, settings, env))
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"args": vars(args), "settings": settings, "results": results}, f, indent=1)
    print(f"\n{args.rounds} rounds in {time.monotonic() - started:.0f} s; every measurement in {args.json}\n",
          file=sys.stderr)
    print("Medians of the rounds: per call, the median wall time and the mean CPU time of the client process. In "
          "parentheses, for libe2b: its cost relative to the floor and to the official SDK (time per call, or the "
          "inverse of throughput: below 1.00 is faster).\n")
    print(table(results, names, args.gib))
    failed = [n for n in names for r in results[n] for m in r.values() if "error" in m] + [
        n for n in names for r in results[n] if not r]
    if failed:
        print(f"\nfailures: {', '.join(sorted(set(failed)))} (see above)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

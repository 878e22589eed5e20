#!/usr/bin/env python3
"""Memory of idle keep-alive connections (issue 13: at most 4 KB each above the idle process).

Starts build/bronpoort on a copy of config/gateway.json (loopback, a free port, its own SQLite
store in a temporary folder, the connection caps raised to fit), opens N connections that each
send one request (GET /healthz) and then stay open and idle, and reports the gateway's resident
memory (VmRSS) before and after, per connection. Repeats the whole thing ROUNDS times and reports
each round, since the machine is shared.

    tests/bench/idle_connections.py [N] [ROUNDS]        (default 10000 connections, 3 rounds)

Kernel socket buffers are not counted: they are not the process's memory and nginx has them too.
"""
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
from bench_config import relocated_config  # noqa: E402
BUILD = os.environ.get("BRONPOORT_BUILD_DIR", os.path.join(ROOT, "build"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def write_config(work, port, n):
    cfg = relocated_config(ROOT, port, os.path.join(work, "bronpoort.db"))
    limits = cfg["server"].setdefault("limits", {})
    limits["maxConnections"] = n + 100
    limits["maxConnectionsPerAddress"] = n + 100
    limits["idleTimeoutMs"] = 600000
    path = os.path.join(work, "gateway.json")
    json.dump(cfg, open(path, "w"), indent=2)
    return path


def wait_for(port, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the gateway exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the gateway did not start")


REQUEST = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"


def one_request(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(REQUEST)
    got = b""
    while b"\r\n\r\n" not in got or not got.endswith(b'"up"}'):
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed by the gateway")
        got += chunk
    if not got.startswith(b"HTTP/1.1 200"):
        raise RuntimeError("unexpected answer: %r" % got[:80])
    return s


def round_once(n):
    work = tempfile.mkdtemp(prefix="bronpoort-idle-")
    port = free_port()
    cfg = write_config(work, port, n)
    env = dict(os.environ, BRONPOORT_DEBT_PG_DSN="host=127.0.0.1 port=1 dbname=unused")
    proc = subprocess.Popen([os.path.join(BUILD, "bronpoort"), "serve", "--config", cfg],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "err.log"), "w"),
                            env=env)
    conns = []
    try:
        wait_for(port, proc)
        # Warm up: threads, allocator arenas and the first sessions exist before the baseline.
        for _ in range(200):
            one_request(port).close()
        time.sleep(1.0)
        before = rss_kib(proc.pid)
        for _ in range(n):
            conns.append(one_request(port))
        time.sleep(1.0)
        after = rss_kib(proc.pid)
        return before, after
    finally:
        for s in conns:
            s.close()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # The client and the gateway each hold N sockets, each process under its own limit.
    want = n + 1000
    if soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            sys.exit(f"needs {want} open files per process; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    per = []
    for r in range(rounds):
        before, after = round_once(n)
        bytes_each = (after - before) * 1024 / n
        per.append(bytes_each)
        print(f"round {r + 1}: {n} idle keep-alive connections, RSS {before} KiB -> {after} KiB: "
              f"{bytes_each:,.0f} bytes each")
    per.sort()
    print(f"bytes per idle connection: median {per[len(per) // 2]:,.0f} "
          f"(range {per[0]:,.0f}-{per[-1]:,.0f}); target <= 4,096")


if __name__ == "__main__":
    main()

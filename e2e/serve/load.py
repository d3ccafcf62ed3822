#!/usr/bin/env python3
"""Bounded load test of `sprout serve` on loopback: N clients download archives for T seconds.

Every archive is opened and its file list checked against the preview of the same request; the
report gives requests, errors, throughput, p50/p90/p99 latency and the server's resident memory
before, after a warm-up and at the end. Standard library only.

Usage: python3 e2e/serve/load.py [--sprout target/release/sprout] [--clients 8] [--seconds 20]
"""

import argparse
import io
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAX_CLIENTS = 64
MAX_SECONDS = 120


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def fetch(url):
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
        status = response.status
    return status, body, (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sprout", default=str(REPO / "target" / "release" / "sprout"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-concurrent", type=int, default=16)
    args = parser.parse_args()
    clients = max(1, min(args.clients, MAX_CLIENTS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))

    server = subprocess.Popen(
        [args.sprout, "serve", "--listen", "127.0.0.1:0", "--max-concurrent", str(args.max_concurrent)],
        stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        if "listening on http://" not in line:
            sys.exit(f"sprout serve did not start: {line}")
        base = line.strip().split("listening on ")[1]
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()

        with urllib.request.urlopen(base + "/api/stacks") as r:
            stacks = [s["key"] for s in json.load(r)]
        expected = {}
        for key in stacks:
            with urllib.request.urlopen(f"{base}/api/projects/preview?stack={key}&name=load-app") as r:
                expected[key] = sorted(f"load-app/{f['path']}" for f in json.load(r)["files"])
        rss_start = rss_kib(server.pid)
        for key in stacks:  # warm-up: one download each
            fetch(f"{base}/api/projects?stack={key}&name=load-app")
        rss_warm = rss_kib(server.pid)

        latencies, errors, lock = [], [], threading.Lock()
        deadline = time.monotonic() + seconds

        def client(n):
            i = n
            while time.monotonic() < deadline:
                key = stacks[i % len(stacks)]
                i += 1
                url = f"{base}/api/projects?stack={key}&name=load-app&format=zip"
                try:
                    status, body, ms = fetch(url)
                    archive = zipfile.ZipFile(io.BytesIO(body))
                    bad = archive.testzip()
                    names = sorted(n for n in archive.namelist() if not n.endswith("/"))
                    ok = status == 200 and bad is None and names == expected[key]
                    with lock:
                        (latencies if ok else errors).append(ms if ok else f"{key}: wrong archive")
                except Exception as error:  # noqa: BLE001 - every failure counts as an error
                    with lock:
                        errors.append(f"{key}: {error}")

        samples = []  # (seconds since start, RSS KiB), twice a second

        def sample():
            while time.monotonic() < deadline:
                samples.append((time.monotonic() - started, rss_kib(server.pid)))
                time.sleep(0.5)

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        threads.append(threading.Thread(target=sample))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        rss_end = rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(10)

    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]  # noqa: E731
    report = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "stacks": len(stacks),
        "downloads": len(latencies),
        "errors": len(errors),
        "throughput_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(50), 1) if latencies else None,
        "p90_ms": round(pct(90), 1) if latencies else None,
        "p99_ms": round(pct(99), 1) if latencies else None,
        "mean_ms": round(statistics.mean(latencies), 1) if latencies else None,
        # Flat memory: the second half of the run peaks no higher than the first half.
        "rss_kib": {
            "start": rss_start,
            "after_warm_up": rss_warm,
            "peak_first_half": max((r for t, r in samples if t < elapsed / 2), default=0),
            "peak_second_half": max((r for t, r in samples if t >= elapsed / 2), default=0),
            "end": rss_end,
        },
    }
    print(json.dumps(report, indent=2))
    rss = report["rss_kib"]
    if rss["peak_second_half"] > rss["peak_first_half"] * 1.25 + 2048:
        errors.append(f"memory grew: {rss}")
    if errors:
        print("\n".join(errors[:10]), file=sys.stderr)
        sys.exit(f"{len(errors)} downloads were wrong or failed")


if __name__ == "__main__":
    main()

"""`make bench`: req/s and p50/p99 latency of ossa's hot paths vs a constant-JSON Flask route.

Both apps run under gunicorn with the same settings on 127.0.0.1; the load generator is wrk
when it is installed (Debian package `wrk`), else a small Python client (less precise: it
shares the two cores with the server).
"""

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS = [
    ("lookup", "ossa", "/v1/lookup?name=Arimidex"),
    ("drug", "ossa", "/v1/drugs/anastrozole"),
    ("search", "ossa", "/v1/search?q=ana"),
    ("ceiling", "ceiling", "/const"),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app, port, workers):
    """Start gunicorn for app on port; return the process once it answers."""
    cmd = [BIN / "gunicorn", "--config", ROOT / "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--access-logfile", "/dev/null", app]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "bench")})
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{app} did not start on port {port}")


def run_wrk(url, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+([0-9]+)", out)
    sockets = re.search(r"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), "
                        r"timeout ([0-9]+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(map(int, sockets.groups())) if sockets else 0)
    return rps, _ms(out, "50%"), _ms(out, "99%"), errors


def _ms(out, label):
    value, unit = re.search(rf"{label}\s+([0-9.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def run_python(url, seconds, connections):
    """A keep-alive load generator for machines without wrk."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    latencies, errors, stop = [], [0], time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection(host, int(port))
        while time.perf_counter() < stop:
            start = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - start) * 1000)
            errors[0] += response.status != 200
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, cuts[49], cuts[98], errors[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    args = parser.parse_args()
    load = run_wrk if shutil.which("wrk") else run_python
    ports = {"ossa": free_port(), "ceiling": free_port()}
    procs = [serve("api:create_app()", ports["ossa"], args.workers),
             serve("ceiling:create_app()", ports["ceiling"], args.workers)]
    try:
        results = {}
        for name, app, path in TARGETS:
            url = f"http://127.0.0.1:{ports[app]}{path}"
            for _ in range(20):  # warm every worker's cache
                urllib.request.urlopen(url).close()
            print(f"  {name}: {args.seconds}s, {args.connections} connections …", file=sys.stderr)
            results[name] = load(url, args.seconds, args.connections)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
    report(results, load.__name__, args)


def report(results, generator, args):
    ceiling = results["ceiling"][0]
    print(f"\n{generator.removeprefix('run_')}, {args.connections} connections, {args.seconds}s "
          f"each, gunicorn {args.workers} sync workers, {os.cpu_count()} CPUs\n")
    print("| endpoint | req/s | p50 ms | p99 ms | errors | × ceiling |")
    print("|---|---:|---:|---:|---:|---:|")
    for (name, _app, path), (rps, p50, p99, errors) in zip(TARGETS, results.values(),
                                                           strict=True):
        label = "constant JSON (ceiling)" if name == "ceiling" else f"`{path}`"
        print(f"| {label} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} | {rps / ceiling:.2f} |")


if __name__ == "__main__":
    main()

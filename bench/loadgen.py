"""Load generators for the benchmarks: wrk when installed, else a Python keep-alive client."""

import http.client
import json
import re
import socket
import statistics
import subprocess
import tempfile
import threading
import time


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, proc, name):
    """Wait until a server accepts connections on port."""
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited before listening on {port}") from None
            time.sleep(0.05)
    raise SystemExit(f"{name} did not start on port {port}")


def _lua(method, body):
    """Write a wrk script that sends body as JSON with method; return its path."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(f'wrk.method = "{method}"\n'
                 f"wrk.body = {json.dumps(json.dumps(body))}\n"
                 'wrk.headers["Content-Type"] = "application/json"\n')
    script.close()
    return script.name


def run_wrk(url, seconds, connections, method="GET", body=None):
    """Return (req/s, p50 ms, p99 ms, errors) measured by wrk."""
    extra = ["-s", _lua(method, body)] if body is not None else []
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          *extra, url], capture_output=True, text=True, check=True).stdout
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


def run_python(url, seconds, connections, method="GET", body=None):
    """A keep-alive load generator for machines without wrk."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    payload = json.dumps(body).encode() if body is not None else None
    latencies, errors, stop = [], [0], time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection(host, int(port))
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                conn.request(method, path, body=payload,
                             headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                errors[0] += response.status >= 300
            except OSError:
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port))
            latencies.append((time.perf_counter() - start) * 1000)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, cuts[49], cuts[98], errors[0]

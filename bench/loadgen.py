"""Load generators for the benchmarks: wrk when installed, else a Python keep-alive client.

Both take a base URL and a list of requests, (method, path, JSON body or None), and send them
in turn on every connection; both return (req/s, p50 ms, p99 ms, errors), where an error is a
socket error or an answer of the wrong kind: not 2xx/3xx, or with `expect_ok=False` (a target
that must answer 404) not 4xx.
"""

import http.client
import json
import re
import statistics
import subprocess
import tempfile
import threading
import time


def _lua_string(text):
    """Quote ASCII text as a Lua string literal (JSON's escapes are Lua's, for ASCII)."""
    quoted = json.dumps(text)
    if not quoted.isascii() or "\\u" in quoted:
        raise ValueError("wrk scripts take ASCII requests only")
    return quoted


def _lua(requests):
    """Write a wrk script that sends requests in turn; return its path."""
    # Built in init(): only then has wrk set the Host header that wrk.format adds (nginx, as
    # HTTP/1.1 requires, refuses a request without one).
    lines = ["local requests", "init = function(args)", "requests = {"]
    for method, path, body in requests:
        if body is None:
            lines.append(f"  wrk.format({_lua_string(method)}, {_lua_string(path)}),")
        else:
            lines.append(f"  wrk.format({_lua_string(method)}, {_lua_string(path)}, "
                         f'{{["Content-Type"] = "application/json"}}, '
                         f"{_lua_string(json.dumps(body))}),")
    lines += ["}", "end", "local i = 0",
              "request = function()", "  i = i % #requests + 1", "  return requests[i]", "end"]
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write("\n".join(lines) + "\n")
    script.close()
    return script.name


def run_wrk(base, requests, seconds, connections, expect_ok=True):
    """Return (req/s, p50 ms, p99 ms, errors) measured by wrk."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", _lua(requests), base], capture_output=True, text=True,
                         check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+([0-9]+)", out)
    sockets = re.search(r"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), "
                        r"timeout ([0-9]+)", out)
    total = int(re.search(r"([0-9]+) requests in", out).group(1))
    refused = int(non_2xx.group(1)) if non_2xx else 0
    errors = (refused if expect_ok else total - refused) + (
        sum(map(int, sockets.groups())) if sockets else 0)
    return rps, _ms(out, "50%"), _ms(out, "99%"), errors


def _ms(out, label):
    value, unit = re.search(rf"{label}\s+([0-9.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def run_python(base, requests, seconds, connections, expect_ok=True):
    """A keep-alive load generator for machines without wrk (it shares the CPUs it measures)."""
    host, port = base.split("//")[1].rstrip("/").split(":")
    encoded = [(method, path, json.dumps(body).encode() if body is not None else None)
               for method, path, body in requests]
    latencies, errors, stop = [], [0], time.perf_counter() + seconds

    def worker(offset):
        conn = http.client.HTTPConnection(host, int(port))
        turn = offset
        while time.perf_counter() < stop:
            method, path, payload = encoded[turn % len(encoded)]
            turn += 1
            start = time.perf_counter()
            try:
                conn.request(method, path, body=payload,
                             headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                errors[0] += (response.status >= 400) == expect_ok
            except OSError:
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port))
            latencies.append((time.perf_counter() - start) * 1000)
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, cuts[49], cuts[98], errors[0]

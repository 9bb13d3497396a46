"""`make bench`: req/s and p50/p99 latency of ossa's hot paths against its ceiling and its peer,
then a bounded soak.

On 127.0.0.1, in one run, every server started by `make run`'s launcher (serving/run.py: nginx in
front of gunicorn when nginx is installed; OSSA_PROXY=none or --no-proxy for gunicorn alone):
- ossa: /healthz, a cached lookup, a lookup of an unknown, misspelled name (the 404 path, with
  its suggestions), a drug, a search, a medication-list review and a CDS Hooks call;
- the ceiling: a bare Flask route answering a constant body as large as the lookup's, served
  the same way (same launcher, gunicorn config, workers and proxy);
- the peer: Datasette serving the same SQLite file (immutable) with the lookup as SQL.
Then the soak: 64 connections for 60 s sending lookups, searches, reviews and CDS calls in turn,
reporting errors, p50/p99 and each gunicorn worker's resident memory before and after.

The load generator is wrk (Debian package `wrk`) when installed, else a Python client (less
precise: it shares the CPUs with the servers). Prints Markdown tables.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import run_python, run_wrk  # noqa: E402

from serving.run import free_port, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REVIEW = {"medications": [{"name": "tamoxifen"}, {"name": "Cymbalta"}, {"rxcui": "199224"}],
          "menopausal_status": "premenopausal"}


def cds_call(code, display):
    """Return an order-sign request drafting one RxNorm-coded medicine."""
    return {
        "hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/1", "patientId": "1", "draftOrders": {
            "resourceType": "Bundle", "entry": [{"resource": {
                "resourceType": "MedicationRequest", "id": "a", "status": "draft",
                "medicationCodeableConcept": {"coding": [{
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code,
                    "display": display}]}}}]}},
    }


CDS = cds_call("199224", "anastrozole 1 MG Oral Tablet")
CDS_PATH = "/cds-services/ossa-order-sign"
LOOKUP = "/v1/lookup?name=Arimidex"
UNKNOWN = "/v1/lookup?name=metforminx"  # misspelled, and no drug of ours: 404 with suggestions
DATASETTE_SQL = ("select d.body from names n join drugs d on d.id = n.drug_id"
                 " where n.norm = :name and n.name_type != 'product' limit 1")
# name, server, requests [(method, path, body)], expect 2xx
TARGETS = [
    ("ceiling", "ceiling", [("GET", "/const", None)], True),  # first and last: machines drift
    ("healthz", "ossa", [("GET", "/healthz", None)], True),
    ("lookup", "ossa", [("GET", LOOKUP, None)], True),
    ("unknown", "ossa", [("GET", UNKNOWN, None)], False),
    ("drug", "ossa", [("GET", "/v1/drugs/anastrozole", None)], True),
    ("search", "ossa", [("GET", "/v1/search?q=ana", None)], True),
    ("review", "ossa", [("POST", "/v1/reviews", REVIEW)], True),
    ("cds", "ossa", [("POST", CDS_PATH, CDS)], True),
    ("ceiling-again", "ceiling", [("GET", "/const", None)], True),
    ("datasette", "datasette", [("GET", "/ossa.json?" + urllib.parse.urlencode(
        {"sql": DATASETTE_SQL, "name": "arimidex", "_shape": "array"}), None)], True),
]
# The soak's mix, sent in turn on every connection: what EHRs, apps and developers call.
SOAK = [
    ("GET", LOOKUP, None),
    ("GET", "/v1/lookup?name=Ibrance", None),
    ("GET", "/v1/search?q=let", None),
    ("GET", "/v1/lookup?name=Neulasta", None),
    ("POST", "/v1/reviews", REVIEW),
    ("GET", "/v1/lookup/rxcui/199224", None),
    ("GET", "/v1/search?q=zol", None),
    ("POST", CDS_PATH, CDS),
    ("GET", "/v1/lookup?name=tamoxifen%2020%20mg%20tablet", None),
    ("GET", "/v1/drugs/palbociclib", None),
    ("POST", CDS_PATH, cds_call("1601374", "palbociclib")),
    ("GET", "/v1/lookup?name=letrozol", None),
]


def start(name, command, port, env):
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for(port, proc, name, seconds=60)
    return proc


def start_servers(database, proxy, procs):
    """Start ossa and the ceiling with `make run`'s launcher, and Datasette, into procs;
    return their ports and the size of the lookup's answer."""
    ports = {name: free_port() for name in ("ossa", "ceiling", "datasette")}
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bench"), "OSSA_DATABASE": str(database)}
    launcher = [BIN / "python", "-m", "serving.run", *([] if proxy else ["--no-proxy"])]
    procs["ossa"] = start("ossa", [*launcher, "--port", str(ports["ossa"])], ports["ossa"], env)
    # The ceiling answers as many bytes as the lookup it is compared with.
    size = len(fetch(f"http://127.0.0.1:{ports['ossa']}{LOOKUP}"))
    procs["ceiling"] = start("ceiling", [*launcher, "--port", str(ports["ceiling"]), "--app",
                                         "ceiling:create_app()"], ports["ceiling"],
                             {**env, "CEILING_BYTES": str(size)})
    procs["datasette"] = start("datasette", [BIN / "datasette", "serve", "-i", str(database),
                                             "--port", str(ports["datasette"]), "--host",
                                             "127.0.0.1"], ports["datasette"], env)
    return ports, size


def stop(procs):
    for proc in procs.values():
        proc.send_signal(signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()


def fetch(url, method="GET", body=None, expect_ok=True):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        if expect_ok:
            raise SystemExit(f"{method} {url} answered {exc.code}: {exc.read()[:300]}") from None
        return exc.read()


def _children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def worker_rss_mb(launcher):
    """Return {pid: resident MB} of each gunicorn worker started by the launcher process."""
    sizes = {}
    for child in _children(launcher.pid):
        if b"gunicorn" not in Path(f"/proc/{child}/cmdline").read_bytes():
            continue  # nginx
        for worker in _children(child):
            for line in Path(f"/proc/{worker}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[worker] = int(line.split()[1]) / 1024
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--lookup-seconds", type=int,
                        default=int(os.environ.get("BENCH_LOOKUP_SECONDS", 30)))
    parser.add_argument("--soak-seconds", type=int,
                        default=int(os.environ.get("BENCH_SOAK_SECONDS", 60)))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--no-proxy", action="store_true",
                        default=os.environ.get("OSSA_PROXY", "nginx") == "none",
                        help="serve with gunicorn alone, as OSSA_PROXY=none does for make run")
    parser.add_argument("--database", default=os.environ.get("OSSA_DATABASE",
                                                             ROOT / "var" / "ossa.db"))
    args = parser.parse_args()
    load = run_wrk if shutil.which("wrk") else run_python
    database = Path(tempfile.mkdtemp(prefix="ossa-bench-")) / "ossa.db"
    shutil.copyfile(args.database, database)  # Datasette names the database after the file
    proxy = not args.no_proxy and (shutil.which("nginx") or Path("/usr/sbin/nginx").exists())
    print(f"starting ossa and the ceiling ({'nginx, then ' if proxy else ''}gunicorn) and "
          "Datasette …", file=sys.stderr)
    procs, results = {}, {}
    try:
        ports, size = start_servers(database, proxy, procs)
        for name, server, requests, expect_ok in TARGETS:
            base = f"http://127.0.0.1:{ports[server]}"
            for method, path, body in requests * 30:  # fill every worker's cache
                fetch(base + path, method, body, expect_ok)
            seconds = args.lookup_seconds if name == "lookup" else args.seconds
            print(f"  {name}: {seconds}s, {args.connections} connections …", file=sys.stderr)
            results[name] = load(base, requests, seconds, args.connections, expect_ok)
        base = f"http://127.0.0.1:{ports['ossa']}"
        for method, path, body in SOAK * 10:
            fetch(base + path, method, body)
        before = worker_rss_mb(procs["ossa"])
        print(f"  soak: {args.soak_seconds}s, {args.connections} connections, "
              f"{len(SOAK)} requests in turn …", file=sys.stderr)
        soak = load(base, SOAK, args.soak_seconds, args.connections)
        after = worker_rss_mb(procs["ossa"])
    finally:
        stop(procs)
    first, last = results.pop("ceiling"), results.pop("ceiling-again")
    results["ceiling"] = (*((a + b) / 2 for a, b in zip(first[:3], last[:3], strict=True)),
                          first[3] + last[3])
    report(results, soak, before, after, load.__name__, args, proxy, size)
    failed = soak[3] or any(result[3] for result in results.values())
    return 1 if failed else 0


def report(results, soak, before, after, generator, args, proxy, size):
    ceiling, peer, healthz = (results[k][0] for k in ("ceiling", "datasette", "healthz"))
    stack = "nginx, then gunicorn" if proxy else "gunicorn alone"
    print(f"\n{generator.removeprefix('run_')} on 127.0.0.1, {args.connections} connections, "
          f"{args.lookup_seconds}s for the lookup and {args.seconds}s for the others; "
          f"`make run`'s stack ({stack}), {os.environ.get('WEB_CONCURRENCY', 2)} workers; "
          f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}\n")
    print("| target | req/s | p50 ms | p99 ms | errors | × ceiling | × Datasette |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    labels = {"ceiling": f"bare Flask route, constant {size:,}-byte body (ceiling; mean of a "
                         "run first and last)",
              "datasette": "Datasette, immutable, the lookup as SQL (peer)"}
    for name, _server, requests, _expect in TARGETS:
        if name == "ceiling-again":
            continue
        rps, p50, p99, errors = results[name]
        method, path, _body = requests[0]
        label = labels.get(name, f"`{method} {path}`")
        print(f"| {label} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} | "
              f"{rps / ceiling:.2f} | {rps / peer:.2f} |")
    lookup, unknown = results["lookup"][0], results["unknown"][0]
    print(f"\nCached lookup: {lookup / ceiling:.2f}× the ceiling (goal ≥ 0.8). Unknown name "
          f"(404 with suggestions): costs {healthz / unknown:.2f}× `/healthz` (goal ≤ 2).")
    rps, p50, p99, errors = soak
    print(f"\nSoak: {args.soak_seconds}s, {args.connections} connections, {len(SOAK)} lookups, "
          f"searches, reviews and CDS calls in turn: {rps:,.0f} req/s, p50 {p50:.2f} ms, "
          f"p99 {p99:.2f} ms, {errors} errors.\n")
    print("| gunicorn worker | RSS before | RSS after | growth |")
    print("|---|---:|---:|---:|")
    for n, pid in enumerate(sorted(before), 1):
        if pid in after:
            growth = (after[pid] - before[pid]) / before[pid] * 100
            print(f"| {n} | {before[pid]:.1f} MB | {after[pid]:.1f} MB | {growth:+.1f} % |")
        else:
            print(f"| {n} | {before[pid]:.1f} MB | (restarted) | |")


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: req/s and p50/p99 latency of ossa's hot paths, its ceiling and its peer.

On 127.0.0.1, in one run: ossa's lookup, drug, search, review and CDS call; a constant-JSON
Flask route served by the same gunicorn settings (the ceiling); and Datasette serving the same
SQLite file in immutable mode with the equivalent query (the peer). The load generator is wrk
(Debian package `wrk`) when installed, else a small Python client (less precise: it shares the
two cores with the servers). Prints a Markdown table with the ratios and each worker's RSS.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, run_python, run_wrk, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REVIEW = {"medications": [{"name": "tamoxifen"}, {"name": "Cymbalta"}, {"rxcui": "199224"}],
          "menopausal_status": "premenopausal"}
CDS = {
    "hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "context": {"userId": "Practitioner/1", "patientId": "1", "draftOrders": {
        "resourceType": "Bundle", "entry": [{"resource": {
            "resourceType": "MedicationRequest", "id": "a", "status": "draft",
            "medicationCodeableConcept": {"coding": [{
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "199224",
                "display": "anastrozole 1 MG Oral Tablet"}]}}}]}},
}
DATASETTE_SQL = ("select d.body from names n join drugs d on d.id = n.drug_id"
                 " where n.norm = :name and n.name_type != 'product' limit 1")
# name, server, method, path, body
TARGETS = [
    ("ceiling", "ceiling", "GET", "/const", None),  # measured first and last: the machine drifts
    ("lookup", "ossa", "GET", "/v1/lookup?name=Arimidex", None),
    ("drug", "ossa", "GET", "/v1/drugs/anastrozole", None),
    ("search", "ossa", "GET", "/v1/search?q=ana", None),
    ("review", "ossa", "POST", "/v1/reviews", REVIEW),
    ("cds", "ossa", "POST", "/cds-services/ossa-order-sign", CDS),
    ("ceiling-again", "ceiling", "GET", "/const", None),
    ("datasette", "datasette", "GET", "/ossa.json?" + urllib.parse.urlencode(
        {"sql": DATASETTE_SQL, "name": "arimidex", "_shape": "array"}), None),
]


def start_servers(workers, database):
    """Start ossa, the ceiling and Datasette; return ({name: port}, [processes])."""
    ports = {name: free_port() for name in ("ossa", "ceiling", "datasette")}
    gunicorn = [BIN / "gunicorn", "--config", ROOT / "gunicorn.conf.py", "--workers", str(workers),
                "--access-logfile", "/dev/null"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bench"), "OSSA_DATABASE": str(database)}
    commands = {
        "ossa": [*gunicorn, "--bind", f"127.0.0.1:{ports['ossa']}", "api:create_app()"],
        "ceiling": [*gunicorn, "--bind", f"127.0.0.1:{ports['ceiling']}", "ceiling:create_app()"],
        "datasette": [BIN / "datasette", "serve", "-i", str(database), "--port",
                      str(ports["datasette"]), "--host", "127.0.0.1"],
    }
    procs = {name: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
             for name, cmd in commands.items()}
    for name, port in ports.items():
        wait_for(port, procs[name], name)
    return ports, procs


def worker_rss_mb(master):
    """Return the resident memory of each gunicorn worker of master, in MB."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def warm(url, method, body):
    data = json.dumps(body).encode() if body else None
    for _ in range(30):  # fill every worker's cache
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request).close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--lookup-seconds", type=int,
                        default=int(os.environ.get("BENCH_LOOKUP_SECONDS", 60)))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--database", default=os.environ.get("OSSA_DATABASE",
                                                             ROOT / "var" / "ossa.db"))
    args = parser.parse_args()
    load = run_wrk if shutil.which("wrk") else run_python
    database = Path(tempfile.mkdtemp(prefix="ossa-bench-")) / "ossa.db"
    shutil.copyfile(args.database, database)  # Datasette names the database after the file
    ports, procs = start_servers(args.workers, database)
    results = {}
    try:
        for name, server, method, path, body in TARGETS:
            url = f"http://127.0.0.1:{ports[server]}{path}"
            warm(url, method, body)
            seconds = args.lookup_seconds if name == "lookup" else args.seconds
            print(f"  {name}: {seconds}s, {args.connections} connections …", file=sys.stderr)
            results[name] = load(url, seconds, args.connections, method, body)
        rss = worker_rss_mb(procs["ossa"])
        first, last = results.pop("ceiling"), results.pop("ceiling-again")
        results["ceiling"] = (*((a + b) / 2 for a, b in zip(first[:3], last[:3], strict=True)),
                              first[3] + last[3])
    finally:
        for proc in procs.values():
            proc.terminate()
            proc.wait()
    report(results, rss, load.__name__, args)


def report(results, rss, generator, args):
    ceiling, peer = results["ceiling"][0], results["datasette"][0]
    print(f"\n{generator.removeprefix('run_')} on 127.0.0.1, {args.connections} connections, "
          f"{args.lookup_seconds}s for lookup and {args.seconds}s for the others, gunicorn "
          f"{args.workers} workers ({os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')})\n")
    print("| target | req/s | p50 ms | p99 ms | errors | × ceiling | × Datasette |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, _server, method, path, _body in TARGETS:
        if name == "ceiling-again":
            continue
        rps, p50, p99, errors = results[name]
        label = {"ceiling": "constant JSON Flask route (ceiling; mean of a run first and last)",
                 "datasette": "Datasette, immutable, same lookup as SQL (peer)"}.get(
                     name, f"`{method} {path}`")
        print(f"| {label} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} | "
              f"{rps / ceiling:.2f} | {rps / peer:.2f} |")
    print(f"\nossa worker RSS after the run: {', '.join(f'{mb:.0f} MB' for mb in rss)}")


if __name__ == "__main__":
    main()

"""`make bench-search`: name resolution at 1k, 10k and 100k+ names, in process.

Each vocabulary is the real knowledge base plus synthetic RxNorm-like product names
("Dravexolin 20 MG Oral Tablet [Kelvura]") attached to covered drugs. For each size it reports
the index build time and size, and p50/p99 latency of typeahead (`search_names`), fuzzy lookup
(misspelled covered names) and free-text lookup (EHR strings) over a few hundred queries each.
"""

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db import connect_readonly  # noqa: E402
from db.build import build, rebuild_name_index  # noqa: E402
from db.lookup import lookup_name  # noqa: E402
from db.rows import name_row  # noqa: E402
from db.search import search_names  # noqa: E402

SYLLABLES = ("ra ve xo lin da tor mi qua zen pre bo lu ka ri ne sa cu fe do pa ti mo gra"
             " vi sto ber len cla dra kel vu phy tri zo ox ar el on um ic").split()
FORMS = ["Oral Tablet", "Oral Capsule", "Injection", "Prefilled Syringe", "Oral Solution",
         "Extended Release Oral Tablet", "Topical Cream", "Transdermal System"]


def word(rng, parts):
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def synthetic_names(rng, count, drug_ids):
    """Yield `names` rows shaped like RxNorm product names."""
    for _ in range(count):
        text = (f"{word(rng, rng.randint(3, 5))} {rng.choice([1, 2.5, 5, 10, 20, 100, 250])} MG "
                f"{rng.choice(FORMS)}")
        if rng.random() < 0.5:
            text += f" [{word(rng, rng.randint(2, 3)).title()}]"
        yield name_row(text, rng.choice(drug_ids), "product")


def make_vocabulary(base, size, rng):
    """Copy the built database and grow `names` to about `size` rows; return (path, seconds)."""
    path = Path(tempfile.mkdtemp(prefix="ossa-bench-")) / f"names-{size}.db"
    path.write_bytes(base.read_bytes())
    conn = sqlite3.connect(path)
    drug_ids = [r[0] for r in conn.execute("SELECT id FROM drugs")]
    have = conn.execute("SELECT count(*) FROM names").fetchone()[0]
    started = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT OR IGNORE INTO names (name, norm, squash, drug_id, name_type)"
            " VALUES (:name, :norm, :squash, :drug_id, :name_type)",
            synthetic_names(rng, max(0, size - have), drug_ids))
        rebuild_name_index(conn)
    seconds = time.perf_counter() - started
    conn.execute("VACUUM")
    conn.close()
    return path, seconds


def misspell(rng, text):
    i = rng.randrange(1, len(text) - 1)
    edit = rng.choice(["swap", "replace", "drop", "double"])
    if edit == "swap":
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if edit == "replace":
        return text[:i] + rng.choice("aeiouy") + text[i + 1:]
    if edit == "drop":
        return text[:i] + text[i + 1:]
    return text[:i] + text[i] + text[i:]


def queries(conn, rng, count):
    """Return (typeahead, fuzzy, free text) query lists."""
    curated = [r[0] for r in conn.execute(
        "SELECT name FROM names WHERE name_type IN ('generic', 'brand') AND length(name) >= 6")]
    products = [r[0] for r in conn.execute(
        "SELECT name FROM names WHERE name_type = 'product' ORDER BY random() LIMIT 200")]
    pool = curated + products
    typeahead = [rng.choice(pool)[: rng.randint(2, 7)] for _ in range(count)]
    fuzzy = [misspell(rng, rng.choice(curated)) for _ in range(count)]
    text = [f"{rng.choice(curated)} {rng.choice([1, 5, 25, 100])} MG {rng.choice(FORMS)}"
            for _ in range(count)]
    return typeahead, fuzzy, text


def timed(function, items):
    """Return (p50, p99) in milliseconds of function over items."""
    laps = []
    for item in items:
        started = time.perf_counter_ns()
        try:
            function(item)
        except Exception:  # noqa: BLE001, S110 - a 404 is a valid, timed answer
            pass
        laps.append((time.perf_counter_ns() - started) / 1e6)
    cuts = statistics.quantiles(laps, n=100)
    return cuts[49], cuts[98]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,200000")
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="ossa-bench-")) / "base.db"
    build(base, progress=lambda message: None)
    print("| names | index build s | database MB | typeahead p50 / p99 ms | "
          "fuzzy lookup p50 / p99 ms | free-text lookup p50 / p99 ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in map(int, args.sizes.split(",")):
        rng = random.Random(size)
        path, seconds = make_vocabulary(base, size, rng)
        conn = connect_readonly(path)
        total = conn.execute("SELECT count(*) FROM names").fetchone()[0]
        typeahead, fuzzy, text = queries(conn, rng, args.queries)
        lookup_name(conn, "Arimidex 1 mg")  # compile the free-text matcher once, like a server
        cells = [timed(lambda q, c=conn: search_names(c, q, limit=10), typeahead),
                 timed(lambda q, c=conn: lookup_name(c, q), fuzzy),
                 timed(lambda q, c=conn: lookup_name(c, q), text)]
        size_mb = path.stat().st_size / 1e6
        print(f"| {total:,} | {seconds:.2f} | {size_mb:.1f} | " +
              " | ".join(f"{p50:.2f} / {p99:.2f}" for p50, p99 in cells) + " |", flush=True)
        conn.close()


if __name__ == "__main__":
    main()

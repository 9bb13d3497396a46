"""Build the read-only database: apply migrations, then load the content in one transaction."""

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from db import CONTENT_DIR, MIGRATIONS_DIR, DatabaseError, connect_readonly, dataset_info, migrate
from db.content import content_hash, load_content
from db.text import infer_tty, normalize

RISK_RANK = {"none": 0, "low": 1, "moderate": 2, "high": 3}
RXNORM_RELEASE = "2025-10-06"
ATC_RELEASE = "2026-04-25"


# The code that decides what the database holds: a change here must rebuild it too, or
# `make run` would keep serving data built by the old code.
BUILD_CODE = ("build.py", "content.py", "content_schemas.py", "review_content.py", "text.py")


def dataset_version(content_dir=CONTENT_DIR, migrations_dir=MIGRATIONS_DIR):
    """Return the version of the data the files would build: content, migrations, build code."""
    digest = hashlib.sha256()
    digest.update(content_hash(content_dir).encode())
    digest.update(migrate.level(migrations_dir).encode())
    for name in BUILD_CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def check_current(path, content_dir=CONTENT_DIR, migrations_dir=MIGRATIONS_DIR):
    """Raise DatabaseError unless the database at path holds the current dataset."""
    fix = "run `make db` (or `flask --app api db build`)"
    try:
        conn = connect_readonly(path)
    except DatabaseError as exc:
        raise DatabaseError(f"{exc}; {fix}") from None
    try:
        stored = dataset_info(conn).get("version")
    except sqlite3.DatabaseError:
        stored = None
    finally:
        conn.close()
    wanted = dataset_version(content_dir, migrations_dir)
    # An imported RxNorm release adds "+rx…" to the version; the content part must still match.
    if (stored or "").split("+")[0] != wanted:
        raise DatabaseError(
            f"database {path} holds dataset {stored or 'none'}, the files say {wanted}; {fix}"
        )
    return stored


def build(path, content_dir=CONTENT_DIR, migrations_dir=MIGRATIONS_DIR, progress=print):
    """Build a new database file and swap it in atomically; return the dataset version."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    progress(f"validating content in {content_dir}")
    content = load_content(content_dir)
    version = dataset_version(content_dir, migrations_dir)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp)
        migrate.upgrade(conn, migrations_dir, progress)
        load(conn, content, version, progress)
        conn.execute("VACUUM")
        conn.close()
        # A reader that has the old file open keeps it; new connections see the new one.
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    progress(f"built {path} (dataset {version})")
    return version


def load(conn, content, version, progress=print):
    """Write every content record with sqlite-utils in one transaction."""
    db = sqlite_utils.Database(conn)
    tables = _rows(content, version)
    with db.atomic():
        for name, rows in tables.items():
            db[name].delete_where()
            db[name].insert_all(rows)
            progress(f"  {name}: {len(rows)} rows")
        rebuild_name_index(conn)
        progress("  search indexes rebuilt")
    return version


def rebuild_name_index(conn):
    """Rebuild the FTS5 indexes over `names` (external-content tables do not follow writes)."""
    for table in ("names_words", "names_trigrams"):
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")


def _rows(content, version):
    """Turn validated content into rows for every table."""
    sources = {s["id"]: s for s in content.sources}
    classes = {c["id"]: c for c in content.classes}
    strategies = {m["id"]: m for m in content.management}
    drugs = {d["id"]: d for d in content.drugs}
    bodies = [_drug_body(d, classes, strategies, sources, drugs) for d in content.drugs]
    return {
        "dataset": _dataset_rows(content, version),
        "sources": list(sources.values()),
        "classes": [_class_row(c, content.drugs, sources) for c in content.classes],
        "drugs": [_drug_row(body) for body in bodies],
        "names": _name_rows(content.drugs, content.abbreviations, content.concepts),
        "codes": _code_rows(content.drugs, content.concepts),
        "management": [_management_row(m, sources, drugs) for m in content.management],
        "guidance": [{"id": g["id"], "body": _dumps(_with_sources(g, sources))}
                     for g in content.guidance],
        "review_notes": [{"section": key, "body": _dumps(value)}
                         for key, value in content.review_notes.items()],
    }


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _with_sources(record, sources):
    """Return a copy of record whose `sources` ids are replaced by the source objects."""
    return {**record, "sources": [_source(sources[s]) for s in record["sources"]]}


def _source(source):
    return {k: v for k, v in source.items() if v is not None}


def _drug_body(drug, classes, strategies, sources, drugs):
    """Expand a drug's references into the record the API returns."""
    body = _with_sources(drug, sources)
    cls = classes[drug["drug_class"]]
    body["drug_class"] = {"id": cls["id"], "name": cls["name"]}
    body["management"] = [
        {k: strategies[m][k] for k in ("id", "title", "kind", "detail", "sources")}
        for m in drug["management"]
    ]
    body["interactions"] = [
        {**i, "drug_name": drugs[i["drug_id"]]["generic_name"]} for i in drug["interactions"]
    ]
    body["codes"] = {**drug["codes"], "rxnorm_release": RXNORM_RELEASE, "atc_release": ATC_RELEASE}
    return body


def _drug_row(body):
    return {
        "id": body["id"],
        "generic_name": body["generic_name"],
        "drug_class": body["drug_class"]["id"],
        "therapy_type": body["therapy_type"],
        "risk": body["bone_joint"]["risk"],
        "risk_rank": RISK_RANK[body["bone_joint"]["risk"]],
        "bone_loss": int(body["bone_loss"]["warning"]),
        "onj": int(body["onj"]["warning"]),
        "body": _dumps(body),
    }


def _class_row(cls, drugs, sources):
    members = [
        {"id": d["id"], "generic_name": d["generic_name"], "brand_names": d["brand_names"],
         "risk": d["bone_joint"]["risk"]}
        for d in drugs if d["drug_class"] == cls["id"]
    ]
    body = {**_with_sources(cls, sources), "members": members}
    return {"id": cls["id"], "name": cls["name"], "therapy_type": cls["therapy_type"],
            "body": _dumps(body)}


def _management_row(item, sources, drugs):
    body = _with_sources(item, sources)
    body["drugs"] = [{"id": d, "generic_name": drugs[d]["generic_name"]} for d in item["drug_ids"]]
    del body["drug_ids"]
    return {"id": item["id"], "kind": item["kind"], "body": _dumps(body)}


PRODUCT_TTYS = {"SCD", "SBD", "SCDC", "SBDC", "SCDF", "SBDF", "SCDG", "SBDG", "GPCK", "BPCK"}


def name_row(name, drug_id, name_type):
    """Return a `names` row: the name as written, its matching keys, its drug and kind."""
    norm = normalize(name)
    return {"name": name, "norm": norm, "squash": norm.replace(" ", ""), "drug_id": drug_id,
            "name_type": name_type}


def _name_rows(drugs, abbreviations, concepts):
    """Return one row per (normalized name, drug, name type)."""
    named = []
    for drug in drugs:
        named.append((drug["generic_name"], drug["id"], "generic"))
        named += [(b, drug["id"], "brand") for b in drug["brand_names"]]
        named += [(s, drug["id"], "synonym") for s in drug["synonyms"]]
        named.append((drug["id"], drug["id"], "id"))
    for item in abbreviations:
        named += [(item["name"], d, "abbreviation") for d in item["drug_ids"]]
    ids = _drug_ids_by_name(drugs)
    # Single-ingredient product names ("anastrozole 1 MG Oral Tablet") help typeahead;
    # combination products would list one drug under another's name, so they stay codes only.
    named += [(c["name"], ids[normalize(c["drug"])], "product") for c in concepts
              if c["is_combination"] != "true" and (c["tty"] or "SCD") in PRODUCT_TTYS]
    rows = {}
    for name, drug_id, name_type in named:
        row = name_row(name, drug_id, name_type)
        rows.setdefault((row["norm"], drug_id, name_type), row)
    return list(rows.values())


def _drug_ids_by_name(drugs):
    return {normalize(n): d["id"] for d in drugs for n in (d["id"], d["generic_name"],
                                                          *d["synonyms"])}


def _code_rows(drugs, concepts):
    """Return RxNorm and ATC code rows: the drugs' own codes, then the concept list."""
    rows = {}

    def add(system, code, drug_id, tty=None, name=None, retired=0, release=None):
        row = rows.setdefault((system, code, drug_id), {
            "system": system, "code": code, "drug_id": drug_id,
            "tty": tty, "name": name, "retired": retired, "release": release})
        row["tty"] = row["tty"] or tty
        row["name"] = row["name"] or name
        row["release"] = row["release"] or release

    for drug in drugs:
        codes = drug["codes"]
        if codes["rxcui"]:
            add("rxnorm", codes["rxcui"], drug["id"], None, drug["generic_name"], 0, RXNORM_RELEASE)
        for brand in codes["brands"]:
            if brand["rxcui"]:
                add("rxnorm", brand["rxcui"], drug["id"], "BN", brand["name"], 0, RXNORM_RELEASE)
        for atc in codes["atc"]:
            add("atc", atc, drug["id"], None, drug["generic_name"], 0, ATC_RELEASE)
        for atc in codes["atc_retired"]:
            add("atc", atc, drug["id"], None, drug["generic_name"], 1, ATC_RELEASE)
    by_name = _drug_ids_by_name(drugs)
    for concept in concepts:
        drug_id = by_name.get(normalize(concept["drug"]))
        if drug_id is None:
            raise DatabaseError(f"rxnorm_concepts.csv: unknown drug `{concept['drug']}`")
        tty = concept["tty"] or infer_tty(concept["name"], concept["drug"])
        add("rxnorm", concept["rxcui"], drug_id, tty, concept["name"], 0,
            concept["release"] or None)
    return list(rows.values())


def _dataset_rows(content, version):
    reviewed = max(d["last_reviewed"] for d in content.drugs)
    return [
        {"key": "version", "value": version},
        {"key": "last_reviewed", "value": reviewed},
        {"key": "rxnorm_release", "value": RXNORM_RELEASE},
        {"key": "atc_release", "value": ATC_RELEASE},
        {"key": "disclaimer", "value": content.about["disclaimer"]},
        {"key": "license", "value": content.about["license"]},
    ]
